#include "aws/cfn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
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

/* ---- parsers ---- */

int cfn_parse_create_stack(const char *body, size_t len, cfn_create_result_t *out,
                           aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "CreateStackResponse", "CreateStackResult", &doc, err);
	if (!r) return -1;
	out->stack_id = xml_path_token(r, "StackId");
	xmlFreeDoc(doc);
	if (!out->stack_id) return codec_fail(err, "the CreateStack reply has no StackId");
	return 0;
}

/* Fills a kv array from <member><kname/><vname/></member> items. */
static cfn_kv_t *parse_kvs(const xmlNode *list, const char *kname, const char *vname, size_t *n)
{
	*n = 0;
	size_t cnt = xml_count(list, "member");
	cfn_kv_t *v = cnt ? calloc(cnt, sizeof *v) : NULL;
	if (!v) return NULL;
	for (xmlNode *m = xml_first(list, "member"); m; m = xml_next(m, "member")) {
		v[*n].key = xml_path_text(m, kname);
		v[*n].value = xml_path_text(m, vname);
		(*n)++;
	}
	return v;
}

static void kvs_free(cfn_kv_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static int parse_stack(const xmlNode *m, cfn_stack_t *s)
{
	s->stack_id = xml_path_token(m, "StackId");
	s->stack_name = xml_path_token(m, "StackName");
	s->status = xml_path_token(m, "StackStatus");
	s->status_reason = xml_path_token(m, "StackStatusReason");
	s->description = xml_path_token(m, "Description");
	xml_path_time(m, "CreationTime", &s->creation_time, NULL);
	xml_path_time(m, "LastUpdatedTime", &s->last_updated_time, NULL);
	xmlNode *outs = xml_child(m, "Outputs");
	size_t cnt = xml_count(outs, "member");
	if (cnt && !(s->outputs = calloc(cnt, sizeof *s->outputs))) return -1;
	for (xmlNode *o = xml_first(outs, "member"); o; o = xml_next(o, "member")) {
		cfn_output_t *out = &s->outputs[s->noutputs++];
		out->key = xml_path_text(o, "OutputKey");
		out->value = xml_path_text(o, "OutputValue");
		out->description = xml_path_token(o, "Description");
		out->export_name = xml_path_token(o, "ExportName");
	}
	s->parameters = parse_kvs(xml_child(m, "Parameters"), "ParameterKey", "ParameterValue",
	                          &s->nparameters);
	s->tags = parse_kvs(xml_child(m, "Tags"), "Key", "Value", &s->ntags);
	s->capabilities = xml_strv(xml_child(m, "Capabilities"), &s->ncapabilities);
	return s->stack_id && s->stack_name && s->status ? 0 : -1;
}

static void stack_free(cfn_stack_t *s)
{
	free(s->stack_id);
	free(s->stack_name);
	free(s->status);
	free(s->status_reason);
	free(s->description);
	for (size_t i = 0; i < s->noutputs; i++) {
		free(s->outputs[i].key);
		free(s->outputs[i].value);
		free(s->outputs[i].description);
		free(s->outputs[i].export_name);
	}
	free(s->outputs);
	kvs_free(s->parameters, s->nparameters);
	kvs_free(s->tags, s->ntags);
	codec_strv_free(s->capabilities, s->ncapabilities);
}

int cfn_parse_describe_stacks(const char *body, size_t len, cfn_stacks_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeStacksResponse", "DescribeStacksResult", &doc,
	                      err);
	if (!r) return -1;
	xmlNode *list = xml_child(r, "Stacks");
	size_t cnt = xml_count(list, "member");
	int rc = 0;
	if (cnt && !(out->stacks = calloc(cnt, sizeof *out->stacks))) rc = -1;
	for (xmlNode *m = xml_first(list, "member"); m && rc == 0; m = xml_next(m, "member"))
		rc = parse_stack(m, &out->stacks[out->n++]);
	out->next_token = xml_path_token(r, "NextToken");
	xmlFreeDoc(doc);
	if (rc != 0) {
		cfn_stacks_free(out);
		return codec_fail(err, "a stack in the DescribeStacks reply has no StackId, "
		                       "StackName or StackStatus");
	}
	return 0;
}

void cfn_stacks_free(cfn_stacks_t *s)
{
	if (!s) return;
	for (size_t i = 0; i < s->n; i++) stack_free(&s->stacks[i]);
	free(s->stacks);
	free(s->next_token);
	memset(s, 0, sizeof *s);
}

const char *cfn_stack_output(const cfn_stack_t *s, const char *key)
{
	for (size_t i = 0; s && i < s->noutputs; i++)
		if (s->outputs[i].key && strcmp(s->outputs[i].key, key) == 0) return s->outputs[i].value;
	return NULL;
}

