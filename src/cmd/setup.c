/* nixl-tui setup: a task file (the users' format, src/setup/tasks.h), checked here before
 * anything is sent; --dry-run prints it expanded, --local runs it on this machine with the
 * runner the nodes get. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/s3.h"
#include "aws/ssm.h"
#include "base/file.h"
#include "base/jsonobj.h"
#include "base/loop.h"
#include "base/textsafe.h"
#include "catalog/catalog.h"
#include "catalog/config.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/nodejob.h"
#include "core/settings.h"
#include "efa/exec_local.h"
#include "efa/exec_ssm.h"
#include "setup/progress.h"
#include "setup/record.h"
#include "setup/runner.h"
#include "setup/tasks.h"

/* pip installs of vLLM take many minutes on a fresh node: two hours before giving up */
enum { DEFAULT_TIMEOUT_S = 2 * 3600 };

typedef struct opts {
	const char *tasks_file;  /* NULL: the default file */
	const char *node;        /* --node N|all (default all) */
	const char *from;
	const char *timeout;
	int reset, dry_run, local, cancel;
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
		} else if ((r = cli_take_value(cli, &i, "--node", &v, err, errlen)) != 0) {
			if (r < 0) return -1;
			o->node = v;
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
		} else if (strcmp(a, "--cancel") == 0) {
			o->cancel = 1;
		} else {
			snprintf(err, errlen, "unexpected argument \"%.60s\"", a);
			return -1;
		}
	}
	if (o->dry_run && o->local) {
		snprintf(err, errlen, "--dry-run sends and runs nothing: it excludes --local");
		return -1;
	}
	if (o->cancel && (o->local || o->dry_run || o->tasks_file || o->from || o->reset)) {
		snprintf(err, errlen, "--cancel stops the setup running on the stack's nodes: it takes no other option");
		return -1;
	}
	if (o->node && (o->local || o->dry_run)) {
		snprintf(err, errlen, "--node picks the stack's nodes: it excludes --local and --dry-run");
		return -1;
	}
	return 0;
}

/* The task file, parsed and checked; --from resolved; *text (malloc'd, *len bytes) the file
 * as given, for the nodes. 0, or -1 with the sentence printed. */
static int load(const opts_t *o, tasks_t *t, size_t *from, char **textp, size_t *lenp)
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
	if (!text) {
		text = strdup(setup_default_tasks_text());
		len = text ? strlen(text) : 0;
	}
	if (!text || tasks_parse(text, len, t, err, sizeof err) < 0) {
		textsafe_printf(stderr, "nixl-tui setup: %s: %s\n", name, text ? err : "out of memory");
		free(text);
		return -1;
	}
	*from = 0;
	if (o->from) {
		long i = tasks_find(t, o->from);
		if (i < 0) {
			textsafe_printf(stderr, "nixl-tui setup: --from %s names no task of %s (its first is \"%s\").\n", o->from,
			                name, t->tasks[0].id);
			tasks_free(t);
			free(text);
			return -1;
		}
		*from = (size_t)i;
	}
	*textp = text;
	*lenp = len;
	return 0;
}

/* ---- --dry-run */

