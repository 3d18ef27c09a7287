#!/usr/bin/env python3
# needs: moto_server aws
"""DescribeStacks without a name pages as AWS does (issue 14 item 15, the console's stack
picker reads it): 100 stacks a page by default, so five stacks come in one answer with no
NextToken; with stacks_page_size 2 (POST /_sandbox/config) five stacks take three pages,
newest first, each stack once; a token it did not hand out is refused; a stack asked for
by name is never paged. Prints TAP; every wait has a deadline and a watchdog bounds it.

Sources: CloudFormation API Reference, DescribeStacks (NextToken: "A string that
identifies the next page of stacks that you want to retrieve"); the 100-stack pages tools
that list every stack met (rebuy-de/aws-nuke pull request 241)."""

import json
import os
import sys

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_sandbox import sandbox_test, wait_until  # noqa: E402

WATCHDOG = 120  # seconds for the whole file
NAMES = [f"paging-stack-{k}" for k in range(1, 6)]


def raw(cli, *args):
    """One DescribeStacks call, no CLI paging: (parsed reply or None, stderr)."""
    code, out, err = cli.run("cloudformation", "describe-stacks", *args, "--no-paginate",
                             "--output", "json")
    return (json.loads(out) if code == 0 and out.strip() else None), err.strip()


def describe(cli, **params):
    """One DescribeStacks call through botocore (NextToken as AWS takes it): (reply, error)."""
    client = botocore.session.get_session().create_client(
        "cloudformation", region_name="us-east-1", endpoint_url=cli.endpoint,
        config=Config(retries={"max_attempts": 1}))
    try:
        return client.describe_stacks(**params), None
    except ClientError as exc:
        return None, f'{exc.response["Error"]["Code"]}: {exc.response["Error"]["Message"]}'


def checks(t, cli, box, workdir, _boxes):
    tiny = os.path.join(workdir, "tiny.json")
    with open(tiny, "w") as handle:
        json.dump({"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}},
                  handle)
    for name in NAMES:
        cli.run("cloudformation", "create-stack", "--stack-name", name, "--template-body",
                "file://" + tiny)
    done = wait_until(60, lambda: cli.json("cloudformation", "describe-stacks") or {},
                      lambda r: sum(s["StackStatus"] == "CREATE_COMPLETE" for s in r.get("Stacks", []))
                      == len(NAMES))
    t.eq("five stacks created", len(done.get("Stacks", [])), len(NAMES))

    page, err = raw(cli)
    t.ok("AWS's page of 100: five stacks in one answer, no NextToken",
         page is not None and len(page["Stacks"]) == 5 and "NextToken" not in page, err, page)

    box.control("POST", "config", {"stacks_page_size": 2})
    seen, token, pages = [], None, 0
    while pages < 10:
        page, err = describe(cli, **({"NextToken": token} if token else {}))
        if page is None:
            t.ok("a page", False, err)
            break
        pages += 1
        seen += [s["StackName"] for s in page["Stacks"]]
        token = page.get("NextToken")
        if not token:
            break
    t.eq("two a page: three pages", pages, 3)
    t.eq("every stack once, newest first", seen, list(reversed(NAMES)))

    _, err = describe(cli, NextToken="bm90LWEtdG9rZW4=")
    t.eq("a token it did not hand out: ValidationError Invalid NextToken", err,
         "ValidationError: Invalid NextToken")

    page, err = raw(cli, "--stack-name", NAMES[0])
    t.ok("by name: that stack, never a NextToken",
         page is not None and [s["StackName"] for s in page["Stacks"]] == [NAMES[0]]
         and "NextToken" not in page, err, page)
    t.ok("stacks_page_size out of range is refused",
         _refused(box, {"stacks_page_size": 0}) and _refused(box, {"stacks_page_size": 101}))


def _refused(box, body):
    try:
        box.control("POST", "config", body)
    except Exception:  # urllib's HTTPError: the sandbox answered 400
        return True
    return False


def main():
    return sandbox_test("stacks paging", WATCHDOG, "stacks-paging-test-", ("stacks-paging", "--speed", "20"),
                        checks)


if __name__ == "__main__":
    sys.exit(main())
