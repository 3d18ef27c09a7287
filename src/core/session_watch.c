/* Watching a stack as the CDK toolkit does: DescribeStackEvents by stack ARN, newest
 * first, read back to the first event already seen (or the start of this operation),
 * applied oldest first; DescribeStacks for the status; stop at a terminal status.
 * At most one DescribeStackEvents a second; slower while nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/grow.h"
#include "aws/cfn.h"
#include "core/session_priv.h"

enum { POLL_FAST_MS = 1000, POLL_SLOW_MS = 8000, MAX_EVENTS = 4000 };

static void poll_events(loop_t *l, void *ud);

int sess_status_terminal(const char *status)
{
	size_t n = strlen(status);
	return n && !(n > 12 && strcmp(status + n - 12, "_IN_PROGRESS") == 0);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A failure that only follows another one: not the root cause. */
static int is_cascade(const char *reason)
{
	return strstr(reason, "cancelled") || strstr(reason, "canceled") ||
	       strstr(reason, "The following resource(s) failed");
}

sess_res_state_t sess_res_state(const char *status)
{
	if (ends_with(status, "_IN_PROGRESS")) return RES_IN_PROGRESS;
	if (ends_with(status, "_FAILED")) return RES_FAILED;
	if (strcmp(status, "DELETE_COMPLETE") == 0 || strcmp(status, "DELETE_SKIPPED") == 0) return RES_DELETED;
	if (ends_with(status, "_COMPLETE")) return RES_DONE;
	return RES_PENDING;
}

int64_t sess_loop_ms_at(time_t t, int ms)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t ago = ((int64_t)now.tv_sec - (int64_t)t) * 1000 + now.tv_nsec / 1000000 - ms;
	return loop_now_ms() - (ago > 0 ? ago : 0);
}

/* When AWS says the resource began what it does now, and when that ended (the events'
 * own timestamps, so a re-attach shows the same times as the first look). */
static void mark_times(sess_resource_t *r, const sess_event_t *e)
{
	int64_t at = sess_loop_ms_at(e->ts, e->ms);
	if (ends_with(e->status, "_IN_PROGRESS")) {
		if (strcmp(r->status, e->status) != 0) r->started_ms = at, r->ended_ms = 0;
	} else if (r->started_ms && !r->ended_ms) {
		r->ended_ms = at;
	}
}

static int starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

int session_counts_done(sess_direction_t dir, const char *status)
{
	int deleted = strcmp(status, "DELETE_COMPLETE") == 0 || strcmp(status, "DELETE_SKIPPED") == 0;
	return dir == SESS_DIR_CREATE ? ends_with(status, "_COMPLETE") && !deleted : deleted;
}

sess_direction_t session_progress(const session_t *s, size_t *done, size_t *total)
{
	const char *st = s->stack_status;
	sess_direction_t dir = SESS_DIR_CREATE;
	if (starts_with(st, "ROLLBACK_") || starts_with(st, "UPDATE_ROLLBACK_")) dir = SESS_DIR_ROLLBACK;
	else if (starts_with(st, "DELETE_") || session_phase_teardown(s->phase))
		dir = SESS_DIR_DELETE;
	size_t n = 0, started = 0;
	for (size_t i = 0; i < s->nresources; i++) {
		started += s->resources[i].status[0] != 0;
		n += session_counts_done(dir, s->resources[i].status) != 0;
	}
	*done = n;
	/* a rollback or a delete removes what AWS has; a resource it never started never
	 * existed and is not waited for */
	size_t all = s->total_resources > s->nresources ? s->total_resources : s->nresources;
	*total = dir != SESS_DIR_CREATE && started ? started : all;
	return dir;
}

static int seen(const struct session_priv *p, const char *id)
{
	for (size_t i = p->nseen; i-- > 0;)
		if (strcmp(p->seen[i], id) == 0) return 1;
	return 0;
}

static void remember(struct session_priv *p, const char *id)
{
	if (grow_array((void **)&p->seen, &p->capseen, p->nseen + 1, sizeof *p->seen, 64) < 0) return;
	p->seen[p->nseen++] = strdup(id);
}

static void apply_event(session_t *s, const sess_event_t *e)
{
	struct session_priv *p = SP(s);
	if (s->nevents == MAX_EVENTS) { /* keep the newest */
		memmove(s->events, s->events + MAX_EVENTS / 4, (MAX_EVENTS - MAX_EVENTS / 4) * sizeof *s->events);
		s->nevents -= MAX_EVENTS / 4;
	}
	if (grow_array((void **)&s->events, &s->capevents, s->nevents + 1, sizeof *s->events, 64) < 0)
		return;
	s->events[s->nevents++] = *e;
	p->changed_this_poll = 1;
	int stack_level = strcmp(e->type, "AWS::CloudFormation::Stack") == 0;
	if (stack_level) {
		snprintf(s->stack_status, sizeof s->stack_status, "%s", e->status);
		snprintf(s->stack_reason, sizeof s->stack_reason, "%s", e->reason);
		/* oldest first: the last one applied is the operation's end; every event is applied
		 * before the watch lets the phase turn final (its final pass), so sess_set_phase
		 * finds it */
		if (p->ended_before_attach && sess_status_terminal(e->status)) p->ended_ms = sess_loop_ms_at(e->ts, e->ms);
	} else {
		sess_resource_t *r = sess_resource(s, e->logical_id, e->type);
		if (r) {
			mark_times(r, e);
			snprintf(r->status, sizeof r->status, "%s", e->status);
			snprintf(r->reason, sizeof r->reason, "%s", e->reason);
			r->state = sess_res_state(e->status);
			r->changed_ms = loop_now_ms();
		}
	}
	if (ends_with(e->status, "_FAILED") && !s->root_cause[0] && e->reason[0] && !is_cascade(e->reason)) {
		snprintf(s->root_cause, sizeof s->root_cause, "%s", e->reason);
		snprintf(s->root_cause_resource, sizeof s->root_cause_resource, "%s", e->logical_id);
	}
}

