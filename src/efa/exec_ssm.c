#include "efa/exec_ssm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/logs.h"
#include "aws/ssm.h"
#include "base/loop.h"

/* GetCommandInvocation keeps "the first 24,000 characters written by the plugin to stdout"
 * and "the first 8,000 characters written by the plugin to stderr" (SSM API Reference,
 * GetCommandInvocation, StandardOutputContent / StandardErrorContent), with no mark. */
#define SSM_STDOUT_MAX 24000
#define SSM_STDERR_MAX 8000
/* Consecutive failures of one kind of call before we give up on it. */
#define MAX_ERRORS 5
/* A command just sent may not be visible to GetCommandInvocation yet. */
#define INVOCATION_GRACE_MS 30000

typedef struct sexec sexec_t;

typedef enum stop_reason { STOP_NONE, STOP_TIMEOUT, STOP_CANCEL } stop_reason_t;

typedef struct sjob sjob_t;

/* One SendCommand for up to SSM_SEND_COMMAND_MAX_IDS jobs running the same script, each
 * followed on its own once the command id is known. A member leaves when it finishes; the
 * call is cancelled only when every member left or was asked to stop. */
typedef struct sbatch {
	aws_call_t *call;
	size_t n;
	sjob_t *jobs[SSM_SEND_COMMAND_MAX_IDS]; /* NULL once that member left */
} sbatch_t;

/* The status of every node of one command from one ListCommandInvocations per round, not
 * a GetCommandInvocation per node: fewer calls against SSM's rate limits. A node whose
 * row is final costs one GetCommandInvocation, for its exit code and output copy. */
typedef struct sfollow {
	struct sfollow *next;
	sexec_t *sx;
	char command_id[64];
	aws_call_t *call;
} sfollow_t;

typedef struct sstream {
	sjob_t *job;
	char name[160];          /* <command-id>/<instance-id>/aws-runShellScript/stdout */
	char *token;             /* next forward token */
	aws_call_t *call;
	exec_linebuf_t lb;
	size_t lines;            /* lines delivered */
	int empty_rounds;        /* empty pages in a row since the command ended */
	char *content;           /* the invocation's final Standard*Content */
} sstream_t;

struct sjob {
	exec_job_t base;
	sexec_t *sx;
	struct sjob *next;
	char instance[24];
	int timeout_ms;
	exec_cbs_t cbs;
	char command_id[64];
	sbatch_t *batch;         /* until its SendCommand answered */
	size_t slot;             /* in batch->jobs */
	aws_call_t *inv_call, *cancel_call;
	int listing;             /* waiting for its command's ListCommandInvocations */
	int ask_invocation;      /* its row is final (or missing for too long): GetCommandInvocation */
	sstream_t st[2];
	uint64_t poll_timer, timeout_timer;
	int64_t sent_at, final_at, stop_at;
	int final;               /* the invocation reached a final status */
	char status[32], details[64];
	int response_code;
	stop_reason_t stop;
	int cancel_sent;
	int inv_errors, log_errors, logs_broken;
	int finished;            /* callbacks of calls being cancelled must not touch it */
	exec_result_t err;       /* set when the job could not be followed */
	int failed;
};

struct sexec {
	exec_t base;
	aws_client_t *aws;
	loop_t *loop;
	char log_group[512];
	int poll_ms, drain_ms, stop_wait_ms, leave_running;
	sjob_t *jobs;
	sfollow_t *follows;
};

static void poll_round(sjob_t *j);

static void unlink_job(sjob_t *j)
{
	for (sjob_t **p = &j->sx->jobs; *p; p = &(*p)->next)
		if (*p == j) { *p = j->next; return; }
}

static int command_followed(const sexec_t *sx, const char *command_id)
{
	for (const sjob_t *j = sx->jobs; j; j = j->next)
		if (strcmp(j->command_id, command_id) == 0) return 1;
	return 0;
}

/* Frees f once no job follows its command and no call of its own is out. */
static void follow_release(sexec_t *sx, sfollow_t *f)
{
	if (f->call || command_followed(sx, f->command_id)) return;
	for (sfollow_t **p = &sx->follows; *p; p = &(*p)->next)
		if (*p == f) { *p = f->next; break; }
	free(f);
}

