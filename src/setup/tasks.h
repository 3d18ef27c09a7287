/* Task files: the users' JSON format for preparing nodes, read as their own runners read it.
 *
 *   { "name": "...", "description": "...", "variables": { "NAME": "value", ... },
 *     "tasks": [ { "id": "...", "name": "...", "description": "...",
 *                  "skip_if": "shell condition", "commands": [ "shell line", ... ] } ] }
 *
 * `{{NAME}}` in skip_if and commands is replaced by the variable's value; a `{{...}}` that
 * names no variable stays as it is (`docker ps --format '{{.Names}}'`). The file is parsed
 * and checked here, before anything is sent: one sentence per problem.
 *
 * The node runs a plan, not the JSON: tasks_plan() writes the expanded tasks in a line
 * format the runner (src/setup/scripts/task_runner.sh) reads with bash alone, so a node
 * needs neither jq nor a JSON parser to run it. */
#ifndef NIXL_SETUP_TASKS_H
#define NIXL_SETUP_TASKS_H

#include <stddef.h>

/* The largest task file accepted. Real files are about 20 tasks and 10-20 KB; the
 * runner holds the whole plan in bash arrays and the product keeps the file in memory. */
enum { TASKS_MAX_BYTES = 1 << 20, TASKS_MAX_TASKS = 500, TASKS_MAX_COMMANDS = 2000 };

typedef struct task {
	char *id;
	char *name;         /* "" when absent */
	char *description;  /* "" when absent */
	char *skip_if;      /* NULL when absent; as written (not expanded) */
	char **commands;    /* as written (not expanded) */
	size_t ncommands;
} task_t;

typedef struct tasks {
	char *name;
	char *description;
	char **var_names, **var_values;
	size_t nvars;
	task_t *tasks;
	size_t ntasks;
} tasks_t;

/* Parses and checks a task file's text (len bytes, need not be NUL-terminated). 0, or -1
 * with one sentence in err (the file name is the caller's to add). */
int tasks_parse(const char *text, size_t len, tasks_t *out, char *err, size_t errlen);
void tasks_free(tasks_t *t);

/* The index of the task with this id, or -1. */
long tasks_find(const tasks_t *t, const char *id);

/* text with every {{NAME}} of a defined variable replaced; a malloc'd string (NULL only
 * when out of memory). */
char *tasks_expand(const tasks_t *t, const char *text);

/* The plan the runner reads (malloc'd text; NULL when out of memory): the tasks expanded,
 * those before index `from` marked to be skipped ("--from ID"). Format, one record a line,
 * each field base64 so that any text passes through `read`:
 *   NIXL-PLAN 1 <ntasks>
 *   TASK <b64 id> <b64 name> <0|1 skip: before --from>
 *   SKIPIF <b64 condition>
 *   CMD <b64 command line>
 */
char *tasks_plan(const tasks_t *t, size_t from);

#endif
