#include "aws/client.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/backoff.h"
#include "aws/creds.h"
#include "aws/creds_fetch.h"
#include "aws/endpoints.h"
#include "aws/http.h"
#include "aws/regions.h"
#include "aws/sigv4.h"
#include "base/grow.h"
#include "base/isotime.h"

/* SDK "standard" retry mode: full-jitter backoff capped at 20 s, a token bucket that
 * stops retries when most calls fail (500 tokens, 5 per retry, 10 per timeout). */
enum { QUOTA_MAX = 500, RETRY_COST = 5, TIMEOUT_COST = 10, MAX_BACKOFF_MS = 20000 };

typedef enum { PROTO_QUERY, PROTO_JSON, PROTO_REST } proto_t;

struct aws_call {
	aws_client_t *c;
	char service[32], operation[64];
	proto_t proto;
	aws_request_t proto_req;   /* method/path/query/headers/body; host and signature per attempt */
	aws_done_cb cb;
	void *ud;
	int attempts;
	int skew_retried;
	int quota_spent;
	uint64_t timer;
	http_xfer_t *xfer;
	int64_t started_ms;
	aws_call_t *next;          /* in the client's list (in flight or waiting for credentials) */
};

struct aws_client {
	loop_t *loop;
	http_engine_t *http;
	char *region;
	char *endpoint_flag;
	char *profile_flag;
	struct { char service[32]; char *url; } endpoints[16];
	size_t nendpoints;
	aws_creds_plan_t plan;
	aws_creds_t creds;         /* in use; empty until fetched for ASSUME_ROLE/IMDS */
	int fetching;
	aws_error_t creds_error;   /* last fetch failure, given to calls waiting on it */
	int creds_unresolved;      /* defer_creds_error: the chain found nothing yet */
	char creds_source[160];
	int max_attempts;
	int retry_base_ms;
	int allow_http;
	backoff_t backoff;
	int quota;
	time_t skew;               /* server time - local time, learnt from replies */
	char *ca_bundle;
	void (*log)(void *ud, const char *line);
	void *log_ud;
	aws_call_t *calls;
	unsigned requests;         /* HTTP requests sent to AWS, every attempt counted */
	void (*on_request)(void *ud);
	void *on_request_ud;
};

static void call_send(aws_call_t *call);
static void call_finish(aws_call_t *call, const aws_error_t *err, const aws_response_t *resp);

/* ---- parameters ---- */

void aws_params_add(aws_params_t *p, const char *key, const char *value)
{
	if (grow_array((void **)&p->kv, &p->cap, p->n + 1, sizeof *p->kv, 16) < 0) return;
	p->kv[p->n].name = strdup(key);
	p->kv[p->n].value = strdup(value ? value : "");
	p->n++;
}

void aws_params_addf(aws_params_t *p, const char *key, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	aws_params_add(p, key, buf);
}

void aws_params_free(aws_params_t *p)
{
	aws_headers_clear(p->kv, p->n);
	free(p->kv);
	memset(p, 0, sizeof *p);
}