static sfollow_t *follow_find(sexec_t *sx, const char *command_id)
{
	for (sfollow_t *f = sx->follows; f; f = f->next)
		if (strcmp(f->command_id, command_id) == 0) return f;
	return NULL;
}

static void cancel_call(aws_call_t **call)
{
	aws_call_t *c = *call;
	*call = NULL;
	if (c) aws_call_cancel(c);
}

/* The last member to leave takes the unanswered SendCommand with it. */
static void leave_batch(sjob_t *j)
{
	sbatch_t *b = j->batch;
	if (!b) return;
	b->jobs[j->slot] = NULL;
	j->batch = NULL;
	for (size_t i = 0; i < b->n; i++)
		if (b->jobs[i]) return;
	cancel_call(&b->call);
}

static void drop_calls(sjob_t *j)
{
	j->finished = 1;
	leave_batch(j);
	aws_call_t *calls[] = { j->inv_call, j->st[0].call, j->st[1].call, j->cancel_call };
	j->inv_call = j->st[0].call = j->st[1].call = j->cancel_call = NULL;
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (calls[i]) aws_call_cancel(calls[i]);
	if (j->poll_timer) loop_timer_cancel(j->sx->loop, j->poll_timer);
	if (j->timeout_timer) loop_timer_cancel(j->sx->loop, j->timeout_timer);
	j->poll_timer = j->timeout_timer = 0;
}

static void job_free(sjob_t *j)
{
	for (int k = 0; k < 2; k++) {
		free(j->st[k].token);
		free(j->st[k].content);
		free(j->st[k].lb.buf);
	}
	free(j);
}

/* Counts the lines the caller gets, to compare with the invocation's own copy. */
static void counted_line(void *ud, exec_stream_t st, const char *line, size_t len)
{
	sstream_t *s = ud;
	s->lines++;
	if (s->job->cbs.on_line) s->job->cbs.on_line(s->job->cbs.ud, st, line, len);
}

static void deliver(sstream_t *s, const char *text, size_t n)
{
	exec_cbs_t c = { counted_line, NULL, s };
	exec_linebuf_feed(&s->lb, text, n, &c);
}

/* Lines of text (a trailing newline does not start another). */
static size_t count_lines(const char *t)
{
	if (!t || !*t) return 0;
	size_t n = 0;
	for (const char *p = t; *p; p++) n += *p == '\n';
	return n + (t[strlen(t) - 1] != '\n');
}

static void fill_result(sjob_t *j, exec_result_t *r)
{
	memset(r, 0, sizeof *r);
	r->exit_code = -1;
	if (j->failed) {
		*r = j->err;
		return;
	}
	if (j->final && j->response_code >= 0) r->exit_code = j->response_code;
	if (j->stop == STOP_TIMEOUT) {
		r->status = EXEC_TIMED_OUT;
		snprintf(r->detail, sizeof r->detail, "timed out after %d ms; CancelCommand sent for %s", j->timeout_ms,
		         j->command_id);
	} else if (j->stop == STOP_CANCEL) {
		r->status = EXEC_CANCELLED;
		snprintf(r->detail, sizeof r->detail, "cancelled (CancelCommand %s)", j->command_id);
	} else if (strcmp(j->status, "Success") == 0) {
		r->status = EXEC_SUCCESS;
		r->exit_code = 0;
	} else if (strcmp(j->status, "Failed") == 0 && j->response_code >= 0) {
		r->status = EXEC_FAILED;
		snprintf(r->detail, sizeof r->detail, "exit code %d", j->response_code);
	} else if (strcmp(j->status, "TimedOut") == 0) {
		r->status = EXEC_TIMED_OUT;
		snprintf(r->detail, sizeof r->detail, "SSM stopped the command on %s (%s)", j->instance,
		         j->details[0] ? j->details : "TimedOut");
	} else if (strcmp(j->status, "Cancelled") == 0) {
		r->status = EXEC_CANCELLED;
		snprintf(r->detail, sizeof r->detail, "the command was cancelled outside nixl-tui");
	} else {
		r->status = EXEC_ERROR;
		snprintf(r->detail, sizeof r->detail,
		         "SSM reports %s (%s) for %s on %s: is the instance running and its SSM agent Online?",
		         j->status[0] ? j->status : "no status", j->details[0] ? j->details : "-", j->command_id,
		         j->instance);
	}
}

