#!/usr/bin/env python3
# needs: moto_server aws
"""The sandbox's account quotas (tools/sandbox/awssim/quotas.py), driven with the AWS CLI:
AllocateAddress past the Elastic IP quota, RunInstances past a family's vCPU quota (direct
and inside a stack, which rolls back), Service Quotas GetServiceQuota with the knobs'
values and denied, the flags and POST /_sandbox/config keys. Prints TAP."""

import json
import os
import signal
import sys
import tempfile
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_sandbox import (CLI_ENV, TEMPLATE, Cli, Sandbox, Tap, events, sandbox_test,  # noqa: E402
                          reason, stack_status, wait_settled, wait_until)

WATCHDOG = 150
DLAMI = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"
ADDRESS_LIMIT = "The maximum number of addresses has been reached."
EIP_TEMPLATE = json.dumps({"Resources": {
    "IpA": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
    "IpB": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}, "DependsOn": "IpA"}}})


def warm(box):
    """True once the control API answers (it waits for moto's models to load)."""
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


def count_eips(cli):
    return len((cli.json("ec2", "describe-addresses") or {}).get("Addresses", []))


def check_eips(t, cli, box):
    t.eq("the default Elastic IP quota is AWS's 5", box.control("GET", "state")["quotas"][
        "eip_quota"], 5)
    box.control("POST", "config", {"eip_quota": 2})
    ids = [cli.text("ec2", "allocate-address", "--domain", "vpc", "--query", "AllocationId")
           for _ in range(2)]
    t.ok("two addresses fit a quota of 2", all(i.startswith("eipalloc-") for i in ids), ids)
    err = cli.error("ec2", "allocate-address", "--domain", "vpc")
    t.ok("the third: AddressLimitExceeded with AWS's message",
         "AddressLimitExceeded" in err and ADDRESS_LIMIT in err, err)
    t.eq("... and nothing was allocated", count_eips(cli), 2)
    # held outside any stack: a stack's EIP fails when the account is full
    box.control("POST", "config", {"eip_quota": 3})
    code, _, err = cli.run("cloudformation", "create-stack", "--stack-name", "eipstack",
                           "--template-body", EIP_TEMPLATE)
    t.ok("create-stack of two EIPs is accepted", code == 0, err)
    t.eq("the stack rolls back", wait_settled(cli, "eipstack"), "ROLLBACK_COMPLETE")
    evs = events(cli, "eipstack")
    t.eq("the first EIP fits (2 held + 1)", reason(evs, "IpA", "CREATE_COMPLETE"), None)
    t.ok("IpA was created", any(e[0] == "IpA" and e[1] == "CREATE_COMPLETE" for e in evs))
    why = reason(evs, "IpB", "CREATE_FAILED") or ""
    t.ok("the second fails CREATE_FAILED with AWS's text", why.startswith(ADDRESS_LIMIT) and
         "Service: Ec2, Status Code: 400" in why, why)
    t.eq("after the rollback the account holds its 2 addresses again", count_eips(cli), 2)
    for alloc in ids:
        cli.run("ec2", "release-address", "--allocation-id", alloc)


def check_vcpus(t, cli, box):
    ami = cli.text("ssm", "get-parameter", "--query", "Parameter.Value", "--name", DLAMI)
    box.control("POST", "config", {"vcpu_quota": {"P": 100}})
    run = ("ec2", "run-instances", "--image-id", ami, "--instance-type", "p4d.24xlarge")
    first = cli.text(*run, "--query", "Instances[0].InstanceId")
    t.match("one p4d.24xlarge (96 vCPUs) fits a P quota of 100", first, r"^i-")
    err = cli.error(*run)
    t.ok("a second: VcpuLimitExceeded naming the limit",
         "VcpuLimitExceeded" in err and "current vCPU limit of 100 allows" in err, err)
    t.match("a G type is another bucket", cli.text(
        "ec2", "run-instances", "--image-id", ami, "--instance-type", "g5.12xlarge", "--query",
        "Instances[0].InstanceId"), r"^i-")
    # a real reservation (the sandbox refuses a launch into one that does not exist, as
    # AWS does), launched into as its rules want: its type, zone and platform
    made = cli.json("ec2", "create-capacity-reservation", "--instance-type", "p4d.24xlarge",
                    "--instance-platform", "Linux/UNIX", "--availability-zone", "us-east-1a",
                    "--instance-count", "1", "--instance-match-criteria", "targeted") or {}
    rid = made.get("CapacityReservation", {}).get("CapacityReservationId", "")
    t.match("an instance in a capacity reservation needs no more quota", cli.text(
        *run, "--placement", "AvailabilityZone=us-east-1a", "--capacity-reservation-specification",
        f"CapacityReservationTarget={{CapacityReservationId={rid}}}", "--query",
        "Instances[0].InstanceId"), r"^i-")
    cli.run("ec2", "terminate-instances", "--instance-ids", first)
    # in a stack: the fixture's two nodes, 96 vCPUs each, against 100
    code, _, err = cli.run("cloudformation", "create-stack", "--stack-name", "vcpustack",
                           "--template-body", f"file://{TEMPLATE}", "--capabilities",
                           "CAPABILITY_IAM", "--parameters",
                           "ParameterKey=InstanceType,ParameterValue=p4d.24xlarge")
    t.eq("create-stack of two p4d nodes is accepted", code, 0)
    t.eq("the stack rolls back", wait_settled(cli, "vcpustack"), "ROLLBACK_COMPLETE")
    failed = [e for e in events(cli, "vcpustack") if e[1] == "CREATE_FAILED" and e[0] in (
        "Node1", "Node2") and e[2] and e[2].startswith("You have requested more vCPU")]
    t.eq("exactly one node fails with the vCPU limit text", len(failed), 1)
    # AWS counts launched instances only: a stack still waiting on its instance profile
    # holds no vCPUs yet, although moto made its instances at CreateStack (a slow stack
    # here, so that its nodes are minutes away)
    box.control("POST", "config", {"vcpu_quota": {"P": 192}, "speed": 0.5})
    code, _, err = cli.run("cloudformation", "create-stack", "--stack-name", "waitstack",
                           "--template-body", f"file://{TEMPLATE}", "--capabilities",
                           "CAPABILITY_IAM", "--parameters",
                           "ParameterKey=InstanceType,ParameterValue=p4d.24xlarge")
    box.control("POST", "config", {"speed": 30})
    t.eq("a stack of two p4d nodes, still far from launching them", code, 0)
    direct = cli.json(*run, "--count", "2", "--query", "Instances[].InstanceId") or []
    t.eq("two p4d.24xlarge launched meanwhile fit the quota of 192", len(direct), 2)
    t.eq("... the waiting stack's nodes are not counted",
         stack_status(cli, "waitstack"), "CREATE_IN_PROGRESS")
    cli.run("ec2", "terminate-instances", "--instance-ids", *direct)
    cli.run("cloudformation", "delete-stack", "--stack-name", "waitstack")


