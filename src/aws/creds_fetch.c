#include "aws/creds_fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "base/sbuf.h"
#include "aws/creds_priv.h"
#include "aws/sigv4.h"
#include "aws/sso.h"
#include "aws/sts_role.h"

/* botocore refreshes an SSO token within 15 minutes of its expiry (tokens.py,
 * SSOTokenProvider._REFRESH_WINDOW); a token that cannot be refreshed is used until it
 * expires. */
#define SSO_REFRESH_WINDOW_S (15 * 60)

typedef enum {
	STEP_ASSUME, STEP_IMDS_TOKEN, STEP_IMDS_ROLE, STEP_IMDS_CREDS,
	STEP_SSO_REFRESH, STEP_SSO_ROLE, STEP_WEB_IDENTITY,
} step_t;

/* The plan is the client's and outlives the fetch: the client frees it only after its
 * HTTP engine, which drops the fetch's transfer without calling back. */
typedef struct fetch {
	loop_t *loop;
	http_engine_t *http;
	const aws_creds_plan_t *plan;
	step_t step;
	size_t hop;          /* STEP_ASSUME: the hop being assumed */
	aws_creds_t cur;     /* the credentials so far, to sign the next hop with */
	aws_sso_token_t sso; /* SSO: the cached token */
	char *token;         /* IMDSv2 session token */
	char *ca_bundle, *sts_endpoint, *region;
	char base[512];      /* scheme://host[:port] of the step's endpoint */
	char host[300];
	aws_creds_cb cb;
	aws_creds_seen_cb seen;
	void *ud;
	char profile[128];
} fetch_t;

/* What each step's request is, for the client's count and --log. */
static const char *step_name(step_t s)
{
	switch (s) {
	case STEP_ASSUME: return "sts AssumeRole";
	case STEP_IMDS_TOKEN: return "imds PUT /latest/api/token";
	case STEP_IMDS_ROLE: return "imds GET role";
	case STEP_IMDS_CREDS: return "imds GET credentials";
	case STEP_SSO_REFRESH: return "sso-oidc CreateToken";
	case STEP_SSO_ROLE: return "sso GetRoleCredentials";
	case STEP_WEB_IDENTITY: return "sts AssumeRoleWithWebIdentity";
	}
	return "credentials";
}

static time_t parse_expiration(const char *s)
{
	time_t t;
	return s && aws_creds_parse_time(s, &t) == 0 ? t : 0;
}

