/* What runs on the nodes: the EFA check script and fi_pingpong, over SSM (RunCommand,
 * output streamed from CloudWatch Logs), their lines kept per node and their results
 * filled in as the lines arrive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nodejob.h"
#include "core/session_priv.h"
#include "efa/check_script.h"
#include "efa/exec_ssm.h"
#include "efa/pingpong_run.h"

enum { NODE_LINES = 2000, CHECK_TIMEOUT_MS = 180000 };

static sess_node_t *node_by_index(session_t *s, int index)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].index == index) return &s->nodes[i];
	return NULL;
}

/* Appends to the node's ring of lines (the oldest go first when it is full). */
static void node_line(session_t *s, sess_node_t *n, const char *prefix, const char *line)
{
	if (!n->caplines) {
		n->lines = calloc(NODE_LINES, sizeof *n->lines);
		if (!n->lines) return;
		n->caplines = NODE_LINES;
	}
	size_t len = strlen(prefix) + strlen(line) + 1;
	char *copy = malloc(len);
	if (!copy) return;
	snprintf(copy, len, "%s%s", prefix, line);
	if (n->nlines < n->caplines) {
		n->lines[(n->first_line + n->nlines++) % n->caplines] = copy;
	} else {
		free(n->lines[n->first_line]);
		n->lines[n->first_line] = copy;
		n->first_line = (n->first_line + 1) % n->caplines;
	}
	n->lines_total++;
	sess_notify(s, SESS_CH_NODES);
}

void sess_node_line(session_t *s, int index, const char *prefix, const char *line)
{
	sess_node_t *n = node_by_index(s, index);
	if (n) node_line(s, n, prefix, line);
}

/* ---- the nodes follow their stack ---- */

/* CloudFormation deletes an AWS::EC2::Instance by terminating it: "When you terminate an
 * instance, it enters the shutting-down state and then the terminated state" (EC2 User
 * Guide, "State change events for Amazon EC2 instances",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html),
 * and SendCommand to it fails with InvalidInstanceId: "Invalid states are: Shutting-down
 * and Terminated" (SSM API Reference, InvalidInstanceId; the sandbox answers the same,
 * tools/sandbox/awssim/ssmrun.py send_command). */
static const char *instance_state_after(const session_t *s, const sess_node_t *n)
{
	if (s->phase == SESS_DELETED) return "terminated";
	/* a create rolled back: CloudFormation deleted what it had created */
	if (s->phase == SESS_FAILED && strcmp(s->stack_status, "ROLLBACK_COMPLETE") == 0) return "terminated";
	for (size_t i = 0; i < s->nresources; i++) {
		const sess_resource_t *r = &s->resources[i];
		if (strcmp(r->type, "AWS::EC2::Instance") != 0 || strcmp(r->physical_id, n->instance_id) != 0) continue;
		if (strcmp(r->status, "DELETE_COMPLETE") == 0) return "terminated";
		if (strcmp(r->status, "DELETE_IN_PROGRESS") == 0) return "shutting-down";
	}
	return NULL;
}

void sess_nodes_follow_stack(session_t *s)
{
	int changed = 0;
	for (size_t i = 0; i < s->nnodes; i++) {
		sess_node_t *n = &s->nodes[i];
		const char *st = n->instance_id[0] ? instance_state_after(s, n) : NULL;
		if (!st || strcmp(n->instance_state, "terminated") == 0 || strcmp(n->instance_state, st) == 0) continue;
		snprintf(n->instance_state, sizeof n->instance_state, "%s", st);
		n->ssm_status[0] = 0; /* its agent no longer answers */
		changed = 1;
	}
	if (changed) sess_notify(s, SESS_CH_NODES);
}

static int node_gone(const sess_node_t *n)
{
	return strcmp(n->instance_state, "terminated") == 0 || strcmp(n->instance_state, "shutting-down") == 0;
}

/* 0 when commands may go to node n (NULL: the stack's nodes in general), else -1 with one
 * sentence in the flash, before any AWS call. */
static int nodes_refuse(session_t *s, const sess_node_t *n)
{
	if (s->phase == SESS_DELETING) {
		sess_flash(s, "stack %s is being deleted, so nothing more is sent to its nodes.", s->stack_name);
		return -1;
	}
	if (n && node_gone(n)) {
		sess_flash(s, "node %d is %s (stack %s %s): deploy a stack again to get nodes.", n->index,
		           n->instance_state, s->stack_name,
		           s->phase == SESS_DELETED ? "was deleted" : "deleted its instance");
		return -1;
	}
	return 0;
}

static exec_t *executor(session_t *s)
{
	struct session_priv *p = SP(s);
	if (!p->exec) p->exec = exec_ssm_new(p->aws, NULL);
	return p->exec;
}

