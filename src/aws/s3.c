#include "aws/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "aws/codec.h"
#include "aws/shape.h"
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
	aws_headers_clear(r->headers, r->nheaders);
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

static int key_named(const void *obj)
{
	const char *key = ((const s3_object_t *)obj)->key;
	return key && *key ? 0 : -1;
}
static const shape_field_t object_fields[] = {
	SHAPE_FIELD(s3_object_t, key, "Key", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(s3_object_t, etag, "ETag", SHAPE_TOKEN, 0),
	SHAPE_FIELD(s3_object_t, size, "Size", SHAPE_LONG, 0),
	SHAPE_FIELD(s3_object_t, last_modified, "LastModified", SHAPE_TIME, 0),
};
static const shape_t object_shape = SHAPE_CHECK(s3_object_t, object_fields, key_named);

/* Keys sent with encoding-type=url are decoded; a reply without KeyCount counts its objects. */
static int list_hook(const xmlNode *r, void *obj)
{
	s3_list_result_t *out = obj;
	char *enc = xml_path_text(r, "EncodingType");
	if (enc && strcmp(enc, "url") == 0)
		for (size_t i = 0; i < out->n; i++)
			if (out->objects[i].key) url_decode(out->objects[i].key);
	free(enc);
	if (xml_path_int(r, "KeyCount", &out->key_count) != 0) out->key_count = (int)out->n;
	return 0;
}
static const shape_field_t list_fields[] = {
	SHAPE_LIST_FIELD(s3_list_result_t, objects, n, "Contents", &object_shape, SHAPE_FLAT),
	SHAPE_FIELD(s3_list_result_t, is_truncated, "IsTruncated", SHAPE_BOOL, 0),
	SHAPE_FIELD(s3_list_result_t, key_count, NULL, SHAPE_INT, 0),
	SHAPE_FIELD(s3_list_result_t, next_continuation_token, "NextContinuationToken", SHAPE_TOKEN, 0),
};
/* A rule the fields alone do not say: truncated means a token to go on with. */
static int list_goes_on(const void *obj)
{
	const s3_list_result_t *r = obj;
	return !r->is_truncated || r->next_continuation_token ? 0 : -1;
}
static const shape_t list_shape = { sizeof(s3_list_result_t), list_fields,
	                            sizeof list_fields / sizeof list_fields[0], list_hook, list_goes_on };

SHAPE_XML_REPLY(s3_parse_list_objects_v2, s3_list_result_free, s3_list_result_t, "ListBucketResult",
                NULL, list_shape,
                "the ListObjectsV2 reply has an object without a Key, or is truncated without a "
                "NextContinuationToken")

/* each <Deleted> gives its key */
static const shape_field_t deleted_fields[] = {
	{ "Key", SHAPE_TEXT, 0, 0, NULL, SHAPE_REQUIRED, 0 },
};
static const shape_t deleted_shape = { sizeof(char *), deleted_fields, 1, NULL, NULL };
static const shape_field_t delete_error_fields[] = {
	SHAPE_FIELD(s3_delete_error_t, key, "Key", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(s3_delete_error_t, code, "Code", SHAPE_TOKEN, SHAPE_REQUIRED),
	SHAPE_FIELD(s3_delete_error_t, message, "Message", SHAPE_TOKEN, 0),
};
static const shape_t delete_error_shape = SHAPE(s3_delete_error_t, delete_error_fields);
static const shape_field_t delete_fields[] = {
	SHAPE_LIST_FIELD(s3_delete_result_t, deleted, ndeleted, "Deleted", &deleted_shape, SHAPE_FLAT),
	SHAPE_LIST_FIELD(s3_delete_result_t, errors, nerrors, "Error", &delete_error_shape, SHAPE_FLAT),
};
static const shape_t delete_shape = SHAPE(s3_delete_result_t, delete_fields);

SHAPE_XML_REPLY(s3_parse_delete_objects, s3_delete_result_free, s3_delete_result_t, "DeleteResult", NULL,
                delete_shape, "an entry in the DeleteObjects reply has no Key or Code")

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

/* Sends the built request (rc 0) and frees it; its reply decoded by reply's table, or read
 * by done. */
static aws_call_t *start(aws_client_t *c, int rc, const char *op, s3_request_t *r,
                         const shape_reply_t *reply, aws_done_cb done, codec_fn cb, void *ud)
{
	aws_call_t *call = NULL;
	if (rc == 0)
		call = codec_rest(c, "s3", op, r->method, r->path, r->query, r->headers, r->nheaders,
		                  r->body, r->body_len, reply, done, cb, ud);
	s3_request_free(r);
	return call;
}

aws_call_t *s3_put_object(aws_client_t *c, const char *bucket, const char *key, const void *body,
                          size_t len, s3_put_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_put_object(bucket, key, body, len, &r), "PutObject", &r, NULL, put_done,
	             (codec_fn)cb, ud);
}

aws_call_t *s3_create_bucket(aws_client_t *c, const char *bucket, const char *region,
                             s3_status_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_create_bucket(bucket, region, &r), "CreateBucket", &r, NULL,
	             codec_status_done, (codec_fn)cb, ud);
}

aws_call_t *s3_delete_bucket(aws_client_t *c, const char *bucket, s3_status_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_delete_bucket(bucket, &r), "DeleteBucket", &r, NULL, codec_status_done,
	             (codec_fn)cb, ud);
}

aws_call_t *s3_list_objects_v2(aws_client_t *c, const s3_list_req_t *req, s3_list_cb cb,
                               void *ud)
{
	s3_request_t r;
	return start(c, s3_build_list_objects_v2(req, &r), "ListObjectsV2", &r,
	             &s3_parse_list_objects_v2_reply, NULL,
	             (codec_fn)cb, ud);
}

aws_call_t *s3_delete_objects(aws_client_t *c, const char *bucket, const char *const *keys,
                              size_t n, int quiet, s3_delete_cb cb, void *ud)
{
	s3_request_t r;
	return start(c, s3_build_delete_objects(bucket, keys, n, quiet, &r), "DeleteObjects", &r,
	             &s3_parse_delete_objects_reply, NULL, (codec_fn)cb, ud);
}
