#include "aws/codec.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "base/isotime.h"

int codec_fail(aws_error_t *err, const char *fmt, ...)
{
	if (!err) return -1;
	memset(err, 0, sizeof *err);
	err->kind = AWS_ERR_PARSE;
	snprintf(err->code, sizeof err->code, "MalformedReply");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

int codec_time_parse(const char *s, time_t *sec, int *ms)
{
	return isotime_parse(s, ISOTIME_ZONE_REQUIRED, sec, ms);
}

void codec_time_format(time_t t, char *buf, size_t n)
{
	isotime_format(t, buf, n);
}

/* cJSON accepts raw control characters inside strings; JSON (RFC 8259) does not, and
 * a reply with them is damaged. Returns the offset of the first one, or len. */
static size_t raw_control_in_string(const char *s, size_t len)
{
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!in_str) {
			in_str = c == '"';
		} else if (c == '\\') {
			i++;
		} else if (c == '"') {
			in_str = 0;
		} else if (c < 0x20) {
			return i;
		}
	}
	return len;
}

int codec_body_check(const char *body, size_t len, aws_error_t *err)
{
	if (!body || len == 0) return codec_fail(err, "the reply body is empty");
	if (len > XML_MAX_BYTES)
		return codec_fail(err, "the reply is too large to read (%zu bytes, limit %u)", len, XML_MAX_BYTES);
	return 0;
}

cJSON *codec_json_parse(const char *body, size_t len, aws_error_t *err)
{
	if (codec_body_check(body, len, err) < 0) return NULL;
	size_t bad = raw_control_in_string(body, len);
	if (bad < len) {
		codec_fail(err, "the reply is not valid JSON (raw control character in a string at "
		                "byte %zu of %zu)", bad, len);
		return NULL;
	}
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!j) {
		size_t at = end && end >= body ? (size_t)(end - body) : 0;
		codec_fail(err, "the reply is not valid JSON (at byte %zu of %zu)", at, len);
		return NULL;
	}
	while (end && end < body + len && isspace((unsigned char)*end)) end++;
	if (end && end < body + len && *end) {
		cJSON_Delete(j);
		codec_fail(err, "the reply has data after its JSON (at byte %zu of %zu)",
		           (size_t)(end - body), len);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		codec_fail(err, "the reply is JSON but not an object");
		return NULL;
	}
	return j;
}

char *codec_json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) && v->valuestring ? strdup(v->valuestring) : NULL;
}

int codec_json_long(const cJSON *obj, const char *key, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return -1;
	*out = (long long)llround(v->valuedouble);
	return 0;
}

int codec_json_double(const cJSON *obj, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return -1;
	*out = v->valuedouble;
	return 0;
}

int codec_json_int(const cJSON *obj, const char *key, int *out)
{
	long long v;
	if (codec_json_long(obj, key, &v) != 0 || v < -2147483647LL - 1 || v > 2147483647LL)
		return -1;
	*out = (int)v;
	return 0;
}

int codec_json_bool(const cJSON *obj, const char *key, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsBool(v)) return -1;
	*out = cJSON_IsTrue(v);
	return 0;
}

int codec_json_time(const cJSON *obj, const char *key, time_t *sec, int *ms)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (cJSON_IsString(v) && v->valuestring) return codec_time_parse(v->valuestring, sec, ms);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0) return -1;
	long long total_ms = llround(v->valuedouble * 1000.0);
	*sec = (time_t)(total_ms / 1000);
	if (ms) *ms = (int)(total_ms % 1000);
	return 0;
}

char **codec_json_strv(const cJSON *obj, const char *key, size_t *n)
{
	*n = 0;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
	int cnt = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : 0;
	char **v = cnt > 0 ? calloc((size_t)cnt, sizeof *v) : NULL;
	if (!v) return NULL;
	const cJSON *e;
	cJSON_ArrayForEach(e, a)
		if (cJSON_IsString(e) && e->valuestring) v[(*n)++] = strdup(e->valuestring);
	return v;
}

