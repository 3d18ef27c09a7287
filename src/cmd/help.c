/* Each command's help (`nixl-tui CMD --help`, `nixl-tui help CMD`), the man page and the
 * shell completions, all printed from one table: what a command accepts is said once. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/help.h"

#define END { NULL, NULL, NULL }
#define EXITS_AWS "0 done; 1 it failed (the sentence says why); 2 bad usage, nothing sent"

static const cmd_opt_t opt_tui[] = {
	{ "--read-only", NULL, "look only: no key creates, changes or deletes anything" },
	{ "--no-mouse", NULL, "leave the mouse to the terminal" },
	{ "--no-color", NULL, "attributes only (also NO_COLOR=1)" },
	{ "--provider", "P", "the ping-pong's libfabric provider (default efa)" },
	{ "--sizes", "S", "the ping-pong's sizes, fi_pingpong's -S form (64,4k,1m or all)" },
	{ "--iterations", "N", "the ping-pong's iterations per size" },
	{ "--tasks", "FILE", "the task file S (setup) runs (default: the one for the Deep Learning AMI)" },
	END,
};
static const cmd_opt_t opt_keys[] = {
	{ "--markdown", NULL, "as a Markdown table (the README's)" },
	{ "--read-only", NULL, "the keys of a read-only console" },
	END,
};
static const cmd_opt_t opt_json[] = { { "--json", NULL, "JSON for programs" }, END };
static const cmd_opt_t opt_deploy[] = {
	{ "--yes", NULL, "do not ask (needed without a terminal)" },
	{ "--on-failure", "ROLLBACK|DO_NOTHING|DELETE", "what CloudFormation does when a resource fails" },
	{ "--verify", NULL, "run `nixl-tui verify` once the stack is ready" },
	{ "--json", NULL, "one JSON object per event" },
	END,
};
static const cmd_opt_t opt_outputs[] = {
	{ "--json", NULL, "the outputs as a JSON object" },
	{ "--format", "env", "NAME='value' lines for eval" },
	END,
};
static const cmd_opt_t opt_destroy[] = {
	{ "--yes", NULL, "do not ask (needed without a terminal)" },
	{ "--json", NULL, "one JSON object per event" },
	END,
};
static const cmd_opt_t opt_sandbox[] = {
	{ "--port", "P", "listen on 127.0.0.1:P (0: any free port)" },
	{ "--scenario", "ok|capacity-failure|bucket-not-empty|slow-agent", "how stacks behave" },
	{ "--speed", "X", "AWS's durations divided by X" },
	{ "--region", "R", "the region printed for clients" },
	{ "--throttle-rate", "F", "share of requests throttled (0..1)" },
	{ "--error-rate", "F", "share of requests answered 500/503 (0..1)" },
	{ "--drop-rate", "F", "share of connections dropped (0..1)" },
	{ "--latency-ms", "MS", "added to every answer" },
	{ "--eip-quota", "N", "Elastic IPs per Region (AWS's default: 5)" },
	{ "--vcpu-quota", "FAMILY=N", "a family's On-Demand vCPU quota (P, G, Trn, Inf; repeatable)" },
	{ "--workdir", "DIR", "where nodes run commands (kept)" },
	{ "--node-profile", "simulated-efa|host", "nodes with the type's EFA and GPUs (default) or this host's tools" },
	{ "--no-validate", NULL, "accept requests AWS would refuse (debugging)" },
	{ "--verbose", NULL, "log every request" },
	END,
};
static const cmd_opt_t opt_fabric[] = { { "-p", "PROV", "only this provider" }, END };
static const cmd_opt_t opt_rdm[] = {
	{ "--local", NULL, "server and client here" },
	{ "--serve", NULL, "wait for a client" },
	{ "--bind", "ADDR", "the address to serve on (default: the default route's IPv4)" },
	{ "--connect", "HOST", "the server to ping" },
	{ "--port", "P", "the control port" },
	{ "-S", "SIZES", "message sizes (64,4k,1m)" },
	{ "-I", "N", "iterations per size" },
	{ "--warmup", "N", "iterations not measured" },
	{ "-p", "PROV", "the libfabric provider" },
	{ "--timeout", "S", "give up after S seconds" },
	{ "--accept-timeout", "S", "the server waits S seconds for a client" },
	END,
};
static const cmd_opt_t opt_efa[] = {
	{ "--instance-id", "I", "a node (repeatable; default: the stack's nodes)" },
	{ "--node", "N|all", "which of the stack's nodes" },
	{ "--local", NULL, "this machine" },
	{ "--from-file", "F", "read saved output instead" },
	{ "--raw", NULL, "also print the probes' own output" },
	{ "--timeout", "S", "per node, 5..3600 seconds" },
	{ "--log-group", "G", "the CloudWatch log group under /aws/ssm/" },
	{ "--verbose", NULL, "print the nodes' lines as they come" },
	{ "--json", NULL, "JSON for programs" },
	END,
};
static const cmd_opt_t opt_pp[] = {
	{ "--server-node", "N", "the server among the stack's nodes (default 1)" },
	{ "--client-node", "N", "the client (default 2)" },
	{ "--instance-id", "I", "server, then client (twice)" },
	{ "--server-ip", "IP", "the address the client dials" },
	{ "--local", NULL, "both here" },
	{ "--from-file", "F|DIR", "read saved fi_pingpong logs" },
	{ "-S", "SIZES", "sizes (64,4k,1m or all)" },
	{ "-I", "N", "iterations per size" },
	{ "-e", "rdm|msg|dgram", "endpoint type" },
	{ "-p", "PROV", "provider (efa, tcp, shm, \"tcp;ofi_rxm\", ...)" },
	{ "--timeout", "S", "stop a pair that prints nothing for S seconds (default 60)" },
	{ "--port", "P", "the server's port" },
	{ "--matrix", NULL, "every pair of nodes" },
	{ "--concurrency", "K", "pairs at once in the matrix (1: one after another)" },
	{ "--no-check", NULL, "skip the fi_info check before the run" },
	{ "--native", NULL, "nixl-tui's own libfabric ping-pong (with --local, --serve, --connect)" },
	{ "--verbose", NULL, "print the nodes' lines" },
	{ "--json", NULL, "JSON for programs" },
	END,
};
static const cmd_opt_t opt_setup[] = {
	{ "--tasks", "FILE", "a task file (default: the one for the Deep Learning AMI)" },
	{ "--node", "N|all", "which of the stack's nodes (default all)" },
	{ "--from", "ID", "start at this task" },
	{ "--reset", NULL, "forget the nodes' record: run every task" },
	{ "--dry-run", NULL, "print the tasks expanded; send nothing" },
	{ "--local", NULL, "run here" },
	{ "--cancel", NULL, "stop the setup running on the nodes" },
	{ "--timeout", "S", "give up after S seconds (default 7200)" },
	{ "--json", NULL, "per node per task: status, seconds, failure" },
	END,
};
static const cmd_opt_t opt_mlflow[] = {
	{ "--node", "N", "run it from node N (default 2)" },
	{ "--tracking-uri", "URL", "another server than node 1's http://<node 1>:5000" },
	{ "--timeout", "S", "give up after S seconds (10..3600)" },
	{ "--json", NULL, "JSON for programs" },
	END,
};
static const cmd_opt_t opt_verify[] = {
	{ "--tasks", "FILE", "the setup's task file" },
	{ "--tracking-uri", "URL", "the MLflow server to check" },
	{ "-p", "PROV", "the ping-pong's provider" },
	{ "-S", "SIZES", "the ping-pong's sizes" },
	{ "-I", "N", "the ping-pong's iterations" },
	{ "--json", NULL, "JSON for programs" },
	END,
};
static const cmd_opt_t opt_forward[] = {
	{ "--node", "N", "the node (default 1)" },
	{ "--port", "P", "its port (default 5000, MLflow)" },
	{ "--local-port", "L", "here (default: a free port, 1024..65535)" },
	END,
};
static const cmd_opt_t opt_none[] = { END };

static const cmd_doc_t docs[] = {
	{ "help", opt_none, "0", { "nixl-tui help", "nixl-tui help deploy" } },
	{ "tui", opt_tui, "0 quit; 1 the console could not start; 2 bad usage",
	  { "nixl-tui", "nixl-tui tui --read-only --region us-west-2" } },
	{ "keys", opt_keys, "0", { "nixl-tui keys", "nixl-tui keys --markdown" } },
	{ "whoami", opt_json, EXITS_AWS, { "nixl-tui whoami", "nixl-tui whoami --profile sso-dev --json" } },
	{ "deploy", opt_deploy, "0 ready; 1 preflight refused or the stack failed (its root cause is said); 2 bad usage; "
	  "130 Ctrl-C (the stack goes on: nixl-tui watch)",
	  { "nixl-tui deploy -c instanceType=p5.48xlarge -c nodeCount=2 --yes",
	    "nixl-tui deploy -c capacityReservationId=cr-0123456789abcdef0 --verify" } },
	{ "status", opt_json, EXITS_AWS, { "nixl-tui status", "nixl-tui status -c environment=prod --json" } },
	{ "outputs", opt_outputs, EXITS_AWS, { "nixl-tui outputs --json", "eval \"$(nixl-tui outputs --format env)\"" } },
	{ "watch", opt_json, "0 the operation ended as wanted; 1 it failed; 2 bad usage; 130 Ctrl-C",
	  { "nixl-tui watch", "nixl-tui watch --json | jq -r .status" } },
	{ "destroy", opt_destroy, "0 deleted and nothing left; 1 it failed (run it again: it resumes); 2 bad usage",
	  { "nixl-tui destroy", "nixl-tui destroy --yes -c environment=ci" } },
	{ "sandbox", opt_sandbox, "0 stopped; 2 bad usage",
	  { "nixl-tui sandbox", "nixl-tui sandbox --scenario capacity-failure --speed 20 --eip-quota 20" } },
	{ "catalog", opt_json, "0", { "nixl-tui catalog", "nixl-tui catalog --json" } },
	{ "config", opt_json, "0; 1 a value is refused (the sentence names it)",
	  { "nixl-tui config", "nixl-tui config -c nodeCount=4 --json" } },
	{ "template", opt_json, "0; 1 the configuration is refused",
	  { "nixl-tui template > stack.json", "nixl-tui template -c instanceType=p4d.24xlarge --json" } },
	{ "fabric", opt_fabric, "0 efa is present; 1 it is not",
	  { "nixl-tui fabric", "nixl-tui fabric -p tcp" } },
	{ "rdm-pingpong", opt_rdm, "0 measured; 1 it failed; 2 bad usage",
	  { "nixl-tui rdm-pingpong --local -p tcp -S 4k,64k",
	    "nixl-tui rdm-pingpong --connect 10.0.1.23 -p efa -S 64,1m" } },
	{ "efa-check", opt_efa, "0 every check passed; 1 a check failed; 3 a check could not tell; 2 bad usage",
	  { "nixl-tui efa-check --node all", "nixl-tui efa-check --from-file node1.txt --json" } },
	{ "pingpong", opt_pp, "0 measured; 1 it failed; 3 no file to read; 2 bad usage",
	  { "nixl-tui pingpong -S 64,4k,1m", "nixl-tui pingpong --matrix --concurrency 4 --json" } },
	{ "setup", opt_setup, "0 every node succeeded; 1 a task failed (run it again: it resumes); 2 a refused file "
	  "or option, nothing sent; 130 Ctrl-C (the setup goes on: nixl-tui setup follows it again)",
	  { "nixl-tui setup", "nixl-tui setup --tasks my-tasks.json --from install-nixl --json" } },
	{ "mlflow-check", opt_mlflow, "0 what was read back is what was written; 1 it was not, or no server; 2 bad usage",
	  { "nixl-tui mlflow-check", "nixl-tui mlflow-check --tracking-uri http://10.0.1.23:5000 --json" } },
	{ "verify", opt_verify, "0 every step passed; 1 a step failed (the table names it); 2 bad usage",
	  { "nixl-tui verify", "nixl-tui verify -p efa -S 64,1m --json" } },
	{ "forward", opt_forward, "0 stopped with Ctrl-C; 1 no AWS CLI / plugin, or the session ended; 2 bad usage",
	  { "nixl-tui forward", "nixl-tui forward --node 2 --local-port 15000" } },
};

static const cmd_opt_t common_opts[] = {
	{ "--profile", "P", "the AWS profile (else AWS_PROFILE, else default)" },
	{ "--region", "R", "the region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's)" },
	{ "--endpoint-url", "URL", "every AWS call to this endpoint (the sandbox, moto)" },
	{ "--allow-http", NULL, "allow an http:// endpoint beyond loopback" },
	{ "-c", "key=value", "a configuration value (repeatable; nixl-tui config lists them)" },
	{ "--log", "FILE", "a line per AWS call (no secrets)" },
	END,
};

const cmd_doc_t *cmd_doc(const char *name)
{
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		if (strcmp(docs[i].name, name) == 0) return &docs[i];
	return NULL;
}

const cmd_opt_t *cmd_common_opts(void) { return common_opts; }

static const cmd_entry_t *entry(const char *name)
{
	for (const cmd_entry_t *c = cmd_table; c->name; c++)
		if (strcmp(c->name, name) == 0) return c;
	return NULL;
}

static void print_opts(FILE *f, const cmd_opt_t *o)
{
	for (; o->flag; o++) {
		char left[96];
		snprintf(left, sizeof left, "%s%s%s", o->flag, o->arg ? " " : "", o->arg ? o->arg : "");
		if (strlen(left) > 24)
			fprintf(f, "  %s\n  %-24s  %s\n", left, "", o->text);
		else
			fprintf(f, "  %-24s  %s\n", left, o->text);
	}
}

int cmd_print_help(const char *name)
{
	const cmd_entry_t *c = entry(name);
	const cmd_doc_t *d = cmd_doc(name);
	if (!c || !d) {
		fprintf(stderr, "nixl-tui: unknown command \"%s\" (try nixl-tui help)\n", name);
		return 2;
	}
	printf("usage: nixl-tui %s %s\n\n%s.\n", c->name, c->usage, c->summary);
	if (d->opts[0].flag) {
		printf("\noptions:\n");
		print_opts(stdout, d->opts);
	}
	if (strcmp(name, "help") != 0 && strcmp(name, "keys") != 0 && strcmp(name, "catalog") != 0) {
		printf("\ncommon options:\n");
		print_opts(stdout, common_opts);
	}
	printf("\nexit codes: %s\n\nexamples:\n  %s\n  %s\n", d->exits, d->examples[0], d->examples[1]);
	return 0;
}

/* roff: a backslash and a leading dot or quote are taken as requests */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'') fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\') fputs("\\e", f);
		else if (*s == '-') fputs("\\-", f);
		else fputc(*s, f);
	}
}

