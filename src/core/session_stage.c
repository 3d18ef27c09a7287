/* A template over CreateStack's 51,200-byte inline limit goes by TemplateURL: an S3
 * object CloudFormation reads while CreateStack runs (it answers template errors in
 * CreateStack's own reply), so the object is deleted as soon as CreateStack returned.
 * The stack's scripts bucket cannot hold it (the stack creates that bucket), so the
 * object goes to a staging bucket named for the account and region, as the CDK
 * bootstrap's assets bucket and the console's cf-templates-* bucket are; the bucket is
 * created for the deploy and deleted with the object (new buckets have S3 Block Public
 * Access on and SSE-S3 encryption by default: "Blocking public access to your Amazon S3
 * storage" and "Setting default server-side encryption behavior for Amazon S3 buckets",
 * Amazon S3 User Guide), so nothing stays to pay for. A concurrent deploy in the same
 * account and region shares the bucket: "already owned by you" is success, and a
 * DeleteBucket refused because its object is still there is left to that deploy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/s3.h"
#include "stack/template.h"
#include "core/session_priv.h"

static void stage_fail(session_t *s, const char *what, const aws_error_t *err)
{
	char buf[1200], bucket[96];
	aws_error_sentence(err, buf, sizeof buf);
	snprintf(bucket, sizeof bucket, "nixl-tui-staging-%s-%s", s->account, s->region);
	sess_fail(s, SESS_FAILED, "%s s3://%s failed (%s); check that you may create S3 buckets "
	          "(s3:CreateBucket, s3:PutObject, s3:DeleteObject, s3:DeleteBucket) and deploy again.",
	          what, bucket, buf);
}

static void stage_done(session_t *s);

/* The bucket was made but the object not: delete the bucket, then say why. */
static void put_failed(session_t *s)
{
	stage_fail(s, "Uploading the template to", &SP(s)->create_err);
}

static void on_put(void *ud, const aws_error_t *err, s3_put_result_t *res)
{
	(void)res;
	session_t *s = sess_back(ud, CH_STAGE);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err) {
		p->create_err = *err;
		p->stage_key[0] = 0;
		sess_stage_cleanup(s, put_failed);
		return;
	}
	char *url = s3_object_url(p->stage_bucket, s->region, p->stage_key);
	if (!url) {
		sess_fail(s, SESS_FAILED, "Out of memory building the template's URL.");
		return;
	}
	sess_step_end(s, STEP_OK, "%zu bytes in s3://%s/%s", strlen(p->template_body), p->stage_bucket,
	              p->stage_key);
	p->stage_create(s, url);
	free(url);
}

static void on_bucket(void *ud, const aws_error_t *err)
{
	session_t *s = sess_back(ud, CH_STAGE);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err && strcmp(err->code, "BucketAlreadyOwnedByYou") != 0) {
		p->stage_bucket[0] = p->stage_key[0] = 0; /* nothing to clean */
		stage_fail(s, "Creating the staging bucket", err);
		return;
	}
	const char *body = p->template_body;
	aws_call_t *c = s3_put_object(p->aws, p->stage_bucket, p->stage_key, body, strlen(body), on_put, s);
	if (!c) sess_fail(s, SESS_FAILED, "The template upload could not be started.");
	sess_track(s, CH_STAGE, c);
}

void sess_stage_template(session_t *s, void (*create)(session_t *s, const char *url))
{
	struct session_priv *p = SP(s);
	p->stage_create = create;
	snprintf(p->stage_bucket, sizeof p->stage_bucket, "nixl-tui-staging-%s-%s", s->account, s->region);
	snprintf(p->stage_key, sizeof p->stage_key, "%s/%s.json", s->stack_name, p->client_token);
	sess_step_begin(s, "Stage template", "%zu bytes, over CreateStack's %d inline: uploading to S3",
	                strlen(p->template_body), TEMPLATE_BODY_MAX);
	sess_state_save(s); /* the object's name first: a killed run leaves it findable */
	aws_call_t *c = s3_create_bucket(p->aws, p->stage_bucket, s->region, on_bucket, s);
	if (!c) sess_fail(s, SESS_FAILED, "The staging bucket could not be created.");
	sess_track(s, CH_STAGE, c);
}

/* ---- cleanup ---- */

static void stage_done(session_t *s)
{
	struct session_priv *p = SP(s);
	void (*next)(session_t *) = p->stage_then;
	p->stage_then = NULL;
	if (next) next(s);
}

static void on_bucket_deleted(void *ud, const aws_error_t *err)
{
	session_t *s = sess_back(ud, CH_STAGE);
	if (!s) return;
	struct session_priv *p = SP(s);
	/* BucketNotEmpty: another deploy's template is there; that deploy deletes it */
	if (err && strcmp(err->code, "BucketNotEmpty") != 0 && strcmp(err->code, "NoSuchBucket") != 0) {
		char buf[600];
		sess_flash(s, "deleting the staging bucket s3://%s failed: %s; delete it with "
		           "`aws s3 rb s3://%s`", p->stage_bucket, aws_error_sentence(err, buf, sizeof buf),
		           p->stage_bucket);
	}
	p->stage_bucket[0] = 0;
	sess_state_save(s);
	stage_done(s);
}

