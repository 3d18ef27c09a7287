#include "aws/creds_fetch.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "aws/sigv4.h"
#include "aws/sts.h"

typedef enum { STEP_ASSUME, STEP_IMDS_TOKEN, STEP_IMDS_ROLE, STEP_IMDS_CREDS } step_t;

typedef struct fetch {
	loop_t *loop;
	http_engine_t *http;
	step_t step;
	char *base;          /* scheme://host[:port] */
	char *host;
	char *token;         /* IMDSv2 session token */
	char *ca_bundle;
	aws_creds_cb cb;
	void *ud;
	char source[400];
	char profile[128];
} fetch_t;

static time_t parse_expiration(const char *s)
{
	time_t t;
	return s && aws_creds_parse_time(s, &t) == 0 ? t : 0;
}

int aws_creds_parse_assume_role(const char *xml, size_t len, aws_creds_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	sts_credentials_t sc;
	if (sts_parse_assume_role(xml, len, &sc, err) < 0) return -1;
	out->access_key_id = sc.access_key_id;
	out->secret_access_key = sc.secret_access_key;
	out->session_token = sc.session_token;
	out->expiration = sc.expiration;
	sc.access_key_id = sc.secret_access_key = sc.session_token = NULL; /* moved */
	sts_credentials_free(&sc);
	if (!out->access_key_id || !out->secret_access_key) {
		aws_creds_free(out);
		aws_error_set(err, AWS_ERR_PARSE, "InvalidReply", "STS AssumeRole replied without credentials");
		return -1;
	}
	return 0;
}

int aws_creds_parse_imds(const char *json, size_t len, aws_creds_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = cJSON_ParseWithLength(json, len);
	const char *ak = cJSON_GetStringValue(cJSON_GetObjectItem(j, "AccessKeyId"));
	const char *sk = cJSON_GetStringValue(cJSON_GetObjectItem(j, "SecretAccessKey"));
	const char *tok = cJSON_GetStringValue(cJSON_GetObjectItem(j, "Token"));
	const char *exp = cJSON_GetStringValue(cJSON_GetObjectItem(j, "Expiration"));
	if (!ak || !sk) {
		cJSON_Delete(j);
		aws_error_set(err, AWS_ERR_PARSE, "InvalidReply", "instance metadata replied without credentials");
		return -1;
	}
	out->access_key_id = strdup(ak);
	out->secret_access_key = strdup(sk);
	out->session_token = tok ? strdup(tok) : NULL;
	out->expiration = parse_expiration(exp);
	cJSON_Delete(j);
	return 0;
}

static void fetch_free(fetch_t *f)
{
	free(f->base); free(f->host); free(f->token); free(f->ca_bundle);
	free(f);
}

static void fetch_fail(fetch_t *f, const aws_error_t *e)
{
	f->cb(f->ud, e, NULL);
	fetch_free(f);
}

static void on_reply(void *ud, const http_result_t *res);