static void man_opts(FILE *f, const cmd_opt_t *o)
{
	for (; o->flag; o++) {
		fputs(".TP\n.B ", f);
		roff(f, o->flag);
		if (o->arg) {
			fputs(" \" \"\n.I ", f);
			roff(f, o->arg);
		}
		fputc('\n', f);
		roff(f, o->text);
		fputc('\n', f);
	}
}

void cmd_print_man(FILE *f)
{
	fputs(".TH NIXL-TUI 1 \"\" \"nixl-tui\" \"User Commands\"\n.SH NAME\nnixl\\-tui \\- "
	      "stand up EFA GPU clusters on AWS for NIXL and check them\n.SH SYNOPSIS\n.B nixl\\-tui\n"
	      "[\\fICOMMAND\\fR] [\\fIOPTIONS\\fR]\n.SH DESCRIPTION\nWithout a command, the console opens. "
	      "Every console action has a headless command below; \\fB\\-\\-json\\fR is for programs.\n"
	      ".SH COMMANDS\n", f);
	for (const cmd_entry_t *c = cmd_table; c->name; c++) {
		const cmd_doc_t *d = cmd_doc(c->name);
		fputs(".SS ", f);
		roff(f, c->name);
		fputs("\n.B nixl\\-tui ", f);
		roff(f, c->name);
		fputc(' ', f);
		roff(f, c->usage);
		fputs("\n.PP\n", f);
		roff(f, c->summary);
		fputs(".\n", f);
		if (!d) continue;
		man_opts(f, d->opts);
		fputs(".PP\nExit codes: ", f);
		roff(f, d->exits);
		fputs(".\n.PP\nExamples:\n.nf\n", f);
		for (int k = 0; k < 2; k++) {
			roff(f, d->examples[k]);
			fputc('\n', f);
		}
		fputs(".fi\n", f);
	}
	fputs(".SH COMMON OPTIONS\n", f);
	man_opts(f, common_opts);
	fputs(".SH ENVIRONMENT\nThe AWS CLI's: AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL and "
	      "AWS_ENDPOINT_URL_<SERVICE>, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ACCESS_KEY_ID, "
	      "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN; "
	      "XDG_STATE_HOME (records), NO_COLOR.\n.SH SEE ALSO\n.BR aws (1),\n.BR fi_pingpong (1),\n"
	      ".BR fi_info (1)\n", f);
}

