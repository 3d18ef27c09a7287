/* The AWS client's attempt loop against the tests' own scripted server: retries on
 * 5xx, throttling and resets, clock-skew correction, giving up past the budget,
 * cancellation and many concurrent calls. */
#include "testutil.h"
#include "httpstub.h"

#include "aws/client.h"

typedef struct result {
	int done;
	aws_error_t err;
	int ok;
	long status;
	int calls;
} result_t;

static void on_done(void *ud, const aws_error_t *err, const aws_response_t *resp)
{
	result_t *r = ud;
	r->calls++;
	r->done = 1;
	if (err) r->err = *err;
	else {
		r->ok = 1;
		r->status = resp->status;
	}
}

static stub_t stub;

static void client_env(void)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDSTUB", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "stub-secret", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
}

static aws_client_t *client_for(loop_t *l, const char *url, int max_attempts)
{
	client_env();
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = url, .max_attempts = max_attempts,
	                        .retry_base_ms = 5 };
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	return c;
}

static result_t run_script(const char *script, int max_attempts)
{
	assert_int_equal(stub_start(&stub, script), 0);
	loop_t *l = loop_new();
	aws_client_t *c = client_for(l, stub.url, max_attempts);
	result_t r = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
	assert_int_equal(r.calls, 1);
	return r;
}

static void test_ok_first_time(void **s)
{
	(void)s;
	result_t r = run_script("ok", 3);
	assert_true(r.ok);
	assert_int_equal(r.status, 200);
}

static void test_recovers_from_503(void **s)
{
	(void)s;
	assert_true(run_script("503,503,ok", 3).ok);
}

static void test_recovers_from_throttling(void **s)
{
	(void)s;
	assert_true(run_script("throttle,throttle,ok", 3).ok);
}

static void test_recovers_from_reset(void **s)
{
	(void)s;
	assert_true(run_script("reset,ok", 3).ok);
}

static void test_corrects_clock_skew(void **s)
{
	(void)s;
	/* the stub only accepts a request signed within a minute of its clock, one hour ahead */
	result_t r = run_script("skew,ok", 1);
	assert_true(r.ok);
}

static void test_gives_up_past_budget(void **s)
{
	(void)s;
	result_t r = run_script("503", 3);
	assert_false(r.ok);
	assert_int_equal(r.err.kind, AWS_ERR_SERVICE);
	assert_int_equal(r.err.http_status, 503);
	assert_string_equal(r.err.code, "ServiceUnavailable");
	assert_int_equal(r.err.attempts, 3);
	char buf[512];
	aws_error_sentence(&r.err, buf, sizeof buf);
	assert_non_null(strstr(buf, "after 3 attempts"));
	assert_string_equal(r.err.operation, "GetCallerIdentity");
}

static void test_throttling_past_budget_is_clear(void **s)
{
	(void)s;
	result_t r = run_script("throttle", 4);
	assert_false(r.ok);
	assert_string_equal(r.err.code, "Throttling");
	assert_int_equal(r.err.attempts, 4);
	char buf[512];
	aws_error_sentence(&r.err, buf, sizeof buf);
	assert_non_null(strstr(buf, "Rate exceeded"));
}

static void test_client_error_not_retried(void **s)
{
	(void)s;
	result_t r = run_script("400,ok", 3);
	assert_false(r.ok);
	assert_string_equal(r.err.code, "ValidationError");
	assert_int_equal(r.err.attempts, 1);
	assert_string_equal(r.err.request_id, "v-1"); /* the body's id: the service's own */
}

static void test_json_throttling(void **s)
{
	(void)s;
	assert_int_equal(stub_start(&stub, "throttle-json,ok"), 0);
	loop_t *l = loop_new();
	aws_client_t *c = client_for(l, stub.url, 3);
	result_t r = {0};
	aws_call_json(c, "ssm", "AmazonSSM", "GetParameter", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
	assert_true(r.ok);
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
}

/* A loopback URL nobody listens on: bind, read the port, close. */
static void closed_url(char *url, size_t n)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	getsockname(fd, (struct sockaddr *)&a, &al);
	close(fd);
	snprintf(url, n, "http://127.0.0.1:%d", ntohs(a.sin_port));
}

