"""Account quotas EC2 enforces and Service Quotas reports: Elastic IPs per Region and the
Running On-Demand vCPU quotas of the accelerated families (P, G and VT, Trn, Inf).

moto enforces none of them; AWS refuses AllocateAddress past the Elastic IP quota and
RunInstances past a family's vCPU quota, whether called directly or by CloudFormation.

Sources:
 - Elastic IPs: "Elastic IP address quota", EC2 User Guide
   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit
   ("5 Elastic IP addresses per Region" by default; Service Quotas code L-0263D0A3,
   "EC2-VPC Elastic IPs", as `aws service-quotas get-service-quota --service-code ec2
   --quota-code L-0263D0A3` shows it).
 - Error codes and messages: "Error codes for the Amazon EC2 API"
   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html:
   AddressLimitExceeded ("The maximum number of addresses has been reached.") and
   VcpuLimitExceeded (the message AWS sends, as users quote it, e.g.
   https://github.com/4dn-dcic/tibanna/issues/267: "You have requested more vCPU capacity
   than your current vCPU limit of N allows for the instance bucket that the specified
   instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to
   request an adjustment to this limit."). The same page: "Capacity Reservations count
   towards your On-Demand Instance limits" - the reservation holds its vCPUs from its
   creation, so an instance launched into one needs no more; Capacity Blocks are their own
   purchase option (MarketType capacity-block), not On-Demand. Instances that target a
   reservation are therefore not counted here.
 - On-Demand vCPU quotas: "On-Demand Instance quotas", EC2 User Guide
   https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html (quotas
   are in vCPUs per family bucket; codes L-417A185B P, L-DB2E81BA G and VT, L-2C3B7624
   Trn, L-1945791B Inf). AWS does not publish one default for a new account: it sets
   each account's values (often 0 for P until asked). The sandbox's defaults (384 vCPUs,
   two of the largest nodes of each family) keep a two-node deploy working; lower them
   with --vcpu-quota / POST /_sandbox/config to see the refusals.
 - GetServiceQuota: Service Quotas API Reference, GetServiceQuota and ServiceQuota
   https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html
   (JSON 1.1, X-Amz-Target ServiceQuotasV20190624.GetServiceQuota; errors
   AccessDeniedException, NoSuchResourceException).
"""

import re

import importlib

from .wire import ApiError, json_ok, request_id

EIP_QUOTA_DEFAULT = 5
VCPU_QUOTA_DEFAULT = {"P": 384, "G": 384, "Trn": 384, "Inf": 384}
EIP_CODE = "L-0263D0A3"
EIP_NAME = "EC2-VPC Elastic IPs"
VCPU_CODES = {"P": "L-417A185B", "G": "L-DB2E81BA", "Trn": "L-2C3B7624", "Inf": "L-1945791B"}
VCPU_NAMES = {"P": "Running On-Demand P instances",
              "G": "Running On-Demand G and VT instances",
              "Trn": "Running On-Demand Trn instances",
              "Inf": "Running On-Demand Inf instances"}
_FAMILY_LETTERS = {"p": "P", "g": "G", "vt": "G", "trn": "Trn", "inf": "Inf"}
LIVE_STATES = ("pending", "running", "stopping", "shutting-down")
ADDRESS_LIMIT = "The maximum number of addresses has been reached."


def _instance_types():
    """moto's DescribeInstanceTypes table (moto/ec2/resources/instance_types.json)."""
    return importlib.import_module("moto.ec2.models.instance_types").INSTANCE_TYPES


def family_of(instance_type):
    """The vCPU quota bucket of a type ("p5.48xlarge" -> "P"), None when not modelled."""
    match = re.match(r"([a-z]+)", instance_type or "")
    return _FAMILY_LETTERS.get(match.group(1)) if match else None


def vcpu_limit_message(limit):
    return (f"You have requested more vCPU capacity than your current vCPU limit of {limit} "
            "allows for the instance bucket that the specified instance type belongs to. "
            "Please visit http://aws.amazon.com/contact-us/ec2-request to request an "
            "adjustment to this limit.")


def parse_vcpu_quota(text):
    """"P=3072" -> ("P", 3072) for --vcpu-quota; ValueError otherwise."""
    family, eq, value = text.partition("=")
    if not eq or family not in VCPU_QUOTA_DEFAULT or not value.isdigit():
        raise ValueError(f"must be FAMILY=N with FAMILY one of {', '.join(VCPU_QUOTA_DEFAULT)}"
                         " and N a whole number of vCPUs")
    return family, int(value)


