/* Teardown: empty the scripts bucket (CloudFormation cannot delete a bucket with
 * objects), DeleteStack, watch to DELETE_COMPLETE, then check nothing is left. A
 * DELETE_FAILED names the resource and why; running teardown again resumes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sbuf.h"
#include "aws/cfn.h"
#include "aws/ec2.h"
#include "aws/s3.h"
#include "core/session_priv.h"

typedef enum { T_FIND, T_RESOURCES, T_EMPTY, T_DELETE, T_WATCH, T_VERIFY_BUCKET, T_VERIFY_NODES, T_VERIFY_STAGING, T_DONE } tstep_t;

static const char *nz(const char *s) { return s ? s : ""; }

static void on_found(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	if (sess_enter(s, CH_OP)) return;
	int missing = err && err->http_status == 400 && strstr(err->message, "does not exist");
	if (err && !missing) {
		sess_fail_err(s, SESS_DELETE_FAILED, "Looking for the stack", err);
		return;
	}
	const cfn_stack_t *st = !missing && res->n ? &res->stacks[0] : NULL;
	if (!st || strcmp(nz(st->status), "DELETE_COMPLETE") == 0) {
		sess_step_end(s, STEP_OK, "%s does not exist: nothing to delete", s->stack_name);
		p->op = OP_NONE;
		p->step = T_DONE;
		sess_set_phase(s, SESS_DELETED);
		return;
	}
	snprintf(s->stack_id, sizeof s->stack_id, "%s", nz(st->stack_id));
	snprintf(s->stack_status, sizeof s->stack_status, "%s", nz(st->status));
	const char *b = cfn_stack_output(st, "ScriptsBucketName");
	if (b) snprintf(p->bucket, sizeof p->bucket, "%s", b);
	sess_step_end(s, STEP_OK, "%s (%s)", s->stack_name, nz(st->status));
	sess_state_save(s);
	sess_teardown_next(s);
}

static void on_resources(void *ud, const aws_error_t *err, cfn_resources_t *res)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	if (sess_enter(s, CH_OP)) return;
	if (!err) {
		for (size_t i = 0; i < res->n; i++) {
			const cfn_resource_t *r = &res->resources[i];
			sess_resource_t *sr = sess_resource(s, nz(r->logical_id), r->resource_type);
			if (!sr) continue;
			snprintf(sr->physical_id, sizeof sr->physical_id, "%s", nz(r->physical_id));
			snprintf(sr->status, sizeof sr->status, "%s", nz(r->status));
			if (!p->bucket[0] && strcmp(nz(r->logical_id), "ScriptsBucket") == 0 && r->physical_id)
				snprintf(p->bucket, sizeof p->bucket, "%s", r->physical_id);
		}
		s->total_resources = s->nresources;
		sess_notify(s, SESS_CH_RESOURCES);
	}
	sess_teardown_next(s);
}

static void list_next(session_t *s, const char *token);

static void on_deleted_objects(void *ud, const aws_error_t *err, s3_delete_result_t *res)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	if (sess_enter(s, CH_OP)) return;
	if (err || res->nerrors) {
		if (err) sess_fail_err(s, SESS_DELETE_FAILED, "Emptying the scripts bucket", err);
		else sess_fail(s, SESS_DELETE_FAILED, "Emptying the scripts bucket: %s could not be deleted: %s",
		               nz(res->errors[0].key), nz(res->errors[0].message));
		return;
	}
	(void)p;
	list_next(s, NULL); /* list again from the start until it is empty */
}

static void on_listed(void *ud, const aws_error_t *err, s3_list_result_t *res)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	if (sess_enter(s, CH_OP)) return;
	if (err && strcmp(err->code, "NoSuchBucket") == 0) {
		sess_step_end(s, STEP_OK, "%s is already gone", p->bucket);
		sess_teardown_next(s);
		return;
	}
	if (err) {
		sess_fail_err(s, SESS_DELETE_FAILED, "Emptying the scripts bucket", err);
		return;
	}
	if (!res->n) {
		sess_step_end(s, STEP_OK, "%s is empty (%zu object(s) deleted)", p->bucket, p->ndeleted);
		sess_teardown_next(s);
		return;
	}
	const char *keys[1000];
	size_t n = res->n < 1000 ? res->n : 1000;
	for (size_t i = 0; i < n; i++) keys[i] = res->objects[i].key;
	p->ndeleted += n;
	snprintf(s->steps[s->nsteps - 1].detail, sizeof s->steps[0].detail, "%s: deleting %zu object(s)",
	         p->bucket, p->ndeleted);
	sess_notify(s, SESS_CH_STEPS);
	sess_track(s, CH_OP, s3_delete_objects(p->aws, p->bucket, keys, n, 1, on_deleted_objects, s));
}

static void list_next(session_t *s, const char *token)
{
	struct session_priv *p = SP(s);
	s3_list_req_t req = { .bucket = p->bucket, .continuation_token = token, .max_keys = 1000 };
	sess_track(s, CH_OP, s3_list_objects_v2(p->aws, &req, on_listed, s));
}

static void on_delete_sent(void *ud, const aws_error_t *err)
{
	session_t *s = ud;
	if (sess_enter(s, CH_OP)) return;
	if (err) {
		sess_fail_err(s, SESS_DELETE_FAILED, "DeleteStack", err);
		return;
	}
	sess_step_end(s, STEP_OK, "requested");
	sess_teardown_next(s);
}