static cJSON *dry_json(const tasks_t *t, size_t from, const char *file)
{
	cJSON *o = cJSON_CreateObject();
	json_add_text(o, "file", file);
	cJSON_AddStringToObject(o, "name", t->name);
	cJSON *tasks = cJSON_AddArrayToObject(o, "tasks");
	for (size_t i = 0; i < t->ntasks; i++) {
		const task_t *k = &t->tasks[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", k->id);
		cJSON_AddStringToObject(j, "name", k->name);
		cJSON_AddBoolToObject(j, "before_from", i < from);
		char *skip = k->skip_if ? tasks_expand(t, k->skip_if) : NULL;
		json_add_text(j, "skip_if", skip);
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

/* ---- running: here (--local) or on the stack's nodes over SSM */

typedef struct run run_t;

typedef struct node_run {
	char label[48];     /* "local", or "node2" */
	char target[24];    /* the instance id, or "local" */
	setup_progress_t prog;
	exec_result_t res;  /* once followed */
} node_run_t;

struct run {
	const tasks_t *t;
	node_run_t *nodes;
	size_t n;
	int json;
	int detach_on_int;  /* Ctrl-C stops following (the nodes go on), not the run */
	nodejob_t *nj;      /* the runner on the nodes */
};

static void on_line(void *ud, size_t node, exec_stream_t stream, const char *line, size_t len)
{
	(void)stream;
	(void)len;
	run_t *r = ud;
	node_run_t *nr = &r->nodes[node];
	setup_progress_line(&nr->prog, line);
	if (r->json || strncmp(line, "===NIXL-TASK", 12) == 0) return;
	if (r->n > 1 || strcmp(nr->target, "local") != 0)
		textsafe_printf(stdout, "%s | %s\n", nr->label, line);
	else
		textsafe_printf(stdout, "%s\n", line);
	fflush(stdout);
}

static int node_ok(const node_run_t *nr)
{
	return nr->res.status == EXEC_SUCCESS && nr->prog.finished && !nr->prog.failed;
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

static void print_json(const run_t *r)
{
	cJSON *o = cJSON_CreateObject();
	int all = 1;
	cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
	for (size_t i = 0; i < r->n; i++) {
		const node_run_t *nr = &r->nodes[i];
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "node", nr->label);
		cJSON_AddItemToObject(n, "instance_id", strcmp(nr->target, "local") ? cJSON_CreateString(nr->target)
		                                                                    : cJSON_CreateNull());
		cJSON_AddBoolToObject(n, "succeeded", node_ok(nr));
		all &= node_ok(nr);
		cJSON_AddItemToObject(n, "detail", !nr->prog.finished && nr->res.detail[0] ? cJSON_CreateString(nr->res.detail)
		                                                                           : cJSON_CreateNull());
		cJSON *tasks = cJSON_AddArrayToObject(n, "tasks");
		for (size_t k = 0; k < nr->prog.ntasks; k++)
			cJSON_AddItemToArray(tasks, task_json(&r->t->tasks[k], &nr->prog.tasks[k]));
		cJSON_AddItemToArray(nodes, n);
	}
	cJSON_AddBoolToObject(o, "succeeded", all);
	cmd_print_json(o, 1);
	cJSON_Delete(o);
}

static void print_text(const run_t *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const node_run_t *nr = &r->nodes[i];
		const setup_progress_t *p = &nr->prog;
		if (!p->finished && nr->res.detail[0]) /* the runner did not get to its summary */
			textsafe_printf(stderr, "nixl-tui setup: %s: the runner ended early: %s\n", nr->label, nr->res.detail);
		for (size_t k = 0; k < p->ntasks; k++) {
			if (p->tasks[k].state != TASK_FAILED) continue;
			textsafe_printf(stderr, "nixl-tui setup: %s: task %s failed at: %s\n", nr->label, r->t->tasks[k].id,
			                p->tasks[k].command);
			fprintf(stderr, "  fix what its lines above say, then run the same command again: it resumes at "
			                "this task.\n");
		}
		if (r->n > 1 && node_ok(nr))
			textsafe_printf(stderr, "nixl-tui setup: %s: done (%d run, %d skipped).\n", nr->label, p->completed,
			                p->skipped);
	}
}

/* Every node has its command id (or has ended). */
static int all_sent(void *ud)
{
	const run_t *r = ud;
	if (nodejob_detached(r->nj)) return 1;
	for (size_t i = 0; i < r->n; i++)
		if (!nodejob_node(r->nj, i)->done && !nodejob_command_id(r->nj, i)[0]) return 0;
	return 1;
}

/* Follows the jobs of r to their end (or Ctrl-C when it detaches); 0 when every node
 * succeeded, 1 when one did not, 130 when detached. on_started (may be NULL) is called
 * once every job has its command id. */
static int follow_nodes(run_t *r, loop_t *loop, int timeout_s, void (*on_started)(run_t *r, void *ud), void *ud)
{
	int64_t deadline = loop_now_ms() + (int64_t)(timeout_s + 120) * 1000;
	if (r->detach_on_int) nodejob_detach_on_sigint(r->nj, loop);
	else nodejob_cancel_on_sigint(r->nj, loop);
	if (on_started && nodejob_drive(loop, all_sent, NULL, r, deadline) == 0 && !nodejob_detached(r->nj))
		on_started(r, ud);
	nodejob_wait(r->nj, loop, deadline);
	if (nodejob_detached(r->nj)) return 130;
	int ok = 1;
	for (size_t i = 0; i < r->n; i++) {
		r->nodes[i].res = nodejob_node(r->nj, i)->res;
		ok &= node_ok(&r->nodes[i]);
	}
	if (r->json) print_json(r);
	else print_text(r);
	return ok ? 0 : 1;
}

/* Starts script on every node of r (one SendCommand for all of them over SSM), or with
 * command_id follows that command, sent earlier, again. 0, or -1 printed. */
static int start_nodes(run_t *r, exec_t *ex, const char *script, const char *command_id, int timeout_s)
{
	const char *targets[EXEC_MAX_NODES];
	char err[256];
	for (size_t i = 0; i < r->n; i++) targets[i] = r->nodes[i].target;
	nodejob_cbs_t cbs = { on_line, NULL, NULL, NULL, r, NODEJOB_KEEP_NONE };
	r->nj = command_id ? nodejob_attach(ex, targets, r->n, command_id, timeout_s * 1000, &cbs, err, sizeof err)
	                   : nodejob_start(ex, targets, r->n, script, timeout_s * 1000, &cbs, err, sizeof err);
	if (!r->nj) textsafe_printf(stderr, "nixl-tui setup: %s\n", err);
	return r->nj ? 0 : -1;
}

static int run_init(run_t *r, const tasks_t *t, size_t n, int json)
{
	memset(r, 0, sizeof *r);
	r->t = t;
	r->json = json;
	if (!(r->nodes = calloc(n, sizeof *r->nodes))) return -1;
	r->n = n;
	for (size_t i = 0; i < n; i++) {
		if (setup_progress_init(&r->nodes[i].prog, t->ntasks) < 0) return -1;
	}
	return 0;
}

static void run_free(run_t *r)
{
	for (size_t i = 0; r->nodes && i < r->n; i++) setup_progress_free(&r->nodes[i].prog);
	free(r->nodes);
	nodejob_free(r->nj);
}

static int run_local(const opts_t *o, const tasks_t *t, size_t from, int json)
{
	char *plan = tasks_plan(t, from);
	char *script = plan ? setup_script(plan, o->reset) : NULL;
	free(plan);
	run_t r;
	if (!script || run_init(&r, t, 1, json) < 0) {
		free(script);
		fprintf(stderr, "nixl-tui setup: out of memory\n");
		return 1;
	}
	snprintf(r.nodes[0].label, sizeof r.nodes[0].label, "local");
	snprintf(r.nodes[0].target, sizeof r.nodes[0].target, "local");
	loop_t *loop = loop_new();
	exec_t *ex = exec_local_new(loop, NULL);
	int timeout_s = o->timeout ? atoi(o->timeout) : DEFAULT_TIMEOUT_S;
	int rc = start_nodes(&r, ex, script, NULL, timeout_s) < 0 ? 1 : follow_nodes(&r, loop, timeout_s, NULL, NULL);
	free(script);
	exec_free(ex);
	loop_free(loop);
	run_free(&r);
	return rc;
}

/* ---- on the stack's nodes: the files go to the scripts bucket, the nodes fetch them */

typedef struct uploads {
	int pending, failed;
	aws_error_t err;
} uploads_t;

static void on_put(void *ud, const aws_error_t *err, s3_put_result_t *res)
{
	(void)res;
	uploads_t *u = ud;
	u->pending--;
	if (err && !u->failed) {
		u->failed = 1;
		u->err = *err;
	}
}

static int upload(cmd_env_t *env, const char *bucket, const char *prefix, const char *plan, const char *file_text,
                  size_t file_len)
{
	const struct { const char *name, *body; size_t len; } files[] = {
		{ SETUP_RUNNER_KEY, setup_runner_text(), strlen(setup_runner_text()) },
		{ SETUP_PLAN_KEY, plan, strlen(plan) },
		{ SETUP_TASKS_KEY, file_text, file_len },
	};
	uploads_t u = { 0 };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char key[256];
		snprintf(key, sizeof key, "%s%s", prefix, files[i].name);
		if (s3_put_object(env->aws, bucket, key, files[i].body, files[i].len, on_put, &u)) u.pending++;
	}
	int64_t deadline = loop_now_ms() + 300000;
	while (u.pending > 0 && loop_now_ms() < deadline)
		if (loop_run_once(env->loop, 1000) < 0) break;
	if (u.pending > 0 || u.failed) {
		char buf[600];
		textsafe_printf(stderr, "nixl-tui setup: uploading the task file to s3://%s/%s failed: %s\n", bucket, prefix,
		                u.failed ? aws_error_sentence(&u.err, buf, sizeof buf) : "no answer");
		return -1;
	}
	return 0;
}

/* ---- the record of the run on the nodes: following it again, cancelling it */

typedef struct pending_record {
	setup_record_t rec;
	const tasks_t *t;
	int saved;
} pending_record_t;

/* Every node has its command id: the record lets a later nixl-tui follow this run. */
static void save_record(run_t *r, void *ud)
{
	pending_record_t *pr = ud;
	char err[300];
	for (size_t i = 0; i < r->n && !pr->rec.command_id[0]; i++)
		snprintf(pr->rec.command_id, sizeof pr->rec.command_id, "%s", nodejob_command_id(r->nj, i));
	if (!pr->rec.command_id[0]) return;
	if (setup_record_save(&pr->rec, pr->t, err, sizeof err) < 0)
		textsafe_printf(stderr, "nixl-tui setup: %s; a run stopped now cannot be followed again.\n", err);
	else
		pr->saved = 1;
}

typedef struct listing {
	cmd_call_t call;
	int running;
} listing_t;

static void on_listing(void *ud, const aws_error_t *err, ssm_invocations_t *res)
{
	listing_t *l = ud;
	if (cmd_call_end(&l->call, err)) return;
	for (size_t i = 0; i < res->n; i++) {
		l->running += setup_status_running(res->items[i].status);
	}
}

/* 1 when the recorded command still runs on a node, 0 when not, -1 when SSM did not say
 * (printed). */
static int record_running(cmd_env_t *env, const setup_record_t *rec)
{
	listing_t l = { 0 };
	if (!ssm_list_command_invocations(env->aws, rec->command_id, NULL, 50, on_listing, &l)) return -1;
	aws_client_wait(env->aws, &l.call.done, 120000);
	if (!l.call.done || l.call.failed) {
		if (l.call.failed) cmd_print_error("setup", &l.call.err);
		else fprintf(stderr, "nixl-tui setup: no answer from SSM in 120 s\n");
		return -1;
	}
	return l.running > 0;
}

static void label_nodes(run_t *r, const int *node_no, char (*ids)[24])
{
	for (size_t i = 0; i < r->n; i++) {
		snprintf(r->nodes[i].label, sizeof r->nodes[i].label, "node%d", node_no[i]);
		snprintf(r->nodes[i].target, sizeof r->nodes[i].target, "%s", ids[i]);
	}
}

/* Follows (and with cancel, stops) the recorded run. */
static int follow_record(cmd_env_t *env, setup_record_t *rec, int cancel, int json, int timeout_s)
{
	run_t r;
	if (run_init(&r, &rec->tasks, rec->nnodes, json) < 0) return 1;
	r.detach_on_int = !cancel;
	label_nodes(&r, rec->node_no, rec->ids);
	exec_ssm_opts_t so = { .leave_running = 1 };
	exec_t *ex = exec_ssm_new(env->aws, &so);
	char when[32];
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&rec->started, &tm));
	if (!json)
		textsafe_printf(stderr, "nixl-tui setup: %s the setup started %s (command %s) on %zu node%s\n",
		                cancel ? "stopping" : "following", when, rec->command_id, rec->nnodes,
		                rec->nnodes == 1 ? "" : "s");
	int rc = 1;
	if (start_nodes(&r, ex, NULL, rec->command_id, timeout_s) == 0) {
		if (cancel) nodejob_cancel(r.nj);
		rc = follow_nodes(&r, env->loop, timeout_s, NULL, NULL);
	}
	if (rc == 130)
		fprintf(stderr, "nixl-tui setup: stopped following; the setup goes on on the nodes: `nixl-tui setup` "
		                "follows it again, `nixl-tui setup --cancel` stops it.\n");
	if (cancel && rc == 1) rc = 0; /* stopped as asked */
	exec_free(ex);
	run_free(&r);
	return rc;
}