static void words(FILE *f, const cmd_opt_t *o)
{
	for (; o->flag; o++) fprintf(f, " %s", o->flag);
}

void cmd_print_completion(FILE *f, int zsh)
{
	if (zsh) fputs("#compdef nixl-tui\n# zsh: bash's completion function, through bashcompinit\n"
	               "autoload -U +X bashcompinit && bashcompinit\n", f);
	fputs("# nixl-tui's commands and options (nixl-tui help --completion bash|zsh writes this)\n"
	      "_nixl_tui() {\n\tlocal cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} words\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n\t\twords=\"", f);
	for (const cmd_entry_t *c = cmd_table; c->name; c++) fprintf(f, "%s%s", c == cmd_table ? "" : " ", c->name);
	fputs(" --help\"\n\telse\n\t\tcase $cmd in\n", f);
	for (const cmd_entry_t *c = cmd_table; c->name; c++) {
		const cmd_doc_t *d = cmd_doc(c->name);
		if (!d) continue;
		fprintf(f, "\t\t%s) words=\"--help", c->name);
		words(f, d->opts);
		if (strcmp(c->name, "help") == 0)
			for (const cmd_entry_t *e = cmd_table; e->name; e++) fprintf(f, " %s", e->name);
		else
			words(f, common_opts);
		fputs("\" ;;\n", f);
	}
	fputs("\t\t*) words=\"\" ;;\n\t\tesac\n\tfi\n"
	      "\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n"
	      "complete -o default -F _nixl_tui nixl-tui\n", f);
}
