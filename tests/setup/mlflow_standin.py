#!/usr/bin/env python3
"""A STAND-IN for an MLflow tracking server, for tests only: MLflow cannot be installed on
this machine (no Debian package, no Python registry). It answers exactly the REST calls
that nixl-tui's MLflow check makes (src/setup/scripts/mlflow_check.sh), in the shapes of
MLflow's REST API 2.0 (https://mlflow.org/docs/latest/rest-api.html) and its artifact proxy
(/api/2.0/mlflow-artifacts/artifacts/...), and nothing else.

Usage: mlflow_standin.py [--corrupt metric|param|artifact] [--sigv4 ARN [--deny]]
[--artifact-root s3://BUCKET/PREFIX]   Binds 127.0.0.1 on a free port, prints
"MLFLOW-STANDIN port=N", serves until killed. GET /_standin/calls lists the calls received.
--corrupt makes it read back a wrong value, for the check to catch.

--sigv4 ARN stands in for a SageMaker managed MLflow server: every call must carry a valid
SigV4 signature for service sagemaker-mlflow (checked with botocore's signer) by the
credentials in STANDIN_AWS_ACCESS_KEY_ID, STANDIN_AWS_SECRET_ACCESS_KEY and
STANDIN_AWS_SESSION_TOKEN (the test takes them from the sandbox), and the header
x-mlflow-sm-tracking-server-arn: ARN, signed (what the sagemaker-mlflow client plugin sends,
github.com/aws/sagemaker-mlflow); otherwise 403. --deny answers 403 to valid calls too (a role
without the sagemaker-mlflow grant). --artifact-root gives runs an s3:// artifact_uri, as the
managed server's S3 artifact store does; the check then writes the artifact to S3 itself."""

import argparse
import datetime
import hashlib
import json
import os
import re
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
EXPERIMENTS = {}   # name -> id
RUNS = {}          # run id -> {"info": ..., "params": {}, "metrics": {}}
ARTIFACTS = {}     # path -> bytes
CALLS = []
CORRUPT = None
SIGV4 = None       # {"arn", "deny", "key", "secret", "token"} with --sigv4
ARTIFACT_ROOT = None
_AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                   r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})")


