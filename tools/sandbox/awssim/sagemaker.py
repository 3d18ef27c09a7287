"""SageMaker's DescribeMlflowTrackingServer (JSON 1.1, X-Amz-Target
SageMaker.DescribeMlflowTrackingServer, signing name sagemaker), for the managed MLflow
servers a test registers (POST /_sandbox/config mlflow_tracking_servers). moto 5 has no
SageMaker MLflow at all, so every other MLflow operation is moto's "not implemented".

Source: Amazon SageMaker API Reference, "DescribeMlflowTrackingServer"
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeMlflowTrackingServer.html):
request {"TrackingServerName"} (1-256, [a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}, checked by
validate.py against botocore's model); reply TrackingServerArn, TrackingServerName,
ArtifactStoreUri, TrackingServerSize, MlflowVersion, RoleArn, TrackingServerStatus
(Creating | Created | CreateFailed | Updating | Updated | UpdateFailed | Deleting |
DeleteFailed | Stopping | Stopped | StopFailed | Starting | Started | StartFailed |
MaintenanceInProgress | MaintenanceComplete | MaintenanceFailed), IsActive (Active |
Inactive), TrackingServerUrl, WeeklyMaintenanceWindowStart, CreationTime (epoch seconds);
error ResourceNotFound, "Resource being access is not found.", HTTP 400. AWS's runtime
message is not documented; the one here names the ARN, as SageMaker's MLflow messages do
("Tracking Server with ARN arn:...:mlflow-tracking-server/NAME is currently in status
UPDATING", github.com/aws/amazon-sagemaker-feedback/issues/104)."""

import re
import time

from .wire import ApiError, json_ok

# TrackingServerStatus and IsTrackingServerActive in the API Reference (see above)
STATUSES = ("Creating", "Created", "CreateFailed", "Updating", "Updated", "UpdateFailed",
            "Deleting", "DeleteFailed", "Stopping", "Stopped", "StopFailed", "Starting",
            "Started", "StartFailed", "MaintenanceInProgress", "MaintenanceComplete",
            "MaintenanceFailed")
ACTIVE = ("Active", "Inactive")
NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
FIELDS = {"name", "region", "url", "status", "is_active", "artifact_store_uri"}
# The sagemaker-mlflow client plugin sends a tracking server's MLflow API calls to
# https://REGION.experiments.sagemaker.aws, or to SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT when set
# (github.com/aws/sagemaker-mlflow, sagemaker_mlflow/mlflow_sagemaker_helpers.py): the
# sandbox's stand-in for that endpoint (POST /_sandbox/config mlflow_experiments_endpoint)
# reaches the nodes' commands through that variable.
NODE_ENDPOINT_VAR = "SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT"


class SageMaker:
    def __init__(self, moto):
        self.moto = moto
        self.servers = []  # as configured, each with "created" (epoch seconds)
        self.experiments_endpoint = ""  # "" none: the nodes would reach AWS's

    def node_env(self):
        """What a node command's environment gets (the experiments endpoint's stand-in)."""
        return {NODE_ENDPOINT_VAR: self.experiments_endpoint} if self.experiments_endpoint else {}

    def validate(self, changes):
        """mlflow_tracking_servers: [{name, url, region?, status?, is_active?,
        artifact_store_uri?}] (the whole list; [] removes them); ValueError when bad."""
        endpoint = changes.get("mlflow_experiments_endpoint", "")
        if not isinstance(endpoint, str) or endpoint and not re.match(r"https?://[^\s]+$", endpoint):
            raise ValueError("mlflow_experiments_endpoint must be an http(s) URL (\"\" for none)")
        if "mlflow_tracking_servers" not in changes:
            return
        servers = changes["mlflow_tracking_servers"]
        if not isinstance(servers, list) or not all(isinstance(s, dict) for s in servers):
            raise ValueError("mlflow_tracking_servers must be a list of objects")
        for server in servers:
            unknown = set(server) - FIELDS
            if unknown:
                raise ValueError(f"mlflow_tracking_servers: unknown field(s) "
                                 f"{', '.join(sorted(unknown))}")
            if not isinstance(server.get("name"), str) or not NAME.fullmatch(server["name"]):
                raise ValueError("mlflow_tracking_servers: each needs a name matching "
                                 "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}")
            if not isinstance(server.get("url"), str) or not re.match(r"https?://",
                                                                     server["url"]):
                raise ValueError("mlflow_tracking_servers: each needs an http(s) url")
            if server.get("status", "Created") not in STATUSES:
                raise ValueError(f"mlflow_tracking_servers: status must be one of "
                                 f"{', '.join(STATUSES)}")
            if server.get("is_active", "Active") not in ACTIVE:
                raise ValueError("mlflow_tracking_servers: is_active must be Active or "
                                 "Inactive")
            if not REGION.fullmatch(str(server.get("region", "us-east-1"))):
                raise ValueError("mlflow_tracking_servers: region must be a region name")

    def apply(self, changes):
        self.experiments_endpoint = changes.get("mlflow_experiments_endpoint",
                                                self.experiments_endpoint)
        if "mlflow_tracking_servers" in changes:
            now = int(time.time())
            self.servers = [dict(s, created=now) for s in changes["mlflow_tracking_servers"]]

    def summary(self):
        return [{k: v for k, v in s.items() if k != "created"} for s in self.servers]

    def describe_mlflow_tracking_server(self, req, _now):
        name = req.body_json().get("TrackingServerName", "")
        account = self.moto.account_for(req.access_key)
        arn = f"arn:aws:sagemaker:{req.region}:{account}:mlflow-tracking-server/{name}"
        for server in self.servers:
            if server["name"] == name and server.get("region", "us-east-1") == req.region:
                break
        else:
            raise ApiError(400, "ResourceNotFound",
                           f"Tracking Server with ARN {arn} does not exist.")
        return json_ok({
            "TrackingServerArn": arn,
            "TrackingServerName": name,
            "ArtifactStoreUri": server.get("artifact_store_uri",
                                           f"s3://sagemaker-{req.region}-{account}/mlflow"),
            "TrackingServerSize": "Small",
            "MlflowVersion": "2.16.2",
            "RoleArn": f"arn:aws:iam::{account}:role/service-role/"
                       "AmazonSageMaker-ExecutionRole-sandbox",
            "TrackingServerStatus": server.get("status", "Created"),
            "IsActive": server.get("is_active", "Active"),
            "TrackingServerUrl": server["url"],
            "WeeklyMaintenanceWindowStart": "Tue:03:30",
            "AutomaticModelRegistration": False,
            "CreationTime": server["created"],
            "LastModifiedTime": server["created"],
        })
