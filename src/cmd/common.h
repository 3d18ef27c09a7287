/* What the AWS-facing subcommands share: the loop + client from the common options,
 * the --log file, and printing an error as one sentence. */
#ifndef NIXL_CMD_COMMON_H
#define NIXL_CMD_COMMON_H

#include <stdio.h>

#include "aws/client.h"
#include "cmd/cli.h"
#include "core/loop.h"
#include "efa/exec.h"

typedef struct cmd_env {
	loop_t *loop;
	aws_client_t *aws;
	FILE *log;
} cmd_env_t;

/* Creates the loop and the client. On failure prints the sentence to stderr and returns -1. */
int cmd_env_open(cmd_env_t *env, const cli_t *cli, const char *cmd_name);
void cmd_env_close(cmd_env_t *env);

/* Prints "nixl-tui <cmd>: <sentence>" to stderr. */
void cmd_print_error(const char *cmd_name, const aws_error_t *err);

/* The deployed stack's nodes (Node1InstanceId, Node2InstanceId, ... of the configured
 * stack), in order. 0, or -1 with the reason printed. */
int cmd_stack_nodes(const cli_t *cli, const char *cmd_name, exec_nodes_t *nodes);

/* 1 when the endpoint URL points at this machine (the console's SANDBOX badge). */
int cmd_endpoint_is_local(const char *url);

#endif
