/* nixl-tui status / outputs: one DescribeStacks of the configured stack, printed for
 * people, as JSON, or (outputs --format env) as the variables the users' experiment
 * scripts read. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/cfn.h"
#include "base/isotime.h"
#include "base/jsonobj.h"
#include "base/textsafe.h"
#include "catalog/config.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/settings.h"

typedef struct lookup {
	cmd_call_t call;
	cfn_stack_t stack;
	cfn_stacks_t all;
} lookup_t;

static void on_stacks(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	lookup_t *l = ud;
	if (cmd_stack_call_end(&l->call, err)) return;
	l->all = *res;
	memset(res, 0, sizeof *res);
	if (!l->all.n) l->call.missing = 1;
}

/* The stack of the configuration, looked up once. Returns 0 (found), 1 (missing: nothing
 * printed), -1 (error printed). */
static int find_stack(cli_t *cli, const char *name, cmd_env_t *env, lookup_t *l, char *stack, size_t n)
{
	if (cmd_env_open(env, cli, name) < 0) return -1;
	config_t cfg;
	config_diags_t diags = {0};
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, aws_client_region(env->aws), &diags);
	int bad = config_diags_count(&diags, CONFIG_ERROR) > 0;
	if (bad) settings_report(stderr, &diags, 1);
	config_diags_free(&diags);
	if (bad || config_stack_name(&cfg, aws_client_region(env->aws), stack, n) < 0) {
		config_free(&cfg);
		return -1;
	}
	config_free(&cfg);
	cfn_describe_stacks(env->aws, stack, on_stacks, l);
	if (aws_client_wait(env->aws, &l->call.done, 120000) < 0 && !l->call.done) {
		fprintf(stderr, "nixl-tui %s: no answer from CloudFormation in 120 s\n", name);
		return -1;
	}
	if (l->call.failed) {
		cmd_print_error(name, &l->call.err);
		return -1;
	}
	if (l->call.missing) return 1;
	l->stack = l->all.stacks[0];
	return 0;
}

static int check_args(cli_t *cli, const char *name, const char **format)
{
	char err[256];
	for (int i = 0; i < cli->nargs; i++) {
		int r = format ? cli_take_value(cli, &i, "--format", format, err, sizeof err) : 0;
		if (r < 0) {
			fprintf(stderr, "nixl-tui %s: %s\n", name, err);
			return -1;
		}
		if (r == 0) {
			fprintf(stderr, "nixl-tui %s: unexpected argument \"%s\"\n", name, cli->args[i]);
			return -1;
		}
	}
	if (format && *format && strcmp(*format, "env") != 0 && strcmp(*format, "text") != 0 &&
	    strcmp(*format, "json") != 0) {
		fprintf(stderr, "nixl-tui %s: --format must be text, json or env\n", name);
		return -1;
	}
	return 0;
}

/* The stack of the configuration, looked up, then given to print (status or outputs), NULL
 * when there is no such stack: the exit code, 1 for a missing stack whatever print says. */
typedef int (*stack_print_fn)(const cfn_stack_t *st, const char *stack, const char *region, const char *format,
                              int json);

static int with_stack(cli_t *cli, const char *name, const char *format, stack_print_fn print)
{
	cmd_env_t env;
	lookup_t l = {0};
	char stack[160];
	int r = find_stack(cli, name, &env, &l, stack, sizeof stack);
	if (r >= 0) r = print(r == 0 ? &l.stack : NULL, stack, aws_client_region(env.aws), format, cli->json) || r;
	cfn_stacks_free(&l.all);
	cmd_env_close(&env);
	return r == 0 ? 0 : 1;
}

static int print_status(const cfn_stack_t *st, const char *stack, const char *region, const char *format, int json)
{
	(void)format;
	static const cfn_stack_t none; /* no such stack: what it would have said is null */
	const cfn_stack_t *s = st ? st : &none;
	if (!st && !json) {
		textsafe_printf(stderr, "nixl-tui status: stack %s does not exist in %s\n", stack, region);
		return 0;
	}
	char created[40] = "";
	if (s->creation_time) isotime_format(s->creation_time, created, sizeof created);
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "stackName", stack);
		cJSON_AddBoolToObject(o, "exists", st != NULL);
		json_add_text(o, "stackId", s->stack_id);
		json_add_text(o, "status", s->status);
		json_add_text(o, "reason", s->status_reason);
		json_add_text(o, "created", created);
		cJSON_AddStringToObject(o, "region", region);
		cJSON_AddItemToObject(o, "outputs", st ? cJSON_CreateNumber((double)st->noutputs) : cJSON_CreateNull());
		cmd_print_json(o, 0);
		cJSON_Delete(o);
	} else {
		textsafe_printf(stdout, "stack    %s\nstatus   %s%s%s\ncreated  %s\nregion   %s\nid       %s\n", stack,
		       s->status ? s->status : "", s->status_reason ? " - " : "",
		       s->status_reason ? s->status_reason : "", created, region, s->stack_id ? s->stack_id : "");
	}
	return 0;
}

int cmd_status(cli_t *cli)
{
	if (check_args(cli, "status", NULL) < 0) return 2;
	return with_stack(cli, "status", NULL, print_status);
}

