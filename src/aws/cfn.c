#include "aws/cfn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"
#include "aws/xml.h"

static int nonempty(const char *s)
{
	return s && *s;
}

/* Query list members: Prefix.member.N[.Field]. */
static void add_member(aws_params_t *out, const char *list, size_t i, const char *field,
                       const char *value)
{
	char k[96];
	if (field)
		snprintf(k, sizeof k, "%s.member.%zu.%s", list, i + 1, field);
	else
		snprintf(k, sizeof k, "%s.member.%zu", list, i + 1);
	aws_params_add(out, k, value ? value : "");
}

int cfn_build_create_stack(const cfn_create_stack_req_t *req, aws_params_t *out)
{
	if (!nonempty(req->stack_name)) return -1;
	if (nonempty(req->template_body) == nonempty(req->template_url)) return -1;
	aws_params_add(out, "StackName", req->stack_name);
	if (nonempty(req->template_body)) aws_params_add(out, "TemplateBody", req->template_body);
	else aws_params_add(out, "TemplateURL", req->template_url);
	for (size_t i = 0; i < req->nparameters; i++) {
		if (!nonempty(req->parameters[i].key)) return -1;
		add_member(out, "Parameters", i, "ParameterKey", req->parameters[i].key);
		add_member(out, "Parameters", i, "ParameterValue", req->parameters[i].value);
	}
	for (size_t i = 0; i < req->ntags; i++) {
		if (!nonempty(req->tags[i].key)) return -1;
		add_member(out, "Tags", i, "Key", req->tags[i].key);
		add_member(out, "Tags", i, "Value", req->tags[i].value);
	}
	for (size_t i = 0; i < req->ncapabilities; i++)
		add_member(out, "Capabilities", i, NULL, req->capabilities[i]);
	if (nonempty(req->client_request_token))
		aws_params_add(out, "ClientRequestToken", req->client_request_token);
	if (nonempty(req->on_failure)) aws_params_add(out, "OnFailure", req->on_failure);
	return 0;
}

int cfn_build_describe_stacks(const char *stack, const char *next_token, aws_params_t *out)
{
	if (nonempty(stack)) aws_params_add(out, "StackName", stack);
	if (nonempty(next_token)) aws_params_add(out, "NextToken", next_token);
	return 0;
}

int cfn_build_describe_stack_events(const char *stack, const char *next_token, aws_params_t *out)
{
	if (!nonempty(stack)) return -1;
	aws_params_add(out, "StackName", stack);
	if (nonempty(next_token)) aws_params_add(out, "NextToken", next_token);
	return 0;
}

int cfn_build_describe_stack_resources(const char *stack, aws_params_t *out)
{
	if (!nonempty(stack)) return -1;
	aws_params_add(out, "StackName", stack);
	return 0;
}

int cfn_build_delete_stack(const char *stack, const char *client_request_token,
                           aws_params_t *out)
{
	if (!nonempty(stack)) return -1;
	aws_params_add(out, "StackName", stack);
	if (nonempty(client_request_token))
		aws_params_add(out, "ClientRequestToken", client_request_token);
	return 0;
}

int cfn_build_validate_template(const char *template_body, aws_params_t *out)
{
	if (!nonempty(template_body)) return -1;
	aws_params_add(out, "TemplateBody", template_body);
	return 0;
}

/* ---- reply shapes (src/aws/shape.h) ---- */

#define F SHAPE_FIELD
#define REQ SHAPE_REQUIRED