/* 1 when stream k's copy may be whole: shorter, in characters (UTF-8 code points), than
 * what GetCommandInvocation keeps of that stream; at the cap it may have been cut. */
static int content_whole(const char *content, int k)
{
	if (!content) return 0;
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)content; *p; p++)
		chars += (*p & 0xC0) != 0x80;
	return chars < (size_t)(k == 0 ? SSM_STDOUT_MAX : SSM_STDERR_MAX);
}

static void finish(sjob_t *j)
{
	drop_calls(j);
	/* lines CloudWatch has not delivered (yet, or at all) come from the invocation's copy */
	for (int k = 0; k < 2; k++) {
		sstream_t *s = &j->st[k];
		exec_cbs_t c = { counted_line, NULL, s };
		exec_linebuf_finish(&s->lb, &c);
		if (!s->content) continue;
		const char *p = s->content;
		for (size_t skip = s->lines; skip > 0 && p; skip--) {
			p = strchr(p, '\n');
			if (p) p++;
		}
		if (!p) continue;
		/* a copy at the cap was cut anywhere: only its whole lines are lines */
		const char *end = content_whole(s->content, k) ? p + strlen(p) : strrchr(s->content, '\n');
		if (end && end > p) {
			exec_linebuf_t lb = { .stream = k == 0 ? EXEC_STDOUT : EXEC_STDERR };
			exec_linebuf_feed(&lb, p, (size_t)(end - p), &j->cbs);
			exec_linebuf_finish(&lb, &j->cbs);
		}
	}
	unlink_job(j);
	sfollow_t *f = follow_find(j->sx, j->command_id);
	if (f) follow_release(j->sx, f);
	exec_result_t r;
	fill_result(j, &r);
	if (j->cbs.on_done) j->cbs.on_done(j->cbs.ud, &r);
	job_free(j);
}

static void fail(sjob_t *j, const char *what, const aws_error_t *err)
{
	char sentence[400];
	j->failed = 1;
	j->err.status = EXEC_ERROR;
	j->err.exit_code = -1;
	snprintf(j->err.detail, sizeof j->err.detail, "%s: %s", what,
	         err ? aws_error_sentence(err, sentence, sizeof sentence) : "no answer");
	finish(j);
}

static void schedule(sjob_t *j, int ms);

static void on_poll_timer(loop_t *l, void *ud)
{
	(void)l;
	sjob_t *j = ud;
	j->poll_timer = 0;
	poll_round(j);
}

static void schedule(sjob_t *j, int ms)
{
	if (!j->poll_timer) j->poll_timer = loop_timer_add(j->sx->loop, ms, on_poll_timer, j);
}

static int logs_done(const sjob_t *j)
{
	int64_t now = loop_now_ms();
	for (int k = 0; k < 2; k++) {
		const sstream_t *s = &j->st[k];
		if (s->call) return 0;
		int have_copy = content_whole(s->content, k);
		if (have_copy && s->lines >= count_lines(s->content)) continue;
		if (!have_copy && s->empty_rounds >= 2) continue;
		if (j->logs_broken) continue;
		if (now - j->final_at < j->sx->drain_ms) return 0;
	}
	return 1;
}

/* Called whenever a call ends: finish when everything is known, else poll again. */
static void progress(sjob_t *j)
{
	if (j->finished) return;
	int64_t now = loop_now_ms();
	if (j->stop != STOP_NONE && !j->final && now - j->stop_at >= j->sx->stop_wait_ms && !j->inv_call &&
	    !j->listing && !j->st[0].call && !j->st[1].call) {
		finish(j);
		return;
	}
	if (j->final && !j->inv_call && logs_done(j)) {
		finish(j);
		return;
	}
	schedule(j, j->sx->poll_ms);
}

