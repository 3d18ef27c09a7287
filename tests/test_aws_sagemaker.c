/* SageMaker's DescribeMlflowTrackingServer: the request body, the ARN's parts, the reply
 * parser (a fixture with every documented member, hostile and truncated replies) and the
 * states in which the managed MLflow server takes calls. */
#include "testutil.h"

#include "awstest.h"
#include "aws/sagemaker.h"

static void test_build(void **state)
{
	(void)state;
	cJSON *j = sagemaker_build_describe_mlflow_tracking_server("nixl-ml");
	char *t = cJSON_PrintUnformatted(j);
	assert_string_equal(t, "{\"TrackingServerName\":\"nixl-ml\"}");
	free(t);
	cJSON_Delete(j);
	assert_null(sagemaker_build_describe_mlflow_tracking_server(""));
	assert_null(sagemaker_build_describe_mlflow_tracking_server(NULL));
}

static void test_arn(void **state)
{
	(void)state;
	char region[32], name[300];
	assert_int_equal(sagemaker_mlflow_arn_parse("arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml",
	                                            region, sizeof region, name, sizeof name), 0);
	assert_string_equal(region, "us-east-1");
	assert_string_equal(name, "ml");
	assert_int_equal(sagemaker_mlflow_arn_parse("arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:"
	                                            "mlflow-tracking-server/a-b--c", region, sizeof region, NULL, 0), 0);
	assert_string_equal(region, "us-gov-west-1");
	static const char *const bad[] = {
		"", "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/",
		"arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/-ml",
		"arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml-",
		"arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml;rm",
		"arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/m'l",
		"arn:aws:sagemaker:us-east-1:12345678901:mlflow-tracking-server/ml",
		"arn:aws:s3:us-east-1:123456789012:mlflow-tracking-server/ml",
		"arn:aws:sagemaker::123456789012:mlflow-tracking-server/ml",
		"arn:aws:sagemaker:us-east-1:123456789012:model/ml",
		"arn:aws:sagemaker:us-east-1:123456789012",
		"arn:aws:sagemaker:US_EAST:123456789012:mlflow-tracking-server/ml",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(sagemaker_mlflow_arn_parse(bad[i], region, sizeof region, name, sizeof name), -1);
	/* a name longer than the caller's buffer is refused, not cut */
	assert_int_equal(sagemaker_mlflow_arn_parse("arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/"
	                                            "abcdefghij", region, sizeof region, name, 5), -1);
}

static void test_parse_fixture(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	sagemaker_mlflow_server_t s;
	char *b = fixture_read("aws/sagemaker-describe-mlflow-tracking-server.json", &len, 0);
	assert_int_equal(sagemaker_parse_describe_mlflow_tracking_server(b, len, &s, &err), 0);
	assert_string_equal(s.arn, "arn:aws:sagemaker:us-west-2:111122223333:mlflow-tracking-server/nixl-ml");
	assert_string_equal(s.name, "nixl-ml");
	assert_string_equal(s.url, "https://t-abcdefgh1234.us-west-2.experiments.sagemaker.aws");
	assert_string_equal(s.status, "Created");
	assert_string_equal(s.is_active, "Active");
	assert_string_equal(s.artifact_store_uri, "s3://amzn-s3-demo-bucket/mlflow");
	assert_string_equal(s.mlflow_version, "2.16.2");
	assert_int_equal(sagemaker_mlflow_server_usable(&s), 1);
	sagemaker_mlflow_server_free(&s);
	assert_null(s.arn);
	free(b);
}

static void test_usable(void **state)
{
	(void)state;
	static const struct { const char *status, *active; int usable; } cases[] = {
		{"Created", "Active", 1}, {"Updated", "Active", 1}, {"Started", "Active", 1},
		{"MaintenanceComplete", "Active", 1}, {"Created", "Inactive", 0}, {"Stopped", "Inactive", 0},
		{"Creating", "Inactive", 0}, {"Starting", "Active", 0}, {"CreateFailed", "Active", 0},
		{"Created", NULL, 0}, {"created", "Active", 0}, {"Created", "active", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sagemaker_mlflow_server_t s = {.status = (char *)cases[i].status, .is_active = (char *)cases[i].active};
		assert_int_equal(sagemaker_mlflow_server_usable(&s), cases[i].usable);
	}
}

/* Hostile or truncated replies: an error, never a crash or a half-filled result. */
static void test_bad_replies(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "{", "null", "[]", "<xml/>", "\"Created\"",
		"{\"TrackingServerArn\":\"arn:aws:sagemaker:us-east-1:1:mlflow-tracking-server/x\"",
		"{\"TrackingServerArn\":\"a\",\"TrackingServerUrl\":\"https://x\"}",
		"{\"TrackingServerArn\":\"a\",\"TrackingServerStatus\":\"Created\"}",
		"{\"TrackingServerArn\":1,\"TrackingServerUrl\":\"https://x\",\"TrackingServerStatus\":\"Created\"}",
		"{\"TrackingServerArn\":\"a\",\"TrackingServerUrl\":[\"https://x\"],\"TrackingServerStatus\":\"Created\"}",
		"{\"TrackingServerArn\":\"a\",\"TrackingServerUrl\":\"https://x\",\"TrackingServerStatus\":null}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		sagemaker_mlflow_server_t s;
		aws_error_t err;
		assert_int_equal(sagemaker_parse_describe_mlflow_tracking_server(bad[i], strlen(bad[i]), &s, &err), -1);
		assert_parse_error(err);
		assert_null(s.arn);
		assert_null(s.url);
	}
	/* the fixture cut at every length: parsed whole or refused, never half */
	size_t len = 0;
	char *b = fixture_read("aws/sagemaker-describe-mlflow-tracking-server.json", &len, 0);
	for (size_t n = 0; n + 2 < len; n++) {
		sagemaker_mlflow_server_t s;
		aws_error_t err;
		char *cut = malloc(n + 1);
		assert_non_null(cut);
		memcpy(cut, b, n);
		cut[n] = 0;
		assert_int_equal(sagemaker_parse_describe_mlflow_tracking_server(cut, n, &s, &err), -1);
		free(cut);
	}
	free(b);
	/* control characters are kept as text (shown only through textsafe), and a status with one is not usable */
	static const char odd[] = "{\"TrackingServerArn\":\"a\",\"TrackingServerUrl\":\"https://x\\u001b[2J\","
	                          "\"TrackingServerStatus\":\"Stopped\\n\",\"IsActive\":\"Active\"}";
	sagemaker_mlflow_server_t s;
	aws_error_t err;
	assert_int_equal(sagemaker_parse_describe_mlflow_tracking_server(odd, strlen(odd), &s, &err), 0);
	assert_int_equal(sagemaker_mlflow_server_usable(&s), 0);
	sagemaker_mlflow_server_free(&s);
}

/* The error a name SageMaker does not know gives (JSON 1.1, HTTP 400; the sandbox's text). */
static void test_error(void **state)
{
	(void)state;
	static const char body[] = "{\"__type\":\"ResourceNotFound\",\"message\":\"Tracking Server with ARN "
	                           "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/x does not exist.\"}";
	aws_error_t err;
	memset(&err, 0, sizeof err);
	aws_error_parse(&err, body, strlen(body), "req-1", NULL);
	assert_string_equal(err.code, "ResourceNotFound");
	assert_non_null(strstr(err.message, "mlflow-tracking-server/x does not exist"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_arn),
		cmocka_unit_test(test_parse_fixture),
		cmocka_unit_test(test_usable),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
