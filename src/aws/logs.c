#include "aws/logs.h"

#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"

cJSON *logs_build_get_log_events(const logs_get_events_req_t *req)
{
	if (!req->group || !*req->group || !req->stream || !*req->stream || req->limit < 0)
		return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "logGroupName", req->group);
	cJSON_AddStringToObject(j, "logStreamName", req->stream);
	cJSON_AddBoolToObject(j, "startFromHead", req->start_from_head != 0);
	if (req->next_token && *req->next_token)
		cJSON_AddStringToObject(j, "nextToken", req->next_token);
	if (req->limit > 0) cJSON_AddNumberToObject(j, "limit", req->limit);
	return j;
}

static const shape_field_t event_fields[] = {
	SHAPE_FIELD(logs_event_t, message, "message", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(logs_event_t, timestamp_ms, "timestamp", SHAPE_LONG, SHAPE_REQUIRED),
	SHAPE_FIELD(logs_event_t, ingestion_time_ms, "ingestionTime", SHAPE_LONG, 0),
};
static const shape_t event_shape = SHAPE(logs_event_t, event_fields);
static const shape_field_t events_fields[] = {
	SHAPE_LIST_FIELD(logs_events_t, events, n, "events", &event_shape, SHAPE_REQUIRED),
	SHAPE_FIELD(logs_events_t, next_forward_token, "nextForwardToken", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(logs_events_t, next_backward_token, "nextBackwardToken", SHAPE_TEXT, 0),
};
static const shape_t events_shape = SHAPE(logs_events_t, events_fields);

SHAPE_JSON_REPLY(logs_parse_get_log_events, logs_events_free, logs_events_t, events_shape,
                 "the GetLogEvents reply has no events list or nextForwardToken, or an event without timestamp "
                 "or message")

int logs_events_at_end(const logs_events_t *page, const char *sent_token)
{
	return page->n == 0 && sent_token && page->next_forward_token &&
	       strcmp(page->next_forward_token, sent_token) == 0;
}

static const codec_service_t logs = { "logs", LOGS_TARGET };

aws_call_t *logs_get_log_events(aws_client_t *c, const logs_get_events_req_t *req,
                                logs_events_cb cb, void *ud)
{
	return codec_json_send(c, &logs, "GetLogEvents", logs_build_get_log_events(req),
	                       &logs_parse_get_log_events_reply, (codec_fn)cb, ud);
}

/* ---- log streams and groups ---- */

static int nonempty(const char *s) { return s && *s; }

cJSON *logs_build_describe_log_streams(const char *group, const char *next_token, int limit)
{
	if (!nonempty(group) || limit < 0 || limit > 50) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "logGroupName", group);
	if (nonempty(next_token)) cJSON_AddStringToObject(j, "nextToken", next_token);
	if (limit > 0) cJSON_AddNumberToObject(j, "limit", limit);
	return j;
}

/* an empty group's reply may leave the list out; each stream gives its name */
static const shape_field_t stream_fields[] = {
	{ "logStreamName", SHAPE_TEXT, 0, 0, NULL, SHAPE_REQUIRED, 0 },
};
static const shape_t stream_shape = { sizeof(char *), stream_fields, 1, NULL, NULL };
static const shape_field_t streams_fields[] = {
	SHAPE_LIST_FIELD(logs_streams_t, names, n, "logStreams", &stream_shape, 0),
	SHAPE_FIELD(logs_streams_t, next_token, "nextToken", SHAPE_TEXT, 0),
};
static const shape_t streams_shape = SHAPE(logs_streams_t, streams_fields);

SHAPE_JSON_REPLY(logs_parse_describe_log_streams, logs_streams_free, logs_streams_t, streams_shape,
                 "the DescribeLogStreams reply has a logStreams that is not a list, or a stream without "
                 "logStreamName")

int logs_valid_retention_days(int days)
{
	static const int valid[] = { 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
	                             731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 };
	for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
		if (valid[i] == days) return 1;
	return 0;
}

cJSON *logs_build_put_retention_policy(const char *group, int days)
{
	if (!nonempty(group) || !logs_valid_retention_days(days)) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "logGroupName", group);
	cJSON_AddNumberToObject(j, "retentionInDays", days);
	return j;
}

static cJSON *group_body(const char *group, const char *stream)
{
	if (!nonempty(group) || (stream && !*stream)) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "logGroupName", group);
	if (stream) cJSON_AddStringToObject(j, "logStreamName", stream);
	return j;
}

aws_call_t *logs_describe_log_streams(aws_client_t *c, const char *group, const char *next_token,
                                      logs_streams_cb cb, void *ud)
{
	return codec_json_send(c, &logs, "DescribeLogStreams",
	                       logs_build_describe_log_streams(group, next_token, 0),
	                       &logs_parse_describe_log_streams_reply, (codec_fn)cb, ud);
}

aws_call_t *logs_delete_log_stream(aws_client_t *c, const char *group, const char *stream,
                                   logs_status_cb cb, void *ud)
{
	if (!nonempty(stream)) return NULL;
	return codec_json_send(c, &logs, "DeleteLogStream", group_body(group, stream), NULL,
	                       (codec_fn)cb, ud);
}

aws_call_t *logs_delete_log_group(aws_client_t *c, const char *group, logs_status_cb cb, void *ud)
{
	return codec_json_send(c, &logs, "DeleteLogGroup", group_body(group, NULL), NULL,
	                       (codec_fn)cb, ud);
}

aws_call_t *logs_put_retention_policy(aws_client_t *c, const char *group, int days,
                                      logs_status_cb cb, void *ud)
{
	return codec_json_send(c, &logs, "PutRetentionPolicy",
	                       logs_build_put_retention_policy(group, days), NULL, (codec_fn)cb, ud);
}
