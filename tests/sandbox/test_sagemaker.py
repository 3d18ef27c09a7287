#!/usr/bin/env python3
# needs: moto_server aws
"""The sandbox's SageMaker DescribeMlflowTrackingServer (tools/sandbox/awssim/sagemaker.py),
driven with the AWS CLI: a registered server in AWS's reply shape, an unknown name answering
ResourceNotFound (HTTP 400) as the API Reference documents, a name outside the documented
pattern refused by the request validation (botocore's model), another region not seeing it,
and the POST /_sandbox/config keys refused when malformed. Prints TAP."""

import json
import os
import sys
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_sandbox import sandbox_test, wait_until  # noqa: E402

WATCHDOG = 120
ARN = "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml-1"


def warm(box):
    try:
        box.control("GET", "state")
        return True
    except (OSError, ValueError):
        return False


def config_error(box, body):
    try:
        box.control("POST", "config", body)
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read()).get("error", "")
    return ""


def checks(t, cli, box, workdir, boxes):
    t.ok("its models load", wait_until(90, lambda: warm(box), bool))
    state = box.control("POST", "config", {"mlflow_tracking_servers": [
        {"name": "ml-1", "url": "http://127.0.0.1:9/m", "artifact_store_uri": "s3://b/p"},
        {"name": "off", "url": "http://127.0.0.1:9/o", "status": "Stopped",
         "is_active": "Inactive"}]})
    t.eq("the state lists the servers", [s["name"] for s in state["mlflow_tracking_servers"]],
         ["ml-1", "off"])
    got = cli.json("sagemaker", "describe-mlflow-tracking-server", "--tracking-server-name", "ml-1")
    t.ok("a registered server: its ARN (with the name), URL, status and activity",
         got and got["TrackingServerArn"] == ARN and got["TrackingServerUrl"] == "http://127.0.0.1:9/m"
         and got["TrackingServerStatus"] == "Created" and got["IsActive"] == "Active"
         and got["ArtifactStoreUri"] == "s3://b/p" and isinstance(got["CreationTime"], (int, float)), got)
    got = cli.json("sagemaker", "describe-mlflow-tracking-server", "--tracking-server-name", "off")
    t.eq("a stopped one says so", (got["TrackingServerStatus"], got["IsActive"]), ("Stopped", "Inactive"))
    err = cli.error("sagemaker", "describe-mlflow-tracking-server", "--tracking-server-name", "nope")
    t.ok("an unknown name: ResourceNotFound naming its ARN",
         "(ResourceNotFound)" in err and "mlflow-tracking-server/nope" in err, err)
    err = cli.error("sagemaker", "describe-mlflow-tracking-server", "--tracking-server-name", "ml-1",
                    "--region", "eu-west-1")
    t.ok("another region does not see it", "(ResourceNotFound)" in err, err)
    err = cli.error("sagemaker", "describe-mlflow-tracking-server", "--tracking-server-name", "bad_name")
    t.ok("a name outside the API's pattern: ValidationException from the request validation",
         "(ValidationException)" in err and "trackingServerName" in err, err)
    for body, want in (({"mlflow_tracking_servers": {}}, "must be a list"),
                       ({"mlflow_tracking_servers": [{"name": "a"}]}, "url"),
                       ({"mlflow_tracking_servers": [{"name": "-a", "url": "http://x"}]}, "name"),
                       ({"mlflow_tracking_servers": [{"name": "a", "url": "http://x",
                                                      "status": "Running"}]}, "status"),
                       ({"mlflow_tracking_servers": [{"name": "a", "url": "http://x", "x": 1}]},
                        "unknown field"),
                       ({"node_credentials": "keys"}, "node_credentials"),
                       ({"mlflow_experiments_endpoint": "ftp://x"}, "mlflow_experiments_endpoint")):
        t.ok(f"config {json.dumps(body)} is refused", want in config_error(box, body),
             config_error(box, body))
    state = box.control("POST", "config", {"mlflow_experiments_endpoint": "http://127.0.0.1:9"})
    t.eq("the experiments endpoint's stand-in is kept", state["mlflow_experiments_endpoint"],
         "http://127.0.0.1:9")
    t.eq("the refused configs changed nothing",
         len(box.control("GET", "state")["mlflow_tracking_servers"]), 2)
    refused = box.control("GET", "state")["validation"]["refused"]
    t.eq("the validation counted the one bad name", refused.get("sagemaker:DescribeMlflowTrackingServer"), 1)


def main():
    return sandbox_test("sagemaker", WATCHDOG, "sandbox-sagemaker-", ("s", "--speed", "30"), checks)


if __name__ == "__main__":
    sys.exit(main())