/* ---- the EFA check ---- */

/* One check over the nodes picked together (core/nodejob.h); freed when all have ended. */
typedef struct check_job {
	session_t *s;
	int index[EXEC_MAX_NODES]; /* the session's node number of each of the job's nodes */
	nodejob_t *nj;
} check_job_t;

static const sess_check_state_t verdict_state[] = {
	[EFA_UNKNOWN] = CHK_UNKNOWN, [EFA_PASS] = CHK_PASS, [EFA_FAIL] = CHK_FAIL,
	[EFA_UNRECOGNISED] = CHK_UNRECOGNISED,
};

/* Reads what arrived so far: each check fills in as soon as its section is complete. */
static void check_update(void *ud, size_t i, const char *text, size_t len, int final)
{
	check_job_t *j = ud;
	sess_node_t *n = node_by_index(j->s, j->index[i]);
	if (!n) return;
	efa_node_status_t st;
	efa_status_init(&st, n->instance_id);
	check_script_parse(text, len, &st);
	n->nchecks = EFA_CHECK_COUNT;
	n->simulated = st.simulated == 1;
	for (int c = 0; c < EFA_CHECK_COUNT; c++) {
		sess_check_t *k = &n->checks[c];
		snprintf(k->name, sizeof k->name, "%s", efa_check_title((efa_check_id_t)c));
		efa_verdict_t v = st.checks[c].verdict;
		k->state = v == EFA_UNKNOWN && !final ? CHK_RUNNING : verdict_state[v];
		snprintf(k->detail, sizeof k->detail, "%.255s", st.checks[c].detail);
	}
	efa_status_free(&st);
	sess_notify(j->s, SESS_CH_NODES);
}

static void check_on_line(void *ud, size_t i, exec_stream_t stream, const char *line, size_t len)
{
	(void)len;
	check_job_t *j = ud;
	sess_node_t *n = node_by_index(j->s, j->index[i]);
	if (n) node_line(j->s, n, stream == EXEC_STDERR ? "! " : "", line);
}

static void check_on_done(void *ud, size_t i, const exec_result_t *r)
{
	check_job_t *j = ud;
	session_t *s = j->s;
	sess_node_t *n = node_by_index(s, j->index[i]);
	if (n) {
		n->checks_running = 0;
		if (r->status != EXEC_SUCCESS && r->status != EXEC_FAILED) {
			char line[600];
			snprintf(line, sizeof line, "EFA check %s: %s", exec_status_name(r->status), r->detail);
			node_line(s, n, "! ", line);
			sess_flash(s, "node %d: %s", j->index[i], line);
		}
	}
	sess_notify(s, SESS_CH_NODES);
}

static void check_job_free(check_job_t *j)
{
	struct session_priv *p = SP(j->s);
	for (int i = 0; i < SESS_MAX_NODES; i++)
		if (p->checks[i] == j) p->checks[i] = NULL;
	nodejob_free(j->nj);
	free(j);
}

static void check_on_all_done(void *ud) { check_job_free(ud); }

/* The nodes the executor did not take: said on each, and in the flash. -1 when any. */
static int check_not_started(check_job_t *j, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const nodejob_node_t *nd = nodejob_node(j->nj, i);
		if (nd->started) continue;
		sess_node_t *node = node_by_index(j->s, j->index[i]);
		rc = -1;
		if (node) {
			node->checks_running = 0;
			node_line(j->s, node, "! ", nd->res.detail);
		}
		sess_flash(j->s, "node %d: %s", j->index[i], nd->res.detail);
	}
	return rc;
}

/* The check on the nodes picked, started together: one SendCommand for all of them. */
static int check_nodes(session_t *s, sess_node_t **nodes, size_t n)
{
	struct session_priv *p = SP(s);
	exec_t *ex = executor(s);
	check_job_t *j = ex ? calloc(1, sizeof *j) : NULL;
	if (!j) return -1;
	j->s = s;
	const char *targets[EXEC_MAX_NODES];
	for (size_t i = 0; i < n; i++) {
		j->index[i] = nodes[i]->index;
		nodes[i]->checks_running = 1;
		check_update(j, i, "", 0, 0);
		node_line(s, nodes[i], "$ ", "EFA check (lspci, lsmod/modinfo efa, fi_info -p efa, /dev/infiniband, ip, GPUs)");
		targets[i] = nodes[i]->instance_id;
	}
	nodejob_cbs_t cbs = { check_on_line, check_update, check_on_done, check_on_all_done, j, NODEJOB_KEEP_STDOUT };
	char err[256];
	j->nj = nodejob_start(ex, targets, n, check_script_text(), CHECK_TIMEOUT_MS, &cbs, err, sizeof err);
	if (!j->nj) {
		for (size_t i = 0; i < n; i++) nodes[i]->checks_running = 0;
		sess_flash(s, "EFA check: %s", err);
		free(j);
		return -1;
	}
	int rc = check_not_started(j, n);
	if (!nodejob_pending(j->nj)) {
		check_job_free(j);
		return rc;
	}
	for (int i = 0; i < SESS_MAX_NODES; i++)
		if (!p->checks[i]) { p->checks[i] = j; break; }
	return rc;
}

