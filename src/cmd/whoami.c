/* nixl-tui whoami: the caller identity, region and endpoint in use. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"
#include "aws/endpoints.h"
#include "aws/sts.h"
#include "base/jsonobj.h"
#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"

static void on_identity(void *ud, const aws_error_t *err, sts_identity_t *res)
{
	cmd_call_take(ud, err, res, sizeof *res); /* keep it */
}

int cmd_whoami(cli_t *cli)
{
	if (cli->nargs) {
		fprintf(stderr, "nixl-tui whoami: unexpected argument \"%s\"\n", cli->args[0]);
		return 2;
	}
	cmd_env_t env;
	if (cmd_env_open(&env, cli, "whoami") < 0) return 1;
	sts_identity_t id = {0};
	cmd_call_t call = { .out = &id };
	sts_get_caller_identity(env.aws, on_identity, &call);
	if (aws_client_wait(env.aws, &call.done, 120000) < 0 && !call.done) {
		aws_error_set(&call.err, AWS_ERR_TRANSPORT, "Timeout", "no answer from STS within 120 s");
		call.failed = 1;
	}
	int rc = 0;
	const char *endpoint = aws_client_endpoint(env.aws, "sts");
	if (call.failed) {
		cmd_print_error("whoami", &call.err);
		rc = 1;
	} else if (cli->json) {
		cJSON *o = cJSON_CreateObject();
		json_add_text(o, "account", id.account);
		json_add_text(o, "arn", id.arn);
		json_add_text(o, "userId", id.user_id);
		cJSON_AddStringToObject(o, "region", aws_client_region(env.aws));
		json_add_text(o, "endpoint", endpoint);
		cJSON_AddStringToObject(o, "credentials", aws_client_creds_source(env.aws));
		cmd_print_json(o, 0);
		cJSON_Delete(o);
	} else {
		textsafe_printf(stdout, "account      %s\narn          %s\nuser id      %s\nregion       %s\n"
		       "endpoint     %s%s\ncredentials  %s\n",
		       id.account ? id.account : "", id.arn ? id.arn : "",
		       id.user_id ? id.user_id : "", aws_client_region(env.aws), endpoint ? endpoint : "",
		       aws_endpoint_is_loopback(endpoint) ? " (local)" : "", aws_client_creds_source(env.aws));
	}
	sts_identity_free(&id);
	cmd_env_close(&env);
	return rc;
}