/* An endpoint that the loopback rule does not count as this machine (only 127/8, ::1 and
 * localhost do), yet whose address is 127.0.0.1 (IPv4-mapped IPv6), on a closed port: a
 * test of the refusal can never reach anything beyond loopback, even if the refusal
 * breaks. */
static void mapped_loopback_url(char *url, size_t n)
{
	char local[64];
	closed_url(local, sizeof local);
	snprintf(url, n, "http://[::ffff:127.0.0.1]%s", strrchr(local, ':'));
}

static void test_connection_refused(void **s)
{
	(void)s;
	char url[64];
	closed_url(url, sizeof url);
	loop_t *l = loop_new();
	aws_client_t *c = client_for(l, url, 2);
	result_t r = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
	assert_false(r.ok);
	assert_int_equal(r.err.kind, AWS_ERR_TRANSPORT);
	assert_int_equal(r.err.attempts, 2);
	aws_client_free(c);
	loop_free(l);
}

/* The first retry's delay as the client logs it ("retrying in N ms"), from a client
 * with that jitter seed (0: from the OS) and a 20 s backoff base, so that draws are
 * spread over 20000 values. Returns as soon as the delay is logged. */
typedef struct first_delay {
	long ms;
	int seen;
} first_delay_t;

static void delay_log(void *ud, const char *line)
{
	first_delay_t *d = ud;
	const char *p = strstr(line, "retrying in ");
	if (p && !d->seen) {
		d->ms = atol(p + 12);
		d->seen = 1;
	}
}

static long first_retry_delay(const char *url, uint64_t seed)
{
	client_env();
	loop_t *l = loop_new();
	first_delay_t d = {0};
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = url, .max_attempts = 2,
	                        .retry_base_ms = 20000, .jitter_seed = seed, .log = delay_log,
	                        .log_ud = &d };
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	result_t r = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &d.seen, 10000), 0);
	aws_client_free(c);
	loop_free(l);
	return d.ms;
}

/* Processes started together must not retry in lockstep: each seeds its jitter from
 * the OS (rand() unseeded gave every process the same first delay). Three processes'
 * first delays, drawn from 20000 values, are not all the same. */
static void test_retry_jitter_differs_per_process(void **s)
{
	(void)s;
	char url[64];
	closed_url(url, sizeof url);
	long ms[3];
	for (int i = 0; i < 3; i++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			long v = first_retry_delay(url, 0);
			_exit(write(fds[1], &v, sizeof v) == (ssize_t)sizeof v ? 0 : 1);
		}
		close(fds[1]);
		assert_int_equal(read(fds[0], &ms[i], sizeof ms[i]), (ssize_t)sizeof ms[i]);
		close(fds[0]);
		int st;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		assert_in_range(ms[i], 0, 19999);
	}
	if (ms[0] == ms[1] && ms[1] == ms[2]) fail_msg("every process waits %ld ms", ms[0]);
}

/* A fixed seed (what tests inject) repeats the delays exactly. */
static void test_retry_jitter_seed_repeats(void **s)
{
	(void)s;
	char url[64];
	closed_url(url, sizeof url);
	assert_int_equal(first_retry_delay(url, 42), first_retry_delay(url, 42));
}

/* http:// to a host other than this machine is refused before anything is sent (the
 * request would carry the key id, signature and token in clear), unless allowed: then
 * the call really goes out (to 127.0.0.1) and finds the port closed. */
