#include "aws/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "aws/codec.h"
#include "aws/request.h"
#include "aws/xml.h"

static int nonempty(const char *s)
{
	return s && *s;
}

static void add_header(s3_request_t *r, const char *name, const char *value)
{
	r->headers[r->nheaders].name = strdup(name);
	r->headers[r->nheaders].value = strdup(value);
	r->nheaders++;
}

void s3_request_free(s3_request_t *r)
{
	if (!r) return;
	free(r->path);
	free(r->query);
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->owned_body);
	memset(r, 0, sizeof *r);
}

/* "/bucket" or "/bucket/key" with the key encoded once, its slashes kept (S3 paths
 * are signed as sent, not double-encoded). */
static char *object_path(const char *bucket, const char *key)
{
	char *b = aws_uri_encode(bucket, strlen(bucket), 0);
	char *k = key ? aws_uri_encode(key, strlen(key), 1) : NULL;
	char *p = NULL;
	if (b && (!key || k) && asprintf(&p, "/%s%s%s", b, key ? "/" : "", key ? k : "") < 0)
		p = NULL;
	free(b);
	free(k);
	return p;
}

int s3_build_put_object(const char *bucket, const char *key, const void *body, size_t len,
                        s3_request_t *out)
{
	memset(out, 0, sizeof *out);
	if (!nonempty(bucket) || !nonempty(key)) return -1;
	out->method = "PUT";
	out->path = object_path(bucket, key);
	/* A form content type makes some S3 emulators store an empty object. */
	add_header(out, "Content-Type", "application/octet-stream");
	out->body = body;
	out->body_len = len;
	return out->path ? 0 : -1;
}

/* Appends "&name=value" (value URI-encoded) to the query being built. */
static int query_add(char **q, const char *name, const char *value)
{
	char *v = aws_uri_encode(value, strlen(value), 0);
	char *n = NULL;
	int ok = v && asprintf(&n, "%s%s%s=%s", *q ? *q : "", *q ? "&" : "", name, v) >= 0;
	free(v);
	if (!ok) return -1;
	free(*q);
	*q = n;
	return 0;
}

int s3_build_list_objects_v2(const s3_list_req_t *req, s3_request_t *out)
{
	memset(out, 0, sizeof *out);
	if (!nonempty(req->bucket) || req->max_keys < 0) return -1;
	out->method = "GET";
	out->path = object_path(req->bucket, NULL);
	/* In byte order of the names, as SigV4 canonicalises them. */
	int rc = out->path ? 0 : -1;
	if (rc == 0 && nonempty(req->continuation_token))
		rc = query_add(&out->query, "continuation-token", req->continuation_token);
	/* Keys come back URL-encoded, so any key (even one XML 1.0 cannot carry) survives. */
	if (rc == 0) rc = query_add(&out->query, "encoding-type", "url");
	if (rc == 0) rc = query_add(&out->query, "list-type", "2");
	if (rc == 0 && req->max_keys > 0) {
		char n[16];
		snprintf(n, sizeof n, "%d", req->max_keys);
		rc = query_add(&out->query, "max-keys", n);
	}
	if (rc == 0 && nonempty(req->prefix)) rc = query_add(&out->query, "prefix", req->prefix);
	if (rc != 0) s3_request_free(out);
	return rc;
}

/* XML-escapes s onto the end of buf (capacity checked by the caller's sizing).
 * Returns -1 for characters XML 1.0 cannot carry. */
static int xml_escape(char *buf, size_t *off, const char *s)
{
	static const struct {
		char ch;
		const char *ent;
	} ents[] = {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"},
	            {'\'', "&apos;"}, {'\r', "&#13;"}};
	for (; *s; s++) {
		const char *ent = NULL;
		for (size_t i = 0; i < sizeof ents / sizeof *ents; i++)
			if (*s == ents[i].ch) ent = ents[i].ent;
		if (ent) {
			memcpy(buf + *off, ent, strlen(ent));
			*off += strlen(ent);
		} else if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') {
			return -1;
		} else {
			buf[(*off)++] = *s;
		}
	}
	return 0;
}