/* NodeNInstanceId -> NODEN_ID, as the users' scripts name them. */
static void env_name(const char *key, char *out, size_t n)
{
	static const struct { const char *suffix, *var; } node_keys[] = {
		{ "InstanceId", "ID" }, { "PrivateIp", "PRIVATE" }, { "PublicIp", "PUBLIC" },
	};
	static const struct { const char *key, *var; } keys[] = {
		{ "ScriptsBucketName", "SCRIPTS_BUCKET" }, { "SecurityGroupId", "SECURITY_GROUP" },
		{ "PlacementGroupName", "PLACEMENT_GROUP" },
	};
	int idx;
	char rest[64];
	if (sscanf(key, "Node%d%63s", &idx, rest) == 2)
		for (size_t i = 0; i < sizeof node_keys / sizeof node_keys[0]; i++)
			if (strcmp(rest, node_keys[i].suffix) == 0) {
				snprintf(out, n, "NODE%d_%s", idx, node_keys[i].var);
				return;
			}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(key, keys[i].key) == 0) {
			snprintf(out, n, "%s", keys[i].var);
			return;
		}
	/* anything else: CamelCase -> CAMEL_CASE */
	size_t o = 0;
	for (size_t i = 0; key[i] && o + 2 < n; i++) {
		if (i && isupper((unsigned char)key[i]) && !isupper((unsigned char)key[i - 1])) out[o++] = '_';
		out[o++] = (char)toupper((unsigned char)key[i]);
	}
	out[o] = 0;
}

static int shell_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_') return 0;
	while (isalnum((unsigned char)*s) || *s == '_') s++;
	return *s == 0;
}

/* Why v cannot be written for a shell (NULL: it can): a newline would end the assignment
 * in a line-by-line reader, and a control character would reach the terminal of whoever
 * prints the list; either way the value the user meant is not what they would get. */
static const char *unquotable(const char *v)
{
	if (strchr(v, '\n')) return "a newline";
	char *clean = textsafe_dup(v);
	int same = clean && strcmp(clean, v) == 0;
	free(clean);
	return same ? NULL : "control characters or invalid UTF-8";
}

/* POSIX single quotes: nothing inside is special but the quote itself, which is closed,
 * escaped and reopened ('\''). So `eval "$(nixl-tui outputs --format env)"` assigns and
 * runs nothing, whatever an output holds. */
static void put_assignment(const char *var, const char *v)
{
	printf("%s='", var);
	for (; *v; v++) {
		if (*v == '\'') fputs("'\\''", stdout);
		else putchar(*v);
	}
	fputs("'\n", stdout);
}

/* Every assignment is checked before the first is printed: a script that sources half a
 * list would go on with the rest unset. 0, or -1 with the reason on stderr. */
static int print_env(const char *stack, const char *region, const cfn_stack_t *st)
{
	int bad = 0;
	const char *why;
	if ((why = unquotable(stack)) != NULL) {
		textsafe_printf(stderr, "nixl-tui outputs: the stack name %s holds %s\n", stack, why);
		bad = 1;
	}
	for (size_t i = 0; i < st->noutputs; i++) {
		char var[80];
		const char *v = st->outputs[i].value ? st->outputs[i].value : "";
		env_name(st->outputs[i].key, var, sizeof var);
		if (!shell_name(var)) {
			textsafe_printf(stderr, "nixl-tui outputs: output %s does not make a shell variable name (%s)\n",
			                st->outputs[i].key, var);
			bad = 1;
		} else if ((why = unquotable(v)) != NULL) {
			textsafe_printf(stderr, "nixl-tui outputs: output %s holds %s: %s\n", st->outputs[i].key, why, v);
			bad = 1;
		}
	}
	if (bad) {
		fprintf(stderr, "nixl-tui outputs: nothing written for the shell; --format json shows every value\n");
		return -1;
	}
	put_assignment("STACK_NAME", stack);
	put_assignment("AWS_REGION", region);
	for (size_t i = 0; i < st->noutputs; i++) {
		char var[80];
		env_name(st->outputs[i].key, var, sizeof var);
		put_assignment(var, st->outputs[i].value ? st->outputs[i].value : "");
	}
	return 0;
}

static int print_outputs(const cfn_stack_t *st, const char *stack, const char *region, const char *format,
                         int json)
{
	(void)json;
	int r = 0;
	if (!st) { /* nothing on standard output: a missing stack has no outputs to list */
		textsafe_printf(stderr, "nixl-tui outputs: stack %s does not exist in %s\n", stack, region);
		return 0;
	}
	if (!st->noutputs)
		textsafe_printf(stderr, "nixl-tui outputs: %s has no outputs yet (%s)\n", stack, st->status ? st->status : "");
	if (format && strcmp(format, "json") == 0) {
		cJSON *o = cJSON_CreateObject();
		for (size_t i = 0; i < st->noutputs; i++)
			json_add_text(o, st->outputs[i].key, st->outputs[i].value);
		cmd_print_json(o, 0);
		cJSON_Delete(o);
	} else if (format && strcmp(format, "env") == 0) {
		if (print_env(stack, region, st) < 0) r = 1;
	} else {
		for (size_t i = 0; i < st->noutputs; i++)
			textsafe_printf(stdout, "%-22s %-24s %s\n", st->outputs[i].key, st->outputs[i].value ? st->outputs[i].value : "",
			                st->outputs[i].export_name ? st->outputs[i].export_name : "");
	}
	return st->noutputs ? r : 1;
}

int cmd_outputs(cli_t *cli)
{
	const char *format = NULL;
	if (check_args(cli, "outputs", &format) < 0) return 2;
	if (cli->json) format = "json";
	return with_stack(cli, "outputs", format, print_outputs);
}
