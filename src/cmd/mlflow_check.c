/* nixl-tui mlflow-check: from a node of the stack (node 2 when there is one), a run is
 * written to the MLflow tracking server and read back (src/setup/mlflow.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/textsafe.h"
#include "catalog/config.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/settings.h"
#include "efa/exec_ssm.h"
#include "setup/mlflow.h"

typedef struct check {
	mlflow_result_t res;
	exec_result_t done_res;
	int done, json;
	char label[16];
} check_t;

static void on_line(void *ud, exec_stream_t stream, const char *line, size_t len)
{
	(void)stream;
	(void)len;
	check_t *c = ud;
	mlflow_check_line(&c->res, line);
	if (!c->json && strncmp(line, "===NIXL-MLFLOW", 14) != 0) textsafe_printf(stdout, "%s | %s\n", c->label, line);
}

static void on_done(void *ud, const exec_result_t *r)
{
	check_t *c = ud;
	c->done_res = *r;
	c->done = 1;
}

static cJSON *str_or_null(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static void print_result(const check_t *c, const char *uri, const char *instance)
{
	const mlflow_result_t *r = &c->res;
	const char *reason = r->seen ? r->reason : c->done_res.detail[0] ? c->done_res.detail : "the check did not finish";
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "tracking_uri", uri);
		cJSON_AddStringToObject(o, "node", c->label);
		cJSON_AddStringToObject(o, "instance_id", instance);
		cJSON_AddBoolToObject(o, "ok", r->seen && r->ok);
		cJSON_AddItemToObject(o, "run_id", str_or_null(r->ok ? r->run_id : NULL));
		cJSON_AddItemToObject(o, "experiment_id", str_or_null(r->ok ? r->experiment_id : NULL));
		cJSON_AddItemToObject(o, "failed_step", str_or_null(r->ok ? NULL : r->seen ? r->step : "run"));
		cJSON_AddItemToObject(o, "reason", str_or_null(r->ok ? NULL : reason));
		cmd_print_json(o, 1);
		cJSON_Delete(o);
	} else if (r->seen && r->ok) {
		textsafe_printf(stdout, "MLflow at %s, from %s: ok (run %s in experiment %s written and read back)\n", uri,
		                c->label, r->run_id, r->experiment_id);
	} else {
		textsafe_printf(stderr, "nixl-tui mlflow-check: MLflow at %s, from %s: failed%s%s: %s\n", uri, c->label,
		                r->seen ? " at " : "", r->seen ? r->step : "", reason);
		fprintf(stderr, "  is the tracking server running on node 1 (`nixl-tui setup` starts it; its log is "
		                "/var/log/nixl-mlflow.log)?\n");
	}
}

/* With a SageMaker managed server the nodes use it and node 1 runs none: checking node 1's
 * port would say "cannot reach", which is not the truth. The managed server takes only
 * SigV4-signed calls (the sagemaker-mlflow client), which this check does not make yet. */
static int managed_server(const cli_t *cli, cmd_env_t *env)
{
	config_t cfg;
	config_diags_t diags = { 0 };
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, aws_client_region(env->aws), &diags);
	config_diags_free(&diags);
	const char *arn = config_get(&cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN);
	if (arn)
		textsafe_printf(stderr, "nixl-tui mlflow-check: the stack uses the SageMaker managed MLflow server %s, "
		                "whose SigV4-signed API this check does not speak yet; check it from a node with the "
		                "MLflow client, or pass --tracking-uri for a plain MLflow server.\n", arn);
	config_free(&cfg);
	return arn != NULL;
}

int cmd_mlflow_check(cli_t *cli)
{
	const char *node = NULL, *uri_arg = NULL, *timeout = NULL;
	char err[256];
	for (int i = 0; i < cli->nargs; i++) {
		int r;
		if ((r = cli_take_value(cli, &i, "--node", &node, err, sizeof err)) == 0 &&
		    (r = cli_take_value(cli, &i, "--tracking-uri", &uri_arg, err, sizeof err)) == 0 &&
		    (r = cli_take_value(cli, &i, "--timeout", &timeout, err, sizeof err)) == 0) {
			snprintf(err, sizeof err, "unexpected argument \"%.60s\"", cli->args[i]);
			r = -1;
		}
		if (r < 0) {
			textsafe_printf(stderr, "nixl-tui mlflow-check: %s\n", err);
			return 2;
		}
	}
	if (uri_arg && !mlflow_uri_valid(uri_arg)) {
		textsafe_printf(stderr, "nixl-tui mlflow-check: --tracking-uri takes an http:// or https:// URL, not \"%s\"\n",
		                uri_arg);
		return 2;
	}
	if (timeout && !exec_valid_count(timeout, 10, 3600)) {
		textsafe_printf(stderr, "nixl-tui mlflow-check: --timeout takes seconds from 10 to 3600, not \"%s\"\n", timeout);
		return 2;
	}
	exec_nodes_t ids = { 0 };
	char ips[EXEC_MAX_NODES][48];
	if (cmd_stack_nodes(cli, "mlflow-check", &ids, ips) < 0) return 1;
	size_t first, count;
	if (exec_nodes_select(&ids, node ? node : ids.n >= 2 ? "2" : "1", &first, &count, err, sizeof err) < 0 ||
	    count != 1) {
		textsafe_printf(stderr, "nixl-tui mlflow-check: %s\n", count != 1 ? "--node takes one node's number" : err);
		return 2;
	}
	char uri[256];
	if (uri_arg) {
		snprintf(uri, sizeof uri, "%s", uri_arg);
	} else if (!ips[0][0]) {
		fprintf(stderr, "nixl-tui mlflow-check: the stack has no Node1PrivateIp output; pass --tracking-uri\n");
		return 1;
	} else {
		snprintf(uri, sizeof uri, "http://%s:%d", ips[0], MLFLOW_PORT);
	}
	cmd_env_t env;
	if (cmd_env_open(&env, cli, "mlflow-check") < 0) return 1;
	if (!uri_arg && managed_server(cli, &env)) {
		cmd_env_close(&env);
		return 2;
	}
	char *script = mlflow_check_script(uri);
	if (!script) {
		cmd_env_close(&env);
		return 1;
	}
	check_t c = { .json = cli->json };
	snprintf(c.label, sizeof c.label, "node%zu", first + 1);
	exec_t *ex = exec_ssm_new(env.aws, NULL);
	exec_cbs_t cbs = { on_line, on_done, &c };
	int timeout_s = timeout ? atoi(timeout) : 120;
	exec_job_t *job = exec_start(ex, ids.ids[first], script, timeout_s * 1000, &cbs, err, sizeof err);
	free(script);
	if (!job) {
		c.done = 1;
		c.done_res.status = EXEC_ERROR;
		snprintf(c.done_res.detail, sizeof c.done_res.detail, "%s", err);
	}
	int64_t deadline = loop_now_ms() + (int64_t)(timeout_s + 60) * 1000;
	while (!c.done && loop_now_ms() < deadline) loop_run_once(env.loop, 500);
	print_result(&c, uri, ids.ids[first]);
	exec_free(ex);
	cmd_env_close(&env);
	return c.res.seen && c.res.ok ? 0 : 1;
}
