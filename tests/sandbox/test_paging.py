#!/usr/bin/env python3
# needs: moto_server aws
"""The sandbox pages and cuts as AWS documents it (issue 13, items 6 and 10), driven with
the AWS CLI against it on 127.0.0.1: twelve managed nodes, so DescribeInstanceInformation's
default page of 10 leaves two for the next page; MaxResults outside the model's range is a
ValidationException; NextToken round trips and a foreign or forged token is refused;
GetCommandInvocation keeps 24,000 characters of stdout and 8,000 of stderr.
Prints TAP; every wait has a deadline and a watchdog bounds the whole run.

Sources: SSM API Reference, DescribeInstanceInformation (MaxResults 5-50, "The default
value is 10 items."), ListCommands / ListCommandInvocations (MaxResults 1-50), common error
InvalidNextToken ("The specified token isn't valid."), GetCommandInvocation
(StandardOutputContent "The first 24,000 characters", StandardErrorContent "The first
8,000 characters")."""

import json
import os
import re
import signal
import sys
import tempfile
import time

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_sandbox import (CLI_ENV, TEMPLATE, Cli, Sandbox, Tap, sandbox_test, send,  # noqa: E402
                          wait_invocation, wait_settled, wait_until)

NODES = 12
WATCHDOG = 150  # seconds for the whole file


def twelve_node_template(workdir):
    """The two-node fixture with Node1 copied to Node1..Node12."""
    with open(TEMPLATE) as handle:
        template = json.load(handle)
    node = template["Resources"].pop("Node1")
    template["Resources"].pop("Node2")
    for k in range(1, NODES + 1):
        copy = json.loads(json.dumps(node))
        copy["Properties"]["Tags"] = [{"Key": "Name",
                                       "Value": {"Fn::Sub": f"${{AWS::StackName}}-node{k}"}}]
        template["Resources"][f"Node{k}"] = copy
    template.pop("Outputs", None)
    path = os.path.join(workdir, "twelve.json")
    with open(path, "w") as handle:
        json.dump(template, handle)
    return path


def raw(cli, *args):
    """One call, no CLI paging: (parsed reply or None, stderr)."""
    code, out, err = cli.run(*args, "--no-paginate", "--output", "json")
    return (json.loads(out) if code == 0 and out.strip() else None), err.strip()