static void test_http_beyond_loopback_refused(void **s)
{
	(void)s;
	char other[64];
	mapped_loopback_url(other, sizeof other);
	for (int allow = 0; allow < 2; allow++) {
		client_env();
		loop_t *l = loop_new();
		aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = other, .max_attempts = 1,
		                        .allow_http = allow };
		aws_error_t err;
		aws_client_t *c = aws_client_new(l, &o, &err);
		assert_non_null(c);
		result_t r = {0};
		aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
		assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
		assert_false(r.ok);
		if (allow) {
			assert_int_equal(r.err.kind, AWS_ERR_TRANSPORT);
		} else {
			assert_int_equal(r.err.kind, AWS_ERR_CONFIG);
			assert_string_equal(r.err.code, "InsecureEndpoint");
			assert_int_equal(r.err.attempts, 0);
			assert_non_null(strstr(r.err.message, "--allow-http"));
			assert_null(strstr(r.err.message, "stub-secret"));
		}
		aws_client_free(c);
		loop_free(l);
	}
}

/* The same for the source credentials of a role, sent to STS before any call. */
static void test_http_sts_for_role_refused(void **s)
{
	(void)s;
	char dir[] = "/tmp/nixl-client-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = src\n"
	      "[profile src]\naws_access_key_id = AKIDSRC\naws_secret_access_key = src-secret\n", f);
	fclose(f);
	client_env();
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	setenv("AWS_CONFIG_FILE", path, 1);
	char sts[64];
	mapped_loopback_url(sts, sizeof sts);
	setenv("AWS_ENDPOINT_URL_STS", sts, 1);
	loop_t *l = loop_new();
	aws_client_opts_t o = { .profile = "role", .region = "us-east-1", .max_attempts = 1 };
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	result_t r = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
	assert_false(r.ok);
	assert_string_equal(r.err.code, "InsecureEndpoint");
	assert_null(strstr(r.err.message, "src-secret"));
	aws_client_free(c);
	loop_free(l);
	unsetenv("AWS_ENDPOINT_URL_STS");
	unlink(path);
	rmdir(dir);
}

/* And for the SSO portal, which would get the SSO access token in clear. */
static void test_http_sso_refused(void **s)
{
	(void)s;
	char dir[] = "/tmp/nixl-client-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[profile role]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
	      "sso_account_id = 123456789012\nsso_role_name = R\n", f);
	fclose(f);
	client_env();
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	setenv("AWS_CONFIG_FILE", path, 1);
	char sso[64];
	mapped_loopback_url(sso, sizeof sso);
	setenv("AWS_ENDPOINT_URL_SSO", sso, 1);
	loop_t *l = loop_new();
	aws_client_opts_t o = { .profile = "role", .region = "us-east-1", .max_attempts = 1 };
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	result_t r = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
	assert_false(r.ok);
	assert_string_equal(r.err.code, "InsecureEndpoint");
	assert_non_null(strstr(r.err.message, sso));
	aws_client_free(c);
	loop_free(l);
	unsetenv("AWS_ENDPOINT_URL_SSO");
	unlink(path);
	rmdir(dir);
}

static void cancel_cb(loop_t *l, void *ud) { (void)l; aws_call_cancel(ud); }

static void test_cancel_in_flight(void **s)
{
	(void)s;
	assert_int_equal(stub_start(&stub, "hang"), 0);
	loop_t *l = loop_new();
	aws_client_t *c = client_for(l, stub.url, 3);
	result_t r = {0};
	aws_call_t *call = aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	loop_timer_add(l, 100, cancel_cb, call);
	assert_int_equal(aws_client_wait(c, &r.done, 5000), 0);
	assert_int_equal(r.err.kind, AWS_ERR_CANCELLED);
	assert_int_equal(r.calls, 1);
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
}

static void test_many_concurrent_calls(void **s)
{
	(void)s;
	enum { N = 64 };
	assert_int_equal(stub_start(&stub, "ok"), 0);
	loop_t *l = loop_new();
	aws_client_t *c = client_for(l, stub.url, 3);
	static result_t r[N];
	memset(r, 0, sizeof r);
	for (int i = 0; i < N; i++)
		aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r[i]);
	int64_t deadline = loop_now_ms() + 15000;
	int finished = 0;
	while (finished < N && loop_now_ms() < deadline) {
		loop_run_once(l, 100);
		finished = 0;
		for (int i = 0; i < N; i++) finished += r[i].done;
	}
	assert_int_equal(finished, N);
	for (int i = 0; i < N; i++) {
		assert_true(r[i].ok);
		assert_int_equal(r[i].calls, 1);
	}
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
}


