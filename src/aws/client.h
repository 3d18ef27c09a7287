/* The AWS client: resolves credentials, region and endpoints once, then sends
 * signed calls over the async HTTP engine on the event loop, with the SDKs'
 * standard retry mode and clock-skew correction. Typed operations (sts.c,
 * cfn.c, ec2.c, s3.c, ssm.c, logs.c) are built on the four aws_call_* below. */
#ifndef NIXL_AWS_CLIENT_H
#define NIXL_AWS_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "aws/error.h"
#include "aws/request.h"
#include "base/loop.h"

typedef struct aws_client aws_client_t;
typedef struct aws_call aws_call_t;

/* What the user gave (flags); NULL fields fall back to env/profile as the CLI does. */
typedef struct aws_client_opts {
	const char *profile;       /* --profile */
	const char *region;        /* --region */
	const char *endpoint_url;  /* --endpoint-url */
	int max_attempts;          /* 0: AWS_MAX_ATTEMPTS or 3 */
	int retry_base_ms;         /* backoff base; 0: 1000 as the SDKs (tests use less) */
	uint64_t jitter_seed;      /* 0: seeded from the OS; tests fix it to repeat delays */
	int allow_http;            /* http:// to a host other than loopback (keys in clear) */
	/* Credentials that do not resolve (none found, a profile missing) make the client
	 * anyway: each call resolves them again and, while they still do not, fails with the
	 * same sentence (the console opens and says it on its first screen). 0: no client. */
	int defer_creds_error;
	void (*log)(void *ud, const char *line); /* one line per AWS call (never secrets) */
	void *log_ud;
} aws_client_opts_t;

/* A reply: status, headers and the whole body (NUL-terminated for parsers). */
typedef struct aws_response {
	long status;
	aws_header_t *headers;
	size_t nheaders;
	char *body;
	size_t body_len;
	const char *request_id;
} aws_response_t;

const char *aws_response_header(const aws_response_t *r, const char *name);

/* err is NULL on success (then resp is the 2xx reply); resp may be NULL on error. */
typedef void (*aws_done_cb)(void *ud, const aws_error_t *err, const aws_response_t *resp);

/* Query parameters: an ordered list, encoded as application/x-www-form-urlencoded. */
typedef struct aws_params {
	aws_header_t *kv;
	size_t n, cap;
} aws_params_t;
void aws_params_add(aws_params_t *p, const char *key, const char *value);
void aws_params_addf(aws_params_t *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void aws_params_free(aws_params_t *p);

/* Builds the client; on a configuration or credential-chain problem returns NULL and
 * err says what was tried and how to fix it. Credentials that need the network (STS
 * AssumeRole, IMDS) are fetched lazily by the first call. */
aws_client_t *aws_client_new(loop_t *loop, const aws_client_opts_t *opts, aws_error_t *err);
void aws_client_free(aws_client_t *c);
loop_t *aws_client_loop(aws_client_t *c);
const char *aws_client_region(const aws_client_t *c);
/* The endpoint URL a service is reached at ("https://sts.us-east-1.amazonaws.com"). */
const char *aws_client_endpoint(aws_client_t *c, const char *service);
/* The same, only when the user configured it (--endpoint-url, AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the profile's endpoint_url, unless ignore_configured_endpoint_urls:
 * AWS SDKs and Tools Reference Guide, "Service-specific endpoints"); NULL for AWS's own. */
const char *aws_client_endpoint_configured(aws_client_t *c, const char *service);
/* Where credentials came from ("environment", "profile dev", ...): never the secret. */
const char *aws_client_creds_source(const aws_client_t *c);

/* Query protocol (sts, cloudformation, ec2, iam): POST form Action/Version + params. */
aws_call_t *aws_call_query(aws_client_t *c, const char *service, const char *action,
                           const char *version, const aws_params_t *params, aws_done_cb cb,
                           void *ud);
/* JSON 1.1 (ssm "AmazonSSM", logs "Logs_20140328"): X-Amz-Target prefix.op, body
 * from cJSON (NULL = "{}"). */
aws_call_t *aws_call_json(aws_client_t *c, const char *service, const char *target_prefix,
                          const char *op, const cJSON *body, aws_done_cb cb, void *ud);
/* REST-XML (s3): path-style /bucket/key; key and query must already be URI-encoded. */
aws_call_t *aws_call_rest(aws_client_t *c, const char *service, const char *operation,
                          const char *method, const char *path, const char *query,
                          const aws_header_t *headers, size_t nheaders, const void *body,
                          size_t body_len, aws_done_cb cb, void *ud);
/* Cancels a call in flight: its callback runs once with AWS_ERR_CANCELLED. */
void aws_call_cancel(aws_call_t *call);

/* HTTP requests sent so far (every attempt of every call: one per --log reply line). */
unsigned aws_client_requests(const aws_client_t *c);
/* cb(ud) after each request is sent (one observer); cb NULL forgets ud's. */
void aws_client_on_request(aws_client_t *c, void (*cb)(void *ud), void *ud);

/* Helper for headless commands and tests: run the loop until *done or timeout_ms. */
int aws_client_wait(aws_client_t *c, const int *done, int timeout_ms);

#endif
