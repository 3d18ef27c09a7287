/* Amazon S3 (REST-XML, path-style /bucket/key): the object calls nixl-tui makes to
 * stage files for nodes. Builders produce the exact method/path/query/headers/body;
 * parsers read the XML replies; async wrappers as in cfn.h. */
#ifndef NIXL_AWS_S3_H
#define NIXL_AWS_S3_H

#include <stddef.h>
#include <time.h>

#include "aws/client.h"
#include "aws/shape.h"

/* DeleteObjects takes at most this many keys per call. */
#define S3_DELETE_MAX 1000

/* One REST request as built: owned strings; body is either borrowed (PutObject: the
 * caller's bytes) or owned_body (DeleteObjects: the XML we made). */
typedef struct s3_request {
	const char *method;
	char *path;   /* URI-encoded: "/bucket/dir/my%20file" */
	char *query;  /* URI-encoded, sorted, without '?'; NULL for none */
	aws_header_t headers[4];
	size_t nheaders;
	const void *body;
	size_t body_len;
	char *owned_body;
} s3_request_t;

void s3_request_free(s3_request_t *r);

typedef struct s3_list_req {
	const char *bucket;
	const char *prefix;              /* NULL: all keys */
	const char *continuation_token;  /* NULL: first page */
	int max_keys;                    /* 0: service default (1000) */
} s3_list_req_t;

typedef struct s3_object {
	char *key, *etag;
	long long size;
	time_t last_modified;
} s3_object_t;

typedef struct s3_list_result {
	s3_object_t *objects;
	size_t n;
	int is_truncated;
	int key_count;
	char *next_continuation_token;  /* NULL: last page */
} s3_list_result_t;
SHAPE_REPLY_DECL(s3_parse_list_objects_v2, s3_list_result_free, s3_list_result_t, s3_list_cb);

typedef struct s3_delete_error {
	char *key, *code, *message;
} s3_delete_error_t;

typedef struct s3_delete_result {
	char **deleted;  /* keys reported deleted (none in quiet mode) */
	size_t ndeleted;
	s3_delete_error_t *errors;
	size_t nerrors;
} s3_delete_result_t;
SHAPE_REPLY_DECL(s3_parse_delete_objects, s3_delete_result_free, s3_delete_result_t, s3_delete_cb);

typedef struct s3_put_result {
	char *etag;  /* as sent, with its quotes: "\"d41d8cd98f00b204e9800998ecf8427e\"" */
} s3_put_result_t;

/* -1 when bucket/key is empty, or (delete) when n is 0 or above S3_DELETE_MAX. */
int s3_build_put_object(const char *bucket, const char *key, const void *body, size_t len,
                        s3_request_t *out);
int s3_build_list_objects_v2(const s3_list_req_t *req, s3_request_t *out);
int s3_build_delete_objects(const char *bucket, const char *const *keys, size_t n, int quiet,
                            s3_request_t *out);

/* CreateBucket (a LocationConstraint outside us-east-1, where S3 refuses one) and
 * DeleteBucket (the bucket must be empty). -1 when bucket or region is empty. */
int s3_build_create_bucket(const char *bucket, const char *region, s3_request_t *out);
int s3_build_delete_bucket(const char *bucket, s3_request_t *out);

/* The virtual-hosted https URL CloudFormation reads an object at (TemplateURL):
 * "https://bucket.s3.region.amazonaws.com/key" (".amazonaws.com.cn" in cn-*), key
 * URI-encoded with its slashes kept. malloc'd; NULL when an argument is empty or on OOM.
 * It names the object in AWS whatever endpoint this client sends its own calls to. */
char *s3_object_url(const char *bucket, const char *region, const char *key);

/* PutObject's result is the ETag reply header (NULL: a parse error). */
int s3_parse_put_object(const char *etag_header, s3_put_result_t *out, aws_error_t *err);

void s3_put_result_free(s3_put_result_t *r);

typedef void (*s3_put_cb)(void *ud, const aws_error_t *err, s3_put_result_t *res);

aws_call_t *s3_put_object(aws_client_t *c, const char *bucket, const char *key, const void *body,
                          size_t len, s3_put_cb cb, void *ud);
aws_call_t *s3_list_objects_v2(aws_client_t *c, const s3_list_req_t *req, s3_list_cb cb,
                               void *ud);
typedef void (*s3_status_cb)(void *ud, const aws_error_t *err);
aws_call_t *s3_create_bucket(aws_client_t *c, const char *bucket, const char *region,
                             s3_status_cb cb, void *ud);
aws_call_t *s3_delete_bucket(aws_client_t *c, const char *bucket, s3_status_cb cb, void *ud);
/* Per-key failures come back in res->errors with err NULL: the call itself succeeded. */
aws_call_t *s3_delete_objects(aws_client_t *c, const char *bucket, const char *const *keys,
                              size_t n, int quiet, s3_delete_cb cb, void *ud);

#endif
