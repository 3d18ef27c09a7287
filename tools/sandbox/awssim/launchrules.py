"""Launch rules of capacity reservations and Capacity Blocks (issue 13 items 3 and 4):
what RunInstances (and so CloudFormation's AWS::EC2::Instance) refuses when it targets a
reservation. moto launches anything; AWS launches into a reservation only when

* it is `active` and has available instances, and its instance type, platform,
  Availability Zone and tenancy match ("Launch instances into an existing Capacity
  Reservation", Amazon EC2 User Guide,
  https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/capacity-reservations-launch.html);
* for a Capacity Block, MarketType is `capacity-block` ("Launch instances using Capacity
  Blocks", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/capacity-blocks-launch.html,
  and AWS PCS "Configure an AWS PCS compute node group to use a Capacity Block": "The
  value MarketType of InstanceMarketOptions must be set to capacity-block"), and no
  cluster placement group is forced on it: a block is already placed, and a new group
  gives insufficient capacity (the issue's review of ParallelCluster / PCS reports);
* for an On-Demand Capacity Reservation made in a cluster placement group, the launch is
  in that group ("Capacity Reservations for cluster placement groups", Amazon EC2 User
  Guide: instances use the reservation only when launched into its placement group).

The codes are EC2's ("Error codes for the Amazon EC2 API",
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html):
InsufficientInstanceCapacity (500: "not enough capacity to fulfill your request"),
ReservationCapacityExceeded ("The targeted Capacity Reservation does not have enough
available capacity"), InvalidParameterCombination / InvalidParameterValue for requests
that cannot name what they name. AWS does not publish the exact message for each case;
the messages below say the documented rule."""

from .wire import ApiError, structs


def _insufficient(message):
    return ApiError(500, "InsufficientInstanceCapacity", message)


def _combination(message):
    return ApiError(400, "InvalidParameterCombination", message)


def refusal(capacity, account, region, spec, now):
    """The ApiError AWS answers a launch described by `spec` with, or None.
    spec: reservation (id or None), market ('capacity-block' or None), group (placement
    group name or None), instance_type, az (may be None), tenancy."""
    rid = spec.get("reservation")
    if spec.get("check_group") and spec.get("group") and \
            not capacity.group_exists(account, region, spec["group"]):
        return ApiError(400, "InvalidPlacementGroup.Unknown",
                        f"The Placement Group '{spec['group']}' is unknown.")
    if not rid:
        if spec.get("market") == "capacity-block":
            return _combination("A Capacity Block launch must target a Capacity Block "
                                "reservation (CapacityReservationSpecification).")
        return None
    res = capacity.find(account, region, rid)
    if res is None:
        return ApiError(400, "InvalidCapacityReservationId.NotFound",
                        f"The capacity reservation ID '{rid}' does not exist")
    state = capacity.state_of(res, now)
    block = res["type"] == "capacity-block"
    if state != "active":
        return _insufficient(f"Capacity Reservation {rid} is in the {state} state; instances "
                             "can be launched only into an active Capacity Reservation.")
    if spec.get("instance_type") and spec["instance_type"] != res["instance_type"]:
        return ApiError(400, "InvalidParameterValue",
                        f"The instance type {spec['instance_type']} does not match the instance "
                        f"type {res['instance_type']} of Capacity Reservation {rid}.")
    if spec.get("az") and spec["az"] != res["az"]:
        return ApiError(400, "InvalidParameterValue",
                        f"The Availability Zone {spec['az']} does not match the Availability "
                        f"Zone {res['az']} of Capacity Reservation {rid}.")
    platform = spec.get("platform") or "Linux/UNIX"  # moto's and the DLAMIs' images are Linux
    if platform != res["platform"]:
        return ApiError(400, "InvalidParameterValue",
                        f"The platform {platform} of the image does not match the platform "
                        f"{res['platform']} of Capacity Reservation {rid}.")
    if (spec.get("tenancy") or "default") != res["tenancy"]:
        return ApiError(400, "InvalidParameterValue",
                        f"The tenancy does not match the tenancy {res['tenancy']} of Capacity "
                        f"Reservation {rid}.")
    if block and spec.get("market") != "capacity-block":
        return _combination(f"Capacity Reservation {rid} is a Capacity Block: launch it with "
                            "InstanceMarketOptions MarketType capacity-block.")
    if not block and spec.get("market") == "capacity-block":
        return _combination(f"MarketType capacity-block is only for Capacity Blocks, and "
                            f"Capacity Reservation {rid} is not one.")
    if block and spec.get("group"):
        return _insufficient(f"Insufficient capacity in Capacity Block {rid} for placement "
                             f"group {spec['group']}: a Capacity Block is already placed; "
                             "launch it without a placement group.")
    own = res.get("placement_group_arn")
    own_name = own.rpartition("/")[2] if own else None
    if own_name and spec.get("group") != own_name:
        return _insufficient(f"Insufficient capacity in Capacity Reservation {rid}: it is in "
                             f"cluster placement group {own_name}, and the launch is "
                             + (f"in {spec['group']}." if spec.get("group")
                                else "in no placement group."))
    if capacity.available_of(res, now) < (spec.get("count") or 1):
        return ApiError(400, "ReservationCapacityExceeded",
                        f"The targeted Capacity Reservation {rid} does not have enough "
                        "available capacity to fulfill your request.")
    return None