static int run_stack(const opts_t *o, cli_t *cli, const tasks_t *t, size_t from, const char *file_text,
                     size_t file_len)
{
	exec_nodes_t ids = { 0 };
	char bucket[80] = "", err[256], stack[160] = "";
	size_t first, count;
	int timeout_s = o->timeout ? atoi(o->timeout) : DEFAULT_TIMEOUT_S;
	char ips[EXEC_MAX_NODES][48];
	if (cmd_stack_nodes_bucket(cli, "setup", &ids, ips, bucket, sizeof bucket, &stack) < 0) return 1;
	if (exec_nodes_select(&ids, o->node ? o->node : "all", &first, &count, err, sizeof err) < 0) {
		textsafe_printf(stderr, "nixl-tui setup: %s\n", err);
		return 2;
	}
	if (!bucket[0] && !o->cancel) {
		fprintf(stderr, "nixl-tui setup: the stack has no ScriptsBucketName output to send the task file "
		                "through; deploy it with this version of nixl-tui.\n");
		return 1;
	}
	cmd_env_t env;
	if (cmd_env_open(&env, cli, "setup") < 0) return 1;
	int rc = 1;
	pending_record_t pr = { .t = t };
	setup_record_t old;
	int running = 0;
	if (setup_record_load(stack, aws_client_region(env.aws), &old) == 0) {
		running = record_running(&env, &old);
		if (running < 0) {
			setup_record_free(&old);
			cmd_env_close(&env);
			return 1;
		}
		if (running && (o->tasks_file || o->from || o->reset || o->node)) {
			fprintf(stderr, "nixl-tui setup: a setup is still running on the nodes: `nixl-tui setup` follows it, "
			                "`nixl-tui setup --cancel` stops it; start another after it ends.\n");
			setup_record_free(&old);
			cmd_env_close(&env);
			return 2;
		}
		if (running || o->cancel) {
			rc = running ? follow_record(&env, &old, o->cancel, cli->json, timeout_s) : 0;
			if (!running) fprintf(stderr, "nixl-tui setup: no setup is running on the stack's nodes.\n");
			setup_record_free(&old);
			cmd_env_close(&env);
			return rc;
		}
		setup_record_free(&old);
	}
	if (o->cancel) {
		fprintf(stderr, "nixl-tui setup: no setup is running on the stack's nodes.\n");
		cmd_env_close(&env);
		return 0;
	}
	char prefix[128];
	setup_run_prefix(prefix, sizeof prefix);
	char *plan = tasks_plan(t, from);
	const char *all_ids[EXEC_MAX_NODES];
	for (size_t i = 0; i < ids.n; i++) all_ids[i] = ids.ids[i];
	config_t cfg;
	config_diags_t diags = { 0 };
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, aws_client_region(env.aws), &diags);
	config_diags_free(&diags);
	setup_nodes_env_t nodes_env = { .ids = all_ids, .nids = ids.n, .node1_ip = ips[0],
	                                .mlflow_arn = config_get(&cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN) };
	char *script = setup_script_s3(bucket, prefix, aws_client_region(env.aws), &nodes_env, o->reset);
	/* the default file is for the CUDA DLAMI: Trainium and Inferentia nodes run the Neuron one */
	const catalog_instance_t *type = catalog_lookup(config_instance_type(&cfg));
	int neuron = !o->tasks_file && type && type->kind != CATALOG_ACCEL_NVIDIA;
	if (neuron)
		textsafe_printf(stderr, "nixl-tui setup: the default task file prepares NVIDIA GPU nodes of the Deep Learning "
		                "AMI, and %s runs the Neuron DLAMI: pass --tasks with a file for it.\n", type->name);
	config_free(&cfg);
	run_t r = { 0 };
	if (neuron) {
		rc = 2;
	} else if (!plan || !script || run_init(&r, t, count, cli->json) < 0) {
		fprintf(stderr, "nixl-tui setup: %s\n", plan && !script ? "the bucket or region name cannot be used in a "
		                                                           "node script" : "out of memory");
		r.nodes = NULL;
		r.n = 0;
	} else if (upload(&env, bucket, prefix, plan, file_text, file_len) == 0) {
		r.detach_on_int = 1;
		snprintf(pr.rec.stack, sizeof pr.rec.stack, "%s", stack);
		snprintf(pr.rec.region, sizeof pr.rec.region, "%s", aws_client_region(env.aws));
		snprintf(pr.rec.prefix, sizeof pr.rec.prefix, "%s", prefix);
		pr.rec.started = time(NULL);
		pr.rec.nnodes = count;
		for (size_t i = 0; i < count; i++) {
			pr.rec.node_no[i] = (int)(first + i + 1);
			snprintf(pr.rec.ids[i], sizeof pr.rec.ids[i], "%s", ids.ids[first + i]);
		}
		label_nodes(&r, pr.rec.node_no, pr.rec.ids);
		if (!cli->json)
			textsafe_printf(stderr, "nixl-tui setup: %zu tasks on %zu node%s, from s3://%s/%s\n", t->ntasks, count,
			                count == 1 ? "" : "s", bucket, prefix);
		exec_ssm_opts_t so = { .leave_running = 1 };
		exec_t *ex = exec_ssm_new(env.aws, &so);
		if (start_nodes(&r, ex, script, NULL, timeout_s) == 0)
			rc = follow_nodes(&r, env.loop, timeout_s, save_record, &pr);
		if (rc == 130)
			fprintf(stderr, "nixl-tui setup: stopped following; the setup goes on on the nodes: `nixl-tui setup` "
			                "follows it again, `nixl-tui setup --cancel` stops it.\n");
		exec_free(ex);
	}
	run_free(&r);
	free(plan);
	free(script);
	cmd_env_close(&env);
	return rc;
}

int cmd_setup(cli_t *cli)
{
	opts_t o;
	char err[256];
	if (parse_args(cli, &o, err, sizeof err) < 0) {
		textsafe_printf(stderr, "nixl-tui setup: %s\n", err);
		return 2;
	}
	tasks_t t;
	size_t from, len;
	char *text;
	if (load(&o, &t, &from, &text, &len) < 0) return 2;
	int rc = 0;
	if (o.dry_run) {
		if (cli->json) {
			cJSON *j = dry_json(&t, from, o.tasks_file);
			cmd_print_json(j, 1);
			cJSON_Delete(j);
		} else {
			dry_text(&t, from, o.tasks_file);
		}
	} else if (o.local) {
		rc = run_local(&o, &t, from, cli->json);
	} else {
		rc = run_stack(&o, cli, &t, from, text, len);
	}
	tasks_free(&t);
	free(text);
	return rc;
}