def check_service_quotas(t, cli, box):
    def quota(code):
        return (cli.json("service-quotas", "get-service-quota", "--service-code", "ec2",
                         "--quota-code", code) or {}).get("Quota", {})
    box.control("POST", "config", {"eip_quota": 20, "vcpu_quota": {"P": 3072}})
    q = quota("L-0263D0A3")
    t.eq("GetServiceQuota L-0263D0A3: the Elastic IP quota",
         (q.get("QuotaName"), q.get("Value")), ("EC2-VPC Elastic IPs", 20.0))
    t.eq("L-417A185B: the P vCPU quota", quota("L-417A185B").get("Value"), 3072.0)
    t.eq("L-DB2E81BA: G and VT", quota("L-DB2E81BA").get("QuotaName"),
         "Running On-Demand G and VT instances")
    t.eq("L-2C3B7624 and L-1945791B: Trn and Inf defaults",
         (quota("L-2C3B7624").get("Value"), quota("L-1945791B").get("Value")), (384.0, 384.0))
    t.ok("an unknown quota code: NoSuchResourceException", "NoSuchResourceException" in
         cli.error("service-quotas", "get-service-quota", "--service-code", "ec2",
                   "--quota-code", "L-00000000"))
    box.control("POST", "config", {"service_quotas_denied": True})
    err = cli.error("service-quotas", "get-service-quota", "--service-code", "ec2",
                    "--quota-code", "L-0263D0A3")
    t.ok("service_quotas_denied: AccessDeniedException", "AccessDeniedException" in err and
         "servicequotas:GetServiceQuota" in err, err)
    box.control("POST", "config", {"service_quotas_denied": False})


def check_config(t, box):
    t.match("an unknown family is refused", config_error(box, {"vcpu_quota": {"X": 1}}),
            r"unknown family 'X'")
    t.match("a negative EIP quota is refused", config_error(box, {"eip_quota": -1}),
            r"eip_quota must be")
    t.match("a non-number vCPU quota is refused", config_error(box, {"vcpu_quota": {"P": "9"}}),
            r"vcpu_quota\[P\]")


def checks(t, cli, box, workdir, boxes):
    # the control API waits for moto's models to load (seconds on a loaded machine)
    t.ok("its models load", wait_until(90, lambda: warm(box), bool))
    check_config(t, box)
    check_eips(t, cli, box)
    check_vcpus(t, cli, box)
    check_service_quotas(t, cli, box)
    flags = Sandbox(workdir, "f", "--eip-quota", "7", "--vcpu-quota", "P=8",
                    "--vcpu-quota", "Inf=16")
    bad = Sandbox(workdir, "bad", "--vcpu-quota", "Z=3")
    boxes += [flags, bad]
    t.ok("the flags' sandbox starts", flags.wait_ready(), flags.errors())
    wait_until(90, lambda: warm(flags), bool)
    q = flags.control("GET", "state")["quotas"]
    t.eq("--eip-quota and repeated --vcpu-quota set the quotas",
         (q["eip_quota"], q["vcpu_quota"]), (7, {"P": 8, "G": 384, "Trn": 384,
                                                  "Inf": 16}))
    deadline = time.time() + 30
    while bad.proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    t.ok("--vcpu-quota Z=3 is refused at start",
         bad.proc.poll() == 2 and "FAMILY=N" in bad.errors(), bad.errors())
    t.eq("sandbox stderr is clean", box.errors() + flags.errors(), "")


def main():
    return sandbox_test("quota", WATCHDOG, "sandbox-quota-", ("q", "--speed", "30"), checks)

if __name__ == "__main__":
    sys.exit(main())