static void on_events(sjob_t *j, int k, const aws_error_t *err, logs_events_t *res)
{
	sstream_t *s = &j->st[k];
	s->call = NULL;
	if (j->finished) return;
	if (err) {
		if (strcmp(err->code, "ResourceNotFoundException") == 0) {
			/* no output on this stream yet (or ever) */
			if (j->final) s->empty_rounds++;
			j->log_errors = 0;
		} else if (++j->log_errors >= MAX_ERRORS) {
			j->logs_broken = 1; /* the invocation's copy will have to do */
		}
		progress(j);
		return;
	}
	j->log_errors = 0;
	int at_end = logs_events_at_end(res, s->token);
	for (size_t i = 0; i < res->n; i++) {
		const char *m = res->events[i].message ? res->events[i].message : "";
		deliver(s, m, strlen(m));
		/* an event is a line or several; it never continues on the next one */
		deliver(s, "\n", 1);
	}
	if (res->next_forward_token) {
		free(s->token);
		s->token = strdup(res->next_forward_token);
	}
	if (j->finished) return; /* a callback may have cancelled */
	if (res->n > 0) {
		s->empty_rounds = 0;
		if (!s->call) poll_round(j); /* more may be waiting: read on now */
		return;
	}
	if (j->final && at_end) s->empty_rounds++;
	progress(j);
}

static void on_stdout_events(void *ud, const aws_error_t *err, logs_events_t *res) { on_events(ud, 0, err, res); }
static void on_stderr_events(void *ud, const aws_error_t *err, logs_events_t *res) { on_events(ud, 1, err, res); }

static void on_invocation(void *ud, const aws_error_t *err, ssm_invocation_t *res)
{
	sjob_t *j = ud;
	j->inv_call = NULL;
	if (j->finished) return;
	if (err) {
		int young = loop_now_ms() - j->sent_at < INVOCATION_GRACE_MS;
		if (!(young && strcmp(err->code, "InvocationDoesNotExist") == 0) && ++j->inv_errors >= MAX_ERRORS) {
			fail(j, "GetCommandInvocation", err);
			return;
		}
		progress(j);
		return;
	}
	j->inv_errors = 0;
	snprintf(j->status, sizeof j->status, "%s", res->status ? res->status : "");
	snprintf(j->details, sizeof j->details, "%s", res->status_details ? res->status_details : "");
	j->response_code = res->response_code;
	if (!j->final && res->status && ssm_invocation_status_is_final(res->status)) {
		j->final = 1;
		j->final_at = loop_now_ms();
		for (int k = 0; k < 2; k++) {
			const char *c = k == 0 ? res->stdout_content : res->stderr_content;
			j->st[k].content = strdup(c ? c : "");
		}
	}
	progress(j);
}

/* Applies its command's listing to j: 0, or -1 when j failed (and is gone). */
static int listing_update(sjob_t *j, const aws_error_t *err, const ssm_invocations_t *res)
{
	int young = loop_now_ms() - j->sent_at < INVOCATION_GRACE_MS;
	if (err) {
		/* a command just sent may not be listed yet */
		if (!(young && strcmp(err->code, "InvalidCommandId") == 0) && ++j->inv_errors >= MAX_ERRORS) {
			fail(j, "ListCommandInvocations", err);
			return -1;
		}
		return 0;
	}
	j->inv_errors = 0;
	const ssm_invocation_t *row = NULL;
	for (size_t i = 0; i < res->n && !row; i++)
		if (res->items[i].instance_id && strcmp(res->items[i].instance_id, j->instance) == 0) row = &res->items[i];
	/* no row for too long: GetCommandInvocation says why */
	if (row ? ssm_invocation_status_is_final(row->status) : !young) j->ask_invocation = 1;
	return 0;
}

static void on_listing(void *ud, const aws_error_t *err, ssm_invocations_t *res)
{
	sfollow_t *f = ud;
	if (err && err->kind == AWS_ERR_CANCELLED) return; /* ssm_free: f goes with it */
	sexec_t *sx = f->sx;
	f->call = NULL;
	sjob_t *waiting[SSM_SEND_COMMAND_MAX_IDS];
	size_t n = 0;
	for (sjob_t *j = sx->jobs; j && n < SSM_SEND_COMMAND_MAX_IDS; j = j->next)
		if (j->listing && strcmp(j->command_id, f->command_id) == 0) waiting[n++] = j;
	for (size_t i = 0; i < n; i++) waiting[i]->listing = 0;
	/* each job of the list finishes only through its own calls: the others stay valid */
	for (size_t i = 0; i < n; i++) {
		sjob_t *j = waiting[i];
		if (j->finished || listing_update(j, err, res) < 0) continue;
		if (j->ask_invocation) poll_round(j);
		else progress(j);
	}
	follow_release(sx, f);
}

