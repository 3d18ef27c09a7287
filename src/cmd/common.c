#include "cmd/common.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static void log_line(void *ud, const char *line)
{
	FILE *f = ud;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	char ts[32];
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%03dZ %s\n", ts, (int)(tv.tv_usec / 1000), line);
	fflush(f);
}

void cmd_print_error(const char *cmd_name, const aws_error_t *err)
{
	char buf[1600];
	fprintf(stderr, "nixl-tui %s: %s\n", cmd_name, aws_error_sentence(err, buf, sizeof buf));
}

int cmd_env_open(cmd_env_t *env, const cli_t *cli, const char *cmd_name)
{
	memset(env, 0, sizeof *env);
	if (cli->log_file) {
		env->log = fopen(cli->log_file, "a");
		if (!env->log) {
			fprintf(stderr, "nixl-tui %s: cannot open the log file %s: %s\n", cmd_name,
			        cli->log_file, strerror(errno));
			return -1;
		}
	}
	env->loop = loop_new();
	aws_client_opts_t o = {
		.profile = cli->profile, .region = cli->region, .endpoint_url = cli->endpoint_url,
		.log = env->log ? log_line : NULL, .log_ud = env->log,
	};
	aws_error_t err;
	env->aws = aws_client_new(env->loop, &o, &err);
	if (!env->aws) {
		cmd_print_error(cmd_name, &err);
		cmd_env_close(env);
		return -1;
	}
	return 0;
}

void cmd_env_close(cmd_env_t *env)
{
	aws_client_free(env->aws);
	if (env->loop) loop_free(env->loop);
	if (env->log) fclose(env->log);
	memset(env, 0, sizeof *env);
}

int cmd_endpoint_is_local(const char *url)
{
	const char *h = url ? strstr(url, "://") : NULL;
	if (!h) return 0;
	h += 3;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0 || strncmp(h, "[::1]", 5) == 0;
}
