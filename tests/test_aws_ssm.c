/* SSM and CloudWatch Logs: the JSON 1.1 request bodies and the reply parsers. */
#include "testutil.h"

#include "awstest.h"
#include "aws/logs.h"
#include "aws/ssm.h"

#define assert_json(j, expected)                                                            \
	do {                                                                                 \
		cJSON *j_ = (j);                                                             \
		assert_non_null(j_);                                                         \
		char *t_ = cJSON_PrintUnformatted(j_);                                       \
		assert_string_equal(t_, expected);                                           \
		free(t_);                                                                    \
		cJSON_Delete(j_);                                                            \
	} while (0)

static void test_build_parameters(void **state)
{
	(void)state;
	assert_json(ssm_build_get_parameter("/nixl/ami", 0),
	            "{\"Name\":\"/nixl/ami\",\"WithDecryption\":false}");
	assert_null(ssm_build_get_parameter("", 1));
	ssm_put_parameter_req_t put = {.name = "/nixl/p", .value = "v1", .overwrite = 1};
	assert_json(ssm_build_put_parameter(&put),
	            "{\"Name\":\"/nixl/p\",\"Value\":\"v1\",\"Type\":\"String\",\"Overwrite\":true}");
	ssm_put_parameter_req_t sec = {.name = "s", .value = "", .type = "SecureString",
	                               .description = "d"};
	assert_json(ssm_build_put_parameter(&sec),
	            "{\"Name\":\"s\",\"Value\":\"\",\"Type\":\"SecureString\",\"Description\":\"d\","
	            "\"Overwrite\":false}");
	ssm_put_parameter_req_t bad = {.name = "s"};
	assert_null(ssm_build_put_parameter(&bad));
}

static void test_build_commands(void **state)
{
	(void)state;
	const char *ids[] = {"i-0a", "i-0b"};
	const char *cmds[] = {"set -e", "fi_info -p efa -t FI_EP_RDM"};
	ssm_send_command_req_t req = {.instance_ids = ids, .ninstance_ids = 2, .commands = cmds,
	                              .ncommands = 2, .timeout_seconds = 600,
	                              .execution_timeout = 1800, .comment = "efa-check",
	                              .cloudwatch_log_group = "/nixl/runs"};
	assert_json(ssm_build_send_command(&req),
	            "{\"DocumentName\":\"AWS-RunShellScript\",\"InstanceIds\":[\"i-0a\",\"i-0b\"],"
	            "\"Parameters\":{\"commands\":[\"set -e\",\"fi_info -p efa -t FI_EP_RDM\"],"
	            "\"executionTimeout\":[\"1800\"]},\"TimeoutSeconds\":600,\"Comment\":"
	            "\"efa-check\",\"CloudWatchOutputConfig\":{\"CloudWatchLogGroupName\":"
	            "\"/nixl/runs\",\"CloudWatchOutputEnabled\":true}}");
	ssm_send_command_req_t minimal = {.document_name = "AWS-RunShellScript",
	                                  .instance_ids = ids, .ninstance_ids = 1,
	                                  .commands = cmds, .ncommands = 1};
	assert_json(ssm_build_send_command(&minimal),
	            "{\"DocumentName\":\"AWS-RunShellScript\",\"InstanceIds\":[\"i-0a\"],"
	            "\"Parameters\":{\"commands\":[\"set -e\"]}}");
	ssm_send_command_req_t none = {.commands = cmds, .ncommands = 1};
	assert_null(ssm_build_send_command(&none));
	/* SSM takes at most 50 InstanceIds: 50 are built, 51 are refused */
	const char *many[SSM_SEND_COMMAND_MAX_IDS + 1];
	for (size_t i = 0; i <= SSM_SEND_COMMAND_MAX_IDS; i++) many[i] = "i-0a";
	ssm_send_command_req_t fifty = {.instance_ids = many, .ninstance_ids = SSM_SEND_COMMAND_MAX_IDS,
	                                .commands = cmds, .ncommands = 1};
	cJSON *built = ssm_build_send_command(&fifty);
	assert_non_null(built);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(built, "InstanceIds")), 50);
	cJSON_Delete(built);
	fifty.ninstance_ids++;
	assert_null(ssm_build_send_command(&fifty));

	assert_json(ssm_build_list_command_invocations("c-1", NULL, 50),
	            "{\"CommandId\":\"c-1\",\"MaxResults\":50}");
	assert_json(ssm_build_list_command_invocations("c-1", "t2", 0),
	            "{\"CommandId\":\"c-1\",\"NextToken\":\"t2\"}");
	assert_null(ssm_build_list_command_invocations("c-1", NULL, 51));
	assert_null(ssm_build_list_command_invocations("", NULL, 0));
	assert_json(ssm_build_get_command_invocation("c-1", "i-0a", NULL),
	            "{\"CommandId\":\"c-1\",\"InstanceId\":\"i-0a\"}");
	assert_json(ssm_build_get_command_invocation("c-1", "i-0a", "aws:runShellScript"),
	            "{\"CommandId\":\"c-1\",\"InstanceId\":\"i-0a\",\"PluginName\":"
	            "\"aws:runShellScript\"}");
	assert_null(ssm_build_get_command_invocation("c-1", NULL, NULL));
	assert_json(ssm_build_describe_instance_information(ids, 2, "tok", 10),
	            "{\"Filters\":[{\"Key\":\"InstanceIds\",\"Values\":[\"i-0a\",\"i-0b\"]}],"
	            "\"MaxResults\":10,\"NextToken\":\"tok\"}");
	assert_json(ssm_build_describe_instance_information(NULL, 0, NULL, 0), "{}");
	assert_json(ssm_build_cancel_command("c-1", ids, 1),
	            "{\"CommandId\":\"c-1\",\"InstanceIds\":[\"i-0a\"]}");
	assert_json(ssm_build_cancel_command("c-1", NULL, 0), "{\"CommandId\":\"c-1\"}");
	assert_null(ssm_build_cancel_command(NULL, NULL, 0));
}

