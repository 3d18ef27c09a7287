#!/usr/bin/env python3
# needs: moto_server aws
"""The sandbox's capacity reservation launch rules (issue 13 items 3 and 4), driven with the
AWS CLI: DescribeCapacityReservations' fields, CreateCapacityReservation, and each launch
RunInstances refuses as AWS does (tools/sandbox/awssim/launchrules.py names the sources).
Run as `python3 tests/sandbox/test_capacity_rules.py`; prints TAP."""

import os
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_sandbox as ts  # noqa: E402 - the Tap, Sandbox and Cli helpers

WATCHDOG = 150


def reservations(cli, **filters):
    args = ["ec2", "describe-capacity-reservations"]
    if filters:
        args += ["--filters"] + [f"Name={k.replace('_', '-')},Values={v}"
                                 for k, v in filters.items()]
    return (cli.json(*args) or {}).get("CapacityReservations", [])


def image(cli):
    images = (cli.json("ec2", "describe-images", "--owners", "amazon") or {}).get("Images", [])
    linux = [i["ImageId"] for i in images if i.get("Platform") != "windows"
             and i.get("Architecture") == "x86_64"]
    return linux[0] if linux else None


def launch(cli, ami, itype, rid, *extra):
    args = ["ec2", "run-instances", "--image-id", ami, "--instance-type", itype,
            "--count", "1", "--query", "Instances[0].InstanceId", "--output", "text"]
    if rid:
        args += ["--capacity-reservation-specification",
                 f"CapacityReservationTarget={{CapacityReservationId={rid}}}"]
    return cli.run(*args, *extra)


def check_fields(t, cli):
    rows = reservations(cli)
    t.ok("describe: every reservation has ReservationType, InstancePlatform, Tenancy, State, "
         "StartDate", rows and all(all(k in r for k in ("ReservationType", "InstancePlatform",
                                                         "Tenancy", "State", "StartDate"))
                                   for r in rows), rows)
    states = {r["State"] for r in rows}
    t.ok("describe: states active, expired and scheduled are all seen",
         {"active", "expired", "scheduled"} <= states, states)
    blocks = [r for r in rows if r["ReservationType"] == "capacity-block"]
    t.ok("describe: capacity blocks have an EndDate", blocks and all("EndDate" in r for r in blocks))


def check_odcr_group(t, cli, ami, account):
    code, _, err = cli.run("ec2", "create-placement-group", "--group-name", "cpg-odcr",
                           "--strategy", "cluster")
    t.eq("a cluster placement group is created", code, 0)
    err = cli.error("ec2", "create-capacity-reservation", "--instance-type", "g5.12xlarge",
                    "--instance-platform", "Linux/UNIX", "--availability-zone", "us-east-1a",
                    "--instance-count", "1", "--placement-group-arn",
                    f"arn:aws:ec2:us-east-1:{account}:placement-group/no-such-group")
    t.ok("an ODCR in a placement group that does not exist is refused",
         "InvalidPlacementGroup.Unknown" in err, err)
    arn = f"arn:aws:ec2:us-east-1:{account}:placement-group/cpg-odcr"
    made = cli.json("ec2", "create-capacity-reservation", "--instance-type", "g5.12xlarge",
                    "--instance-platform", "Linux/UNIX", "--availability-zone", "us-east-1a",
                    "--instance-count", "2", "--placement-group-arn", arn,
                    "--instance-match-criteria", "targeted") or {}
    res = made.get("CapacityReservation", {})
    rid = res.get("CapacityReservationId", "")
    t.match("create-capacity-reservation returns an ODCR id", rid, r"^cr-0[0-9a-f]{16}$")
    got = (cli.json("ec2", "describe-capacity-reservations", "--capacity-reservation-ids", rid)
         or {}).get("CapacityReservations", [{}])[0]
    t.eq("the ODCR is active, default type, with its PlacementGroupArn",
         (got.get("State"), got.get("ReservationType"), got.get("PlacementGroupArn"),
          got.get("AvailableInstanceCount")), ("active", "default", arn, 2))
    code, _, err = launch(cli, ami, "g5.12xlarge", rid, "--placement",
                          "AvailabilityZone=us-east-1a")
    t.ok("a launch into the ODCR outside its placement group fails with "
         "InsufficientInstanceCapacity", code != 0 and "InsufficientInstanceCapacity" in err, err)
    code, _, err = launch(cli, ami, "g5.12xlarge", rid, "--placement",
                          "AvailabilityZone=us-east-1a,GroupName=cpg-odcr")
    t.ok("a launch into the ODCR in its placement group succeeds", code == 0, err)
    code, _, err = launch(cli, ami, "g5.12xlarge", rid, "--placement",
                          "AvailabilityZone=us-east-1a,GroupName=cpg-odcr",
                          "--instance-market-options", "MarketType=capacity-block")
    t.ok("MarketType capacity-block on an ODCR is refused (InvalidParameterCombination)",
         code != 0 and "InvalidParameterCombination" in err, err)
    code, _, err = launch(cli, ami, "p5.48xlarge", rid, "--placement",
                          "AvailabilityZone=us-east-1a,GroupName=cpg-odcr")
    t.ok("another instance type than the ODCR's is refused (InvalidParameterValue)",
         code != 0 and "InvalidParameterValue" in err and "instance type" in err, err)
    code, _, _ = launch(cli, ami, "g5.12xlarge", rid, "--placement",
                        "AvailabilityZone=us-east-1a,GroupName=cpg-odcr")
    t.eq("the second instance takes the last one available", code, 0)
    code, _, err = launch(cli, ami, "g5.12xlarge", rid, "--placement",
                          "AvailabilityZone=us-east-1a,GroupName=cpg-odcr")
    t.ok("a launch into the full ODCR fails with ReservationCapacityExceeded",
         code != 0 and "ReservationCapacityExceeded" in err, err)


