#!/usr/bin/env python3
# needs: moto_server aws
"""CloudFormation's template size limits and TemplateURL in the sandbox, driven with the
AWS CLI (tools/sandbox/awssim/template_source.py names the AWS sources): a TemplateBody
over 51,200 bytes is refused with the request validator's text, a larger template is
taken from an S3 object by its https URL (virtual-hosted and path-style, CreateStack and
CreateChangeSet), an object over 460,800 bytes is refused, and so is a URL that is not an
Amazon S3 one (the sandbox's own endpoint included). Prints TAP."""

import os
import signal
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_sandbox import CLI_ENV, TEMPLATE, Cli, Sandbox, Tap, sandbox_test, wait_settled  # noqa: E402

WATCHDOG = 150
BUCKET = "tsize-templates"


def padded(path, size):
    """The fixture template as exactly `size` bytes of valid JSON (spaces before its last
    brace)."""
    with open(TEMPLATE, "rb") as handle:
        body = handle.read().rstrip()
    assert body.endswith(b"}") and len(body) <= size
    with open(path, "wb") as handle:
        handle.write(body[:-1] + b" " * (size - len(body)) + b"}")
    return path


def put(cli, workdir, key, size):
    path = padded(os.path.join(workdir, key.replace("/", "_")), size)
    return cli.run("s3api", "put-object", "--bucket", BUCKET, "--key", key, "--body", path)[0]


def create(cli, stack, *source):
    return cli.run("cloudformation", "create-stack", "--stack-name", stack,
                   "--capabilities", "CAPABILITY_IAM", *source)


def check_body(t, cli, workdir):
    code, _, err = create(cli, "inline-over", "--template-body",
                          "file://" + padded(os.path.join(workdir, "b1"), 51201))
    t.ok("TemplateBody of 51,201 bytes is refused", code != 0, err)
    t.match("... with the validator's ValidationError text", err,
            r"(?s)ValidationError.*at 'templateBody' failed to satisfy constraint: Member must "
            r"have length less than or equal to 51200")
    t.match("... and no stack was made", cli.error("cloudformation", "describe-stacks",
                                                    "--stack-name", "inline-over"),
            r"does not exist")
    code, _, err = create(cli, "inline-max", "--template-body",
                          "file://" + padded(os.path.join(workdir, "b2"), 51200))
    t.eq("TemplateBody of exactly 51,200 bytes is taken", code, 0)
    code, _, err = cli.run("cloudformation", "create-change-set", "--stack-name", "cs-over",
                           "--change-set-name", "c1", "--change-set-type", "CREATE",
                           "--capabilities", "CAPABILITY_IAM", "--template-body",
                           "file://" + os.path.join(workdir, "b1"))
    t.match("CreateChangeSet has the same inline limit", err, r"less than or equal to 51200")


def check_url(t, cli, workdir):
    t.eq("a bucket for templates", cli.run("s3api", "create-bucket", "--bucket", BUCKET)[0], 0)
    t.eq("a 100,000-byte template is put there", put(cli, workdir, "big/t.json", 100000), 0)
    url = f"https://{BUCKET}.s3.us-east-1.amazonaws.com/big/t.json"
    code, _, err = create(cli, "by-url", "--template-url", url)
    t.eq("CreateStack takes it by its virtual-hosted URL", code, 0)
    t.eq("... and the stack completes", wait_settled(cli, "by-url"), "CREATE_COMPLETE")
    code, _, err = cli.run("cloudformation", "create-change-set", "--stack-name", "cs-url",
                           "--change-set-name", "c1", "--change-set-type", "CREATE",
                           "--capabilities", "CAPABILITY_IAM", "--template-url",
                           f"https://s3.us-east-1.amazonaws.com/{BUCKET}/big/t.json")
    t.ok("CreateChangeSet takes it by its path-style URL", code == 0, err)

    t.eq("a 460,800-byte template is put", put(cli, workdir, "max.json", 460800), 0)
    code, _, err = create(cli, "url-max", "--template-url",
                          f"https://{BUCKET}.s3.amazonaws.com/max.json")
    t.ok("... and 460,800 bytes are taken from S3", code == 0, err)
    t.eq("... and that stack completes too", wait_settled(cli, "url-max"), "CREATE_COMPLETE")
    t.eq("a 460,801-byte template is put", put(cli, workdir, "over.json", 460801), 0)
    code, _, err = create(cli, "url-over", "--template-url",
                          f"https://{BUCKET}.s3.us-east-1.amazonaws.com/over.json")
    t.match("... and refused over 460,800 bytes", err,
            r"ValidationError.*Template may not exceed 460800 bytes in size\.")

    for bad in (f"{cli.endpoint}/{BUCKET}/big/t.json",
                f"http://{BUCKET}.s3.us-east-1.amazonaws.com/big/t.json",
                f"https://example.com/{BUCKET}/big/t.json"):
        t.match(f"TemplateURL {bad} is not an Amazon S3 URL",
                create(cli, "url-bad", "--template-url", bad)[2],
                r"ValidationError.*TemplateURL must be an Amazon S3 URL\.")
    t.match("a missing object is refused",
            create(cli, "url-gone", "--template-url",
                   f"https://{BUCKET}.s3.us-east-1.amazonaws.com/nothing.json")[2],
            r"TemplateURL must reference a valid S3 object")
    names = cli.json("cloudformation", "list-stacks", "--query", "StackSummaries[].StackName")
    t.ok("... and no stack was made by any refusal", names is not None and "by-url" in names
         and not {"url-over", "url-bad", "url-gone"} & set(names), names)


def checks(t, cli, box, workdir, _boxes):
    check_body(t, cli, workdir)
    check_url(t, cli, workdir)
    t.ok("sandbox stops on SIGTERM", box.stop())
    t.eq("sandbox stderr is clean", box.errors(), "")


def main():
    # three stacks of two p5.48xlarge (384 vCPUs each) complete side by side: a P quota
    # that holds them all, so that what is checked here is the template's size alone
    return sandbox_test("template size", WATCHDOG, "tsize-test-",
                        ("a", "--speed", "50", "--vcpu-quota", "P=3072"), checks)

if __name__ == "__main__":
    sys.exit(main())
