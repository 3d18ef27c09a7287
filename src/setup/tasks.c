/* Task files: parse, check, expand, and write the runner's plan. See tasks.h. */
#include "setup/tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

void tasks_free(tasks_t *t)
{
	if (!t) return;
	for (size_t i = 0; i < t->ntasks; i++) {
		task_t *k = &t->tasks[i];
		free(k->id);
		free(k->name);
		free(k->description);
		free(k->skip_if);
		for (size_t c = 0; c < k->ncommands; c++) free(k->commands[c]);
		free(k->commands);
	}
	for (size_t i = 0; i < t->nvars; i++) {
		free(t->var_names[i]);
		free(t->var_values[i]);
	}
	free(t->var_names);
	free(t->var_values);
	free(t->tasks);
	free(t->name);
	free(t->description);
	memset(t, 0, sizeof *t);
}

/* 1-based line and column of offset off in text */
static void position(const char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
	return 0;
}

/* An optional string member: 0 (absent or a string; *out set or NULL), -1 (not a string). */
static int opt_string(const cJSON *obj, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) return 0;
	if (!cJSON_IsString(v)) return -1;
	*out = v->valuestring;
	return 0;
}

static int parse_vars(const cJSON *root, tasks_t *t, char *err, size_t errlen)
{
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(root, "variables");
	if (!vars || cJSON_IsNull(vars)) return 0;
	if (!cJSON_IsObject(vars)) {
		snprintf(err, errlen, "\"variables\" must be an object of name → text.");
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(vars);
	t->var_names = calloc(n + 1, sizeof *t->var_names);
	t->var_values = calloc(n + 1, sizeof *t->var_values);
	if (!t->var_names || !t->var_values) goto oom;
	const cJSON *v;
	cJSON_ArrayForEach(v, vars) {
		/* checked first: the sentences below quote the name, and a sentence is one line */
		if (has_control(v->string)) {
			snprintf(err, errlen, "variable %zu: its name holds a control character.", t->nvars + 1);
			return -1;
		}
		if (!cJSON_IsString(v)) {
			snprintf(err, errlen, "variable \"%.64s\" must be text (write numbers in quotes).", v->string);
			return -1;
		}
		if (!*v->string || strstr(v->string, "}}") || strstr(v->string, "{{")) {
			snprintf(err, errlen, "variable name \"%.64s\" cannot be used as {{NAME}}.", v->string);
			return -1;
		}
		t->var_names[t->nvars] = strdup(v->string);
		t->var_values[t->nvars] = strdup(v->valuestring);
		if (!t->var_names[t->nvars] || !t->var_values[t->nvars]) goto oom;
		t->nvars++;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory reading the variables.");
	return -1;
}

static int parse_commands(const cJSON *cmds, task_t *k, size_t *total, char *err, size_t errlen)
{
	if (!cJSON_IsArray(cmds)) {
		snprintf(err, errlen, "task \"%.64s\": \"commands\" must be a list of shell lines.", k->id);
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(cmds);
	if (*total + n > TASKS_MAX_COMMANDS) {
		snprintf(err, errlen, "more than %d commands in all: split the file.", TASKS_MAX_COMMANDS);
		return -1;
	}
	*total += n;
	k->commands = calloc(n + 1, sizeof *k->commands);
	if (!k->commands) {
		snprintf(err, errlen, "out of memory reading task \"%.64s\".", k->id);
		return -1;
	}
	const cJSON *c;
	size_t i = 0;
	cJSON_ArrayForEach(c, cmds) {
		if (!cJSON_IsString(c)) {
			snprintf(err, errlen, "task \"%.64s\": command %zu is not text.", k->id, i + 1);
			return -1;
		}
		if (!(k->commands[k->ncommands++] = strdup(c->valuestring))) {
			snprintf(err, errlen, "out of memory reading task \"%.64s\".", k->id);
			return -1;
		}
		i++;
	}
	return 0;
}

static int parse_task(const cJSON *obj, size_t index, task_t *k, size_t *total, char *err, size_t errlen)
{
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errlen, "task %zu is not an object.", index + 1);
		return -1;
	}
	const char *id, *name, *desc, *skip;
	if (opt_string(obj, "id", &id) < 0 || !id || !*id) {
		snprintf(err, errlen, "task %zu has no \"id\" (a non-empty text).", index + 1);
		return -1;
	}
	if (has_control(id)) {
		snprintf(err, errlen, "task %zu: its id holds a control character.", index + 1);
		return -1;
	}
	if (!(k->id = strdup(id))) goto oom;
	if (opt_string(obj, "name", &name) < 0 || opt_string(obj, "description", &desc) < 0) {
		snprintf(err, errlen, "task \"%.64s\": \"name\" and \"description\" must be text.", id);
		return -1;
	}
	if (opt_string(obj, "skip_if", &skip) < 0) {
		snprintf(err, errlen, "task \"%.64s\": \"skip_if\" must be a shell condition (text).", id);
		return -1;
	}
	k->name = dup_or_empty(name);
	k->description = dup_or_empty(desc);
	if (!k->name || !k->description || (skip && !(k->skip_if = strdup(skip)))) goto oom;
	const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(obj, "commands");
	if (!cmds) {
		snprintf(err, errlen, "task \"%.64s\" has no \"commands\".", id);
		return -1;
	}
	return parse_commands(cmds, k, total, err, errlen);
oom:
	snprintf(err, errlen, "out of memory reading task %zu.", index + 1);
	return -1;
}

static int parse_tasks(const cJSON *root, tasks_t *t, char *err, size_t errlen)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "tasks");
	if (!arr) {
		snprintf(err, errlen, "there is no \"tasks\" list.");
		return -1;
	}
	if (!cJSON_IsArray(arr)) {
		snprintf(err, errlen, "\"tasks\" must be a list of task objects.");
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(arr);
	if (n == 0) {
		snprintf(err, errlen, "the \"tasks\" list is empty: nothing to run.");
		return -1;
	}
	if (n > TASKS_MAX_TASKS) {
		snprintf(err, errlen, "%zu tasks is more than %d: split the file.", n, TASKS_MAX_TASKS);
		return -1;
	}
	if (!(t->tasks = calloc(n, sizeof *t->tasks))) {
		snprintf(err, errlen, "out of memory reading the tasks.");
		return -1;
	}
	size_t total = 0;
	const cJSON *obj;
	cJSON_ArrayForEach(obj, arr) {
		task_t *k = &t->tasks[t->ntasks++];
		if (parse_task(obj, t->ntasks - 1, k, &total, err, errlen) < 0) return -1;
		for (size_t j = 0; j + 1 < t->ntasks; j++)
			if (strcmp(t->tasks[j].id, k->id) == 0) {
				snprintf(err, errlen, "tasks %zu and %zu have the same id \"%.64s\".", j + 1, t->ntasks,
				         k->id);
				return -1;
			}
	}
	return 0;
}

