#include "aws/shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/codec.h"
#include "aws/xml.h"

#define AT(obj, off, type) ((type *)(void *)((char *)(obj) + (off)))

static void init_scalars(const shape_t *sh, void *obj)
{
	for (size_t i = 0; i < sh->nfields; i++) {
		const shape_field_t *f = &sh->fields[i];
		if (!(f->flags & SHAPE_INIT)) continue;
		if (f->kind == SHAPE_LONG) *AT(obj, f->off, long long) = f->init;
		else if (f->kind == SHAPE_INT || f->kind == SHAPE_BOOL) *AT(obj, f->off, int) = f->init;
	}
}

static int xml_field(const xmlNode *node, const shape_field_t *f, void *obj);
static int json_field(const cJSON *node, const shape_field_t *f, void *obj);

/* What both decoders do with a shape: its scalars' starting values, every field with a
 * path read from node (an xmlNode, or a cJSON when json), the XML hook, then the rule
 * across fields. 0 or -1. */
static int decode(const void *node, const shape_t *sh, void *obj, int json)
{
	int rc = 0;
	init_scalars(sh, obj);
	for (size_t i = 0; i < sh->nfields; i++) {
		const shape_field_t *f = &sh->fields[i];
		if (f->path && (json ? json_field(node, f, obj) : xml_field(node, f, obj)) < 0) rc = -1;
	}
	if (!json && sh->xml_hook && sh->xml_hook(node, obj) < 0) rc = -1;
	if (rc == 0 && sh->check && sh->check(obj) < 0) rc = -1;
	return rc;
}

/* A reply decoded with rc: 0, or out freed and err saying what is missing. */
static int decoded(const shape_reply_t *r, int rc, void *out, aws_error_t *err)
{
	if (rc == 0) return 0;
	shape_free(r->shape, out);
	return codec_fail(err, "%s", r->missing);
}

/* ---- XML ---- */

static const xmlNode *xml_at(const xmlNode *node, const char *path)
{
	return *path ? xml_path(node, path) : node;
}

/* The items of the list at path (children named item or member), through "*" steps;
 * with arr NULL only counted. Each item is decoded into arr[*n] and *n counts it even
 * when its decoding fails, so that what it allocated is freed with the rest. */
static size_t xml_items(const xmlNode *from, const char *path, const shape_t *elem, char *arr, size_t *n,
                        int *rc);

static int xml_decode(const xmlNode *node, const shape_t *sh, void *obj);

static size_t xml_each(const xmlNode *list, const char *name, const shape_t *elem, char *arr, size_t *n,
                       int *rc)
{
	size_t cnt = 0;
	for (const xmlNode *m = xml_first(list, name); m; m = xml_next(m, name), cnt++) {
		if (!arr) continue;
		if (xml_decode(m, elem, arr + *n * elem->size) < 0) *rc = -1;
		(*n)++;
	}
	return cnt;
}

/* A flat list's elements: those named like the path's last step, under the rest. */
static size_t xml_flat(const xmlNode *from, const char *path, const shape_t *elem, char *arr, size_t *n, int *rc)
{
	const char *slash = strrchr(path, '/');
	if (!slash) return xml_each(from, path, elem, arr, n, rc);
	char head[128];
	size_t hl = (size_t)(slash - path);
	if (hl >= sizeof head) return 0;
	memcpy(head, path, hl);
	head[hl] = 0;
	return xml_each(xml_at(from, head), slash + 1, elem, arr, n, rc);
}

static size_t xml_items(const xmlNode *from, const char *path, const shape_t *elem, char *arr, size_t *n,
                        int *rc)
{
	const char *star = strstr(path, "/*/");
	if (!star) return xml_each(xml_at(from, path), NULL, elem, arr, n, rc);
	char head[128];
	size_t hl = (size_t)(star - path);
	if (hl >= sizeof head) return 0;
	memcpy(head, path, hl);
	head[hl] = 0;
	size_t cnt = 0;
	const xmlNode *outer = xml_at(from, head);
	for (const xmlNode *m = xml_first(outer, NULL); m; m = xml_next(m, NULL))
		cnt += xml_items(m, star + 3, elem, arr, n, rc);
	return cnt;
}