static void schedule(session_t *s, int delay_ms)
{
	struct session_priv *p = SP(s);
	if (p->watch_timer) loop_timer_cancel(p->loop, p->watch_timer);
	int64_t earliest = p->last_events_ms + POLL_FAST_MS - loop_now_ms();
	if (delay_ms < earliest) delay_ms = (int)earliest;
	p->watch_timer = loop_timer_add(p->loop, delay_ms, poll_events, s);
}

static void clear_page(struct session_priv *p)
{
	for (size_t i = 0; i < p->npage; i++) free(p->page_ids[i]);
	p->npage = 0;
}

static void on_stack(void *ud, const aws_error_t *err, cfn_stacks_t *res);

static void describe_stack(session_t *s)
{
	sess_track(s, CH_STACK, cfn_describe_stacks(SP(s)->aws, s->stack_id[0] ? s->stack_id : s->stack_name,
	                                            on_stack, s));
}

static void on_events(void *ud, const aws_error_t *err, cfn_events_t *res)
{
	session_t *s = sess_back(ud, CH_EVENTS);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (!p->watching) return;
	if (err) {
		if (cfn_error_stack_missing(err)) {
			describe_stack(s); /* the stack is gone: DescribeStacks says how it ended */
			return;
		}
		char buf[600];
		sess_flash(s, "%s; still watching", aws_error_sentence(err, buf, sizeof buf));
		schedule(s, POLL_SLOW_MS);
		return;
	}
	int stop = 0;
	for (size_t i = 0; i < res->n && !stop; i++) {
		const cfn_event_t *ev = &res->events[i];
		if (!ev->event_id || seen(p, ev->event_id) || (ev->timestamp && ev->timestamp < p->op_since)) {
			stop = 1;
			break;
		}
		if (p->npage == p->cappage) {
			size_t cap = p->cappage ? p->cappage * 2 : 64;
			sess_event_t *pg = realloc(p->page, cap * sizeof *pg);
			char **ids = realloc(p->page_ids, cap * sizeof *ids);
			if (pg) p->page = pg;
			if (ids) p->page_ids = ids;
			if (!pg || !ids) break;
			p->cappage = cap;
		}
		sess_event_t *e = &p->page[p->npage];
		memset(e, 0, sizeof *e);
		e->ts = ev->timestamp;
		e->ms = ev->timestamp_ms;
		snprintf(e->logical_id, sizeof e->logical_id, "%s", ev->logical_id ? ev->logical_id : "");
		snprintf(e->type, sizeof e->type, "%s", ev->resource_type ? ev->resource_type : "");
		snprintf(e->status, sizeof e->status, "%s", ev->status ? ev->status : "");
		snprintf(e->reason, sizeof e->reason, "%s", ev->status_reason ? ev->status_reason : "");
		p->page_ids[p->npage++] = strdup(ev->event_id);
		if (ev->physical_id && ev->logical_id && strcmp(e->type, "AWS::CloudFormation::Stack") != 0) {
			sess_resource_t *r = sess_resource(s, ev->logical_id, ev->resource_type);
			if (r && !r->physical_id[0]) snprintf(r->physical_id, sizeof r->physical_id, "%s", ev->physical_id);
		}
		/* the first event of this operation: nothing older belongs to it */
		if (!p->found_start && strcmp(e->type, "AWS::CloudFormation::Stack") == 0 &&
		    (strcmp(e->status, "CREATE_IN_PROGRESS") == 0 || strcmp(e->status, "DELETE_IN_PROGRESS") == 0 ||
		     strcmp(e->status, "UPDATE_IN_PROGRESS") == 0) &&
		    strstr(e->reason, "User Initiated")) {
			p->found_start = 1;
			/* followed, not started here: the operation's time is AWS's */
			if (p->op == OP_ATTACH) s->started_ms = sess_loop_ms_at(e->ts, e->ms);
			stop = 1;
		}
	}
	if (!stop && res->next_token) {
		/* older events of this operation are on the next page */
		p->last_events_ms = loop_now_ms();
		sess_track(s, CH_EVENTS, cfn_describe_stack_events(p->aws, s->stack_id[0] ? s->stack_id : s->stack_name,
		                                                   res->next_token, on_events, s));
		return;
	}
	p->found_start = 1;
	for (size_t i = p->npage; i-- > 0;) {
		remember(p, p->page_ids[i]);
		apply_event(s, &p->page[i]);
	}
	if (p->npage) {
		sess_recount(s);
		sess_notify(s, SESS_CH_EVENTS | SESS_CH_RESOURCES);
	}
	clear_page(p);
	describe_stack(s);
}

