#include "aws/ssm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"

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

/* ---- parsers ---- */

int ssm_parse_get_parameter(const char *body, size_t len, ssm_parameter_t *out,
                            aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "Parameter");
	out->name = codec_json_str(p, "Name");
	out->type = codec_json_str(p, "Type");
	out->value = codec_json_str(p, "Value");
	out->arn = codec_json_str(p, "ARN");
	codec_json_long(p, "Version", &out->version);
	codec_json_time(p, "LastModifiedDate", &out->last_modified, NULL);
	cJSON_Delete(j);
	if (!out->name || !out->value) {
		ssm_parameter_free(out);
		return codec_fail(err, "the GetParameter reply has no Parameter Name or Value");
	}
	return 0;
}

void ssm_parameter_free(ssm_parameter_t *p)
{
	if (!p) return;
	free(p->name);
	free(p->type);
	free(p->value);
	free(p->arn);
	memset(p, 0, sizeof *p);
}

int ssm_parse_put_parameter(const char *body, size_t len, ssm_put_parameter_result_t *out,
                            aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	int rc = codec_json_long(j, "Version", &out->version);
	out->tier = codec_json_str(j, "Tier");
	cJSON_Delete(j);
	if (rc != 0) {
		ssm_put_parameter_result_free(out);
		return codec_fail(err, "the PutParameter reply has no Version");
	}
	return 0;
}

void ssm_put_parameter_result_free(ssm_put_parameter_result_t *r)
{
	if (!r) return;
	free(r->tier);
	memset(r, 0, sizeof *r);
}

static void command_free(ssm_command_t *c)
{
	free(c->command_id);
	free(c->document_name);
	free(c->status);
	free(c->status_details);
	free(c->comment);
	codec_strv_free(c->instance_ids, c->ninstance_ids);
	memset(c, 0, sizeof *c);
}

int ssm_parse_send_command(const char *body, size_t len, ssm_send_command_result_t *out,
                           aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "Command");
	ssm_command_t *cmd = &out->command;
	cmd->command_id = codec_json_str(c, "CommandId");
	cmd->document_name = codec_json_str(c, "DocumentName");
	cmd->status = codec_json_str(c, "Status");
	cmd->status_details = codec_json_str(c, "StatusDetails");
	cmd->comment = codec_json_str(c, "Comment");
	cmd->instance_ids = codec_json_strv(c, "InstanceIds", &cmd->ninstance_ids);
	codec_json_int(c, "TargetCount", &cmd->target_count);
	codec_json_int(c, "CompletedCount", &cmd->completed_count);
	codec_json_int(c, "ErrorCount", &cmd->error_count);
	codec_json_int(c, "TimeoutSeconds", &cmd->timeout_seconds);
	codec_json_time(c, "RequestedDateTime", &cmd->requested, NULL);
	codec_json_time(c, "ExpiresAfter", &cmd->expires_after, NULL);
	cJSON_Delete(j);
	if (!cmd->command_id) {
		ssm_send_command_result_free(out);
		return codec_fail(err, "the SendCommand reply has no Command.CommandId");
	}
	return 0;
}

void ssm_send_command_result_free(ssm_send_command_result_t *r)
{
	if (r) command_free(&r->command);
}

int ssm_parse_get_command_invocation(const char *body, size_t len, ssm_invocation_t *out,
                                     aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	out->command_id = codec_json_str(j, "CommandId");
	out->instance_id = codec_json_str(j, "InstanceId");
	out->plugin_name = codec_json_str(j, "PluginName");
	out->document_name = codec_json_str(j, "DocumentName");
	out->status = codec_json_str(j, "Status");
	out->status_details = codec_json_str(j, "StatusDetails");
	out->response_code = -1;
	codec_json_int(j, "ResponseCode", &out->response_code);
	out->stdout_content = codec_json_str(j, "StandardOutputContent");
	out->stderr_content = codec_json_str(j, "StandardErrorContent");
	out->stdout_url = codec_json_str(j, "StandardOutputUrl");
	out->stderr_url = codec_json_str(j, "StandardErrorUrl");
	codec_json_time(j, "ExecutionStartDateTime", &out->start_time, NULL);
	codec_json_time(j, "ExecutionEndDateTime", &out->end_time, NULL);
	const cJSON *cw = cJSON_GetObjectItemCaseSensitive(j, "CloudWatchOutputConfig");
	out->cloudwatch_log_group = codec_json_str(cw, "CloudWatchLogGroupName");
	codec_json_bool(cw, "CloudWatchOutputEnabled", &out->cloudwatch_enabled);
	cJSON_Delete(j);
	if (!out->command_id || !out->instance_id || !out->status) {
		ssm_invocation_free(out);
		return codec_fail(err, "the GetCommandInvocation reply has no CommandId, InstanceId "
		                       "or Status");
	}
	return 0;
}