static void log_line(void *ud, const char *line)
{
	if (strstr(line, "credentials from instance metadata")) (*(int *)ud)++;
}

/* IMDSv2 last in the chain: token, role name, credentials; then the call is signed. */
static void test_imds_credentials(void **s)
{
	(void)s;
	assert_int_equal(stub_start(&stub, "imds-token,imds-role,imds-creds,ok"), 0);
	stub_imds_on(&stub);
	loop_t *l = loop_new();
	int from_imds = 0;
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = stub.url, .retry_base_ms = 5,
	                        .log = log_line, .log_ud = &from_imds };
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	result_t r = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
	assert_true(r.ok);
	assert_int_equal(from_imds, 1);
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
	stub_imds_off();
}

static int teardown(void **s) { (void)s; stub_stop(&stub); return 0; }

/* The console's client (defer_creds_error): without credentials it is made anyway, each
 * call fails with the chain's sentence and sends nothing; once the chain finds keys (here
 * a credentials file written meanwhile), the next call is signed and sent. Without the
 * option, no client. */
static void test_deferred_credentials(void **s)
{
	(void)s;
	char dir[] = "/tmp/nixl-client-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credentials", dir);
	client_env();
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	/* the first request the stub sees gets ok, a second 503: the call that succeeds below
	 * is the first request sent */
	assert_int_equal(stub_start(&stub, "ok,503"), 0);
	loop_t *l = loop_new();
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = stub.url, .max_attempts = 1 };
	aws_error_t err;
	assert_null(aws_client_new(l, &o, &err));
	assert_string_equal(err.code, "NoCredentials");
	o.defer_creds_error = 1;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	assert_string_equal(aws_client_creds_source(c), "");
	result_t r = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r);
	assert_int_equal(aws_client_wait(c, &r.done, 10000), 0);
	assert_false(r.ok);
	assert_string_equal(r.err.code, "NoCredentials");
	assert_non_null(strstr(r.err.message, "No AWS credentials: tried environment variables"));
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[default]\naws_access_key_id = AKIDLATER\naws_secret_access_key = later-secret\n", f);
	fclose(f);
	result_t r2 = {0};
	aws_call_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, on_done, &r2);
	assert_int_equal(aws_client_wait(c, &r2.done, 10000), 0);
	assert_true(r2.ok);
	assert_string_equal(aws_client_creds_source(c), "profile default");
	aws_client_free(c);
	loop_free(l);
	stub_stop(&stub);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ok_first_time, teardown),
		cmocka_unit_test_teardown(test_recovers_from_503, teardown),
		cmocka_unit_test_teardown(test_recovers_from_throttling, teardown),
		cmocka_unit_test_teardown(test_recovers_from_reset, teardown),
		cmocka_unit_test_teardown(test_corrects_clock_skew, teardown),
		cmocka_unit_test_teardown(test_gives_up_past_budget, teardown),
		cmocka_unit_test_teardown(test_throttling_past_budget_is_clear, teardown),
		cmocka_unit_test_teardown(test_client_error_not_retried, teardown),
		cmocka_unit_test_teardown(test_json_throttling, teardown),
		cmocka_unit_test_teardown(test_connection_refused, teardown),
		cmocka_unit_test_teardown(test_retry_jitter_differs_per_process, teardown),
		cmocka_unit_test_teardown(test_retry_jitter_seed_repeats, teardown),
		cmocka_unit_test_teardown(test_http_beyond_loopback_refused, teardown),
		cmocka_unit_test_teardown(test_http_sts_for_role_refused, teardown),
		cmocka_unit_test_teardown(test_http_sso_refused, teardown),
		cmocka_unit_test_teardown(test_cancel_in_flight, teardown),
		cmocka_unit_test_teardown(test_many_concurrent_calls, teardown),
		cmocka_unit_test_teardown(test_imds_credentials, teardown),
		cmocka_unit_test_teardown(test_deferred_credentials, teardown),
	};
	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