static void poll_events(loop_t *l, void *ud)
{
	(void)l;
	session_t *s = ud;
	struct session_priv *p = SP(s);
	p->watch_timer = 0;
	if (!p->watching || p->call[CH_EVENTS] || p->call[CH_STACK]) return;
	p->changed_this_poll = 0;
	p->last_events_ms = loop_now_ms();
	sess_track(s, CH_EVENTS, cfn_describe_stack_events(p->aws, s->stack_id[0] ? s->stack_id : s->stack_name,
	                                                   NULL, on_events, s));
}

static void finish_create(session_t *s, const cfn_stack_t *st)
{
	const char *keys[64], *values[64];
	size_t n = 0;
	for (size_t i = 0; i < st->noutputs && n < 64; i++) {
		keys[n] = st->outputs[i].key;
		values[n++] = st->outputs[i].value;
	}
	sess_set_outputs(s, keys, values, n);
	sess_nodes_from_outputs(s);
	sess_after_create(s);
}

static void on_stack(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	session_t *s = sess_back(ud, CH_STACK);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (!p->watching) return;
	int deleting = s->phase == SESS_DELETING;
	if (cfn_error_stack_missing(err)) {
		/* by name, a deleted stack is gone; by ARN it reads DELETE_COMPLETE */
		sess_watch_stop(s);
		if (deleting) {
			snprintf(s->stack_status, sizeof s->stack_status, "DELETE_COMPLETE");
			sess_teardown_next(s);
		} else {
			sess_fail(s, SESS_FAILED, "The stack %s no longer exists.", s->stack_name);
		}
		return;
	}
	if (err || !res->n) {
		char buf[600];
		if (err) sess_flash(s, "%s; still watching", aws_error_sentence(err, buf, sizeof buf));
		schedule(s, POLL_SLOW_MS);
		return;
	}
	const cfn_stack_t *st = &res->stacks[0];
	if (st->stack_id && !s->stack_id[0]) {
		snprintf(s->stack_id, sizeof s->stack_id, "%s", st->stack_id);
		sess_state_save(s);
	}
	const char *status = st->status ? st->status : "";
	if (strcmp(s->stack_status, status) != 0) {
		snprintf(s->stack_status, sizeof s->stack_status, "%s", status);
		snprintf(s->stack_reason, sizeof s->stack_reason, "%s", st->status_reason ? st->status_reason : "");
		p->changed_this_poll = 1;
		sess_recount(s);
		sess_notify(s, SESS_CH_PHASE | SESS_CH_RESOURCES);
	}
	if (!sess_status_terminal(status)) {
		p->poll_ms = p->changed_this_poll ? POLL_FAST_MS : p->poll_ms * 3 / 2;
		if (p->poll_ms > POLL_SLOW_MS) p->poll_ms = POLL_SLOW_MS;
		schedule(s, p->poll_ms);
		return;
	}
	/* read the last events before deciding, so the log and the root cause are complete */
	if (!p->final_pass) {
		p->final_pass = 1;
		schedule(s, 0);
		return;
	}
	p->final_pass = 0;
	sess_watch_stop(s);
	if (deleting) {
		sess_teardown_next(s);
		return;
	}
	if (strcmp(status, "CREATE_COMPLETE") == 0 || strcmp(status, "UPDATE_COMPLETE") == 0) {
		finish_create(s, st);
		return;
	}
	if (!s->root_cause[0])
		snprintf(s->root_cause, sizeof s->root_cause, "%s%s%s", status,
		         st->status_reason ? ": " : "", st->status_reason ? st->status_reason : "");
	if (strcmp(status, "DELETE_FAILED") == 0) {
		p->op = OP_NONE;
		sess_set_phase(s, SESS_DELETE_FAILED);
		return;
	}
	if (strcmp(status, "DELETE_COMPLETE") == 0 && s->phase != SESS_CREATING) {
		p->op = OP_NONE;
		sess_set_phase(s, SESS_DELETED);
		return;
	}
	p->op = OP_NONE;
	sess_set_phase(s, SESS_FAILED);
}

void sess_watch_start(session_t *s, time_t since)
{
	struct session_priv *p = SP(s);
	p->watching = 1;
	p->found_start = 0;
	p->op_since = since;
	p->poll_ms = POLL_FAST_MS;
	if (!s->started_ms) s->started_ms = loop_now_ms();
	schedule(s, 0);
}

void sess_watch_stop(session_t *s)
{
	struct session_priv *p = SP(s);
	p->watching = 0;
	if (p->watch_timer) loop_timer_cancel(p->loop, p->watch_timer);
	p->watch_timer = 0;
}