static void test_parse_parameters(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	char *b = fixture_read("aws/moto/ssm-get-parameter.json", &len, 0);
	ssm_parameter_t p;
	assert_int_equal(ssm_parse_get_parameter(b, len, &p, &err), 0);
	assert_string_equal(p.name, "/nixl/p");
	assert_string_equal(p.value, "v1");
	assert_string_equal(p.type, "String");
	assert_int_equal(p.version, 1);
	assert_int_equal(p.last_modified, 1795870428);
	ssm_parameter_free(&p);
	free(b);

	b = fixture_read("aws/moto/ssm-put-parameter.json", &len, 0);
	ssm_put_parameter_result_t r;
	assert_int_equal(ssm_parse_put_parameter(b, len, &r, &err), 0);
	assert_int_equal(r.version, 1);
	assert_string_equal(r.tier, "Standard");
	ssm_put_parameter_result_free(&r);
	free(b);

	b = fixture_read("aws/moto/ssm-error-parameter-not-found.json", &len, 0);
	assert_int_equal(ssm_parse_get_parameter(b, len, &p, &err), -1);
	assert_parse_error(err);
	free(b);
}

static void test_parse_send_command(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	ssm_send_command_result_t r;
	char *b = fixture_read("aws/ssm-send-command.json", &len, 0);
	assert_int_equal(ssm_parse_send_command(b, len, &r, &err), 0);
	assert_string_equal(r.command.command_id, "b94bf1dc-fe7d-4e88-851d-e85e5EXAMPLE");
	assert_string_equal(r.command.document_name, "AWS-ConfigureCloudWatch");
	assert_string_equal(r.command.status, "Pending");
	assert_int_equal(r.command.ninstance_ids, 0); /* targeted by tag, not ids */
	assert_int_equal(r.command.requested, 1582245977);
	assert_int_equal(r.command.expires_after, 1582250177);
	ssm_send_command_result_free(&r);
	free(b);

	b = fixture_read("aws/cli-examples/ssm-send-command.out1.json", &len, 0);
	assert_int_equal(ssm_parse_send_command(b, len, &r, &err), 0);
	assert_string_equal(r.command.command_id, "92853adf-ba41-4cd6-9a88-142d1EXAMPLE");
	assert_string_equal(r.command.comment, "echo HelloWorld");
	assert_int_equal(r.command.ninstance_ids, 1);
	assert_string_equal(r.command.instance_ids[0], "i-0f00f008a2dcbefe2");
	assert_int_equal(r.command.target_count, 1);
	assert_int_equal(r.command.expires_after - r.command.requested, 7200);
	ssm_send_command_result_free(&r);
	free(b);
}

