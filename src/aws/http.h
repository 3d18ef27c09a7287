/* The async HTTP engine: libcurl multi transfers driven by the event loop's fd and
 * timer watchers. Never blocks. One transfer = one attempt; retries live above. */
#ifndef NIXL_AWS_HTTP_H
#define NIXL_AWS_HTTP_H

#include <stddef.h>

#include "aws/request.h"
#include "base/loop.h"

typedef struct http_engine http_engine_t;
typedef struct http_xfer http_xfer_t;

typedef struct http_result {
	long status;            /* 0 when no reply */
	int curl_code;          /* CURLE_OK or the transport error */
	const char *error;      /* curl's message when curl_code != 0 */
	aws_header_t *headers;  /* reply headers of the final response */
	size_t nheaders;
	char *body;             /* NUL-terminated; owned by the engine until the callback returns */
	size_t body_len;
	int truncated;          /* body exceeded max_body and was cut */
} http_result_t;

typedef void (*http_done_cb)(void *ud, const http_result_t *res);

typedef struct http_opts {
	long timeout_ms;        /* whole transfer; 0 = 60 s */
	long connect_timeout_ms;/* 0 = 10 s */
	size_t max_body;        /* 0 = 64 MiB */
	const char *ca_bundle;  /* AWS_CA_BUNDLE */
} http_opts_t;

http_engine_t *http_engine_new(loop_t *loop);
void http_engine_free(http_engine_t *e);
/* url = scheme://host[:port] + r->path [+ ? + r->query]; r's headers and body are sent
 * as they are (the request must stay alive only for this call: it is copied). */
http_xfer_t *http_send(http_engine_t *e, const char *base_url, const aws_request_t *r,
                       const http_opts_t *opts, http_done_cb cb, void *ud);
/* Aborts without calling the callback. */
void http_cancel(http_engine_t *e, http_xfer_t *x);
size_t http_in_flight(const http_engine_t *e);

#endif