/* Asks for j's status through its command's listing; -1 when that cannot be sent. */
static int request_listing(sjob_t *j)
{
	sexec_t *sx = j->sx;
	sfollow_t *f = follow_find(sx, j->command_id);
	if (!f) {
		if (!(f = calloc(1, sizeof *f))) return -1;
		f->sx = sx;
		snprintf(f->command_id, sizeof f->command_id, "%s", j->command_id);
		f->next = sx->follows;
		sx->follows = f;
	}
	if (!f->call) f->call = ssm_list_command_invocations(sx->aws, f->command_id, NULL, SSM_SEND_COMMAND_MAX_IDS, on_listing, f);
	if (!f->call) {
		follow_release(sx, f);
		return -1;
	}
	j->listing = 1;
	return 0;
}

static void poll_round(sjob_t *j)
{
	if (j->finished || !j->command_id[0]) return;
	sexec_t *sx = j->sx;
	static const logs_events_cb cbs[2] = { on_stdout_events, on_stderr_events };
	if (!j->logs_broken)
		for (int k = 0; k < 2; k++) {
			sstream_t *s = &j->st[k];
			if (s->call) continue;
			logs_get_events_req_t req = { .group = sx->log_group, .stream = s->name, .start_from_head = 1,
			                              .next_token = s->token };
			s->call = logs_get_log_events(sx->aws, &req, cbs[k], j);
		}
	if (!j->inv_call && !j->listing && !j->final && (j->ask_invocation || request_listing(j) < 0))
		j->inv_call = ssm_get_command_invocation(sx->aws, j->command_id, j->instance, on_invocation, j);
	if (!j->inv_call && !j->listing && !j->st[0].call && !j->st[1].call) progress(j);
}

static void noop_status(void *ud, const aws_error_t *err) { (void)ud; (void)err; }

static void on_cancel_sent(void *ud, const aws_error_t *err)
{
	sjob_t *j = ud;
	j->cancel_call = NULL;
	(void)err; /* the invocation's status says whether it worked */
	if (!j->finished) progress(j);
}

static void send_cancel(sjob_t *j)
{
	if (j->cancel_sent || !j->command_id[0]) return;
	j->cancel_sent = 1;
	const char *ids[] = { j->instance };
	j->cancel_call = ssm_cancel_command(j->sx->aws, j->command_id, ids, 1, on_cancel_sent, j);
}

static void stop_job(sjob_t *j, stop_reason_t why)
{
	if (j->finished) return;
	if (j->stop == STOP_NONE) {
		j->stop = why;
		j->stop_at = loop_now_ms();
	}
	if (j->final) return; /* ended already; just draining */
	if (j->command_id[0]) {
		send_cancel(j);
		return;
	}
	/* not sent yet: the batch's answer brings the command id to cancel on this instance,
	 * unless no member wants it any more: a cancelled SendCommand never reached a node */
	sbatch_t *b = j->batch;
	if (!b) return;
	for (size_t i = 0; i < b->n; i++)
		if (b->jobs[i] && b->jobs[i]->stop == STOP_NONE) return;
	cancel_call(&b->call);
}

static void on_timeout(loop_t *l, void *ud)
{
	(void)l;
	sjob_t *j = ud;
	j->timeout_timer = 0;
	stop_job(j, STOP_TIMEOUT);
}

/* The command id is known: name its log streams and start following it. */
static void job_follow(sjob_t *j)
{
	j->sent_at = loop_now_ms();
	static const char *const names[2] = { "stdout", "stderr" };
	for (int k = 0; k < 2; k++)
		snprintf(j->st[k].name, sizeof j->st[k].name, "%s/%s/aws-runShellScript/%s", j->command_id, j->instance,
		         names[k]);
	if (j->stop != STOP_NONE) send_cancel(j);
	poll_round(j);
}

