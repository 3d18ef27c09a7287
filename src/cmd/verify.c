/* nixl-tui verify: the users' "deploy and verify" in one command. Each step is this
 * program's own headless command, run as a child with --json (so each keeps its exact
 * behaviour and exit code), and read back for one summary table per node:
 * setup (resumed when done) -> MLflow check -> EFA checks on every node -> ping-pong
 * between the first two nodes. */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/sbuf.h"
#include "base/jsonobj.h"
#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "efa/exec.h"

extern char **environ;

enum { MAX_ARGS = 64 };

typedef struct step {
	const char *name;      /* "setup", "MLflow", "EFA checks", "ping-pong" */
	int rc;                /* the child's exit code; -1 when it could not run */
	cJSON *json;           /* what it printed, or NULL */
} step_t;

/* Runs the child; its stdout (JSON) is kept, its stderr passes through. */
static void run_step(step_t *st, const cli_t *cli, const char *const *args)
{
	const char *argv[MAX_ARGS];
	cmd_self_argv(cli, args, argv, MAX_ARGS);
	st->rc = -1;
	st->json = NULL;
	int fds[2];
	if (pipe(fds) < 0) return;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	pid_t pid;
	int err = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		return;
	}
	char *out = NULL;
	size_t len = 0, cap = 0;
	char buf[8192];
	ssize_t got;
	while ((got = read(fds[0], buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR)) {
		if (got < 0) continue;
		if (len + (size_t)got + 1 > cap) {
			size_t ncap = (len + (size_t)got + 1) * 2;
			char *nb = realloc(out, ncap);
			if (!nb) break;
			out = nb;
			cap = ncap;
		}
		memcpy(out + len, buf, (size_t)got);
		len += (size_t)got;
		out[len] = 0;
	}
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
	st->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (out) st->json = cJSON_ParseWithLength(out, len);
	free(out);
}

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

/* per node: "setup 17/17", "EFA 6/6"; the table */
typedef struct node_row {
	char setup[32], efa[32], note[200];
	int ok;
} node_row_t;

static void setup_rows(const step_t *st, node_row_t *rows, size_t n)
{
	const cJSON *nodes = get(st->json, "nodes"), *node;
	cJSON_ArrayForEach(node, nodes) {
		const char *label = cJSON_GetStringValue(get(node, "node"));
		size_t i = label && strncmp(label, "node", 4) == 0 ? (size_t)atoi(label + 4) : 0;
		if (i < 1 || i > n) continue;
		int total = 0, done = 0;
		const char *failed = NULL;
		const cJSON *t;
		cJSON_ArrayForEach(t, get(node, "tasks")) {
			const char *s = cJSON_GetStringValue(get(t, "status"));
			total++;
			done += s && (strcmp(s, "success") == 0 || strcmp(s, "skipped") == 0);
			if (s && strcmp(s, "failed") == 0 && !failed) failed = cJSON_GetStringValue(get(t, "id"));
		}
		snprintf(rows[i - 1].setup, sizeof rows[i - 1].setup, "%d/%d", done, total);
		if (failed || !cJSON_IsTrue(get(node, "succeeded"))) {
			rows[i - 1].ok = 0;
			snprintf(rows[i - 1].note, sizeof rows[i - 1].note, "setup: %s failed", failed ? failed : "the run");
		}
	}
}

static void efa_rows(const step_t *st, node_row_t *rows, size_t n)
{
	const cJSON *node;
	size_t i = 0;
	cJSON_ArrayForEach(node, get(st->json, "nodes")) {
		if (i >= n) break;
		int total = 0, passed = 0;
		const cJSON *c;
		cJSON_ArrayForEach(c, get(node, "checks")) {
			const char *s = cJSON_GetStringValue(get(c, "status"));
			total++;
			passed += s && strcmp(s, "passed") == 0;
		}
		snprintf(rows[i].efa, sizeof rows[i].efa, "%d/%d", passed, total);
		if (passed != total) {
			rows[i].ok = 0;
			if (!rows[i].note[0]) snprintf(rows[i].note, sizeof rows[i].note, "EFA: %d check(s) failed", total - passed);
		}
		i++;
	}
}

static void pp_figures(const step_t *st, double *lat, double *bw, const char **error)
{
	*lat = *bw = NAN;
	*error = NULL;
	const cJSON *rows = get(st->json, "rows"), *r;
	const char *e = cJSON_GetStringValue(get(st->json, "error"));
	if (e && *e) *error = e;
	cJSON_ArrayForEach(r, rows) {
		const cJSON *u = get(r, "usec_per_xfer"), *m = get(r, "mb_per_s");
		if (isnan(*lat) && cJSON_IsNumber(u)) *lat = u->valuedouble;
		if (cJSON_IsNumber(m) && (isnan(*bw) || m->valuedouble > *bw)) *bw = m->valuedouble;
	}
}

