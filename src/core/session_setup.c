/* Node setup from a task file in the console: the same run as `nixl-tui setup` (the
 * runner, the plan and the file go to the scripts bucket under a prefix of their own, one
 * SendCommand starts them on the nodes, the command is left running when the console
 * quits), its progress read per node from the runner's output, and the record under
 * $XDG_STATE_HOME that lets the next start follow a run that still goes on. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/s3.h"
#include "aws/sagemaker.h"
#include "aws/ssm.h"
#include "core/session_priv.h"
#include "efa/exec_ssm.h"
#include "setup/mlflow.h"
#include "setup/record.h"
#include "setup/runner.h"

/* pip installs of vLLM take many minutes on a fresh node: as `nixl-tui setup`, two hours */
enum { SETUP_TIMEOUT_MS = 2 * 3600 * 1000, COMMAND_ID_POLL_MS = 500 };

typedef struct setup_job {
	session_t *s;
	int index;
	exec_job_t *job;
} setup_job_t;

/* A run being started: its files uploaded one after the other, then SendCommand. */
typedef struct setup_start {
	int node;                 /* 0: all */
	char prefix[128];
	char *plan, *script;
	size_t next;              /* the file being uploaded */
	setup_record_t rec;
} setup_start_t;

static sess_node_t *node_by_index(session_t *s, int index)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].index == index) return &s->nodes[i];
	return NULL;
}

/* The ids and names of t (no commands): what the view shows and the record keeps. */
static int tasks_copy_names(const tasks_t *t, tasks_t *out)
{
	memset(out, 0, sizeof *out);
	out->name = strdup(t->name ? t->name : "");
	out->description = strdup("");
	out->tasks = calloc(t->ntasks ? t->ntasks : 1, sizeof *out->tasks);
	if (!out->name || !out->description || !out->tasks) {
		tasks_free(out);
		return -1;
	}
	for (size_t i = 0; i < t->ntasks; i++) {
		task_t *k = &out->tasks[out->ntasks++];
		k->id = strdup(t->tasks[i].id);
		k->name = strdup(t->tasks[i].name ? t->tasks[i].name : "");
		k->description = strdup("");
		if (!k->id || !k->name || !k->description) {
			tasks_free(out);
			return -1;
		}
	}
	return 0;
}