def unvalidated(cli, service, operation, **params):
    """(code, message) of one call the CLI would refuse itself (it checks minimums, not
    maximums): botocore with its own validation off, so the sandbox is what answers."""
    client = botocore.session.get_session().create_client(
        service, region_name="us-east-1", endpoint_url=cli.endpoint,
        config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    try:
        getattr(client, operation)(**params)
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["Error"]["Message"]
    return None, None


def online(cli):
    reply = cli.json("ssm", "describe-instance-information", "--filters",
                     "Key=PingStatus,Values=Online") or {}
    return reply.get("InstanceInformationList", [])


def check_instance_information(t, cli):
    page, _ = raw(cli, "ssm", "describe-instance-information")
    rows = (page or {}).get("InstanceInformationList", [])
    t.eq("DescribeInstanceInformation: 10 items by default, and a NextToken",
         (len(rows), bool((page or {}).get("NextToken"))), (10, True))
    rest, _ = raw(cli, "ssm", "describe-instance-information", "--next-token",
                  (page or {}).get("NextToken", ""))
    more = (rest or {}).get("InstanceInformationList", [])
    t.eq("... the token gives the other 2, and no token after them",
         (len(more), (rest or {}).get("NextToken")), (2, None))
    t.eq("... 12 different nodes over the two pages",
         len({r["InstanceId"] for r in rows + more}), NODES)

    seen, token, sizes = [], None, []
    for _ in range(5):
        args = ["ssm", "describe-instance-information", "--max-results", "5"]
        reply, _ = raw(cli, *args, *(["--next-token", token] if token else []))
        items = (reply or {}).get("InstanceInformationList", [])
        sizes.append(len(items))
        seen += [r["InstanceId"] for r in items]
        token = (reply or {}).get("NextToken")
        if not token:
            break
    t.eq("MaxResults 5: pages of 5, 5, 2 covering the 12 nodes once",
         (sizes, len(set(seen)), len(seen)), ([5, 5, 2], NODES, NODES))

    for bad, words in ((4, "greater than or equal to 5"), (51, "less than or equal to 50")):
        code, message = unvalidated(cli, "ssm", "describe_instance_information",
                                    MaxResults=bad)
        t.eq(f"MaxResults {bad} is a ValidationException", (code, message),
             ("ValidationException", f"1 validation error detected: Value '{bad}' at "
              f"'maxResults' failed to satisfy constraint: Member must have value {words}"))
    _, err = raw(cli, "ssm", "describe-instance-information", "--next-token", "not-a-token")
    t.match("a forged NextToken is InvalidNextToken", err,
            r"InvalidNextToken.*The specified token isn't valid\.")
    _, err = raw(cli, "ssm", "list-commands", "--next-token", (page or {}).get("NextToken", "x"))
    t.match("a DescribeInstanceInformation token given to ListCommands is InvalidNextToken",
            err, r"InvalidNextToken")

    every = cli.json("ssm", "describe-instance-information", "--page-size", "5") or {}
    t.eq("the CLI's paginator (--page-size 5) follows the tokens to all 12",
         len(every.get("InstanceInformationList", [])), NODES)
    first = cli.json("ssm", "describe-instance-information", "--max-items", "7") or {}
    t.eq("--max-items 7: 7 items and a token to go on",
         (len(first.get("InstanceInformationList", [])), bool(first.get("NextToken"))),
         (7, True))
    second = cli.json("ssm", "describe-instance-information", "--starting-token",
                      first.get("NextToken", "")) or {}
    t.eq("--starting-token: the other 5, none twice",
         len({r["InstanceId"] for r in first.get("InstanceInformationList", []) +
              second.get("InstanceInformationList", [])}), NODES)
    return sorted({r["InstanceId"] for r in rows + more})


def check_commands(t, cli, nodes):
    cid = send(cli, nodes, {"commands": [
        "head -c 30000 /dev/zero | tr '\\0' o", "head -c 9000 /dev/zero | tr '\\0' e >&2"]})
    t.ok("SendCommand to the 12 nodes", cid)
    done = [wait_invocation(cli, cid, n, 40) for n in nodes]
    t.eq("... all 12 succeed", [d.get("Status") for d in done], ["Success"] * NODES)
    if not done:
        return
    t.eq("GetCommandInvocation keeps the first 24,000 characters of stdout, 8,000 of stderr, "
         "without a mark",
         (len(done[0].get("StandardOutputContent", "")),
          len(done[0].get("StandardErrorContent", "")),
          set(done[0].get("StandardOutputContent", "")),
          set(done[0].get("StandardErrorContent", ""))),
         (24000, 8000, {"o"}, {"e"}))

    page, _ = raw(cli, "ssm", "list-command-invocations", "--command-id", cid,
                  "--max-results", "5")
    t.eq("ListCommandInvocations MaxResults 5: 5 and a token",
         (len((page or {}).get("CommandInvocations", [])), bool((page or {}).get("NextToken"))),
         (5, True))
    every = cli.json("ssm", "list-command-invocations", "--command-id", cid,
                     "--page-size", "5") or {}
    t.eq("... the paginator reaches all 12 invocations",
         len({i["InstanceId"] for i in every.get("CommandInvocations", [])}), NODES)
    for bad, words in ((0, "greater than or equal to 1"), (51, "less than or equal to 50")):
        code, message = unvalidated(cli, "ssm", "list_command_invocations", CommandId=cid,
                                    MaxResults=bad)
        t.match(f"ListCommandInvocations MaxResults {bad} is a ValidationException",
                f"{code}: {message}", rf"^ValidationException: .*Member must have value {words}$")
    cid2 = send(cli, nodes[:1], {"commands": ["true"]})
    wait_invocation(cli, cid2, nodes[0])
    page, _ = raw(cli, "ssm", "list-commands", "--max-results", "1")
    token = (page or {}).get("NextToken")
    rest, _ = raw(cli, "ssm", "list-commands", "--max-results", "1", "--next-token", token or "")
    t.eq("ListCommands MaxResults 1: the newest, then with the token the one before",
         ([c["CommandId"] for c in (page or {}).get("Commands", [])],
          [c["CommandId"] for c in (rest or {}).get("Commands", [])]), ([cid2], [cid]))
    for op in ("describe-capacity-reservations", "describe-capacity-block-offerings"):
        extra = ["--instance-type", "p5.48xlarge", "--instance-count", "1",
                 "--capacity-duration-hours", "24"] if "block" in op else []
        _, err = raw(cli, "ec2", op, *extra, "--next-token", "forged")
        t.match(f"EC2 {op} refuses a token it did not give", err,
                r"InvalidParameterValue.*Value \(forged\) for parameter NextToken is invalid")
    _, err = raw(cli, "cloudformation", "list-stack-resources", "--stack-name", "twelve",
                 "--next-token", "forged")
    t.match("ListStackResources refuses a token it did not give", err,
            r"ValidationError.*Invalid NextToken")


def check_log_streams(t, cli):
    """DescribeLogStreams: 50 a page by default (limit 1-50), a forged token refused."""
    logs = botocore.session.get_session().create_client(
        "logs", region_name="us-east-1", endpoint_url=cli.endpoint)
    logs.create_log_group(logGroupName="/aws/ssm/paging")
    for k in range(60):
        logs.create_log_stream(logGroupName="/aws/ssm/paging", logStreamName=f"c/i-{k:02d}/x")
    page, _ = raw(cli, "logs", "describe-log-streams", "--log-group-name", "/aws/ssm/paging")
    token = (page or {}).get("nextToken")
    t.eq("DescribeLogStreams: 50 streams a page by default, and a token",
         (len((page or {}).get("logStreams", [])), bool(token)), (50, True))
    rest, _ = raw(cli, "logs", "describe-log-streams", "--log-group-name", "/aws/ssm/paging",
                  "--next-token", token or "")
    t.eq("... the token gives the other 10",
         (len((rest or {}).get("logStreams", [])), (rest or {}).get("nextToken")), (10, None))
    _, err = raw(cli, "logs", "describe-log-streams", "--log-group-name", "/aws/ssm/paging",
                 "--next-token", "forged")
    t.match("... a forged token is InvalidParameterException", err,
            r"InvalidParameterException.*The specified nextToken is invalid\.")
    code, message = unvalidated(cli, "logs", "describe_log_streams",
                                logGroupName="/aws/ssm/paging", limit=51)
    t.match("... limit 51 is refused", f"{code}: {message}",
            r"^InvalidParameterException: .*'limit'.*less than or equal to 50")


def checks(t, cli, box, workdir, _boxes):
    code, _, err = cli.run("cloudformation", "create-stack", "--stack-name", "twelve",
                           "--template-body", f"file://{twelve_node_template(workdir)}",
                           "--capabilities", "CAPABILITY_IAM",
                           "--parameters", "ParameterKey=InstanceType,"
                           "ParameterValue=g5.12xlarge")
    t.eq("a stack of 12 instances is accepted", (code, err), (0, ""))
    t.eq("... and created", wait_settled(cli, "twelve", 90), "CREATE_COMPLETE")
    t.eq("all 12 SSM agents come Online (the CLI follows the tokens)",
         len(wait_until(60, lambda: online(cli), lambda r: len(r) == NODES)), NODES)
    nodes = check_instance_information(t, cli)
    check_commands(t, cli, nodes)
    check_log_streams(t, cli)
    t.ok("sandbox stops on SIGTERM", box.stop())
    # but for the five requests refused on purpose (MaxResults/limit out of range),
    # which the sandbox reports on stderr as it does every request AWS would refuse
    t.eq("sandbox stderr is clean", re.sub(
        r"(?m)^sandbox: refused (ssm:DescribeInstanceInformation|ssm:ListCommandInvocations|"
        r"logs:DescribeLogStreams): .*'(maxResults|limit)' failed to satisfy constraint.*\n",
        "", box.errors()), "")


def main():
    # twelve nodes hold twelve Elastic IPs and more vCPUs than the sandbox's default
    # quotas allow (test_quotas.py): raised as a user would
    return sandbox_test("paging", WATCHDOG, "paging-test-",
                        ("paging", "--speed", "20", "--eip-quota", "20", "--vcpu-quota", "G=3072",
                         "--vcpu-quota", "P=3072"), checks)

if __name__ == "__main__":
    sys.exit(main())