static const shape_field_t output_fields[] = {
	F(cfn_output_t, key, "OutputKey", SHAPE_TEXT, 0),
	F(cfn_output_t, value, "OutputValue", SHAPE_TEXT, 0),
	F(cfn_output_t, description, "Description", SHAPE_TOKEN, 0),
	F(cfn_output_t, export_name, "ExportName", SHAPE_TOKEN, 0),
};
static const shape_t output_shape = SHAPE(cfn_output_t, output_fields);
static const shape_field_t param_fields[] = {
	F(cfn_kv_t, key, "ParameterKey", SHAPE_TEXT, 0),
	F(cfn_kv_t, value, "ParameterValue", SHAPE_TEXT, 0),
};
static const shape_t param_shape = SHAPE(cfn_kv_t, param_fields);
static const shape_field_t tag_fields[] = {
	F(cfn_kv_t, key, "Key", SHAPE_TEXT, 0),
	F(cfn_kv_t, value, "Value", SHAPE_TEXT, 0),
};
static const shape_t tag_shape = SHAPE(cfn_kv_t, tag_fields);
static const shape_field_t stack_fields[] = {
	F(cfn_stack_t, stack_id, "StackId", SHAPE_TOKEN, REQ),
	F(cfn_stack_t, stack_name, "StackName", SHAPE_TOKEN, REQ),
	F(cfn_stack_t, status, "StackStatus", SHAPE_TOKEN, REQ),
	F(cfn_stack_t, status_reason, "StackStatusReason", SHAPE_TOKEN, 0),
	F(cfn_stack_t, description, "Description", SHAPE_TOKEN, 0),
	F(cfn_stack_t, creation_time, "CreationTime", SHAPE_TIME, 0),
	F(cfn_stack_t, last_updated_time, "LastUpdatedTime", SHAPE_TIME, 0),
	SHAPE_LIST_FIELD(cfn_stack_t, outputs, noutputs, "Outputs", &output_shape, 0),
	SHAPE_LIST_FIELD(cfn_stack_t, parameters, nparameters, "Parameters", &param_shape, 0),
	SHAPE_LIST_FIELD(cfn_stack_t, tags, ntags, "Tags", &tag_shape, 0),
	SHAPE_STRV_FIELD(cfn_stack_t, capabilities, ncapabilities, "Capabilities"),
};
static const shape_t stack_shape = SHAPE(cfn_stack_t, stack_fields);
static const shape_field_t stacks_fields[] = {
	SHAPE_LIST_FIELD(cfn_stacks_t, stacks, n, "Stacks", &stack_shape, 0),
	F(cfn_stacks_t, next_token, "NextToken", SHAPE_TOKEN, 0),
};
static const shape_t stacks_shape = SHAPE(cfn_stacks_t, stacks_fields);

static const shape_field_t event_fields[] = {
	F(cfn_event_t, event_id, "EventId", SHAPE_TOKEN, REQ),
	F(cfn_event_t, stack_id, "StackId", SHAPE_TOKEN, 0),
	F(cfn_event_t, stack_name, "StackName", SHAPE_TOKEN, 0),
	F(cfn_event_t, logical_id, "LogicalResourceId", SHAPE_TOKEN, 0),
	F(cfn_event_t, physical_id, "PhysicalResourceId", SHAPE_TOKEN, 0),
	F(cfn_event_t, resource_type, "ResourceType", SHAPE_TOKEN, 0),
	F(cfn_event_t, status, "ResourceStatus", SHAPE_TOKEN, REQ),
	F(cfn_event_t, status_reason, "ResourceStatusReason", SHAPE_TOKEN, 0),
	SHAPE_TIME_MS(cfn_event_t, timestamp, timestamp_ms, "Timestamp", REQ),
};
static const shape_t event_shape = SHAPE(cfn_event_t, event_fields);
static const shape_field_t events_fields[] = {
	SHAPE_LIST_FIELD(cfn_events_t, events, n, "StackEvents", &event_shape, 0),
	F(cfn_events_t, next_token, "NextToken", SHAPE_TOKEN, 0),
};
static const shape_t events_shape = SHAPE(cfn_events_t, events_fields);

static const shape_field_t resource_fields[] = {
	F(cfn_resource_t, logical_id, "LogicalResourceId", SHAPE_TOKEN, REQ),
	F(cfn_resource_t, physical_id, "PhysicalResourceId", SHAPE_TOKEN, 0),
	F(cfn_resource_t, resource_type, "ResourceType", SHAPE_TOKEN, 0),
	F(cfn_resource_t, status, "ResourceStatus", SHAPE_TOKEN, REQ),
	F(cfn_resource_t, status_reason, "ResourceStatusReason", SHAPE_TOKEN, 0),
	F(cfn_resource_t, timestamp, "Timestamp", SHAPE_TIME, 0),
};
static const shape_t resource_shape = SHAPE(cfn_resource_t, resource_fields);
static const shape_field_t resources_fields[] = {
	SHAPE_LIST_FIELD(cfn_resources_t, resources, n, "StackResources", &resource_shape, 0),
};
static const shape_t resources_shape = SHAPE(cfn_resources_t, resources_fields);

static const shape_field_t tparam_fields[] = {
	F(cfn_template_param_t, key, "ParameterKey", SHAPE_TOKEN, REQ),
	F(cfn_template_param_t, default_value, "DefaultValue", SHAPE_TEXT, 0),
	F(cfn_template_param_t, description, "Description", SHAPE_TOKEN, 0),
	F(cfn_template_param_t, no_echo, "NoEcho", SHAPE_BOOL, 0),
};
static const shape_t tparam_shape = SHAPE(cfn_template_param_t, tparam_fields);
static const shape_field_t tinfo_fields[] = {
	F(cfn_template_info_t, description, "Description", SHAPE_TOKEN, 0),
	F(cfn_template_info_t, capabilities_reason, "CapabilitiesReason", SHAPE_TOKEN, 0),
	SHAPE_STRV_FIELD(cfn_template_info_t, capabilities, ncapabilities, "Capabilities"),
	SHAPE_LIST_FIELD(cfn_template_info_t, parameters, nparameters, "Parameters", &tparam_shape, 0),
};
static const shape_t tinfo_shape = SHAPE(cfn_template_info_t, tinfo_fields);

