#!/usr/bin/env python3
"""A STAND-IN for an MLflow tracking server, for tests only: MLflow cannot be installed on
this machine (no Debian package, no Python registry). It answers exactly the REST calls
that nixl-tui's MLflow check makes (src/setup/scripts/mlflow_check.sh), in the shapes of
MLflow's REST API 2.0 (https://mlflow.org/docs/latest/rest-api.html) and its artifact proxy
(/api/2.0/mlflow-artifacts/artifacts/...), and nothing else.

Usage: mlflow_standin.py [--corrupt metric|param|artifact]   Binds 127.0.0.1 on a free
port, prints "MLFLOW-STANDIN port=N", serves until killed. GET /_standin/calls lists the
calls received. --corrupt makes it read back a wrong value, for the check to catch."""

import argparse
import json
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

    def _json(self):
        try:
            return json.loads(self._body() or b"{}")
        except ValueError:
            return None

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
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
        with LOCK:
            CALLS.append(f"PUT {url.path}")
            if url.path.startswith(prefix):
                ARTIFACTS[url.path[len(prefix):]] = self._body()
                return self._send(200, {})
        self._error(404, "ENDPOINT_NOT_FOUND", f"no {url.path} in this stand-in")

    def do_POST(self):
        url = urlparse(self.path)
        body = self._json()
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
                RUNS[run_id] = {"info": {"run_id": run_id, "experiment_id": exp, "status": "RUNNING",
                                         "artifact_uri": f"mlflow-artifacts:/{exp}/{run_id}/artifacts"},
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
    global CORRUPT
    parser = argparse.ArgumentParser()
    parser.add_argument("--corrupt", choices=("metric", "param", "artifact"))
    CORRUPT = parser.parse_args().corrupt
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"MLFLOW-STANDIN port={server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
