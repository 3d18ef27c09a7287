#include "aws/ssm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"

static int nonempty(const char *s)
{
	return s && *s;
}

static int all_nonempty(const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!nonempty(v[i])) return 0;
	return 1;
}

cJSON *ssm_build_get_parameter(const char *name, int with_decryption)
{
	if (!nonempty(name)) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "Name", name);
	cJSON_AddBoolToObject(j, "WithDecryption", with_decryption != 0);
	return j;
}

cJSON *ssm_build_put_parameter(const ssm_put_parameter_req_t *req)
{
	if (!nonempty(req->name) || !req->value) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "Name", req->name);
	cJSON_AddStringToObject(j, "Value", req->value);
	cJSON_AddStringToObject(j, "Type", nonempty(req->type) ? req->type : "String");
	if (req->description) cJSON_AddStringToObject(j, "Description", req->description);
	cJSON_AddBoolToObject(j, "Overwrite", req->overwrite != 0);
	return j;
}

cJSON *ssm_build_send_command(const ssm_send_command_req_t *req)
{
	if (!req->ninstance_ids || req->ninstance_ids > SSM_SEND_COMMAND_MAX_IDS ||
	    !all_nonempty(req->instance_ids, req->ninstance_ids) ||
	    !req->ncommands || req->timeout_seconds < 0 || req->execution_timeout < 0)
		return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "DocumentName",
	                        nonempty(req->document_name) ? req->document_name
	                                                     : "AWS-RunShellScript");
	codec_json_add_strv(j, "InstanceIds", req->instance_ids, req->ninstance_ids);
	cJSON *params = cJSON_AddObjectToObject(j, "Parameters");
	codec_json_add_strv(params, "commands", req->commands, req->ncommands);
	if (req->execution_timeout > 0) {
		char t[16];
		snprintf(t, sizeof t, "%d", req->execution_timeout);
		const char *tv[] = {t};
		/* Document parameters are string lists, numbers included. */
		codec_json_add_strv(params, "executionTimeout", tv, 1);
	}
	if (req->timeout_seconds > 0) cJSON_AddNumberToObject(j, "TimeoutSeconds", req->timeout_seconds);
	if (req->comment) cJSON_AddStringToObject(j, "Comment", req->comment);
	if (nonempty(req->cloudwatch_log_group)) {
		cJSON *cw = cJSON_AddObjectToObject(j, "CloudWatchOutputConfig");
		cJSON_AddStringToObject(cw, "CloudWatchLogGroupName", req->cloudwatch_log_group);
		cJSON_AddBoolToObject(cw, "CloudWatchOutputEnabled", 1);
	}
	return j;
}

cJSON *ssm_build_get_command_invocation(const char *command_id, const char *instance_id,
                                        const char *plugin_name)
{
	if (!nonempty(command_id) || !nonempty(instance_id)) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "CommandId", command_id);
	cJSON_AddStringToObject(j, "InstanceId", instance_id);
	if (nonempty(plugin_name)) cJSON_AddStringToObject(j, "PluginName", plugin_name);
	return j;
}

cJSON *ssm_build_describe_instance_information(const char *const *ids, size_t n,
                                               const char *next_token, int max_results)
{
	if (!all_nonempty(ids, n) || max_results < 0) return NULL;
	cJSON *j = cJSON_CreateObject();
	if (n) {
		cJSON *filters = cJSON_AddArrayToObject(j, "Filters");
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "Key", "InstanceIds");
		codec_json_add_strv(f, "Values", ids, n);
		cJSON_AddItemToArray(filters, f);
	}
	if (max_results > 0) cJSON_AddNumberToObject(j, "MaxResults", max_results);
	if (nonempty(next_token)) cJSON_AddStringToObject(j, "NextToken", next_token);
	return j;
}

cJSON *ssm_build_list_command_invocations(const char *command_id, const char *next_token,
                                          int max_results)
{
	if (!nonempty(command_id) || max_results < 0 || max_results > 50) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "CommandId", command_id);
	if (max_results) cJSON_AddNumberToObject(j, "MaxResults", max_results);
	if (nonempty(next_token)) cJSON_AddStringToObject(j, "NextToken", next_token);
	return j;
}

