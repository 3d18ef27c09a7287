/* The task runner shipped to nodes, and the shell script that starts it with a plan. */
#ifndef NIXL_SETUP_RUNNER_H
#define NIXL_SETUP_RUNNER_H

#include <stddef.h>

/* src/setup/scripts/task_runner.sh, embedded at build time. */
const char *setup_runner_text(void);

/* The task file nixl-tui ships (src/setup/tasks/nixl-node.json): prepares a GPU node of
 * the Deep Learning AMI for NIXL disaggregated inference. */
const char *setup_default_tasks_text(void);

/* A POSIX sh script that writes the runner and the plan to a private temporary
 * directory, runs the plan under bash (reset: forget the record first) and removes the
 * directory. malloc'd; NULL when out of memory. */
char *setup_script(const char *plan, int reset);

/* The files a node fetches from the scripts bucket, under a per-run prefix. */
#define SETUP_RUNNER_KEY "task_runner.sh"
#define SETUP_PLAN_KEY "plan"
#define SETUP_TASKS_KEY "tasks.json"

/* What every node's tasks are told about the stack. */
typedef struct setup_nodes_env {
	const char *const *ids;  /* the stack's node ids, node 1 first */
	size_t nids;
	const char *node1_ip;    /* "" when unknown */
	const char *mlflow_arn;  /* a SageMaker managed MLflow server, or NULL */
} setup_nodes_env_t;

/* A POSIX sh script for a node: fetches the run's prefix from S3 with the AWS CLI of the
 * AMI (`aws s3 cp --recursive`, the node's role reads the bucket) and runs the plan as
 * setup_script() does, with NIXL_NODE_INDEX (1.., from the SSM agent's AWS_SSM_INSTANCE_ID
 * and the stack's node ids), NIXL_NODE1_IP, and MLFLOW_TRACKING_ARN (when given) or
 * MLFLOW_TRACKING_URI (node 1's server on port 5000, unless the node already has one)
 * exported for the tasks. Every name is checked here (they are written into the script);
 * NULL when one is not valid or out of memory. */
char *setup_script_s3(const char *bucket, const char *prefix, const char *region, const setup_nodes_env_t *env,
                      int reset);

#endif
