/* nixl-tui mlflow-check: from a node of the stack (node 2 when there is one), a run is
 * written to the MLflow tracking server and read back (src/setup/mlflow.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sagemaker.h"
#include "base/jsonobj.h"
#include "base/textsafe.h"
#include "catalog/config.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/nodejob.h"
#include "core/settings.h"
#include "efa/exec_ssm.h"
#include "setup/mlflow.h"

typedef struct check {
	mlflow_result_t res;
	exec_result_t done_res;
	int json;
	char label[16];
	const char *arn;       /* the SageMaker managed server's, or NULL */
} check_t;

static void on_line(void *ud, size_t node, exec_stream_t stream, const char *line, size_t len)
{
	(void)node;
	(void)stream;
	(void)len;
	check_t *c = ud;
	mlflow_check_line(&c->res, line);
	if (!c->json && strncmp(line, "===NIXL-MLFLOW", 14) != 0) textsafe_printf(stdout, "%s | %s\n", c->label, line);
}

/* The check script on target to its end (or timeout_s + 60 s); its result in c. */
static void run_check(check_t *c, cmd_env_t *env, const char *target, const char *script, int timeout_s)
{
	exec_t *ex = exec_ssm_new(env->aws, NULL);
	nodejob_cbs_t cbs = { on_line, NULL, NULL, NULL, c, NODEJOB_KEEP_NONE };
	char err[256];
	nodejob_t *nj = nodejob_start(ex, &target, 1, script, timeout_s * 1000, &cbs, err, sizeof err);
	if (nj) {
		nodejob_wait(nj, env->loop, loop_now_ms() + (int64_t)(timeout_s + 60) * 1000);
		c->done_res = nodejob_node(nj, 0)->res;
	} else {
		c->done_res.status = EXEC_ERROR;
		snprintf(c->done_res.detail, sizeof c->done_res.detail, "%s", err);
	}
	exec_free(ex);
	nodejob_free(nj);
}

static void print_result(const check_t *c, const char *uri, const char *instance)
{
	const mlflow_result_t *r = &c->res;
	const char *reason = r->seen ? r->reason : c->done_res.detail[0] ? c->done_res.detail : "the check did not finish";
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "tracking_uri", uri);
		json_add_text(o, "tracking_server_arn", c->arn);
		cJSON_AddStringToObject(o, "node", c->label);
		cJSON_AddStringToObject(o, "instance_id", instance);
		cJSON_AddBoolToObject(o, "ok", r->seen && r->ok);
		json_add_text(o, "run_id", r->ok ? r->run_id : NULL);
		json_add_text(o, "experiment_id", r->ok ? r->experiment_id : NULL);
		json_add_text(o, "failed_step", r->ok ? NULL : r->seen ? r->step : "run");
		json_add_text(o, "reason", r->ok ? NULL : reason);
		cmd_print_json(o, 1);
		cJSON_Delete(o);
	} else if (r->seen && r->ok) {
		textsafe_printf(stdout, "MLflow at %s, from %s: ok (run %s in experiment %s written and read back)\n", uri,
		                c->label, r->run_id, r->experiment_id);
	} else {
		textsafe_printf(stderr, "nixl-tui mlflow-check: MLflow at %s, from %s: failed%s%s: %s\n", uri, c->label,
		                r->seen ? " at " : "", r->seen ? r->step : "", reason);
		if (!c->arn)
			fprintf(stderr, "  is the tracking server running on node 1 (`nixl-tui setup` starts it; its log is "
			                "/var/log/nixl-mlflow.log)?\n");
	}
}

/* The configured SageMaker managed server's ARN (malloc'd), or NULL for node 1's server. */
static char *configured_arn(const cli_t *cli, cmd_env_t *env)
{
	config_t cfg;
	config_diags_t diags = { 0 };
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, aws_client_region(env->aws), &diags);
	config_diags_free(&diags);
	const char *arn = config_get(&cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN);
	char *out = arn ? strdup(arn) : NULL;
	config_free(&cfg);
	return out;
}

static void on_described(void *ud, const aws_error_t *err, sagemaker_mlflow_server_t *res)
{
	cmd_call_take(ud, err, res, sizeof *res);
}

/* The managed server's URL from DescribeMlflowTrackingServer (the laptop's credentials: the
 * users' stack granted sagemaker:DescribeMlflowTrackingServer); 0, or -1 with why (one
 * sentence) the check cannot run. */