static int parse_sts(int web, const char *xml, size_t len, aws_creds_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	sts_credentials_t sc;
	if ((web ? sts_parse_assume_role_with_web_identity : sts_parse_assume_role)(xml, len, &sc, err) < 0)
		return -1;
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

int aws_creds_parse_assume_role(const char *xml, size_t len, aws_creds_t *out, aws_error_t *err)
{
	return parse_sts(0, xml, len, out, err);
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
	aws_creds_free(&f->cur);
	aws_sso_token_free(&f->sso);
	free(f->token); free(f->ca_bundle); free(f->sts_endpoint); free(f->region);
	free(f);
}

static void fetch_fail(fetch_t *f, const aws_error_t *e)
{
	f->cb(f->ud, e, NULL);
	fetch_free(f);
}

static void fail(fetch_t *f, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(fetch_t *f, const char *code, const char *fmt, ...)
{
	aws_error_t e = {0};
	e.kind = AWS_ERR_CREDENTIALS;
	snprintf(e.code, sizeof e.code, "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof e.message, fmt, ap);
	va_end(ap);
	fetch_fail(f, &e);
}

static void on_reply(void *ud, const http_result_t *res);

static void set_endpoint(fetch_t *f, const char *url)
{
	if (!url) url = "";
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	size_t hl = strcspn(h, "/?");
	snprintf(f->base, sizeof f->base, "%.*s", (int)((size_t)(h - url) + hl), url);
	snprintf(f->host, sizeof f->host, "%.*s", (int)hl, h);
}

/* content_type NULL: a form body (Query protocol) when there is a body. */
static void send_step(fetch_t *f, const char *method, const char *path, const char *query,
                      const char *body, const char *content_type, const aws_creds_t *sign_with,
                      const char *region)
{
	aws_request_t r;
	aws_request_init(&r, method, f->host, path, query);
	aws_request_set_header(&r, "Host", f->host);
	if (f->step == STEP_IMDS_TOKEN) aws_request_add_header(&r, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
	else if (f->token) aws_request_add_header(&r, "X-aws-ec2-metadata-token", f->token);
	/* GetRoleCredentials is unsigned: the SSO access token is the authorization */
	if (f->step == STEP_SSO_ROLE) aws_request_add_header(&r, "x-amz-sso_bearer_token", f->sso.access_token);
	if (body) {
		aws_request_add_header(&r, "Content-Type", content_type ? content_type
		                       : "application/x-www-form-urlencoded; charset=utf-8");
		aws_request_set_body(&r, body, strlen(body));
	}
	if (sign_with) sigv4_sign(&r, sign_with, region, "sts", time(NULL), 0);
	int imds = f->step == STEP_IMDS_TOKEN || f->step == STEP_IMDS_ROLE || f->step == STEP_IMDS_CREDS;
	/* IMDS answers at once on an instance; elsewhere do not hang the first call */
	http_opts_t o = { .ca_bundle = f->ca_bundle,
	                  .connect_timeout_ms = imds ? 1000 : 0,
	                  .timeout_ms = imds ? 3000 : 0 };
	int sent = http_send(f->http, f->base, &r, &o, on_reply, f) != NULL;
	/* the request held the token or the signature: wipe its copy */
	for (size_t i = 0; i < r.nheaders; i++)
		if (r.headers[i].value) OPENSSL_cleanse(r.headers[i].value, strlen(r.headers[i].value));
	if (r.body) OPENSSL_cleanse(r.body, r.body_len);
	aws_request_free(&r);
	if (!sent) fail(f, "OutOfMemory", "could not start the credentials request");
}

static const char *hop_source(const fetch_t *f, char *buf, size_t n)
{
	snprintf(buf, n, "assume role %.160s (profile %.100s)", f->plan->hops[f->hop].role_arn,
	         f->plan->hops[f->hop].profile);
	return buf;
}

/* Hands over the credentials when the chain is done, or assumes its next role. */
static void next_hop(fetch_t *f)
{
	const aws_creds_plan_t *p = f->plan;
	if (f->hop >= p->nhops) {
		snprintf(f->cur.source, sizeof f->cur.source, "%.127s", p->source);
		f->cb(f->ud, NULL, &f->cur);
		fetch_free(f);
		return;
	}
	const aws_creds_hop_t *h = &p->hops[f->hop];
	f->step = STEP_ASSUME;
	set_endpoint(f, f->sts_endpoint);
	char *arn = aws_uri_encode(h->role_arn, strlen(h->role_arn), 0);
	const char *sn = h->role_session_name ? h->role_session_name : "nixl-tui";
	char *name = aws_uri_encode(sn, strlen(sn), 0);
	char *ext = h->external_id ? aws_uri_encode(h->external_id, strlen(h->external_id), 0) : NULL;
	char *serial = h->mfa_serial ? aws_uri_encode(h->mfa_serial, strlen(h->mfa_serial), 0) : NULL;
	char *code = h->token_code ? aws_uri_encode(h->token_code, strlen(h->token_code), 0) : NULL;
	/* role ARNs reach 2,048 characters and external ids 1,224 before encoding */
	char body[16384];
	sbuf_t b;
	sbuf_init(&b, body, sizeof body);
	sbuf_addf(&b, "Action=AssumeRole&Version=2011-06-15&RoleArn=%s&RoleSessionName=%s", arn, name);
	if (ext) sbuf_addf(&b, "&ExternalId=%s", ext);
	if (h->duration_seconds > 0) sbuf_addf(&b, "&DurationSeconds=%d", h->duration_seconds);
	if (serial && code) sbuf_addf(&b, "&SerialNumber=%s&TokenCode=%s", serial, code);
	free(arn); free(name); free(ext); free(serial);
	if (code) OPENSSL_cleanse(code, strlen(code));
	free(code);
	if (b.truncated) {
		OPENSSL_cleanse(body, sizeof body);
		fail(f, "InvalidParameter", "the role_arn, role_session_name or external_id of profile "
		     "\"%s\" is too long for AssumeRole", h->profile);
		return;
	}
	send_step(f, "POST", "/", NULL, body, NULL, &f->cur, h->sts_region ? h->sts_region : f->region);
	OPENSSL_cleanse(body, sizeof body);
}

/* The web identity token, read fresh each time: Kubernetes and others rotate it. */
static char *read_token_file(const char *path, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *t = NULL;
	*why = NULL;
	if (fd < 0) *why = strerror(errno);
	else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) *why = "not a regular file";
	else if (st.st_size > 16384) *why = "larger than 16 KiB";
	else if (!(t = calloc(1, (size_t)st.st_size + 1))) *why = "out of memory";
	size_t len = 0;
	while (!*why && len < (size_t)st.st_size) {
		ssize_t n = read(fd, t + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) break;
		len += (size_t)n;
	}
	if (fd >= 0) close(fd);
	while (t && len && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' ')) t[--len] = 0;
	if (!*why && !len) *why = "it is empty";
	if (*why && t) {
		OPENSSL_cleanse(t, len);
		free(t);
		t = NULL;
	}
	return t;
}

/* POSTs an unsigned body that holds a secret (a token, a client secret) as the step, then
 * cleanses and frees it; body NULL: out of memory. */
static void post_secret(fetch_t *f, step_t step, const char *endpoint, const char *path,
                        char *body, const char *content_type)
{
	if (!body) {
		fail(f, "OutOfMemory", "Out of memory.");
		return;
	}
	f->step = step;
	set_endpoint(f, endpoint);
	send_step(f, "POST", path, NULL, body, content_type, NULL, NULL);
	OPENSSL_cleanse(body, strlen(body));
	free(body);
}

static void web_identity(fetch_t *f)
{
	const aws_creds_plan_t *p = f->plan;
	const char *why;
	char *tok = read_token_file(p->web_token_file, &why);
	if (!tok) {
		fail(f, "WebIdentityTokenError", "The web identity token file %.300s cannot be read (%s); "
		     "check AWS_WEB_IDENTITY_TOKEN_FILE or web_identity_token_file.", p->web_token_file, why);
		return;
	}
	char *arn = aws_uri_encode(p->web_role_arn, strlen(p->web_role_arn), 0);
	char *name = aws_uri_encode(p->web_session_name, strlen(p->web_session_name), 0);
	char *etok = aws_uri_encode(tok, strlen(tok), 0);
	OPENSSL_cleanse(tok, strlen(tok));
	free(tok);
	char *body = NULL;
	if (asprintf(&body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%s"
	             "&RoleSessionName=%s&WebIdentityToken=%s", arn, name, etok) < 0)
		body = NULL;
	free(arn); free(name);
	OPENSSL_cleanse(etok, strlen(etok));
	free(etok);
	/* unsigned: the token is the proof (botocore calls it with UNSIGNED) */
	post_secret(f, STEP_WEB_IDENTITY, f->sts_endpoint, "/", body, NULL);
}

static void sso_relogin(fetch_t *f, const char *what)
{
	fail(f, "SSOTokenExpired", "The IAM Identity Center (SSO) sign-in for profile \"%s\" %s; "
	     "run `aws sso login --profile %s`.", f->plan->sso_profile, what, f->plan->sso_profile);
}

static void sso_role_credentials(fetch_t *f)
{
	const aws_creds_plan_t *p = f->plan;
	char *role = aws_uri_encode(p->sso_role_name, strlen(p->sso_role_name), 0);
	char *acct = aws_uri_encode(p->sso_account_id, strlen(p->sso_account_id), 0);
	char query[1024];
	snprintf(query, sizeof query, "account_id=%s&role_name=%s", acct, role);
	free(role);
	free(acct);
	f->step = STEP_SSO_ROLE;
	set_endpoint(f, p->sso_endpoint);
	send_step(f, "GET", "/federation/credentials", query, NULL, NULL, NULL, NULL);
}

static void sso_start(fetch_t *f)
{
	const aws_creds_plan_t *p = f->plan;
	const char *why;
	if (aws_sso_token_load(p->sso_cache_path, &f->sso, &why) < 0) {
		char what[600];
		snprintf(what, sizeof what, "has no usable cached token (%.300s %s)", p->sso_cache_path, why);
		sso_relogin(f, what);
		return;
	}
	time_t now = time(NULL);
	/* Only the sso-session shape refreshes: the legacy one has no client registration
	 * (botocore gives only SSOTokenProvider, for sso_session, a refresher). */
	if (now + SSO_REFRESH_WINDOW_S < f->sso.expires_at) {
		sso_role_credentials(f);
		return;
	}
	if (!p->sso_session || !aws_sso_token_refreshable(&f->sso, now)) {
		if (now < f->sso.expires_at) sso_role_credentials(f);
		else sso_relogin(f, "has expired and cannot be refreshed");
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "grantType", "refresh_token");
	cJSON_AddStringToObject(j, "clientId", f->sso.client_id);
	cJSON_AddStringToObject(j, "clientSecret", f->sso.client_secret);
	cJSON_AddStringToObject(j, "refreshToken", f->sso.refresh_token);
	char *body = cJSON_PrintUnformatted(j);
	creds_cleanse_json(j);
	cJSON_Delete(j);
	post_secret(f, STEP_SSO_REFRESH, p->sso_oidc_endpoint, "/token", body, "application/json");
}

static const char *header(const http_result_t *res, const char *name)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0) return res->headers[i].value;
	return NULL;
}