int s3_build_delete_objects(const char *bucket, const char *const *keys, size_t n, int quiet,
                            s3_request_t *out)
{
	memset(out, 0, sizeof *out);
	if (!nonempty(bucket) || n == 0 || n > S3_DELETE_MAX) return -1;
	static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	                           "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
	static const char obj_open[] = "<Object><Key>", obj_close[] = "</Key></Object>";
	static const char tail[] = "</Delete>";
	size_t cap = sizeof head + sizeof "<Quiet>false</Quiet>" + sizeof tail;
	for (size_t i = 0; i < n; i++) {
		if (!nonempty(keys[i])) return -1;
		/* "&quot;" is the longest escape: 6 bytes per input byte at most. */
		cap += sizeof obj_open + sizeof obj_close + 6 * strlen(keys[i]);
	}
	char *xml = malloc(cap);
	if (!xml) return -1;
	size_t off = 0;
	int w = snprintf(xml, cap, "%s<Quiet>%s</Quiet>", head, quiet ? "true" : "false");
	off = (size_t)w;
	for (size_t i = 0; i < n; i++) {
		memcpy(xml + off, obj_open, sizeof obj_open - 1);
		off += sizeof obj_open - 1;
		if (xml_escape(xml, &off, keys[i]) != 0) {
			free(xml);
			return -1;
		}
		memcpy(xml + off, obj_close, sizeof obj_close - 1);
		off += sizeof obj_close - 1;
	}
	memcpy(xml + off, tail, sizeof tail);
	off += sizeof tail - 1;

	unsigned char md5[EVP_MAX_MD_SIZE];
	unsigned int md5_len = 0;
	char b64[64];
	if (!EVP_Digest(xml, off, md5, &md5_len, EVP_md5(), NULL)) {
		free(xml);
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)b64, md5, (int)md5_len);

	out->method = "POST";
	out->path = object_path(bucket, NULL);
	out->query = strdup("delete");
	/* S3 refuses a multi-object delete without Content-MD5 (or a checksum header). */
	add_header(out, "Content-MD5", b64);
	add_header(out, "Content-Type", "application/xml");
	out->owned_body = xml;
	out->body = xml;
	out->body_len = off;
	if (!out->path || !out->query) {
		s3_request_free(out);
		return -1;
	}
	return 0;
}

int s3_build_create_bucket(const char *bucket, const char *region, s3_request_t *out)
{
	memset(out, 0, sizeof *out);
	if (!nonempty(bucket) || !nonempty(region)) return -1;
	out->method = "PUT";
	out->path = object_path(bucket, NULL);
	if (!out->path) return -1;
	if (strcmp(region, "us-east-1") == 0) return 0;
	if (asprintf(&out->owned_body,
	             "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	             "<LocationConstraint>%s</LocationConstraint></CreateBucketConfiguration>",
	             region) < 0) {
		out->owned_body = NULL;
		s3_request_free(out);
		return -1;
	}
	add_header(out, "Content-Type", "application/xml");
	out->body = out->owned_body;
	out->body_len = strlen(out->owned_body);
	return 0;
}

int s3_build_delete_bucket(const char *bucket, s3_request_t *out)
{
	memset(out, 0, sizeof *out);
	if (!nonempty(bucket)) return -1;
	out->method = "DELETE";
	out->path = object_path(bucket, NULL);
	return out->path ? 0 : -1;
}

char *s3_object_url(const char *bucket, const char *region, const char *key)
{
	if (!nonempty(bucket) || !nonempty(region) || !nonempty(key)) return NULL;
	char *k = aws_uri_encode(key, strlen(key), 1);
	char *url = NULL;
	if (k && asprintf(&url, "https://%s.s3.%s.amazonaws.com%s/%s", bucket, region,
	                  strncmp(region, "cn-", 3) == 0 ? ".cn" : "", k) < 0)
		url = NULL;
	free(k);
	return url;
}

int s3_parse_put_object(const char *etag_header, s3_put_result_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	if (!nonempty(etag_header))
		return codec_fail(err, "the PutObject reply has no ETag header");
	out->etag = strdup(etag_header);
	return out->etag ? 0 : codec_fail(err, "out of memory");
}

void s3_put_result_free(s3_put_result_t *r)
{
	if (!r) return;
	free(r->etag);
	r->etag = NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Form-style URL decoding in place ('+' is a space), as the SDKs undo encoding-type=url. */
static void url_decode(char *s)
{
	char *o = s;
	for (const char *p = s; *p; p++) {
		int hi, lo;
		if (*p == '+') {
			*o++ = ' ';
		} else if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			*o++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = 0;
}

int s3_parse_list_objects_v2(const char *body, size_t len, s3_list_result_t *out,
                             aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "ListBucketResult", NULL, &doc, err);
	if (!r) return -1;
	size_t cnt = xml_count(r, "Contents");
	char *enc = xml_path_text(r, "EncodingType");
	int url = enc && strcmp(enc, "url") == 0;
	free(enc);
	int rc = 0;
	if (cnt && !(out->objects = calloc(cnt, sizeof *out->objects))) rc = -1;
	for (xmlNode *m = xml_first(r, "Contents"); m && rc == 0; m = xml_next(m, "Contents")) {
		s3_object_t *o = &out->objects[out->n++];
		o->key = xml_path_text(m, "Key");
		o->etag = xml_path_token(m, "ETag");
		xml_path_long(m, "Size", &o->size);
		xml_path_time(m, "LastModified", &o->last_modified, NULL);
		if (!o->key || !*o->key) rc = -1;
		else if (url) url_decode(o->key);
	}
	xml_path_bool(r, "IsTruncated", &out->is_truncated);
	if (xml_path_int(r, "KeyCount", &out->key_count) != 0) out->key_count = (int)out->n;
	out->next_continuation_token = xml_path_token(r, "NextContinuationToken");
	xmlFreeDoc(doc);
	if (rc == 0 && out->is_truncated && !out->next_continuation_token)
		rc = -2;
	if (rc != 0) {
		s3_list_result_free(out);
		return codec_fail(err, rc == -2 ? "the ListObjectsV2 reply is truncated but has no "
		                                  "NextContinuationToken"
		                                : "an object in the ListObjectsV2 reply has no Key");
	}
	return 0;
}

void s3_list_result_free(s3_list_result_t *r)
{
	if (!r) return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->objects[i].key);
		free(r->objects[i].etag);
	}
	free(r->objects);
	free(r->next_continuation_token);
	memset(r, 0, sizeof *r);
}

