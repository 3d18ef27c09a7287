/* Issue 14 item 4: the header's "N AWS calls" stayed at 19 while --log recorded 43, because
 * only the session's own callbacks were counted. The client counts every request it
 * sends, whatever the protocol (query, JSON for SSM and Logs, REST for S3) and whoever
 * sent it, retries included, and tells an observer after each one; the count equals the
 * --log reply lines. Against the tests' own scripted server (tests/httpstub.h). */
#include "testutil.h"
#include "httpstub.h"

#include "aws/client.h"

static stub_t stub;

typedef struct done { int n; } done_t;

static void on_done(void *ud, const aws_error_t *err, const aws_response_t *resp)
{
	(void)err;
	(void)resp;
	((done_t *)ud)->n++;
}

static void on_request(void *ud) { (*(int *)ud)++; }

static int log_replies;
static void on_log(void *ud, const char *line)
{
	(void)ud;
	if (strstr(line, " -> ")) log_replies++;
}

static aws_client_t *client_for(loop_t *l, const char *url)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDSTUB", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "stub-secret", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = url, .max_attempts = 3,
	                        .retry_base_ms = 5, .log = on_log };
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	return c;
}

/* Runs the loop until the call's callback ran (20 s at most). */
static void wait_done(aws_client_t *c, done_t *d, int want)
{
	int reached = 0;
	for (int i = 0; i < 400 && d->n < want; i++) aws_client_wait(c, &reached, 50);
	assert_int_equal(d->n, want);
}

/* Three services, three protocols, one retry: four requests, four log lines, four
 * notifications. */
static void test_every_request_counts(void **s)
{
	(void)s;
	assert_int_equal(stub_start(&stub, "ok,503,ok,ok"), 0);
	loop_t *l = loop_new();
	aws_client_t *c = client_for(l, stub.url);
	int seen = 0;
	log_replies = 0;
	aws_client_on_request(c, on_request, &seen);
	assert_int_equal(aws_client_requests(c), 0);
	done_t d = {0};
	aws_call_query(c, "cloudformation", "DescribeStacks", "2010-05-15", NULL, on_done, &d);
	wait_done(c, &d, 1);
	aws_call_json(c, "ssm", "AmazonSSM", "DescribeInstanceInformation", NULL, on_done, &d);
	wait_done(c, &d, 2); /* 503 then ok: two requests */
	aws_call_rest(c, "s3", "ListObjectsV2", "GET", "/bucket", "list-type=2", NULL, 0, NULL, 0, on_done, &d);
	wait_done(c, &d, 3);
	assert_int_equal(aws_client_requests(c), 4);
	assert_int_equal(seen, 4);
	assert_int_equal(log_replies, 4);

	/* Another observer's "forget" leaves this one in place; its own removes it. */
	aws_client_on_request(c, NULL, &d);
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &d);
	wait_done(c, &d, 4);
	assert_int_equal(seen, 5);
	aws_client_on_request(c, NULL, &seen);
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &d);
	wait_done(c, &d, 5);
	assert_int_equal(seen, 5);
	assert_int_equal(aws_client_requests(c), 6);
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
}

/* The credentials' own requests are AWS calls too (here IMDSv2's three: token, role,
 * credentials): counted, told to the observer and logged as replies, so that a profile
 * that assumes a role or reads IMDS does not make the header's figure fall short of --log. */
static void test_credential_requests_count(void **s)
{
	(void)s;
	assert_int_equal(stub_start(&stub, "imds-token,imds-role,imds-creds,ok"), 0);
	stub_imds_on(&stub);
	loop_t *l = loop_new();
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = stub.url, .retry_base_ms = 5,
	                        .log = on_log };
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	int seen = 0;
	log_replies = 0;
	aws_client_on_request(c, on_request, &seen);
	done_t d = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &d);
	wait_done(c, &d, 1);
	assert_int_equal(aws_client_requests(c), 4);
	assert_int_equal(seen, 4);
	assert_int_equal(log_replies, 4);
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
	stub_imds_off();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_request_counts),
		cmocka_unit_test(test_credential_requests_count),
	};
	return cmocka_run_group_tests_name("client_count", tests, NULL, NULL);
}
