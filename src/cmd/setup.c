/* nixl-tui setup: a task file (the users' format, src/setup/tasks.h), checked here before
 * anything is sent; --dry-run prints it expanded, --local runs it on this machine with the
 * runner the nodes get. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/loop.h"
#include "efa/exec_local.h"
#include "setup/progress.h"
#include "setup/runner.h"
#include "setup/tasks.h"

typedef struct opts {
	const char *tasks_file;  /* NULL: the default file */
	const char *from;
	const char *timeout;
	int reset, dry_run, local;
} opts_t;

static int parse_args(cli_t *cli, opts_t *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	for (int i = 0; i < cli->nargs; i++) {
		const char *a = cli->args[i], *v = NULL;
		int r;
		if ((r = cli_take_value(cli, &i, "--tasks", &v, err, errlen)) != 0) {
			if (r < 0) return -1;
			o->tasks_file = v;
		} else if ((r = cli_take_value(cli, &i, "--from", &v, err, errlen)) != 0) {
			if (r < 0) return -1;
			o->from = v;
		} else if ((r = cli_take_value(cli, &i, "--timeout", &v, err, errlen)) != 0) {
			if (r < 0) return -1;
			char *end;
			long s = strtol(v, &end, 10);
			if (*end || s < 1 || s > 48 * 3600) {
				snprintf(err, errlen, "--timeout takes seconds from 1 to 172800, not \"%.40s\"", v);
				return -1;
			}
			o->timeout = v;
		} else if (strcmp(a, "--reset") == 0) {
			o->reset = 1;
		} else if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = 1;
		} else if (strcmp(a, "--local") == 0) {
			o->local = 1;
		} else {
			snprintf(err, errlen, "unexpected argument \"%.60s\"", a);
			return -1;
		}
	}
	if (o->dry_run && o->local) {
		snprintf(err, errlen, "--dry-run sends and runs nothing: it excludes --local");
		return -1;
	}
	return 0;
}

/* The task file, parsed and checked; --from resolved. 0, or -1 with the sentence printed. */
static int load(const opts_t *o, tasks_t *t, size_t *from)
{
	const char *name = o->tasks_file ? o->tasks_file : "the default task file";
	char *text = NULL;
	size_t len = 0;
	char err[256];
	if (o->tasks_file) {
		if (file_read(o->tasks_file, TASKS_MAX_BYTES, &text, &len) < 0) {
			if (errno == EFBIG)
				fprintf(stderr, "nixl-tui setup: %s is larger than %d bytes, more than a node is sent: split it.\n",
				        o->tasks_file, TASKS_MAX_BYTES);
			else
				fprintf(stderr, "nixl-tui setup: cannot read %s: %s.\n", o->tasks_file, strerror(errno));
			return -1;
		}
	}
	const char *src = text ? text : setup_default_tasks_text();
	int rc = tasks_parse(src, text ? len : strlen(src), t, err, sizeof err);
	free(text);
	if (rc < 0) {
		textsafe_printf(stderr, "nixl-tui setup: %s: %s\n", name, err);
		return -1;
	}
	*from = 0;
	if (o->from) {
		long i = tasks_find(t, o->from);
		if (i < 0) {
			textsafe_printf(stderr, "nixl-tui setup: --from %s names no task of %s (its first is \"%s\").\n", o->from,
			                name, t->tasks[0].id);
			tasks_free(t);
			return -1;
		}
		*from = (size_t)i;
	}
	return 0;
}

/* ---- --dry-run */

static cJSON *dry_json(const tasks_t *t, size_t from, const char *file)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "file", file ? cJSON_CreateString(file) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "name", t->name);
	cJSON *tasks = cJSON_AddArrayToObject(o, "tasks");
	for (size_t i = 0; i < t->ntasks; i++) {
		const task_t *k = &t->tasks[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", k->id);
		cJSON_AddStringToObject(j, "name", k->name);
		cJSON_AddBoolToObject(j, "before_from", i < from);
		char *skip = k->skip_if ? tasks_expand(t, k->skip_if) : NULL;
		cJSON_AddItemToObject(j, "skip_if", skip ? cJSON_CreateString(skip) : cJSON_CreateNull());
		free(skip);
		cJSON *cmds = cJSON_AddArrayToObject(j, "commands");
		for (size_t c = 0; c < k->ncommands; c++) {
			char *x = tasks_expand(t, k->commands[c]);
			cJSON_AddItemToArray(cmds, cJSON_CreateString(x ? x : ""));
			free(x);
		}
		cJSON_AddItemToArray(tasks, j);
	}
	return o;
}

static void dry_text(const tasks_t *t, size_t from, const char *file)
{
	textsafe_printf(stdout, "%s (%s): %zu tasks%s; nothing is sent.\n", t->name[0] ? t->name : "tasks",
	                file ? file : "the default task file", t->ntasks, from ? ", from the --from task on" : "");
	for (size_t i = 0; i < t->ntasks; i++) {
		const task_t *k = &t->tasks[i];
		textsafe_printf(stdout, "\n%zu. %s%s%s%s\n", i + 1, k->id, k->name[0] ? " — " : "", k->name,
		                i < from ? "   [skipped: before --from]" : "");
		if (k->skip_if) {
			char *x = tasks_expand(t, k->skip_if);
			textsafe_printf(stdout, "   skip if: %s\n", x ? x : "");
			free(x);
		}
		for (size_t c = 0; c < k->ncommands; c++) {
			char *x = tasks_expand(t, k->commands[c]);
			textsafe_printf(stdout, "   $ %s\n", x ? x : "");
			free(x);
		}
	}
}

/* ---- --local */

