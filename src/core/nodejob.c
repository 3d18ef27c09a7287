/* A node job: one script on N nodes, their lines, results and ends (nodejob.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nodejob.h"
#include "efa/exec_ssm.h"

struct nodejob {
	nodejob_cbs_t cbs;
	nodejob_node_t *nodes;
	size_t n, running;
	int detached;
	loop_t *sigloop;   /* the loop SIGINT is watched on, or NULL */
	int64_t started_ms;
};

static void on_line(void *ud, exec_stream_t stream, const char *line, size_t len)
{
	nodejob_node_t *nd = ud;
	nodejob_t *nj = nd->nj;
	if (nd->done) return; /* nodejob_wait gave up on it */
	if (nj->cbs.on_line) nj->cbs.on_line(nj->cbs.ud, nd->index, stream, line, len);
	int keep = nj->cbs.keep == NODEJOB_KEEP_ALL || (nj->cbs.keep == NODEJOB_KEEP_STDOUT && stream == EXEC_STDOUT);
	if (!keep || exec_text_append(&nd->text, &nd->len, &nd->cap, line, len) < 0) return;
	if (nj->cbs.on_result) nj->cbs.on_result(nj->cbs.ud, nd->index, nd->text, nd->len, 0);
}

static void on_done(void *ud, const exec_result_t *r)
{
	nodejob_node_t *nd = ud;
	nodejob_t *nj = nd->nj;
	int given_up = nd->done;
	nd->running = 0;
	nd->job = NULL;
	nj->running--;
	if (given_up) return;
	nd->res = *r;
	nd->done = 1;
	if (nj->cbs.on_result) nj->cbs.on_result(nj->cbs.ud, nd->index, nd->text ? nd->text : "", nd->len, 1);
	if (nj->cbs.on_done) nj->cbs.on_done(nj->cbs.ud, nd->index, r);
	if (!nj->running && nj->cbs.on_all_done) nj->cbs.on_all_done(nj->cbs.ud); /* may free nj */
}