static void job_sent(sjob_t *j, const aws_error_t *err, ssm_send_command_result_t *res)
{
	if (err) {
		if (j->stop != STOP_NONE && err->kind == AWS_ERR_CANCELLED) {
			finish(j);
			return;
		}
		fail(j, "SendCommand", err);
		return;
	}
	snprintf(j->command_id, sizeof j->command_id, "%s", res->command.command_id ? res->command.command_id : "");
	if (!j->command_id[0]) {
		fail(j, "SendCommand returned no command id", NULL);
		return;
	}
	job_follow(j);
}

static void on_batch_sent(void *ud, const aws_error_t *err, ssm_send_command_result_t *res)
{
	sbatch_t *b = ud;
	b->call = NULL;
	for (size_t i = 0; i < b->n; i++) {
		sjob_t *j = b->jobs[i];
		if (!j) continue;
		/* out first: a member's callbacks may cancel or finish the others */
		b->jobs[i] = NULL;
		j->batch = NULL;
		job_sent(j, err, res);
	}
	free(b);
}

static sjob_t *job_new(sexec_t *sx, const char *target, int timeout_ms, const exec_cbs_t *cbs)
{
	sjob_t *j = calloc(1, sizeof *j);
	if (!j) return NULL;
	j->base.ex = &sx->base;
	j->sx = sx;
	j->cbs = *cbs;
	j->timeout_ms = timeout_ms;
	j->response_code = -1;
	snprintf(j->instance, sizeof j->instance, "%s", target);
	for (int k = 0; k < 2; k++) {
		j->st[k].job = j;
		j->st[k].lb.stream = k == 0 ? EXEC_STDOUT : EXEC_STDERR;
	}
	return j;
}

/* One SendCommand for jobs[0..n) (n <= SSM_SEND_COMMAND_MAX_IDS): 0 and the jobs are
 * running, or -1 when the request cannot be built (the caller still owns the jobs). */
static int send_batch(sexec_t *sx, sjob_t **jobs, size_t n, const char *script, int timeout_ms)
{
	sbatch_t *b = calloc(1, sizeof *b);
	if (!b) return -1;
	const char *ids[SSM_SEND_COMMAND_MAX_IDS];
	for (size_t i = 0; i < n; i++) ids[i] = jobs[i]->instance;
	const char *cmds[] = { script };
	ssm_send_command_req_t req = {
		.instance_ids = ids, .ninstance_ids = n, .commands = cmds, .ncommands = 1,
		/* SSM's own limit is a backstop behind ours */
		.execution_timeout = timeout_ms > 0 ? timeout_ms / 1000 + 60 : 0,
		.comment = "nixl-tui", .cloudwatch_log_group = sx->log_group,
	};
	b->call = ssm_send_command(sx->aws, &req, on_batch_sent, b);
	if (!b->call) {
		free(b);
		return -1;
	}
	b->n = n;
	for (size_t i = 0; i < n; i++) {
		sjob_t *j = jobs[i];
		b->jobs[i] = j;
		j->batch = b;
		j->slot = i;
		j->next = sx->jobs;
		sx->jobs = j;
		if (timeout_ms > 0) j->timeout_timer = loop_timer_add(sx->loop, timeout_ms, on_timeout, j);
	}
	return 0;
}

static size_t ssm_start_many(exec_t *ex, const char *const *targets, size_t n, const char *script,
                             int timeout_ms, const exec_cbs_t *cbs, exec_job_t **out, char *err,
                             size_t errlen)
{
	sexec_t *sx = (sexec_t *)ex;
	sjob_t *batch[SSM_SEND_COMMAND_MAX_IDS];
	size_t at[SSM_SEND_COMMAND_MAX_IDS]; /* batch[k] is target at[k] */
	size_t nbatch = 0, started = 0;
	if (errlen) err[0] = 0;
	for (size_t i = 0; i < n; i++) {
		out[i] = NULL;
		if (!exec_valid_instance_id(targets[i])) {
			if (errlen && !err[0])
				snprintf(err, errlen, "\"%.40s\" is not an instance id", targets[i] ? targets[i] : "");
		} else if (!(batch[nbatch] = job_new(sx, targets[i], timeout_ms, &cbs[i]))) {
			if (errlen && !err[0]) snprintf(err, errlen, "out of memory");
		} else {
			out[i] = &batch[nbatch]->base;
			at[nbatch++] = i;
		}
		if (nbatch == SSM_SEND_COMMAND_MAX_IDS || (i + 1 == n && nbatch)) {
			if (send_batch(sx, batch, nbatch, script, timeout_ms) == 0) {
				started += nbatch;
			} else {
				if (errlen && !err[0]) snprintf(err, errlen, "cannot build the SendCommand request");
				for (size_t k = 0; k < nbatch; k++) {
					out[at[k]] = NULL;
					job_free(batch[k]);
				}
			}
			nbatch = 0;
		}
	}
	return started;
}