def volume_refusal(root, mappings):
    """InvalidBlockDeviceMapping when the root device's mapping asks for a volume smaller
    than the AMI's root snapshot. root: (device name, snapshot id, GiB) of the image;
    mappings: [(device name, VolumeSize or None)]. The text is EC2's as RunInstances
    answers it (quoted in scylladb/scylladb#6999, karpenter-provider-aws#3302, with EC2's
    double space): "Volume of size 15GB is smaller than  snapshot 'snap-...', expect size
    >= 30GB"."""
    if not root:
        return None
    device, snapshot, size = root
    for name, wanted in mappings:
        if name == device and wanted is not None and int(wanted) < size:
            return ApiError(400, "InvalidBlockDeviceMapping",
                            f"Volume of size {int(wanted)}GB is smaller than  snapshot "
                            f"'{snapshot}', expect size >= {size}GB")
    return None


def run_instances_spec(params):
    """The launch a RunInstances Query request describes."""
    crs = "CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId"
    return {"reservation": params.get(crs),
            "market": params.get("InstanceMarketOptions.MarketType"),
            "group": params.get("Placement.GroupName"),
            "instance_type": params.get("InstanceType"),
            "az": params.get("Placement.AvailabilityZone"),
            "tenancy": params.get("Placement.Tenancy"),
            "check_group": True,
            "mappings": [(m.get("DeviceName"), m.get("Ebs.VolumeSize"))
                         for m in structs(params, "BlockDeviceMapping")],
            "count": int(params["MinCount"]) if params.get("MinCount", "").isdigit() else 1}


def template_spec(resources, lid, body, physical_ids):
    """The launch an AWS::EC2::Instance of a template describes (its launch template's data
    where the instance does not say)."""
    props = body.get("Properties") or {}
    data = {}
    lt = (props.get("LaunchTemplate") or {}).get("LaunchTemplateId")
    if isinstance(lt, dict) and lt.get("Ref") in resources:
        data = ((resources[lt["Ref"]].get("Properties") or {}).get("LaunchTemplateData")
                or {})
    target = ((data.get("CapacityReservationSpecification") or {})
              .get("CapacityReservationTarget") or {})
    group = props.get("PlacementGroupName")
    if isinstance(group, dict):
        ref = group.get("Ref")
        group = physical_ids.get(ref, ref) if ref != "AWS::NoValue" else None
    market = (data.get("InstanceMarketOptions") or {}).get("MarketType")
    itype = props.get("InstanceType") or data.get("InstanceType")
    mappings = [(m.get("DeviceName"), (m.get("Ebs") or {}).get("VolumeSize"))
                for m in data.get("BlockDeviceMappings") or [] if isinstance(m, dict)]
    return {"reservation": target.get("CapacityReservationId"), "market": market,
            "mappings": [(d, v) for d, v in mappings if isinstance(v, (int, str))],
            "group": group if isinstance(group, str) and group else None,
            "instance_type": itype if isinstance(itype, str) else None,
            "az": None, "tenancy": props.get("Tenancy")}