class Quotas:
    def __init__(self, moto, eip_quota=EIP_QUOTA_DEFAULT, vcpu_quota=None):
        self.moto = moto
        self.eip_quota = eip_quota
        self.vcpu_quota = dict(VCPU_QUOTA_DEFAULT, **(vcpu_quota or {}))
        self.denied = False  # GetServiceQuota answers AccessDeniedException
        self.covered = set()  # instance ids launched into a capacity reservation
        # ids of instances and public IPs of EIPs that moto made at some stack's CreateStack
        # but whose timeline has not launched yet (set by the World to the CloudFormation
        # registry's view). AWS only counts what has been launched: a stack created a moment
        # later must not be refused for another stack's instances still waiting on its
        # instance profile, nor make that stack's own launch fail.
        self.unlaunched = lambda account, region: set()

    # ----- control -----
    @staticmethod
    def validate(changes):
        """Checks the quota keys of POST /_sandbox/config; raises ValueError."""
        if "eip_quota" in changes:
            value = changes["eip_quota"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("eip_quota must be a whole number >= 0")
        if "vcpu_quota" in changes:
            value = changes["vcpu_quota"]
            if not isinstance(value, dict):
                raise ValueError("vcpu_quota must be an object: {\"P\": 3072, ...}")
            for family, limit in value.items():
                if family not in VCPU_QUOTA_DEFAULT:
                    raise ValueError(f"vcpu_quota: unknown family {family!r} (one of "
                                     f"{', '.join(VCPU_QUOTA_DEFAULT)})")
                if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                    raise ValueError(f"vcpu_quota[{family}] must be a whole number >= 0")
        if "service_quotas_denied" in changes and not isinstance(
                changes["service_quotas_denied"], bool):
            raise ValueError("service_quotas_denied must be true or false")

    def apply(self, changes):
        self.eip_quota = changes.get("eip_quota", self.eip_quota)
        self.vcpu_quota.update(changes.get("vcpu_quota", {}))
        self.denied = changes.get("service_quotas_denied", self.denied)

    def summary(self):
        return {"eip_quota": self.eip_quota, "vcpu_quota": dict(self.vcpu_quota),
                "service_quotas_denied": self.denied}

    # ----- counting (callers hold the lock) -----
    def eips_held(self, account, region):
        """Elastic IPs the account holds in the region, less those moto made for stacks
        whose timelines have not reached them yet (unlaunched)."""
        addresses = self.moto.backend("ec2", account, region).addresses
        pending = self.unlaunched(account, region)
        return sum(1 for a in addresses if a.public_ip not in pending)

    @staticmethod
    def vcpus_of(instance_type):
        info = _instance_types().get(instance_type)
        return int(((info or {}).get("VCpuInfo") or {}).get("DefaultVCpus", 0))

    def vcpus_held(self, account, region, family, pending=()):
        """vCPUs of live On-Demand instances of the family, less reservation-covered ones
        those no stack has launched yet (unlaunched) and those in `pending`."""
        total = 0
        pending = set(pending) | self.unlaunched(account, region)
        for inst in self.moto.backend("ec2", account, region).all_instances():
            if inst.id in pending or inst.id in self.covered:
                continue
            if inst._state.name in LIVE_STATES and family_of(inst.instance_type) == family:
                total += self.vcpus_of(inst.instance_type)
        return total

    def address_error(self, account, region):
        """The AddressLimitExceeded error when the account holds more than its quota
        (counting the address being allocated), else None."""
        if self.eips_held(account, region) > self.eip_quota:
            return ApiError(400, "AddressLimitExceeded", ADDRESS_LIMIT)
        return None

    def vcpu_error(self, account, region, instance_type, count, pending=()):
        """VcpuLimitExceeded when `count` more instances of the type would pass the
        family's quota (pending: ids moto already made for those instances)."""
        family = family_of(instance_type)
        if family is None:
            return None
        limit = self.vcpu_quota[family]
        need = self.vcpus_held(account, region, family, pending) + \
            count * self.vcpus_of(instance_type)
        if need > limit:
            return ApiError(400, "VcpuLimitExceeded", vcpu_limit_message(limit))
        return None

    # ----- EC2 actions -----
    def allocate_address(self, world, req):
        account = self.moto.account_for(req.access_key)
        if self.eips_held(account, req.region) + 1 > self.eip_quota:
            raise ApiError(400, "AddressLimitExceeded", ADDRESS_LIMIT)
        return world.forward(req)

    def run_instances(self, world, req):
        params = req.params
        account = self.moto.account_for(req.access_key)
        reserved = any(k.startswith("CapacityReservationSpecification.CapacityReservationTarget")
                       for k in params) or params.get(
            "InstanceMarketOptions.MarketType") == "capacity-block"
        if not reserved:
            try:
                count = int(params.get("MinCount") or params.get("MaxCount") or 1)
            except ValueError:
                count = 1
            err = self.vcpu_error(account, req.region, params.get("InstanceType", "m1.small"),
                                  count)
            if err:
                raise err
        resp = world.forward(req)
        if reserved and resp.status == 200:
            self.covered.update(x.decode() for x in re.findall(
                rb"<instanceId>(i-[0-9a-f]+)</instanceId>", resp.body))
        return resp

    # ----- Service Quotas -----
    def get_service_quota(self, req, _now):
        data = req.body_json()
        account = self.moto.account_for(req.access_key)
        if self.denied:
            raise ApiError(400, "AccessDeniedException",
                           f"User: arn:aws:iam::{account}:user/sandbox is not authorized to "
                           "perform: servicequotas:GetServiceQuota")
        service, code = data.get("ServiceCode"), data.get("QuotaCode")
        if not isinstance(service, str) or not isinstance(code, str) or not service or not code:
            raise ApiError(400, "ValidationException",
                           "1 validation error detected: ServiceCode and QuotaCode are "
                           "required")
        quotas = {EIP_CODE: (EIP_NAME, self.eip_quota)}
        for family, qcode in VCPU_CODES.items():
            quotas[qcode] = (VCPU_NAMES[family], self.vcpu_quota[family])
        if service != "ec2" or code not in quotas:
            raise ApiError(400, "NoSuchResourceException",
                           "The request failed because the specified service does not exist."
                           if service != "ec2" else
                           "The request failed because the specified quota does not exist.")
        name, value = quotas[code]
        return json_ok({"Quota": {
            "ServiceCode": "ec2", "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
            "QuotaArn": f"arn:aws:servicequotas:{req.region}:{account}:ec2/{code}",
            "QuotaCode": code, "QuotaName": name, "Value": float(value), "Unit": "None",
            "Adjustable": True, "GlobalQuota": False}})


def stack_failure_reason(err):
    """CloudFormation's CREATE_FAILED text for an EC2 refusal during a stack create."""
    return (f"{err.message} (Service: Ec2, Status Code: {err.status}, Request ID: "
            f"{request_id()})")
