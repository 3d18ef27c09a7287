/* The subcommands. Each takes the parsed common options and returns the exit code. */
#ifndef NIXL_CMD_CMD_H
#define NIXL_CMD_CMD_H

#include "cmd/cli.h"

typedef int (*cmd_fn)(cli_t *cli);

typedef struct cmd_entry {
	const char *name;
	cmd_fn fn;
	const char *usage;   /* one line: arguments */
	const char *summary; /* one line: what it does */
} cmd_entry_t;

/* The table lives in main.c; `nixl-tui help` prints it. */
extern const cmd_entry_t cmd_table[];

int cmd_whoami(cli_t *cli);   /* src/cmd/whoami.c */
int cmd_tui(cli_t *cli);      /* src/cmd/tui.c */
int cmd_keys(cli_t *cli);     /* src/cmd/tui.c */
int cmd_deploy(cli_t *cli);   /* src/cmd/deploy.c */
int cmd_destroy(cli_t *cli);  /* src/cmd/deploy.c */
int cmd_watch(cli_t *cli);    /* src/cmd/deploy.c */
int cmd_status(cli_t *cli);   /* src/cmd/status.c */
int cmd_sandbox(cli_t *cli);  /* src/cmd/sandbox.c */
int cmd_outputs(cli_t *cli);  /* src/cmd/status.c */
int cmd_catalog(cli_t *cli);  /* src/cmd/catalog.c */
int cmd_config(cli_t *cli);   /* src/cmd/config.c */
int cmd_template(cli_t *cli); /* src/cmd/template.c */
/* src/cmd/fabric.c: the libfabric probe ([-p PROV]; efa-check --local uses it) and the
 * native RDM ping-pong (--local | --serve [--bind A] [--port P] | --connect HOST [--port P],
 * -S sizes, -I iters, --warmup N, -p provider, --timeout S, --accept-timeout S). */
int fabric_cmd_probe(cli_t *cli);
int fabric_cmd_pingpong(cli_t *cli);
int cmd_efa_check(cli_t *cli); /* src/cmd/efa_check.c */
int cmd_pingpong(cli_t *cli); /* src/cmd/pingpong.c */
int cmd_setup(cli_t *cli);    /* src/cmd/setup.c */
int cmd_mlflow_check(cli_t *cli); /* src/cmd/mlflow_check.c */
int cmd_verify(cli_t *cli);   /* src/cmd/verify.c */
int cmd_forward(cli_t *cli);  /* src/cmd/forward.c */

#endif
