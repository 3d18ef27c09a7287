# nixl-tui MLflow check, run on a node: sh mlflow_check.sh TRACKING_URI [SERVER_ARN REGION]
# Writes a run (a parameter, a metric, a small artifact) through the tracking server's REST
# API, reads it back and compares, as users' "write/read test" does. One line for the
# product at the end:
#   ===NIXL-MLFLOW ok run=<id> experiment=<id>===
#   ===NIXL-MLFLOW failed step=<step> reason=<one line>===
# With SERVER_ARN and REGION (a SageMaker managed MLflow server, TRACKING_URI its
# TrackingServerUrl, only shown) the calls go where the sagemaker-mlflow client plugin sends
# them and are signed as it signs them (github.com/aws/sagemaker-mlflow,
# sagemaker_mlflow/mlflow_sagemaker_helpers.py, auth.py and
# mlflow_sagemaker_request_header_provider.py): to https://REGION.experiments.sagemaker.aws
# (partitions aws and aws-us-gov), or SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT when set, SigV4 for
# service "sagemaker-mlflow", an X-Amz-Content-SHA256 header, and the server's ARN in
# x-mlflow-sm-tracking-server-arn, which routes the call to the server. The
# credentials are the environment's, else the instance role's from IMDSv2
# (AWS_EC2_METADATA_SERVICE_ENDPOINT, default http://169.254.169.254). The managed server's
# runs keep their artifacts in S3 (artifact_uri s3://...): the artifact goes there, signed
# for service s3 (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL when set, as botocore honours them).
# Python's standard library only: it runs before or without the MLflow client.
if ! command -v python3 >/dev/null 2>&1; then
	echo "===NIXL-MLFLOW failed step=start reason=python3 is not installed on this node==="
	exit 1
fi
exec python3 - "$@" <<'PY'
import datetime, hashlib, hmac, json, os, sys, time, urllib.error, urllib.parse, urllib.request, uuid

step = "start"
GRANT = "the node's role is not allowed: check the stack's sagemaker-mlflow grant"


def fail(reason):
    reason = " ".join(str(reason).split())[:300]
    print(f"===NIXL-MLFLOW failed step={step} reason={reason}===", flush=True)
    sys.exit(1)


# ---- SigV4 (AWS General Reference, "Create a signed AWS API request"; the rules of
# src/aws/sigv4.c, checked against the AWS SigV4 test suite in tests/fixtures/sigv4)

def _quote(text, safe="-_.~"):
    return urllib.parse.quote(text, safe=safe)


def canonical_request(method, url, headers, payload_hash, service):
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    # S3 signs the path as sent; the other services sign its encoding once more
    path = _quote(urllib.parse.unquote(path), "/~-_.") if service == "s3" else _quote(path, "/~-_.")
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(f"{k}={v}" for k, v in sorted((_quote(k), _quote(v)) for k, v in pairs))
    names = sorted(headers)
    lines = "".join(f"{n}:{' '.join(str(headers[n]).split())}\n" for n in names)
    return "\n".join([method, path, query, lines, ";".join(names), payload_hash]), ";".join(names)


def authorization(method, url, headers, body, creds, region, service, amz_date):
    """The Authorization value for a request whose headers (lower-case names, host and
    x-amz-date included) are all signed."""
    payload_hash = hashlib.sha256(body or b"").hexdigest()
    creq, signed = canonical_request(method, url, headers, payload_hash, service)
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + creds["secret"]).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={creds['key']}/{scope}, SignedHeaders={signed}, Signature={sig}"