def check_blocks(t, cli, ami):
    active = [r for r in reservations(cli, reservation_type="capacity-block", state="active")
              if r["AvailableInstanceCount"] >= 1]
    if not t.ok("an active capacity block is seeded", active):
        return
    block = active[0]
    rid, itype, zone = (block["CapacityReservationId"], block["InstanceType"],
                        block["AvailabilityZone"])
    cli.run("ec2", "create-placement-group", "--group-name", "cpg-block", "--strategy",
            "cluster")
    market = ["--instance-market-options", "MarketType=capacity-block"]
    code, _, err = launch(cli, ami, itype, rid, "--placement",
                          f"AvailabilityZone={zone},GroupName=cpg-block", *market)
    t.ok("a capacity block launched into a placement group fails with "
         "InsufficientInstanceCapacity", code != 0 and "InsufficientInstanceCapacity" in err, err)
    code, _, err = launch(cli, ami, itype, rid, "--placement", f"AvailabilityZone={zone}")
    t.ok("a capacity block launched without MarketType capacity-block is refused",
         code != 0 and "InvalidParameterCombination" in err, err)
    code, _, err = launch(cli, ami, itype, rid, "--placement", f"AvailabilityZone={zone}",
                          *market)
    t.ok("a capacity block launched with MarketType capacity-block and no group succeeds",
         code == 0, err)
    expired = reservations(cli, reservation_type="capacity-block", state="expired")
    if t.ok("an expired capacity block is seeded", expired):
        e = expired[0]
        code, _, err = launch(cli, ami, e["InstanceType"], e["CapacityReservationId"],
                              "--placement", f"AvailabilityZone={e['AvailabilityZone']}",
                              *market)
        t.ok("a launch into an expired block fails and says it is expired",
             code != 0 and "InsufficientInstanceCapacity" in err and "expired" in err, err)
    scheduled = reservations(cli, state="scheduled")
    if t.ok("a scheduled capacity block is seeded", scheduled):
        e = scheduled[0]
        code, _, err = launch(cli, ami, e["InstanceType"], e["CapacityReservationId"],
                              "--placement", f"AvailabilityZone={e['AvailabilityZone']}",
                              *market)
        t.ok("a launch into a scheduled block (before its start) fails",
             code != 0 and "scheduled" in err, err)


def check_platform(t, cli, ami):
    made = cli.json("ec2", "create-capacity-reservation", "--instance-type", "g5.12xlarge",
                    "--instance-platform", "Windows", "--availability-zone", "us-east-1b",
                    "--instance-count", "1") or {}
    rid = made.get("CapacityReservation", {}).get("CapacityReservationId", "")
    code, _, err = launch(cli, ami, "g5.12xlarge", rid, "--placement",
                          "AvailabilityZone=us-east-1b")
    t.ok("a Linux launch into a Windows reservation is refused (InvalidParameterValue)",
         code != 0 and "InvalidParameterValue" in err and "platform" in err, err)
    err = cli.error("ec2", "create-capacity-reservation", "--instance-type", "g5.12xlarge",
                    "--instance-platform", "Linux/UNIX", "--availability-zone", "us-east-1z",
                    "--instance-count", "1")
    t.ok("create-capacity-reservation in a zone that does not exist is refused",
         "InvalidParameterValue" in err, err)


def check_volume(t, cli, ami):
    image = (cli.json("ec2", "describe-images", "--image-ids", ami) or {}).get("Images", [{}])[0]
    root = image.get("RootDeviceName")
    size = next((m["Ebs"]["VolumeSize"] for m in image.get("BlockDeviceMappings", [])
                 if m.get("DeviceName") == root), None)
    t.ok("describe-images gives the root device and its snapshot size", root and size, image)
    small = f"DeviceName={root},Ebs={{VolumeSize={size - 1}}}"
    code, _, err = cli.run("ec2", "run-instances", "--image-id", ami, "--instance-type",
                           "g5.12xlarge", "--count", "1", "--block-device-mappings", small)
    t.ok("a root volume below the AMI's snapshot is refused (InvalidBlockDeviceMapping)",
         code != 0 and "InvalidBlockDeviceMapping" in err and f">= {size}GB" in err, err)
    code, _, err = cli.run("ec2", "run-instances", "--image-id", ami, "--instance-type",
                           "g5.12xlarge", "--count", "1", "--block-device-mappings",
                           f"DeviceName={root},Ebs={{VolumeSize={size}}}")
    t.eq("a root volume of the snapshot's size launches", code, 0)


def checks(t, cli, box, _workdir, _boxes):
    account = cli.text("sts", "get-caller-identity", "--query", "Account")
    ami = image(cli)
    if not t.ok("moto has a Linux x86_64 image to launch", ami):
        return False
    check_fields(t, cli)
    check_odcr_group(t, cli, ami, account)
    check_blocks(t, cli, ami)
    check_platform(t, cli, ami)
    check_volume(t, cli, ami)
    t.ok("the sandbox logged no traceback", "Traceback" not in box.errors(),
         box.errors()[-2000:])


def main():
    return ts.sandbox_test("capacity rule", WATCHDOG, "sandbox-cap-", ("cap",), checks)

if __name__ == "__main__":
    sys.exit(main())