int cmd_verify(cli_t *cli)
{
	const char *tasks = NULL, *provider = NULL, *uri = NULL, *sizes = NULL, *iters = NULL;
	const cmd_value_t values[] = { { "--tasks", &tasks }, { "--provider", &provider }, { "--tracking-uri", &uri },
		                       { "-S", &sizes }, { "-I", &iters }, { "-p", &provider } };
	if (cmd_take_values(cli, "verify", values, sizeof values / sizeof values[0])) return 2;
	if (provider && !exec_valid_provider(provider)) {
		textsafe_printf(stderr, "nixl-tui verify: unknown provider \"%s\"\n", provider);
		return 2;
	}
	exec_nodes_t ids = { 0 };
	if (cmd_stack_nodes(cli, "verify", &ids, NULL) < 0) return 1;
	size_t n = ids.n;
	step_t steps[4] = { { .name = "setup" }, { .name = "MLflow" }, { .name = "EFA checks" }, { .name = "ping-pong" } };
	const char *setup_args[] = { "setup", "--json", tasks ? "--tasks" : NULL, tasks, NULL };
	const char *mlflow_args[] = { "mlflow-check", "--json", uri ? "--tracking-uri" : NULL, uri, NULL };
	const char *efa_args[] = { "efa-check", "--node", "all", "--json", NULL };
	/* the options given, packed without gaps */
	const char *pp_args[10] = { "pingpong", "--json" };
	size_t np = 2;
	const struct { const char *flag, *value; } pp_opts[] = { { "-p", provider }, { "-S", sizes }, { "-I", iters } };
	for (size_t k = 0; k < 3; k++)
		if (pp_opts[k].value) {
			pp_args[np++] = pp_opts[k].flag;
			pp_args[np++] = pp_opts[k].value;
		}
	pp_args[np] = NULL;
	const char *const *args[4] = { setup_args, mlflow_args, efa_args, pp_args };
	for (size_t k = 0; k < 4; k++) {
		if (k == 3 && n < 2) break;
		if (!cli->json) fprintf(stderr, "nixl-tui verify: %s...\n", steps[k].name);
		run_step(&steps[k], cli, args[k]);
	}
	node_row_t rows[EXEC_MAX_NODES];
	for (size_t i = 0; i < n; i++) {
		memset(&rows[i], 0, sizeof rows[i]);
		rows[i].ok = 1;
		snprintf(rows[i].setup, sizeof rows[i].setup, "-");
		snprintf(rows[i].efa, sizeof rows[i].efa, "-");
	}
	if (steps[0].json) setup_rows(&steps[0], rows, n);
	if (steps[2].json) efa_rows(&steps[2], rows, n);
	int mlflow_ok = steps[1].rc == 0;
	const char *mlflow_reason = cJSON_GetStringValue(get(steps[1].json, "reason"));
	double lat = NAN, bw = NAN;
	const char *pp_error = NULL;
	if (steps[3].json) pp_figures(&steps[3], &lat, &bw, &pp_error);
	int pp_ok = n < 2 || (steps[3].rc == 0 && !pp_error);
	int all = mlflow_ok && pp_ok && steps[0].rc == 0 && steps[2].rc == 0;
	for (size_t i = 0; i < n; i++) all &= rows[i].ok;
	if (cli->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "passed", all);
		cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
		for (size_t i = 0; i < n; i++) {
			cJSON *r = cJSON_CreateObject();
			cJSON_AddNumberToObject(r, "node", (double)i + 1);
			cJSON_AddStringToObject(r, "instance_id", ids.ids[i]);
			cJSON_AddItemToObject(r, "setup", strcmp(rows[i].setup, "-") ? cJSON_CreateString(rows[i].setup) : cJSON_CreateNull());
			cJSON_AddItemToObject(r, "efa_checks", strcmp(rows[i].efa, "-") ? cJSON_CreateString(rows[i].efa) : cJSON_CreateNull());
			json_add_text(r, "problem", rows[i].note);
			cJSON_AddItemToArray(nodes, r);
		}
		cJSON *m = cJSON_AddObjectToObject(o, "mlflow");
		cJSON_AddBoolToObject(m, "ok", mlflow_ok);
		json_add_text(m, "reason", mlflow_reason);
		cJSON *p = cJSON_AddObjectToObject(o, "pingpong");
		json_add_figure(p, "latency_usec", lat);
		json_add_figure(p, "peak_mb_per_s", bw);
		json_add_text(p, "error", pp_error);
		cmd_print_json(o, 1);
		cJSON_Delete(o);
	} else {
		textsafe_printf(stdout, "%-6s %-20s %-8s %-8s %-8s %s\n", "node", "instance", "setup", "MLflow", "EFA", "problem");
		for (size_t i = 0; i < n; i++)
			textsafe_printf(stdout, "%-6zu %-20s %-8s %-8s %-8s %s\n", i + 1, ids.ids[i], rows[i].setup,
			                i == 0 ? (mlflow_ok ? "ok" : "failed") : "", rows[i].efa, rows[i].note);
		if (n >= 2) {
			if (pp_ok && !isnan(lat))
				textsafe_printf(stdout, "ping-pong node 1 <-> node 2: %.2f usec/xfer at the smallest size, %.2f MB/s best\n",
				                lat, bw);
			else
				textsafe_printf(stdout, "ping-pong node 1 <-> node 2: failed%s%s\n", pp_error ? ": " : "",
				                pp_error ? pp_error : "");
		}
		if (!mlflow_ok)
			textsafe_printf(stdout, "MLflow: %s (nixl-tui mlflow-check says more)\n", mlflow_reason ? mlflow_reason : "failed");
		textsafe_printf(stdout, "%s\n", all ? "verify: passed" : "verify: FAILED (the rows above name the step and the node)");
	}
	for (size_t k = 0; k < 4; k++) cJSON_Delete(steps[k].json);
	return all ? 0 : 1;
}
