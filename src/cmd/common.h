/* What the AWS-facing subcommands share: the loop + client from the common options,
 * the --log file, and printing an error as one sentence. */
#ifndef NIXL_CMD_COMMON_H
#define NIXL_CMD_COMMON_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "aws/client.h"
#include "catalog/config.h"
#include "cmd/cli.h"
#include "base/loop.h"
#include "efa/exec.h"

/* The largest saved log --from-file reads (a node's output, not a disk image) */
#define SAVED_LOG_MAX (64u << 20)

typedef struct cmd_env {
	loop_t *loop;
	aws_client_t *aws;
	FILE *log;
	int no_creds;      /* cmd_env_open failed because no credentials resolved */
} cmd_env_t;

/* Creates the loop and the client. On failure prints the sentence to stderr and returns -1. */
int cmd_env_open(cmd_env_t *env, const cli_t *cli, const char *cmd_name);
/* The same with a retry budget per call (0: AWS_MAX_ATTEMPTS or 3). Operations that run
 * for minutes (deploy, teardown, watch) use more, as the CDK toolkit does, so that a
 * throttled or failing call does not end a stack operation that is going well;
 * AWS_MAX_ATTEMPTS still wins when set. */
int cmd_env_open_ex(cmd_env_t *env, const cli_t *cli, const char *cmd_name, int max_attempts);
/* For the console: credentials that do not resolve do not stop it; its first call fails
 * with the chain's sentence, which the first screen shows (aws_client_opts_t). */
int cmd_env_open_console(cmd_env_t *env, const cli_t *cli, const char *cmd_name);
void cmd_env_close(cmd_env_t *env);

/* The configuration as the commands that call no AWS API read it (config, template): the
 * region from --region, the environment or the profile (none is fine, from then says
 * where it came from), then the settings (-c, -C, the environment, cdk.json). */
typedef struct cmd_settings {
	config_t cfg;
	config_diags_t diags;
	char *region;
	const char *from;
} cmd_settings_t;
/* 0, or 2 (with the sentence printed) when the command was given an argument. */
int cmd_settings_open(cmd_settings_t *st, const cli_t *cli, const char *cmd_name);
void cmd_settings_close(cmd_settings_t *st);

/* What a command keeps of one AWS call while it waits for it: answered, and the error
 * when it failed. */
typedef struct cmd_call {
	int done, failed;
	int missing;        /* DescribeStacks: the stack does not exist (not a failure) */
	aws_error_t err;
	void *out;          /* cmd_call_take: where the result goes, or NULL */
} cmd_call_t;
/* The first thing a call's callback does: marks c answered and keeps err. 1 when the call
 * failed (the callback has nothing more to read), 0 when its result is there. */
int cmd_call_end(cmd_call_t *c, const aws_error_t *err);
/* The same for DescribeStacks: a stack that does not exist is missing, not failed. */
int cmd_stack_call_end(cmd_call_t *c, const aws_error_t *err);
/* A whole callback for the calls whose result is kept as it is: cmd_call_end, then the
 * result (size bytes at res) moves to c->out, res left zeroed (the command frees it). */
int cmd_call_take(cmd_call_t *c, const aws_error_t *err, void *res, size_t size);

/* Prints "nixl-tui <cmd>: <sentence>" to stderr (the sentence carries AWS's message:
 * made inert). */
void cmd_print_error(const char *cmd_name, const aws_error_t *err);

/* Prints o as JSON (indented when formatted) and a newline on stdout, every control a JSON escape (textsafe_json):
 * the one way the subcommands print JSON. */
void cmd_print_json(const cJSON *o, int formatted);

/* The deployed stack's nodes (Node1InstanceId, Node2InstanceId, ... of the configured
 * stack), in order, and (ips may be NULL) their NodeNPrivateIp ("" when not an IPv4).
 * 0, or -1 with the reason printed. */
int cmd_stack_nodes(const cli_t *cli, const char *cmd_name, exec_nodes_t *nodes, char (*ips)[48]);
/* The same, and the stack's ScriptsBucketName in bucket ("" when the stack has none) and
 * its name in stack (either may be NULL). */
int cmd_stack_nodes_bucket(const cli_t *cli, const char *cmd_name, exec_nodes_t *nodes, char (*ips)[48],
                           char *bucket, size_t bucketlen, char (*stack)[160]);

/* A flag with a value and where the value goes. */
typedef struct cmd_value {
	const char *name;
	const char **out;
} cmd_value_t;
/* Every argument of cli is one of the flags of v[0..n) with its value: 0, or 2 with
 * "nixl-tui <cmd>: <sentence>" printed (an unexpected argument, a value missing). */
int cmd_take_values(const cli_t *cli, const char *cmd_name, const cmd_value_t *v, size_t n);

/* If args[*i] is --instance-id ID, adds ID to nodes: 1; 0 when it is another argument;
 * -1 with err (no value, an invalid or repeated id, too many). */
int cmd_take_instance_id(const cli_t *cli, int *i, exec_nodes_t *nodes, char *err, size_t errlen);

/* argv (at most max entries, NULL-terminated) for running this program again as
 * `nixl-tui ARGS... <the common options of cli>` (verify's steps, deploy --verify). */
size_t cmd_self_argv(const cli_t *cli, const char *const *args, const char **argv, size_t max);

#endif