static void on_failure(fetch_t *f, const http_result_t *res)
{
	aws_error_t e = {0};
	char buf[300];
	const char *what = f->step == STEP_ASSUME ? "AssumeRole"
	                   : f->step == STEP_WEB_IDENTITY ? "AssumeRoleWithWebIdentity"
	                   : f->step == STEP_SSO_REFRESH ? "SSO-OIDC CreateToken"
	                   : "SSO GetRoleCredentials";
	const char *source = f->step == STEP_ASSUME ? hop_source(f, buf, sizeof buf) : f->plan->source;
	if (f->step == STEP_IMDS_TOKEN || f->step == STEP_IMDS_ROLE || f->step == STEP_IMDS_CREDS) {
		char why[300];
		if (res->curl_code) snprintf(why, sizeof why, "%s", res->error);
		else snprintf(why, sizeof why, "HTTP %ld: no instance role", res->status);
		aws_creds_imds_failed(f->profile[0] ? f->profile : NULL, f->base, why, &e);
		fetch_fail(f, &e);
		return;
	}
	if (!res->status) {
		fail(f, "ConnectionError", "%s: could not reach %s at %s: %s", source, what, f->base,
		     res->error ? res->error : "no reply");
		return;
	}
	e.http_status = res->status;
	aws_error_parse(&e, res->body, res->body_len, NULL, header(res, "x-amzn-ErrorType"));
	if (f->step == STEP_SSO_REFRESH) {
		/* a refresh that fails leaves a token still valid for a while usable */
		if (time(NULL) < f->sso.expires_at) {
			sso_role_credentials(f);
			return;
		}
		snprintf(buf, sizeof buf, "has expired and its refresh was refused (%s)", e.code);
		sso_relogin(f, buf);
		return;
	}
	if (f->step == STEP_SSO_ROLE && (res->status == 401 || res->status == 403)) {
		snprintf(buf, sizeof buf, "was refused by the SSO portal (%s)", e.code);
		sso_relogin(f, buf);
		return;
	}
	/* aws_error_set clears e first: keep what it is built from */
	char msg[sizeof e.message], code[sizeof e.code];
	snprintf(msg, sizeof msg, "%s", e.message);
	snprintf(code, sizeof code, "%s", e.code);
	aws_error_set(&e, AWS_ERR_CREDENTIALS, code, "%s: %s failed: %s (%s)", source, what, msg, code);
	fetch_fail(f, &e);
}