int session_setup_set_tasks(session_t *s, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	tasks_t t;
	if (tasks_parse(text, len, &t, err, errlen) < 0) return -1;
	char *copy = malloc(len + 1);
	if (!copy) {
		tasks_free(&t);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = 0;
	tasks_free(&s->setup.file);
	free(s->setup.file_text);
	s->setup.file = t;
	s->setup.file_text = copy;
	s->setup.file_len = len;
	snprintf(s->setup.file_name, sizeof s->setup.file_name, "%s", name);
	return 0;
}

/* ---- following the run on each node */

static void job_on_line(void *ud, exec_stream_t stream, const char *line, size_t len)
{
	(void)len;
	setup_job_t *j = ud;
	sess_node_t *n = node_by_index(j->s, j->index);
	if (!n) return;
	setup_progress_line(&n->setup, line);
	if (strncmp(line, "===NIXL-TASK", 12) != 0) sess_node_line(j->s, j->index, stream == EXEC_STDERR ? "! " : "", line);
	sess_notify(j->s, SESS_CH_NODES);
}

static void job_on_done(void *ud, const exec_result_t *r)
{
	setup_job_t *j = ud;
	session_t *s = j->s;
	struct session_priv *p = SP(s);
	sess_node_t *n = node_by_index(s, j->index);
	if (n) {
		n->setup_running = 0;
		if (!n->setup.finished && r->status != EXEC_SUCCESS)
			snprintf(n->setup_detail, sizeof n->setup_detail, "the runner ended early (%s): %.200s",
			         exec_status_name(r->status), r->detail[0] ? r->detail : "no detail");
	}
	for (int i = 0; i < SESS_MAX_NODES; i++)
		if (p->setup_jobs[i] == j) p->setup_jobs[i] = NULL;
	free(j);
	sess_notify(s, SESS_CH_NODES);
}

static exec_t *setup_executor(session_t *s)
{
	struct session_priv *p = SP(s);
	exec_ssm_opts_t so = { .leave_running = 1 };
	if (!p->setup_exec) p->setup_exec = exec_ssm_new(p->aws, &so);
	return p->setup_exec;
}

/* Shows the run of `run` (its ids and names, taken) on these nodes from now on. */
static int setup_show(session_t *s, tasks_t *run, const int *node_no, size_t n)
{
	tasks_free(&s->setup.run);
	s->setup.run = *run;
	memset(run, 0, sizeof *run);
	for (size_t i = 0; i < n; i++) {
		sess_node_t *nd = node_by_index(s, node_no[i]);
		if (!nd) continue;
		setup_progress_free(&nd->setup);
		if (setup_progress_init(&nd->setup, s->setup.run.ntasks) < 0) return -1;
		nd->setup_shown = 1;
		nd->setup_running = 1;
		nd->setup_detail[0] = 0;
	}
	sess_notify(s, SESS_CH_NODES);
	return 0;
}

static setup_job_t *new_job(session_t *s, int index)
{
	struct session_priv *p = SP(s);
	setup_job_t *j = calloc(1, sizeof *j);
	if (!j) return NULL;
	j->s = s;
	j->index = index;
	for (int i = 0; i < SESS_MAX_NODES; i++)
		if (!p->setup_jobs[i]) {
			p->setup_jobs[i] = j;
			break;
		}
	return j;
}

static void job_failed(session_t *s, setup_job_t *j, const char *why)
{
	struct session_priv *p = SP(s);
	sess_node_t *n = node_by_index(s, j->index);
	if (n) {
		n->setup_running = 0;
		snprintf(n->setup_detail, sizeof n->setup_detail, "%.250s", why);
	}
	sess_flash(s, "node %d: the setup did not start: %s", j->index, why);
	for (int i = 0; i < SESS_MAX_NODES; i++)
		if (p->setup_jobs[i] == j) p->setup_jobs[i] = NULL;
	free(j);
}

/* ---- starting a run */

static void start_free(session_t *s)
{
	struct session_priv *p = SP(s);
	setup_start_t *st = p->setup_start;
	if (!st) return;
	free(st->plan);
	free(st->script);
	setup_record_free(&st->rec);
	free(st);
	p->setup_start = NULL;
	s->setup.starting = 0;
}

/* Every job has its command id: the record lets a later start follow this run. */
static void save_when_started(loop_t *l, void *ud)
{
	(void)l;
	session_t *s = ud;
	struct session_priv *p = SP(s);
	p->setup_timer = 0;
	const char *id = NULL;
	int pending = 0;
	for (int i = 0; i < SESS_MAX_NODES; i++) {
		if (!p->setup_jobs[i] || !p->setup_jobs[i]->job) continue;
		const char *c = exec_ssm_command_id(p->setup_jobs[i]->job);
		if (c[0]) id = c;
		else pending = 1;
	}
	if (!id && !pending) {
		start_free(s); /* nothing started */
		return;
	}
	if (pending || !id) {
		p->setup_timer = loop_timer_add(p->loop, COMMAND_ID_POLL_MS, save_when_started, s);
		return;
	}
	setup_start_t *st = p->setup_start;
	snprintf(s->setup.command_id, sizeof s->setup.command_id, "%s", id);
	snprintf(st->rec.command_id, sizeof st->rec.command_id, "%s", id);
	char err[300];
	if (setup_record_save(&st->rec, &s->setup.run, err, sizeof err) < 0)
		sess_flash(s, "%s; a setup left running now cannot be followed again.", err);
	start_free(s);
	sess_notify(s, SESS_CH_NODES);
}

static void send_command(session_t *s)
{
	struct session_priv *p = SP(s);
	setup_start_t *st = p->setup_start;
	exec_t *ex = setup_executor(s);
	const char *targets[EXEC_MAX_NODES];
	exec_cbs_t cbs[EXEC_MAX_NODES];
	exec_job_t *jobs[EXEC_MAX_NODES];
	setup_job_t *sj[EXEC_MAX_NODES];
	size_t m = 0;
	for (size_t i = 0; i < st->rec.nnodes; i++) {
		if (!(sj[m] = new_job(s, st->rec.node_no[i]))) continue;
		targets[m] = st->rec.ids[i];
		cbs[m] = (exec_cbs_t){ job_on_line, job_on_done, sj[m] };
		m++;
	}
	char err[256] = "";
	if (ex) exec_start_many(ex, targets, m, st->script, SETUP_TIMEOUT_MS, cbs, jobs, err, sizeof err);
	for (size_t k = 0; k < m; k++) {
		if (ex && jobs[k]) sj[k]->job = jobs[k];
		else job_failed(s, sj[k], err[0] ? err : "could not be started");
	}
	save_when_started(p->loop, s);
}

static const struct { const char *key; } files[] = { { SETUP_RUNNER_KEY }, { SETUP_PLAN_KEY }, { SETUP_TASKS_KEY } };

static void upload_next(session_t *s);

static void on_put(void *ud, const aws_error_t *err, s3_put_result_t *res)
{
	(void)res;
	session_t *s = ud;
	struct session_priv *p = SP(s);
	if (sess_enter(s, CH_SETUP)) return;
	setup_start_t *st = p->setup_start;
	if (!st) return;
	if (err) {
		char buf[600];
		sess_flash(s, "uploading the task file to s3://%s/%s failed: %s", sess_output(s, "ScriptsBucketName"),
		           st->prefix, aws_error_sentence(err, buf, sizeof buf));
		for (size_t i = 0; i < st->rec.nnodes; i++) {
			sess_node_t *n = node_by_index(s, st->rec.node_no[i]);
			if (n) n->setup_running = 0;
		}
		start_free(s);
		sess_notify(s, SESS_CH_NODES);
		return;
	}
	st->next++;
	upload_next(s);
}

static void upload_next(session_t *s)
{
	struct session_priv *p = SP(s);
	setup_start_t *st = p->setup_start;
	if (st->next >= sizeof files / sizeof files[0]) {
		send_command(s);
		return;
	}
	const char *body = st->next == 0 ? setup_runner_text() : st->next == 1 ? st->plan : s->setup.file_text;
	size_t len = st->next == 2 ? s->setup.file_len : strlen(body);
	char key[256];
	snprintf(key, sizeof key, "%s%s", st->prefix, files[st->next].key);
	sess_track(s, CH_SETUP, s3_put_object(p->aws, sess_output(s, "ScriptsBucketName"), key, body, len, on_put, s));
	if (!p->call[CH_SETUP]) {
		sess_flash(s, "the task file could not be sent to the scripts bucket");
		start_free(s);
	}
}

static int setup_busy(const session_t *s)
{
	if (s->setup.starting) return 1;
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].setup_running) return 1;
	return 0;
}