cJSON *ssm_build_cancel_command(const char *command_id, const char *const *ids, size_t n)
{
	if (!nonempty(command_id) || !all_nonempty(ids, n)) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "CommandId", command_id);
	if (n) codec_json_add_strv(j, "InstanceIds", ids, n);
	return j;
}

/* ---- reply shapes (src/aws/shape.h) ---- */

#define F SHAPE_FIELD
#define REQ SHAPE_REQUIRED

static const shape_field_t parameter_fields[] = {
	F(ssm_parameter_t, name, "Parameter/Name", SHAPE_TEXT, REQ),
	F(ssm_parameter_t, type, "Parameter/Type", SHAPE_TEXT, 0),
	F(ssm_parameter_t, value, "Parameter/Value", SHAPE_TEXT, REQ),
	F(ssm_parameter_t, arn, "Parameter/ARN", SHAPE_TEXT, 0),
	F(ssm_parameter_t, version, "Parameter/Version", SHAPE_LONG, 0),
	F(ssm_parameter_t, last_modified, "Parameter/LastModifiedDate", SHAPE_TIME, 0),
};
static const shape_t parameter_shape = SHAPE(ssm_parameter_t, parameter_fields);

static const shape_field_t put_fields[] = {
	F(ssm_put_parameter_result_t, version, "Version", SHAPE_LONG, REQ),
	F(ssm_put_parameter_result_t, tier, "Tier", SHAPE_TEXT, 0),
};
static const shape_t put_shape = SHAPE(ssm_put_parameter_result_t, put_fields);

static const shape_field_t command_fields[] = {
	F(ssm_command_t, command_id, "CommandId", SHAPE_TEXT, REQ),
	F(ssm_command_t, document_name, "DocumentName", SHAPE_TEXT, 0),
	F(ssm_command_t, status, "Status", SHAPE_TEXT, 0),
	F(ssm_command_t, status_details, "StatusDetails", SHAPE_TEXT, 0),
	F(ssm_command_t, comment, "Comment", SHAPE_TEXT, 0),
	SHAPE_STRV_FIELD(ssm_command_t, instance_ids, ninstance_ids, "InstanceIds"),
	F(ssm_command_t, target_count, "TargetCount", SHAPE_INT, 0),
	F(ssm_command_t, completed_count, "CompletedCount", SHAPE_INT, 0),
	F(ssm_command_t, error_count, "ErrorCount", SHAPE_INT, 0),
	F(ssm_command_t, timeout_seconds, "TimeoutSeconds", SHAPE_INT, 0),
	F(ssm_command_t, requested, "RequestedDateTime", SHAPE_TIME, 0),
	F(ssm_command_t, expires_after, "ExpiresAfter", SHAPE_TIME, 0),
};
static const shape_t command_shape = SHAPE(ssm_command_t, command_fields);
static const shape_field_t sent_fields[] = {
	SHAPE_STRUCT_FIELD(ssm_send_command_result_t, command, "Command", &command_shape),
};
static const shape_t sent_shape = SHAPE(ssm_send_command_result_t, sent_fields);

