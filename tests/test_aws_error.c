/* aws_error_parse over every error shape in tests/fixtures/aws, the protocol-test
 * error cases, bodies of no known shape; sentences; throttling codes. */
#include "testutil.h"

#include <cjson/cJSON.h>

#include "awstest.h"
#include "aws/error.h"

/* Parses fixture `rel` as the reply of an HTTP `status`. */
static aws_error_t parse_fixture(const char *rel, long status)
{
	size_t len = 0;
	char *body = fixture_read(rel, &len, 0);
	aws_error_t err = {0};
	err.http_status = status;
	aws_error_parse(&err, body, len, NULL, NULL);
	free(body);
	return err;
}

static void test_query_errors(void **state)
{
	(void)state;
	static const struct {
		const char *file, *code, *message, *request_id;
	} cases[] = {
		{"aws/cfn-error-stack-does-not-exist-colon.xml", "ValidationError",
		 "Stack: foobar does not exist", "21113b58-b7e4-11e2-91fa-05ec834fa451"},
		{"aws/cfn-error-stack-with-id-does-not-exist.xml", "ValidationError",
		 "Stack with id convox-myapp does not exist", "bc91dc86-5803-11e5-a24f-85fde26a90fa"},
		{"aws/cfn-error-stack-bracket-does-not-exist.xml", "ValidationError",
		 "Stack [foo-dev] does not exist", "f1479c09-9fff-498a-89e5-b69d211fa206"},
		{"aws/cfn-error-validation-template.xml", "ValidationError",
		 "Either Template URL or Template Body must be specified.",
		 "70a76d42-9665-11e2-9fdf-211deEXAMPLE"},
		{"aws/sts-error-access-denied.xml", "AccessDenied",
		 "GetSessionToken call failed, unable to validate MFA code. Please verify your MFA "
		 "serial number is valid and associated with this user.",
		 "8088f6eb-b7fb-11e2-8d25-4b9f3b52b80f"},
		{"aws/ec2-error-invalid-instance-id.xml", "InvalidInstanceID.Malformed",
		 "Invalid id: \"foobar\"", "dfb14b43-9a55-4d8e-b676-e8034d12bbeb"},
		{"aws/s3-error-access-denied.xml", "AccessDenied", "Access Denied", "9C7D5181867045BB"},
		{"aws/moto/sts-error-signature-does-not-match.xml", "SignatureDoesNotMatch",
		 "The request signature we calculated does not match the signature you provided. "
		 "Check your AWS Secret Access Key and signing method. Consult the service "
		 "documentation for details.",
		 ""},
		{"aws/s3-error-bucket-already-owned.xml", "BucketAlreadyOwnedByYou",
		 "Your previous request to create the named bucket succeeded and you already own it.",
		 "96380E1CB938DDF7"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		aws_error_t err = parse_fixture(cases[i].file, 400);
		assert_int_equal(err.kind, AWS_ERR_SERVICE);
		assert_string_equal(err.code, cases[i].code);
		assert_string_equal(err.message, cases[i].message);
		assert_string_equal(err.request_id, cases[i].request_id);
		assert_int_equal(err.http_status, 400);
	}
}

static void test_json_errors(void **state)
{
	(void)state;
	static const struct {
		const char *file, *code, *message_start;
	} cases[] = {
		{"aws/json-errors/datapipeline-create-pipeline.json", "AccessDeniedException",
		 "Operation createPipeline is not allowed"},
		{"aws/json-errors/directconnect-delete-connection.json", "DirectConnectClientException",
		 "Connection ID foobar has an invalid format."},
		{"aws/json-errors/dynamodb-put-item.json", "ProvisionedThroughputExceededException",
		 "The level of configured provisioned throughput for the table was exceeded. Consider"},
		{"aws/json-errors/storagegateway-delete-gateway.json", "ValidationException",
		 "1 validation error detected: Value 'foobar' at 'gatewayARN'"},
		{"aws/json-errors/swf-deprecate-domain.json", "UnknownResourceFault",
		 "Unknown domain: foobar"},
		{"aws/moto/ssm-error-parameter-not-found.json", "ParameterNotFound",
		 "Parameter /nixl/missing not found."},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		aws_error_t err = parse_fixture(cases[i].file, 400);
		assert_int_equal(err.kind, AWS_ERR_SERVICE);
		assert_string_equal(err.code, cases[i].code);
		assert_memory_equal(err.message, cases[i].message_start,
		                    strlen(cases[i].message_start));
	}
	aws_error_t dyn = parse_fixture("aws/json-errors/dynamodb-put-item.json", 400);
	assert_true(aws_error_is_throttle(&dyn));
}

/* Header lookup in a protocol-test case's "headers" object, case-insensitively. */
static const char *case_header(const cJSON *headers, const char *name)
{
	const cJSON *h;
	cJSON_ArrayForEach(h, headers)
		if (strcasecmp(h->string, name) == 0 && cJSON_IsString(h)) return h->valuestring;
	return NULL;
}

/* Every error case of the AWS protocol suites: the code must be errorCode (namespace
 * and URI suffix stripped, X-Amzn-ErrorType first), the message errorMessage. */
static void test_protocol_suite_errors(void **state)
{
	(void)state;
	static const char *const suites[] = {"output-query", "output-ec2", "output-json",
	                                     "output-json_1_0", "output-rest-xml"};
	int checked = 0, with_message = 0;
	for (size_t s = 0; s < sizeof suites / sizeof *suites; s++) {
		char rel[96];
		snprintf(rel, sizeof rel, "aws/protocol-tests/%s.json", suites[s]);
		char *text = fixture_read(rel, NULL, 0);
		cJSON *root = cJSON_Parse(text);
		assert_non_null(root);
		const cJSON *suite;
		cJSON_ArrayForEach(suite, root) {
			const cJSON *c;
			cJSON_ArrayForEach(c, cJSON_GetObjectItem(suite, "cases")) {
				const cJSON *code = cJSON_GetObjectItem(c, "errorCode");
				if (!cJSON_IsString(code)) continue;
				const cJSON *resp = cJSON_GetObjectItem(c, "response");
				const cJSON *headers = cJSON_GetObjectItem(resp, "headers");
				const cJSON *body = cJSON_GetObjectItem(resp, "body");
				const char *b = cJSON_IsString(body) ? body->valuestring : NULL;
				aws_error_t err = {0};
				err.http_status =
					(long)cJSON_GetNumberValue(cJSON_GetObjectItem(resp, "status_code"));
				aws_error_parse(&err, b, b ? strlen(b) : 0,
				                case_header(headers, "x-amzn-requestid"),
				                case_header(headers, "x-amzn-errortype"));
				assert_int_equal(err.kind, AWS_ERR_SERVICE);
				if (strcmp(err.code, code->valuestring) != 0)
					fail_msg("%s %s: code %s, expected %s", suites[s],
					         cJSON_GetObjectItem(c, "id")->valuestring, err.code,
					         code->valuestring);
				const cJSON *msg = cJSON_GetObjectItem(c, "errorMessage");
				if (cJSON_IsString(msg)) {
					assert_string_equal(err.message, msg->valuestring);
					with_message++;
				}
				if (b && strstr(b, "<RequestId>foo-id</RequestId>"))
					assert_string_equal(err.request_id, "foo-id");
				assert_false(strchr(err.message, '<'));
				checked++;
			}
		}
		cJSON_Delete(root);
		free(text);
	}
	/* 3 query + 2 ec2 + 12 json + 12 json_1_0 + 2 rest-xml. */
	assert_int_equal(checked, 31);
	assert_int_equal(with_message, 6);
}

static void test_unknown_shapes(void **state)
{
	(void)state;
	/* moto's reply to an action it lacks: an HTML page, never quoted. */
	aws_error_t err = parse_fixture("aws/moto/ec2-error-not-implemented.html", 500);
	assert_string_equal(err.code, "Http500");
	assert_string_equal(err.message, "the service replied HTTP 500 Internal Server Error with a "
	                                 "body that is not an AWS error (265 bytes)");

	aws_error_t e2 = {.http_status = 404};
	aws_error_parse(&e2, "", 0, "req-1", NULL);
	assert_string_equal(e2.code, "Http404");
	assert_string_equal(e2.message, "the service replied HTTP 404 Not Found with no body");
	assert_string_equal(e2.request_id, "req-1");

	/* S3 HEAD-style: no body, the header names the error. */
	aws_error_t e3 = {.http_status = 403};
	aws_error_parse(&e3, NULL, 0, NULL, "AccessDenied");
	assert_string_equal(e3.code, "AccessDenied");

	/* A plain-text one-liner is quoted, on one line. */
	aws_error_t e4 = {.http_status = 502};
	const char *txt = "upstream\r\n connect error\n";
	aws_error_parse(&e4, txt, strlen(txt), NULL, NULL);
	assert_string_equal(e4.code, "Http502");
	assert_string_equal(e4.message, "upstream connect error");

	/* Broken XML and JSON that look like errors. */
	const char *bad[] = {"<ErrorResponse><Error><Code>Thr", "{\"__type\": \"Thrott",
	                     "<Other><Code>X</Code></Other>", "[1,2]"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		aws_error_t e = {.http_status = 400};
		aws_error_parse(&e, bad[i], strlen(bad[i]), NULL, NULL);
		assert_int_equal(e.kind, AWS_ERR_SERVICE);
		assert_string_equal(e.code, "Http400");
		assert_true(strlen(e.message) > 0);
		assert_null(strstr(e.message, "Thr"));
	}
	aws_error_t e5 = {0};
	aws_error_parse(&e5, NULL, 0, NULL, NULL);
	assert_string_equal(e5.code, "UnknownError");

	/* A message spread over lines (as in the DynamoDB fixture) becomes one line. */
	const char *ml = "<Response><Errors><Error><Code>A</Code><Message>one\n   two\t three</Message>"
	                 "</Error></Errors><RequestID>r</RequestID></Response>";
	aws_error_t e6 = {0};
	aws_error_parse(&e6, ml, strlen(ml), "header-id", NULL);
	assert_string_equal(e6.message, "one two three");
	assert_string_equal(e6.request_id, "r");
}

static void test_huge_error_body(void **state)
{
	(void)state;
	size_t n = 20u * 1024 * 1024;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big, "<ErrorResponse><Error><Code>", 28);
	aws_error_t err = {.http_status = 400};
	aws_error_parse(&err, big, n, NULL, NULL);
	assert_string_equal(err.code, "Http400");
	assert_true(strlen(err.message) < 200);
	free(big);
}