void ssm_invocation_free(ssm_invocation_t *i)
{
	if (!i) return;
	free(i->command_id);
	free(i->instance_id);
	free(i->plugin_name);
	free(i->document_name);
	free(i->status);
	free(i->status_details);
	free(i->stdout_content);
	free(i->stderr_content);
	free(i->stdout_url);
	free(i->stderr_url);
	free(i->cloudwatch_log_group);
	memset(i, 0, sizeof *i);
}

int ssm_parse_list_command_invocations(const char *body, size_t len, ssm_invocations_t *out,
                                        aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "CommandInvocations");
	int cnt = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
	int rc = cJSON_IsArray(list) ? 0 : -1;
	if (cnt > 0 && !(out->items = calloc((size_t)cnt, sizeof *out->items))) rc = -1;
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		if (rc != 0) break;
		ssm_invocation_t *i = &out->items[out->n++];
		i->command_id = codec_json_str(e, "CommandId");
		i->instance_id = codec_json_str(e, "InstanceId");
		i->document_name = codec_json_str(e, "DocumentName");
		i->status = codec_json_str(e, "Status");
		i->status_details = codec_json_str(e, "StatusDetails");
		i->response_code = -1;
		if (!i->instance_id || !i->status) rc = -1;
	}
	out->next_token = codec_json_str(j, "NextToken");
	cJSON_Delete(j);
	if (rc != 0) {
		ssm_invocations_free(out);
		return codec_fail(err, "the ListCommandInvocations reply has no CommandInvocations, "
		                       "or an entry without InstanceId or Status");
	}
	return 0;
}

void ssm_invocations_free(ssm_invocations_t *v)
{
	if (!v) return;
	for (size_t k = 0; k < v->n; k++) ssm_invocation_free(&v->items[k]);
	free(v->items);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ssm_parse_describe_instance_information(const char *body, size_t len,
                                            ssm_instance_infos_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "InstanceInformationList");
	int cnt = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
	int rc = cJSON_IsArray(list) ? 0 : -1;
	if (cnt > 0 && !(out->instances = calloc((size_t)cnt, sizeof *out->instances))) rc = -1;
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		if (rc != 0) break;
		ssm_instance_info_t *i = &out->instances[out->n++];
		i->instance_id = codec_json_str(e, "InstanceId");
		i->ping_status = codec_json_str(e, "PingStatus");
		i->platform_type = codec_json_str(e, "PlatformType");
		i->platform_name = codec_json_str(e, "PlatformName");
		i->platform_version = codec_json_str(e, "PlatformVersion");
		i->agent_version = codec_json_str(e, "AgentVersion");
		i->ip_address = codec_json_str(e, "IPAddress");
		i->computer_name = codec_json_str(e, "ComputerName");
		codec_json_time(e, "LastPingDateTime", &i->last_ping, NULL);
		if (!i->instance_id) rc = -1;
	}
	out->next_token = codec_json_str(j, "NextToken");
	cJSON_Delete(j);
	if (rc != 0) {
		ssm_instance_infos_free(out);
		return codec_fail(err, "the DescribeInstanceInformation reply has no "
		                       "InstanceInformationList, or an entry without InstanceId");
	}
	return 0;
}

