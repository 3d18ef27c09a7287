/* Teardown: empty the scripts bucket (CloudFormation cannot delete a bucket with
 * objects), DeleteStack, watch to DELETE_COMPLETE, then check nothing is left: the
 * bucket, the instances, and the SSM output log streams of the stack's instances in
 * /aws/ssm/nixl-tui (deleted; the group too when no other stack has streams there, else
 * it gets a retention so it does not stay forever). A DELETE_FAILED names the resource
 * and why; running teardown again resumes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sbuf.h"
#include "aws/cfn.h"
#include "aws/ec2.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "core/session_priv.h"
#include "efa/exec_ssm.h"

/* The retention given to the shared SSM output group when other stacks still use it
 * (PutRetentionPolicy takes 1, 3, 5, 7, 14, 30, ... days: CloudWatch Logs API Reference). */
enum { LOG_RETENTION_DAYS = 30 };

typedef enum { T_FIND, T_RESOURCES, T_EMPTY, T_DELETE, T_WATCH, T_VERIFY_BUCKET, T_VERIFY_NODES, T_VERIFY_LOGS,
               T_VERIFY_STAGING, T_DONE } tstep_t;

static const char *nz(const char *s) { return s ? s : ""; }

static void on_found(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	const cfn_stack_t *st;
	session_t *s = sess_stack_reply(ud, err, res, SESS_DELETE_FAILED, &st);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (sess_stack_gone(st)) {
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
	sess_state_save(s); /* the stack's id recorded before anything else is said */
	sess_step_end(s, STEP_OK, "%s (%s)", s->stack_name, nz(st->status));
	sess_teardown_next(s);
}

static void on_resources(void *ud, const aws_error_t *err, cfn_resources_t *res)
{
	session_t *s = sess_back(ud, CH_OP);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (!err) {
		for (size_t i = 0; i < res->n; i++) {
			const cfn_resource_t *r = &res->resources[i];
			sess_resource_t *sr = sess_resource(s, nz(r->logical_id), r->resource_type);
			if (!sr) continue;
			snprintf(sr->physical_id, sizeof sr->physical_id, "%s", nz(r->physical_id));
			snprintf(sr->status, sizeof sr->status, "%s", nz(r->status));
			sr->state = sess_res_state(sr->status);
			if (!p->bucket[0] && strcmp(nz(r->logical_id), "ScriptsBucket") == 0 && r->physical_id)
				snprintf(p->bucket, sizeof p->bucket, "%s", r->physical_id);
		}
		s->total_resources = s->nresources;
		sess_recount(s); /* what AWS says now: nothing is deleted yet */
		sess_notify(s, SESS_CH_RESOURCES);
	}
	sess_teardown_next(s);
}

static void list_next(session_t *s, const char *token);

static void on_deleted_objects(void *ud, const aws_error_t *err, s3_delete_result_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_DELETE_FAILED, "Emptying the scripts bucket");
	if (!s) return;
	if (res->nerrors) {
		sess_fail(s, SESS_DELETE_FAILED, "Emptying the scripts bucket: %s could not be deleted: %s",
		          nz(res->errors[0].key), nz(res->errors[0].message));
		return;
	}
	list_next(s, NULL); /* list again from the start until it is empty */
}

static void on_listed(void *ud, const aws_error_t *err, s3_list_result_t *res)
{
	int gone = err && strcmp(err->code, "NoSuchBucket") == 0;
	session_t *s = sess_reply(ud, CH_OP, gone ? NULL : err, SESS_DELETE_FAILED, "Emptying the scripts bucket");
	if (!s) return;
	struct session_priv *p = SP(s);
	if (gone || !res->n) {
		if (gone) sess_step_end(s, STEP_OK, "%s is already gone", p->bucket);
		else sess_step_end(s, STEP_OK, "%s is empty (%zu object(s) deleted)", p->bucket, p->ndeleted);
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
	session_t *s = sess_reply(ud, CH_OP, err, SESS_DELETE_FAILED, "DeleteStack");
	if (!s) return;
	sess_step_end(s, STEP_OK, "requested");
	sess_teardown_next(s);
}

static void on_bucket_check(void *ud, const aws_error_t *err, s3_list_result_t *res)
{
	(void)res;
	session_t *s = sess_back(ud, CH_OP);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err && strcmp(err->code, "NoSuchBucket") == 0) sess_step_end(s, STEP_OK, "bucket %s is gone", p->bucket);
	else if (err) sess_step_end(s, STEP_WARN, "could not check bucket %s: %s", p->bucket, err->message);
	else sess_step_end(s, STEP_WARN, "bucket %s is still there", p->bucket);
	sess_teardown_next(s);
}

