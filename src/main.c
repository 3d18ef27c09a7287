/* argv -> one subcommand. Every interactive action has a headless command here. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/help.h"

static int cmd_help(cli_t *cli);

const cmd_entry_t cmd_table[] = {
	{ "help", cmd_help, "", "this list" },
	{ "tui", cmd_tui, "[--read-only] [--no-mouse] [--no-color] [--provider P] [--sizes S] [--iterations N] [--tasks FILE]", "the console (what nixl-tui alone opens)" },
	{ "keys", cmd_keys, "[--markdown] [--read-only]", "the console's keys and commands" },
	{ "whoami", cmd_whoami, "[--json]", "the caller identity, region and endpoint in use" },
	{ "deploy", cmd_deploy, "[-c key=value]... [--yes] [--on-failure ROLLBACK|DO_NOTHING|DELETE] [--verify] [--json]",
	  "preflight, create the stack, watch it to ready" },
	{ "status", cmd_status, "[--json]", "the stack's status" },
	{ "outputs", cmd_outputs, "[--json|--format env]", "the stack's outputs" },
	{ "watch", cmd_watch, "[--json]", "follow the stack's current operation to its end" },
	{ "destroy", cmd_destroy, "[--yes] [--json]", "empty the bucket, delete the stack, check nothing is left" },
	{ "sandbox", cmd_sandbox, "[--port P] [--scenario NAME] [--speed X]",
	  "a simulated AWS on 127.0.0.1 (foreground)" },
	{ "catalog", cmd_catalog, "[--json]", "the EFA instance types nixl-tui knows" },
	{ "config", cmd_config, "[-c key=value]... [--json]", "effective configuration and its sources" },
	{ "template", cmd_template, "[-c key=value]... [--json]", "print the CloudFormation template" },
	{ "fabric", fabric_cmd_probe, "[-p PROV]", "libfabric providers here; is efa present" },
	{ "rdm-pingpong", fabric_cmd_pingpong,
	  "--local|--serve [--bind ADDR]|--connect H [-p P -S 4k,1m -I N]",
	  "native libfabric RDM ping-pong; --serve listens on this node's private address (the "
	  "default route's IPv4) unless --bind says otherwise" },
	{ "efa-check", cmd_efa_check, "--instance-id I... [--node N|all] | --local | --from-file F [--raw] [--json]",
	  "the six EFA checks on nodes, or read from saved output" },
	{ "pingpong", cmd_pingpong, "[--server-node 1 --client-node 2 | --instance-id I --instance-id J | --local | --from-file F|DIR] [-S sizes] [-I n] [-e rdm] [-p efa] [--matrix [--concurrency K]] [--json]",
	  "fi_pingpong between the stack's nodes (rows as they arrive), here, or saved logs read back; "
	  "--native --local | --serve | --connect HOST: the native libfabric ping-pong" },
	{ "setup", cmd_setup, "[--tasks FILE] [--node N|all] [--from ID] [--reset] [--dry-run | --local | --cancel] [--timeout S] [--json]",
	  "run a task file (the default prepares a DLAMI node for NIXL) on the stack's nodes, or here; --dry-run prints it" },
	{ "mlflow-check", cmd_mlflow_check, "[--node N] [--tracking-uri URL] [--timeout S] [--json]",
	  "from node 2, write an MLflow run (parameter, metric, artifact) to node 1's tracking server and read it back" },
	{ "verify", cmd_verify, "[--tasks FILE] [--tracking-uri URL] [-p PROVIDER] [-S SIZES] [-I N] [--json]",
	  "setup (resumed), MLflow check, EFA checks on every node, ping-pong node 1 <-> 2: a table per node" },
	{ "forward", cmd_forward, "[--node N] [--port P] [--local-port L]",
	  "a node's port (MLflow's 5000) on 127.0.0.1 through SSM port forwarding, until Ctrl-C" },
	{ NULL, NULL, NULL, NULL },
};

/* nixl-tui help [CMD | --man | --completion bash|zsh] */
static int cmd_help(cli_t *cli)
{
	if (cli->nargs == 1 && cli->args[0][0] != '-') return cmd_print_help(cli->args[0]);
	if (cli->nargs == 1 && strcmp(cli->args[0], "--man") == 0) {
		cmd_print_man(stdout);
		return 0;
	}
	if (cli->nargs == 2 && strcmp(cli->args[0], "--completion") == 0 &&
	    (strcmp(cli->args[1], "bash") == 0 || strcmp(cli->args[1], "zsh") == 0)) {
		cmd_print_completion(stdout, strcmp(cli->args[1], "zsh") == 0);
		return 0;
	}
	if (cli->nargs) {
		fprintf(stderr, "nixl-tui help: takes a command name, --man or --completion bash|zsh\n");
		return 2;
	}
	printf("usage: nixl-tui [COMMAND] [OPTIONS]   (nixl-tui COMMAND --help: that command)\n\ncommands:\n");
	for (const cmd_entry_t *c = cmd_table; c->name; c++)
		printf("  %-13s %s\n", c->name, c->summary);
	printf("\ncommon options: --profile P --region R --endpoint-url URL [--allow-http] -c key=value --json --log FILE\n");
	return 0;
}

/* `--help` or `-h` among a command's arguments (not as an option's value) */
static int asks_help(int argc, char **argv, int first)
{
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
	return 0;
}

int main(int argc, char **argv)
{
	/* No command, or options first: the console. */
	int help = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
	int first = argc > 1 && (argv[1][0] != '-' || help) ? 2 : 1;
	const char *name = help ? "help" : first == 2 ? argv[1] : "tui";
	for (const cmd_entry_t *c = cmd_table; c->name; c++) {
		if (strcmp(c->name, name) != 0) continue;
		if (!help && asks_help(argc, argv, first)) return cmd_print_help(name);
		cli_t cli;
		char err[256];
		if (cli_parse(argc - first, argv + first, &cli, err, sizeof err) < 0) {
			fprintf(stderr, "nixl-tui %s: %s\n", name, err);
			cli_free(&cli);
			return 2;
		}
		int rc = c->fn(&cli);
		cli_free(&cli);
		return rc;
	}
	fprintf(stderr, "nixl-tui: unknown command \"%s\" (try nixl-tui help)\n", name);
	return 2;
}
