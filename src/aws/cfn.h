/* AWS CloudFormation (Query protocol, version 2010-05-15): the stack calls nixl-tui
 * makes. Each call has a pure builder (request -> aws_params_t), a pure parser (reply
 * body -> plain struct with owned strings, or AWS_ERR_PARSE), a free function and an
 * async wrapper. Wrappers return NULL without calling cb when the request is invalid
 * or could not be started; results passed to callbacks are freed when the callback
 * returns (to keep one, copy the struct and zero *res). */
#ifndef NIXL_AWS_CFN_H
#define NIXL_AWS_CFN_H

#include <stddef.h>
#include <time.h>

#include "aws/client.h"
#include "aws/shape.h"

#define CFN_VERSION "2010-05-15"

/* Request-side key/value (parameters, tags): borrowed strings. */
typedef struct cfn_pair {
	const char *key, *value;
} cfn_pair_t;

typedef struct cfn_create_stack_req {
	const char *stack_name;
	const char *template_body;         /* exactly one of template_body and template_url */
	const char *template_url;          /* an S3 object's https URL (see s3_object_url) */
	const cfn_pair_t *parameters;
	size_t nparameters;
	const cfn_pair_t *tags;
	size_t ntags;
	const char *const *capabilities;   /* "CAPABILITY_IAM", ... */
	size_t ncapabilities;
	const char *client_request_token;  /* NULL: none (makes retries idempotent) */
	const char *on_failure;            /* "ROLLBACK", "DELETE", "DO_NOTHING" or NULL */
} cfn_create_stack_req_t;

/* Reply-side key/value: owned strings. */
typedef struct cfn_kv {
	char *key, *value;
} cfn_kv_t;

typedef struct cfn_output {
	char *key, *value, *description, *export_name;
} cfn_output_t;

typedef struct cfn_stack {
	char *stack_id, *stack_name, *status, *status_reason, *description;
	time_t creation_time, last_updated_time;  /* 0 when absent */
	cfn_output_t *outputs;
	size_t noutputs;
	cfn_kv_t *parameters;
	size_t nparameters;
	cfn_kv_t *tags;
	size_t ntags;
	char **capabilities;
	size_t ncapabilities;
} cfn_stack_t;

typedef struct cfn_stacks {
	cfn_stack_t *stacks;
	size_t n;
	char *next_token;  /* NULL: last page */
} cfn_stacks_t;
SHAPE_REPLY_DECL(cfn_parse_describe_stacks, cfn_stacks_free, cfn_stacks_t, cfn_describe_stacks_cb);

typedef struct cfn_event {
	char *event_id, *stack_id, *stack_name, *logical_id, *physical_id, *resource_type;
	char *status, *status_reason;
	time_t timestamp;
	int timestamp_ms;
} cfn_event_t;

/* One page of DescribeStackEvents, newest first as the service sends them. */
typedef struct cfn_events {
	cfn_event_t *events;
	size_t n;
	char *next_token;  /* NULL: last page */
} cfn_events_t;
SHAPE_REPLY_DECL(cfn_parse_describe_stack_events, cfn_events_free, cfn_events_t,
                 cfn_describe_stack_events_cb);

typedef struct cfn_resource {
	char *logical_id, *physical_id, *resource_type, *status, *status_reason;
	time_t timestamp;
} cfn_resource_t;

typedef struct cfn_resources {
	cfn_resource_t *resources;
	size_t n;
} cfn_resources_t;
SHAPE_REPLY_DECL(cfn_parse_describe_stack_resources, cfn_resources_free, cfn_resources_t,
                 cfn_describe_stack_resources_cb);

typedef struct cfn_template_param {
	char *key, *default_value, *description;
	int no_echo;
} cfn_template_param_t;

typedef struct cfn_template_info {
	char *description, *capabilities_reason;
	cfn_template_param_t *parameters;
	size_t nparameters;
	char **capabilities;
	size_t ncapabilities;
} cfn_template_info_t;
SHAPE_REPLY_DECL(cfn_parse_validate_template, cfn_template_info_free, cfn_template_info_t,
                 cfn_validate_template_cb);

typedef struct cfn_create_result {
	char *stack_id;
} cfn_create_result_t;
SHAPE_REPLY_DECL(cfn_parse_create_stack, cfn_create_result_free, cfn_create_result_t,
                 cfn_create_stack_cb);

/* Builders: -1 when a required field is missing. */
int cfn_build_create_stack(const cfn_create_stack_req_t *req, aws_params_t *out);
/* stack: name or ARN, NULL for every stack; next_token may be NULL. */
int cfn_build_describe_stacks(const char *stack, const char *next_token, aws_params_t *out);
int cfn_build_describe_stack_events(const char *stack, const char *next_token, aws_params_t *out);
int cfn_build_describe_stack_resources(const char *stack, aws_params_t *out);
int cfn_build_delete_stack(const char *stack, const char *client_request_token,
                           aws_params_t *out);
int cfn_build_validate_template(const char *template_body, aws_params_t *out);

/* The value of output `key`, or NULL. */
const char *cfn_stack_output(const cfn_stack_t *s, const char *key);
/* CloudFormation's answer for a stack that is not there (DescribeStacks, DescribeStack*
 * on a name: ValidationError, 400, "Stack with id X does not exist"). */
int cfn_error_stack_missing(const aws_error_t *err);

typedef void (*cfn_status_cb)(void *ud, const aws_error_t *err);

aws_call_t *cfn_create_stack(aws_client_t *c, const cfn_create_stack_req_t *req,
                             cfn_create_stack_cb cb, void *ud);
aws_call_t *cfn_describe_stacks(aws_client_t *c, const char *stack, cfn_describe_stacks_cb cb,
                                void *ud);
/* One page of every stack in the region (DescribeStacks without a name pages with
 * NextToken); next_token NULL for the first. */
aws_call_t *cfn_describe_stacks_page(aws_client_t *c, const char *next_token, cfn_describe_stacks_cb cb,
                                     void *ud);
aws_call_t *cfn_describe_stack_events(aws_client_t *c, const char *stack, const char *next_token,
                                      cfn_describe_stack_events_cb cb, void *ud);
aws_call_t *cfn_describe_stack_resources(aws_client_t *c, const char *stack,
                                         cfn_describe_stack_resources_cb cb, void *ud);
aws_call_t *cfn_delete_stack(aws_client_t *c, const char *stack,
                             const char *client_request_token, cfn_status_cb cb, void *ud);
aws_call_t *cfn_validate_template(aws_client_t *c, const char *template_body,
                                  cfn_validate_template_cb cb, void *ud);

#endif