static void on_nodes_check(void *ud, const aws_error_t *err, ec2_instances_t *res)
{
	session_t *s = sess_back(ud, CH_OP);
	if (!s) return;
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

/* ---- the SSM output log streams of this stack's instances ---- */

/* SSM names a command's streams CommandID/InstanceID/PluginID/stdout|stderr (Systems
 * Manager User Guide, "Configuring Amazon CloudWatch Logs for Run Command"). */
static int stream_of_stack(const session_t *s, const char *stream)
{
	const char *id = strchr(stream, '/');
	if (!id++) return 0;
	size_t len = strcspn(id, "/");
	for (size_t i = 0; i < s->nresources; i++) {
		const char *pid = s->resources[i].physical_id;
		if (strcmp(s->resources[i].type, "AWS::EC2::Instance") == 0 && pid[0] && strlen(pid) == len &&
		    strncmp(pid, id, len) == 0)
			return 1;
	}
	return 0;
}

static void list_streams(session_t *s, const char *token);

static void on_log_group_done(void *ud, const aws_error_t *err)
{
	session_t *s = sess_back(ud, CH_OP);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err && strcmp(err->code, "ResourceNotFoundException") != 0)
		sess_step_end(s, STEP_WARN, "deleted %zu log stream(s) of this stack; log group %s: %s", p->log_deleted,
		              EXEC_SSM_LOG_GROUP, err->message);
	else if (p->log_others)
		sess_step_end(s, STEP_OK, "deleted %zu log stream(s) of this stack; log group %s kept for %zu stream(s) "
		              "of other stacks, with a %d-day retention", p->log_deleted, EXEC_SSM_LOG_GROUP, p->log_others,
		              LOG_RETENTION_DAYS);
	else
		sess_step_end(s, STEP_OK, "deleted %zu log stream(s) of this stack and log group %s (nothing else used it)",
		              p->log_deleted, EXEC_SSM_LOG_GROUP);
	sess_teardown_next(s);
}

static void delete_next_stream(session_t *s);

static void on_stream_deleted(void *ud, const aws_error_t *err)
{
	session_t *s = sess_back(ud, CH_OP);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err && strcmp(err->code, "ResourceNotFoundException") != 0) {
		sess_step_end(s, STEP_WARN, "could not delete log stream %s in %s: %s", p->log_doomed[p->log_idoomed],
		              EXEC_SSM_LOG_GROUP, err->message);
		sess_teardown_next(s);
		return;
	}
	p->log_deleted += !err;
	p->log_idoomed++;
	delete_next_stream(s);
}

static void delete_next_stream(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->log_idoomed < p->log_ndoomed) {
		sess_track(s, CH_OP, logs_delete_log_stream(p->aws, EXEC_SSM_LOG_GROUP, p->log_doomed[p->log_idoomed],
		                                            on_stream_deleted, s));
		return;
	}
	/* list again from the start: tokens need not survive deletions */
	p->log_others = 0;
	list_streams(s, NULL);
}