static void test_parse_invocation(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	ssm_invocation_t i;
	char *b = fixture_read("aws/cli-examples/ssm-get-command-invocation.out1.json", &len, 0);
	assert_int_equal(ssm_parse_get_command_invocation(b, len, &i, &err), 0);
	assert_string_equal(i.command_id, "ef7fdfd8-9b57-4151-a15c-db9a12345678");
	assert_string_equal(i.instance_id, "i-1234567890abcdef0");
	assert_string_equal(i.plugin_name, "aws:updateSsmAgent");
	assert_string_equal(i.status, "Success");
	assert_int_equal(i.response_code, 0);
	assert_true(ssm_invocation_status_is_final(i.status));
	assert_string_equal(i.stdout_content,
	                    "Updating amazon-ssm-agent from 2.3.842.0 to latest\n"
	                    "Successfully downloaded https://s3.us-east-2.amazonaws.com/amazon-ssm-"
	                    "us-east-2/ssm-agent-manifest.json\namazon-ssm-agent 2.3.842.0 has "
	                    "already been installed, update skipped\n");
	assert_string_equal(i.stderr_content, "");
	assert_int_equal(i.start_time, utc(2020, 2, 19, 18, 18, 3));
	assert_int_equal(i.end_time, utc(2020, 2, 19, 18, 18, 3));
	assert_int_equal(i.cloudwatch_enabled, 0);
	ssm_invocation_free(&i);
	free(b);

	ssm_invocations_t v;
	b = fixture_read("aws/cli-examples/ssm-list-command-invocations.out1.json", &len, 0);
	assert_int_equal(ssm_parse_list_command_invocations(b, len, &v, &err), 0);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.items[0].instance_id, "i-02573cafcfEXAMPLE");
	assert_string_equal(v.items[1].instance_id, "i-0471e04240EXAMPLE");
	assert_string_equal(v.items[1].command_id, "ef7fdfd8-9b57-4151-a15c-db9a12345678");
	assert_string_equal(v.items[1].status, "Success");
	assert_int_equal(v.items[1].response_code, -1); /* only in CommandPlugins (Details) */
	assert_null(v.next_token);
	ssm_invocations_free(&v);
	free(b);
	static const char no_status[] = "{\"CommandInvocations\":[{\"InstanceId\":\"i-1\"}]}";
	assert_int_equal(ssm_parse_list_command_invocations(no_status, sizeof no_status - 1, &v, &err), -1);
	assert_parse_error(err);

	/* The documentation's sample has raw newlines inside a string: not JSON. */
	b = fixture_read("aws/ssm-get-command-invocation.AWSDOC-INVALID-JSON.json", &len, 0);
	assert_int_equal(ssm_parse_get_command_invocation(b, len, &i, &err), -1);
	assert_parse_error(err);
	assert_non_null(strstr(err.message, "raw control character"));
	free(b);

	/* In progress: no response code yet. */
	const char *ip = "{\"CommandId\":\"c\",\"InstanceId\":\"i\",\"Status\":\"InProgress\","
	                 "\"ResponseCode\":-1,\"ExecutionStartDateTime\":\"\"}";
	assert_int_equal(ssm_parse_get_command_invocation(ip, strlen(ip), &i, &err), 0);
	assert_int_equal(i.response_code, -1);
	assert_int_equal(i.start_time, 0);
	assert_false(ssm_invocation_status_is_final(i.status));
	ssm_invocation_free(&i);
	static const char *const states[] = {"Pending", "InProgress", "Delayed", "Cancelling"};
	for (size_t k = 0; k < 4; k++) assert_false(ssm_invocation_status_is_final(states[k]));
	static const char *const done[] = {"Success", "Cancelled", "TimedOut", "Failed"};
	for (size_t k = 0; k < 4; k++) assert_true(ssm_invocation_status_is_final(done[k]));
}