static char *node_script(session_t *s, const char *prefix)
{
	const char *ids[16];
	for (size_t i = 0; i < s->nnodes; i++) ids[i] = s->nodes[i].instance_id;
	setup_nodes_env_t env = { .ids = ids, .nids = s->nnodes, .node1_ip = s->nnodes ? s->nodes[0].private_ip : "",
	                          .mlflow_arn = config_get(&SP(s)->cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN) };
	return setup_script_s3(sess_output(s, "ScriptsBucketName"), prefix, s->region, &env, 0);
}

int session_setup(session_t *s, int node)
{
	struct session_priv *p = SP(s);
	if (!s->nnodes) {
		sess_flash(s, "no nodes yet: deploy first");
		return -1;
	}
	if (setup_busy(s)) {
		sess_flash(s, "a setup is already running on the nodes: wait for it to end");
		return -1;
	}
	if (!s->setup.file.ntasks) {
		char err[256];
		const char *text = setup_default_tasks_text();
		if (session_setup_set_tasks(s, "the default task file", text, strlen(text), err, sizeof err) < 0) {
			sess_flash(s, "the default task file: %s", err);
			return -1;
		}
	}
	const char *bucket = sess_output(s, "ScriptsBucketName");
	if (!bucket || !*bucket) {
		sess_flash(s, "the stack has no ScriptsBucketName output to send the task file through; deploy it with "
		              "this version of nixl-tui");
		return -1;
	}
	setup_start_t *st = calloc(1, sizeof *st);
	if (!st) return -1;
	st->node = node;
	setup_run_prefix(st->prefix, sizeof st->prefix);
	st->plan = tasks_plan(&s->setup.file, 0);
	st->script = st->plan ? node_script(s, st->prefix) : NULL;
	tasks_t names;
	if (!st->script || tasks_copy_names(&s->setup.file, &names) < 0) {
		sess_flash(s, "%s", st->plan ? "the bucket or region name cannot be used in a node script" : "out of memory");
		free(st->plan);
		free(st->script);
		free(st);
		return -1;
	}
	snprintf(st->rec.stack, sizeof st->rec.stack, "%s", s->stack_name);
	snprintf(st->rec.region, sizeof st->rec.region, "%s", s->region);
	snprintf(st->rec.prefix, sizeof st->rec.prefix, "%s", st->prefix);
	st->rec.started = time(NULL);
	for (size_t i = 0; i < s->nnodes && st->rec.nnodes < EXEC_MAX_NODES; i++) {
		if (node && s->nodes[i].index != node) continue;
		st->rec.node_no[st->rec.nnodes] = s->nodes[i].index;
		snprintf(st->rec.ids[st->rec.nnodes], sizeof st->rec.ids[0], "%s", s->nodes[i].instance_id);
		st->rec.nnodes++;
	}
	if (!st->rec.nnodes) {
		tasks_free(&names);
		free(st->plan);
		free(st->script);
		free(st);
		sess_flash(s, "there is no node %d", node);
		return -1;
	}
	p->setup_start = st;
	s->setup.starting = 1;
	s->setup.command_id[0] = 0;
	if (setup_show(s, &names, st->rec.node_no, st->rec.nnodes) < 0) {
		start_free(s);
		return -1;
	}
	upload_next(s);
	return 0;
}