int session_node_check(session_t *s, int node)
{
	if (!s->nnodes) {
		sess_flash(s, "no nodes yet: deploy first");
		return -1;
	}
	if (nodes_refuse(s, NULL) < 0) return -1;
	sess_node_t *pick[EXEC_MAX_NODES];
	const sess_node_t *gone = NULL;
	size_t n = 0;
	for (size_t i = 0; i < s->nnodes && n < EXEC_MAX_NODES; i++) {
		sess_node_t *nd = &s->nodes[i];
		if (node != 0 && nd->index != node) continue;
		if (node_gone(nd)) gone = nd;
		else if (!nd->checks_running) pick[n++] = nd;
	}
	if (!n && gone) return nodes_refuse(s, gone);
	return n ? check_nodes(s, pick, n) : 0;
}

/* ---- fi_pingpong ---- */

static void pp_on_line(void *ud, pp_side_t side, exec_stream_t stream, const char *line)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	sess_node_t *n = node_by_index(s, side == PP_SERVER ? p->pp_server : p->pp_client);
	if (n) node_line(s, n, stream == EXEC_STDERR ? "! " : "", line);
}

static void pp_on_phase(void *ud, const char *what)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	sess_node_t *n = node_by_index(s, p->pp_client);
	if (n) node_line(s, n, "# ", what);
}

static void pp_on_row(void *ud, const pp_row_t *row)
{
	session_t *s = ud;
	sess_node_t *n = node_by_index(s, SP(s)->pp_client);
	if (n) pp_result_add(&n->pp, row);
	sess_notify(s, SESS_CH_NODES);
}

static void pp_on_done(void *ud, const pp_result_t *res)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	sess_node_t *n = node_by_index(s, p->pp_client);
	if (n) {
		n->pp_running = 0;
		snprintf(n->pp.provider, sizeof n->pp.provider, "%s", res->provider);
		snprintf(n->pp.endpoint, sizeof n->pp.endpoint, "%s", res->endpoint);
		n->pp.iterations = res->iterations;
		n->pp.exit_code = res->exit_code;
		snprintf(n->pp.error, sizeof n->pp.error, "%s", res->error);
		n->pp.simulated = res->simulated;
		if (res->error[0]) {
			node_line(s, n, "! ", res->error);
			sess_flash(s, "ping-pong: %s", res->error);
		}
	}
	p->pp_done = 1; /* freed from the next call or session_free, not inside its own callback */
	sess_notify(s, SESS_CH_NODES);
}

/* The executor for a ping-pong or a matrix, or NULL (with the flash) while one runs. */
static exec_t *pp_executor(session_t *s)
{
	struct session_priv *p = SP(s);
	if ((p->pp && !p->pp_done) || s->matrix.running) {
		sess_flash(s, "a ping-pong is already running");
		return NULL;
	}
	return executor(s);
}

int session_pingpong(session_t *s, int server_node, int client_node, const char *sizes, int iters)
{
	struct session_priv *p = SP(s);
	sess_node_t *a = node_by_index(s, server_node), *b = node_by_index(s, client_node);
	if (!a || !b || a == b) {
		sess_flash(s, "ping-pong needs two different deployed nodes (got %d and %d)", server_node, client_node);
		return -1;
	}
	if (nodes_refuse(s, a) < 0 || nodes_refuse(s, b) < 0) return -1;
	exec_t *ex = pp_executor(s);
	if (!ex) return -1;
	pp_run_free(p->pp);
	p->pp = NULL;
	pp_result_free(&b->pp);
	memset(&b->pp, 0, sizeof b->pp);
	p->pp_server = server_node;
	p->pp_client = client_node;
	p->pp_done = 0;
	pp_run_opts_t o = {
		.loop = p->loop,
		.server = { ex, a->instance_id, a->private_ip[0] ? a->private_ip : NULL },
		.client = { ex, b->instance_id, b->private_ip[0] ? b->private_ip : NULL },
		.provider = s->pp_provider[0] ? s->pp_provider : NULL,
		.sizes = sizes ? sizes : s->pp_sizes[0] ? s->pp_sizes : NULL,
		.iterations = iters ? iters : s->pp_iterations,
		.cbs = { pp_on_line, pp_on_phase, pp_on_row, pp_on_done, s },
	};
	char err[256];
	b->pp_running = 1;
	char what[96];
	snprintf(what, sizeof what, "fi_pingpong -e rdm -p %s (server on node %d)",
	         s->pp_provider[0] ? s->pp_provider : "efa", server_node);
	node_line(s, b, "$ ", what);
	p->pp = pp_run_start(&o, err, sizeof err);
	if (!p->pp) {
		b->pp_running = 0;
		node_line(s, b, "! ", err);
		sess_flash(s, "ping-pong: %s", err);
		return -1;
	}
	return 0;
}