int cfn_parse_describe_stack_events(const char *body, size_t len, cfn_events_t *out,
                                    aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeStackEventsResponse", "DescribeStackEventsResult",
	                      &doc, err);
	if (!r) return -1;
	xmlNode *list = xml_child(r, "StackEvents");
	size_t cnt = xml_count(list, "member");
	int rc = 0;
	if (cnt && !(out->events = calloc(cnt, sizeof *out->events))) rc = -1;
	for (xmlNode *m = xml_first(list, "member"); m && rc == 0; m = xml_next(m, "member")) {
		cfn_event_t *e = &out->events[out->n++];
		e->event_id = xml_path_token(m, "EventId");
		e->stack_id = xml_path_token(m, "StackId");
		e->stack_name = xml_path_token(m, "StackName");
		e->logical_id = xml_path_token(m, "LogicalResourceId");
		e->physical_id = xml_path_token(m, "PhysicalResourceId");
		e->resource_type = xml_path_token(m, "ResourceType");
		e->status = xml_path_token(m, "ResourceStatus");
		e->status_reason = xml_path_token(m, "ResourceStatusReason");
		if (!e->event_id || !e->status ||
		    xml_path_time(m, "Timestamp", &e->timestamp, &e->timestamp_ms) != 0)
			rc = -1;
	}
	out->next_token = xml_path_token(r, "NextToken");
	xmlFreeDoc(doc);
	if (rc != 0) {
		cfn_events_free(out);
		return codec_fail(err, "an event in the DescribeStackEvents reply has no EventId, "
		                       "ResourceStatus or readable Timestamp");
	}
	return 0;
}

void cfn_events_free(cfn_events_t *ev)
{
	if (!ev) return;
	for (size_t i = 0; i < ev->n; i++) {
		cfn_event_t *e = &ev->events[i];
		free(e->event_id);
		free(e->stack_id);
		free(e->stack_name);
		free(e->logical_id);
		free(e->physical_id);
		free(e->resource_type);
		free(e->status);
		free(e->status_reason);
	}
	free(ev->events);
	free(ev->next_token);
	memset(ev, 0, sizeof *ev);
}

int cfn_parse_describe_stack_resources(const char *body, size_t len, cfn_resources_t *out,
                                       aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeStackResourcesResponse",
	                      "DescribeStackResourcesResult", &doc, err);
	if (!r) return -1;
	xmlNode *list = xml_child(r, "StackResources");
	size_t cnt = xml_count(list, "member");
	int rc = 0;
	if (cnt && !(out->resources = calloc(cnt, sizeof *out->resources))) rc = -1;
	for (xmlNode *m = xml_first(list, "member"); m && rc == 0; m = xml_next(m, "member")) {
		cfn_resource_t *res = &out->resources[out->n++];
		res->logical_id = xml_path_token(m, "LogicalResourceId");
		res->physical_id = xml_path_token(m, "PhysicalResourceId");
		res->resource_type = xml_path_token(m, "ResourceType");
		res->status = xml_path_token(m, "ResourceStatus");
		res->status_reason = xml_path_token(m, "ResourceStatusReason");
		xml_path_time(m, "Timestamp", &res->timestamp, NULL);
		if (!res->logical_id || !res->status) rc = -1;
	}
	xmlFreeDoc(doc);
	if (rc != 0) {
		cfn_resources_free(out);
		return codec_fail(err, "a resource in the DescribeStackResources reply has no "
		                       "LogicalResourceId or ResourceStatus");
	}
	return 0;
}

void cfn_resources_free(cfn_resources_t *r)
{
	if (!r) return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->resources[i].logical_id);
		free(r->resources[i].physical_id);
		free(r->resources[i].resource_type);
		free(r->resources[i].status);
		free(r->resources[i].status_reason);
	}
	free(r->resources);
	memset(r, 0, sizeof *r);
}

int cfn_parse_validate_template(const char *body, size_t len, cfn_template_info_t *out,
                                aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "ValidateTemplateResponse", "ValidateTemplateResult", &doc,
	                      err);
	if (!r) return -1;
	out->description = xml_path_token(r, "Description");
	out->capabilities_reason = xml_path_token(r, "CapabilitiesReason");
	out->capabilities = xml_strv(xml_child(r, "Capabilities"), &out->ncapabilities);
	xmlNode *list = xml_child(r, "Parameters");
	size_t cnt = xml_count(list, "member");
	int rc = 0;
	if (cnt && !(out->parameters = calloc(cnt, sizeof *out->parameters))) rc = -1;
	for (xmlNode *m = xml_first(list, "member"); m && rc == 0; m = xml_next(m, "member")) {
		cfn_template_param_t *p = &out->parameters[out->nparameters++];
		p->key = xml_path_token(m, "ParameterKey");
		p->default_value = xml_path_text(m, "DefaultValue");
		p->description = xml_path_token(m, "Description");
		xml_path_bool(m, "NoEcho", &p->no_echo);
		if (!p->key) rc = -1;
	}
	xmlFreeDoc(doc);
	if (rc != 0) {
		cfn_template_info_free(out);
		return codec_fail(err, "a parameter in the ValidateTemplate reply has no ParameterKey");
	}
	return 0;
}

