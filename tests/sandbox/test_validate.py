#!/usr/bin/env python3
# needs: moto_server aws
"""The sandbox refuses what AWS would refuse (tools/sandbox/awssim/validate.py): requests are
checked against botocore's model of their operation and refused in the protocol's own
error shape. Driven through the AWS CLI (in-process, as test_sandbox.py does) and raw
SigV4-signed requests for what the CLI will not send; the decoder and validator are also
checked in-process. Prints TAP; a watchdog bounds the run."""

import json
import os
import re
import signal
import sys
import tempfile
import urllib.error
import urllib.request
from xml.etree import ElementTree

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "sandbox"))

from test_sandbox import CLI_ENV, Cli, Sandbox, Tap, sandbox_test  # noqa: E402 - after the path set-up
from awssim.validate import Validator, _tree  # noqa: E402
from awssim.wire import ApiError, Request  # noqa: E402

WATCHDOG = 120


def signed(endpoint, service, body, target=None):
    """(status, body text) of a SigV4-signed POST, as an SDK would send it."""
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    if target:
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
    req = AWSRequest("POST", endpoint + "/", data=body.encode(), headers=headers)
    SigV4Auth(Credentials(CLI_ENV["AWS_ACCESS_KEY_ID"], CLI_ENV["AWS_SECRET_ACCESS_KEY"]),
              service, "us-east-1").add_auth(req)
    raw = urllib.request.Request(endpoint + "/", data=body.encode(), method="POST",
                                 headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(raw, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def xml_code(text, path):
    try:
        node = ElementTree.fromstring(text).find(path)
    except ElementTree.ParseError:
        return None
    return None if node is None else node.text


def local(service, body, target=None):
    """The validator's verdict on one request, without a server: 'OK' or (code, message)."""
    headers = {"Authorization": f"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/"
                                f"{service}/aws4_request, SignedHeaders=host, Signature=0"}
    if target:
        headers["X-Amz-Target"] = target
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        VALIDATOR.check(Request("POST", "/", headers, body.encode()))
        return "OK"
    except ApiError as err:
        return err.code, err.message


VALIDATOR = Validator()


def check_units(t):
    t.eq("Query keys become a tree", _tree({"Filter.1.Name": "a", "Filter.1.Value.1": "b"}),
         {"Filter": {"1": {"Name": {None: "a"}, "Value": {"1": {None: "b"}}}}})
    t.eq("EC2 lists are flattened under the locationName (Filter.N.Value.M)",
         local("ec2", "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag:a&"
                      "Filter.1.Value.1=b&InstanceId.1=i-0123456789abcdef0&MaxResults=10"), "OK")
    t.eq("EC2 booleans are true/false",
         local("ec2", "Action=DescribeInstances&Version=2016-11-15&DryRun=yes")[0],
         "InvalidParameterValue")
    t.eq("Query lists are Name.member.N and maps/structures inside them are checked",
         local("cloudformation", "Action=CreateStack&Version=2010-05-15&StackName=a-1&"
                                 "TemplateBody=x&Parameters.member.1.ParameterKey=K&"
                                 "Parameters.member.1.ParameterValue=V&"
                                 "Capabilities.member.1=CAPABILITY_IAM&Tags=")  # empty list
         , "OK")
    t.eq("a Query list written EC2-style (no .member.) is an unknown parameter",
         local("cloudformation", "Action=CreateStack&Version=2010-05-15&StackName=a&"
                                 "TemplateBody=x&Capabilities.1=CAPABILITY_IAM")[0],
         "ValidationError")
    got = local("sts", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::"
                       "123456789012:role/r&RoleSessionName=ok&SerialNumber=arn:aws:iam::"
                       "123456789012:mfa/me&TokenCode=98765")
    t.match("a credential's bad value is named, never repeated (TokenCode)",
            got[1] if got != "OK" else "", r"^1 validation error detected: Value at "
            r"'tokenCode' failed to satisfy constraint: Member must have length greater")
    t.ok("... the value is nowhere in the message", got != "OK" and "98765" not in got[1])
    t.eq("a 129-character stack name is too long for CreateStack",
         local("cloudformation", "Action=CreateStack&Version=2010-05-15&StackName=" +
               "a" * 129 + "&TemplateBody=x")[0], "ValidationError")
    t.eq("a stack ARN is a stack name for DescribeStacks",
         local("cloudformation", "Action=DescribeStacks&Version=2010-05-15&StackName="
                                 "arn:aws:cloudformation:us-east-1:123456789012:stack/a/b"), "OK")
    t.eq("JSON: a map of lists (SendCommand Parameters) and a valid instance id",
         local("ssm", json.dumps({"DocumentName": "AWS-RunShellScript",
                                  "InstanceIds": ["i-0123456789abcdef0"],
                                  "Parameters": {"commands": ["true"]}}), "AmazonSSM.SendCommand"),
         "OK")
    t.eq("JSON: a string where an integer belongs is a SerializationException",
         local("ssm", '{"MaxResults": "10"}', "AmazonSSM.DescribeInstanceInformation")[0],
         "SerializationException")
    t.eq("JSON: a misspelt member is refused, not silently ignored",
         local("ssm", '{"MaxResultz": 5}', "AmazonSSM.DescribeInstanceInformation")[0],
         "ValidationException")
    t.eq("... in CloudWatch Logs' own code for refused parameters",
         local("logs", '{"logGroupName": "g", "limt": 5}', "Logs_20140328.DescribeLogStreams")[0],
         "InvalidParameterException")
    t.eq("a service botocore does not know is not checked",
         local("nosuchservice", "Action=Anything"), "OK")


def check_refusals(t, cli, box):
    ep = box.endpoint
    status, body = signed(ep, "ec2", "Action=DescribeInstances&Version=2016-11-15&Bogus=1")
    t.eq("EC2 unknown parameter: 400", status, 400)
    t.eq("... UnknownParameter in <Response><Errors>", xml_code(body, "./Errors/Error/Code"),
         "UnknownParameter")
    t.match("... naming the parameter", xml_code(body, "./Errors/Error/Message") or "",
            r"^The parameter Bogus is not recognized$")
    status, body = signed(ep, "ec2", "Action=TerminateInstances&Version=2016-11-15")
    t.eq("EC2 missing required member: MissingParameter",
         (status, xml_code(body, "./Errors/Error/Code")), (400, "MissingParameter"))
    t.match("... naming it", xml_code(body, "./Errors/Error/Message") or "",
            r"^The request must contain the parameter InstanceId$")
    status, body = signed(ep, "ec2", "Action=LaunchRockets&Version=2016-11-15")
    t.eq("EC2 unknown action: InvalidAction", (status, xml_code(body, "./Errors/Error/Code")),
         (400, "InvalidAction"))
    err = cli.error("ec2", "describe-instance-type-offerings", "--location-type", "planet")
    t.match("EC2 bad enum through the CLI: InvalidParameterValue", err,
            r"\(InvalidParameterValue\).*Value \(planet\) for parameter LocationType is "
            r"invalid")
    t.eq("an instance type botocore's enum does not list yet is left to EC2 to judge",
         local("ec2", "Action=DescribeInstanceTypes&Version=2016-11-15&"
                      "InstanceType.1=p9.96xlarge"), "OK")
    err = cli.error("ec2", "describe-instance-types", "--max-results", "1000")
    t.match("EC2 out-of-range MaxResults through the CLI", err,
            r"\(InvalidParameterValue\).*MaxResults.*less than or equal to 100")

    err = cli.error("cloudformation", "create-stack", "--stack-name", "9lives",
                    "--template-body", "{}")
    t.match("CloudFormation bad pattern through the CLI: ValidationError with AWS's words", err,
            r"\(ValidationError\).*1 validation error detected: Value '9lives' at 'stackName' "
            r"failed to satisfy constraint: Member must satisfy regular expression pattern: "
            r"\[a-zA-Z\]\[-a-zA-Z0-9\]\*$")
    err = cli.error("cloudformation", "create-stack", "--stack-name", "a" * 129,
                    "--template-body", "{}")
    t.match("CloudFormation too-long stack name through the CLI", err,
            r"\(ValidationError\).*Member must have length less than or equal to 128")
    status, body = signed(ep, "cloudformation",
                          "Action=DescribeStacks&Version=2010-05-15&StackNam=x")
    t.eq("CloudFormation unknown member: ValidationError in <ErrorResponse>",
         (status, xml_code(body, "{*}Error/{*}Code")), (400, "ValidationError"))
    status, body = signed(ep, "cloudformation", "Action=CreateStack&Version=2010-05-15&"
                                                "TemplateBody=%7B%7D")
    t.match("CloudFormation missing StackName: Member must not be null",
            xml_code(body, "{*}Error/{*}Message") or "",
            r"^1 validation error detected: Value null at 'stackName' failed to satisfy "
            r"constraint: Member must not be null$")
    status, body = signed(ep, "cloudformation", "Action=ExplodeStack&Version=2010-05-15")
    t.eq("CloudFormation unknown action: InvalidAction",
         (status, xml_code(body, "{*}Error/{*}Code")), (400, "InvalidAction"))

    err = cli.error("ssm", "describe-instance-information", "--max-results", "51")
    t.match("SSM out-of-range MaxResults through the CLI: ValidationException", err,
            r"\(ValidationException\).*1 validation error detected: Value '51' at 'maxResults' "
            r"failed to satisfy constraint: Member must have value less than or equal to 50")
    err = cli.error("ssm", "send-command", "--document-name", "AWS-RunShellScript",
                    "--instance-ids", "not-an-instance", "--parameters", "commands=true")
    t.match("SSM bad instance id pattern through the CLI", err,
            r"\(ValidationException\).*at 'instanceIds\.1\.member' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern")
    status, body = signed(ep, "ssm", "{}", target="AmazonSSM.ExplodeEverything")
    t.eq("JSON unknown operation: UnknownOperationException",
         (status, json.loads(body).get("__type")), (400, "UnknownOperationException"))
    status, body = signed(ep, "ssm", '{"CommandId": "x"}', target="AmazonSSM.ListCommands")
    t.eq("JSON constraint failure shape: 400 {__type: ValidationException, message}",
         (status, json.loads(body).get("__type")), (400, "ValidationException"))


def unsigned(endpoint, method, path, body=b"", headers=None):
    """(status, body text) of an unsigned call (SSO portal, SSO-OIDC, web identity)."""
    raw = urllib.request.Request(endpoint + path, data=body or None, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(raw, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def check_unsigned(t, box):
    ep = box.endpoint
    status, body = unsigned(ep, "POST", "/token", json.dumps(
        {"grantType": "refresh_token", "clientId": "c", "refreshToken": "r"}).encode(),
        {"Content-Type": "application/json"})
    t.eq("SSO-OIDC CreateToken without clientSecret: 400 invalid_request",
         (status, json.loads(body).get("error")), (400, "invalid_request"))
    t.match("... naming the member", json.loads(body).get("error_description", ""),
            r"Value null at 'clientSecret' failed to satisfy constraint: Member must not be "
            r"null")
    status, body = unsigned(ep, "GET", "/federation/credentials?account_id=123456789012&"
                                       "role_name=Admin", headers={
                                           "x-amz-sso_bearer_token": "not-registered"})
    t.eq("a complete GetRoleCredentials passes validation (and the token is unknown: 401)",
         status, 401)
    status, body = unsigned(ep, "GET", "/federation/credentials?role_name=Admin", headers={
        "x-amz-sso_bearer_token": "t"})
    t.eq("GetRoleCredentials without account_id: 400 InvalidRequestException", status, 400)
    status, body = unsigned(ep, "POST", "/", b"Action=AssumeRoleWithWebIdentity&"
                            b"Version=2011-06-15&RoleSessionName=s&WebIdentityToken=tok",
                            {"Content-Type": "application/x-www-form-urlencoded"})
    t.eq("AssumeRoleWithWebIdentity without RoleArn: ValidationError",
         (status, xml_code(body, "{*}Error/{*}Code")), (400, "ValidationError"))


def check_valid_calls(t, cli, box):
    box.control("POST", "config", {"validation_reset": True})
    calls = [("ec2", "describe-instances", "--filters", "Name=tag:a,Values=b"),
             ("ec2", "describe-availability-zones"),
             ("ec2", "describe-instance-types", "--instance-types", "p5.48xlarge"),
             ("ec2", "describe-capacity-reservations"),
             ("cloudformation", "list-stacks", "--stack-status-filter", "CREATE_COMPLETE"),
             ("ssm", "describe-instance-information", "--max-results", "50"),
             ("sts", "get-caller-identity")]
    for call in calls:
        code, _, err = cli.run(*call)
        t.eq(f"valid CLI call passes: aws {' '.join(call[:2])}", (code, err.strip()), (0, ""))
    state = box.control("GET", "state")["validation"]
    t.eq("... none refused, all counted as checked", (state["refused"], state["checked"]),
         ({}, len(calls)))


def check_counters_and_switch(t, cli, box):
    box.control("POST", "config", {"validation_reset": True})
    cli.error("ssm", "describe-instance-information", "--max-results", "51")
    cli.error("ssm", "describe-instance-information", "--max-results", "52")
    state = box.control("GET", "state")["validation"]
    t.eq("/_sandbox/state counts refusals per operation",
         state["refused"], {"ssm:DescribeInstanceInformation": 2})
    t.match("... and keeps the last refusal's code", state["last"][-1]["code"],
            r"^ValidationException$")
    box.control("POST", "config", {"validate": False})
    status, body = signed(box.endpoint, "ec2", "Action=DescribeInstances&Version=2016-11-15&"
                                               "Bogus=1")
    t.eq("validate: false lets moto answer what AWS would refuse (for debugging)", status, 200)
    box.control("POST", "config", {"validate": True})
    status, _ = signed(box.endpoint, "ec2", "Action=DescribeInstances&Version=2016-11-15&"
                                            "Bogus=1")
    t.eq("validate: true refuses it again", status, 400)


def checks(t, cli, box, workdir, boxes):
    check_valid_calls(t, cli, box)
    check_refusals(t, cli, box)
    check_unsigned(t, box)
    check_counters_and_switch(t, cli, box)
    off = Sandbox(workdir, "off", "--no-validate")
    boxes.append(off)
    if t.ok("a sandbox starts with --no-validate", off.wait_ready(), off.errors()):
        status, _ = signed(off.endpoint, "ec2", "Action=DescribeInstances&"
                                                "Version=2016-11-15&Bogus=1")
        t.eq("... and accepts an unknown parameter", status, 200)
        t.eq("... and says validation is off in its state",
             off.control("GET", "state")["validation"]["enabled"], False)
    t.ok("each refusal is on the sandbox's stderr",
         re.search(r"(?m)^sandbox: refused ec2:DescribeInstances: UnknownParameter",
                   box.errors()), box.errors()[-2000:])
    t.ok("sandboxes stop on SIGTERM", box.stop() and off.stop())


def main():
    return sandbox_test("validation", WATCHDOG, "validate-test-", ("v",), checks, first=check_units)

if __name__ == "__main__":
    sys.exit(main())