/* ---- finding a run that still goes on */

static void follow_record(session_t *s, setup_record_t *rec)
{
	exec_t *ex = setup_executor(s);
	snprintf(s->setup.command_id, sizeof s->setup.command_id, "%s", rec->command_id);
	if (!ex || setup_show(s, &rec->tasks, rec->node_no, rec->nnodes) < 0) return;
	for (size_t i = 0; i < rec->nnodes; i++) {
		setup_job_t *j = new_job(s, rec->node_no[i]);
		if (!j) continue;
		exec_cbs_t cbs = { job_on_line, job_on_done, j };
		char err[256] = "";
		j->job = exec_ssm_attach(ex, rec->ids[i], rec->command_id, SETUP_TIMEOUT_MS, &cbs, err, sizeof err);
		if (!j->job) job_failed(s, j, err);
	}
	sess_flash(s, "following the setup started on the nodes by an earlier run (command %s)", rec->command_id);
}

static void on_listing(void *ud, const aws_error_t *err, ssm_invocations_t *res)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	if (sess_enter(s, CH_SETUP)) return;
	setup_record_t rec;
	if (setup_record_load(s->stack_name, s->region, &rec) < 0) return;
	if (err) {
		char buf[600];
		sess_flash(s, "could not ask SSM whether the last setup still runs: %s", aws_error_sentence(err, buf, sizeof buf));
		setup_record_free(&rec);
		return;
	}
	int running = 0;
	for (size_t i = 0; i < res->n; i++) running += setup_status_running(res->items[i].status);
	if (running && !setup_busy(s) && !p->setup_start) follow_record(s, &rec);
	setup_record_free(&rec);
}

void session_setup_find(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_SETUP] || setup_busy(s) || !s->stack_name[0]) return;
	setup_record_t rec;
	if (setup_record_load(s->stack_name, s->region, &rec) < 0) return;
	sess_track(s, CH_SETUP, ssm_list_command_invocations(p->aws, rec.command_id, NULL, 50, on_listing, s));
	setup_record_free(&rec);
}

/* ---- the MLflow check */

typedef struct mlflow_job {
	session_t *s;
	mlflow_result_t r;
} mlflow_job_t;

static void mlflow_on_line(void *ud, exec_stream_t stream, const char *line, size_t len)
{
	(void)len;
	mlflow_job_t *j = ud;
	mlflow_check_line(&j->r, line);
	if (strncmp(line, "===NIXL-MLFLOW", 14) != 0)
		sess_node_line(j->s, j->s->mlflow.node, stream == EXEC_STDERR ? "! " : "", line);
}