static void delete_bucket(session_t *s)
{
	struct session_priv *p = SP(s);
	aws_call_t *c = s3_delete_bucket(p->aws, p->stage_bucket, on_bucket_deleted, s);
	sess_track(s, CH_STAGE, c);
	if (!c) stage_done(s);
}

/* DeleteObjects on the staged template(s) answered: the bucket goes next, or what is left
 * is said, with how to delete it (the destroy's leftovers in its step's line, a deploy's
 * cleanup in a flash). */
static void objects_deleted(void *ud, const aws_error_t *err, const s3_delete_result_t *res, int leftovers)
{
	session_t *s = sess_back(ud, CH_STAGE);
	if (!s) return;
	struct session_priv *p = SP(s);
	int failed = err || (res && res->nerrors);
	char buf[600];
	const char *why = err ? aws_error_sentence(err, buf, sizeof buf) : failed ? res->errors[0].message : NULL;
	if (failed && leftovers) {
		sess_step_end(s, STEP_WARN, "staged templates under s3://%s/%s/ were not deleted (%s): "
		              "delete them with `aws s3 rm --recursive s3://%s/%s/`", p->stage_bucket,
		              s->stack_name, why, p->stage_bucket, s->stack_name);
		p->stage_bucket[0] = 0;
	} else if (failed) {
		sess_flash(s, "deleting the staged template s3://%s/%s failed: %s; delete it with "
		           "`aws s3 rm s3://%s/%s`", p->stage_bucket, p->stage_key, why, p->stage_bucket, p->stage_key);
	} else if (leftovers) {
		sess_step_end(s, STEP_OK, "staged template(s) deleted from s3://%s", p->stage_bucket);
	}
	if (failed) {
		stage_done(s);
		return;
	}
	p->stage_key[0] = 0;
	delete_bucket(s);
}

static void on_object_deleted(void *ud, const aws_error_t *err, s3_delete_result_t *res)
{
	objects_deleted(ud, err, res, 0);
}

static void on_leftovers_deleted(void *ud, const aws_error_t *err, s3_delete_result_t *res)
{
	objects_deleted(ud, err, res, 1);
}

void sess_stage_cleanup(session_t *s, void (*next)(session_t *s))
{
	struct session_priv *p = SP(s);
	p->stage_then = next;
	if (!p->stage_bucket[0]) {
		stage_done(s);
		return;
	}
	if (!p->stage_key[0]) {
		delete_bucket(s);
		return;
	}
	const char *keys[] = { p->stage_key };
	aws_call_t *c = s3_delete_objects(p->aws, p->stage_bucket, keys, 1, 1, on_object_deleted, s);
	sess_track(s, CH_STAGE, c);
	if (!c) stage_done(s);
}

/* ---- leftovers (destroy): a run killed between PutObject and the cleanup ---- */

static void on_leftovers_listed(void *ud, const aws_error_t *err, s3_list_result_t *res)
{
	session_t *s = sess_back(ud, CH_STAGE);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (!err && !res->n) {
		delete_bucket(s); /* a run killed before its upload left the bucket empty */
		return;
	}
	if (err) {
		/* NoSuchBucket is the usual answer: nothing was left */
		if (strcmp(err->code, "NoSuchBucket") != 0) {
			char buf[600];
			sess_flash(s, "could not look for staged templates in s3://%s: %s", p->stage_bucket,
			           aws_error_sentence(err, buf, sizeof buf));
		}
		p->stage_bucket[0] = 0;
		stage_done(s);
		return;
	}
	sess_step_begin(s, "Leftovers", "%zu staged template(s) in s3://%s", res->n, p->stage_bucket);
	const char *keys[S3_DELETE_MAX];
	size_t n = 0;
	for (size_t i = 0; i < res->n && n < S3_DELETE_MAX; i++) keys[n++] = res->objects[i].key;
	aws_call_t *c = s3_delete_objects(p->aws, p->stage_bucket, keys, n, 1, on_leftovers_deleted, s);
	sess_track(s, CH_STAGE, c);
	if (!c) stage_done(s);
}

/* The account: the caller's when known, else the stack ARN's fifth field
 * (arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID). */
static int stack_account(const session_t *s, char *out, size_t n)
{
	if (s->account[0]) return snprintf(out, n, "%s", s->account) > 0 ? 0 : -1;
	const char *f = s->stack_id;
	for (int i = 0; i < 4 && f; i++) f = strchr(f, ':') ? strchr(f, ':') + 1 : NULL;
	const char *end = f ? strchr(f, ':') : NULL;
	if (!end || end == f || (size_t)(end - f) >= n) return -1;
	snprintf(out, n, "%.*s", (int)(end - f), f);
	return 0;
}

void sess_stage_leftovers(session_t *s, void (*next)(session_t *s))
{
	struct session_priv *p = SP(s);
	char account[32], prefix[300];
	p->stage_then = next;
	if (stack_account(s, account, sizeof account) != 0) {
		stage_done(s);
		return;
	}
	snprintf(p->stage_bucket, sizeof p->stage_bucket, "nixl-tui-staging-%s-%s", account, s->region);
	p->stage_key[0] = 0;
	snprintf(prefix, sizeof prefix, "%s/", s->stack_name);
	s3_list_req_t req = { .bucket = p->stage_bucket, .prefix = prefix };
	aws_call_t *c = s3_list_objects_v2(p->aws, &req, on_leftovers_listed, s);
	sess_track(s, CH_STAGE, c);
	if (!c) stage_done(s);
}