const char *aws_response_header(const aws_response_t *r, const char *name)
{
	for (size_t i = 0; r && i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
	return NULL;
}

/* ---- client ---- */

static void logf_(aws_client_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(aws_client_t *c, const char *fmt, ...)
{
	if (!c->log) return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	c->log(c->log_ud, line);
}

aws_client_t *aws_client_new(loop_t *loop, const aws_client_opts_t *opts, aws_error_t *err)
{
	aws_client_opts_t o = opts ? *opts : (aws_client_opts_t){0};
	memset(err, 0, sizeof *err);
	aws_client_t *c = calloc(1, sizeof *c);
	if (!c) return NULL;
	c->loop = loop;
	c->profile_flag = o.profile ? strdup(o.profile) : NULL;
	c->endpoint_flag = o.endpoint_url ? strdup(o.endpoint_url) : NULL;
	c->log = o.log;
	c->log_ud = o.log_ud;
	c->quota = QUOTA_MAX;
	c->retry_base_ms = o.retry_base_ms > 0 ? o.retry_base_ms : 1000;
	backoff_seed(&c->backoff, o.jitter_seed);
	c->allow_http = o.allow_http;
	c->max_attempts = o.max_attempts;
	if (c->max_attempts <= 0) {
		const char *env = getenv("AWS_MAX_ATTEMPTS");
		c->max_attempts = env && atoi(env) > 0 ? atoi(env) : 3;
	}
	const char *ca = getenv("AWS_CA_BUNDLE");
	char *pca = ca ? NULL : aws_profile_get(o.profile, "ca_bundle");
	c->ca_bundle = ca ? strdup(ca) : pca;
	c->region = aws_region_resolve(o.region, o.profile, err);
	char msg[256];
	if (c->region && aws_region_check(c->region, msg, sizeof msg) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidRegion", "%s", msg);
		aws_client_free(c);
		return NULL;
	}
	if (!c->region) {
		aws_client_free(c);
		return NULL;
	}
	if (aws_creds_resolve(o.profile, &c->plan, err) < 0) {
		/* deferred: what the chain did not find; not the user's own answer to an MFA
		 * prompt (Esc, no terminal), which ends the run as it said */
		if (!o.defer_creds_error || strncmp(err->code, "Mfa", 3) == 0 || strcmp(err->code, "OutOfMemory") == 0) {
			aws_client_free(c);
			return NULL;
		}
		c->creds_unresolved = 1; /* plan.source stays empty: there is none */
	}
	if (!c->creds_unresolved && c->plan.kind == AWS_CREDS_STATIC && !c->plan.nhops)
		aws_creds_copy(&c->creds, &c->plan.creds);
	snprintf(c->creds_source, sizeof c->creds_source, "%s", c->plan.source);
	c->http = http_engine_new(loop);
	if (!c->http) {
		aws_error_set(err, AWS_ERR_CONFIG, "OutOfMemory", "could not start the HTTP engine");
		aws_client_free(c);
		return NULL;
	}
	return c;
}

void aws_client_free(aws_client_t *c)
{
	if (!c) return;
	while (c->calls) {
		aws_call_t *call = c->calls;
		aws_error_t e = {0};
		aws_error_set(&e, AWS_ERR_CANCELLED, "Cancelled", "the client was closed");
		call_finish(call, &e, NULL);
	}
	http_engine_free(c->http);
	for (size_t i = 0; i < c->nendpoints; i++) free(c->endpoints[i].url);
	aws_creds_plan_free(&c->plan);
	aws_creds_free(&c->creds);
	free(c->region); free(c->endpoint_flag); free(c->profile_flag); free(c->ca_bundle);
	free(c);
}

loop_t *aws_client_loop(aws_client_t *c) { return c->loop; }
const char *aws_client_region(const aws_client_t *c) { return c->region; }
const char *aws_client_creds_source(const aws_client_t *c) { return c->creds_source; }

const char *aws_client_endpoint(aws_client_t *c, const char *service)
{
	for (size_t i = 0; i < c->nendpoints; i++)
		if (strcmp(c->endpoints[i].service, service) == 0) return c->endpoints[i].url;
	char *url = aws_endpoint_resolve(c->endpoint_flag, c->profile_flag, service, c->region);
	if (!url) return NULL;
	if (c->nendpoints == sizeof c->endpoints / sizeof c->endpoints[0]) {
		free(c->endpoints[0].url); /* more services than we call: reuse the slot */
		c->nendpoints = 0;
	}
	snprintf(c->endpoints[c->nendpoints].service, sizeof c->endpoints[0].service, "%s", service);
	c->endpoints[c->nendpoints].url = url;
	return c->endpoints[c->nendpoints++].url;
}

unsigned aws_client_requests(const aws_client_t *c) { return c->requests; }

void aws_client_on_request(aws_client_t *c, void (*cb)(void *ud), void *ud)
{
	if (!cb && ud != c->on_request_ud) return; /* someone else's: keep it */
	c->on_request = cb;
	c->on_request_ud = cb ? ud : NULL;
}

const char *aws_client_endpoint_configured(aws_client_t *c, const char *service)
{
	/* without a region the resolver gives a URL only when one is configured */
	char *url = aws_endpoint_resolve(c->endpoint_flag, c->profile_flag, service, NULL);
	if (!url) return NULL;
	free(url);
	return aws_client_endpoint(c, service);
}

int aws_client_wait(aws_client_t *c, const int *done, int timeout_ms)
{
	return loop_run(c->loop, done, timeout_ms > 0 ? loop_now_ms() + timeout_ms : 0);
}

/* ---- calls ---- */

static aws_call_t *call_new(aws_client_t *c, const char *service, const char *op, proto_t proto,
                            aws_done_cb cb, void *ud)
{
	aws_call_t *call = calloc(1, sizeof *call);
	if (!call) return NULL;
	call->c = c;
	snprintf(call->service, sizeof call->service, "%s", service);
	snprintf(call->operation, sizeof call->operation, "%s", op);
	call->proto = proto;
	call->cb = cb;
	call->ud = ud;
	call->started_ms = loop_now_ms();
	call->next = c->calls;
	c->calls = call;
	return call;
}

static void call_unlink(aws_call_t *call)
{
	for (aws_call_t **p = &call->c->calls; *p; p = &(*p)->next)
		if (*p == call) {
			*p = call->next;
			return;
		}
}

static void call_finish(aws_call_t *call, const aws_error_t *err, const aws_response_t *resp)
{
	aws_client_t *c = call->c;
	call_unlink(call);
	if (call->timer) loop_timer_cancel(c->loop, call->timer);
	if (call->xfer) http_cancel(c->http, call->xfer);
	if (!err && call->quota_spent == 0 && c->quota < QUOTA_MAX) c->quota++;
	aws_error_t e;
	if (err) {
		e = *err;
		snprintf(e.service, sizeof e.service, "%s", call->service);
		snprintf(e.operation, sizeof e.operation, "%s", call->operation);
		e.attempts = call->attempts;
	}
	call->cb(call->ud, err ? &e : NULL, resp);
	aws_request_free(&call->proto_req);
	free(call);
}

static void start_or_queue(aws_call_t *call);

/* Deferred start so that a call's callback never runs inside the function that made it. */
static void on_start(loop_t *l, void *ud)
{
	(void)l;
	aws_call_t *call = ud;
	call->timer = 0;
	start_or_queue(call);
}

static aws_call_t *call_schedule(aws_call_t *call)
{
	call->timer = loop_timer_add(call->c->loop, 0, on_start, call);
	return call;
}

/* application/x-www-form-urlencoded as the SDKs send it: RFC 3986 with '+' for a space.
 * moto re-encodes the parsed form that way to check the signature of the body, so a
 * value with a space (any template) sent as %20 fails there with SignatureDoesNotMatch. */
static char *form_encode(const char *s)
{
	char *e = aws_uri_encode(s, strlen(s), 0);
	char *o = e;
	for (const char *p = e; p && *p; p++) {
		if (p[0] == '%' && p[1] == '2' && p[2] == '0') {
			*o++ = '+';
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	if (o) *o = 0;
	return e;
}

aws_call_t *aws_call_query(aws_client_t *c, const char *service, const char *action,
                           const char *version, const aws_params_t *params, aws_done_cb cb,
                           void *ud)
{
	aws_call_t *call = call_new(c, service, action, PROTO_QUERY, cb, ud);
	if (!call) return NULL;
	size_t cap = 256, len = 0;
	char *body = malloc(cap);
	if (!body) { call_unlink(call); free(call); return NULL; }
	len = (size_t)snprintf(body, cap, "Action=%s&Version=%s", action, version);
	for (size_t i = 0; params && i < params->n; i++) {
		char *k = form_encode(params->kv[i].name);
		char *v = form_encode(params->kv[i].value);
		size_t need = len + strlen(k) + strlen(v) + 3;
		if (need > cap) {
			while (cap < need) cap *= 2;
			char *b = realloc(body, cap);
			if (!b) { free(k); free(v); break; }
			body = b;
		}
		len += (size_t)snprintf(body + len, cap - len, "&%s=%s", k, v);
		free(k);
		free(v);
	}
	aws_request_init(&call->proto_req, "POST", NULL, "/", NULL);
	aws_request_add_header(&call->proto_req, "Content-Type",
	                       "application/x-www-form-urlencoded; charset=utf-8");
	aws_request_set_body(&call->proto_req, body, len);
	free(body);
	return call_schedule(call);
}

aws_call_t *aws_call_json(aws_client_t *c, const char *service, const char *target_prefix,
                          const char *op, const cJSON *body, aws_done_cb cb, void *ud)
{
	aws_call_t *call = call_new(c, service, op, PROTO_JSON, cb, ud);
	if (!call) return NULL;
	char *text = body ? cJSON_PrintUnformatted(body) : strdup("{}");
	char target[160];
	snprintf(target, sizeof target, "%s.%s", target_prefix, op);
	aws_request_init(&call->proto_req, "POST", NULL, "/", NULL);
	aws_request_add_header(&call->proto_req, "Content-Type", "application/x-amz-json-1.1");
	aws_request_add_header(&call->proto_req, "X-Amz-Target", target);
	aws_request_set_body(&call->proto_req, text ? text : "{}", text ? strlen(text) : 2);
	free(text);
	return call_schedule(call);
}

aws_call_t *aws_call_rest(aws_client_t *c, const char *service, const char *operation,
                          const char *method, const char *path, const char *query,
                          const aws_header_t *headers, size_t nheaders, const void *body,
                          size_t body_len, aws_done_cb cb, void *ud)
{
	aws_call_t *call = call_new(c, service, operation, PROTO_REST, cb, ud);
	if (!call) return NULL;
	aws_request_init(&call->proto_req, method, NULL, path, query);
	for (size_t i = 0; i < nheaders; i++)
		aws_request_add_header(&call->proto_req, headers[i].name, headers[i].value);
	aws_request_set_body(&call->proto_req, body, body_len);
	return call_schedule(call);
}

void aws_call_cancel(aws_call_t *call)
{
	aws_error_t e = {0};
	aws_error_set(&e, AWS_ERR_CANCELLED, "Cancelled", "cancelled");
	call_finish(call, &e, NULL);
}

/* ---- credentials ---- */

/* A credentials request (STS, SSO, IMDS) is an AWS call too: counted and logged as the
 * client's own are, one --log reply line each (issue 14: the header counts every call). */
static void on_creds_reply(void *ud, const char *what, const http_result_t *res)
{
	aws_client_t *c = ud;
	c->requests++;
	if (res->curl_code != CURLE_OK && !res->truncated)
		logf_(c, "%s -> %s (credentials)", what, res->error ? res->error : "no reply");
	else
		logf_(c, "%s -> HTTP %ld (credentials)", what, res->status);
	if (c->on_request) c->on_request(c->on_request_ud);
}

static void on_creds(void *ud, const aws_error_t *err, const aws_creds_t *creds)
{
	aws_client_t *c = ud;
	c->fetching = 0;
	if (err) {
		c->creds_error = *err;
		logf_(c, "credentials: %s", err->message);
	} else {
		aws_creds_free(&c->creds);
		aws_creds_copy(&c->creds, creds);
		memset(&c->creds_error, 0, sizeof c->creds_error);
		char until[48] = "no expiry";
		if (creds->expiration) {
			char when[32];
			isotime_format(creds->expiration, when, sizeof when);
			snprintf(until, sizeof until, "until %s", when);
		}
		logf_(c, "credentials from %s, %s", creds->source, until);
	}
	/* wake every call that waited for credentials */
	for (aws_call_t *call = c->calls; call; call = call->next)
		if (!call->xfer && !call->timer) call->timer = loop_timer_add(c->loop, 0, on_start, call);
}

static int creds_usable(const aws_client_t *c)
{
	if (!c->creds.access_key_id) return 0;
	return !aws_creds_expiring(&c->creds, time(NULL), 300);
}

/* A request carries the access key id, a signature and the session token: over
 * http:// anyone on the path reads them. Loopback (the sandbox, moto) is exempt. */
static int refuse_clear_text(const aws_client_t *c, const char *url, aws_error_t *err)
{
	if (c->allow_http || !url || strncasecmp(url, "http://", 7) != 0 ||
	    aws_endpoint_is_loopback(url))
		return 0;
	aws_error_set(err, AWS_ERR_CONFIG, "InsecureEndpoint",
	              "the endpoint %.200s is plain http:// to a host other than this machine, so the "
	              "key id, signature and any session token would cross the network in clear; use "
	              "https://, or pass --allow-http (or set NIXL_TUI_ALLOW_HTTP=1) if that network "
	              "is yours", url);
	return -1;
}

static int plan_has_mfa(const aws_creds_plan_t *p)
{
	for (size_t i = 0; i < p->nhops; i++)
		if (p->hops[i].mfa_serial) return 1;
	return 0;
}

/* The chain resolved again: its plan replaces c's, with its source and, for static keys,
 * the credentials. Returns 1 when it did not resolve (the call finished with its error). */
static int take_new_plan(aws_client_t *c, aws_call_t *call)
{
	aws_creds_plan_t plan;
	aws_error_t err;
	if (aws_creds_resolve(c->profile_flag, &plan, &err) < 0) {
		call_finish(call, &err, NULL);
		return 1;
	}
	aws_creds_plan_free(&c->plan);
	c->plan = plan;
	snprintf(c->creds_source, sizeof c->creds_source, "%s", plan.source);
	aws_creds_free(&c->creds);
	if (plan.kind == AWS_CREDS_STATIC && !plan.nhops) aws_creds_copy(&c->creds, &plan.creds);
	return 0;
}

/* Credentials that ran out, resolved again: a credential_process is run again, and an MFA
 * role (its cached session, or one assumed with a code, which is good once) asks for a new
 * code. A plan that now assumes a role replaces the old one, to be fetched. Returns 1 when
 * the call was sent or finished, 0 to go on and fetch the new plan. */
static int resolve_again(aws_client_t *c, aws_call_t *call)
{
	if (take_new_plan(c, call)) return 1;
	if (c->plan.kind != AWS_CREDS_STATIC || c->plan.nhops) return 0;
	call_send(call);
	return 1;
}

/* defer_creds_error: the chain is tried again for each call until it finds something.
 * Returns 1 when the call finished with the chain's error. */
static int still_unresolved(aws_client_t *c, aws_call_t *call)
{
	if (take_new_plan(c, call)) return 1;
	c->creds_unresolved = 0;
	return 0;
}

static void start_or_queue(aws_call_t *call)
{
	aws_client_t *c = call->c;
	if (c->creds_unresolved && still_unresolved(c, call)) return;
	if (creds_usable(c)) {
		call_send(call);
		return;
	}
	if (c->creds.access_key_id && !c->fetching &&
	    ((c->plan.kind == AWS_CREDS_STATIC && !c->plan.nhops) || plan_has_mfa(&c->plan)) &&
	    resolve_again(c, call))
		return;
	if (c->creds_error.kind != AWS_ERR_NONE && !c->fetching) {
		aws_error_t e = c->creds_error;
		memset(&c->creds_error, 0, sizeof c->creds_error); /* a later call tries again */
		call_finish(call, &e, NULL);
		return;
	}
	const char *sts = c->plan.nhops || c->plan.kind == AWS_CREDS_WEB_IDENTITY
	                          ? aws_client_endpoint(c, "sts") : NULL;
	aws_error_t err = {0};
	/* the SSO token and the web identity token are as secret as the keys */
	if (!c->fetching && (refuse_clear_text(c, sts, &err) < 0 ||
	                     refuse_clear_text(c, c->plan.sso_endpoint, &err) < 0 ||
	                     refuse_clear_text(c, c->plan.sso_oidc_endpoint, &err) < 0)) {
		call_finish(call, &err, NULL);
		return;
	}
	if (!c->fetching) {
		c->fetching = 1;
		aws_creds_fetch(c->loop, c->http, &c->plan, c->profile_flag, c->ca_bundle, sts, c->region,
		                on_creds, on_creds_reply, c);
	}
}

/* ---- one attempt ---- */

static int split_url(const char *url, char *base, size_t nbase, char *host, size_t nhost)
{
	const char *p = strstr(url, "://");
	if (!p) return -1;
	p += 3;
	const char *end = p + strcspn(p, "/?");
	snprintf(base, nbase, "%.*s", (int)(end - url), url);
	snprintf(host, nhost, "%.*s", (int)(end - p), p);
	/* the Host header carries no default port */
	size_t hl = strlen(host);
	if (strncmp(url, "https://", 8) == 0 && hl > 4 && strcmp(host + hl - 4, ":443") == 0) host[hl - 4] = 0;
	if (strncmp(url, "http://", 7) == 0 && hl > 3 && strcmp(host + hl - 3, ":80") == 0) host[hl - 3] = 0;
	return 0;
}

static void on_http_done(void *ud, const http_result_t *res);

static void call_send(aws_call_t *call)
{
	aws_client_t *c = call->c;
	const char *url = aws_client_endpoint(c, call->service);
	char base[512], host[256];
	aws_error_t err = {0};
	if (!url || split_url(url, base, sizeof base, host, sizeof host) < 0) {
		aws_error_set(&err, AWS_ERR_CONFIG, "InvalidEndpoint", "the endpoint URL \"%s\" is not a URL",
		              url ? url : "");
		call_finish(call, &err, NULL);
		return;
	}
	if (refuse_clear_text(c, url, &err) < 0) {
		call_finish(call, &err, NULL);
		return;
	}
	/* the endpoint may carry a path prefix (e.g. behind a proxy): keep it */
	const char *prefix = url + strlen(base);
	aws_request_t r;
	const aws_request_t *p = &call->proto_req;
	char path[4096];
	snprintf(path, sizeof path, "%.*s%s", (int)strcspn(prefix, "?"),
	         prefix, strlen(prefix) && p->path[0] == '/' && prefix[strlen(prefix) - 1] == '/' ? p->path + 1 : p->path);
	aws_request_init(&r, p->method, host, path, p->query);
	for (size_t i = 0; i < p->nheaders; i++) aws_request_add_header(&r, p->headers[i].name, p->headers[i].value);
	aws_request_set_body(&r, p->body, p->body_len);
	aws_request_set_header(&r, "Host", host);
	call->attempts++;
	unsigned flags = strcmp(call->service, "s3") == 0 ? SIGV4_S3 : 0;
	if (sigv4_sign(&r, &c->creds, aws_signing_region(call->service, c->region), call->service,
	               time(NULL) + c->skew, flags) < 0) {
		aws_error_set(&err, AWS_ERR_CREDENTIALS, "SigningFailed", "could not sign the request");
		aws_request_free(&r);
		call_finish(call, &err, NULL);
		return;
	}
	http_opts_t ho = { .ca_bundle = c->ca_bundle };
	call->xfer = http_send(c->http, base, &r, &ho, on_http_done, call);
	aws_request_free(&r);
	if (!call->xfer) {
		aws_error_set(&err, AWS_ERR_TRANSPORT, "OutOfMemory", "could not start the request");
		call_finish(call, &err, NULL);
		return;
	}
	/* every request that leaves counts, whichever service and whoever sent it (the
	 * session, the SSM executors, the lookups), retries included: one per --log line */
	c->requests++;
	if (c->on_request) c->on_request(c->on_request_ud);
}

static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
	"InternalFailure", "ServiceUnavailable", "ServiceUnavailableException", "Unavailable",
	"IDPCommunicationError", "EC2ThrottledException", NULL,
};
static const char *const skew_codes[] = {
	"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
	"SignatureDoesNotMatch", "AuthFailure", NULL,
};

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0) return 1;
	return 0;
}

static void on_retry(loop_t *l, void *ud)
{
	(void)l;
	aws_call_t *call = ud;
	call->timer = 0;
	start_or_queue(call);
}

/* Server clock from the reply's Date header (RFC 1123), for skew correction. */
static int reply_time(const aws_response_t *resp, time_t *out)
{
	const char *d = aws_response_header(resp, "Date");
	if (!d) return -1;
	time_t t = curl_getdate(d, NULL);
	if (t <= 0) return -1;
	*out = t;
	return 0;
}

static void retry_or_fail(aws_call_t *call, aws_error_t *err, int is_timeout)
{
	aws_client_t *c = call->c;
	int cost = is_timeout ? TIMEOUT_COST : RETRY_COST;
	if (call->attempts >= c->max_attempts || c->quota < cost) {
		if (call->attempts < c->max_attempts) {
			size_t n = strlen(err->message);
			snprintf(err->message + n, sizeof err->message - n,
			         " (not retried: too many recent failures)");
		}
		call_finish(call, err, NULL);
		return;
	}
	c->quota -= cost;
	call->quota_spent += cost;
	int64_t delay = backoff_delay_ms(&c->backoff, call->attempts, c->retry_base_ms, MAX_BACKOFF_MS);
	logf_(c, "%s %s: %s; retrying in %lld ms (attempt %d of %d)", call->service, call->operation,
	      err->code, (long long)delay, call->attempts + 1, c->max_attempts);
	call->timer = loop_timer_add(c->loop, delay, on_retry, call);
}

static void on_http_done(void *ud, const http_result_t *res)
{
	aws_call_t *call = ud;
	aws_client_t *c = call->c;
	call->xfer = NULL;
	aws_response_t resp = {
		.status = res->status, .headers = res->headers, .nheaders = res->nheaders,
		.body = res->body, .body_len = res->body_len,
	};
	resp.request_id = aws_response_header(&resp, "x-amzn-RequestId");
	if (!resp.request_id) resp.request_id = aws_response_header(&resp, "x-amz-request-id");
	int64_t ms = loop_now_ms() - call->started_ms;
	aws_error_t err = {0};
	if (res->curl_code != CURLE_OK && !res->truncated) {
		int is_timeout = res->curl_code == CURLE_OPERATION_TIMEDOUT;
		aws_error_set(&err, AWS_ERR_TRANSPORT, is_timeout ? "Timeout" : "ConnectionError",
		              "could not reach %s: %s", aws_client_endpoint(c, call->service), res->error);
		logf_(c, "%s %s -> %s (attempt %d, %lld ms)", call->service, call->operation, res->error,
		      call->attempts, (long long)ms);
		retry_or_fail(call, &err, is_timeout);
		return;
	}
	logf_(c, "%s %s -> HTTP %ld (request id %s, attempt %d, %lld ms)", call->service,
	      call->operation, res->status, resp.request_id ? resp.request_id : "-", call->attempts,
	      (long long)ms);
	if (res->truncated) {
		aws_error_set(&err, AWS_ERR_PARSE, "ReplyTooLarge", "the reply was larger than %d MiB; not read",
		              64);
		err.http_status = res->status;
		call_finish(call, &err, NULL);
		return;
	}
	if (res->status >= 200 && res->status < 300) {
		call_finish(call, NULL, &resp);
		return;
	}
	err.kind = AWS_ERR_SERVICE;
	err.http_status = res->status;
	aws_error_parse(&err, res->body, res->body_len, resp.request_id,
	                aws_response_header(&resp, "x-amzn-ErrorType"));
	time_t server;
	if (in_list(skew_codes, err.code) && !call->skew_retried && reply_time(&resp, &server) == 0) {
		time_t skew = server - time(NULL);
		if (skew > 60 || skew < -60) { /* only a real skew: a wrong secret stays an error */
			c->skew = skew;
			call->skew_retried = 1;
			logf_(c, "clock skew of %lld s corrected from the reply's Date", (long long)skew);
			start_or_queue(call);
			return;
		}
	}
	if (aws_error_is_throttle(&err) || res->status >= 500 || in_list(transient_codes, err.code)) {
		retry_or_fail(call, &err, 0);
		return;
	}
	call_finish(call, &err, &resp);
}
