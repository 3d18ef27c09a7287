/* Amazon CloudWatch Logs (JSON 1.1, target prefix "Logs_20140328"): reading a log
 * stream forward, page by page. The end of a stream is reached when a page has no
 * events and its next_forward_token equals the token that was sent. */
#ifndef NIXL_AWS_LOGS_H
#define NIXL_AWS_LOGS_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "aws/client.h"

#define LOGS_TARGET "Logs_20140328"

typedef struct logs_get_events_req {
	const char *group, *stream;
	int start_from_head;     /* used on the first page (no next_token) */
	const char *next_token;  /* NULL: first page */
	int limit;               /* 0: service default (up to 10,000 events / 1 MB) */
} logs_get_events_req_t;

typedef struct logs_event {
	long long timestamp_ms, ingestion_time_ms;
	char *message;
} logs_event_t;

typedef struct logs_events {
	logs_event_t *events;
	size_t n;
	char *next_forward_token, *next_backward_token;
} logs_events_t;

cJSON *logs_build_get_log_events(const logs_get_events_req_t *req);
int logs_parse_get_log_events(const char *body, size_t len, logs_events_t *out,
                              aws_error_t *err);
void logs_events_free(logs_events_t *e);
/* True when this page, fetched with sent_token, shows the stream has no more events. */
int logs_events_at_end(const logs_events_t *page, const char *sent_token);

typedef void (*logs_events_cb)(void *ud, const aws_error_t *err, logs_events_t *res);

aws_call_t *logs_get_log_events(aws_client_t *c, const logs_get_events_req_t *req,
                                logs_events_cb cb, void *ud);

#endif
