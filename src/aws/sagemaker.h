/* Amazon SageMaker (JSON 1.1, target prefix "SageMaker", signing name "sagemaker",
 * endpoint api.sagemaker.REGION.amazonaws.com): DescribeMlflowTrackingServer, for the
 * managed MLflow server the nodes use (mlflowTrackingServerArn). Builder, parser, free and
 * async wrapper as in ssm.h. */
#ifndef NIXL_AWS_SAGEMAKER_H
#define NIXL_AWS_SAGEMAKER_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "aws/client.h"
#include "aws/shape.h"
#include "aws/error.h"

#define SAGEMAKER_TARGET "SageMaker"

/* DescribeMlflowTrackingServer's reply (SageMaker API Reference): status is
 * TrackingServerStatus (Creating, Created, CreateFailed, Updating, Updated, Stopping,
 * Stopped, Starting, Started, Maintenance*, ...), is_active IsActive (Active | Inactive);
 * every field NULL when absent. */
typedef struct sagemaker_mlflow_server {
	char *arn, *name, *url, *status, *is_active, *artifact_store_uri, *mlflow_version;
} sagemaker_mlflow_server_t;
SHAPE_REPLY_DECL(sagemaker_parse_describe_mlflow_tracking_server, sagemaker_mlflow_server_free,
                 sagemaker_mlflow_server_t, sagemaker_mlflow_server_cb);

/* The server's name and region from its ARN (arn:PARTITION:sagemaker:REGION:ACCOUNT:
 * mlflow-tracking-server/NAME, NAME as the API's pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,255});
 * -1 when it is not one. region/name may be NULL. */
int sagemaker_mlflow_arn_parse(const char *arn, char *region, size_t nregion, char *name,
                               size_t nname);
/* NULL when name is empty. */
cJSON *sagemaker_build_describe_mlflow_tracking_server(const char *name);
/* -1 with err set when the reply is not JSON or has no TrackingServerArn, TrackingServerUrl
 * or TrackingServerStatus. */
/* 1 when the server takes calls: IsActive Active and a status after a create, update,
 * start or maintenance that succeeded (Created, Updated, Started, MaintenanceComplete). */
int sagemaker_mlflow_server_usable(const sagemaker_mlflow_server_t *s);

aws_call_t *sagemaker_describe_mlflow_tracking_server(aws_client_t *c, const char *name,
                                                      sagemaker_mlflow_server_cb cb, void *ud);

#endif
