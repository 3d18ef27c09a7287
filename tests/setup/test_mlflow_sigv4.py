#!/usr/bin/env python3
"""The MLflow check script's own SigV4 (src/setup/scripts/mlflow_check.sh, Python standard
library only, run on the nodes): checked against cases of the AWS SigV4 test suite
(tests/fixtures/sigv4, the 2015-08-30 edition; parameters in its README), and a request the
script signs for a SageMaker managed MLflow server is verified by botocore's own signer with
the same credentials. No network. TAP."""

import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITE = os.path.join(ROOT, "tests", "fixtures", "sigv4")
# the suite's parameters (tests/fixtures/sigv4/README.md)
CREDS = {"key": "AKIDEXAMPLE", "secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
CASES = ["get-vanilla", "get-vanilla-query", "get-vanilla-query-order-encoded",
         "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "get-unreserved", "get-utf8",
         "get-vanilla-empty-query-key", "post-vanilla", "post-vanilla-query",
         "post-header-key-sort", "post-header-key-case", "post-header-value-case",
         "post-x-www-form-urlencoded", "post-sts-token/post-sts-header-before"]
COUNT = 0
FAILED = 0


def check(desc, ok, detail=""):
    global COUNT, FAILED
    COUNT += 1
    FAILED += 0 if ok else 1
    print(f"{'ok' if ok else 'not ok'} {COUNT} - {desc}")
    if not ok and detail:
        print("#   " + str(detail).replace("\n", "\n#   "))


def script_module():
    """The script's Python part as a module (its main() runs only as __main__)."""
    with open(os.path.join(ROOT, "src", "setup", "scripts", "mlflow_check.sh"), encoding="utf-8") as f:
        text = f.read()
    code = text.split("<<'PY'\n", 1)[1].rsplit("\nPY\n", 1)[0]
    ns = {"__name__": "mlflow_check"}
    exec(compile(code, "mlflow_check.py", "exec"), ns)  # noqa: S102 - the project's own script
    return ns


def read_case(case):
    """(method, url, lower-case headers, body, expected Authorization) of a suite case."""
    base = os.path.join(SUITE, case, case.rsplit("/", 1)[-1])
    with open(base + ".req", "rb") as f:
        raw = f.read().decode("utf-8")
    head, _, body = raw.partition("\n\n")
    lines = head.split("\n")
    method, target = lines[0].split(" ")[0], lines[0].split(" ", 1)[1].rsplit(" ", 1)[0]
    headers = {}
    for line in filter(None, lines[1:]):  # some .req files end with a newline
        name, _, value = line.partition(":")
        name = name.lower()
        headers[name] = headers[name] + "," + value if name in headers else value
    with open(base + ".authz", encoding="utf-8") as f:
        authz = f.read()
    return method, "https://" + headers["host"] + target, headers, body.encode(), authz


def main():
    mod = script_module()
    for case in CASES:
        method, url, headers, body, authz = read_case(case)
        got = mod["authorization"](method, url, headers, body, CREDS, "us-east-1", "service",
                                   headers["x-amz-date"])
        check(f"SigV4 suite {case}: the same Authorization", got == authz, f"got {got}\nnot {authz}")

    # a signed call to a managed server, verified by botocore with the same credentials
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError:
        print(f"ok {COUNT + 1} # skip botocore is not installed")
        print(f"1..{COUNT + 1}")
        return 0
    arn = "arn:aws:sagemaker:us-west-2:111122223333:mlflow-tracking-server/nixl-ml"
    os.environ.pop("SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT", None)
    creds = {"key": "ASIAEXAMPLE", "secret": "s3cr3t/with+chars", "token": "tok/en+=="}
    client = mod["Client"]("https://t-x.us-west-2.experiments.sagemaker.aws", arn, "us-west-2")
    client.creds = creds
    url = client.uri + "/api/2.0/mlflow/runs/get?run_id=a%20b"
    body = b'{"run_id": "r"}'
    signed = client.signed("POST", url, body, "sagemaker-mlflow", {"Content-Type": "application/json"})
    names = signed["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    check("the ARN header, the payload hash and the session token are signed",
          {"x-mlflow-sm-tracking-server-arn", "x-amz-content-sha256", "x-amz-security-token",
           "host"} <= set(names), names)
    check("the ARN header carries the server's ARN", signed["x-mlflow-sm-tracking-server-arn"] == arn)
    check("X-Amz-Content-SHA256 is the body's hash",
          signed["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest())
    check("the calls go to the region's experiments endpoint, as the sagemaker-mlflow plugin's",
          url.startswith("https://us-west-2.experiments.sagemaker.aws/"), url)
    headers = dict(signed, host="us-west-2.experiments.sagemaker.aws")
    request = AWSRequest(method="POST", url=url, data=body,
                         headers={n: headers[n] for n in names})
    request.context["timestamp"] = signed["x-amz-date"]
    signer = SigV4Auth(Credentials(creds["key"], creds["secret"], creds["token"]), "sagemaker-mlflow",
                       "us-west-2")
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)),
                                request)
    check("botocore computes the same signature for service sagemaker-mlflow",
          signed["authorization"].endswith("Signature=" + expected), signed["authorization"])
    scope = f"/{signed['x-amz-date'][:8]}/us-west-2/sagemaker-mlflow/aws4_request"
    check("its scope is the ARN's region and service sagemaker-mlflow", scope in signed["authorization"])
    print(f"1..{COUNT}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
