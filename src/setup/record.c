#include "setup/record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include <openssl/rand.h>

#include "base/file.h"
#include "base/isotime.h"
#include "base/jsonobj.h"
#include "base/statedir.h"

static int record_path(const char *stack, char *buf, size_t n)
{
	char dir[400];
	if (state_dir_path(dir, sizeof dir) < 0) return -1;
	if (!*stack || strchr(stack, '/') || (size_t)snprintf(buf, n, "%s/%s.setup.json", dir, stack) >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int setup_record_save(const setup_record_t *r, const tasks_t *t, char *err, size_t errlen)
{
	char path[512];
	if (record_path(r->stack, path, sizeof path) < 0) {
		snprintf(err, errlen, "no place for the setup record (%s): set XDG_STATE_HOME", strerror(errno));
		return -1;
	}
	const char *const fields[][2] = {
		{ "stackName", r->stack }, { "region", r->region }, { "commandId", r->command_id },
		{ "prefix", r->prefix },
	};
	cJSON *o = json_object_strings(fields, sizeof fields / sizeof fields[0]);
	cJSON_AddNumberToObject(o, "startedAt", (double)r->started);
	cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
	for (size_t i = 0; i < r->nnodes; i++) {
		cJSON *n = cJSON_CreateObject();
		cJSON_AddNumberToObject(n, "node", r->node_no[i]);
		cJSON_AddStringToObject(n, "instanceId", r->ids[i]);
		cJSON_AddItemToArray(nodes, n);
	}
	cJSON *tasks = cJSON_AddArrayToObject(o, "tasks");
	for (size_t i = 0; i < t->ntasks; i++) {
		cJSON *k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "id", t->tasks[i].id);
		cJSON_AddStringToObject(k, "name", t->tasks[i].name);
		cJSON_AddItemToArray(tasks, k);
	}
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	int rc = text ? file_write_atomic(path, text, strlen(text), 0600) : -1;
	if (rc < 0) snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(text);
	return rc;
}

static int copy_str(const cJSON *o, const char *key, char *dst, size_t n)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	if (!v || strlen(v) >= n) return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int load_tasks(const cJSON *arr, tasks_t *t)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || n == 0 || n > TASKS_MAX_TASKS || !(t->tasks = calloc(n, sizeof *t->tasks))) return -1;
	const cJSON *k;
	cJSON_ArrayForEach(k, arr) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "id"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "name"));
		task_t *dst = &t->tasks[t->ntasks++];
		if (!id || !(dst->id = strdup(id)) || !(dst->name = strdup(name ? name : "")) ||
		    !(dst->description = strdup("")))
			return -1;
	}
	return 0;
}

int setup_record_load(const char *stack, const char *region, setup_record_t *r)
{
	memset(r, 0, sizeof *r);
	char path[512], *text;
	size_t len;
	if (record_path(stack, path, sizeof path) < 0 || file_read(path, 1 << 20, &text, &len) < 0) return -1;
	cJSON *o = cJSON_ParseWithLength(text, len);
	free(text);
	int ok = o && copy_str(o, "stackName", r->stack, sizeof r->stack) == 0 &&
	         copy_str(o, "region", r->region, sizeof r->region) == 0 &&
	         copy_str(o, "commandId", r->command_id, sizeof r->command_id) == 0 &&
	         copy_str(o, "prefix", r->prefix, sizeof r->prefix) == 0 && strcmp(r->stack, stack) == 0 &&
	         strcmp(r->region, region) == 0;
	const cJSON *started = cJSON_GetObjectItemCaseSensitive(o, "startedAt");
	r->started = cJSON_IsNumber(started) ? (time_t)started->valuedouble : 0;
	const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(o, "nodes"), *n;
	if (ok && cJSON_IsArray(nodes)) {
		cJSON_ArrayForEach(n, nodes) {
			const cJSON *no = cJSON_GetObjectItemCaseSensitive(n, "node");
			if (r->nnodes == EXEC_MAX_NODES || !cJSON_IsNumber(no) || no->valueint < 1 || no->valueint > EXEC_MAX_NODES ||
			    copy_str(n, "instanceId", r->ids[r->nnodes], sizeof r->ids[0]) < 0 ||
			    !exec_valid_instance_id(r->ids[r->nnodes])) {
				ok = 0;
				break;
			}
			r->node_no[r->nnodes++] = no->valueint;
		}
	}
	ok = ok && r->nnodes > 0 && load_tasks(cJSON_GetObjectItemCaseSensitive(o, "tasks"), &r->tasks) == 0;
	cJSON_Delete(o);
	if (!ok) {
		setup_record_free(r);
		return -1;
	}
	return 0;
}

void setup_record_free(setup_record_t *r)
{
	tasks_free(&r->tasks);
	memset(r, 0, sizeof *r);
}

void setup_run_prefix(char *out, size_t n)
{
	unsigned char rnd[3] = { 0 };
	(void)RAND_bytes(rnd, sizeof rnd);
	char when[32];
	isotime_format_basic(time(NULL), when, sizeof when);
	snprintf(out, n, "nixl-tui/setup/%s-%02x%02x%02x/", when, rnd[0], rnd[1], rnd[2]);
}

int setup_status_running(const char *st)
{
	if (!st) return 0;
	return strcmp(st, "Pending") == 0 || strcmp(st, "InProgress") == 0 || strcmp(st, "Delayed") == 0 ||
	       strcmp(st, "Cancelling") == 0;
}
