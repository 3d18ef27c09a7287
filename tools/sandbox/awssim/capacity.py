"""EC2 capacity: DescribeCapacityReservations, DescribeCapacityBlockOfferings and
PurchaseCapacityBlock, which moto lacks. Each account and region starts with a few
reservations for the catalog's instance types; states follow the clock (a capacity
block is scheduled, then active, then expired)."""

import datetime
import fnmatch
import hashlib
import secrets

from .wire import ApiError, ec2_ok, el, iso, members, parse_iso, structs

DAY = 86400.0
HOUR = 3600.0
# Per-instance hourly Capacity Block price in USD (illustrative, of the order AWS asks).
BLOCK_PRICES = {
    "p4d.24xlarge": 11.80, "p4de.24xlarge": 14.75, "p5.48xlarge": 31.46,
    "p5e.48xlarge": 34.61, "p5en.48xlarge": 36.18, "p6-b200.48xlarge": 74.88,
    "trn1.32xlarge": 6.20, "trn2.48xlarge": 17.80,
}
BLOCK_COUNTS = (1, 2, 4, 8, 16, 32, 64)
PLATFORMS = ("Linux/UNIX", "Red Hat Enterprise Linux", "SUSE Linux", "Windows",
             "Ubuntu Pro")
# (instance type, zone letter, reservation type, total, available, start, end, state)
# with start/end in days from the sandbox's start; state None = follows the dates.
SEED = (
    ("g5.12xlarge", "a", "default", 2, 2, -10, None, None),
    ("p5.48xlarge", "b", "capacity-block", 2, 2, -1, 3, None),
    ("g6e.12xlarge", "a", "default", 4, 0, -40, -10, None),
    ("p5.48xlarge", "a", "capacity-block", 1, 0, -10, -9, None),
    ("g6e.12xlarge", "b", "default", 2, 1, -3, None, None),
    ("trn1.32xlarge", "a", "capacity-block", 4, 4, 2, 4, None),
    ("p4d.24xlarge", "b", "default", 1, 0, -20, None, "cancelled"),
)
FILTERS = {
    "instance-type": lambda r: r["instance_type"],
    "owner-id": lambda r: r["owner"],
    "instance-platform": lambda r: r["platform"],
    "availability-zone": lambda r: r["az"],
    "tenancy": lambda r: r["tenancy"],
    "state": None,  # depends on the time: handled in _matches
    "start-date": lambda r: iso(r["start"]),
    "end-date": lambda r: r["end"] and iso(r["end"]),
    "end-date-type": lambda r: r["end_type"],
    "instance-match-criteria": lambda r: r["match"],
    "reservation-type": lambda r: r["type"],
}


def _block_start(after):
    """Capacity Blocks start at 11:30 UTC: the first such moment at or after `after`."""
    day = datetime.datetime.fromtimestamp(after, datetime.timezone.utc)
    start = day.replace(hour=11, minute=30, second=0, microsecond=0).timestamp()
    return start if start >= after else start + DAY


def _state(res, now):
    if res["state"]:
        return res["state"]
    if res["end"] is not None and now >= res["end"]:
        return "expired"
    return "scheduled" if now < res["start"] else "active"


def _bad(message):
    return ApiError(400, "InvalidParameterValue", message)


