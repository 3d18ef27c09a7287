# nixl-tui MLflow check, run on a node: sh mlflow_check.sh TRACKING_URI
# Writes a run (a parameter, a metric, a small artifact) through the tracking server's REST
# API, reads it back and compares, as users' "write/read test" does. One line for the
# product at the end:
#   ===NIXL-MLFLOW ok run=<id> experiment=<id>===
#   ===NIXL-MLFLOW failed step=<step> reason=<one line>===
# Python's standard library only: it runs before or without the MLflow client.
if ! command -v python3 >/dev/null 2>&1; then
	echo "===NIXL-MLFLOW failed step=start reason=python3 is not installed on this node==="
	exit 1
fi
exec python3 - "$1" <<'PY'
import json, sys, time, urllib.error, urllib.parse, urllib.request, uuid

uri = sys.argv[1].rstrip("/")
step = "start"


def fail(reason):
    reason = " ".join(str(reason).split())[:300]
    print(f"===NIXL-MLFLOW failed step={step} reason={reason}===", flush=True)
    sys.exit(1)


def call(method, path, body=None, raw=None, query=None):
    url = uri + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            payload = resp.read()
    except urllib.error.HTTPError as err:
        detail = err.read()[:300].decode(errors="replace")
        fail(f"{method} {path} answered HTTP {err.code}: {detail}")
    except (urllib.error.URLError, OSError) as err:
        fail(f"cannot reach {uri}: {getattr(err, 'reason', err)}")
    if raw is not None or method == "GET" and path.startswith("/api/2.0/mlflow-artifacts/"):
        return payload
    try:
        return json.loads(payload or b"{}")
    except ValueError:
        fail(f"{method} {path} did not answer JSON")


token = uuid.uuid4().hex
now = int(time.time() * 1000)
print(f"MLflow check against {uri}", flush=True)
step = "experiment"
name = "nixl-tui-check"
url = uri + "/api/2.0/mlflow/experiments/get-by-name?" + urllib.parse.urlencode({"experiment_name": name})
try:
    with urllib.request.urlopen(url, timeout=30) as resp:
        exp_id = json.loads(resp.read())["experiment"]["experiment_id"]
except urllib.error.HTTPError as err:
    if err.code != 404:
        fail(f"GET experiments/get-by-name answered HTTP {err.code}")
    exp_id = call("POST", "/api/2.0/mlflow/experiments/create", {"name": name})["experiment_id"]
except (urllib.error.URLError, OSError) as err:
    fail(f"cannot reach {uri}: {getattr(err, 'reason', err)}")
except (KeyError, ValueError, TypeError):
    fail("experiments/get-by-name did not answer an experiment")
print(f"experiment {name}: {exp_id}", flush=True)
step = "run"
run = call("POST", "/api/2.0/mlflow/runs/create",
           {"experiment_id": exp_id, "start_time": now, "run_name": "nixl-tui-check-" + token[:8]})
try:
    run_id = run["run"]["info"]["run_id"]
except (KeyError, TypeError):
    fail("runs/create did not answer a run id")
print(f"run {run_id}", flush=True)
step = "log"
call("POST", "/api/2.0/mlflow/runs/log-parameter", {"run_id": run_id, "key": "nixl_check", "value": token})
call("POST", "/api/2.0/mlflow/runs/log-metric",
     {"run_id": run_id, "key": "nixl_check_metric", "value": 42.5, "timestamp": now, "step": 0})
step = "artifact"
artifact = f"{exp_id}/{run_id}/artifacts/nixl-check.txt"
call("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + artifact, raw=token.encode())
step = "finish"
call("POST", "/api/2.0/mlflow/runs/update",
     {"run_id": run_id, "status": "FINISHED", "end_time": int(time.time() * 1000)})
step = "read"
got = call("GET", "/api/2.0/mlflow/runs/get", query={"run_id": run_id})
try:
    data = got["run"]["data"]
    params = {p["key"]: p["value"] for p in data.get("params", [])}
    metrics = {m["key"]: m["value"] for m in data.get("metrics", [])}
except (KeyError, TypeError):
    fail("runs/get did not answer the run's data")
step = "compare"
if params.get("nixl_check") != token:
    fail(f"the parameter read back is {params.get('nixl_check')!r}, not what was written")
if metrics.get("nixl_check_metric") != 42.5:
    fail(f"the metric read back is {metrics.get('nixl_check_metric')!r}, not 42.5")
body = call("GET", "/api/2.0/mlflow-artifacts/artifacts/" + artifact)
if body != token.encode():
    fail("the artifact read back differs from what was written")
print(f"===NIXL-MLFLOW ok run={run_id} experiment={exp_id}===", flush=True)
PY