int s3_parse_delete_objects(const char *body, size_t len, s3_delete_result_t *out,
                            aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DeleteResult", NULL, &doc, err);
	if (!r) return -1;
	size_t nd = xml_count(r, "Deleted"), ne = xml_count(r, "Error");
	int rc = 0;
	if ((nd && !(out->deleted = calloc(nd, sizeof *out->deleted))) ||
	    (ne && !(out->errors = calloc(ne, sizeof *out->errors))))
		rc = -1;
	for (xmlNode *m = xml_first(r, "Deleted"); m && rc == 0; m = xml_next(m, "Deleted"))
		if (!(out->deleted[out->ndeleted++] = xml_path_text(m, "Key"))) rc = -1;
	for (xmlNode *m = xml_first(r, "Error"); m && rc == 0; m = xml_next(m, "Error")) {
		s3_delete_error_t *e = &out->errors[out->nerrors++];
		e->key = xml_path_text(m, "Key");
		e->code = xml_path_token(m, "Code");
		e->message = xml_path_token(m, "Message");
		if (!e->key || !e->code) rc = -1;
	}
	xmlFreeDoc(doc);
	if (rc != 0) {
		s3_delete_result_free(out);
		return codec_fail(err, "an entry in the DeleteObjects reply has no Key or Code");
	}
	return 0;
}

void s3_delete_result_free(s3_delete_result_t *r)
{
	if (!r) return;
	codec_strv_free(r->deleted, r->ndeleted);
	for (size_t i = 0; i < r->nerrors; i++) {
		free(r->errors[i].key);
		free(r->errors[i].code);
		free(r->errors[i].message);
	}
	free(r->errors);
	memset(r, 0, sizeof *r);
}

/* ---- async wrappers ---- */

static void put_done(void *ud, const aws_error_t *err, const aws_response_t *resp)
{
	codec_ctx_t *x = ud;
	s3_put_result_t res = {0};
	aws_error_t perr;
	if (!err && s3_parse_put_object(aws_response_header(resp, "ETag"), &res, &perr) != 0)
		err = codec_parse_failed(x, &perr, resp);
	((s3_put_cb)x->cb)(x->ud, err, err ? NULL : &res);
	s3_put_result_free(&res);
	free(x);
}

CODEC_DONE(list_done, s3_list_cb, s3_list_result_t, s3_parse_list_objects_v2,
           s3_list_result_free)
CODEC_DONE(delete_done, s3_delete_cb, s3_delete_result_t, s3_parse_delete_objects,
           s3_delete_result_free)

/* Sends the built request (rc 0) and frees it. */
static aws_call_t *start(aws_client_t *c, int rc, const char *op, s3_request_t *r,
                         aws_done_cb done, codec_fn cb, void *ud)
{
	aws_call_t *call = NULL;
	if (rc == 0)
		call = codec_rest(c, "s3", op, r->method, r->path, r->query, r->headers, r->nheaders,
		                  r->body, r->body_len, done, cb, ud);
	s3_request_free(r);
	return call;
}

aws_call_t *s3_put_object(aws_client_t *c, const char *bucket, const char *key, const void *body,
                          size_t len, s3_put_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_put_object(bucket, key, body, len, &r), "PutObject", &r, put_done,
	             (codec_fn)cb, ud);
}

aws_call_t *s3_create_bucket(aws_client_t *c, const char *bucket, const char *region,
                             s3_status_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_create_bucket(bucket, region, &r), "CreateBucket", &r,
	             codec_status_done, (codec_fn)cb, ud);
}

aws_call_t *s3_delete_bucket(aws_client_t *c, const char *bucket, s3_status_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_delete_bucket(bucket, &r), "DeleteBucket", &r, codec_status_done,
	             (codec_fn)cb, ud);
}

aws_call_t *s3_list_objects_v2(aws_client_t *c, const s3_list_req_t *req, s3_list_cb cb,
                               void *ud)
{
	s3_request_t r;
	return start(c, s3_build_list_objects_v2(req, &r), "ListObjectsV2", &r, list_done,
	             (codec_fn)cb, ud);
}

aws_call_t *s3_delete_objects(aws_client_t *c, const char *bucket, const char *const *keys,
                              size_t n, int quiet, s3_delete_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_delete_objects(bucket, keys, n, quiet, &r), "DeleteObjects", &r,
	             delete_done, (codec_fn)cb, ud);
}
