#include "cmd/common.h"

#include "aws/cfn.h"
#include "base/isotime.h"
#include "base/textsafe.h"
#include "catalog/config.h"
#include "core/settings.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void log_line(void *ud, const char *line)
{
	FILE *f = ud;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	char ts[32];
	isotime_format_ms(tv.tv_sec, (int)(tv.tv_usec / 1000), ts, sizeof ts);
	fprintf(f, "%s %s\n", ts, line);
	fflush(f);
}

static int env_true(const char *name)
{
	const char *v = getenv(name);
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0);
}

void cmd_print_error(const char *cmd_name, const aws_error_t *err)
{
	char buf[1600];
	textsafe_printf(stderr, "nixl-tui %s: %s\n", cmd_name, aws_error_sentence(err, buf, sizeof buf));
}

void cmd_print_json(const cJSON *o, int formatted)
{
	char *raw = formatted ? cJSON_Print(o) : cJSON_PrintUnformatted(o);
	char *s = raw ? textsafe_json(raw) : NULL;
	if (s) printf("%s\n", s);
	else fprintf(stderr, "nixl-tui: out of memory\n");
	free(s);
	free(raw);
}

int cmd_env_open(cmd_env_t *env, const cli_t *cli, const char *cmd_name)
{
	return cmd_env_open_ex(env, cli, cmd_name, 0);
}

static int env_open(cmd_env_t *env, const cli_t *cli, const char *cmd_name, int max_attempts, int console);

int cmd_env_open_ex(cmd_env_t *env, const cli_t *cli, const char *cmd_name, int max_attempts)
{
	return env_open(env, cli, cmd_name, max_attempts, 0);
}

int cmd_env_open_console(cmd_env_t *env, const cli_t *cli, const char *cmd_name)
{
	return env_open(env, cli, cmd_name, 0, 1);
}