static void test_sentences(void **state)
{
	(void)state;
	char buf[512];
	aws_error_t err = parse_fixture("aws/cfn-error-stack-with-id-does-not-exist.xml", 400);
	snprintf(err.service, sizeof err.service, "cloudformation");
	snprintf(err.operation, sizeof err.operation, "DescribeStacks");
	err.attempts = 1;
	assert_string_equal(aws_error_sentence(&err, buf, sizeof buf),
	                    "cloudformation DescribeStacks failed: Stack with id convox-myapp does "
	                    "not exist (ValidationError, HTTP 400, request id "
	                    "bc91dc86-5803-11e5-a24f-85fde26a90fa).");

	/* The message's own full stop is not doubled; retries are counted. */
	aws_error_t t = {.kind = AWS_ERR_SERVICE, .http_status = 400, .attempts = 3};
	snprintf(t.service, sizeof t.service, "ec2");
	snprintf(t.operation, sizeof t.operation, "DescribeInstances");
	aws_error_set(&t, AWS_ERR_SERVICE, "RequestLimitExceeded", "Request limit exceeded.");
	assert_string_equal(aws_error_sentence(&t, buf, sizeof buf),
	                    "ec2 DescribeInstances failed: Request limit exceeded "
	                    "(RequestLimitExceeded, HTTP 400, after 3 attempts).");

	aws_error_t tr = {0};
	snprintf(tr.service, sizeof tr.service, "sts");
	snprintf(tr.operation, sizeof tr.operation, "GetCallerIdentity");
	aws_error_set(&tr, AWS_ERR_TRANSPORT, "ConnectionRefused",
	              "could not connect to http://127.0.0.1:9: Connection refused");
	assert_string_equal(aws_error_sentence(&tr, buf, sizeof buf),
	                    "sts GetCallerIdentity failed: could not connect to http://127.0.0.1:9: "
	                    "Connection refused (ConnectionRefused).");

	aws_error_t c = {.kind = AWS_ERR_CANCELLED};
	snprintf(c.service, sizeof c.service, "logs");
	snprintf(c.operation, sizeof c.operation, "GetLogEvents");
	assert_string_equal(aws_error_sentence(&c, buf, sizeof buf), "logs GetLogEvents was cancelled.");

	/* Code only, no service named. */
	aws_error_t k = {.kind = AWS_ERR_SERVICE};
	snprintf(k.code, sizeof k.code, "ComplexError");
	assert_string_equal(aws_error_sentence(&k, buf, sizeof buf), "AWS failed: ComplexError.");
	assert_string_equal(aws_error_sentence(NULL, buf, sizeof buf), "No error.");

	/* A small buffer is cut, still terminated. */
	char small[16];
	aws_error_sentence(&err, small, sizeof small);
	assert_int_equal(strlen(small), 15);
	assert_string_equal(small, "cloudformation ");
}