static void on_reply(void *ud, const http_result_t *res)
{
	fetch_t *f = ud;
	aws_error_t e = {0};
	if (f->seen) f->seen(f->ud, step_name(f->step), res);
	if (res->curl_code || res->status != 200) {
		on_failure(f, res);
		return;
	}
	char path[512], *access = NULL, *refresh = NULL;
	long expires_in = 0;
	const char *why;
	switch (f->step) {
	case STEP_ASSUME:
	case STEP_WEB_IDENTITY:
	case STEP_IMDS_CREDS:
		aws_creds_free(&f->cur);
		if ((f->step == STEP_IMDS_CREDS
		             ? aws_creds_parse_imds(res->body, res->body_len, &f->cur, &e)
		             : parse_sts(f->step == STEP_WEB_IDENTITY, res->body, res->body_len, &f->cur, &e)) < 0) {
			fetch_fail(f, &e);
			return;
		}
		/* an MFA role is kept for later runs, as the CLI keeps it; a cache that
		 * cannot be written only means asking for a code again next time */
		if (f->step == STEP_ASSUME && f->plan->hops[f->hop].cache_path)
			aws_creds_cache_store(f->plan->hops[f->hop].cache_path, &f->cur);
		if (f->step == STEP_ASSUME) f->hop++;
		next_hop(f);
		return;
	case STEP_SSO_ROLE:
		aws_creds_free(&f->cur);
		if (aws_sso_parse_role_credentials(res->body, res->body_len, &f->cur) < 0) {
			fail(f, "InvalidReply", "%s: GetRoleCredentials replied without credentials",
			     f->plan->source);
			return;
		}
		next_hop(f);
		return;
	case STEP_SSO_REFRESH:
		if (aws_sso_parse_create_token(res->body, res->body_len, &access, &refresh, &expires_in) < 0) {
			fail(f, "InvalidReply", "%s: CreateToken replied without a token", f->plan->source);
			return;
		}
		time_t exp = time(NULL) + expires_in;
		/* a cache that cannot be rewritten costs only another refresh next time */
		aws_sso_token_store(f->plan->sso_cache_path, access, refresh, exp, &why);
		OPENSSL_cleanse(f->sso.access_token, strlen(f->sso.access_token));
		free(f->sso.access_token);
		f->sso.access_token = access;
		f->sso.expires_at = exp;
		if (refresh) {
			OPENSSL_cleanse(refresh, strlen(refresh));
			free(refresh);
		}
		sso_role_credentials(f);
		return;
	case STEP_IMDS_TOKEN:
		f->token = strndup(res->body, strcspn(res->body, "\r\n"));
		f->step = STEP_IMDS_ROLE;
		send_step(f, "GET", "/latest/meta-data/iam/security-credentials/", NULL, NULL, NULL, NULL, NULL);
		return;
	case STEP_IMDS_ROLE:
		snprintf(path, sizeof path, "/latest/meta-data/iam/security-credentials/%.*s",
		         (int)strcspn(res->body, "\r\n"), res->body);
		f->step = STEP_IMDS_CREDS;
		send_step(f, "GET", path, NULL, NULL, NULL, NULL, NULL);
		return;
	}
}