static void send_step(fetch_t *f, const char *method, const char *path, const char *body,
                      const aws_creds_t *sign_with, const char *region)
{
	aws_request_t r;
	aws_request_init(&r, method, f->host, path, NULL);
	aws_request_set_header(&r, "Host", f->host);
	if (f->step == STEP_IMDS_TOKEN) aws_request_add_header(&r, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
	else if (f->token) aws_request_add_header(&r, "X-aws-ec2-metadata-token", f->token);
	if (body) {
		aws_request_add_header(&r, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
		aws_request_set_body(&r, body, strlen(body));
	}
	if (sign_with) sigv4_sign(&r, sign_with, region, "sts", time(NULL), 0);
	/* IMDS answers at once on an instance; elsewhere do not hang the first call */
	http_opts_t o = { .ca_bundle = f->ca_bundle,
	                  .connect_timeout_ms = f->step == STEP_ASSUME ? 0 : 1000,
	                  .timeout_ms = f->step == STEP_ASSUME ? 0 : 3000 };
	if (!http_send(f->http, f->base, &r, &o, on_reply, f)) {
		aws_error_t e = {0};
		aws_error_set(&e, AWS_ERR_CREDENTIALS, "OutOfMemory", "could not start the credentials request");
		aws_request_free(&r);
		fetch_fail(f, &e);
		return;
	}
	aws_request_free(&r);
}

static void on_reply(void *ud, const http_result_t *res)
{
	fetch_t *f = ud;
	aws_error_t e = {0};
	if (res->curl_code || res->status != 200) {
		if (f->step == STEP_ASSUME && res->status) {
			e.http_status = res->status;
			aws_error_parse(&e, res->body, res->body_len, NULL, NULL);
			char msg[sizeof e.message];
			snprintf(msg, sizeof msg, "%s", e.message);
			aws_error_set(&e, AWS_ERR_CREDENTIALS, e.code, "%s: AssumeRole failed: %s", f->source, msg);
		} else if (f->step == STEP_ASSUME) {
			aws_error_set(&e, AWS_ERR_CREDENTIALS, "ConnectionError", "%s: could not reach STS: %s",
			              f->source, res->error ? res->error : "no reply");
		} else {
			char why[300];
			if (res->curl_code) snprintf(why, sizeof why, "%s", res->error);
			else snprintf(why, sizeof why, "HTTP %ld: no instance role", res->status);
			aws_creds_imds_failed(f->profile[0] ? f->profile : NULL, f->base, why, &e);
		}
		fetch_fail(f, &e);
		return;
	}
	aws_creds_t creds;
	char path[512];
	switch (f->step) {
	case STEP_ASSUME:
	case STEP_IMDS_CREDS:
		if ((f->step == STEP_ASSUME ? aws_creds_parse_assume_role : aws_creds_parse_imds)(
		            res->body, res->body_len, &creds, &e) < 0) {
			fetch_fail(f, &e);
			return;
		}
		snprintf(creds.source, sizeof creds.source, "%.127s", f->source);
		f->cb(f->ud, NULL, &creds);
		aws_creds_free(&creds);
		fetch_free(f);
		return;
	case STEP_IMDS_TOKEN:
		f->token = strndup(res->body, strcspn(res->body, "\r\n"));
		f->step = STEP_IMDS_ROLE;
		send_step(f, "GET", "/latest/meta-data/iam/security-credentials/", NULL, NULL, NULL);
		return;
	case STEP_IMDS_ROLE:
		snprintf(path, sizeof path, "/latest/meta-data/iam/security-credentials/%.*s",
		         (int)strcspn(res->body, "\r\n"), res->body);
		f->step = STEP_IMDS_CREDS;
		send_step(f, "GET", path, NULL, NULL, NULL);
		return;
	}
}

void aws_creds_fetch(loop_t *loop, http_engine_t *http, const aws_creds_plan_t *plan,
                     const char *profile_flag, const char *ca_bundle, const char *sts_endpoint,
                     const char *region, aws_creds_cb cb, void *ud)
{
	fetch_t *f = calloc(1, sizeof *f);
	f->loop = loop;
	f->http = http;
	f->cb = cb;
	f->ud = ud;
	f->ca_bundle = ca_bundle ? strdup(ca_bundle) : NULL;
	snprintf(f->profile, sizeof f->profile, "%s", profile_flag ? profile_flag : "");
	const char *url = plan->kind == AWS_CREDS_ASSUME_ROLE ? sts_endpoint : plan->imds_endpoint;
	if (!url) url = "";
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	size_t hl = strcspn(h, "/?");
	f->base = strndup(url, (size_t)(h - url) + hl);
	f->host = strndup(h, hl);
	if (plan->kind == AWS_CREDS_ASSUME_ROLE) {
		snprintf(f->source, sizeof f->source, "assume role %.256s (profile %.100s)", plan->role_arn, plan->profile);
		f->step = STEP_ASSUME;
		char *arn = aws_uri_encode(plan->role_arn, strlen(plan->role_arn), 0);
		const char *sn = plan->role_session_name ? plan->role_session_name : "nixl-tui";
		char *name = aws_uri_encode(sn, strlen(sn), 0);
		char *ext = plan->external_id ? aws_uri_encode(plan->external_id, strlen(plan->external_id), 0) : NULL;
		/* role ARNs reach 2,048 characters and external ids 1,224 before encoding */
		char body[16384];
		sbuf_t b;
		sbuf_init(&b, body, sizeof body);
		sbuf_addf(&b, "Action=AssumeRole&Version=2011-06-15&RoleArn=%s&RoleSessionName=%s", arn, name);
		if (ext) sbuf_addf(&b, "&ExternalId=%s", ext);
		if (plan->duration_seconds > 0) sbuf_addf(&b, "&DurationSeconds=%d", plan->duration_seconds);
		free(arn); free(name); free(ext);
		if (b.truncated) {
			aws_error_t e = {0};
			aws_error_set(&e, AWS_ERR_CREDENTIALS, "InvalidParameter",
			              "the profile's role_arn, role_session_name or external_id is too long for AssumeRole");
			fetch_fail(f, &e);
			return;
		}
		send_step(f, "POST", "/", body, &plan->creds,
		          plan->sts_region ? plan->sts_region : region);
	} else {
		snprintf(f->source, sizeof f->source, "instance metadata");
		f->step = STEP_IMDS_TOKEN;
		send_step(f, "PUT", "/latest/api/token", NULL, NULL, NULL);
	}
}