static void test_parse_instance_information(void **state)
{
	(void)state;
	/* The DescribeInstanceInformation sample of the SSM API reference (one entry). */
	const char *s = "{\"InstanceInformationList\":[{\"AgentVersion\":\"2.0.672.0\",\"Computer"
	                "Name\":\"ip-172-31-44-222.us-west-2.compute.internal\",\"IPAddress\":\"172."
	                "31.44.222\",\"InstanceId\":\"i-0cb2b964d3e14fd9f\",\"IsLatestVersion\":"
	                "false,\"LastPingDateTime\":1582221451.54,\"PingStatus\":\"Online\","
	                "\"PlatformName\":\"Amazon Linux AMI\",\"PlatformType\":\"Linux\","
	                "\"PlatformVersion\":\"2018.03\",\"ResourceType\":\"EC2Instance\"}],"
	                "\"NextToken\":\"more\"}";
	ssm_instance_infos_t v;
	aws_error_t err;
	assert_int_equal(ssm_parse_describe_instance_information(s, strlen(s), &v, &err), 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.instances[0].instance_id, "i-0cb2b964d3e14fd9f");
	assert_string_equal(v.instances[0].ping_status, "Online");
	assert_string_equal(v.instances[0].platform_type, "Linux");
	/* parsed text from AWS's documented reply: an address read, never connected to */
	assert_string_equal(v.instances[0].ip_address, "172.31.44.222");
	assert_int_equal(v.instances[0].last_ping, 1582221451);
	assert_string_equal(v.next_token, "more");
	ssm_instance_infos_free(&v);
	assert_int_equal(ssm_parse_describe_instance_information("{}", 2, &v, &err), -1);
	assert_parse_error(err);
}

static void test_logs(void **state)
{
	(void)state;
	logs_get_events_req_t req = {.group = "/nixl/runs", .stream = "c-1/i-0a/aws-runShellScript/stdout",
	                             .start_from_head = 1, .limit = 100};
	assert_json(logs_build_get_log_events(&req),
	            "{\"logGroupName\":\"/nixl/runs\",\"logStreamName\":\"c-1/i-0a/"
	            "aws-runShellScript/stdout\",\"startFromHead\":true,\"limit\":100}");
	req.next_token = "f/0001";
	req.limit = 0;
	assert_json(logs_build_get_log_events(&req),
	            "{\"logGroupName\":\"/nixl/runs\",\"logStreamName\":\"c-1/i-0a/"
	            "aws-runShellScript/stdout\",\"startFromHead\":true,\"nextToken\":\"f/0001\"}");
	logs_get_events_req_t bad = {.group = "g"};
	assert_null(logs_build_get_log_events(&bad));

	size_t len = 0;
	aws_error_t err;
	logs_events_t e;
	char *b = fixture_read("aws/moto/logs-get-log-events.json", &len, 0);
	assert_int_equal(logs_parse_get_log_events(b, len, &e, &err), 0);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.events[0].message, "line 0");
	assert_string_equal(e.events[1].message, "line 1");
	assert_int_equal(e.events[1].timestamp_ms - e.events[0].timestamp_ms, 1);
	assert_int_equal(e.events[0].ingestion_time_ms, 1795870429173LL);
	assert_string_equal(e.next_forward_token,
	                    "f/00000000000000000000000000000000000000000000000000000001");
	assert_false(logs_events_at_end(&e, NULL));
	logs_events_free(&e);
	free(b);

	/* The end: no events and the token sent comes back. */
	const char *end = "{\"events\":[],\"nextForwardToken\":\"f/9\",\"nextBackwardToken\":\"b/1\"}";
	assert_int_equal(logs_parse_get_log_events(end, strlen(end), &e, &err), 0);
	assert_true(logs_events_at_end(&e, "f/9"));
	assert_false(logs_events_at_end(&e, "f/8"));
	logs_events_free(&e);
	const char *no_tok = "{\"events\":[]}";
	assert_int_equal(logs_parse_get_log_events(no_tok, strlen(no_tok), &e, &err), -1);
	assert_parse_error(err);
}