static void mlflow_on_done(void *ud, const exec_result_t *res)
{
	mlflow_job_t *j = ud;
	session_t *s = j->s;
	SP(s)->mlflow_job = NULL;
	s->mlflow.running = 0;
	s->mlflow.ok = j->r.seen && j->r.ok;
	if (!s->mlflow.ok)
		snprintf(s->mlflow.reason, sizeof s->mlflow.reason, "at %s: %.300s", j->r.seen ? j->r.step : "run",
		         j->r.seen ? j->r.reason : res->detail[0] ? res->detail : "the check did not finish");
	free(j);
	sess_notify(s, SESS_CH_NODES);
}

/* Runs the check from node 2 (node 1 alone) with the script (freed here). */
static int mlflow_start(session_t *s, char *script)
{
	struct session_priv *p = SP(s);
	const sess_node_t *from = &s->nodes[s->nnodes >= 2 ? 1 : 0];
	if (!p->mlflow_exec) p->mlflow_exec = exec_ssm_new(p->aws, NULL);
	mlflow_job_t *j = calloc(1, sizeof *j);
	s->mlflow.node = from->index;
	char err[256] = "the check cannot be made for this URL";
	exec_job_t *job = NULL;
	if (script && p->mlflow_exec && j) {
		j->s = s;
		exec_cbs_t cbs = { mlflow_on_line, mlflow_on_done, j };
		job = exec_start(p->mlflow_exec, from->instance_id, script, 120000, &cbs, err, sizeof err);
	}
	free(script);
	if (!job) {
		s->mlflow.running = 0;
		snprintf(s->mlflow.reason, sizeof s->mlflow.reason, "did not start: %.300s", err);
		free(j);
	} else {
		p->mlflow_job = j;
	}
	sess_notify(s, SESS_CH_NODES);
	return job ? 0 : -1;
}

/* DescribeMlflowTrackingServer answered: the managed server's URL, or why not. */
static void mlflow_on_described(void *ud, const aws_error_t *err, sagemaker_mlflow_server_t *srv)
{
	session_t *s = ud;
	if (sess_enter(s, CH_MLFLOW)) return;
	const char *arn = config_get(&SP(s)->cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN);
	char region[64] = "", name[260] = "", buf[600];
	if (!arn || sagemaker_mlflow_arn_parse(arn, region, sizeof region, name, sizeof name) < 0) {
		snprintf(s->mlflow.reason, sizeof s->mlflow.reason, "at describe: the tracking server ARN changed");
	} else if (err) {
		snprintf(s->mlflow.reason, sizeof s->mlflow.reason, "at describe: %.300s",
		         aws_error_sentence(err, buf, sizeof buf));
	} else if (!sagemaker_mlflow_server_usable(srv)) {
		snprintf(s->mlflow.reason, sizeof s->mlflow.reason,
		         "at describe: the SageMaker server %.100s is %.40s (%.20s), not Created and Active: start it, "
		         "then check again", name, srv->status, srv->is_active ? srv->is_active : "activity unknown");
	} else if (!mlflow_uri_valid(srv->url) || strlen(srv->url) >= sizeof s->mlflow.url) {
		snprintf(s->mlflow.reason, sizeof s->mlflow.reason, "at describe: the server's URL is not one this check can use");
	} else {
		snprintf(s->mlflow.url, sizeof s->mlflow.url, "%s", srv->url);
		mlflow_start(s, mlflow_check_script_managed(srv->url, arn, region));
		return;
	}
	s->mlflow.running = 0;
	sess_notify(s, SESS_CH_NODES);
}

