#include "setup/runner.h"

#include "efa/exec.h"
#include "setup/mlflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Real files (testable with bash -n, jq); the assembler embeds them and the Makefile
 * makes this object depend on them. */
__asm__(".pushsection .rodata\n"
        ".global nixl_task_runner_sh\n"
        ".hidden nixl_task_runner_sh\n"
        "nixl_task_runner_sh:\n"
        ".incbin \"src/setup/scripts/task_runner.sh\"\n"
        ".byte 0\n"
        ".global nixl_default_tasks_json\n"
        ".hidden nixl_default_tasks_json\n"
        "nixl_default_tasks_json:\n"
        ".incbin \"src/setup/tasks/nixl-node.json\"\n"
        ".byte 0\n"
        ".popsection\n");
extern const char nixl_task_runner_sh[];
extern const char nixl_default_tasks_json[];

const char *setup_runner_text(void) { return nixl_task_runner_sh; }
const char *setup_default_tasks_text(void) { return nixl_default_tasks_json; }

char *setup_script(const char *plan, int reset)
{
	/* The plan is base64 and keyword lines, the runner our own file: neither holds a
	 * line equal to the here-documents' delimiters. */
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	if (!f) return NULL;
	fprintf(f, "d=$(mktemp -d \"${TMPDIR:-/tmp}/nixl-setup.XXXXXX\") || exit 2\n"
	           "trap 'rm -rf \"$d\"' EXIT\n"
	           "trap 'kill -TERM \"$pid\" 2>/dev/null; wait \"$pid\"; exit 143' TERM\n"
	           "cat >\"$d/runner.sh\" <<'NIXL_RUNNER_END'\n%s", setup_runner_text());
	fprintf(f, "NIXL_RUNNER_END\ncat >\"$d/plan\" <<'NIXL_PLAN_END'\n%sNIXL_PLAN_END\n", plan);
	fprintf(f, "bash \"$d/runner.sh\" \"$d/plan\"%s &\npid=$!\nwait \"$pid\"\n", reset ? " --reset" : "");
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int only(const char *s, const char *allowed, size_t min, size_t max)
{
	size_t n = strlen(s);
	return n >= min && n <= max && strspn(s, allowed) == n;
}

char *setup_script_s3(const char *bucket, const char *prefix, const char *region, const setup_nodes_env_t *env,
                      int reset)
{
	const char *const *ids = env->ids, *node1_ip = env->node1_ip, *arn = env->mlflow_arn;
	size_t nids = env->nids;
	if (arn && !only(arn, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/_.-", 20, 256)) return NULL;
	size_t np = strlen(prefix);
	if (!only(bucket, "abcdefghijklmnopqrstuvwxyz0123456789.-", 3, 63) ||
	    !only(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_.-", 2, 200) ||
	    prefix[np - 1] != '/' || prefix[0] == '/' || strstr(prefix, "..") ||
	    !only(region, "abcdefghijklmnopqrstuvwxyz0123456789-", 4, 32) || (*node1_ip && !exec_valid_ipv4(node1_ip)))
		return NULL;
	for (size_t i = 0; i < nids; i++)
		if (!exec_valid_instance_id(ids[i])) return NULL;
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	if (!f) return NULL;
	/* which node this is: the agent names the instance in AWS_SSM_INSTANCE_ID */
	fprintf(f, "case \"${AWS_SSM_INSTANCE_ID:-}\" in\n");
	for (size_t i = 0; i < nids; i++) fprintf(f, "%s) NIXL_NODE_INDEX=%zu ;;\n", ids[i], i + 1);
	fprintf(f, "*) NIXL_NODE_INDEX= ;;\nesac\nNIXL_NODE1_IP=%s\nexport NIXL_NODE_INDEX NIXL_NODE1_IP\n", node1_ip);
	if (arn)
		fprintf(f, "MLFLOW_TRACKING_ARN=%s\nexport MLFLOW_TRACKING_ARN\n", arn);
	else if (*node1_ip)
		fprintf(f, "[ -n \"${MLFLOW_TRACKING_URI:-}\" ] || MLFLOW_TRACKING_URI=http://%s:%d\n"
		           "export MLFLOW_TRACKING_URI\n", node1_ip, MLFLOW_PORT);
	fprintf(f, "d=$(mktemp -d \"${TMPDIR:-/tmp}/nixl-setup.XXXXXX\") || exit 2\n"
	           "trap 'rm -rf \"$d\"' EXIT\n"
	           "trap 'kill -TERM \"$pid\" 2>/dev/null; wait \"$pid\"; exit 143' TERM\n"
	           "if ! command -v aws >/dev/null 2>&1; then\n"
	           "  echo \"nixl-tui setup: this node has no AWS CLI to fetch s3://%s/%s (the Deep Learning AMIs have it)\" >&2\n"
	           "  exit 2\n"
	           "fi\n"
	           "aws s3 cp --only-show-errors --recursive --region %s \"s3://%s/%s\" \"$d/\" || {\n"
	           "  echo \"nixl-tui setup: cannot fetch s3://%s/%s (does the node's role read the bucket?)\" >&2\n"
	           "  exit 2\n"
	           "}\n"
	           "bash \"$d/%s\" \"$d/%s\"%s &\npid=$!\nwait \"$pid\"\n",
	        bucket, prefix, region, bucket, prefix, bucket, prefix, SETUP_RUNNER_KEY, SETUP_PLAN_KEY,
	        reset ? " --reset" : "");
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
