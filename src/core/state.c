/* The small record kept per stack under $XDG_STATE_HOME/nixl-tui/<stack>.json (config
 * used, stack ARN, client request token, times), written atomically (temp + fsync +
 * rename) so that a run killed at any moment leaves either the old or the new record. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"
#include "base/jsonobj.h"
#include "core/session_priv.h"
#include "base/statedir.h"

static int state_path(session_t *s, char *buf, size_t n)
{
	char dir[360];
	if (state_dir_path(dir, sizeof dir) < 0) return -1;
	if ((size_t)snprintf(buf, n, "%s/%s.json", dir, s->stack_name) >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Said once per session: without the record a killed deploy cannot find its client
 * request token again. */
static void state_unwritable(session_t *s, const char *where, int err)
{
	if (s->state_problem[0]) return;
	snprintf(s->state_problem, sizeof s->state_problem,
	         "The record of stack %s cannot be written under %.200s (%s), so a run killed now "
	         "cannot be resumed from it; set XDG_STATE_HOME to a writable directory.",
	         s->stack_name, where, strerror(err));
	sess_flash(s, "%s", s->state_problem);
}

int sess_state_save(session_t *s)
{
	struct session_priv *p = SP(s);
	char path[512];
	if (!s->stack_name[0]) return -1;
	if (state_path(s, path, sizeof path) < 0) {
		int e = errno;
		const char *x = getenv("XDG_STATE_HOME");
		state_unwritable(s, x && *x ? x : "~/.local/state", e);
		return -1;
	}
	const char *const fields[][2] = {
		{ "stackName", s->stack_name }, { "stackId", s->stack_id }, { "region", s->region },
		{ "endpoint", s->endpoint }, { "phase", session_phase_name(s->phase) },
		{ "clientRequestToken", p->client_token },
	};
	cJSON *o = json_object_strings(fields, sizeof fields / sizeof fields[0]);
	cJSON_AddNumberToObject(o, "updatedAt", (double)time(NULL));
	cJSON *cfg = cJSON_AddObjectToObject(o, "config");
	for (int k = 0; k < CONFIG_KEY_COUNT; k++)
		if (p->cfg.value[k]) cJSON_AddStringToObject(cfg, config_key_name((config_key_t)k), p->cfg.value[k]);
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text) return -1;
	int rc = file_write_atomic(path, text, strlen(text), 0600), e = errno;
	free(text);
	if (rc < 0) state_unwritable(s, path, e);
	return rc;
}

int sess_state_load(session_t *s)
{
	struct session_priv *p = SP(s);
	char path[512];
	if (state_path(s, path, sizeof path) < 0) return -1;
	FILE *f = fopen(path, "r");
	if (!f) return -1;
	char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	cJSON *o = cJSON_Parse(buf);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(o, "stackId"));
	const char *region = cJSON_GetStringValue(cJSON_GetObjectItem(o, "region"));
	const char *tok = cJSON_GetStringValue(cJSON_GetObjectItem(o, "clientRequestToken"));
	/* a record of the same stack name in another region is another stack */
	if (id && region && strcmp(region, s->region) == 0) {
		snprintf(s->stack_id, sizeof s->stack_id, "%s", id);
		if (tok) snprintf(p->client_token, sizeof p->client_token, "%s", tok);
	}
	cJSON_Delete(o);
	return 0;
}