int session_mlflow_check(session_t *s)
{
	struct session_priv *p = SP(s);
	if (!s->nnodes) {
		sess_flash(s, "no nodes yet: deploy first");
		return -1;
	}
	if (s->mlflow.running) {
		sess_flash(s, "the MLflow check is already running");
		return -1;
	}
	/* with a SageMaker managed server (mlflowTrackingServerArn) the nodes use it: its URL
	 * comes from DescribeMlflowTrackingServer, then the check runs signed */
	const char *arn = config_get(&p->cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN);
	char region[64], name[260];
	if (arn) {
		if (sagemaker_mlflow_arn_parse(arn, region, sizeof region, name, sizeof name) < 0 ||
		    strcmp(region, s->region) != 0) {
			sess_flash(s, "the MLflow tracking server is not in the stack's region (%s): this check asks SageMaker "
			           "there only", s->region);
			snprintf(s->mlflow.reason, sizeof s->mlflow.reason, "at describe: %s", s->flash);
			return -1;
		}
		sess_track(s, CH_MLFLOW, sagemaker_describe_mlflow_tracking_server(p->aws, name, mlflow_on_described, s));
		if (!p->call[CH_MLFLOW]) {
			sess_flash(s, "DescribeMlflowTrackingServer could not be sent");
			return -1;
		}
		snprintf(s->mlflow.url, sizeof s->mlflow.url, "SageMaker %.110s", name);
	} else if (!s->nodes[0].private_ip[0]) {
		sess_flash(s, "node 1 has no private address yet");
		return -1;
	} else {
		snprintf(s->mlflow.url, sizeof s->mlflow.url, "http://%s:%d", s->nodes[0].private_ip, MLFLOW_PORT);
	}
	s->mlflow.shown = 1;
	s->mlflow.running = 1;
	s->mlflow.ok = 0;
	s->mlflow.reason[0] = 0;
	s->mlflow.node = s->nodes[s->nnodes >= 2 ? 1 : 0].index;
	if (arn) {
		sess_notify(s, SESS_CH_NODES);
		return 0;
	}
	return mlflow_start(s, mlflow_check_script(s->mlflow.url));
}

static int setup_failed_any(const sess_node_t *n)
{
	for (size_t k = 0; k < n->setup.ntasks; k++)
		if (n->setup.tasks[k].state == TASK_FAILED) return 1;
	return 0;
}

/* ---- verify: each step started when the one before has ended */

enum { V_SETUP, V_MLFLOW, V_EFA, V_PP, V_DONE };
enum { VERIFY_POLL_MS = 500 };