void aws_creds_fetch(loop_t *loop, http_engine_t *http, const aws_creds_plan_t *plan,
                     const char *profile_flag, const char *ca_bundle, const char *sts_endpoint,
                     const char *region, aws_creds_cb cb, aws_creds_seen_cb seen, void *ud)
{
	fetch_t *f = calloc(1, sizeof *f);
	f->loop = loop;
	f->http = http;
	f->plan = plan;
	f->cb = cb;
	f->seen = seen;
	f->ud = ud;
	f->ca_bundle = ca_bundle ? strdup(ca_bundle) : NULL;
	f->sts_endpoint = sts_endpoint ? strdup(sts_endpoint) : NULL;
	f->region = region ? strdup(region) : NULL;
	snprintf(f->profile, sizeof f->profile, "%s", profile_flag ? profile_flag : "");
	switch (plan->kind) {
	case AWS_CREDS_STATIC:
		if (aws_creds_copy(&f->cur, &plan->creds) < 0) fail(f, "OutOfMemory", "Out of memory.");
		else next_hop(f);
		return;
	case AWS_CREDS_SSO:
		sso_start(f);
		return;
	case AWS_CREDS_WEB_IDENTITY:
		web_identity(f);
		return;
	case AWS_CREDS_IMDS:
		set_endpoint(f, plan->imds_endpoint);
		f->step = STEP_IMDS_TOKEN;
		send_step(f, "PUT", "/latest/api/token", NULL, NULL, NULL, NULL, NULL);
		return;
	}
}