void cfn_template_info_free(cfn_template_info_t *t)
{
	if (!t) return;
	free(t->description);
	free(t->capabilities_reason);
	for (size_t i = 0; i < t->nparameters; i++) {
		free(t->parameters[i].key);
		free(t->parameters[i].default_value);
		free(t->parameters[i].description);
	}
	free(t->parameters);
	codec_strv_free(t->capabilities, t->ncapabilities);
	memset(t, 0, sizeof *t);
}

void cfn_create_result_free(cfn_create_result_t *r)
{
	if (!r) return;
	free(r->stack_id);
	r->stack_id = NULL;
}

/* ---- async wrappers ---- */

CODEC_DONE(create_done, cfn_create_stack_cb, cfn_create_result_t, cfn_parse_create_stack,
           cfn_create_result_free)
CODEC_DONE(stacks_done, cfn_describe_stacks_cb, cfn_stacks_t, cfn_parse_describe_stacks,
           cfn_stacks_free)
CODEC_DONE(events_done, cfn_describe_stack_events_cb, cfn_events_t,
           cfn_parse_describe_stack_events, cfn_events_free)
CODEC_DONE(resources_done, cfn_describe_stack_resources_cb, cfn_resources_t,
           cfn_parse_describe_stack_resources, cfn_resources_free)
CODEC_DONE(validate_done, cfn_validate_template_cb, cfn_template_info_t,
           cfn_parse_validate_template, cfn_template_info_free)

/* Sends p when the builder accepted the request (rc 0); always frees p. */
static aws_call_t *start(aws_client_t *c, int rc, const char *action, aws_params_t *p,
                        aws_done_cb done, codec_fn cb, void *ud)
{
	aws_call_t *call = NULL;
	if (rc == 0) call = codec_query(c, "cloudformation", action, CFN_VERSION, p, done, cb, ud);
	aws_params_free(p);
	return call;
}

aws_call_t *cfn_create_stack(aws_client_t *c, const cfn_create_stack_req_t *req,
                             cfn_create_stack_cb cb, void *ud)
{
	aws_params_t p = {0};
	return start(c, cfn_build_create_stack(req, &p), "CreateStack", &p, create_done,
	             (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stacks(aws_client_t *c, const char *stack, cfn_describe_stacks_cb cb,
                                void *ud)
{
	aws_params_t p = {0};
	return start(c, cfn_build_describe_stacks(stack, NULL, &p), "DescribeStacks", &p,
	             stacks_done, (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stacks_page(aws_client_t *c, const char *next_token, cfn_describe_stacks_cb cb,
                                     void *ud)
{
	aws_params_t p = {0};
	return start(c, cfn_build_describe_stacks(NULL, next_token, &p), "DescribeStacks", &p,
	             stacks_done, (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stack_events(aws_client_t *c, const char *stack, const char *next_token,
                                      cfn_describe_stack_events_cb cb, void *ud)
{
	aws_params_t p = {0};
	return start(c, cfn_build_describe_stack_events(stack, next_token, &p),
	             "DescribeStackEvents", &p, events_done, (codec_fn)cb, ud);
}

aws_call_t *cfn_describe_stack_resources(aws_client_t *c, const char *stack,
                                         cfn_describe_stack_resources_cb cb, void *ud)
{
	aws_params_t p = {0};
	return start(c, cfn_build_describe_stack_resources(stack, &p), "DescribeStackResources",
	             &p, resources_done, (codec_fn)cb, ud);
}

aws_call_t *cfn_delete_stack(aws_client_t *c, const char *stack,
                             const char *client_request_token, cfn_status_cb cb, void *ud)
{
	aws_params_t p = {0};
	return start(c, cfn_build_delete_stack(stack, client_request_token, &p), "DeleteStack", &p,
	             codec_status_done, (codec_fn)cb, ud);
}

aws_call_t *cfn_validate_template(aws_client_t *c, const char *template_body,
                                  cfn_validate_template_cb cb, void *ud)
{
	aws_params_t p = {0};
	return start(c, cfn_build_validate_template(template_body, &p), "ValidateTemplate", &p,
	             validate_done, (codec_fn)cb, ud);
}
