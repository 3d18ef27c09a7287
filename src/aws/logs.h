/* Amazon CloudWatch Logs (JSON 1.1, target prefix "Logs_20140328"): reading a log
 * stream forward, page by page. The end of a stream is reached when a page has no
 * events and its next_forward_token equals the token that was sent. Listing a group's
 * streams (50 a page at most), deleting streams and groups, setting a retention. */
#ifndef NIXL_AWS_LOGS_H
#define NIXL_AWS_LOGS_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "aws/client.h"
#include "aws/shape.h"

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
SHAPE_REPLY_DECL(logs_parse_get_log_events, logs_events_free, logs_events_t, logs_events_cb);

cJSON *logs_build_get_log_events(const logs_get_events_req_t *req);
/* True when this page, fetched with sent_token, shows the stream has no more events. */
int logs_events_at_end(const logs_events_t *page, const char *sent_token);

aws_call_t *logs_get_log_events(aws_client_t *c, const logs_get_events_req_t *req,
                                logs_events_cb cb, void *ud);

/* DescribeLogStreams: "limit ... The maximum number of items returned. If you don't
 * specify a value, the default is up to 50 items." (valid 1-50; CloudWatch Logs API
 * Reference). next_token NULL: first page; limit 0: the service default. */
typedef struct logs_streams {
	char **names;
	size_t n;
	char *next_token;  /* NULL: last page */
} logs_streams_t;
SHAPE_REPLY_DECL(logs_parse_describe_log_streams, logs_streams_free, logs_streams_t,
                 logs_streams_cb);

cJSON *logs_build_describe_log_streams(const char *group, const char *next_token, int limit);

/* PutRetentionPolicy accepts only these day counts (CloudWatch Logs API Reference,
 * PutRetentionPolicy, retentionInDays). */
int logs_valid_retention_days(int days);
cJSON *logs_build_put_retention_policy(const char *group, int days);

typedef void (*logs_status_cb)(void *ud, const aws_error_t *err);

aws_call_t *logs_describe_log_streams(aws_client_t *c, const char *group, const char *next_token,
                                      logs_streams_cb cb, void *ud);
aws_call_t *logs_delete_log_stream(aws_client_t *c, const char *group, const char *stream,
                                   logs_status_cb cb, void *ud);
aws_call_t *logs_delete_log_group(aws_client_t *c, const char *group, logs_status_cb cb, void *ud);
aws_call_t *logs_put_retention_policy(aws_client_t *c, const char *group, int days,
                                      logs_status_cb cb, void *ud);

#endif