def imds_credentials():
    """The instance role's credentials from IMDSv2 (EC2 User Guide, "Retrieve security
    credentials from instance metadata")."""
    if os.environ.get("AWS_EC2_METADATA_DISABLED", "").lower() == "true":
        fail("no AWS credentials: none in the environment and the instance metadata service is disabled")
    base = os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://169.254.169.254").rstrip("/")
    try:
        req = urllib.request.Request(base + "/latest/api/token", method="PUT",
                                     headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            token = resp.read().decode()
        hdr = {"X-aws-ec2-metadata-token": token}
        path = base + "/latest/meta-data/iam/security-credentials/"
        with urllib.request.urlopen(urllib.request.Request(path, headers=hdr), timeout=5) as resp:
            role = resp.read().decode().split()[0]
        with urllib.request.urlopen(urllib.request.Request(path + role, headers=hdr), timeout=5) as resp:
            doc = json.loads(resp.read())
        return {"key": doc["AccessKeyId"], "secret": doc["SecretAccessKey"], "token": doc.get("Token")}
    except urllib.error.HTTPError as err:
        fail(f"the instance metadata service answered HTTP {err.code}: does the instance have a role (instance profile)?")
    except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as err:
        fail(f"no AWS credentials: none in the environment and the instance metadata service at {base} "
             f"did not give the role's: {getattr(err, 'reason', err)}")


def credentials():
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return {"key": key, "secret": secret, "token": os.environ.get("AWS_SESSION_TOKEN")}
    return imds_credentials()


def experiments_endpoint(arn, region):
    """Where the plugin sends a tracking server's MLflow API calls."""
    custom = os.environ.get("SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT", "")
    if custom:
        return custom
    if arn.split(":")[1] not in ("aws", "aws-us-gov"):
        fail(f"SageMaker managed MLflow has no endpoint known here for {arn}")
    return f"https://{region}.experiments.sagemaker.aws"


class Client:
    def __init__(self, uri, arn=None, region=None):
        self.shown, self.arn, self.region, self.creds = uri.rstrip("/"), arn, region, None
        self.uri = experiments_endpoint(arn, region).rstrip("/") if arn else self.shown

    def signed(self, method, url, body, service, extra=None):
        """The headers of a signed request (none for a plain server)."""
        headers = dict(extra or {})
        if not self.arn:
            return headers
        if self.creds is None:
            self.creds = credentials()
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        sign = {k.lower(): v for k, v in headers.items()}
        sign["host"] = urllib.parse.urlsplit(url).netloc
        sign["x-amz-date"] = amz_date
        sign["x-amz-content-sha256"] = hashlib.sha256(body or b"").hexdigest()
        if service == "sagemaker-mlflow":
            sign["x-mlflow-sm-tracking-server-arn"] = self.arn
        if self.creds.get("token"):
            sign["x-amz-security-token"] = self.creds["token"]
        sign["authorization"] = authorization(method, url, {k: v for k, v in sign.items()},
                                              body, self.creds, self.region, service, amz_date)
        sign.pop("host")
        return sign

    def send(self, method, url, body=None, service="sagemaker-mlflow", ctype=None):
        """(status, payload); HTTP errors answered, unreachable servers fail the check."""
        headers = self.signed(method, url, body, service, {"Content-Type": ctype} if ctype else None)
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()[:300]
        except (urllib.error.URLError, OSError) as err:
            parts = urllib.parse.urlsplit(url)
            fail(f"cannot reach {parts.scheme}://{parts.netloc}: {getattr(err, 'reason', err)}")

    def call(self, method, path, body=None, raw=None, query=None):
        url = self.uri + path + ("?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote) if query else "")
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        status, payload = self.send(method, url, data, ctype="application/json" if body is not None else None)
        if status == 403 and self.arn:
            fail(f"{method} {path} answered HTTP 403: {GRANT} ({payload.decode(errors='replace')})")
        if status >= 300:
            fail(f"{method} {path} answered HTTP {status}: {payload.decode(errors='replace')}")
        if raw is not None or method == "GET" and path.startswith("/api/2.0/mlflow-artifacts/"):
            return payload
        try:
            data = json.loads(payload or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            fail(f"{method} {path} did not answer a JSON object")
        return data


def s3_url(artifact_uri, name, region):
    """The URL of an object under an s3:// artifact location."""
    parts = urllib.parse.urlsplit(artifact_uri)
    key = "/".join(p for p in (parts.path.strip("/"), name) if p)
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:  # path-style, as botocore addresses a custom endpoint
        return f"{endpoint.rstrip('/')}/{parts.netloc}/{_quote(key, '/~-_.')}"
    return f"https://{parts.netloc}.s3.{region}.amazonaws.com/{_quote(key, '/~-_.')}"


def main():
    global step
    if len(sys.argv) not in (2, 4):
        fail("usage: mlflow_check.sh TRACKING_URI [SERVER_ARN REGION]")
    client = Client(*sys.argv[1:])
    token = uuid.uuid4().hex
    now = int(time.time() * 1000)
    if client.arn:
        print(f"MLflow check of SageMaker {client.arn} ({client.shown}) through {client.uri}", flush=True)
    else:
        print(f"MLflow check against {client.uri}", flush=True)
    if client.arn:
        step = "credentials"
        client.creds = credentials()
    step = "experiment"
    name = "nixl-tui-check"
    url = client.uri + "/api/2.0/mlflow/experiments/get-by-name?" + urllib.parse.urlencode({"experiment_name": name})
    status, payload = client.send("GET", url)
    if status == 200:
        try:
            exp_id = json.loads(payload)["experiment"]["experiment_id"]
        except (KeyError, ValueError, TypeError):
            fail("experiments/get-by-name did not answer an experiment")
    elif status == 403 and client.arn:
        fail(f"GET experiments/get-by-name answered HTTP 403: {GRANT} ({payload.decode(errors='replace')})")
    elif status != 404:
        fail(f"GET experiments/get-by-name answered HTTP {status}")
    else:
        exp_id = client.call("POST", "/api/2.0/mlflow/experiments/create", {"name": name}).get("experiment_id")
        if not exp_id:
            fail("experiments/create did not answer an experiment id")
    print(f"experiment {name}: {exp_id}", flush=True)
    step = "run"
    run = client.call("POST", "/api/2.0/mlflow/runs/create",
                      {"experiment_id": exp_id, "start_time": now, "run_name": "nixl-tui-check-" + token[:8]})
    try:
        run_id = run["run"]["info"]["run_id"]
        artifact_uri = str(run["run"]["info"].get("artifact_uri") or "")
    except (KeyError, TypeError, AttributeError):
        fail("runs/create did not answer a run id")
    print(f"run {run_id}", flush=True)
    step = "log"
    client.call("POST", "/api/2.0/mlflow/runs/log-parameter", {"run_id": run_id, "key": "nixl_check", "value": token})
    client.call("POST", "/api/2.0/mlflow/runs/log-metric",
                {"run_id": run_id, "key": "nixl_check_metric", "value": 42.5, "timestamp": now, "step": 0})
    step = "artifact"
    if client.arn and artifact_uri.startswith("s3://"):
        where = s3_url(artifact_uri, "nixl-check.txt", client.region)
        status, payload = client.send("PUT", where, token.encode(), service="s3", ctype="text/plain")
        if status != 200:
            fail(f"PUT {artifact_uri}/nixl-check.txt answered HTTP {status}"
                 + (": the node's role may not write the artifact bucket (the stack's mlflowArtifactBucketArn grant)" if status == 403 else ""))
        read_artifact = lambda: client.send("GET", where, service="s3")
    elif client.arn and artifact_uri and not artifact_uri.startswith("mlflow-artifacts:"):
        fail(f"the run's artifact location {artifact_uri[:120]} is neither s3:// nor the server's artifact proxy")
    else:
        artifact = f"{exp_id}/{run_id}/artifacts/nixl-check.txt"
        client.call("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + artifact, raw=token.encode())
        read_artifact = lambda: (200, client.call("GET", "/api/2.0/mlflow-artifacts/artifacts/" + artifact))
    step = "finish"
    client.call("POST", "/api/2.0/mlflow/runs/update",
                {"run_id": run_id, "status": "FINISHED", "end_time": int(time.time() * 1000)})
    step = "read"
    got = client.call("GET", "/api/2.0/mlflow/runs/get", query={"run_id": run_id})
    try:
        data = got["run"]["data"]
        params = {p["key"]: p["value"] for p in data.get("params", [])}
        metrics = {m["key"]: m["value"] for m in data.get("metrics", [])}
    except (KeyError, TypeError, AttributeError):
        fail("runs/get did not answer the run's data")
    step = "compare"
    if params.get("nixl_check") != token:
        fail(f"the parameter read back is {params.get('nixl_check')!r}, not what was written")
    if metrics.get("nixl_check_metric") != 42.5:
        fail(f"the metric read back is {metrics.get('nixl_check_metric')!r}, not 42.5")
    status, body = read_artifact()
    if status != 200:
        fail(f"reading the artifact back answered HTTP {status}")
    if body != token.encode():
        fail(f"the artifact read back ({len(body)} bytes) differs from what was written ({len(token)} bytes)")
    print(f"===NIXL-MLFLOW ok run={run_id} experiment={exp_id}===", flush=True)


if __name__ == "__main__":
    main()
PY