void ssm_instance_infos_free(ssm_instance_infos_t *v)
{
	if (!v) return;
	for (size_t k = 0; k < v->n; k++) {
		ssm_instance_info_t *i = &v->instances[k];
		free(i->instance_id);
		free(i->ping_status);
		free(i->platform_type);
		free(i->platform_name);
		free(i->platform_version);
		free(i->agent_version);
		free(i->ip_address);
		free(i->computer_name);
	}
	free(v->instances);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ssm_invocation_status_is_final(const char *status)
{
	static const char *const final[] = {"Success", "Failed", "Cancelled", "TimedOut"};
	for (size_t i = 0; status && i < sizeof final / sizeof *final; i++)
		if (strcmp(status, final[i]) == 0) return 1;
	return 0;
}

/* ---- async wrappers ---- */

CODEC_DONE(get_parameter_done, ssm_parameter_cb, ssm_parameter_t, ssm_parse_get_parameter,
           ssm_parameter_free)
CODEC_DONE(put_parameter_done, ssm_put_parameter_cb, ssm_put_parameter_result_t,
           ssm_parse_put_parameter, ssm_put_parameter_result_free)
CODEC_DONE(send_command_done, ssm_send_command_cb, ssm_send_command_result_t,
           ssm_parse_send_command, ssm_send_command_result_free)
CODEC_DONE(invocation_done, ssm_invocation_cb, ssm_invocation_t,
           ssm_parse_get_command_invocation, ssm_invocation_free)
CODEC_DONE(invocations_done, ssm_invocations_cb, ssm_invocations_t,
           ssm_parse_list_command_invocations, ssm_invocations_free)
CODEC_DONE(infos_done, ssm_instance_infos_cb, ssm_instance_infos_t,
           ssm_parse_describe_instance_information, ssm_instance_infos_free)

/* Sends the built body (NULL: invalid request, nothing sent) and deletes it. */
static aws_call_t *start(aws_client_t *c, cJSON *body, const char *op, aws_done_cb done,
                         codec_fn cb, void *ud)
{
	if (!body) return NULL;
	aws_call_t *call = codec_json(c, "ssm", SSM_TARGET, op, body, done, cb, ud);
	cJSON_Delete(body);
	return call;
}

aws_call_t *ssm_get_parameter(aws_client_t *c, const char *name, int with_decryption,
                              ssm_parameter_cb cb, void *ud)
{
	return start(c, ssm_build_get_parameter(name, with_decryption), "GetParameter",
	             get_parameter_done, (codec_fn)cb, ud);
}

aws_call_t *ssm_put_parameter(aws_client_t *c, const ssm_put_parameter_req_t *req,
                              ssm_put_parameter_cb cb, void *ud)
{
	return start(c, ssm_build_put_parameter(req), "PutParameter", put_parameter_done,
	             (codec_fn)cb, ud);
}

aws_call_t *ssm_send_command(aws_client_t *c, const ssm_send_command_req_t *req,
                             ssm_send_command_cb cb, void *ud)
{
	return start(c, ssm_build_send_command(req), "SendCommand", send_command_done,
	             (codec_fn)cb, ud);
}

aws_call_t *ssm_get_command_invocation(aws_client_t *c, const char *command_id,
                                       const char *instance_id, ssm_invocation_cb cb, void *ud)
{
	return start(c, ssm_build_get_command_invocation(command_id, instance_id, NULL),
	             "GetCommandInvocation", invocation_done, (codec_fn)cb, ud);
}

aws_call_t *ssm_list_command_invocations(aws_client_t *c, const char *command_id,
                                        const char *next_token, int max_results,
                                        ssm_invocations_cb cb, void *ud)
{
	return start(c, ssm_build_list_command_invocations(command_id, next_token, max_results),
	             "ListCommandInvocations", invocations_done, (codec_fn)cb, ud);
}

aws_call_t *ssm_describe_instance_information(aws_client_t *c, const char *const *ids, size_t n,
                                              const char *next_token, ssm_instance_infos_cb cb,
                                              void *ud)
{
	return start(c, ssm_build_describe_instance_information(ids, n, next_token, 0),
	             "DescribeInstanceInformation", infos_done, (codec_fn)cb, ud);
}

aws_call_t *ssm_cancel_command(aws_client_t *c, const char *command_id, const char *const *ids,
                               size_t n, ssm_status_cb cb, void *ud)
{
	return start(c, ssm_build_cancel_command(command_id, ids, n), "CancelCommand",
	             codec_status_done, (codec_fn)cb, ud);
}