static int env_open(cmd_env_t *env, const cli_t *cli, const char *cmd_name, int max_attempts, int console)
{
	memset(env, 0, sizeof *env);
	if (cli->log_file) {
		/* 0600 when created: it names the account, the stacks and the calls made */
		int fd = open(cli->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		env->log = fd >= 0 ? fdopen(fd, "a") : NULL;
		if (!env->log) {
			if (fd >= 0) close(fd);
			fprintf(stderr, "nixl-tui %s: cannot open the log file %s: %s\n", cmd_name,
			        cli->log_file, strerror(errno));
			return -1;
		}
	}
	env->loop = loop_new();
	aws_client_opts_t o = {
		.profile = cli->profile, .region = cli->region, .endpoint_url = cli->endpoint_url,
		.log = env->log ? log_line : NULL, .log_ud = env->log,
		.max_attempts = getenv("AWS_MAX_ATTEMPTS") ? 0 : max_attempts,
		.allow_http = cli->allow_http || env_true("NIXL_TUI_ALLOW_HTTP"),
		.defer_creds_error = console,
	};
	aws_error_t err;
	env->aws = aws_client_new(env->loop, &o, &err);
	if (!env->aws) {
		cmd_print_error(cmd_name, &err);
		cmd_env_close(env);
		env->no_creds = err.kind == AWS_ERR_CREDENTIALS;
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

int cmd_call_end(cmd_call_t *c, const aws_error_t *err)
{
	c->done = 1;
	if (!err) return 0;
	c->failed = 1;
	c->err = *err;
	return 1;
}

int cmd_call_take(cmd_call_t *c, const aws_error_t *err, void *res, size_t size)
{
	if (cmd_call_end(c, err)) return 1;
	if (c->out) memcpy(c->out, res, size);
	memset(res, 0, size);
	return 0;
}

int cmd_stack_call_end(cmd_call_t *c, const aws_error_t *err)
{
	if (cfn_error_stack_missing(err)) {
		c->done = c->missing = 1;
		return 1;
	}
	return cmd_call_end(c, err);
}

typedef struct stack_lookup {
	cmd_call_t call;
	exec_nodes_t *nodes;
	char (*ips)[48];
	char *bucket;     /* ScriptsBucketName ("" when absent), or NULL when not wanted */
	size_t bucketlen;
	char addr_err[256];
	char status[48];
} stack_lookup_t;

static void on_stack(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	stack_lookup_t *l = ud;
	if (cmd_stack_call_end(&l->call, err)) return;
	if (!res->n) {
		l->call.missing = 1;
		return;
	}
	snprintf(l->status, sizeof l->status, "%s", res->stacks[0].status ? res->stacks[0].status : "");
	if (l->bucket) {
		const char *b = cfn_stack_output(&res->stacks[0], "ScriptsBucketName");
		snprintf(l->bucket, l->bucketlen, "%s", b ? b : "");
	}
	for (int i = 1; i <= EXEC_MAX_NODES; i++) {
		char key[32];
		snprintf(key, sizeof key, "Node%dInstanceId", i);
		const char *id = cfn_stack_output(&res->stacks[0], key);
		if (!id) break;
		if (exec_nodes_add(l->nodes, id, l->addr_err, sizeof l->addr_err) < 0) return;
		snprintf(key, sizeof key, "Node%dPrivateIp", i);
		const char *ip = cfn_stack_output(&res->stacks[0], key);
		if (l->ips) snprintf(l->ips[l->nodes->n - 1], 48, "%s", ip && exec_valid_ipv4(ip) ? ip : "");
	}
}

int cmd_stack_nodes(const cli_t *cli, const char *cmd_name, exec_nodes_t *nodes, char (*ips)[48])
{
	return cmd_stack_nodes_bucket(cli, cmd_name, nodes, ips, NULL, 0, NULL);
}

int cmd_stack_nodes_bucket(const cli_t *cli, const char *cmd_name, exec_nodes_t *nodes, char (*ips)[48],
                           char *bucket, size_t bucketlen, char (*stack_out)[160])
{
	cmd_env_t env;
	if (cmd_env_open(&env, cli, cmd_name) < 0) return -1;
	config_t cfg;
	config_diags_t diags = {0};
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, aws_client_region(env.aws), &diags);
	char stack[160];
	int rc = -1;
	if (config_diags_count(&diags, CONFIG_ERROR) > 0) {
		settings_report(stderr, &diags, 1);
	} else if (config_stack_name(&cfg, aws_client_region(env.aws), stack, sizeof stack) < 0) {
		textsafe_printf(stderr, "nixl-tui %s: no stack name: pass -c stackName=... or --instance-id\n", cmd_name);
	} else {
		if (stack_out) snprintf(*stack_out, sizeof *stack_out, "%s", stack);
		stack_lookup_t l = { .nodes = nodes, .ips = ips, .bucket = bucket, .bucketlen = bucketlen };
		cfn_describe_stacks(env.aws, stack, on_stack, &l);
		aws_client_wait(env.aws, &l.call.done, 120000);
		if (!l.call.done)
			fprintf(stderr, "nixl-tui %s: no answer from CloudFormation in 120 s\n", cmd_name);
		else if (l.call.failed)
			cmd_print_error(cmd_name, &l.call.err);
		else if (l.call.missing)
			textsafe_printf(stderr, "nixl-tui %s: stack %s does not exist in %s: deploy first, or pass --instance-id\n",
			        cmd_name, stack, aws_client_region(env.aws));
		else if (l.addr_err[0])
			textsafe_printf(stderr, "nixl-tui %s: stack %s: %s\n", cmd_name, stack, l.addr_err);
		else if (!nodes->n)
			textsafe_printf(stderr, "nixl-tui %s: stack %s has no node outputs yet (%s)\n", cmd_name, stack, l.status);
		else
			rc = 0;
	}
	config_diags_free(&diags);
	config_free(&cfg);
	cmd_env_close(&env);
	return rc;
}

int cmd_take_values(const cli_t *cli, const char *cmd_name, const cmd_value_t *v, size_t n)
{
	char err[256];
	for (int i = 0; i < cli->nargs; i++) {
		int r = 0;
		for (size_t k = 0; k < n && r == 0; k++) r = cli_take_value(cli, &i, v[k].name, v[k].out, err, sizeof err);
		if (r == 0) {
			snprintf(err, sizeof err, "unexpected argument \"%.60s\"", cli->args[i]);
			r = -1;
		}
		if (r < 0) {
			textsafe_printf(stderr, "nixl-tui %s: %s\n", cmd_name, err);
			return 2;
		}
	}
	return 0;
}

int cmd_take_instance_id(const cli_t *cli, int *i, exec_nodes_t *nodes, char *err, size_t errlen)
{
	const char *v;
	int r = cli_take_value(cli, i, "--instance-id", &v, err, errlen);
	if (r == 1 && exec_nodes_add(nodes, v, err, errlen) < 0) return -1;
	return r;
}

size_t cmd_self_argv(const cli_t *cli, const char *const *args, const char **argv, size_t max)
{
	size_t n = 0;
	argv[n++] = "/proc/self/exe";
	for (; *args && n + 13 < max; args++) argv[n++] = *args;
	const struct { const char *flag, *value; } valued[] = {
		{ "--profile", cli->profile }, { "--region", cli->region }, { "--endpoint-url", cli->endpoint_url },
		{ "--log", cli->log_file },
	};
	for (size_t i = 0; i < sizeof valued / sizeof valued[0]; i++)
		if (valued[i].value) {
			argv[n++] = valued[i].flag;
			argv[n++] = valued[i].value;
		}
	if (cli->allow_http) argv[n++] = "--allow-http";
	for (size_t i = 0; i < cli->nctx && n + 3 < max; i++) {
		argv[n++] = "-c";
		argv[n++] = cli->ctx[i];
	}
	argv[n] = NULL;
	return n;
}

int cmd_settings_open(cmd_settings_t *st, const cli_t *cli, const char *cmd_name)
{
	memset(st, 0, sizeof *st);
	if (cli->nargs > 0) {
		textsafe_printf(stderr, "nixl-tui %s: unexpected argument \"%s\"\n", cmd_name, cli->args[0]);
		return 2;
	}
	st->region = settings_region(cli->region, cli->profile, &st->from);
	config_init(&st->cfg);
	settings_resolve(&st->cfg, cli->ctx, cli->nctx, st->region, &st->diags);
	return 0;
}

void cmd_settings_close(cmd_settings_t *st)
{
	config_diags_free(&st->diags);
	config_free(&st->cfg);
	free(st->region);
}