static void on_bucket_check(void *ud, const aws_error_t *err, s3_list_result_t *res)
{
	session_t *s = ud;
	struct session_priv *p = SP(s);
	(void)res;
	if (sess_enter(s, CH_OP)) return;
	if (err && strcmp(err->code, "NoSuchBucket") == 0) sess_step_end(s, STEP_OK, "bucket %s is gone", p->bucket);
	else if (err) sess_step_end(s, STEP_WARN, "could not check bucket %s: %s", p->bucket, err->message);
	else sess_step_end(s, STEP_WARN, "bucket %s is still there", p->bucket);
	sess_teardown_next(s);
}

static void on_nodes_check(void *ud, const aws_error_t *err, ec2_instances_t *res)
{
	session_t *s = ud;
	if (sess_enter(s, CH_OP)) return;
	size_t left = 0;
	char list[256];
	sbuf_t b;
	sbuf_init(&b, list, sizeof list);
	for (size_t i = 0; !err && i < res->n; i++) {
		const char *st = nz(res->instances[i].state);
		if (strcmp(st, "terminated") == 0 || strcmp(st, "shutting-down") == 0) continue;
		left++;
		sbuf_addf(&b, "%s%s (%s)", b.len ? ", " : "", nz(res->instances[i].instance_id), st);
	}
	if (err && strstr(err->code, "NotFound")) sess_step_end(s, STEP_OK, "the instances are gone");
	else if (err) sess_step_end(s, STEP_WARN, "could not check the instances: %s", err->message);
	else if (left) sess_step_end(s, STEP_WARN, "still running: %s", list);
	else sess_step_end(s, STEP_OK, "every instance is terminated");
	sess_teardown_next(s);
}

void sess_teardown_next(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->op == OP_ATTACH) {
		/* attached to a delete that was already running: report how it ended */
		p->op = OP_NONE;
		sess_set_phase(s, strcmp(s->stack_status, "DELETE_FAILED") == 0 ? SESS_DELETE_FAILED : SESS_DELETED);
		return;
	}
	p->step++;
	switch ((tstep_t)p->step) {
	case T_FIND:
		break;
	case T_RESOURCES:
		sess_step_begin(s, "Resources", "listing");
		sess_track(s, CH_OP, cfn_describe_stack_resources(p->aws, s->stack_id, on_resources, s));
		return;
	case T_EMPTY:
		if (!p->bucket[0]) {
			sess_step_end(s, STEP_OK, "%zu resources; no scripts bucket", s->nresources);
			sess_teardown_next(s);
			return;
		}
		sess_step_end(s, STEP_OK, "%zu resources", s->nresources);
		sess_step_begin(s, "Empty bucket", "%s", p->bucket);
		p->ndeleted = 0;
		list_next(s, NULL);
		return;
	case T_DELETE:
		sess_step_begin(s, "Delete stack", "%s", s->stack_name);
		snprintf(p->client_token, sizeof p->client_token, "nixl-tui-delete-%lld", (long long)time(NULL));
		sess_set_phase(s, SESS_DELETING);
		sess_track(s, CH_OP, cfn_delete_stack(p->aws, s->stack_id, p->client_token, on_delete_sent, s));
		return;
	case T_WATCH:
		sess_watch_start(s, time(NULL) - 120);
		return;
	case T_VERIFY_BUCKET:
		if (strcmp(s->stack_status, "DELETE_COMPLETE") != 0) {
			p->op = OP_NONE;
			p->step = T_DONE;
			if (!s->root_cause[0]) snprintf(s->root_cause, sizeof s->root_cause, "%s", s->stack_status);
			sess_set_phase(s, SESS_DELETE_FAILED);
			return;
		}
		if (!p->bucket[0]) {
			sess_teardown_next(s);
			return;
		}
		sess_step_begin(s, "Leftovers", "checking bucket %s", p->bucket);
		{
			s3_list_req_t req = { .bucket = p->bucket, .max_keys = 1 };
			sess_track(s, CH_OP, s3_list_objects_v2(p->aws, &req, on_bucket_check, s));
		}
		return;
	case T_VERIFY_NODES: {
		const char *ids[16];
		size_t n = 0;
		for (size_t i = 0; i < s->nresources && n < 16; i++)
			if (strcmp(s->resources[i].type, "AWS::EC2::Instance") == 0 && s->resources[i].physical_id[0])
				ids[n++] = s->resources[i].physical_id;
		if (!n) {
			sess_teardown_next(s);
			return;
		}
		sess_step_begin(s, "Leftovers", "checking %zu instance(s)", n);
		ec2_describe_req_t dr = { .ids = ids, .nids = n };
		sess_track(s, CH_OP, ec2_describe_instances(p->aws, &dr, on_nodes_check, s));
		return;
	}
	case T_VERIFY_STAGING:
		sess_stage_leftovers(s, sess_teardown_next);
		return;
	case T_DONE:
		p->op = OP_NONE;
		sess_set_phase(s, SESS_DELETED);
		return;
	}
}

int session_teardown(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->op == OP_DEPLOY || p->op == OP_TEARDOWN) {
		snprintf(s->root_cause, sizeof s->root_cause, "An operation is already running.");
		return -1;
	}
	if (p->op == OP_ATTACH) session_detach(s);
	sess_watch_stop(s);
	if (p->agents_timer) loop_timer_cancel(p->loop, p->agents_timer);
	p->agents_timer = 0;
	s->nsteps = 0;
	s->root_cause[0] = s->root_cause_resource[0] = 0;
	s->started_ms = loop_now_ms();
	s->finished_ms = 0;
	p->op = OP_TEARDOWN;
	p->step = T_FIND;
	sess_step_begin(s, "Find stack", "%s", s->stack_name);
	sess_set_phase(s, SESS_DELETING);
	sess_track(s, CH_OP, cfn_describe_stacks(p->aws, s->stack_name, on_found, s));
	return 0;
}
