/* AWS Systems Manager (JSON 1.1, target prefix "AmazonSSM"): parameters, and running
 * shell commands on nodes. Builders return the request body as cJSON (NULL when a
 * required field is missing; the caller deletes it); parsers, frees and async
 * wrappers as in cfn.h. */
#ifndef NIXL_AWS_SSM_H
#define NIXL_AWS_SSM_H

#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "aws/client.h"
#include "aws/shape.h"

#define SSM_TARGET "AmazonSSM"

typedef struct ssm_parameter {
	char *name, *type, *value, *arn;
	long long version;
	time_t last_modified;
} ssm_parameter_t;
SHAPE_REPLY_DECL(ssm_parse_get_parameter, ssm_parameter_free, ssm_parameter_t, ssm_parameter_cb);

typedef struct ssm_put_parameter_req {
	const char *name, *value;
	const char *type;        /* NULL: "String" */
	const char *description; /* NULL: none */
	int overwrite;
} ssm_put_parameter_req_t;

typedef struct ssm_put_parameter_result {
	long long version;
	char *tier;
} ssm_put_parameter_result_t;
SHAPE_REPLY_DECL(ssm_parse_put_parameter, ssm_put_parameter_result_free, ssm_put_parameter_result_t,
                 ssm_put_parameter_cb);

/* SendCommand's InstanceIds takes "up to 50 IDs" (SSM API reference, SendCommand);
 * more is a ValidationException, so the builder refuses them. */
#define SSM_SEND_COMMAND_MAX_IDS 50

typedef struct ssm_send_command_req {
	const char *document_name;          /* NULL: "AWS-RunShellScript" */
	const char *const *instance_ids;
	size_t ninstance_ids;               /* 1..SSM_SEND_COMMAND_MAX_IDS */
	const char *const *commands;        /* Parameters.commands, one line each */
	size_t ncommands;
	int timeout_seconds;                /* TimeoutSeconds: time to start; 0: SSM default */
	int execution_timeout;              /* Parameters.executionTimeout; 0: document default */
	const char *comment;
	const char *cloudwatch_log_group;   /* non-NULL: CloudWatchOutputConfig enabled */
} ssm_send_command_req_t;

typedef struct ssm_command {
	char *command_id, *document_name, *status, *status_details, *comment;
	char **instance_ids;
	size_t ninstance_ids;
	int target_count, completed_count, error_count, timeout_seconds;
	time_t requested, expires_after;
} ssm_command_t;

typedef struct ssm_send_command_result {
	ssm_command_t command;
} ssm_send_command_result_t;
SHAPE_REPLY_DECL(ssm_parse_send_command, ssm_send_command_result_free, ssm_send_command_result_t,
                 ssm_send_command_cb);

typedef struct ssm_invocation {
	char *command_id, *instance_id, *plugin_name, *document_name;
	char *status, *status_details;  /* Pending InProgress Delayed Success Cancelled TimedOut
	                                   Failed Cancelling */
	int response_code;              /* -1 until the plugin has finished */
	char *stdout_content, *stderr_content, *stdout_url, *stderr_url;
	time_t start_time, end_time;    /* 0 when not started / not finished */
	char *cloudwatch_log_group;
	int cloudwatch_enabled;
} ssm_invocation_t;
SHAPE_REPLY_DECL(ssm_parse_get_command_invocation, ssm_invocation_free, ssm_invocation_t,
                 ssm_invocation_cb);

/* ListCommandInvocations: one row per node the command went to; without Details a row
 * has CommandId, InstanceId, DocumentName, Status and StatusDetails only (no output,
 * response_code -1). */
AWS_PAGE_T(ssm_invocations, ssm_invocation_t, items);
SHAPE_REPLY_DECL(ssm_parse_list_command_invocations, ssm_invocations_free, ssm_invocations_t,
                 ssm_invocations_cb);

typedef struct ssm_instance_info {
	char *instance_id, *ping_status, *platform_type, *platform_name, *platform_version;
	char *agent_version, *ip_address, *computer_name;
	time_t last_ping;
} ssm_instance_info_t;

AWS_PAGE_T(ssm_instance_infos, ssm_instance_info_t, instances);
SHAPE_REPLY_DECL(ssm_parse_describe_instance_information, ssm_instance_infos_free,
                 ssm_instance_infos_t, ssm_instance_infos_cb);

cJSON *ssm_build_get_parameter(const char *name, int with_decryption);
cJSON *ssm_build_put_parameter(const ssm_put_parameter_req_t *req);
cJSON *ssm_build_send_command(const ssm_send_command_req_t *req);
/* plugin_name may be NULL. */
cJSON *ssm_build_get_command_invocation(const char *command_id, const char *instance_id,
                                        const char *plugin_name);
/* ids may be empty (every managed node); next_token may be NULL; max_results 0: default. */
cJSON *ssm_build_describe_instance_information(const char *const *ids, size_t n,
                                               const char *next_token, int max_results);
/* The invocations of one command, without Details; next_token may be NULL; max_results
 * 0: the service's default, else 1..50. */
cJSON *ssm_build_list_command_invocations(const char *command_id, const char *next_token,
                                          int max_results);
/* ids may be empty: cancel on every target. */
cJSON *ssm_build_cancel_command(const char *command_id, const char *const *ids, size_t n);

/* A status after which the invocation will not change: Success, Failed, Cancelled,
 * TimedOut (StatusDetails then says which kind, e.g. Undeliverable, ExecutionTimedOut). */
int ssm_invocation_status_is_final(const char *status);

typedef void (*ssm_status_cb)(void *ud, const aws_error_t *err);

aws_call_t *ssm_get_parameter(aws_client_t *c, const char *name, int with_decryption,
                              ssm_parameter_cb cb, void *ud);
aws_call_t *ssm_put_parameter(aws_client_t *c, const ssm_put_parameter_req_t *req,
                              ssm_put_parameter_cb cb, void *ud);
aws_call_t *ssm_send_command(aws_client_t *c, const ssm_send_command_req_t *req,
                             ssm_send_command_cb cb, void *ud);
aws_call_t *ssm_get_command_invocation(aws_client_t *c, const char *command_id,
                                       const char *instance_id, ssm_invocation_cb cb, void *ud);
aws_call_t *ssm_list_command_invocations(aws_client_t *c, const char *command_id,
                                        const char *next_token, int max_results,
                                        ssm_invocations_cb cb, void *ud);
aws_call_t *ssm_describe_instance_information(aws_client_t *c, const char *const *ids, size_t n,
                                              const char *next_token, ssm_instance_infos_cb cb,
                                              void *ud);
aws_call_t *ssm_cancel_command(aws_client_t *c, const char *command_id, const char *const *ids,
                               size_t n, ssm_status_cb cb, void *ud);

#endif