void codec_json_add_strv(cJSON *obj, const char *key, const char *const *v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(obj, key);
	for (size_t i = 0; a && i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

void codec_strv_free(char **v, size_t n)
{
	if (!v) return;
	for (size_t i = 0; i < n; i++) free(v[i]);
	free(v);
}

const aws_error_t *codec_parse_failed(const codec_ctx_t *x, aws_error_t *perr,
                                      const aws_response_t *resp)
{
	snprintf(perr->service, sizeof perr->service, "%s", x->service);
	snprintf(perr->operation, sizeof perr->operation, "%s", x->op);
	perr->http_status = resp ? resp->status : 0;
	if (resp && resp->request_id)
		snprintf(perr->request_id, sizeof perr->request_id, "%s", resp->request_id);
	perr->attempts = 1;
	return perr;
}

static codec_ctx_t *ctx_new(const char *service, const char *op, const shape_reply_t *reply,
                            codec_fn cb, void *ud)
{
	codec_ctx_t *x = calloc(1, sizeof *x);
	if (!x) return NULL;
	x->cb = cb;
	x->ud = ud;
	x->service = service;
	x->op = op;
	x->reply = reply;
	return x;
}

/* A call that did not start frees its context: done will never run. */
static aws_call_t *started(aws_call_t *call, codec_ctx_t *x)
{
	if (!call) free(x);
	return call;
}

static aws_call_t *query(aws_client_t *c, const char *service, const char *action,
                         const char *version, const aws_params_t *params, aws_done_cb done,
                         const shape_reply_t *reply, codec_fn cb, void *ud)
{
	codec_ctx_t *x = ctx_new(service, action, reply, cb, ud);
	return x ? started(aws_call_query(c, service, action, version, params, done, x), x) : NULL;
}

static aws_call_t *json(aws_client_t *c, const char *service, const char *prefix, const char *op,
                        const cJSON *body, aws_done_cb done, const shape_reply_t *reply,
                        codec_fn cb, void *ud)
{
	codec_ctx_t *x = ctx_new(service, op, reply, cb, ud);
	return x ? started(aws_call_json(c, service, prefix, op, body, done, x), x) : NULL;
}

void codec_status_done(void *ud, const aws_error_t *err, const aws_response_t *resp)
{
	(void)resp;
	codec_ctx_t *x = ud;
	((codec_status_cb)x->cb)(x->ud, err);
	free(x);
}

/* Every typed result callback has this form with its own T * for res. */
typedef void (*reply_cb)(void *ud, const aws_error_t *err, void *res);

/* The done of every call with a reply (codec_query_send, codec_json_send, codec_rest):
 * decodes the 2xx body by x->reply into a result of its shape's size, hands it to the
 * callback, frees it. */
static void reply_done(void *ud, const aws_error_t *err, const aws_response_t *resp)
{
	codec_ctx_t *x = ud;
	aws_error_t perr;
	void *res = calloc(1, x->reply->shape->size);
	if (!err && (res ? shape_reply(x->reply, resp->body, resp->body_len, res, &perr)
	                 : codec_fail(&perr, "out of memory")) != 0)
		err = codec_parse_failed(x, &perr, resp);
	((reply_cb)x->cb)(x->ud, err, err ? NULL : res);
	shape_free(x->reply->shape, res);
	free(res);
	free(x);
}

aws_call_t *codec_rest(aws_client_t *c, const char *service, const char *op, const char *method,
                       const char *path, const char *query, const aws_header_t *headers,
                       size_t nheaders, const void *body, size_t body_len,
                       const shape_reply_t *reply, aws_done_cb done, codec_fn cb, void *ud)
{
	codec_ctx_t *x = ctx_new(service, op, reply, cb, ud);
	return x ? started(aws_call_rest(c, service, op, method, path, query, headers, nheaders,
	                                 body, body_len, reply ? reply_done : done, x), x)
	         : NULL;
}

aws_call_t *codec_query_send(aws_client_t *c, const codec_service_t *svc, const char *action,
                             int rc, aws_params_t *p, const shape_reply_t *reply, codec_fn cb,
                             void *ud)
{
	aws_call_t *call = NULL;
	if (rc == 0)
		call = query(c, svc->name, action, svc->version, p,
		             reply ? reply_done : codec_status_done, reply, cb, ud);
	aws_params_free(p);
	return call;
}

aws_call_t *codec_json_send(aws_client_t *c, const codec_service_t *svc, const char *op,
                            cJSON *body, const shape_reply_t *reply, codec_fn cb, void *ud)
{
	if (!body) return NULL;
	aws_call_t *call = json(c, svc->name, svc->version, op, body,
	                        reply ? reply_done : codec_status_done, reply, cb, ud);
	cJSON_Delete(body);
	return call;
}