static void verify_add(session_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void verify_add(session_t *s, const char *fmt, ...)
{
	size_t len = strlen(s->verify.summary);
	va_list ap;
	va_start(ap, fmt);
	if (len < sizeof s->verify.summary - 1) vsnprintf(s->verify.summary + len, sizeof s->verify.summary - len, fmt, ap);
	va_end(ap);
}

static int step_busy(const session_t *s, int step)
{
	for (size_t i = 0; i < s->nnodes; i++) {
		const sess_node_t *n = &s->nodes[i];
		if (step == V_SETUP && n->setup_running) return 1;
		if (step == V_EFA && n->checks_running) return 1;
		if (step == V_PP && n->pp_running) return 1;
	}
	if (step == V_SETUP && s->setup.starting) return 1;
	return step == V_MLFLOW && s->mlflow.running;
}

/* The result of the step that ended, one line in the summary. */
static void verify_judge(session_t *s, int step)
{
	int bad = 0;
	if (step == V_SETUP) {
		for (size_t i = 0; i < s->nnodes; i++) {
			const sess_node_t *n = &s->nodes[i];
			if (!n->setup_shown) continue;
			for (size_t k = 0; k < n->setup.ntasks && k < s->setup.run.ntasks; k++)
				if (n->setup.tasks[k].state == TASK_FAILED) {
					verify_add(s, "setup: failed on node %d at task %s: fix it (its Setup section shows the command "
					           "and its lines), then :verify again (the setup resumes).\n", n->index,
					           s->setup.run.tasks[k].id);
					bad = 1;
				}
			if (!setup_failed_any(n) && n->setup_detail[0]) {
				verify_add(s, "setup: failed on node %d: %.200s\n", n->index, n->setup_detail);
				bad = 1;
			}
		}
		if (!bad) verify_add(s, "setup: ok on every node\n");
	} else if (step == V_MLFLOW) {
		if (s->mlflow.ok) verify_add(s, "MLflow: ok at %s from node %d\n", s->mlflow.url, s->mlflow.node);
		else
			verify_add(s, "MLflow: failed from node %d %.200s%s\n", s->mlflow.node, s->mlflow.reason,
			           config_get(&SP(s)->cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN)
			                   ? "" : ": is the tracking server running on node 1 (the setup starts it)?"), bad = 1;
	} else if (step == V_EFA) {
		for (size_t i = 0; i < s->nnodes; i++)
			for (size_t c = 0; c < s->nodes[i].nchecks; c++)
				if (s->nodes[i].checks[c].state == CHK_FAIL) {
					verify_add(s, "EFA checks: failed on node %d (%s: %.120s): see its EFA checks section.\n",
					           s->nodes[i].index, s->nodes[i].checks[c].name, s->nodes[i].checks[c].detail);
					bad = 1;
					break;
				}
		if (!bad) verify_add(s, "EFA checks: ok on every node\n");
	} else if (step == V_PP) {
		const sess_node_t *n = &s->nodes[0];
		if (s->nnodes < 2) verify_add(s, "ping-pong: not run (one node)\n");
		else if (n->pp.error[0] || !n->pp.nrows)
			verify_add(s, "ping-pong: failed between nodes 2 and 1: %.200s\n",
			           n->pp.error[0] ? n->pp.error : "no result"), bad = 1;
		else verify_add(s, "ping-pong: ok between nodes 2 and 1 (%zu sizes)\n", n->pp.nrows);
	}
	s->verify.failed |= bad;
}

static void verify_next(loop_t *l, void *ud);

/* The next look at the verify's step, in VERIFY_POLL_MS. */
static void verify_later(session_t *s)
{
	struct session_priv *p = SP(s);
	p->verify_timer = loop_timer_add(p->loop, VERIFY_POLL_MS, verify_next, s);
}

static void verify_start_step(session_t *s)
{
	int rc = 0;
	switch (s->verify.step) {
	case V_SETUP: rc = session_setup(s, 0); break;
	case V_MLFLOW: rc = session_mlflow_check(s); break;
	case V_EFA: rc = session_node_check(s, 0); break;
	case V_PP: rc = s->nnodes >= 2 ? session_pingpong(s, s->nodes[1].index, s->nodes[0].index, NULL, 0) : 0; break;
	default: break;
	}
	if (rc < 0 && s->verify.step != V_MLFLOW) {
		static const char *const names[] = { "setup", "MLflow", "EFA checks", "ping-pong" };
		verify_add(s, "%s: did not start: %.200s\n", names[s->verify.step], s->flash);
		s->verify.failed = 1;
	}
}

static void verify_next(loop_t *l, void *ud)
{
	(void)l;
	session_t *s = ud;
	SP(s)->verify_timer = 0;
	if (step_busy(s, s->verify.step)) {
		verify_later(s);
		return;
	}
	verify_judge(s, s->verify.step);
	if (++s->verify.step < V_DONE) {
		verify_start_step(s);
		verify_later(s);
		return;
	}
	s->verify.running = 0;
	s->verify.done = 1;
	sess_notify(s, SESS_CH_NODES | SESS_CH_FLASH);
}

int session_verify(session_t *s)
{
	if (s->verify.running) {
		sess_flash(s, "verify is already running");
		return -1;
	}
	if (!s->nnodes) {
		sess_flash(s, "no nodes yet: deploy first");
		return -1;
	}
	memset(&s->verify, 0, sizeof s->verify);
	s->verify.running = 1;
	if (!setup_busy(s)) verify_start_step(s); /* a setup already running is waited for */
	verify_later(s);
	sess_notify(s, SESS_CH_NODES);
	return 0;
}

void sess_setup_free(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->verify_timer) loop_timer_cancel(p->loop, p->verify_timer);
	p->verify_timer = 0;
	if (p->mlflow_exec) exec_free(p->mlflow_exec); /* stops the check, without its on_done */
	p->mlflow_exec = NULL;
	free(p->mlflow_job);
	p->mlflow_job = NULL;
	if (p->setup_timer) loop_timer_cancel(p->loop, p->setup_timer);
	p->setup_timer = 0;
	if (p->setup_exec) exec_free(p->setup_exec); /* leaves the commands running on the nodes */
	p->setup_exec = NULL;
	for (int i = 0; i < SESS_MAX_NODES; i++) {
		free(p->setup_jobs[i]);
		p->setup_jobs[i] = NULL;
	}
	start_free(s);
	for (size_t i = 0; i < s->nnodes; i++) setup_progress_free(&s->nodes[i].setup);
	tasks_free(&s->setup.file);
	tasks_free(&s->setup.run);
	free(s->setup.file_text);
	s->setup.file_text = NULL;
}