static int xml_list(const xmlNode *node, const shape_field_t *f, void *obj)
{
	int rc = 0, flat = (f->flags & SHAPE_FLAT) != 0;
	size_t zero = 0, cnt = flat ? xml_flat(node, f->path, f->elem, NULL, &zero, &rc)
	                            : xml_items(node, f->path, f->elem, NULL, &zero, &rc);
	if (!cnt) return (f->flags & SHAPE_REQUIRED) && (flat || !xml_at(node, f->path)) ? -1 : 0;
	char *arr = calloc(cnt, f->elem->size);
	if (!arr) return -1;
	*AT(obj, f->off, void *) = arr;
	if (flat) xml_flat(node, f->path, f->elem, arr, AT(obj, f->aux, size_t), &rc);
	else xml_items(node, f->path, f->elem, arr, AT(obj, f->aux, size_t), &rc);
	return rc;
}

static int xml_field(const xmlNode *node, const shape_field_t *f, void *obj)
{
	int got = 0;
	switch (f->kind) {
	case SHAPE_TOKEN:
		got = (*AT(obj, f->off, char *) = xml_path_token(node, f->path)) != NULL;
		break;
	case SHAPE_TEXT:
		got = (*AT(obj, f->off, char *) = xml_path_text(node, f->path)) != NULL;
		break;
	case SHAPE_INT:
		got = xml_path_int(node, f->path, AT(obj, f->off, int)) == 0;
		break;
	case SHAPE_LONG:
		got = xml_path_long(node, f->path, AT(obj, f->off, long long)) == 0;
		break;
	case SHAPE_BOOL:
		got = xml_path_bool(node, f->path, AT(obj, f->off, int)) == 0;
		break;
	case SHAPE_DOUBLE:
		got = xml_path_double(node, f->path, AT(obj, f->off, double)) == 0;
		break;
	case SHAPE_TIME:
		got = xml_path_time(node, f->path, AT(obj, f->off, time_t),
		                    f->flags & SHAPE_MS ? AT(obj, f->aux, int) : NULL) == 0;
		break;
	case SHAPE_STRV: {
		const xmlNode *list = xml_at(node, f->path);
		*AT(obj, f->off, char **) = xml_strv(list, AT(obj, f->aux, size_t));
		got = list != NULL;
		break;
	}
	case SHAPE_LIST:
		return xml_list(node, f, obj);
	case SHAPE_STRUCT:
		return xml_decode(xml_at(node, f->path), f->elem, AT(obj, f->off, char));
	}
	return got || !(f->flags & SHAPE_REQUIRED) ? 0 : -1;
}

static int xml_decode(const xmlNode *node, const shape_t *sh, void *obj)
{
	return decode(node, sh, obj, 0);
}

int shape_xml_reply(const shape_reply_t *r, const char *body, size_t len, void *out, aws_error_t *err)
{
	memset(out, 0, r->shape->size);
	xmlDoc *doc;
	xmlNode *node = xml_open(body, len, r->root, r->result, &doc, err);
	if (!node) return -1;
	int rc = xml_decode(node, r->shape, out);
	xmlFreeDoc(doc);
	return decoded(r, rc, out, err);
}

/* ---- JSON ---- */

/* The object at the path's directory and the path's last key ("a/b/c": obj.a.b, "c"). */
static const cJSON *json_parent(const cJSON *obj, const char *path, const char **key)
{
	const char *slash;
	while (obj && (slash = strchr(path, '/'))) {
		char step[64];
		size_t n = (size_t)(slash - path);
		if (n >= sizeof step) return NULL;
		memcpy(step, path, n);
		step[n] = 0;
		obj = cJSON_GetObjectItemCaseSensitive(obj, step);
		path = slash + 1;
	}
	*key = path;
	return obj;
}

static const cJSON *json_at(const cJSON *obj, const char *path)
{
	const char *key;
	if (!*path) return obj;
	const cJSON *parent = json_parent(obj, path, &key);
	return cJSON_GetObjectItemCaseSensitive(parent, key);
}

static int json_decode(const cJSON *node, const shape_t *sh, void *obj);