int tasks_parse(const char *text, size_t len, tasks_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	size_t blank = 0;
	while (blank < len && strchr(" \t\r\n", text[blank])) blank++;
	if (blank == len) {
		snprintf(err, errlen, "the task file is empty.");
		return -1;
	}
	if (len > TASKS_MAX_BYTES) {
		snprintf(err, errlen, "the task file is %zu bytes, more than the %d a node is sent: split it.", len,
		         TASKS_MAX_BYTES);
		return -1;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		size_t line, col, off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		position(text, off, &line, &col);
		snprintf(err, errlen, "the task file is not JSON (line %zu, column %zu).", line, col);
		return -1;
	}
	int rc = -1;
	const char *name = NULL, *desc = NULL;
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "the task file must be a JSON object with a \"tasks\" list.");
	} else if (opt_string(root, "name", &name) < 0 || opt_string(root, "description", &desc) < 0) {
		snprintf(err, errlen, "\"name\" and \"description\" must be text.");
	} else if (!(out->name = dup_or_empty(name)) || !(out->description = dup_or_empty(desc))) {
		snprintf(err, errlen, "out of memory.");
	} else if (parse_vars(root, out, err, errlen) == 0 && parse_tasks(root, out, err, errlen) == 0) {
		rc = 0;
	}
	cJSON_Delete(root);
	if (rc < 0) tasks_free(out);
	return rc;
}

long tasks_find(const tasks_t *t, const char *id)
{
	for (size_t i = 0; i < t->ntasks; i++)
		if (strcmp(t->tasks[i].id, id) == 0) return (long)i;
	return -1;
}

/* the variable whose {{NAME}} starts at s, or -1 */
static long var_at(const tasks_t *t, const char *s)
{
	for (size_t v = 0; v < t->nvars; v++) {
		size_t n = strlen(t->var_names[v]);
		if (strncmp(s + 2, t->var_names[v], n) == 0 && s[2 + n] == '}' && s[3 + n] == '}') return (long)v;
	}
	return -1;
}

char *tasks_expand(const tasks_t *t, const char *text)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	if (!f) return NULL;
	for (const char *s = text; *s;) {
		long v = s[0] == '{' && s[1] == '{' ? var_at(t, s) : -1;
		if (v >= 0) {
			fputs(t->var_values[v], f);
			s += 4 + strlen(t->var_names[v]);
		} else {
			fputc(*s++, f);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int put_b64(FILE *f, const char *s)
{
	size_t n = strlen(s);
	if (n == 0) return fputs("-", f) < 0 ? -1 : 0;   /* `read` would drop an empty field */
	unsigned char *b = malloc(4 * ((n + 2) / 3) + 1);
	if (!b) return -1;
	EVP_EncodeBlock(b, (const unsigned char *)s, (int)n);
	int rc = fputs((char *)b, f) < 0 ? -1 : 0;
	free(b);
	return rc;
}

static int put_expanded(FILE *f, const tasks_t *t, const char *kind, const char *text)
{
	char *x = tasks_expand(t, text);
	if (!x) return -1;
	fprintf(f, "%s ", kind);
	int rc = put_b64(f, x);
	fputc('\n', f);
	free(x);
	return rc;
}

char *tasks_plan(const tasks_t *t, size_t from)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	if (!f) return NULL;
	int rc = fprintf(f, "NIXL-PLAN 1 %zu\n", t->ntasks) < 0 ? -1 : 0;
	for (size_t i = 0; i < t->ntasks && rc == 0; i++) {
		const task_t *k = &t->tasks[i];
		fputs("TASK ", f);
		rc |= put_b64(f, k->id);
		fputc(' ', f);
		rc |= put_b64(f, k->name);
		fprintf(f, " %d\n", i < from);
		if (k->skip_if) rc |= put_expanded(f, t, "SKIPIF", k->skip_if);
		for (size_t c = 0; c < k->ncommands && rc == 0; c++) rc |= put_expanded(f, t, "CMD", k->commands[c]);
	}
	if (fclose(f) != 0 || rc != 0) {
		free(out);
		return NULL;
	}
	return out;
}