static void test_bad_json_replies(void **state)
{
	(void)state;
	static const char *const bad[] = {"", "{", "{\"Parameter\":", "null", "<xml/>",
	                                  "{\"Parameter\":{\"Name\":\"n\"}}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ssm_parameter_t p;
		aws_error_t err;
		assert_int_equal(ssm_parse_get_parameter(bad[i], strlen(bad[i]), &p, &err), -1);
		assert_parse_error(err);
		assert_null(p.name);
	}
	size_t n = 20u * 1024 * 1024;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, "{\"events\":[", 11);
	logs_events_t e;
	aws_error_t err;
	assert_int_equal(logs_parse_get_log_events(big, n, &e, &err), -1);
	assert_parse_error(err);
	free(big);
}

/* DescribeLogStreams (limit 1-50, paged by nextToken) and PutRetentionPolicy's day counts. */
static void test_logs_streams_and_retention(void **state)
{
	(void)state;
	assert_json(logs_build_describe_log_streams("/aws/ssm/nixl-tui", NULL, 0),
	            "{\"logGroupName\":\"/aws/ssm/nixl-tui\"}");
	assert_json(logs_build_describe_log_streams("/g", "tok", 50),
	            "{\"logGroupName\":\"/g\",\"nextToken\":\"tok\",\"limit\":50}");
	assert_null(logs_build_describe_log_streams("/g", NULL, 51));
	assert_null(logs_build_describe_log_streams("", NULL, 0));
	const char *page = "{\"logStreams\":[{\"logStreamName\":\"c1/i-0123456789abcdef0/aws-runShellScript/stdout\","
	                   "\"storedBytes\":0},{\"logStreamName\":\"c1/i-1/aws-runShellScript/stderr\"}],"
	                   "\"nextToken\":\"n2\"}";
	logs_streams_t v;
	aws_error_t err;
	assert_int_equal(logs_parse_describe_log_streams(page, strlen(page), &v, &err), 0);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.names[1], "c1/i-1/aws-runShellScript/stderr");
	assert_string_equal(v.next_token, "n2");
	logs_streams_free(&v);
	assert_int_equal(logs_parse_describe_log_streams("{}", 2, &v, &err), 0);
	assert_int_equal(v.n, 0);
	assert_null(v.next_token);
	const char *bad = "{\"logStreams\":[{\"arn\":\"x\"}]}";
	assert_int_equal(logs_parse_describe_log_streams(bad, strlen(bad), &v, &err), -1);
	assert_int_equal(logs_parse_describe_log_streams("{\"logStreams\":{}}", 16, &v, &err), -1);

	assert_json(logs_build_put_retention_policy("/aws/ssm/nixl-tui", 30),
	            "{\"logGroupName\":\"/aws/ssm/nixl-tui\",\"retentionInDays\":30}");
	assert_true(logs_valid_retention_days(1) && logs_valid_retention_days(3653));
	assert_false(logs_valid_retention_days(0) || logs_valid_retention_days(2) ||
	             logs_valid_retention_days(31) || logs_valid_retention_days(3654));
	assert_null(logs_build_put_retention_policy("/g", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_parameters),
		cmocka_unit_test(test_build_commands),
		cmocka_unit_test(test_parse_parameters),
		cmocka_unit_test(test_parse_send_command),
		cmocka_unit_test(test_parse_invocation),
		cmocka_unit_test(test_parse_instance_information),
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_logs_streams_and_retention),
		cmocka_unit_test(test_bad_json_replies),
	};
	return cmocka_run_group_tests_name("aws_ssm_logs", tests, NULL, NULL);
}