def sigv4_refusal(method, path, headers, body):
    """None when the request is signed as the managed server requires, else why not."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    m = _AUTH.fullmatch(headers.get("Authorization", ""))
    if not m:
        return "missing or malformed SigV4 Authorization header"
    key, date, region, service, signed, sig = m.groups()
    names = signed.split(";")
    if service != "sagemaker-mlflow":
        return f"signed for service {service}, not sagemaker-mlflow"
    if region != SIGV4["arn"].split(":")[3]:
        return f"signed for region {region}, not the server's"
    if key != SIGV4["key"]:
        return "The security token included in the request is invalid (unknown access key)"
    for need in ("host", "x-amz-date", "x-amz-content-sha256", "x-mlflow-sm-tracking-server-arn"):
        if need not in names:
            return f"{need} is not signed"
    if SIGV4["token"] and ("x-amz-security-token" not in names or
                           headers.get("X-Amz-Security-Token") != SIGV4["token"]):
        return "the session token is missing or wrong"
    if headers.get("x-mlflow-sm-tracking-server-arn") != SIGV4["arn"]:
        return "x-mlflow-sm-tracking-server-arn is not this server's ARN"
    if headers.get("X-Amz-Content-SHA256") != hashlib.sha256(body).hexdigest():
        return "X-Amz-Content-SHA256 is not the body's hash"
    stamp = headers.get("X-Amz-Date", "")
    try:
        when = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        return "X-Amz-Date is not a SigV4 timestamp"
    if stamp[:8] != date or abs((datetime.datetime.now(datetime.timezone.utc) - when)
                                .total_seconds()) > 900:
        return "Signature expired or its date is not X-Amz-Date's"
    request = AWSRequest(method=method, url="http://" + headers.get("Host", "") + path,
                         data=body, headers={n: headers.get(n, "") for n in names})
    request.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(SIGV4["key"], SIGV4["secret"], SIGV4["token"]), service,
                       region)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)),
                                request)
    if expected != sig:
        return ("The request signature we calculated does not match the signature you "
                "provided")
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, code, message):
        self._send(status, {"error_code": code, "message": message})

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _refused(self, method, body=b""):
        """True when the call was answered 403 (with --sigv4: unsigned, badly signed, or
        --deny)."""
        if not SIGV4 or self.path.startswith("/_standin/"):
            return False
        why = sigv4_refusal(method, self.path, self.headers, body)
        if why is None and SIGV4["deny"]:
            why = ("User: arn:aws:sts::123456789012:assumed-role/standin/node is not "
                   "authorized to perform: sagemaker-mlflow:* on resource: " + SIGV4["arn"])
        if why is None:
            return False
        with LOCK:
            CALLS.append(f"403 {method} {urlparse(self.path).path}")
        self._send(403, {"message": why})
        return True

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if self._refused("GET"):
            return
        with LOCK:
            CALLS.append(f"GET {url.path}")
            if url.path == "/_standin/calls":
                return self._send(200, CALLS)
            if url.path == "/api/2.0/mlflow/experiments/get-by-name":
                name = q.get("experiment_name")
                if name not in EXPERIMENTS:
                    return self._error(404, "RESOURCE_DOES_NOT_EXIST",
                                       f"Could not find experiment with name '{name}'")
                return self._send(200, {"experiment": {"experiment_id": EXPERIMENTS[name],
                                                       "name": name}})
            if url.path == "/api/2.0/mlflow/runs/get":
                run = RUNS.get(q.get("run_id"))
                if not run:
                    return self._error(404, "RESOURCE_DOES_NOT_EXIST", "Run not found")
                params = dict(run["params"])
                metrics = dict(run["metrics"])
                if CORRUPT == "param":
                    params = {k: v + "x" for k, v in params.items()}
                if CORRUPT == "metric":
                    metrics = {k: v + 1 for k, v in metrics.items()}
                return self._send(200, {"run": {"info": run["info"], "data": {
                    "params": [{"key": k, "value": v} for k, v in params.items()],
                    "metrics": [{"key": k, "value": v, "timestamp": 0, "step": 0}
                                for k, v in metrics.items()]}}})
            prefix = "/api/2.0/mlflow-artifacts/artifacts/"
            if url.path.startswith(prefix):
                data = ARTIFACTS.get(url.path[len(prefix):])
                if data is None:
                    return self._error(404, "RESOURCE_DOES_NOT_EXIST", "No such artifact")
                return self._send(200, data + (b"!" if CORRUPT == "artifact" else b""),
                                  "application/octet-stream")
        self._error(404, "ENDPOINT_NOT_FOUND", f"no {url.path} in this stand-in")

    def do_PUT(self):
        url = urlparse(self.path)
        prefix = "/api/2.0/mlflow-artifacts/artifacts/"
        body = self._body()
        if self._refused("PUT", body):
            return
        with LOCK:
            CALLS.append(f"PUT {url.path}")
            if url.path.startswith(prefix):
                ARTIFACTS[url.path[len(prefix):]] = body
                return self._send(200, {})
        self._error(404, "ENDPOINT_NOT_FOUND", f"no {url.path} in this stand-in")

    def do_POST(self):
        url = urlparse(self.path)
        raw = self._body()
        if self._refused("POST", raw):
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        with LOCK:
            CALLS.append(f"POST {url.path}")
            if body is None:
                return self._error(400, "MALFORMED_REQUEST", "the body is not JSON")
            if url.path == "/api/2.0/mlflow/experiments/create":
                name = body.get("name")
                if not name:
                    return self._error(400, "INVALID_PARAMETER_VALUE", "Missing value for 'name'")
                EXPERIMENTS.setdefault(name, str(len(EXPERIMENTS) + 1))
                return self._send(200, {"experiment_id": EXPERIMENTS[name]})
            if url.path == "/api/2.0/mlflow/runs/create":
                exp = body.get("experiment_id")
                if exp not in EXPERIMENTS.values():
                    return self._error(404, "RESOURCE_DOES_NOT_EXIST", "No experiment")
                run_id = uuid.uuid4().hex
                root = ARTIFACT_ROOT or "mlflow-artifacts:"
                RUNS[run_id] = {"info": {"run_id": run_id, "experiment_id": exp, "status": "RUNNING",
                                         "artifact_uri": f"{root}/{exp}/{run_id}/artifacts"},
                                "params": {}, "metrics": {}}
                return self._send(200, {"run": {"info": RUNS[run_id]["info"], "data": {}}})
            run = RUNS.get(body.get("run_id"))
            if url.path in ("/api/2.0/mlflow/runs/log-parameter", "/api/2.0/mlflow/runs/log-metric",
                            "/api/2.0/mlflow/runs/update") and not run:
                return self._error(404, "RESOURCE_DOES_NOT_EXIST", "Run not found")
            if url.path == "/api/2.0/mlflow/runs/log-parameter":
                run["params"][body["key"]] = str(body["value"])
                return self._send(200, {})
            if url.path == "/api/2.0/mlflow/runs/log-metric":
                run["metrics"][body["key"]] = float(body["value"])
                return self._send(200, {})
            if url.path == "/api/2.0/mlflow/runs/update":
                run["info"]["status"] = body.get("status", "RUNNING")
                return self._send(200, {"run_info": run["info"]})
        self._error(404, "ENDPOINT_NOT_FOUND", f"no {url.path} in this stand-in")


def main():
    global CORRUPT, SIGV4, ARTIFACT_ROOT
    parser = argparse.ArgumentParser()
    parser.add_argument("--corrupt", choices=("metric", "param", "artifact"))
    parser.add_argument("--sigv4", metavar="ARN")
    parser.add_argument("--deny", action="store_true")
    parser.add_argument("--artifact-root")
    args = parser.parse_args()
    CORRUPT = args.corrupt
    ARTIFACT_ROOT = args.artifact_root.rstrip("/") if args.artifact_root else None
    if args.sigv4:
        SIGV4 = {"arn": args.sigv4, "deny": args.deny,
                 "key": os.environ.get("STANDIN_AWS_ACCESS_KEY_ID", ""),
                 "secret": os.environ.get("STANDIN_AWS_SECRET_ACCESS_KEY", ""),
                 "token": os.environ.get("STANDIN_AWS_SESSION_TOKEN") or None}
        if not SIGV4["key"] or not SIGV4["secret"]:
            parser.error("--sigv4 needs STANDIN_AWS_ACCESS_KEY_ID and STANDIN_AWS_SECRET_ACCESS_KEY")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"MLFLOW-STANDIN port={server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