static void test_throttle(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		aws_error_t e = {.http_status = 400};
		aws_error_set(&e, AWS_ERR_SERVICE, yes[i], "x");
		assert_true(aws_error_is_throttle(&e));
	}
	static const char *const no[] = {"ValidationError", "AccessDenied", "Throttlingg",
	                                 "throttling", "InternalFailure", ""};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		aws_error_t e = {.http_status = 400};
		aws_error_set(&e, AWS_ERR_SERVICE, no[i], "Rate exceeded");
		assert_false(aws_error_is_throttle(&e));
	}
	/* LimitExceededException: a quota (CloudFormation, Logs) is not a throttle... */
	aws_error_t q = {.http_status = 400};
	aws_error_set(&q, AWS_ERR_SERVICE, "LimitExceededException",
	              "Limit for stacks has been exceeded");
	assert_false(aws_error_is_throttle(&q));
	/* ...a rate limit is. */
	aws_error_set(&q, AWS_ERR_SERVICE, "LimitExceededException", "Rate exceeded");
	assert_true(aws_error_is_throttle(&q));
	aws_error_t r = {.http_status = 429};
	aws_error_set(&r, AWS_ERR_SERVICE, "LimitExceededException", "Limit exceeded");
	assert_true(aws_error_is_throttle(&r));
	/* Only service replies are throttles. */
	aws_error_t tr = {0};
	aws_error_set(&tr, AWS_ERR_TRANSPORT, "Throttling", "x");
	assert_false(aws_error_is_throttle(&tr));
	assert_false(aws_error_is_throttle(NULL));
}

static void test_error_set_keeps_identity(void **state)
{
	(void)state;
	aws_error_t e = {.http_status = 503, .attempts = 2};
	snprintf(e.service, sizeof e.service, "s3");
	snprintf(e.request_id, sizeof e.request_id, "rid");
	aws_error_set(&e, AWS_ERR_SERVICE, "SlowDown", "Please reduce your request rate (%d)", 7);
	assert_string_equal(e.service, "s3");
	assert_string_equal(e.request_id, "rid");
	assert_int_equal(e.http_status, 503);
	assert_string_equal(e.code, "SlowDown");
	assert_string_equal(e.message, "Please reduce your request rate (7)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_errors),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_protocol_suite_errors),
		cmocka_unit_test(test_unknown_shapes),
		cmocka_unit_test(test_huge_error_body),
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_error_set_keeps_identity),
	};
	return cmocka_run_group_tests_name("aws_error", tests, NULL, NULL);
}
