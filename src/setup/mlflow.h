/* The MLflow check (users' "write/read test"): a node writes a run with a parameter, a
 * metric and a small artifact through the tracking server's REST API, reads it back and
 * compares (src/setup/scripts/mlflow_check.sh). */
#ifndef NIXL_SETUP_MLFLOW_H
#define NIXL_SETUP_MLFLOW_H

#include <stddef.h>

/* MLflow's port on node 1 when the setup starts the server there */
#define MLFLOW_PORT 5000

typedef struct mlflow_result {
	int seen;              /* the script's result line was read */
	int ok;
	char run_id[64], experiment_id[64];
	char step[32];         /* where it failed */
	char reason[320];
} mlflow_result_t;

/* 1 when uri is an http:// or https:// URL of characters safe in a single-quoted shell
 * word (host, port, path), else 0. */
int mlflow_uri_valid(const char *uri);
/* The script for a node (malloc'd), or NULL when the URI is not valid. */
char *mlflow_check_script(const char *uri);
/* The script against a SageMaker managed server: uri its TrackingServerUrl (shown only),
 * arn its ARN, region the ARN's. The calls go to https://REGION.experiments.sagemaker.aws
 * (or the node's SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT), each SigV4-signed for sagemaker-mlflow
 * with the node's credentials and the ARN in x-mlflow-sm-tracking-server-arn, as the
 * sagemaker-mlflow plugin does. NULL when one is not valid. */
char *mlflow_check_script_managed(const char *uri, const char *arn, const char *region);
/* One line of the script's output; fills r when it is the result line. */
void mlflow_check_line(mlflow_result_t *r, const char *line);

#endif
