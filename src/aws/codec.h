/* What the typed service modules (sts, cfn, ec2, s3, ssm, logs) share: parse-error
 * reporting, timestamps, JSON reads with the same limits as XML, and the glue that
 * turns an aws_call_* completion into a typed callback with a parsed result. */
#ifndef NIXL_AWS_CODEC_H
#define NIXL_AWS_CODEC_H

#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "aws/client.h"
#include "aws/error.h"
#include "aws/shape.h"

/* Clears err and sets AWS_ERR_PARSE, code "MalformedReply" and the message. Returns -1. */
int codec_fail(aws_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ISO 8601 / RFC 3339 ("2010-07-27T22:26:28Z", "2016-03-15T20:54:31.809Z",
 * "2025-02-15T11:30:00+00:00") to UTC seconds + milliseconds (ms may be NULL). */
int codec_time_parse(const char *s, time_t *sec, int *ms);
/* "2025-02-15T11:30:00Z", the form the Query protocol sends. */
void codec_time_format(time_t t, char *buf, size_t n);

/* A reply body the codecs will read: not empty, at most XML_MAX_BYTES. 0, or -1 with err set. */
int codec_body_check(const char *body, size_t len, aws_error_t *err);

/* JSON replies: NULL with err set (AWS_ERR_PARSE) when empty, too large or malformed. */
cJSON *codec_json_parse(const char *body, size_t len, aws_error_t *err);
/* Typed reads of obj[key]; absent or of another type: NULL / -1 and *out untouched. */
char *codec_json_str(const cJSON *obj, const char *key);
int codec_json_long(const cJSON *obj, const char *key, long long *out);
int codec_json_int(const cJSON *obj, const char *key, int *out);
int codec_json_bool(const cJSON *obj, const char *key, int *out);
int codec_json_double(const cJSON *obj, const char *key, double *out);
/* Epoch seconds as a number (the wire form, 1582245977.7) or an ISO 8601 string. */
int codec_json_time(const cJSON *obj, const char *key, time_t *sec, int *ms);

/* The strings of the array obj[key] (non-strings skipped), owned; NULL with *n 0 if none. */
char **codec_json_strv(const cJSON *obj, const char *key, size_t *n);
/* Adds key: [v...] to obj. */
void codec_json_add_strv(cJSON *obj, const char *key, const char *const *v, size_t n);

/* A list of owned strings. */
void codec_strv_free(char **v, size_t n);

/* A typed callback stored untyped: cast back to its own type before the call. */
typedef void (*codec_fn)(void);
/* For calls whose result is only success or an error (DeleteStack, CancelCommand...). */
typedef void (*codec_status_cb)(void *ud, const aws_error_t *err);

typedef struct codec_ctx {
	codec_fn cb;
	void *ud;
	const char *service, *op;  /* static strings */
	const shape_reply_t *reply; /* the reply's table (codec_*_send, codec_rest), or NULL */
} codec_ctx_t;

/* Completes a parse failure of a 2xx reply with who/what it was. Returns perr. */
const aws_error_t *codec_parse_failed(const codec_ctx_t *x, aws_error_t *perr,
                                      const aws_response_t *resp);

/* Sends a REST call (S3) with a fresh context: reply not NULL, its table decodes the 2xx
 * body for cb as codec_query_send's does; else done (which frees the context) reads the
 * response. NULL if it could not start. */
aws_call_t *codec_rest(aws_client_t *c, const char *service, const char *op, const char *method,
                       const char *path, const char *query, const aws_header_t *headers,
                       size_t nheaders, const void *body, size_t body_len,
                       const shape_reply_t *reply, aws_done_cb done, codec_fn cb, void *ud);
/* The done for codec_status_cb calls: any 2xx is success. */
void codec_status_done(void *ud, const aws_error_t *err, const aws_response_t *resp);

/* A service as its typed module calls it: its name ("ec2") and its Query API version
 * ("2016-11-15") or JSON 1.1 target prefix ("AmazonSSM"). */
typedef struct codec_service {
	const char *name, *version;
} codec_service_t;

/* Sends a Query call when rc is 0 (its builder accepted the request), then frees p.
 * reply NULL: cb is a codec_status_cb; else the reply's table decodes the 2xx body and
 * cb, of the form (void *ud, const aws_error_t *err, T *res), gets it (NULL on error)
 * and may take its contents by copying the struct and zeroing *res. NULL if not sent. */
aws_call_t *codec_query_send(aws_client_t *c, const codec_service_t *svc, const char *action,
                             int rc, aws_params_t *p, const shape_reply_t *reply, codec_fn cb,
                             void *ud);
/* The same for JSON 1.1: body NULL (its builder refused the request) sends nothing; body
 * is deleted. */
aws_call_t *codec_json_send(aws_client_t *c, const codec_service_t *svc, const char *op,
                            cJSON *body, const shape_reply_t *reply, codec_fn cb, void *ud);

#endif