class Capacity:
    def __init__(self, moto, started):
        self.moto = moto
        self.started = started
        self._regions = {}

    def _region(self, account, region):
        key = (account, region)
        if key not in self._regions:
            anchor = _block_start(self.started) - DAY
            zone_ids = self.moto.zone_ids(account, region)
            reservations = []
            for index, (itype, letter, rtype, total, free, start, end, state) in enumerate(SEED):
                digest = hashlib.sha256(f"{account}/{region}/{index}".encode()).hexdigest()
                begin = anchor + start * DAY
                reservations.append(self._reservation(
                    account, region, zone_ids, "cr-0" + digest[:16], itype, region + letter,
                    rtype, total, free, begin, None if end is None else anchor + end * DAY,
                    state, begin - DAY, []))
            self._regions[key] = {"reservations": reservations, "offerings": {},
                                  "groups": {}}
        return self._regions[key]

    @staticmethod
    def _reservation(account, region, zone_ids, rid, itype, az, rtype, total, free, start,
                     end, state, created, tags):
        block = rtype == "capacity-block"
        return {"id": rid, "owner": account,
                "arn": f"arn:aws:ec2:{region}:{account}:capacity-reservation/{rid}",
                "az": az, "az_id": zone_ids.get(az, ""), "instance_type": itype,
                "platform": "Linux/UNIX", "tenancy": "default", "total": total,
                "available": free, "start": start, "end": end,
                "end_type": "limited" if end is not None else "unlimited",
                "match": "targeted" if block else "open", "state": state,
                "created": created, "type": rtype, "tags": tags, "placement_group_arn": None}

    # ----- DescribeCapacityReservations -----
    def describe_capacity_reservations(self, req, now):
        account = self.moto.account_for(req.access_key)
        reservations = self._region(account, req.region)["reservations"]
        wanted = members(req.params, "CapacityReservationId")
        known = {r["id"] for r in reservations}
        for rid in wanted:
            if rid not in known:
                raise ApiError(400, "InvalidCapacityReservationId.NotFound",
                               f"The capacity reservation ID '{rid}' does not exist")
        filters = []
        for item in structs(req.params, "Filter"):
            name = item.get("Name", "")
            if name not in FILTERS and not name.startswith("tag:") and name != "tag-key":
                raise _bad(f"The filter '{name}' is invalid")
            values = [v for k, v in sorted(item.items()) if k.startswith("Value.")]
            filters.append((name, values))
        rows = [r for r in reservations
                if (not wanted or r["id"] in wanted) and self._matches(r, filters, now)]
        start, limit = _paging(req.params, len(rows))
        page = rows[start:start + limit]
        next_token = str(start + limit) if start + limit < len(rows) else None
        items = "".join(self._reservation_xml(r, now) for r in page)
        return ec2_ok("DescribeCapacityReservations",
                      f"<capacityReservationSet>{items}</capacityReservationSet>"
                      + el("nextToken", next_token))

    @staticmethod
    def _matches(res, filters, now):
        for name, values in filters:
            if name == "state":
                actual = [_state(res, now)]
            elif name == "tag-key":
                actual = [k for k, _ in res["tags"]]
            elif name.startswith("tag:"):
                actual = [v for k, v in res["tags"] if k == name[4:]]
            else:
                actual = [FILTERS[name](res)]
            if not any(a is not None and fnmatch.fnmatchcase(a, v)
                       for a in actual for v in values):
                return False
        return True

    @staticmethod
    def _reservation_xml(res, now, tag="item"):
        state = _state(res, now)
        free = res["available"] if state in ("active", "scheduled") else 0
        tags = "".join(f"<item>{el('key', k)}{el('value', v)}</item>" for k, v in res["tags"])
        return (f"<{tag}>" + el("capacityReservationId", res["id"]) + el("ownerId", res["owner"])
                + el("capacityReservationArn", res["arn"])
                + el("availabilityZoneId", res["az_id"])
                + el("instanceType", res["instance_type"])
                + el("instancePlatform", res["platform"])
                + el("availabilityZone", res["az"]) + el("tenancy", res["tenancy"])
                + el("totalInstanceCount", res["total"])
                + el("availableInstanceCount", free) + el("ebsOptimized", True)
                + el("ephemeralStorage", False) + el("state", state)
                + el("startDate", iso(res["start"]))
                + el("endDate", res["end"] and iso(res["end"]))
                + el("endDateType", res["end_type"])
                + el("instanceMatchCriteria", res["match"])
                + el("createDate", iso(res["created"])) + f"<tagSet>{tags}</tagSet>"
                + el("placementGroupArn", res.get("placement_group_arn"))
                + "<capacityAllocationSet/>" + el("reservationType", res["type"]) + f"</{tag}>")

    # ----- DescribeCapacityBlockOfferings -----
    def describe_capacity_block_offerings(self, req, now):
        params = req.params
        account = self.moto.account_for(req.access_key)
        for name in ("InstanceType", "InstanceCount", "CapacityDurationHours"):
            if not params.get(name):
                raise ApiError(400, "MissingParameter",
                               f"The request must contain the parameter {name}")
        itype = params["InstanceType"]
        if itype not in BLOCK_PRICES:
            raise _bad(f"Capacity Blocks are not offered for instance type {itype}. "
                       "Supported: " + ", ".join(sorted(BLOCK_PRICES)))
        count, hours = _int(params, "InstanceCount"), _int(params, "CapacityDurationHours")
        if count not in BLOCK_COUNTS:
            raise _bad("InstanceCount must be one of 1, 2, 4, 8, 16, 32 or 64")
        if not (24 <= hours <= 336 and hours % 24 == 0
                or 336 < hours <= 4368 and hours % 168 == 0):
            raise _bad("CapacityDurationHours must be a multiple of 24 up to 336 (14 days) "
                       "or a multiple of 168 up to 4368 (182 days)")
        earliest = _date(params, "StartDateRange") or now
        latest_end = _date(params, "EndDateRange")
        zones = self.moto.zone_names(account, req.region)[:2]
        offerings = self._region(account, req.region)["offerings"]
        rows = []
        start = _block_start(max(earliest, now + HOUR))
        while len(rows) < 4 and start < now + 56 * DAY:
            end = start + hours * HOUR
            if latest_end is not None and end > latest_end:
                break
            az = zones[len(rows) % len(zones)]
            key = f"{account}/{req.region}/{itype}/{count}/{start}/{hours}/{az}"
            oid = "cb-0" + hashlib.sha256(key.encode()).hexdigest()[:16]
            offer = {"id": oid, "instance_type": itype, "az": az, "count": count,
                     "start": start, "end": end, "hours": hours,
                     "fee": f"{BLOCK_PRICES[itype] * count * hours:.2f}"}
            offerings.setdefault(oid, offer)
            rows.append(offer)
            start += DAY
        first, limit = _paging(params, len(rows))
        page = rows[first:first + limit]
        next_token = str(first + limit) if first + limit < len(rows) else None
        items = "".join(
            "<item>" + el("capacityBlockOfferingId", o["id"])
            + el("instanceType", o["instance_type"]) + el("availabilityZone", o["az"]) + el("instanceCount", o["count"])
            + el("startDate", iso(o["start"])) + el("endDate", iso(o["end"]))
            + el("capacityBlockDurationHours", o["hours"]) + el("upfrontFee", o["fee"])
            + el("currencyCode", "USD") + el("tenancy", "default") + "</item>" for o in page)
        return ec2_ok("DescribeCapacityBlockOfferings",
                      f"<capacityBlockOfferingSet>{items}</capacityBlockOfferingSet>"
                      + el("nextToken", next_token))

    # ----- PurchaseCapacityBlock -----
    def purchase_capacity_block(self, req, now):
        params = req.params
        account = self.moto.account_for(req.access_key)
        for name in ("CapacityBlockOfferingId", "InstancePlatform"):
            if not params.get(name):
                raise ApiError(400, "MissingParameter",
                               f"The request must contain the parameter {name}")
        if params["InstancePlatform"] not in PLATFORMS:
            raise _bad(f"Invalid value '{params['InstancePlatform']}' for InstancePlatform")
        region = self._region(account, req.region)
        offer = region["offerings"].pop(params["CapacityBlockOfferingId"], None)
        if offer is None:
            raise _bad(f"The Capacity Block offering ID '{params['CapacityBlockOfferingId']}' "
                       "is not valid or is no longer available")
        tags = []
        for spec in structs(params, "TagSpecification"):
            tags += [(spec[f"Tag.{i}.Key"], spec.get(f"Tag.{i}.Value", ""))
                     for i in range(1, 51) if f"Tag.{i}.Key" in spec]
        rid = "cr-0" + secrets.token_hex(8)
        res = self._reservation(account, req.region, self.moto.zone_ids(account, req.region),
                                rid, offer["instance_type"], offer["az"], "capacity-block",
                                offer["count"], offer["count"], offer["start"], offer["end"],
                                None, now, tags)
        res["platform"] = params["InstancePlatform"]
        region["reservations"].append(res)
        return ec2_ok("PurchaseCapacityBlock",
                      self._reservation_xml(res, now, "capacityReservation"))

    # ----- CreateCapacityReservation (an On-Demand Capacity Reservation, active at once) -----
    # Members as the EC2 API Reference's CreateCapacityReservation names them
    # (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCapacityReservation.html):
    # InstanceType, InstancePlatform, InstanceCount and AvailabilityZone are required;
    # Tenancy default|dedicated; PlacementGroupArn a cluster placement group's ARN.
    def create_capacity_reservation(self, req, now):
        params = req.params
        account = self.moto.account_for(req.access_key)
        for name in ("InstanceType", "InstancePlatform", "InstanceCount"):
            if not params.get(name):
                raise ApiError(400, "MissingParameter",
                               f"The request must contain the parameter {name}")
        if params["InstancePlatform"] not in PLATFORMS:
            raise _bad(f"Invalid value '{params['InstancePlatform']}' for InstancePlatform")
        zones = self.moto.zone_names(account, req.region)
        az = params.get("AvailabilityZone")
        if az not in zones:
            raise _bad(f"Invalid availability zone: [{az}]")
        tenancy = params.get("Tenancy") or "default"
        if tenancy not in ("default", "dedicated"):
            raise _bad(f"Invalid value '{tenancy}' for Tenancy")
        count = _int(params, "InstanceCount")
        if count < 1:
            raise _bad("InstanceCount must be at least 1")
        group = params.get("PlacementGroupArn")
        region = self._region(account, req.region)
        if group:
            name = group.rpartition(":placement-group/")[2] if ":placement-group/" in group \
                else None
            if name is None:
                raise _bad(f"Invalid value '{group}' for PlacementGroupArn")
            if region["groups"].get(name) != "cluster":
                # "InvalidPlacementGroup.Unknown: The specified placement group cannot be
                # found." (Error codes for the Amazon EC2 API)
                raise ApiError(400, "InvalidPlacementGroup.Unknown",
                               f"The Placement Group '{name}' is unknown or is not a cluster "
                               "placement group.")
        rid = "cr-0" + secrets.token_hex(8)
        res = self._reservation(account, req.region, self.moto.zone_ids(account, req.region),
                                rid, params["InstanceType"], az, "default", count, count, now,
                                None, None, now, [])
        res.update(platform=params["InstancePlatform"], tenancy=tenancy,
                   match=params.get("InstanceMatchCriteria") or "open",
                   placement_group_arn=group or None)
        region["reservations"].append(res)
        return ec2_ok("CreateCapacityReservation",
                      self._reservation_xml(res, now, "capacityReservation"))

    # ----- CreatePlacementGroup / DescribePlacementGroups (moto's server lacks them) -----
    # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreatePlacementGroup.html
    def create_placement_group(self, req, now):
        params = req.params
        account = self.moto.account_for(req.access_key)
        name, strategy = params.get("GroupName"), params.get("Strategy") or "cluster"
        if not name:
            raise ApiError(400, "MissingParameter",
                           "The request must contain the parameter GroupName")
        if strategy not in ("cluster", "spread", "partition"):
            raise _bad(f"Invalid value '{strategy}' for Strategy")
        groups = self._region(account, req.region)["groups"]
        if name in groups:
            # "InvalidPlacementGroup.Duplicate: The specified placement group already exists."
            raise ApiError(400, "InvalidPlacementGroup.Duplicate",
                           f"The placement group '{name}' already exists.")
        groups[name] = strategy
        return ec2_ok("CreatePlacementGroup", self._group_xml(account, req.region, name,
                                                               strategy, "placementGroup"))

    def describe_placement_groups(self, req, now):
        account = self.moto.account_for(req.access_key)
        groups = self._region(account, req.region)["groups"]
        wanted = members(req.params, "GroupName")
        for name in wanted:
            if name not in groups:
                raise ApiError(400, "InvalidPlacementGroup.Unknown",
                               f"The Placement Group '{name}' is unknown.")
        items = "".join(self._group_xml(account, req.region, n, st)
                        for n, st in sorted(groups.items()) if not wanted or n in wanted)
        return ec2_ok("DescribePlacementGroups", f"<placementGroupSet>{items}</placementGroupSet>")

    @staticmethod
    def _group_xml(account, region, name, strategy, tag="item"):
        gid = "pg-0" + hashlib.sha256(f"{account}/{region}/{name}".encode()).hexdigest()[:16]
        return (f"<{tag}>" + el("groupName", name) + el("state", "available")
                + el("strategy", strategy) + el("groupId", gid)
                + el("groupArn", f"arn:aws:ec2:{region}:{account}:placement-group/{name}")
                + f"</{tag}>")

    def group_exists(self, account, region, name):
        return name in self._region(account, region)["groups"]

    # ----- for the launch rules (launchrules.py) -----
    def find(self, account, region, rid):
        return next((r for r in self._region(account, region)["reservations"]
                     if r["id"] == rid), None)

    def take(self, account, region, rid, count):
        """Instances launched into the reservation (RunInstances; stacks' instances are not
        counted, nor are terminations given back)."""
        res = self.find(account, region, rid)
        if res is not None:
            res["available"] = max(0, res["available"] - count)

    @staticmethod
    def state_of(res, now):
        return _state(res, now)

    @staticmethod
    def available_of(res, now):
        return res["available"] if _state(res, now) == "active" else 0

    def summary(self):
        return {f"{a}/{r}": len(v["reservations"]) for (a, r), v in self._regions.items()}


def _int(params, name):
    try:
        return int(params[name])
    except ValueError:
        raise _bad(f"Invalid value '{params[name]}' for {name}") from None


def _date(params, name):
    if not params.get(name):
        return None
    value = parse_iso(params[name])
    if value is None:
        raise _bad(f"Invalid value '{params[name]}' for {name}")
    return value


def _paging(params, total):
    token = params.get("NextToken", "")
    if token and not token.isdigit():
        # EC2's answer to a token it did not give (as quoted in boto/boto3#2673, DescribeVpcs)
        raise ApiError(400, "InvalidParameterValue",
                       f"Value ({token}) for parameter NextToken is invalid. The token is invalid.")
    start = int(token) if token else 0
    limit = int(params["MaxResults"]) if params.get("MaxResults", "").isdigit() else total or 1
    if not 1 <= limit <= 1000:
        raise _bad("MaxResults must be between 1 and 1000")
    return start, limit
