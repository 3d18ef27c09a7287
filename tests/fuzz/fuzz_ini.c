/* ~/.aws/config and ~/.aws/credentials, read by the credential chain, the region and
 * endpoint resolution. The input is split at its first NUL byte: the config file, then
 * the credentials file. The reader only takes paths, so the two parts are written to
 * memfds and AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name them. */
#include "fuzz.h"

#include <stdio.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/endpoints.h"

static int conf_fd = -1, cred_fd = -1;

/* An mfa_serial in the input must not wait for someone to type a code. */
static int no_prompt(const char *profile, const char *serial, char *code, size_t n, aws_error_t *err)
{
	(void)profile; (void)serial; (void)code; (void)n;
	aws_error_set(err, AWS_ERR_CREDENTIALS, "NoTerminal", "no MFA code while fuzzing");
	return -1;
}

/* Nothing from the fuzzer's own environment may steer the chain. */
static int setup(void)
{
	static const char *const unset[] = {
		"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	};
	for (size_t i = 0; i < sizeof unset / sizeof *unset; i++) unsetenv(unset[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	aws_creds_set_mfa_prompt(no_prompt);
	/* the chain reads caches under HOME (~/.aws/sso/cache, ~/.aws/cli/cache): an empty
	 * one of our own, never the user's */
	char home[] = "/tmp/nixl-fuzz-home.XXXXXX";
	if (!mkdtemp(home)) return -1;
	setenv("HOME", home, 1);
	conf_fd = memfd_create("fuzz-aws-config", 0);
	cred_fd = memfd_create("fuzz-aws-credentials", 0);
	if (conf_fd < 0 || cred_fd < 0) return -1;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", conf_fd);
	setenv("AWS_CONFIG_FILE", path, 1);
	snprintf(path, sizeof path, "/proc/self/fd/%d", cred_fd);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	return 0;
}

static int put(int fd, const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) != 0) return -1;
	return pwrite(fd, data, size, 0) == (ssize_t)size ? 0 : -1;
}

static void resolve(const char *profile, int chain)
{
	aws_creds_plan_t plan;
	aws_error_t err;
	if (chain && aws_creds_resolve(profile, &plan, &err) == 0) aws_creds_plan_free(&plan);
	free(aws_region_resolve(NULL, profile, &err));
	free(aws_endpoint_resolve(NULL, profile, "s3", "us-east-1"));
	free(aws_endpoint_resolve(NULL, profile, "iam", "cn-north-1"));
	free(aws_profile_get(profile, "output"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (conf_fd < 0 && setup() < 0) return 0;
	const uint8_t *nul = memchr(data, 0, size);
	size_t conf_len = nul ? (size_t)(nul - data) : size;
	if (put(conf_fd, data, conf_len) < 0) return 0;
	if (put(cred_fd, nul ? nul + 1 : data, nul ? size - conf_len - 1 : 0) < 0) return 0;
	/* credential_process runs a shell command from the file: not something to hand
	 * the fuzzer. Its presence is all a key's bytes can say (keys are only trimmed and
	 * lower-cased), so an input naming it skips the credential chain. */
	static const char cp[] = "credential_process";
	int runs_command = 0;
	for (size_t i = 0; i + sizeof cp - 1 <= size && !runs_command; i++)
		runs_command = strncasecmp((const char *)data + i, cp, sizeof cp - 1) == 0;
	resolve(NULL, !runs_command);
	resolve("dev", !runs_command);
	return 0;
}
