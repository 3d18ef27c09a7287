"""DescribeInstanceTypes as AWS answers it: moto's snapshot
(moto/ec2/resources/instance_types.json) with the documented corrections below, and a
control key to make EC2 disagree with nixl-tui's catalog on purpose (tests of the
preflight check that compares them).

Corrections, from "Elastic Fabric Adapter - Supported instance types", EC2 User Guide
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html#efa-instance-types:
 - inf2.48xlarge supports EFA (one interface); moto 5.2.1's snapshot says it does not.
"""

import importlib

CORRECTIONS = {"inf2.48xlarge": 1}  # type -> MaximumEfaInterfaces


def _table():
    return importlib.import_module("moto.ec2.models.instance_types").INSTANCE_TYPES


def set_efa(instance_type, count):
    """Makes DescribeInstanceTypes report `count` EFA interfaces for the type (0: none)."""
    info = _table().get(instance_type)
    if info is None:
        raise ValueError(f"efa_interfaces: {instance_type!r} is not an instance type EC2 knows")
    net = info.setdefault("NetworkInfo", {})
    net["EfaSupported"] = count > 0
    if count > 0:
        net["EfaInfo"] = {"MaximumEfaInterfaces": count}
    else:
        net.pop("EfaInfo", None)


_corrected = []


def describe_instance_types(world, req):
    """moto's answer, once the corrections are in its table (they are made on first use,
    so the sandbox starts without importing EC2's models)."""
    if not _corrected:
        for instance_type, count in CORRECTIONS.items():
            set_efa(instance_type, count)
        _corrected.append(True)
    return world.forward(req)


def validate(changes):
    value = changes.get("efa_interfaces", {})
    if not isinstance(value, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()):
        raise ValueError("efa_interfaces must be an object: {\"p5en.48xlarge\": 8, ...}")
    for instance_type in value:
        if instance_type not in _table():
            raise ValueError(f"efa_interfaces: {instance_type!r} is not an instance type EC2 "
                             "knows")


def apply(changes):
    if changes.get("efa_interfaces") and not _corrected:
        _corrected.append(True)  # explicit settings win over the corrections
        for instance_type, count in CORRECTIONS.items():
            set_efa(instance_type, count)
    for instance_type, count in changes.get("efa_interfaces", {}).items():
        set_efa(instance_type, count)
