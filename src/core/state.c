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

#include "core/session_priv.h"

static int state_dir(char *buf, size_t n)
{
	const char *x = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (x && *x) snprintf(buf, n, "%s/nixl-tui", x);
	else if (home && *home) snprintf(buf, n, "%s/.local/state/nixl-tui", home);
	else return -1;
	/* mkdir -p of the last two levels is enough: XDG_STATE_HOME's parent exists */
	char parent[512];
	snprintf(parent, sizeof parent, "%s", buf);
	char *slash = strrchr(parent, '/');
	if (slash) {
		*slash = 0;
		mkdir(parent, 0700);
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST) return -1;
	return 0;
}

static int state_path(session_t *s, char *buf, size_t n)
{
	char dir[360];
	if (!s->stack_name[0] || state_dir(dir, sizeof dir) < 0) return -1;
	snprintf(buf, n, "%s/%s.json", dir, s->stack_name);
	return 0;
}

int sess_state_save(session_t *s)
{
	struct session_priv *p = SP(s);
	char path[512], tmp[540];
	if (state_path(s, path, sizeof path) < 0) return -1;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "stackName", s->stack_name);
	cJSON_AddStringToObject(o, "stackId", s->stack_id);
	cJSON_AddStringToObject(o, "region", s->region);
	cJSON_AddStringToObject(o, "endpoint", s->endpoint);
	cJSON_AddStringToObject(o, "phase", session_phase_name(s->phase));
	cJSON_AddStringToObject(o, "clientRequestToken", p->client_token);
	cJSON_AddNumberToObject(o, "updatedAt", (double)time(NULL));
	cJSON *cfg = cJSON_AddObjectToObject(o, "config");
	for (int k = 0; k < CONFIG_KEY_COUNT; k++)
		if (p->cfg.value[k]) cJSON_AddStringToObject(cfg, config_key_name((config_key_t)k), p->cfg.value[k]);
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text) return -1;
	snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;
	if (fd >= 0) {
		size_t len = strlen(text);
		if (write(fd, text, len) == (ssize_t)len && fsync(fd) == 0) rc = 0;
		close(fd);
		if (rc == 0 && rename(tmp, path) < 0) rc = -1;
		if (rc < 0) unlink(tmp);
	}
	free(text);
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