/* ---- the matrix ---- */

static void mx_pair_start(void *ud, size_t a, size_t b)
{
	session_t *s = ud;
	s->matrix.state[a][b] = PAIR_RUNNING;
	sess_notify(s, SESS_CH_NODES);
}

static void mx_pair(void *ud, size_t a, size_t b, const pp_result_t *res)
{
	session_t *s = ud;
	s->matrix.state[a][b] = res->error[0] ? PAIR_FAILED : PAIR_OK;
	s->matrix.lat_usec[a][b] = pp_result_latency_usec(res);
	s->matrix.bw_mb_s[a][b] = pp_result_peak_mb_per_s(res);
	if (res->error[0]) {
		char what[64];
		snprintf(what, sizeof what, "matrix, server node %d: ", s->nodes[a].index);
		node_line(s, &s->nodes[b], what, res->error);
	}
	sess_notify(s, SESS_CH_NODES);
}

static void mx_done(void *ud)
{
	session_t *s = ud;
	size_t failed = 0, pairs = s->matrix.n * (s->matrix.n - 1) / 2;
	for (size_t a = 0; a < s->matrix.n; a++)
		for (size_t b = a + 1; b < s->matrix.n; b++) failed += s->matrix.state[a][b] != PAIR_OK;
	s->matrix.running = 0;
	SP(s)->matrix_done = 1; /* freed from the next call or session_free, not inside its own callback */
	if (failed) sess_flash(s, "ping-pong matrix: %zu of %zu pairs did not give a result", failed, pairs);
	sess_notify(s, SESS_CH_NODES);
}

int session_pingpong_matrix(session_t *s)
{
	struct session_priv *p = SP(s);
	if (s->nnodes < 2) {
		sess_flash(s, "a ping-pong matrix needs two nodes or more");
		return -1;
	}
	if (nodes_refuse(s, NULL) < 0) return -1;
	for (size_t i = 0; i < s->nnodes; i++)
		if (nodes_refuse(s, &s->nodes[i]) < 0) return -1;
	exec_t *ex = pp_executor(s);
	if (!ex) return -1;
	pp_matrix_free(p->matrix);
	p->matrix = NULL;
	pp_node_t nodes[SESS_MAX_NODES];
	for (size_t i = 0; i < s->nnodes; i++) {
		const sess_node_t *n = &s->nodes[i];
		nodes[i] = (pp_node_t){ ex, n->instance_id, n->private_ip[0] ? n->private_ip : NULL };
	}
	memset(&s->matrix, 0, sizeof s->matrix);
	s->matrix.n = s->nnodes;
	s->matrix.running = 1;
	p->matrix_done = 0;
	pp_run_opts_t o = {
		.loop = p->loop,
		.provider = s->pp_provider[0] ? s->pp_provider : NULL,
		.sizes = s->pp_sizes[0] ? s->pp_sizes : NULL,
		.iterations = s->pp_iterations,
	};
	pp_matrix_cbs_t cbs = { mx_pair_start, mx_pair, mx_done, s };
	char err[256];
	p->matrix = pp_matrix_start(nodes, s->nnodes, &o, 0, &cbs, err, sizeof err);
	if (!p->matrix) {
		s->matrix.running = 0;
		sess_flash(s, "ping-pong matrix: %s", err);
		return -1;
	}
	return 0;
}

void sess_nodes_free(session_t *s)
{
	struct session_priv *p = SP(s);
	sess_setup_free(s);
	pp_run_free(p->pp);
	p->pp = NULL;
	pp_matrix_free(p->matrix);
	p->matrix = NULL;
	if (p->exec) exec_free(p->exec); /* stops the checks still running, without callbacks */
	p->exec = NULL;
	for (int i = 0; i < SESS_MAX_NODES; i++)
		if (p->checks[i]) check_job_free(p->checks[i]);
	for (size_t i = 0; i < s->nnodes; i++) {
		sess_node_t *n = &s->nodes[i];
		pp_result_free(&n->pp);
		for (size_t k = 0; k < n->nlines; k++) free(n->lines[(n->first_line + k) % n->caplines]);
		free(n->lines);
		n->lines = NULL;
		n->nlines = n->caplines = 0;
	}
}