static int json_list(const cJSON *node, const shape_field_t *f, void *obj)
{
	const cJSON *a = json_at(node, f->path);
	if (!a) return f->flags & SHAPE_REQUIRED ? -1 : 0;
	if (!cJSON_IsArray(a)) return -1;
	int cnt = cJSON_GetArraySize(a);
	if (cnt <= 0) return 0;
	char *arr = calloc((size_t)cnt, f->elem->size);
	if (!arr) return -1;
	*AT(obj, f->off, void *) = arr;
	size_t *n = AT(obj, f->aux, size_t);
	const cJSON *e;
	cJSON_ArrayForEach(e, a) {
		int rc = json_decode(e, f->elem, arr + *n * f->elem->size);
		(*n)++;
		if (rc < 0) return -1;
	}
	return 0;
}

static int json_field(const cJSON *node, const shape_field_t *f, void *obj)
{
	const char *key;
	const cJSON *parent = json_parent(node, f->path, &key);
	int got = 0;
	switch (f->kind) {
	case SHAPE_TOKEN:
	case SHAPE_TEXT:
		got = (*AT(obj, f->off, char *) = codec_json_str(parent, key)) != NULL;
		break;
	case SHAPE_INT:
		got = codec_json_int(parent, key, AT(obj, f->off, int)) == 0;
		break;
	case SHAPE_LONG:
		got = codec_json_long(parent, key, AT(obj, f->off, long long)) == 0;
		break;
	case SHAPE_BOOL:
		got = codec_json_bool(parent, key, AT(obj, f->off, int)) == 0;
		break;
	case SHAPE_DOUBLE:
		got = codec_json_double(parent, key, AT(obj, f->off, double)) == 0;
		break;
	case SHAPE_TIME:
		got = codec_json_time(parent, key, AT(obj, f->off, time_t),
		                      f->flags & SHAPE_MS ? AT(obj, f->aux, int) : NULL) == 0;
		break;
	case SHAPE_STRV:
		*AT(obj, f->off, char **) = codec_json_strv(parent, key, AT(obj, f->aux, size_t));
		got = cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(parent, key));
		break;
	case SHAPE_LIST:
		return json_list(node, f, obj);
	case SHAPE_STRUCT:
		return json_decode(json_at(node, f->path), f->elem, AT(obj, f->off, char));
	}
	return got || !(f->flags & SHAPE_REQUIRED) ? 0 : -1;
}

static int json_decode(const cJSON *node, const shape_t *sh, void *obj)
{
	return decode(node, sh, obj, 1);
}

int shape_json_reply(const shape_reply_t *r, const char *body, size_t len, void *out, aws_error_t *err)
{
	memset(out, 0, r->shape->size);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	int rc = json_decode(j, r->shape, out);
	cJSON_Delete(j);
	return decoded(r, rc, out, err);
}

int shape_reply(const shape_reply_t *r, const char *body, size_t len, void *out, aws_error_t *err)
{
	return (r->json ? shape_json_reply : shape_xml_reply)(r, body, len, out, err);
}

/* ---- free ---- */

static void free_fields(const shape_t *sh, void *obj)
{
	for (size_t i = 0; i < sh->nfields; i++) {
		const shape_field_t *f = &sh->fields[i];
		if (f->kind == SHAPE_TOKEN || f->kind == SHAPE_TEXT) {
			char *s = *AT(obj, f->off, char *);
			if (s && (f->flags & SHAPE_SECRET)) OPENSSL_cleanse(s, strlen(s));
			free(s);
		} else if (f->kind == SHAPE_STRV) {
			codec_strv_free(*AT(obj, f->off, char **), *AT(obj, f->aux, size_t));
		} else if (f->kind == SHAPE_LIST) {
			char *arr = *AT(obj, f->off, char *);
			size_t n = *AT(obj, f->aux, size_t);
			for (size_t k = 0; arr && k < n; k++) free_fields(f->elem, arr + k * f->elem->size);
			free(arr);
		} else if (f->kind == SHAPE_STRUCT) {
			free_fields(f->elem, AT(obj, f->off, char));
		}
	}
}

void shape_free(const shape_t *sh, void *obj)
{
	if (!obj) return;
	free_fields(sh, obj);
	memset(obj, 0, sh->size);
}
