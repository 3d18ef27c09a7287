/* CloudFormation and STS: the exact Query parameters each builder makes, and the
 * parsers over real and documented replies (tests/fixtures/aws). */
#include "testutil.h"

#include "awstest.h"
#include "aws/cfn.h"
#include "aws/sts.h"

#define STACK_ARN "arn:aws:cloudformation:us-east-1:123456789:stack/MyStack/aaf549a0-a413-11df-adb3-5081b3858e83"

static void test_build_create_stack(void **state)
{
	(void)state;
	cfn_pair_t params[] = {{"InstanceType", "p5.48xlarge"}, {"KeyName", NULL}};
	cfn_pair_t tags[] = {{"nixl:cluster", "demo"}};
	const char *caps[] = {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"};
	cfn_create_stack_req_t req = {
		.stack_name = "nixl-demo", .template_body = "{\"Resources\":{}}",
		.parameters = params, .nparameters = 2, .tags = tags, .ntags = 1,
		.capabilities = caps, .ncapabilities = 2, .client_request_token = "tok-1",
		.on_failure = "DELETE"};
	aws_params_t p = {0};
	assert_int_equal(cfn_build_create_stack(&req, &p), 0);
	assert_params(&p, "StackName=nixl-demo\n"
	                  "TemplateBody={\"Resources\":{}}\n"
	                  "Parameters.member.1.ParameterKey=InstanceType\n"
	                  "Parameters.member.1.ParameterValue=p5.48xlarge\n"
	                  "Parameters.member.2.ParameterKey=KeyName\n"
	                  "Parameters.member.2.ParameterValue=\n"
	                  "Tags.member.1.Key=nixl:cluster\n"
	                  "Tags.member.1.Value=demo\n"
	                  "Capabilities.member.1=CAPABILITY_IAM\n"
	                  "Capabilities.member.2=CAPABILITY_NAMED_IAM\n"
	                  "ClientRequestToken=tok-1\n"
	                  "OnFailure=DELETE\n");
	aws_params_free(&p);

	cfn_create_stack_req_t minimal = {.stack_name = "s", .template_body = "{}"};
	assert_int_equal(cfn_build_create_stack(&minimal, &p), 0);
	assert_params(&p, "StackName=s\nTemplateBody={}\n");
	aws_params_free(&p);

	cfn_create_stack_req_t no_body = {.stack_name = "s"};
	assert_int_equal(cfn_build_create_stack(&no_body, &p), -1);
	aws_params_free(&p);
	/* a template over 51,200 bytes goes by TemplateURL; never both */
	cfn_create_stack_req_t by_url = {.stack_name = "s",
	                                 .template_url = "https://b.s3.us-east-1.amazonaws.com/s/t.json"};
	assert_int_equal(cfn_build_create_stack(&by_url, &p), 0);
	assert_params(&p, "StackName=s\nTemplateURL=https://b.s3.us-east-1.amazonaws.com/s/t.json\n");
	aws_params_free(&p);
	by_url.template_body = "{}";
	assert_int_equal(cfn_build_create_stack(&by_url, &p), -1);
	aws_params_free(&p);
	cfn_pair_t bad_tag[] = {{"", "v"}};
	cfn_create_stack_req_t bad = {.stack_name = "s", .template_body = "{}", .tags = bad_tag,
	                              .ntags = 1};
	assert_int_equal(cfn_build_create_stack(&bad, &p), -1);
	aws_params_free(&p);
}

static void test_build_others(void **state)
{
	(void)state;
	aws_params_t p = {0};
	assert_int_equal(cfn_build_describe_stacks(STACK_ARN, NULL, &p), 0);
	assert_params(&p, "StackName=" STACK_ARN "\n");
	aws_params_free(&p);
	assert_int_equal(cfn_build_describe_stacks(NULL, "page2", &p), 0);
	assert_params(&p, "NextToken=page2\n");
	aws_params_free(&p);
	assert_int_equal(cfn_build_describe_stack_events("nixl", "tok", &p), 0);
	assert_params(&p, "StackName=nixl\nNextToken=tok\n");
	aws_params_free(&p);
	assert_int_equal(cfn_build_describe_stack_events(NULL, NULL, &p), -1);
	assert_int_equal(cfn_build_describe_stack_resources("nixl", &p), 0);
	assert_params(&p, "StackName=nixl\n");
	aws_params_free(&p);
	assert_int_equal(cfn_build_delete_stack("nixl", "del-1", &p), 0);
	assert_params(&p, "StackName=nixl\nClientRequestToken=del-1\n");
	aws_params_free(&p);
	assert_int_equal(cfn_build_delete_stack("", NULL, &p), -1);
	assert_int_equal(cfn_build_validate_template("{}", &p), 0);
	assert_params(&p, "TemplateBody={}\n");
	aws_params_free(&p);
	assert_int_equal(cfn_build_validate_template(NULL, &p), -1);
	assert_int_equal(p.n, 0);
}

static void test_parse_create_delete(void **state)
{
	(void)state;
	size_t len = 0;
	char *body = fixture_read("aws/cfn-create-stack.xml", &len, 0);
	cfn_create_result_t r;
	aws_error_t err;
	assert_int_equal(cfn_parse_create_stack(body, len, &r, &err), 0);
	assert_string_equal(r.stack_id, STACK_ARN);
	cfn_create_result_free(&r);
	free(body);
	/* A DeleteStack reply is no CreateStack reply. */
	body = fixture_read("aws/cfn-delete-stack.xml", &len, 0);
	assert_int_equal(cfn_parse_create_stack(body, len, &r, &err), -1);
	assert_parse_error(err);
	assert_null(r.stack_id);
	free(body);
	body = fixture_read("aws/moto/cfn-create-stack.xml", &len, 0);
	assert_int_equal(cfn_parse_create_stack(body, len, &r, &err), 0);
	assert_string_equal(r.stack_id, "arn:aws:cloudformation:us-east-1:123456789012:stack/nixl/"
	                                "412e6fc3-bf9a-41e2-8864-738e45853cab");
	cfn_create_result_free(&r);
	free(body);
}

static void test_parse_describe_stacks(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	cfn_stacks_t s;

	char *body = fixture_read("aws/cfn-describe-stacks-full.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stacks(body, len, &s, &err), 0);
	assert_int_equal(s.n, 1);
	cfn_stack_t *st = &s.stacks[0];
	assert_string_equal(st->stack_name, "MyStack");
	assert_string_equal(st->stack_id, STACK_ARN);
	assert_string_equal(st->status, "CREATE_COMPLETE");
	assert_null(st->status_reason); /* <StackStatusReason/> */
	assert_string_equal(st->description, "My Description");
	assert_int_equal(st->creation_time, utc(2010, 7, 27, 22, 28, 28));
	assert_int_equal(st->last_updated_time, 0);
	assert_int_equal(st->ncapabilities, 1);
	assert_string_equal(st->capabilities[0], "CAPABILITY_IAM");
	assert_int_equal(st->nparameters, 1);
	assert_string_equal(st->parameters[0].key, "MyKey");
	assert_string_equal(st->parameters[0].value, "MyValue");
	assert_int_equal(st->ntags, 1);
	assert_string_equal(st->tags[0].key, "MyTagKey");
	assert_string_equal(st->tags[0].value, "MyTagValue");
	assert_int_equal(st->noutputs, 1);
	assert_string_equal(st->outputs[0].key, "StartPage");
	assert_string_equal(st->outputs[0].description, "ServerUrl");
	assert_null(st->outputs[0].export_name);
	assert_string_equal(cfn_stack_output(st, "StartPage"),
	                    "http://my-load-balancer.amazonaws.com:80/index.html");
	assert_null(cfn_stack_output(st, "Nope"));
	assert_null(s.next_token); /* <NextToken/> */
	cfn_stacks_free(&s);
	free(body);

	body = fixture_read("aws/cfn-describe-stacks.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stacks(body, len, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.stacks[0].noutputs, 1);
	assert_int_equal(s.stacks[0].nparameters, 0);
	assert_null(s.stacks[0].parameters);
	cfn_stacks_free(&s);
	free(body);

	body = fixture_read("aws/cfn-describe-stacks-empty.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stacks(body, len, &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_null(s.stacks);
	cfn_stacks_free(&s);
	free(body);

	/* moto: outputs with ExportName, microsecond creation time. */
	body = fixture_read("aws/moto/cfn-describe-stacks.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stacks(body, len, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.stacks[0].outputs[0].key, "SgId");
	assert_string_equal(s.stacks[0].outputs[0].value, "sg-0f9f0eb73807e7377");
	assert_string_equal(s.stacks[0].outputs[0].export_name, "nixl-sg");
	assert_int_equal(s.stacks[0].creation_time, utc(2026, 11, 28, 12, 53, 48));
	cfn_stacks_free(&s);
	free(body);
}

static void test_parse_events(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	cfn_events_t ev;
	char *body = fixture_read("aws/cfn-describe-stack-events.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stack_events(body, len, &ev, &err), 0);
	assert_int_equal(ev.n, 3);
	assert_null(ev.next_token);
	static const struct {
		const char *id, *logical, *physical, *type, *status, *reason;
		int minute;
	} want[] = {
		{"Event-1-Id", "MyStack", "MyStack_One", "AWS::CloudFormation::Stack",
		 "CREATE_IN_PROGRESS", "User initiated", 26},
		{"Event-2-Id", "MyDBInstance", "MyStack_DB1", "AWS::SecurityGroup",
		 "CREATE_IN_PROGRESS", NULL, 27},
		{"Event-3-Id", "MySG1", "MyStack_SG1", "AWS::SecurityGroup", "CREATE_COMPLETE", NULL,
		 28},
	};
	for (size_t i = 0; i < 3; i++) {
		cfn_event_t *e = &ev.events[i];
		assert_string_equal(e->event_id, want[i].id);
		assert_string_equal(e->logical_id, want[i].logical);
		assert_string_equal(e->physical_id, want[i].physical);
		assert_string_equal(e->resource_type, want[i].type);
		assert_string_equal(e->status, want[i].status);
		if (want[i].reason) assert_string_equal(e->status_reason, want[i].reason);
		else assert_null(e->status_reason);
		assert_string_equal(e->stack_id, STACK_ARN);
		assert_string_equal(e->stack_name, "MyStack");
		assert_int_equal(e->timestamp, utc(2010, 7, 27, 22, want[i].minute, 28));
		assert_int_equal(e->timestamp_ms, 0);
	}
	cfn_events_free(&ev);
	free(body);

	/* moto: newest first, microseconds cut to milliseconds. */
	body = fixture_read("aws/moto/cfn-describe-stack-events.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stack_events(body, len, &ev, &err), 0);
	assert_int_equal(ev.n, 2);
	assert_string_equal(ev.events[0].status, "CREATE_COMPLETE");
	assert_int_equal(ev.events[0].timestamp_ms, 388);
	assert_string_equal(ev.events[1].status, "CREATE_IN_PROGRESS");
	assert_string_equal(ev.events[1].status_reason, "User Initiated");
	assert_int_equal(ev.events[1].timestamp, utc(2026, 11, 28, 12, 53, 48));
	assert_int_equal(ev.events[1].timestamp_ms, 388);
	cfn_events_free(&ev);
	free(body);
}

static void test_parse_events_paged_and_broken(void **state)
{
	(void)state;
	aws_error_t err;
	cfn_events_t ev;
	const char *paged =
		"<DescribeStackEventsResponse><DescribeStackEventsResult><StackEvents><member>"
		"<EventId>e9</EventId><ResourceStatus>DELETE_FAILED</ResourceStatus>"
		"<Timestamp>2024-05-01T10:00:00.123Z</Timestamp></member></StackEvents>"
		"<NextToken>next-page</NextToken></DescribeStackEventsResult>"
		"</DescribeStackEventsResponse>";
	assert_int_equal(cfn_parse_describe_stack_events(paged, strlen(paged), &ev, &err), 0);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.next_token, "next-page");
	assert_int_equal(ev.events[0].timestamp_ms, 123);
	assert_null(ev.events[0].logical_id);
	cfn_events_free(&ev);

	/* The AWS documentation sample is not well-formed: an error, not a crash. */
	size_t len = 0;
	char *body = fixture_read("aws/cfn-describe-stack-events.AWSDOC-MALFORMED.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stack_events(body, len, &ev, &err), -1);
	assert_parse_error(err);
	assert_non_null(strstr(err.message, "line 11: Opening and ending tag mismatch"));
	assert_int_equal(ev.n, 0);
	assert_null(ev.events);
	/* Every truncation of a good reply is an error too. */
	free(body);
	body = fixture_read("aws/cfn-describe-stack-events.xml", &len, 0);
	for (size_t cut = 0; cut < len - 30; cut += 7) {
		assert_int_equal(cfn_parse_describe_stack_events(body, cut, &ev, &err), -1);
		assert_int_equal(err.kind, AWS_ERR_PARSE);
	}
	free(body);

	/* Well-formed but an event without its timestamp: refused. */
	const char *no_ts =
		"<DescribeStackEventsResponse><DescribeStackEventsResult><StackEvents><member>"
		"<EventId>e1</EventId><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member>"
		"</StackEvents></DescribeStackEventsResult></DescribeStackEventsResponse>";
	assert_int_equal(cfn_parse_describe_stack_events(no_ts, strlen(no_ts), &ev, &err), -1);
	assert_parse_error(err);
}

static void test_parse_resources_and_validate(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	cfn_resources_t r;
	char *body = fixture_read("aws/moto/cfn-describe-stack-resources.xml", &len, 0);
	assert_int_equal(cfn_parse_describe_stack_resources(body, len, &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.resources[0].logical_id, "Sg");
	assert_string_equal(r.resources[0].physical_id, "sg-0f9f0eb73807e7377");
	assert_string_equal(r.resources[0].resource_type, "AWS::EC2::SecurityGroup");
	assert_string_equal(r.resources[0].status, "CREATE_COMPLETE");
	assert_int_equal(r.resources[0].timestamp, utc(2010, 7, 27, 22, 27, 28));
	cfn_resources_free(&r);
	free(body);

	cfn_template_info_t t;
	body = fixture_read("aws/moto/cfn-validate-template.xml", &len, 0);
	assert_int_equal(cfn_parse_validate_template(body, len, &t, &err), 0);
	assert_int_equal(t.nparameters, 0);
	assert_int_equal(t.ncapabilities, 0);
	assert_null(t.description);
	cfn_template_info_free(&t);
	free(body);

	const char *v = "<ValidateTemplateResponse><ValidateTemplateResult><Parameters><member>"
	                "<ParameterKey>Key</ParameterKey><DefaultValue>a</DefaultValue>"
	                "<NoEcho>true</NoEcho><Description>d</Description></member></Parameters>"
	                "<Description>tpl</Description><Capabilities><member>CAPABILITY_IAM"
	                "</member></Capabilities><CapabilitiesReason>The following resource(s) "
	                "require capabilities: [AWS::IAM::Role]</CapabilitiesReason>"
	                "</ValidateTemplateResult></ValidateTemplateResponse>";
	assert_int_equal(cfn_parse_validate_template(v, strlen(v), &t, &err), 0);
	assert_int_equal(t.nparameters, 1);
	assert_string_equal(t.parameters[0].key, "Key");
	assert_string_equal(t.parameters[0].default_value, "a");
	assert_int_equal(t.parameters[0].no_echo, 1);
	assert_string_equal(t.capabilities[0], "CAPABILITY_IAM");
	assert_string_equal(t.capabilities_reason,
	                    "The following resource(s) require capabilities: [AWS::IAM::Role]");
	cfn_template_info_free(&t);
}

/* Error replies and junk given to success parsers: errors with a message, no crash. */
static void test_parsers_refuse_errors_and_junk(void **state)
{
	(void)state;
	size_t len = 0;
	char *body = fixture_read("aws/cfn-error-validation-template.xml", &len, 0);
	aws_error_t err;
	cfn_stacks_t s;
	assert_int_equal(cfn_parse_describe_stacks(body, len, &s, &err), -1);
	assert_parse_error(err);
	free(body);
	static const char *const junk[] = {"", "{}", "<DescribeStacksResponse/>", "\xff\xfe<"};
	for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
		assert_int_equal(cfn_parse_describe_stacks(junk[i], strlen(junk[i]), &s, &err), -1);
		assert_parse_error(err);
	}
	/* A stack without StackStatus is not half-returned. */
	const char *x = "<DescribeStacksResponse><DescribeStacksResult><Stacks><member>"
	                "<StackName>a</StackName><StackId>b</StackId></member></Stacks>"
	                "</DescribeStacksResult></DescribeStacksResponse>";
	assert_int_equal(cfn_parse_describe_stacks(x, strlen(x), &s, &err), -1);
	assert_int_equal(s.n, 0);
}

static void test_sts(void **state)
{
	(void)state;
	static const struct {
		const char *file, *arn, *user_id;
	} cases[] = {
		{"aws/sts-get-caller-identity.xml", "arn:aws:iam::123456789012:user/Alice",
		 "AIDACKCEVSQ6C2EXAMPLE"},
		{"aws/sts-get-caller-identity-assumed-role.xml",
		 "arn:aws:sts::123456789012:assumed-role/my-role-name/my-role-session-name",
		 "ARO123EXAMPLE123:my-role-session-name"},
		{"aws/sts-get-caller-identity-federated.xml",
		 "arn:aws:sts::123456789012:federated-user/my-federated-user-name",
		 "123456789012:my-federated-user-name"},
	};
	for (size_t i = 0; i < 3; i++) {
		size_t len = 0;
		char *body = fixture_read(cases[i].file, &len, 0);
		sts_identity_t id;
		aws_error_t err;
		assert_int_equal(sts_parse_get_caller_identity(body, len, &id, &err), 0);
		assert_string_equal(id.account, "123456789012");
		assert_string_equal(id.arn, cases[i].arn);
		assert_string_equal(id.user_id, cases[i].user_id);
		sts_identity_free(&id);
		free(body);
	}
	sts_identity_t id;
	aws_error_t err;
	size_t len = 0;
	char *body = fixture_read("aws/sts-error-access-denied.xml", &len, 0);
	assert_int_equal(sts_parse_get_caller_identity(body, len, &id, &err), -1);
	assert_parse_error(err);
	free(body);

	aws_params_t p = {0};
	sts_assume_role_req_t req = {.role_arn = "arn:aws:iam::123456789012:role/r",
	                             .session_name = "nixl", .external_id = "ext",
	                             .duration_seconds = 900};
	assert_int_equal(sts_build_assume_role(&req, &p), 0);
	assert_params(&p, "RoleArn=arn:aws:iam::123456789012:role/r\nRoleSessionName=nixl\n"
	                  "ExternalId=ext\nDurationSeconds=900\n");
	aws_params_free(&p);
	sts_assume_role_req_t bad = {.role_arn = "arn"};
	assert_int_equal(sts_build_assume_role(&bad, &p), -1);

	/* The AssumeRole sample of the STS API reference, shortened. */
	const char *ar =
		"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
		"<AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/"
		"demo/John</Arn><AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>"
		"</AssumedRoleUser><Credentials><SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken>"
		"<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>"
		"<Expiration>2019-11-09T13:34:41Z</Expiration><AccessKeyId>ASIAJEXAMPLEXEG2JICEA"
		"</AccessKeyId></Credentials><PackedPolicySize>6</PackedPolicySize>"
		"</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-"
		"cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>";
	sts_credentials_t c;
	assert_int_equal(sts_parse_assume_role(ar, strlen(ar), &c, &err), 0);
	assert_string_equal(c.access_key_id, "ASIAJEXAMPLEXEG2JICEA");
	assert_string_equal(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	assert_string_equal(c.session_token, "FwoGZXIvYXdzEXAMPLE");
	assert_int_equal(c.expiration, utc(2019, 11, 9, 13, 34, 41));
	assert_string_equal(c.assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/John");
	sts_credentials_free(&c);
	assert_null(c.secret_access_key);
	/* Without the token the credentials are unusable: an error. */
	const char *half = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A"
	                   "</AccessKeyId><SecretAccessKey>S</SecretAccessKey></Credentials>"
	                   "</AssumeRoleResult></AssumeRoleResponse>";
	assert_int_equal(sts_parse_assume_role(half, strlen(half), &c, &err), -1);
	assert_parse_error(err);
	assert_null(strstr(err.message, "S<"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_create_stack),
		cmocka_unit_test(test_build_others),
		cmocka_unit_test(test_parse_create_delete),
		cmocka_unit_test(test_parse_describe_stacks),
		cmocka_unit_test(test_parse_events),
		cmocka_unit_test(test_parse_events_paged_and_broken),
		cmocka_unit_test(test_parse_resources_and_validate),
		cmocka_unit_test(test_parsers_refuse_errors_and_junk),
		cmocka_unit_test(test_sts),
	};
	return cmocka_run_group_tests_name("aws_cfn_sts", tests, NULL, NULL);
}