static exec_job_t *ssm_start(exec_t *ex, const char *target, const char *script, int timeout_ms,
                             const exec_cbs_t *cbs, char *err, size_t errlen)
{
	exec_job_t *job;
	ssm_start_many(ex, &target, 1, script, timeout_ms, cbs, &job, err, errlen);
	return job;
}

exec_job_t *exec_ssm_attach(exec_t *ex, const char *target, const char *command_id, int timeout_ms,
                            const exec_cbs_t *cbs, char *err, size_t errlen)
{
	sexec_t *sx = (sexec_t *)ex;
	size_t n = strlen(command_id);
	/* SSM's command ids are UUIDs: 36 characters of hex digits and dashes */
	if (!exec_valid_instance_id(target) || n != 36 || strspn(command_id, "0123456789abcdef-") != n) {
		snprintf(err, errlen, "\"%.40s\" on \"%.40s\" is not an SSM command to follow", command_id, target);
		return NULL;
	}
	sjob_t *j = job_new(sx, target, timeout_ms, cbs);
	if (!j) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(j->command_id, sizeof j->command_id, "%s", command_id);
	j->next = sx->jobs;
	sx->jobs = j;
	if (timeout_ms > 0) j->timeout_timer = loop_timer_add(sx->loop, timeout_ms, on_timeout, j);
	job_follow(j);
	return &j->base;
}

const char *exec_ssm_command_id(const exec_job_t *job)
{
	return ((const sjob_t *)job)->command_id;
}

static void ssm_cancel(exec_job_t *job)
{
	stop_job((sjob_t *)job, STOP_CANCEL);
}

static void ssm_free(exec_t *ex)
{
	sexec_t *sx = (sexec_t *)ex;
	while (sx->jobs) {
		sjob_t *j = sx->jobs;
		sx->jobs = j->next;
		drop_calls(j);
		if (j->command_id[0] && !j->final && !sx->leave_running) {
			/* nobody will wait for it, but the node should stop */
			const char *ids[] = { j->instance };
			ssm_cancel_command(sx->aws, j->command_id, ids, 1, noop_status, NULL);
		}
		job_free(j);
	}
	while (sx->follows) {
		sfollow_t *f = sx->follows;
		sx->follows = f->next;
		if (f->call) aws_call_cancel(f->call);
		free(f);
	}
	free(sx);
}

static const exec_ops_t ssm_ops = {
	.name = "ssm",
	.start = ssm_start,
	.start_many = ssm_start_many,
	.cancel = ssm_cancel,
	.free = ssm_free,
};

exec_t *exec_ssm_new(aws_client_t *aws, const exec_ssm_opts_t *opts)
{
	const char *group = opts && opts->log_group ? opts->log_group : EXEC_SSM_LOG_GROUP;
	if (!exec_valid_log_group(group)) return NULL;
	sexec_t *sx = calloc(1, sizeof *sx);
	if (!sx) return NULL;
	sx->base.ops = &ssm_ops;
	sx->aws = aws;
	sx->loop = aws_client_loop(aws);
	snprintf(sx->log_group, sizeof sx->log_group, "%s", group);
	sx->poll_ms = opts && opts->poll_ms > 0 ? opts->poll_ms : 1000;
	sx->drain_ms = opts && opts->drain_ms > 0 ? opts->drain_ms : 5000;
	sx->stop_wait_ms = opts && opts->stop_wait_ms > 0 ? opts->stop_wait_ms : 15000;
	sx->leave_running = opts && opts->leave_running;
	return &sx->base;
}