static const shape_field_t invocation_fields[] = {
	F(ssm_invocation_t, command_id, "CommandId", SHAPE_TEXT, REQ),
	F(ssm_invocation_t, instance_id, "InstanceId", SHAPE_TEXT, REQ),
	F(ssm_invocation_t, plugin_name, "PluginName", SHAPE_TEXT, 0),
	F(ssm_invocation_t, document_name, "DocumentName", SHAPE_TEXT, 0),
	F(ssm_invocation_t, status, "Status", SHAPE_TEXT, REQ),
	F(ssm_invocation_t, status_details, "StatusDetails", SHAPE_TEXT, 0),
	SHAPE_INIT_FIELD(ssm_invocation_t, response_code, "ResponseCode", SHAPE_INT, -1),
	F(ssm_invocation_t, stdout_content, "StandardOutputContent", SHAPE_TEXT, 0),
	F(ssm_invocation_t, stderr_content, "StandardErrorContent", SHAPE_TEXT, 0),
	F(ssm_invocation_t, stdout_url, "StandardOutputUrl", SHAPE_TEXT, 0),
	F(ssm_invocation_t, stderr_url, "StandardErrorUrl", SHAPE_TEXT, 0),
	F(ssm_invocation_t, start_time, "ExecutionStartDateTime", SHAPE_TIME, 0),
	F(ssm_invocation_t, end_time, "ExecutionEndDateTime", SHAPE_TIME, 0),
	F(ssm_invocation_t, cloudwatch_log_group, "CloudWatchOutputConfig/CloudWatchLogGroupName", SHAPE_TEXT, 0),
	F(ssm_invocation_t, cloudwatch_enabled, "CloudWatchOutputConfig/CloudWatchOutputEnabled", SHAPE_BOOL, 0),
};
static const shape_t invocation_shape = SHAPE(ssm_invocation_t, invocation_fields);

/* a row of ListCommandInvocations without Details */
static const shape_field_t row_fields[] = {
	F(ssm_invocation_t, command_id, "CommandId", SHAPE_TEXT, 0),
	F(ssm_invocation_t, instance_id, "InstanceId", SHAPE_TEXT, REQ),
	F(ssm_invocation_t, document_name, "DocumentName", SHAPE_TEXT, 0),
	F(ssm_invocation_t, status, "Status", SHAPE_TEXT, REQ),
	F(ssm_invocation_t, status_details, "StatusDetails", SHAPE_TEXT, 0),
	SHAPE_INIT_FIELD(ssm_invocation_t, response_code, NULL, SHAPE_INT, -1),
};
static const shape_t row_shape = SHAPE(ssm_invocation_t, row_fields);
static const shape_field_t rows_fields[] = {
	SHAPE_LIST_FIELD(ssm_invocations_t, items, n, "CommandInvocations", &row_shape, REQ),
	F(ssm_invocations_t, next_token, "NextToken", SHAPE_TEXT, 0),
};
static const shape_t rows_shape = SHAPE(ssm_invocations_t, rows_fields);

static const shape_field_t info_fields[] = {
	F(ssm_instance_info_t, instance_id, "InstanceId", SHAPE_TEXT, REQ),
	F(ssm_instance_info_t, ping_status, "PingStatus", SHAPE_TEXT, 0),
	F(ssm_instance_info_t, platform_type, "PlatformType", SHAPE_TEXT, 0),
	F(ssm_instance_info_t, platform_name, "PlatformName", SHAPE_TEXT, 0),
	F(ssm_instance_info_t, platform_version, "PlatformVersion", SHAPE_TEXT, 0),
	F(ssm_instance_info_t, agent_version, "AgentVersion", SHAPE_TEXT, 0),
	F(ssm_instance_info_t, ip_address, "IPAddress", SHAPE_TEXT, 0),
	F(ssm_instance_info_t, computer_name, "ComputerName", SHAPE_TEXT, 0),
	F(ssm_instance_info_t, last_ping, "LastPingDateTime", SHAPE_TIME, 0),
};
static const shape_t info_shape = SHAPE(ssm_instance_info_t, info_fields);
static const shape_field_t infos_fields[] = {
	SHAPE_LIST_FIELD(ssm_instance_infos_t, instances, n, "InstanceInformationList", &info_shape, REQ),
	F(ssm_instance_infos_t, next_token, "NextToken", SHAPE_TEXT, 0),
};
static const shape_t infos_shape = SHAPE(ssm_instance_infos_t, infos_fields);

#undef F
#undef REQ

SHAPE_JSON_REPLY(ssm_parse_get_parameter, ssm_parameter_free, ssm_parameter_t, parameter_shape,
                 "the GetParameter reply has no Parameter Name or Value")
SHAPE_JSON_REPLY(ssm_parse_put_parameter, ssm_put_parameter_result_free, ssm_put_parameter_result_t, put_shape,
                 "the PutParameter reply has no Version")