static nodejob_t *job_new(const char *const *targets, size_t n, const nodejob_cbs_t *cbs, char *err,
                          size_t errlen)
{
	if (n == 0 || n > EXEC_MAX_NODES) {
		snprintf(err, errlen, "a node job takes 1 to %d nodes, not %zu", EXEC_MAX_NODES, n);
		return NULL;
	}
	nodejob_t *nj = calloc(1, sizeof *nj);
	if (nj) nj->nodes = calloc(n, sizeof *nj->nodes);
	if (!nj || !nj->nodes) {
		free(nj);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	nj->cbs = *cbs;
	nj->n = n;
	nj->started_ms = loop_now_ms();
	for (size_t i = 0; i < n; i++) {
		snprintf(nj->nodes[i].target, sizeof nj->nodes[i].target, "%s", targets[i]);
		nj->nodes[i].nj = nj;
		nj->nodes[i].index = i;
	}
	return nj;
}

/* Records which nodes the executor took; the others are done with its sentence. */
static void took(nodejob_t *nj, exec_job_t *const *jobs, const char *err)
{
	for (size_t i = 0; i < nj->n; i++) {
		nodejob_node_t *nd = &nj->nodes[i];
		if ((nd->job = jobs[i])) {
			nd->started = nd->running = 1;
			nj->running++;
			continue;
		}
		nd->done = 1;
		nd->res.status = EXEC_ERROR;
		nd->res.exit_code = -1;
		snprintf(nd->res.detail, sizeof nd->res.detail, "%s", err[0] ? err : "could not be started");
	}
}

nodejob_t *nodejob_start(exec_t *ex, const char *const *targets, size_t n, const char *script, int timeout_ms,
                         const nodejob_cbs_t *cbs, char *err, size_t errlen)
{
	nodejob_t *nj = job_new(targets, n, cbs, err, errlen);
	if (!nj) return NULL;
	const char *tg[EXEC_MAX_NODES];
	exec_cbs_t ec[EXEC_MAX_NODES];
	exec_job_t *jobs[EXEC_MAX_NODES];
	for (size_t i = 0; i < n; i++) {
		tg[i] = nj->nodes[i].target;
		ec[i] = (exec_cbs_t){ on_line, on_done, &nj->nodes[i] };
	}
	char why[256] = "";
	exec_start_many(ex, tg, n, script, timeout_ms, ec, jobs, why, sizeof why);
	took(nj, jobs, why);
	return nj;
}

nodejob_t *nodejob_attach(exec_t *ex, const char *const *targets, size_t n, const char *command_id, int timeout_ms,
                          const nodejob_cbs_t *cbs, char *err, size_t errlen)
{
	nodejob_t *nj = job_new(targets, n, cbs, err, errlen);
	if (!nj) return NULL;
	exec_job_t *jobs[EXEC_MAX_NODES];
	char why[256] = "";
	for (size_t i = 0; i < n; i++) {
		exec_cbs_t ec = { on_line, on_done, &nj->nodes[i] };
		char e[256] = "";
		jobs[i] = exec_ssm_attach(ex, nj->nodes[i].target, command_id, timeout_ms, &ec, e, sizeof e);
		if (!jobs[i] && !why[0]) snprintf(why, sizeof why, "%s", e);
	}
	took(nj, jobs, why);
	return nj;
}

size_t nodejob_count(const nodejob_t *nj) { return nj->n; }

const nodejob_node_t *nodejob_node(const nodejob_t *nj, size_t i) { return i < nj->n ? &nj->nodes[i] : NULL; }

size_t nodejob_pending(const nodejob_t *nj)
{
	size_t p = 0;
	for (size_t i = 0; i < nj->n; i++) p += !nj->nodes[i].done;
	return p;
}

const char *nodejob_command_id(const nodejob_t *nj, size_t i)
{
	const nodejob_node_t *nd = nodejob_node(nj, i);
	if (!nd || !nd->job || strcmp(exec_name(nd->job->ex), "ssm") != 0) return "";
	return exec_ssm_command_id(nd->job);
}

void nodejob_cancel(nodejob_t *nj)
{
	for (size_t i = 0; i < nj->n; i++)
		if (nj->nodes[i].job && !nj->nodes[i].done) exec_cancel(nj->nodes[i].job);
}

void nodejob_detach(nodejob_t *nj) { nj->detached = 1; }

int nodejob_detached(const nodejob_t *nj) { return nj->detached; }

static void sigint_cancel(loop_t *l, int signo, void *ud)
{
	(void)l;
	(void)signo;
	nodejob_cancel(ud);
}

static void sigint_detach(loop_t *l, int signo, void *ud)
{
	(void)l;
	(void)signo;
	nodejob_detach(ud);
}

void nodejob_cancel_on_sigint(nodejob_t *nj, loop_t *loop)
{
	nj->sigloop = loop;
	loop_signal_watch(loop, SIGINT, sigint_cancel, nj);
}

void nodejob_detach_on_sigint(nodejob_t *nj, loop_t *loop)
{
	nj->sigloop = loop;
	loop_signal_watch(loop, SIGINT, sigint_detach, nj);
}

static int wait_over(void *ud)
{
	nodejob_t *nj = ud;
	return nj->detached || nodejob_pending(nj) == 0;
}

size_t nodejob_wait(nodejob_t *nj, loop_t *loop, int64_t deadline_ms)
{
	nodejob_drive(loop, wait_over, NULL, nj, deadline_ms);
	if (nj->detached) return nodejob_pending(nj);
	size_t late = 0;
	int s = (int)((deadline_ms - nj->started_ms + 500) / 1000);
	for (size_t i = 0; i < nj->n; i++) {
		nodejob_node_t *nd = &nj->nodes[i];
		if (nd->done) continue;
		nd->done = 1;
		nd->res.status = EXEC_TIMED_OUT;
		nd->res.exit_code = -1;
		snprintf(nd->res.detail, sizeof nd->res.detail, "no result within %d s", s);
		late++;
	}
	return late;
}

typedef struct drive_int {
	void (*on_int)(void *ud);
	void *ud;
} drive_int_t;

static void drive_sigint(loop_t *l, int signo, void *ud)
{
	(void)l;
	(void)signo;
	drive_int_t *d = ud;
	d->on_int(d->ud);
}

int nodejob_drive(loop_t *loop, int (*done)(void *ud), void (*on_int)(void *ud), void *ud, int64_t deadline_ms)
{
	drive_int_t d = { on_int, ud };
	if (on_int) loop_signal_watch(loop, SIGINT, drive_sigint, &d);
	int rc = 0;
	while (!done(ud)) {
		if (deadline_ms && loop_now_ms() >= deadline_ms) {
			rc = -1;
			break;
		}
		loop_run_once(loop, 500);
	}
	if (on_int) loop_signal_unwatch(loop, SIGINT);
	return rc;
}

void nodejob_free(nodejob_t *nj)
{
	if (!nj) return;
	if (nj->sigloop) loop_signal_unwatch(nj->sigloop, SIGINT);
	for (size_t i = 0; i < nj->n; i++) free(nj->nodes[i].text);
	free(nj->nodes);
	free(nj);
}