static const shape_field_t created_fields[] = {
	F(cfn_create_result_t, stack_id, "StackId", SHAPE_TOKEN, REQ),
};
static const shape_t created_shape = SHAPE(cfn_create_result_t, created_fields);

#undef F
#undef REQ

SHAPE_XML_REPLY(cfn_parse_create_stack, cfn_create_result_free, cfn_create_result_t, "CreateStackResponse",
                "CreateStackResult", created_shape, "the CreateStack reply has no StackId")
SHAPE_XML_REPLY(cfn_parse_describe_stacks, cfn_stacks_free, cfn_stacks_t, "DescribeStacksResponse",
                "DescribeStacksResult", stacks_shape,
                "a stack in the DescribeStacks reply has no StackId, StackName or StackStatus")
SHAPE_XML_REPLY(cfn_parse_describe_stack_events, cfn_events_free, cfn_events_t, "DescribeStackEventsResponse",
                "DescribeStackEventsResult", events_shape,
                "an event in the DescribeStackEvents reply has no EventId, ResourceStatus or readable Timestamp")
SHAPE_XML_REPLY(cfn_parse_describe_stack_resources, cfn_resources_free, cfn_resources_t,
                "DescribeStackResourcesResponse", "DescribeStackResourcesResult", resources_shape,
                "a resource in the DescribeStackResources reply has no LogicalResourceId or ResourceStatus")
SHAPE_XML_REPLY(cfn_parse_validate_template, cfn_template_info_free, cfn_template_info_t,
                "ValidateTemplateResponse", "ValidateTemplateResult", tinfo_shape,
                "a parameter in the ValidateTemplate reply has no ParameterKey")

int cfn_error_stack_missing(const aws_error_t *err)
{
	return err && err->http_status == 400 && strstr(err->message, "does not exist");
}

const char *cfn_stack_output(const cfn_stack_t *s, const char *key)
{
	for (size_t i = 0; s && i < s->noutputs; i++)
		if (s->outputs[i].key && strcmp(s->outputs[i].key, key) == 0) return s->outputs[i].value;
	return NULL;
}

/* ---- async wrappers ---- */

static const codec_service_t cfn = { "cloudformation", CFN_VERSION };

aws_call_t *cfn_create_stack(aws_client_t *c, const cfn_create_stack_req_t *req,
                             cfn_create_stack_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &cfn, "CreateStack", cfn_build_create_stack(req, &p), &p,
	                        &cfn_parse_create_stack_reply, (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stacks(aws_client_t *c, const char *stack, cfn_describe_stacks_cb cb,
                                void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &cfn, "DescribeStacks", cfn_build_describe_stacks(stack, NULL, &p),
	                        &p, &cfn_parse_describe_stacks_reply, (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stacks_page(aws_client_t *c, const char *next_token, cfn_describe_stacks_cb cb,
                                     void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &cfn, "DescribeStacks",
	                        cfn_build_describe_stacks(NULL, next_token, &p), &p,
	                        &cfn_parse_describe_stacks_reply, (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stack_events(aws_client_t *c, const char *stack, const char *next_token,
                                      cfn_describe_stack_events_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &cfn, "DescribeStackEvents",
	                        cfn_build_describe_stack_events(stack, next_token, &p), &p,
	                        &cfn_parse_describe_stack_events_reply, (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stack_resources(aws_client_t *c, const char *stack,
                                         cfn_describe_stack_resources_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &cfn, "DescribeStackResources",
	                        cfn_build_describe_stack_resources(stack, &p), &p,
	                        &cfn_parse_describe_stack_resources_reply, (codec_fn)cb, ud);
}

aws_call_t *cfn_delete_stack(aws_client_t *c, const char *stack,
                             const char *client_request_token, cfn_status_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &cfn, "DeleteStack",
	                        cfn_build_delete_stack(stack, client_request_token, &p), &p, NULL,
	                        (codec_fn)cb, ud);
}

aws_call_t *cfn_validate_template(aws_client_t *c, const char *template_body,
                                  cfn_validate_template_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &cfn, "ValidateTemplate",
	                        cfn_build_validate_template(template_body, &p), &p,
	                        &cfn_parse_validate_template_reply, (codec_fn)cb, ud);
}