typedef struct local_run {
	setup_progress_t prog;
	const tasks_t *t;
	int json, done;
	exec_result_t res;
	exec_job_t *job;
} local_run_t;

/* SIGINT cancels the run: the runner records the task it was in as failed ("cancelled") */
static void on_sigint(loop_t *l, int signo, void *ud)
{
	(void)l;
	(void)signo;
	local_run_t *r = ud;
	if (r->job && !r->done) exec_cancel(r->job);
}

static void on_line(void *ud, exec_stream_t stream, const char *line, size_t len)
{
	(void)stream;
	(void)len;
	local_run_t *r = ud;
	setup_progress_line(&r->prog, line);
	if (!r->json && strncmp(line, "===NIXL-TASK", 12) != 0) textsafe_printf(stdout, "%s\n", line);
	if (!r->json) fflush(stdout);
}

static void on_done(void *ud, const exec_result_t *res)
{
	local_run_t *r = ud;
	r->res = *res;
	r->done = 1;
	r->job = NULL;
}

static cJSON *task_json(const task_t *k, const task_progress_t *p)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "id", k->id);
	cJSON_AddStringToObject(j, "status", task_state_name(p->state));
	cJSON_AddItemToObject(j, "seconds", p->ms >= 0 ? cJSON_CreateNumber((double)p->ms / 1000.0) : cJSON_CreateNull());
	int failed = p->state == TASK_FAILED;
	cJSON_AddItemToObject(j, "command", failed && p->command[0] ? cJSON_CreateString(p->command) : cJSON_CreateNull());
	cJSON *tail = cJSON_AddArrayToObject(j, "output_tail");
	for (size_t i = 0; failed && i < p->ntail; i++) cJSON_AddItemToArray(tail, cJSON_CreateString(p->tail[i]));
	return j;
}

static void print_summary(const local_run_t *r, const char *node)
{
	const setup_progress_t *p = &r->prog;
	if (r->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "node", node);
		cJSON_AddBoolToObject(n, "succeeded", r->res.status == EXEC_SUCCESS && p->finished && !p->failed);
		cJSON_AddItemToObject(n, "detail", r->res.status == EXEC_SUCCESS ? cJSON_CreateNull()
		                                                                 : cJSON_CreateString(r->res.detail));
		cJSON *tasks = cJSON_AddArrayToObject(n, "tasks");
		for (size_t i = 0; i < p->ntasks; i++) cJSON_AddItemToArray(tasks, task_json(&r->t->tasks[i], &p->tasks[i]));
		cJSON_AddItemToArray(nodes, n);
		cmd_print_json(o, 1);
		cJSON_Delete(o);
		return;
	}
	if (!p->finished && r->res.detail[0]) /* the runner did not get to its summary */
		textsafe_printf(stderr, "nixl-tui setup: %s: the runner ended early: %s\n", node, r->res.detail);
	for (size_t i = 0; i < p->ntasks; i++) {
		const task_progress_t *k = &p->tasks[i];
		if (k->state != TASK_FAILED) continue;
		textsafe_printf(stderr, "nixl-tui setup: %s: task %s failed at: %s\n", node, r->t->tasks[i].id, k->command);
		fprintf(stderr, "  fix what the lines above say, then run the same command again: it resumes at this task.\n");
	}
}

static int run_local(const opts_t *o, const tasks_t *t, size_t from, int json)
{
	char *plan = tasks_plan(t, from);
	char *script = plan ? setup_script(plan, o->reset) : NULL;
	free(plan);
	if (!script) {
		fprintf(stderr, "nixl-tui setup: out of memory\n");
		return 1;
	}
	local_run_t r = { .t = t, .json = json };
	if (setup_progress_init(&r.prog, t->ntasks) < 0) {
		free(script);
		return 1;
	}
	loop_t *loop = loop_new();
	exec_t *ex = exec_local_new(loop, NULL);
	char err[256];
	exec_cbs_t cbs = { on_line, on_done, &r };
	int timeout_s = o->timeout ? atoi(o->timeout) : 4 * 3600;
	r.job = exec_start(ex, "local", script, timeout_s * 1000, &cbs, err, sizeof err);
	free(script);
	if (!r.job) {
		fprintf(stderr, "nixl-tui setup: cannot start the runner here: %s\n", err);
		r.res.status = EXEC_ERROR;
	} else {
		loop_signal_watch(loop, SIGINT, on_sigint, &r);
		loop_run(loop, &r.done, 0);
		loop_signal_unwatch(loop, SIGINT);
		print_summary(&r, "local");
	}
	int ok = r.res.status == EXEC_SUCCESS && r.prog.finished && !r.prog.failed;
	exec_free(ex);
	loop_free(loop);
	setup_progress_free(&r.prog);
	return ok ? 0 : 1;
}

int cmd_setup(cli_t *cli)
{
	opts_t o;
	char err[256];
	if (parse_args(cli, &o, err, sizeof err) < 0) {
		textsafe_printf(stderr, "nixl-tui setup: %s\n", err);
		return 2;
	}
	if (!o.dry_run && !o.local) {
		fprintf(stderr, "nixl-tui setup: running a task file on the stack's nodes over SSM is not built yet; "
		                "--dry-run prints what would run, --local runs it on this machine.\n");
		return 2;
	}
	tasks_t t;
	size_t from;
	if (load(&o, &t, &from) < 0) return 2;
	int rc = 0;
	if (o.dry_run) {
		if (cli->json) {
			cJSON *j = dry_json(&t, from, o.tasks_file);
			cmd_print_json(j, 1);
			cJSON_Delete(j);
		} else {
			dry_text(&t, from, o.tasks_file);
		}
	} else {
		rc = run_local(&o, &t, from, cli->json);
	}
	tasks_free(&t);
	return rc;
}