SHAPE_JSON_REPLY(ssm_parse_send_command, ssm_send_command_result_free, ssm_send_command_result_t, sent_shape,
                 "the SendCommand reply has no Command.CommandId")
SHAPE_JSON_REPLY(ssm_parse_get_command_invocation, ssm_invocation_free, ssm_invocation_t, invocation_shape,
                 "the GetCommandInvocation reply has no CommandId, InstanceId or Status")
SHAPE_JSON_REPLY(ssm_parse_list_command_invocations, ssm_invocations_free, ssm_invocations_t, rows_shape,
                 "the ListCommandInvocations reply has no CommandInvocations, or an entry without InstanceId "
                 "or Status")
SHAPE_JSON_REPLY(ssm_parse_describe_instance_information, ssm_instance_infos_free, ssm_instance_infos_t,
                 infos_shape,
                 "the DescribeInstanceInformation reply has no InstanceInformationList, or an entry without "
                 "InstanceId")


int ssm_invocation_status_is_final(const char *status)
{
	static const char *const final[] = {"Success", "Failed", "Cancelled", "TimedOut"};
	for (size_t i = 0; status && i < sizeof final / sizeof *final; i++)
		if (strcmp(status, final[i]) == 0) return 1;
	return 0;
}

/* ---- async wrappers ---- */

static const codec_service_t ssm = { "ssm", SSM_TARGET };

aws_call_t *ssm_get_parameter(aws_client_t *c, const char *name, int with_decryption,
                              ssm_parameter_cb cb, void *ud)
{
	return codec_json_send(c, &ssm, "GetParameter", ssm_build_get_parameter(name, with_decryption),
	                       &ssm_parse_get_parameter_reply, (codec_fn)cb, ud);
}

aws_call_t *ssm_put_parameter(aws_client_t *c, const ssm_put_parameter_req_t *req,
                              ssm_put_parameter_cb cb, void *ud)
{
	return codec_json_send(c, &ssm, "PutParameter", ssm_build_put_parameter(req),
	                       &ssm_parse_put_parameter_reply, (codec_fn)cb, ud);
}

aws_call_t *ssm_send_command(aws_client_t *c, const ssm_send_command_req_t *req,
                             ssm_send_command_cb cb, void *ud)
{
	return codec_json_send(c, &ssm, "SendCommand", ssm_build_send_command(req),
	                       &ssm_parse_send_command_reply, (codec_fn)cb, ud);
}

aws_call_t *ssm_get_command_invocation(aws_client_t *c, const char *command_id,
                                       const char *instance_id, ssm_invocation_cb cb, void *ud)
{
	return codec_json_send(c, &ssm, "GetCommandInvocation",
	                       ssm_build_get_command_invocation(command_id, instance_id, NULL),
	                       &ssm_parse_get_command_invocation_reply, (codec_fn)cb, ud);
}

aws_call_t *ssm_list_command_invocations(aws_client_t *c, const char *command_id,
                                        const char *next_token, int max_results,
                                        ssm_invocations_cb cb, void *ud)
{
	return codec_json_send(c, &ssm, "ListCommandInvocations",
	                       ssm_build_list_command_invocations(command_id, next_token, max_results),
	                       &ssm_parse_list_command_invocations_reply, (codec_fn)cb, ud);
}

aws_call_t *ssm_describe_instance_information(aws_client_t *c, const char *const *ids, size_t n,
                                              const char *next_token, ssm_instance_infos_cb cb,
                                              void *ud)
{
	return codec_json_send(c, &ssm, "DescribeInstanceInformation",
	                       ssm_build_describe_instance_information(ids, n, next_token, 0),
	                       &ssm_parse_describe_instance_information_reply, (codec_fn)cb, ud);
}

aws_call_t *ssm_cancel_command(aws_client_t *c, const char *command_id, const char *const *ids,
                               size_t n, ssm_status_cb cb, void *ud)
{
	return codec_json_send(c, &ssm, "CancelCommand", ssm_build_cancel_command(command_id, ids, n),
	                       NULL, (codec_fn)cb, ud);
}
