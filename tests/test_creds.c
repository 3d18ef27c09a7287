/* Credentials, region and endpoint resolution as the AWS CLI does it, against files
 * written into a temporary HOME per test, with the environment restored afterwards. */
#include "testutil.h"

#include <ftw.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/endpoints.h"
#include "aws/sso.h"

/* Every variable the module reads; unset before each test, restored at the end. */
static const char *const vars[] = {
	"HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
	"AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM",
	"AWS_ENDPOINT_URL_CLOUDFORMATION", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL_LOGS",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_EC2_METADATA_DISABLED",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC",
};
#define NVARS (sizeof vars / sizeof *vars)
static char *saved[NVARS];
static char home[256];
static char process_sh[1024]; /* "sh <repo>/tests/fixtures/creds/process.sh" */

static int group_setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVARS; i++) {
		const char *v = getenv(vars[i]);
		saved[i] = v ? strdup(v) : NULL;
	}
	char cwd[800];
	if (!getcwd(cwd, sizeof cwd)) return -1;
	snprintf(process_sh, sizeof process_sh, "sh %s/tests/fixtures/creds/process.sh", cwd);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVARS; i++) {
		if (saved[i]) setenv(vars[i], saved[i], 1);
		else unsetenv(vars[i]);
		free(saved[i]);
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVARS; i++) unsetenv(vars[i]);
	snprintf(home, sizeof home, "/tmp/nixl-creds-XXXXXX");
	if (!mkdtemp(home)) return -1;
	setenv("HOME", home, 1);
	/* Nothing here may reach a real instance metadata service. */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	char aws[300];
	snprintf(aws, sizeof aws, "%s/.aws", home);
	return mkdir(aws, 0700);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(home, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_bytes(const char *rel, const char *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", home, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_file(const char *rel, const char *text) { write_bytes(rel, text, strlen(text)); }

static char *path_in_home(const char *rel)
{
	static char p[512];
	snprintf(p, sizeof p, "%s/%s", home, rel);
	return p;
}

static void assert_contains(const char *s, const char *part)
{
	if (!strstr(s, part)) fail_msg("\"%s\"\n  does not contain \"%s\"", s, part);
}

static void assert_lacks(const char *s, const char *part)
{
	if (strstr(s, part)) fail_msg("\"%s\"\n  must not contain \"%s\"", s, part);
}

/* Resolves and expects a static plan with that key id and source. */
static void expect_static(const char *flag, const char *akid, const char *source)
{
	aws_creds_plan_t p;
	aws_error_t err;
	if (aws_creds_resolve(flag, &p, &err) != 0) fail_msg("resolve failed: %s", err.message);
	assert_int_equal(p.kind, AWS_CREDS_STATIC);
	assert_string_equal(p.creds.access_key_id, akid);
	assert_string_equal(p.creds.source, source);
	aws_creds_plan_free(&p);
}

/* Resolves and expects failure; returns the sentence (static buffer). */
static const char *expect_error(const char *flag, aws_error_kind_t kind, const char *code)
{
	static aws_error_t err;
	aws_creds_plan_t p;
	memset(&p, 0xab, sizeof p);
	assert_int_equal(aws_creds_resolve(flag, &p, &err), -1);
	assert_int_equal(err.kind, kind);
	assert_string_equal(err.code, code);
	assert_int_equal(p.nhops, 0);
	assert_null(p.creds.access_key_id);
	return err.message;
}

#define CRED_DEFAULT "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = s3cr3t-creds\n"

static void test_env_keys(void **state)
{
	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-env", 1);
	setenv("AWS_SESSION_TOKEN", "token-env", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z", 1);
	aws_creds_plan_t p;
	aws_error_t err;
	assert_int_equal(aws_creds_resolve(NULL, &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_STATIC);
	assert_string_equal(p.creds.access_key_id, "AKIDENV");
	assert_string_equal(p.creds.secret_access_key, "s3cr3t-env");
	assert_string_equal(p.creds.session_token, "token-env");
	assert_int_equal(p.creds.expiration, 1893553445);
	assert_string_equal(p.creds.source, "environment");
	assert_string_equal(p.profile, "default");
	aws_creds_plan_free(&p);

	unsetenv("AWS_SECRET_ACCESS_KEY");
	const char *m = expect_error(NULL, AWS_ERR_CREDENTIALS, "PartialCredentials");
	assert_string_equal(m, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, "
	                       "or unset AWS_ACCESS_KEY_ID to use a profile.");
}

static void test_profile_sections(void **state)
{
	(void)state;
	write_file(".aws/credentials", CRED_DEFAULT
	           "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s3cr3t-dev\n"
	           "aws_session_token = tok-dev\n"
	           "[profile wrong]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = x\n");
	write_file(".aws/config", "[profile cfgonly]\naws_access_key_id = AKIDCFG\n"
	           "aws_secret_access_key = s3cr3t-cfg\n"
	           "[plain]\naws_access_key_id = AKIDPLAIN\naws_secret_access_key = x\n");
	expect_static(NULL, "AKIDCREDS", "profile default");
	expect_static("dev", "AKIDDEV", "profile dev");
	expect_static("cfgonly", "AKIDCFG", "profile cfgonly");
	/* [x] in the config file and [profile x] in the credentials file are not profile x. */
	const char *m = expect_error("plain", AWS_ERR_CONFIG, "ProfileNotFound");
	assert_contains(m, "AWS profile \"plain\" (from --profile) was not found in ");
	m = expect_error("wrong", AWS_ERR_CONFIG, "ProfileNotFound");
	assert_contains(m, "AWS profile \"wrong\" (from --profile) was not found in ");

	aws_creds_plan_t p;
	aws_error_t err;
	assert_int_equal(aws_creds_resolve("dev", &p, &err), 0);
	assert_string_equal(p.creds.session_token, "tok-dev");
	assert_string_equal(p.profile, "dev");
	assert_int_equal(p.creds.expiration, 0);
	aws_creds_plan_free(&p);
}

static void test_config_default_forms(void **state)
{
	(void)state;
	write_file(".aws/config", "[default]\naws_access_key_id = AKIDD1\naws_secret_access_key = a\n");
	expect_static(NULL, "AKIDD1", "profile default");
	write_file(".aws/config",
	           "[profile default]\naws_access_key_id = AKIDD2\naws_secret_access_key = b\n");
	expect_static(NULL, "AKIDD2", "profile default");
	/* The credentials file wins for keys. */
	write_file(".aws/credentials", CRED_DEFAULT);
	expect_static(NULL, "AKIDCREDS", "profile default");
}

static void test_precedence(void **state)
{
	(void)state;
	write_file(".aws/credentials", CRED_DEFAULT
	           "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s3cr3t-dev\n"
	           "[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = s3cr3t-ops\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-env", 1);
	expect_static(NULL, "AKIDENV", "environment");
	/* AWS_PROFILE does not beat environment keys ... */
	setenv("AWS_PROFILE", "dev", 1);
	expect_static(NULL, "AKIDENV", "environment");
	/* ... --profile does, and beats AWS_PROFILE. */
	expect_static("ops", "AKIDOPS", "profile ops");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	expect_static(NULL, "AKIDDEV", "profile dev");
	expect_static("", "AKIDDEV", "profile dev");
	const char *m = expect_error("nope", AWS_ERR_CONFIG, "ProfileNotFound");
	assert_contains(m, "\"nope\" (from --profile)");
	setenv("AWS_PROFILE", "nope", 1);
	m = expect_error(NULL, AWS_ERR_CONFIG, "ProfileNotFound");
	assert_contains(m, "\"nope\" (from AWS_PROFILE)");
}

static void test_file_locations(void **state)
{
	(void)state;
	/* The default locations hold one thing, the overrides another. */
	write_file(".aws/credentials", CRED_DEFAULT);
	char dir[400];
	snprintf(dir, sizeof dir, "%s/elsewhere", home);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file("elsewhere/creds", "[default]\naws_access_key_id = AKIDELSE\n"
	           "aws_secret_access_key = s3cr3t-else\n");
	write_file("elsewhere/conf", "[profile c]\nregion = eu-west-3\naws_access_key_id = AKIDC\n"
	           "aws_secret_access_key = s3cr3t-c\n");
	setenv("AWS_SHARED_CREDENTIALS_FILE", path_in_home("elsewhere/creds"), 1);
	expect_static(NULL, "AKIDELSE", "profile default");
	setenv("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds", 1); /* ~ expanded */
	expect_static(NULL, "AKIDELSE", "profile default");
	setenv("AWS_CONFIG_FILE", "~/elsewhere/conf", 1);
	expect_static("c", "AKIDC", "profile c");
	char *r = aws_profile_get("c", "region");
	assert_string_equal(r, "eu-west-3");
	free(r);
	assert_null(aws_profile_get("c", "output"));
}

static void test_file_syntax_tolerated(void **state)
{
	(void)state;
	/* BOM, CRLF, comments, blank lines, no spaces, ':' delimiter, upper-case keys,
	 * padded headers and a nested sub-section as the CLI writes them. */
	write_file(".aws/config", "\xEF\xBB\xBF# top comment\r\n"
	           "; another\r\n"
	           "[profile   spaced  ]\r\n"
	           "region=ap-south-1\r\n"
	           "s3 =\r\n"
	           "    max_concurrent_requests = 20\r\n"
	           "    addressing_style = path\r\n"
	           "\r\n"
	           "AWS_ACCESS_KEY_ID : AKIDSPACED\r\n"
	           "  # indented comment\r\n"
	           "aws_secret_access_key =   s3cr3t-sp   \r\n");
	expect_static("spaced", "AKIDSPACED", "profile spaced");
	char *v = aws_profile_get("spaced", "s3");
	assert_string_equal(v, "\nmax_concurrent_requests = 20\naddressing_style = path");
	free(v);
	v = aws_profile_get("spaced", "aws_secret_access_key");
	assert_string_equal(v, "s3cr3t-sp");
	free(v);
	v = aws_profile_get("spaced", "region");
	assert_string_equal(v, "ap-south-1");
	free(v);
}

static void test_garbled_files(void **state)
{
	(void)state;
	static const struct {
		const char *file, *text;
		size_t len;
		const char *says;
	} cases[] = {
		{"credentials", "[default]\naws_access_key_id = A\n\x01\x02\xff\x00junk\n", 41,
		 "line 3 holds binary data, not text"},
		{"config", "[default]\nregion = us-east-1\n[profile dev\nregion = x\n", 0,
		 "line 3 is a section header without a closing ']'"},
		{"credentials", "[default]\naws_access_key_id = A\naws_secret_access_key s3cr3t-leak\n", 0,
		 "line 3 is not `key = value` (it has no '=')"},
		{"config", "# c\nregion = us-east-1\n[default]\n", 0,
		 "line 2 comes before any [section] header"},
		{"config", "[]\n", 0, "line 1 is a section header with no name"},
		{"credentials", "[default]\n = s3cr3t-leak\n", 0, "line 2 has no key before the '='"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char rel[64], want[600];
		snprintf(rel, sizeof rel, ".aws/%s", cases[i].file);
		write_bytes(rel, cases[i].text, cases[i].len ? cases[i].len : strlen(cases[i].text));
		snprintf(want, sizeof want, "The AWS %s file %s/.aws/%s is not valid: %s; fix or remove "
		         "that line.", cases[i].file, home, cases[i].file, cases[i].says);
		const char *m = expect_error(NULL, AWS_ERR_CONFIG, "InvalidConfigFile");
		assert_string_equal(m, want);
		assert_lacks(m, "s3cr3t-leak");
		aws_error_t err;
		assert_null(aws_region_resolve(NULL, NULL, &err));
		assert_string_equal(err.message, want);
		unlink(path_in_home(rel));
	}
	/* A directory where the file should be. */
	assert_int_equal(mkdir(path_in_home(".aws/config"), 0700), 0);
	const char *m = expect_error(NULL, AWS_ERR_CONFIG, "InvalidConfigFile");
	assert_contains(m, "Cannot read the AWS config file ");
	assert_contains(m, ": it is a directory.");
	rmdir(path_in_home(".aws/config"));

	/* A FIFO is refused at once instead of waiting forever for a writer. */
	assert_int_equal(mkfifo(path_in_home(".aws/config"), 0600), 0);
	m = expect_error(NULL, AWS_ERR_CONFIG, "InvalidConfigFile");
	assert_contains(m, ": it is a FIFO, not a regular file.");
	unlink(path_in_home(".aws/config"));

	/* /dev/null reads as an empty file, as the CLI reads it. */
	write_file(".aws/credentials", CRED_DEFAULT);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	expect_static(NULL, "AKIDCREDS", "profile default");
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	expect_error(NULL, AWS_ERR_CREDENTIALS, "NoCredentials");
}

/* The files are read in time linear in their size: 100k sections in the config file and
 * 100k keys in one credentials section (3.4 MB together, under the 4 MiB cap) used to
 * take about a minute; bench/aws_config.sh has the figure. Completing under the
 * runner's per-program timeout and finding the last of each is what is checked here. */
static void test_large_files(void **state)
{
	(void)state;
	enum { N = 100000 };
	size_t cap = (size_t)N * 40, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "[profile p%d]\nregion = r%d\n", i, i);
	write_bytes(".aws/config", text, len);
	len = (size_t)snprintf(text, cap, "[bulk]\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "k%d = v%d\n", i, i);
	len += (size_t)snprintf(text + len, cap - len, "aws_access_key_id = AKIDBULK\n"
	                        "aws_secret_access_key = s3cr3t-bulk\n");
	write_bytes(".aws/credentials", text, len);
	free(text);
	char *v = aws_profile_get("p99999", "region");
	assert_string_equal(v, "r99999");
	free(v);
	v = aws_profile_get("bulk", "k99999");
	assert_string_equal(v, "v99999");
	free(v);
	expect_static("bulk", "AKIDBULK", "profile bulk");
}

static void test_no_credentials_sentence(void **state)
{
	(void)state;
	char want[1200];
	snprintf(want, sizeof want,
	         "No AWS credentials: tried environment variables (AWS_ACCESS_KEY_ID not set), "
	         "profile \"default\" in %s/.aws/credentials (not found) and %s/.aws/config (not "
	         "found), and instance metadata (disabled by AWS_EC2_METADATA_DISABLED); run `aws "
	         "configure`, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile.",
	         home, home);
	assert_string_equal(expect_error(NULL, AWS_ERR_CREDENTIALS, "NoCredentials"), want);

	/* A named profile that exists but holds no keys; the env skipped for --profile. */
	write_file(".aws/config", "[profile empty]\nregion = us-east-2\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-env", 1);
	snprintf(want, sizeof want,
	         "No AWS credentials: tried environment variables (skipped because --profile was "
	         "given), profile \"empty\" in %s/.aws/credentials (not found) and %s/.aws/config (no "
	         "credentials in [profile empty]), and instance metadata (disabled by "
	         "AWS_EC2_METADATA_DISABLED); add keys or credential_process to profile \"empty\" "
	         "(`aws configure --profile empty`), or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.",
	         home, home);
	assert_string_equal(expect_error("empty", AWS_ERR_CREDENTIALS, "NoCredentials"), want);

	/* A missing named profile names itself and the files looked at. */
	snprintf(want, sizeof want,
	         "AWS profile \"ghost\" (from --profile) was not found in %s/.aws/credentials (not "
	         "found) and %s/.aws/config; check the name, or create it with `aws configure "
	         "--profile ghost`.", home, home);
	assert_string_equal(expect_error("ghost", AWS_ERR_CONFIG, "ProfileNotFound"), want);

	/* Half a key pair in a file. */
	write_file(".aws/credentials", "[default]\naws_access_key_id = AKIDHALF\n");
	unsetenv("AWS_ACCESS_KEY_ID");
	snprintf(want, sizeof want, "Profile \"default\" in %s/.aws/credentials has "
	         "aws_access_key_id but no aws_secret_access_key; add it, or remove the profile's "
	         "keys.", home);
	assert_string_equal(expect_error(NULL, AWS_ERR_CREDENTIALS, "PartialCredentials"), want);
}

static void test_imds(void **state)
{
	(void)state;
	unsetenv("AWS_EC2_METADATA_DISABLED");
	/* Not contacted here: the plan only names where the client will ask. */
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/", 1);
	aws_creds_plan_t p;
	aws_error_t err;
	assert_int_equal(aws_creds_resolve(NULL, &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_IMDS);
	assert_string_equal(p.imds_endpoint, "http://127.0.0.1:1338");
	assert_string_equal(p.source, "instance metadata");
	assert_null(p.creds.access_key_id);
	aws_creds_plan_free(&p);

	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	assert_int_equal(aws_creds_resolve(NULL, &p, &err), 0);
	assert_string_equal(p.imds_endpoint, "http://169.254.169.254");
	aws_creds_plan_free(&p);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6", 1);
	assert_int_equal(aws_creds_resolve(NULL, &p, &err), 0);
	assert_string_equal(p.imds_endpoint, "http://[fd00:ec2::254]");
	aws_creds_plan_free(&p);

	/* "false" is not disabled; "TRUE" is. */
	setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
	assert_int_equal(aws_creds_resolve(NULL, &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_IMDS);
	aws_creds_plan_free(&p);
	setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
	expect_error(NULL, AWS_ERR_CREDENTIALS, "NoCredentials");

	aws_creds_imds_failed(NULL, "http://127.0.0.1:1338", "connection refused", &err);
	assert_int_equal(err.kind, AWS_ERR_CREDENTIALS);
	assert_contains(err.message, "No AWS credentials: tried environment variables");
	assert_contains(err.message, ", and instance metadata (http://127.0.0.1:1338: connection "
	                             "refused); run `aws configure`");
}

static void set_process_profile(const char *mode, const char *extra)
{
	char text[2048];
	snprintf(text, sizeof text, "[profile proc]\ncredential_process = %s %s\n%s", process_sh,
	         mode, extra);
	write_file(".aws/config", text);
}

static void test_credential_process(void **state)
{
	(void)state;
	set_process_profile("ok", "");
	aws_creds_plan_t p;
	aws_error_t err;
	assert_int_equal(aws_creds_resolve("proc", &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_STATIC);
	assert_string_equal(p.creds.access_key_id, "AKIDPROCESS");
	assert_string_equal(p.creds.secret_access_key, "process-secret-1");
	assert_string_equal(p.creds.session_token, "process-token-1");
	assert_int_equal(p.creds.expiration, 1893553445); /* 2030-01-02T03:04:05Z */
	assert_string_equal(p.creds.source, "credential_process (profile proc)");
	assert_true(aws_creds_expiring(&p.creds, 1893553445 - 100, 300));
	assert_false(aws_creds_expiring(&p.creds, 1893553445 - 400, 300));
	aws_creds_plan_free(&p);

	set_process_profile("static", "");
	assert_int_equal(aws_creds_resolve("proc", &p, &err), 0);
	assert_null(p.creds.session_token);
	assert_int_equal(p.creds.expiration, 0);
	assert_false(aws_creds_expiring(&p.creds, 1893553445, 300));
	aws_creds_plan_free(&p);

	static const struct {
		const char *mode, *says;
	} bad[] = {
		{"fail", "credential_process for profile \"proc\" failed with exit status 3: sso token "
		         "expired; run login."},
		{"badjson", "credential_process for profile \"proc\" printed output that is not a JSON "
		            "object; it must print"},
		{"version", "credential_process for profile \"proc\" printed output that has no "
		            "\"Version\": 1;"},
		{"noid", "credential_process for profile \"proc\" printed output that has no AccessKeyId;"},
		{"badexp", "credential_process for profile \"proc\" printed output that has an Expiration "
		           "that is not an ISO-8601 time;"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		set_process_profile(bad[i].mode, "");
		const char *m = expect_error("proc", AWS_ERR_CREDENTIALS, "CredentialProcessFailed");
		assert_contains(m, bad[i].says);
		assert_lacks(m, "process-secret");
	}
}

static void test_credential_process_timeout(void **state)
{
	(void)state;
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "%s slow", process_sh);
	aws_creds_t c;
	aws_error_t err;
	time_t t0 = time(NULL);
	assert_int_equal(aws_creds_run_process(cmd, "slowpoke", 300, &c, &err), -1);
	assert_true(time(NULL) - t0 < 5);
	assert_string_equal(err.message, "credential_process for profile \"slowpoke\" did not finish "
	                                 "within 1 s and was stopped; check the command in the "
	                                 "profile.");
	assert_null(c.access_key_id);

	assert_int_equal(aws_creds_run_process("sh -c 'exit 0'", "quiet", 2000, &c, &err), -1);
	assert_contains(err.message, "printed output that is not a JSON object");
	assert_int_equal(aws_creds_run_process("sh -c 'kill -9 $$'", "killed", 2000, &c, &err), -1);
	assert_string_equal(err.message, "credential_process for profile \"killed\" was killed by "
	                                 "signal 9.");
}

/* The command is split as botocore splits it (shlex.split, POSIX mode) and run without
 * a shell: quoting and backslashes work, nothing is expanded, ; | > are arguments. */
static void test_credential_process_split(void **state)
{
	(void)state;
	char cwd[600], out[400], pwned[400], redir[400], cmd[2048];
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(out, sizeof out, "%s/args.out", home);
	snprintf(pwned, sizeof pwned, "%s/pwned", home);
	snprintf(redir, sizeof redir, "%s/redir", home);
	snprintf(cmd, sizeof cmd, "sh %s/tests/fixtures/creds/args.sh %s 'a b' \"c \\\"d\\\" \\e\" "
	         "x\\ y $(touch %s) ; | > %s '' 'it'\\''s' #end", cwd, out, pwned, redir);
	aws_creds_t c;
	aws_error_t err;
	if (aws_creds_run_process(cmd, "split", 5000, &c, &err) != 0) fail_msg("%s", err.message);
	assert_string_equal(c.access_key_id, "AKIDARGS");
	aws_creds_free(&c);
	char want[1200];
	snprintf(want, sizeof want, "a b\nc \"d\" \\e\nx y\n$(touch\n%s)\n;\n|\n>\n%s\n\nit's\n#end\n",
	         pwned, redir);
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	char got[1200];
	size_t n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	got[n] = 0;
	assert_string_equal(got, want);
	assert_int_equal(access(pwned, F_OK), -1);
	assert_int_equal(access(redir, F_OK), -1);

	static const struct {
		const char *cmd, *says;
	} bad[] = {
		{"sh -c 'exit 0", "credential_process for profile \"split\" has a quote that is never "
		                  "closed; it is split into arguments as a POSIX shell would, without "
		                  "running a shell."},
		{"sh \\", "credential_process for profile \"split\" ends with a backslash that escapes "
		           "nothing;"},
		{"  ", "credential_process for profile \"split\" is empty;"},
		{"nixl-no-such-command --x", "credential_process for profile \"split\" could not be "
		                             "started: nixl-no-such-command: No such file or directory."},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(aws_creds_run_process(bad[i].cmd, "split", 5000, &c, &err), -1);
		assert_contains(err.message, bad[i].says);
	}
}

static void test_process_order(void **state)
{
	(void)state;
	/* Credentials-file keys beat credential_process, which beats config-file keys. */
	set_process_profile("static", "aws_access_key_id = AKIDCONF\naws_secret_access_key = c\n");
	expect_static("proc", "AKIDPROCESS2", "credential_process (profile proc)");
	write_file(".aws/credentials", "[proc]\naws_access_key_id = AKIDFILE\n"
	           "aws_secret_access_key = f\n");
	expect_static("proc", "AKIDFILE", "profile proc");
}

static int prompts;

static int prompt_ok(const char *profile, const char *serial, char *code, size_t n,
                     aws_error_t *err)
{
	(void)err;
	prompts++;
	assert_string_equal(profile, "mfa");
	assert_string_equal(serial, "arn:aws:iam::123456789012:mfa/me");
	snprintf(code, n, "123456");
	return 0;
}

static int prompt_refuse(const char *profile, const char *serial, char *code, size_t n,
                         aws_error_t *err)
{
	(void)profile; (void)serial; (void)code; (void)n;
	memset(err, 0, sizeof *err);
	err->kind = AWS_ERR_CREDENTIALS;
	snprintf(err->code, sizeof err->code, "MfaNoTerminal");
	snprintf(err->message, sizeof err->message, "no terminal");
	return -1;
}

static void test_assume_role(void **state)
{
	(void)state;
	write_file(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	           "aws_secret_access_key = s3cr3t-base\n");
	char conf[2048];
	snprintf(conf, sizeof conf,
	         "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n"
	         "source_profile = base\nexternal_id = ext-1\nduration_seconds = 3600\n"
	         "role_session_name = me\nregion = eu-central-1\n"
	         "[profile viaproc]\nrole_arn = arn:aws:iam::123456789012:role/P\n"
	         "source_profile = proc\n"
	         "[profile proc]\ncredential_process = %s ok\n"
	         "[profile viaenv]\nrole_arn = arn:aws:iam::123456789012:role/E\n"
	         "credential_source = Environment\n"
	         "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/C\n"
	         "source_profile = admin\n"
	         "[profile lost]\nrole_arn = arn:aws:iam::123456789012:role/L\nsource_profile = nowhere\n"
	         "[profile dry]\nrole_arn = arn:aws:iam::123456789012:role/D\nsource_profile = empty\n"
	         "[profile empty]\nregion = us-east-1\n"
	         "[profile long]\nrole_arn = arn:aws:iam::123456789012:role/X\nsource_profile = base\n"
	         "duration_seconds = 99\n"
	         "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/M\nsource_profile = base\n"
	         "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
	         "[profile sso]\nsso_session = corp\nsso_account_id = 1\n",
	         process_sh);
	write_file(".aws/config", conf);

	aws_creds_plan_t p;
	aws_error_t err;
	assert_int_equal(aws_creds_resolve("admin", &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_STATIC);
	assert_int_equal(p.nhops, 1);
	assert_string_equal(p.hops[0].role_arn, "arn:aws:iam::123456789012:role/Admin");
	assert_string_equal(p.hops[0].role_session_name, "me");
	assert_string_equal(p.hops[0].external_id, "ext-1");
	assert_int_equal(p.hops[0].duration_seconds, 3600);
	assert_string_equal(p.hops[0].sts_region, "eu-central-1");
	assert_string_equal(p.hops[0].profile, "admin");
	assert_null(p.hops[0].mfa_serial);
	assert_string_equal(p.profile, "admin");
	assert_string_equal(p.creds.access_key_id, "AKIDBASE");
	assert_string_equal(p.creds.secret_access_key, "s3cr3t-base");
	assert_string_equal(p.creds.source, "profile base");
	assert_string_equal(p.source, "profile admin via role, from profile base");
	aws_creds_plan_free(&p);

	/* Source credentials from a credential_process; the default session name. */
	assert_int_equal(aws_creds_resolve("viaproc", &p, &err), 0);
	assert_int_equal(p.nhops, 1);
	assert_string_equal(p.creds.access_key_id, "AKIDPROCESS");
	assert_string_equal(p.creds.session_token, "process-token-1");
	assert_string_equal(p.creds.source, "credential_process (profile proc)");
	assert_int_equal(strncmp(p.hops[0].role_session_name, "nixl-tui-", 9), 0);
	assert_null(p.hops[0].external_id);
	assert_int_equal(p.hops[0].duration_seconds, 0);
	assert_null(p.hops[0].sts_region);
	aws_creds_plan_free(&p);

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-env", 1);
	setenv("AWS_REGION", "sa-east-1", 1);
	assert_int_equal(aws_creds_resolve("viaenv", &p, &err), 0);
	assert_int_equal(p.nhops, 1);
	assert_string_equal(p.creds.access_key_id, "AKIDENV");
	assert_string_equal(p.hops[0].sts_region, "sa-east-1");
	aws_creds_plan_free(&p);
	unsetenv("AWS_ACCESS_KEY_ID");
	const char *m = expect_error("viaenv", AWS_ERR_CREDENTIALS, "NoCredentials");
	assert_contains(m, "(credential_source = Environment), but AWS_ACCESS_KEY_ID is not set");

	/* A source profile that itself assumes a role: its role first, then ours. */
	assert_int_equal(aws_creds_resolve("chained", &p, &err), 0);
	assert_int_equal(p.nhops, 2);
	assert_string_equal(p.hops[0].role_arn, "arn:aws:iam::123456789012:role/Admin");
	assert_string_equal(p.hops[0].profile, "admin");
	assert_string_equal(p.hops[1].role_arn, "arn:aws:iam::123456789012:role/C");
	assert_string_equal(p.hops[1].profile, "chained");
	assert_string_equal(p.creds.access_key_id, "AKIDBASE");
	assert_string_equal(p.source, "profile chained via role, from profile base");
	aws_creds_plan_free(&p);
	m = expect_error("lost", AWS_ERR_CONFIG, "ProfileNotFound");
	assert_contains(m, "Profile \"lost\" names source_profile \"nowhere\", which was not found: "
	                   "looked in ");
	assert_contains(m, "/.aws/config (no [profile nowhere] section).");
	m = expect_error("dry", AWS_ERR_CREDENTIALS, "NoCredentials");
	assert_contains(m, "source_profile \"empty\", which has no credentials");
	m = expect_error("long", AWS_ERR_CONFIG, "InvalidProfile");
	assert_contains(m, "duration_seconds = 99; it must be a whole number of seconds from 900");
	/* MFA: the prompt is asked once, for that profile and serial; its code goes with
	 * the hop. A prompt that cannot ask fails the resolve with its sentence. */
	aws_creds_set_mfa_prompt(prompt_ok);
	prompts = 0;
	assert_int_equal(aws_creds_resolve("mfa", &p, &err), 0);
	assert_int_equal(prompts, 1);
	assert_string_equal(p.hops[0].mfa_serial, "arn:aws:iam::123456789012:mfa/me");
	assert_string_equal(p.hops[0].token_code, "123456");
	aws_creds_plan_free(&p);
	aws_creds_set_mfa_prompt(prompt_refuse);
	m = expect_error("mfa", AWS_ERR_CREDENTIALS, "MfaNoTerminal");
	assert_contains(m, "no terminal");
	/* A role the CLI (or an earlier run) assumed is taken from its cache, named after
	 * the SHA-1 of AssumeRole's arguments as botocore dumps them, without asking. */
	char key[41], rel[128], cached[512];
	const char *args = "{\"RoleArn\": \"arn:aws:iam::123456789012:role/M\", "
	                   "\"SerialNumber\": \"arn:aws:iam::123456789012:mfa/me\"}";
	aws_sso_cache_key(args, key);
	mkdir(path_in_home(".aws/cli"), 0700);
	mkdir(path_in_home(".aws/cli/cache"), 0700);
	snprintf(rel, sizeof rel, ".aws/cli/cache/%s.json", key);
	aws_creds_t mc = {.access_key_id = "ASIAMFA", .secret_access_key = "s3cr3t-mfa",
	                  .session_token = "tok-mfa", .expiration = time(NULL) + 3600};
	snprintf(cached, sizeof cached, "%s", path_in_home(rel));
	assert_int_equal(aws_creds_cache_store(cached, &mc), 0);
	struct stat st;
	assert_int_equal(stat(cached, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(aws_creds_resolve("mfa", &p, &err), 0);
	assert_int_equal(p.nhops, 0);
	assert_string_equal(p.creds.access_key_id, "ASIAMFA");
	assert_string_equal(p.creds.session_token, "tok-mfa");
	assert_string_equal(p.source, "profile mfa via role (cached MFA session)");
	aws_creds_plan_free(&p);
	/* within 15 minutes of expiry it is not used: the code is asked again */
	mc.expiration = time(NULL) + 600;
	assert_int_equal(aws_creds_cache_store(cached, &mc), 0);
	m = expect_error("mfa", AWS_ERR_CREDENTIALS, "MfaNoTerminal");
	aws_creds_set_mfa_prompt(NULL);
	m = expect_error("sso", AWS_ERR_CONFIG, "InvalidProfile");
	assert_contains(m, "Profile \"sso\" names sso_session \"corp\", but ");
	assert_contains(m, "has no [sso-session corp] section");
}

/* SSO profiles in both shapes: the cache file each reads, the endpoints, what is
 * missing, and a clash between a profile and its sso-session. */
static void test_sso_config(void **state)
{
	(void)state;
	write_file(".aws/config",
	           "[profile new]\nsso_session = corp\nsso_account_id = 111122223333\n"
	           "sso_role_name = Admin\n"
	           "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
	           "sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"
	           "[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-2\n"
	           "sso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
	           "[profile norole]\nsso_session = corp\nsso_account_id = 1\n"
	           "[profile clash]\nsso_session = corp\nsso_region = us-west-2\n"
	           "sso_account_id = 1\nsso_role_name = R\n"
	           "[profile viasso]\nrole_arn = arn:aws:iam::111122223333:role/Next\n"
	           "source_profile = new\n");
	aws_creds_plan_t p;
	aws_error_t err;
	char key[41], want[600];
	/* the cache key is the SHA-1 of the session name (sha1("corp")) */
	aws_sso_cache_key("corp", key);
	assert_string_equal(key, "ee0bfd2552fbd840c02cc48b6e823320543c450f");
	assert_int_equal(aws_creds_resolve("new", &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_SSO);
	snprintf(want, sizeof want, "%s/.aws/sso/cache/%s.json", home, key);
	assert_string_equal(p.sso_cache_path, want);
	assert_string_equal(p.sso_start_url, "https://corp.awsapps.com/start");
	assert_string_equal(p.sso_region, "eu-west-1");
	assert_string_equal(p.sso_session, "corp");
	assert_string_equal(p.sso_account_id, "111122223333");
	assert_string_equal(p.sso_role_name, "Admin");
	assert_string_equal(p.sso_endpoint, "https://portal.sso.eu-west-1.amazonaws.com");
	assert_string_equal(p.sso_oidc_endpoint, "https://oidc.eu-west-1.amazonaws.com");
	assert_string_equal(p.source, "profile new via SSO");
	aws_creds_plan_free(&p);

	/* legacy: the SHA-1 of the start URL; no session, so no refresh later */
	aws_sso_cache_key("https://old.awsapps.com/start", key);
	setenv("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9/", 1);
	assert_int_equal(aws_creds_resolve("old", &p, &err), 0);
	snprintf(want, sizeof want, "%s/.aws/sso/cache/%s.json", home, key);
	assert_string_equal(p.sso_cache_path, want);
	assert_null(p.sso_session);
	assert_string_equal(p.sso_region, "us-east-2");
	assert_string_equal(p.sso_endpoint, "http://127.0.0.1:9");
	aws_creds_plan_free(&p);
	unsetenv("AWS_ENDPOINT_URL_SSO");

	/* the environment's keys come first, as in the CLI */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-env", 1);
	setenv("AWS_PROFILE", "new", 1);
	expect_static(NULL, "AKIDENV", "environment");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_PROFILE");

	const char *m = expect_error("norole", AWS_ERR_CONFIG, "InvalidProfile");
	assert_contains(m, "is set up for IAM Identity Center (SSO) but has no sso_role_name; run "
	                   "`aws configure sso --profile norole`.");
	m = expect_error("clash", AWS_ERR_CONFIG, "InvalidProfile");
	assert_contains(m, "give different sso_region values");

	/* a role assumed with an SSO profile's credentials */
	assert_int_equal(aws_creds_resolve("viasso", &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_SSO);
	assert_int_equal(p.nhops, 1);
	assert_string_equal(p.sso_profile, "new");
	assert_string_equal(p.source, "profile viasso via role, from profile new via SSO");
	aws_creds_plan_free(&p);
}

/* The token cache: read, refreshable or not, rewritten whole and private. */
static void test_sso_cache(void **state)
{
	(void)state;
	mkdir(path_in_home(".aws/sso"), 0700);
	mkdir(path_in_home(".aws/sso/cache"), 0700);
	write_file(".aws/sso/cache/t.json",
	           "{\"startUrl\": \"https://x\", \"region\": \"us-east-1\", \"accessToken\": \"AT1\","
	           " \"expiresAt\": \"2026-01-02T03:04:05UTC\", \"clientId\": \"cid\","
	           " \"clientSecret\": \"cs\", \"registrationExpiresAt\": \"2030-01-01T00:00:00Z\","
	           " \"refreshToken\": \"RT1\"}");
	char path[512];
	snprintf(path, sizeof path, "%s", path_in_home(".aws/sso/cache/t.json"));
	aws_sso_token_t t;
	const char *why;
	assert_int_equal(aws_sso_token_load(path, &t, &why), 0);
	assert_string_equal(t.access_token, "AT1");
	assert_int_equal(t.expires_at, 1767323045);
	assert_true(aws_sso_token_refreshable(&t, 1767323045));
	assert_false(aws_sso_token_refreshable(&t, 1893456000)); /* registration expired */
	aws_sso_token_free(&t);

	assert_int_equal(aws_sso_token_store(path, "AT2", "RT2", 1767323045 + 3600, &why), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(aws_sso_token_load(path, &t, &why), 0);
	assert_string_equal(t.access_token, "AT2");
	assert_string_equal(t.refresh_token, "RT2");
	assert_string_equal(t.client_id, "cid");
	assert_int_equal(t.expires_at, 1767323045 + 3600);
	aws_sso_token_free(&t);

	write_file(".aws/sso/cache/bad.json", "{\"expiresAt\": \"2026-01-02T03:04:05Z\"}");
	snprintf(path, sizeof path, "%s", path_in_home(".aws/sso/cache/bad.json"));
	assert_int_equal(aws_sso_token_load(path, &t, &why), -1);
	assert_string_equal(why, "holds no accessToken");
	snprintf(path, sizeof path, "%s", path_in_home(".aws/sso/cache/none.json"));
	assert_int_equal(aws_sso_token_load(path, &t, &why), -1);
	assert_string_equal(why, "was not found");

	aws_creds_t c;
	const char *rc = "{\"roleCredentials\": {\"accessKeyId\": \"ASIA1\", \"secretAccessKey\": "
	                 "\"S\", \"sessionToken\": \"T\", \"expiration\": 1767323045000}}";
	assert_int_equal(aws_sso_parse_role_credentials(rc, strlen(rc), &c), 0);
	assert_string_equal(c.access_key_id, "ASIA1");
	assert_int_equal(c.expiration, 1767323045);
	aws_creds_free(&c);
	assert_int_equal(aws_sso_parse_role_credentials("{}", 2, &c), -1);
	char *at, *rt;
	long in;
	const char *ct = "{\"accessToken\": \"A\", \"expiresIn\": 28800, \"tokenType\": \"Bearer\"}";
	assert_int_equal(aws_sso_parse_create_token(ct, strlen(ct), &at, &rt, &in), 0);
	assert_string_equal(at, "A");
	assert_null(rt);
	assert_int_equal(in, 28800);
	free(at);
}

/* Web identity: the variables before the profile's keys, and only at the top of the
 * chain without --profile; a token file without a role is one sentence. */
static void test_web_identity(void **state)
{
	(void)state;
	write_file(".aws/config",
	           "[profile web]\nweb_identity_token_file = /var/run/token\n"
	           "role_arn = arn:aws:iam::1:role/FromProfile\nrole_session_name = s-profile\n"
	           "[profile norole]\nweb_identity_token_file = /var/run/token\n"
	           "[profile viaweb]\nrole_arn = arn:aws:iam::1:role/Next\nsource_profile = web\n");
	aws_creds_plan_t p;
	aws_error_t err;
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/env/token", 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/FromEnv", 1);
	assert_int_equal(aws_creds_resolve(NULL, &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_WEB_IDENTITY);
	assert_string_equal(p.web_token_file, "/env/token");
	assert_string_equal(p.web_role_arn, "arn:aws:iam::1:role/FromEnv");
	assert_int_equal(strncmp(p.web_session_name, "nixl-tui-", 9), 0);
	assert_string_equal(p.source, "web identity (environment)");
	aws_creds_plan_free(&p);
	/* AWS_PROFILE keeps the variables; each variable wins over its key */
	setenv("AWS_PROFILE", "web", 1);
	assert_int_equal(aws_creds_resolve(NULL, &p, &err), 0);
	assert_string_equal(p.web_token_file, "/env/token");
	assert_string_equal(p.web_role_arn, "arn:aws:iam::1:role/FromEnv");
	assert_string_equal(p.web_session_name, "s-profile");
	aws_creds_plan_free(&p);
	unsetenv("AWS_PROFILE");
	/* --profile drops them, as it drops the environment's keys */
	assert_int_equal(aws_creds_resolve("web", &p, &err), 0);
	assert_string_equal(p.web_token_file, "/var/run/token");
	assert_string_equal(p.web_role_arn, "arn:aws:iam::1:role/FromProfile");
	assert_string_equal(p.source, "web identity (profile web)");
	aws_creds_plan_free(&p);
	/* a source profile uses its own keys, never the variables */
	assert_int_equal(aws_creds_resolve("viaweb", &p, &err), 0);
	assert_int_equal(p.kind, AWS_CREDS_WEB_IDENTITY);
	assert_string_equal(p.web_token_file, "/var/run/token");
	assert_int_equal(p.nhops, 1);
	assert_string_equal(p.hops[0].role_arn, "arn:aws:iam::1:role/Next");
	aws_creds_plan_free(&p);
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	const char *m = expect_error("norole", AWS_ERR_CONFIG, "InvalidProfile");
	assert_contains(m, "A web identity token file is configured (web_identity_token_file) but no "
	                   "role to assume with it; set AWS_ROLE_ARN, or role_arn in profile \"norole\".");
}

/* Loops of source_profile are refused with the profiles named; a profile may name
 * itself only to take its own keys. */
static void test_role_loops(void **state)
{
	(void)state;
	write_file(".aws/config",
	           "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
	           "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = c\n"
	           "[profile c]\nrole_arn = arn:aws:iam::1:role/C\nsource_profile = a\n"
	           "[profile self]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = self\n"
	           "aws_access_key_id = AKIDSELF\naws_secret_access_key = s3cr3t-self\n"
	           "[profile selfless]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = selfless\n");
	const char *m = expect_error("a", AWS_ERR_CONFIG, "ProfileLoop");
	assert_contains(m, "The source_profile settings of profiles a -> b -> c -> a go round in a "
	                   "loop; point one of them at a profile with its own credentials.");
	m = expect_error("selfless", AWS_ERR_CONFIG, "ProfileLoop");
	assert_contains(m, "profiles selfless -> selfless go round");
	aws_creds_plan_t p;
	aws_error_t err;
	assert_int_equal(aws_creds_resolve("self", &p, &err), 0);
	assert_int_equal(p.nhops, 1);
	assert_string_equal(p.creds.access_key_id, "AKIDSELF");
	aws_creds_plan_free(&p);
}

static void test_region(void **state)
{
	(void)state;
	aws_error_t err;
	char want[800];
	snprintf(want, sizeof want,
	         "No AWS region: none given by --region, AWS_REGION, AWS_DEFAULT_REGION or `region` "
	         "in profile \"default\" (%s/.aws/config); pass --region, set AWS_REGION, or run `aws "
	         "configure set region <region>`.", home);
	assert_null(aws_region_resolve(NULL, NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_CONFIG);
	assert_string_equal(err.message, want);

	write_file(".aws/config", "[default]\nregion = us-west-1\n[profile dev]\nregion = eu-west-1\n");
	static const struct {
		const char *flag, *aws_region, *aws_default, *aws_profile, *profile_flag, *want;
	} cases[] = {
		{NULL, NULL, NULL, NULL, NULL, "us-west-1"},
		{NULL, NULL, NULL, "dev", NULL, "eu-west-1"},
		{NULL, NULL, NULL, NULL, "dev", "eu-west-1"},
		{NULL, NULL, "ap-east-1", NULL, "dev", "ap-east-1"},
		{NULL, "us-east-2", "ap-east-1", NULL, "dev", "us-east-2"},
		{"ca-central-1", "us-east-2", "ap-east-1", NULL, "dev", "ca-central-1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		if (cases[i].aws_region) setenv("AWS_REGION", cases[i].aws_region, 1);
		else unsetenv("AWS_REGION");
		if (cases[i].aws_default) setenv("AWS_DEFAULT_REGION", cases[i].aws_default, 1);
		else unsetenv("AWS_DEFAULT_REGION");
		if (cases[i].aws_profile) setenv("AWS_PROFILE", cases[i].aws_profile, 1);
		else unsetenv("AWS_PROFILE");
		char *r = aws_region_resolve(cases[i].flag, cases[i].profile_flag, &err);
		if (!r) fail_msg("case %zu: %s", i, err.message);
		assert_string_equal(r, cases[i].want);
		free(r);
	}
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	unsetenv("AWS_PROFILE");
	assert_null(aws_region_resolve(NULL, "ghost", &err));
	assert_string_equal(err.code, "ProfileNotFound");
	write_file(".aws/config", "[profile dev]\noutput = json\n");
	assert_null(aws_region_resolve(NULL, "dev", &err));
	assert_contains(err.message, "`region` in profile \"dev\"");
	assert_contains(err.message, "run `aws configure set region <region> --profile dev`.");
	setenv("AWS_REGION", "us-east-1/evil", 1);
	assert_null(aws_region_resolve(NULL, NULL, &err));
	assert_string_equal(err.message, "The AWS region \"us-east-1/evil\" from AWS_REGION is not a "
	                                 "region name (letters, digits and '-', e.g. us-east-1).");
}

static void expect_endpoint(const char *flag, const char *profile, const char *service,
                            const char *region, const char *want)
{
	char *e = aws_endpoint_resolve(flag, profile, service, region);
	if (!want) {
		assert_null(e);
		return;
	}
	if (!e) fail_msg("no endpoint for %s, want %s", service, want);
	assert_string_equal(e, want);
	free(e);
}

static void test_endpoint_defaults(void **state)
{
	(void)state;
	static const struct {
		const char *service, *region, *want;
	} cases[] = {
		{"cloudformation", "us-west-2", "https://cloudformation.us-west-2.amazonaws.com"},
		{"ec2", "eu-west-1", "https://ec2.eu-west-1.amazonaws.com"},
		{"s3", "us-east-1", "https://s3.us-east-1.amazonaws.com"},
		{"ssm", "ap-northeast-1", "https://ssm.ap-northeast-1.amazonaws.com"},
		{"logs", "us-east-2", "https://logs.us-east-2.amazonaws.com"},
		{"sts", "us-east-1", "https://sts.us-east-1.amazonaws.com"},
		{"iam", "eu-west-1", "https://iam.amazonaws.com"},
		{"ec2", "cn-north-1", "https://ec2.cn-north-1.amazonaws.com.cn"},
		{"sts", "cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn"},
		{"iam", "cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn"},
		{"ec2", "us-gov-west-1", "https://ec2.us-gov-west-1.amazonaws.com"},
		{"ec2", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		expect_endpoint(NULL, NULL, cases[i].service, cases[i].region, cases[i].want);
	assert_string_equal(aws_signing_region("iam", "eu-west-1"), "us-east-1");
	assert_string_equal(aws_signing_region("iam", "cn-northwest-1"), "cn-north-1");
	assert_string_equal(aws_signing_region("ec2", "eu-west-1"), "eu-west-1");
}

static void test_endpoint_precedence(void **state)
{
	(void)state;
	write_file(".aws/config", "[default]\nendpoint_url = http://127.0.0.1:4000\n"
	           "[profile other]\nendpoint_url = http://127.0.0.1:4001/\n");
	expect_endpoint(NULL, NULL, "ec2", "us-east-1", "http://127.0.0.1:4000");
	expect_endpoint(NULL, "other", "ec2", "us-east-1", "http://127.0.0.1:4001");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/", 1);
	expect_endpoint(NULL, NULL, "ec2", "us-east-1", "http://127.0.0.1:5000");
	setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:5001", 1);
	expect_endpoint(NULL, NULL, "ec2", "us-east-1", "http://127.0.0.1:5001");
	expect_endpoint(NULL, NULL, "s3", "us-east-1", "http://127.0.0.1:5000");
	expect_endpoint("http://localhost:9000//", NULL, "ec2", "us-east-1", "http://localhost:9000");

	/* Per-service names are the SDK service ids: logs is CLOUDWATCH_LOGS. */
	static const struct {
		const char *var, *service;
	} ids[] = {
		{"AWS_ENDPOINT_URL_CLOUDFORMATION", "cloudformation"},
		{"AWS_ENDPOINT_URL_S3", "s3"},
		{"AWS_ENDPOINT_URL_SSM", "ssm"},
		{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "logs"},
		{"AWS_ENDPOINT_URL_STS", "sts"},
		{"AWS_ENDPOINT_URL_IAM", "iam"},
	};
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		char url[64];
		snprintf(url, sizeof url, "http://127.0.0.1:%zu", 6000 + i);
		setenv(ids[i].var, url, 1);
		expect_endpoint(NULL, NULL, ids[i].service, "us-east-1", url);
	}
	unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
	setenv("AWS_ENDPOINT_URL_LOGS", "http://127.0.0.1:7777", 1);
	expect_endpoint(NULL, NULL, "logs", "us-east-1", "http://127.0.0.1:5000");

	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	expect_endpoint(NULL, NULL, "ec2", "us-east-1", "https://ec2.us-east-1.amazonaws.com");
	expect_endpoint("http://127.0.0.1:1", NULL, "ec2", "us-east-1", "http://127.0.0.1:1");
}

/* Which http:// endpoints may be used without --allow-http: this machine only, read as
 * curl reads the URL's host. */
static void test_endpoint_loopback(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"http://127.0.0.1:4566", "http://127.0.0.1", "http://127.8.9.10:1/path", "HTTP://localhost",
		"http://LocalHost:8080/", "http://[::1]:5000", "http://[::1]", "http://user@127.0.0.1:9",
		"http://evil.example@127.0.0.1/", "https://127.0.0.1?x=@evil",
	};
	/* strings classified only: nothing here is ever connected to */
	static const char *const no[] = {
		"http://10.0.0.1:4566", "http://127.evil.example", "http://127.0.0.1.nip.io",
		"http://127.0.0.1@evil.example/", "http://localhost.evil.example", "http://0.0.0.0:80",
		"http://[::2]:80", "http://[::1", "http://128.0.0.1", "127.0.0.1:4566", "", NULL,
		"http://sts.us-east-1.amazonaws.com",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!aws_endpoint_is_loopback(yes[i])) fail_msg("%s is loopback", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (aws_endpoint_is_loopback(no[i])) fail_msg("%s is not loopback", no[i]);
}

static void test_helpers(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		long long want; /* -1: rejected */
	} times[] = {
		{"2030-01-02T03:04:05Z", 1893553445},
		{"2030-01-02T03:04:05.123Z", 1893553445},
		{"2030-01-02T04:04:05+01:00", 1893553445},
		{"2030-01-02T01:04:05-0200", 1893553445},
		{"2030-01-02 03:04:05", 1893553445},
		{"2030-13-02T03:04:05Z", -1},
		{"2030-01-02T03:04Z", -1},
		{"tomorrow", -1},
		{"", -1},
		{"2030-01-02T03:04:05Zjunk", -1},
	};
	for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
		time_t t = 0;
		int rc = aws_creds_parse_time(times[i].s, &t);
		if (times[i].want < 0) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal((long long)t, times[i].want);
		}
	}
	aws_creds_t a = {.access_key_id = "AKID", .secret_access_key = "sec", .expiration = 5};
	snprintf(a.source, sizeof a.source, "environment");
	aws_creds_t b;
	assert_int_equal(aws_creds_copy(&b, &a), 0);
	assert_string_equal(b.access_key_id, "AKID");
	assert_string_equal(b.secret_access_key, "sec");
	assert_null(b.session_token);
	assert_int_equal(b.expiration, 5);
	assert_string_equal(b.source, "environment");
	assert_true(b.access_key_id != a.access_key_id);
	aws_creds_free(&b);
	assert_null(b.access_key_id);
	assert_true(aws_creds_expiring(&a, 0, 5));
	assert_false(aws_creds_expiring(&a, 0, 4));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_env_keys),
		T(test_profile_sections),
		T(test_config_default_forms),
		T(test_precedence),
		T(test_file_locations),
		T(test_file_syntax_tolerated),
		T(test_garbled_files),
		T(test_large_files),
		T(test_no_credentials_sentence),
		T(test_imds),
		T(test_credential_process),
		T(test_credential_process_timeout),
		T(test_credential_process_split),
		T(test_process_order),
		T(test_assume_role),
		T(test_sso_config),
		T(test_sso_cache),
		T(test_web_identity),
		T(test_role_loops),
		T(test_region),
		T(test_endpoint_defaults),
		T(test_endpoint_precedence),
		T(test_endpoint_loopback),
		T(test_helpers),
	};
#undef T
	return cmocka_run_group_tests_name("creds", tests, group_setup, group_teardown);
}