static void on_streams(void *ud, const aws_error_t *err, logs_streams_t *res)
{
	session_t *s = sess_back(ud, CH_OP);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err && strcmp(err->code, "ResourceNotFoundException") == 0) {
		if (p->log_deleted)
			sess_step_end(s, STEP_OK, "deleted %zu log stream(s) of this stack", p->log_deleted);
		else
			sess_step_end(s, STEP_OK, "no SSM output log group %s", EXEC_SSM_LOG_GROUP);
		sess_teardown_next(s);
		return;
	}
	if (err) {
		sess_step_end(s, STEP_WARN, "could not list the log streams of %s: %s", EXEC_SSM_LOG_GROUP, err->message);
		sess_teardown_next(s);
		return;
	}
	p->log_ndoomed = p->log_idoomed = 0;
	for (size_t i = 0; i < res->n; i++) {
		const char *name = res->names[i];
		if (stream_of_stack(s, name) && strlen(name) < sizeof p->log_doomed[0] &&
		    p->log_ndoomed < sizeof p->log_doomed / sizeof p->log_doomed[0])
			snprintf(p->log_doomed[p->log_ndoomed++], sizeof p->log_doomed[0], "%s", name);
		else
			p->log_others++;
	}
	if (p->log_ndoomed) {
		snprintf(s->steps[s->nsteps - 1].detail, sizeof s->steps[0].detail, "%s: deleting %zu log stream(s)",
		         EXEC_SSM_LOG_GROUP, p->log_deleted + p->log_ndoomed);
		sess_notify(s, SESS_CH_STEPS);
		delete_next_stream(s);
	} else if (res->next_token) {
		/* DescribeLogStreams returns 50 streams a page at most */
		list_streams(s, res->next_token);
	} else if (p->log_others) {
		sess_track(s, CH_OP, logs_put_retention_policy(p->aws, EXEC_SSM_LOG_GROUP, LOG_RETENTION_DAYS,
		                                               on_log_group_done, s));
	} else {
		sess_track(s, CH_OP, logs_delete_log_group(p->aws, EXEC_SSM_LOG_GROUP, on_log_group_done, s));
	}
}

static void list_streams(session_t *s, const char *token)
{
	sess_track(s, CH_OP, logs_describe_log_streams(SP(s)->aws, EXEC_SSM_LOG_GROUP, token, on_streams, s));
}

static int stack_has_instances(const session_t *s)
{
	for (size_t i = 0; i < s->nresources; i++)
		if (strcmp(s->resources[i].type, "AWS::EC2::Instance") == 0 && s->resources[i].physical_id[0]) return 1;
	return 0;
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
		const char *ids[SESS_MAX_NODES];
		size_t n = 0;
		for (size_t i = 0; i < s->nresources && n < SESS_MAX_NODES; i++)
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
	case T_VERIFY_LOGS:
		if (!stack_has_instances(s)) {
			sess_teardown_next(s);
			return;
		}
		sess_step_begin(s, "Leftovers", "SSM output log streams in %s", EXEC_SSM_LOG_GROUP);
		p->log_deleted = p->log_others = 0;
		list_streams(s, NULL);
		return;
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
	/* CloudFormation deletes a stack while it is being created (DeleteStack on
	 * CREATE_IN_PROGRESS stops the creation): once CreateStack has answered, the deploy
	 * stops following it and the delete takes over. Before, there is nothing to delete. */
	int created = p->op == OP_DEPLOY && (s->stack_id[0] || s->stack_status[0]) &&
	              (s->phase == SESS_CREATING || s->phase == SESS_WAIT_AGENTS);
	if ((p->op == OP_DEPLOY && !created) || p->op == OP_TEARDOWN) {
		snprintf(s->root_cause, sizeof s->root_cause, "An operation is already running.");
		return -1;
	}
	if (p->op == OP_ATTACH || created) session_detach(s);
	sess_watch_stop(s);
	if (p->agents_timer) loop_timer_cancel(p->loop, p->agents_timer);
	p->agents_timer = 0;
	s->nsteps = 0;
	s->root_cause[0] = s->root_cause_resource[0] = 0;
	sess_clock_start(s, loop_now_ms());
	p->op = OP_TEARDOWN;
	p->step = T_FIND;
	sess_step_begin(s, "Find stack", "%s", s->stack_name);
	sess_set_phase(s, SESS_DELETING);
	sess_track(s, CH_OP, cfn_describe_stacks(p->aws, s->stack_name, on_found, s));
	return 0;
}