static int managed_url(cmd_env_t *env, const char *arn, char *region, size_t nregion, char *uri, size_t nuri,
                       char *why, size_t nwhy)
{
	char name[260];
	if (sagemaker_mlflow_arn_parse(arn, region, nregion, name, sizeof name) < 0) {
		snprintf(why, nwhy, "mlflowTrackingServerArn \"%.300s\" is not a tracking server ARN "
		         "(arn:aws:sagemaker:REGION:ACCOUNT:mlflow-tracking-server/NAME).", arn);
		return -1;
	}
	if (strcmp(region, aws_client_region(env->aws)) != 0) {
		snprintf(why, nwhy, "the tracking server %s is in %s and the stack in %s: this check asks SageMaker in the "
		         "stack's region only; check it from a node with the MLflow client and the sagemaker-mlflow plugin.",
		         name, region, aws_client_region(env->aws));
		return -1;
	}
	sagemaker_mlflow_server_t srv = { 0 };
	cmd_call_t call = { .out = &srv };
	if (!sagemaker_describe_mlflow_tracking_server(env->aws, name, on_described, &call)) {
		snprintf(why, nwhy, "DescribeMlflowTrackingServer could not be sent.");
		return -1;
	}
	aws_client_wait(env->aws, &call.done, 0);
	int rc = -1;
	if (call.failed || !call.done) {
		char buf[700];
		snprintf(why, nwhy, "the SageMaker MLflow server %s could not be described: %s", name,
		         aws_error_sentence(&call.err, buf, sizeof buf));
	} else if (!sagemaker_mlflow_server_usable(&srv)) {
		snprintf(why, nwhy, "the SageMaker MLflow server %s is %.40s (%.20s), not Created and Active: start it (aws "
		         "sagemaker start-mlflow-tracking-server --tracking-server-name %s) or wait until it is, then check "
		         "again.", name, srv.status, srv.is_active ? srv.is_active : "activity unknown", name);
	} else if (!mlflow_uri_valid(srv.url) || strlen(srv.url) >= nuri) {
		snprintf(why, nwhy, "the SageMaker MLflow server %s has the URL \"%.200s\", which is not an http(s) URL "
		         "this check can use.", name, srv.url);
	} else {
		snprintf(uri, nuri, "%s", srv.url);
		rc = 0;
	}
	sagemaker_mlflow_server_free(&srv);
	return rc;
}

/* The check could not start (the managed server cannot be used): the sentence, or with
 * --json the result with failed_step "describe". */
static void print_refusal(const cli_t *cli, const char *arn, const char *why)
{
	if (!cli->json) {
		textsafe_printf(stderr, "nixl-tui mlflow-check: %s\n", why);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNullToObject(o, "tracking_uri");
	json_add_text(o, "tracking_server_arn", arn);
	cJSON_AddNullToObject(o, "node");
	cJSON_AddNullToObject(o, "instance_id");
	cJSON_AddBoolToObject(o, "ok", 0);
	cJSON_AddNullToObject(o, "run_id");
	cJSON_AddNullToObject(o, "experiment_id");
	cJSON_AddStringToObject(o, "failed_step", "describe");
	cJSON_AddStringToObject(o, "reason", why);
	cmd_print_json(o, 1);
	cJSON_Delete(o);
}

int cmd_mlflow_check(cli_t *cli)
{
	const char *node = NULL, *uri_arg = NULL, *timeout = NULL;
	char err[256];
	const cmd_value_t values[] = { { "--node", &node }, { "--tracking-uri", &uri_arg }, { "--timeout", &timeout } };
	if (cmd_take_values(cli, "mlflow-check", values, sizeof values / sizeof values[0])) return 2;
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
	cmd_env_t env;
	if (cmd_env_open(&env, cli, "mlflow-check") < 0) return 1;
	/* the URL: --tracking-uri, the managed server's (mlflowTrackingServerArn), node 1's */
	char uri[256], region[64] = "";
	char *arn = uri_arg ? NULL : configured_arn(cli, &env);
	int rc = 0;
	if (uri_arg) {
		snprintf(uri, sizeof uri, "%s", uri_arg);
	} else if (arn) {
		char why[1000];
		rc = managed_url(&env, arn, region, sizeof region, uri, sizeof uri, why, sizeof why);
		if (rc < 0) print_refusal(cli, arn, why);
	} else if (!ips[0][0]) {
		fprintf(stderr, "nixl-tui mlflow-check: the stack has no Node1PrivateIp output; pass --tracking-uri\n");
		rc = -1;
	} else {
		snprintf(uri, sizeof uri, "http://%s:%d", ips[0], MLFLOW_PORT);
	}
	if (rc < 0) {
		free(arn);
		cmd_env_close(&env);
		return 1;
	}
	char *script = arn ? mlflow_check_script_managed(uri, arn, region) : mlflow_check_script(uri);
	if (!script) {
		free(arn);
		cmd_env_close(&env);
		return 1;
	}
	check_t c = { .json = cli->json, .arn = arn };
	snprintf(c.label, sizeof c.label, "node%zu", first + 1);
	run_check(&c, &env, ids.ids[first], script, timeout ? atoi(timeout) : 120);
	free(script);
	print_result(&c, uri, ids.ids[first]);
	free(arn);
	cmd_env_close(&env);
	return c.res.seen && c.res.ok ? 0 : 1;
}
