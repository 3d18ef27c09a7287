"""CloudFormation stacks that progress over time the way AWS shows them.

moto creates a stack synchronously; the sandbox lets it (so physical ids, outputs and
real EC2 instances exist) and then plays a timeline: each resource starts when the
resources it references are complete, takes a time typical of its type (divided by
--speed), and emits the events AWS emits. The status, event and resource APIs are
answered from that timeline; moto's copy of the stack is deleted when the timeline
deletes it. Time is simulated as a discrete-event queue, so events carry their planned
timestamps however seldom anyone polls.
"""

import base64
import hashlib
import heapq
import itertools
import json
import re
import secrets
import uuid
from urllib.parse import urlencode

from . import launchrules
from .loopback import alias, rewrite_text
from .motoctl import models
from .quotas import stack_failure_reason
from .template_source import template_text
from .wire import ApiError, el, iso, members, query_ok, request_id, s3_request_id, structs

# (create, delete) seconds as AWS typically takes them for each type.
DURATIONS = {
    "AWS::EC2::Instance": (45.0, 40.0),  # RunInstances until running / until terminated
    "AWS::EC2::LaunchTemplate": (3.0, 2.0),
    "AWS::EC2::SecurityGroup": (6.0, 3.0),
    "AWS::EC2::SecurityGroupIngress": (2.0, 1.0),
    "AWS::EC2::SecurityGroupEgress": (2.0, 1.0),
    "AWS::EC2::PlacementGroup": (3.0, 2.0),
    "AWS::EC2::NetworkInterface": (5.0, 3.0),
    "AWS::EC2::EIP": (5.0, 3.0),
    "AWS::EC2::VPC": (12.0, 3.0),
    "AWS::EC2::Subnet": (5.0, 2.0),
    "AWS::EC2::InternetGateway": (12.0, 3.0),
    "AWS::EC2::VPCGatewayAttachment": (17.0, 12.0),
    "AWS::EC2::RouteTable": (2.0, 2.0),
    "AWS::EC2::Route": (17.0, 2.0),
    "AWS::EC2::SubnetRouteTableAssociation": (2.0, 2.0),
    "AWS::EC2::VPCEndpoint": (70.0, 60.0),
    "AWS::IAM::Role": (15.0, 3.0),
    "AWS::IAM::Policy": (17.0, 2.0),
    "AWS::IAM::ManagedPolicy": (12.0, 2.0),
    "AWS::IAM::InstanceProfile": (120.0, 10.0),  # CloudFormation waits out IAM propagation
    "AWS::S3::Bucket": (22.0, 2.0),
    "AWS::S3::BucketPolicy": (2.0, 1.0),
    "AWS::SSM::Parameter": (2.0, 1.0),
    "AWS::Logs::LogGroup": (2.0, 1.0),
}
DEFAULT_DURATION = (5.0, 3.0)
LEAD = 1.0  # operation start -> first resource starts
INITIATED = 1.0  # first IN_PROGRESS -> "Resource creation Initiated"
GAP = 0.5  # a resource completes -> its dependents start
TAIL = 0.5  # last resource done -> stack-level terminal event
CAPACITY_FAILS_AFTER = 4.0  # RunInstances answers InsufficientInstanceCapacity quickly
CANCEL_AFTER = 0.5  # a failure -> the other resources in progress are cancelled
AGENT_ONLINE_AFTER = 30.0  # instance running -> SSM agent registered
SLOW_AGENT_FACTOR = 10.0

SCENARIOS = ("ok", "capacity-failure", "bucket-not-empty", "slow-agent")
LEFT_BEHIND_KEY = "sandbox/left-behind.txt"  # the object bucket-not-empty leaves in buckets
IAM_TYPES = {"AWS::IAM::AccessKey", "AWS::IAM::Group", "AWS::IAM::InstanceProfile",
             "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role",
             "AWS::IAM::User", "AWS::IAM::UserToGroupAddition"}
NAME_PROPERTIES = ("RoleName", "InstanceProfileName", "ManagedPolicyName", "UserName",
                   "GroupName")
NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
RESOLVE_SSM = re.compile(r"\{\{resolve:ssm:([a-zA-Z0-9_.\-/]+?)(?::(\d+))?\}\}")
SUB_REF = re.compile(r"\$\{([^!}][^}]*)\}")
STACK_TYPE = "AWS::CloudFormation::Stack"
IN_PROGRESS = {"CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "DELETE_IN_PROGRESS"}
PAGE = 100


def _refs(node, names, found):
    """Collect the resources a template fragment references (Ref, GetAtt, Sub)."""
    if isinstance(node, list):
        for item in node:
            _refs(item, names, found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "Ref" and isinstance(value, str):
            found.add(value)
        elif key == "Fn::GetAtt":
            found.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
        elif key == "Fn::Sub":
            text, local = (value[0], value[1] if len(value) > 1 else {}) \
                if isinstance(value, list) else (value, {})
            _refs(local, names, found)
            for ref in SUB_REF.findall(text if isinstance(text, str) else ""):
                name = ref.split(".")[0]
                if name not in local:
                    found.add(name)
        else:
            _refs(value, names, found)
    found.intersection_update(names)


def dependencies(resources):
    """logical id -> set of logical ids it waits for (Ref, GetAtt, Sub, DependsOn)."""
    names = set(resources)
    deps = {}
    for lid, body in resources.items():
        found = set()
        _refs(body.get("Properties", {}), names, found)
        depends_on = body.get("DependsOn", [])
        found.update([depends_on] if isinstance(depends_on, str) else depends_on)
        found.discard(lid)
        deps[lid] = found & names
    return deps


def _cycle(deps):
    """A dependency cycle as a list of logical ids, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for dep in sorted(deps[node]):
            if state.get(dep) == "open":
                return path[path.index(dep):]
            if dep not in state:
                found = visit(dep, path + [dep])
                if found:
                    return found
        state[node] = "done"
        return None

    for lid in deps:
        if lid not in state:
            found = visit(lid, [lid])
            if found:
                return found
    return None


def required_capability(resources):
    needed = None
    for body in resources.values():
        if body.get("Type") in IAM_TYPES:
            needed = needed or "CAPABILITY_IAM"
            if any(p in body.get("Properties", {}) for p in NAME_PROPERTIES):
                needed = "CAPABILITY_NAMED_IAM"
    return needed


def _jitter(*parts):
    """A deterministic factor in [0.85, 1.15) so sibling resources do not finish in step."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return 0.85 + 0.3 * int.from_bytes(digest[:4], "big") / 2 ** 32


class Resource:
    def __init__(self, lid, rtype, deps, order, physical_id, node):
        self.lid = lid
        self.rtype = rtype
        self.deps = deps
        self.order = order
        self.planned_physical_id = physical_id
        self.physical_id = None  # shown once AWS would know it
        self.node = node  # instance facts for SSM, for AWS::EC2::Instance
        self.status = None  # None: not started
        self.reason = None
        self.updated = None
        self.created_at = None
        self.delete_started_at = None


class Event:
    __slots__ = ("event_id", "ts", "lid", "physical_id", "rtype", "status", "reason")

    def __init__(self, event_id, ts, lid, physical_id, rtype, status, reason):
        self.event_id = event_id
        self.ts = ts
        self.lid = lid
        self.physical_id = physical_id
        self.rtype = rtype
        self.status = status
        self.reason = reason


def _reserved_instances(template):
    """Logical ids of the instances whose launch template targets a capacity reservation
    or a Capacity Block: the reservation holds their vCPUs (see quotas.py)."""
    resources = template.get("Resources") or {}
    found = set()
    for lid, body in resources.items():
        if not isinstance(body, dict) or body.get("Type") != "AWS::EC2::Instance":
            continue
        ref = ((body.get("Properties") or {}).get("LaunchTemplate") or {}).get(
            "LaunchTemplateId")
        target = resources.get(ref.get("Ref")) if isinstance(ref, dict) else None
        data = ((target or {}).get("Properties") or {}).get("LaunchTemplateData") or {}
        target_spec = (data.get("CapacityReservationSpecification") or {}).get(
            "CapacityReservationTarget")
        market = (data.get("InstanceMarketOptions") or {}).get("MarketType")
        if target_spec or market == "capacity-block":
            found.add(lid)
    return found


class Stack:
    """One stack's state and its timeline (a queue of planned happenings)."""

    quotas = None  # the World's Quotas (set by the World): EIP and vCPU quotas

    def __init__(self, moto, stack_id, name, params, template, scenario, speed, account,
                 region, texts):
        self.moto = moto
        self.texts = texts  # the World's text settings (POST /_sandbox/config), live
        self.stack_id = stack_id
        self.name = name
        self.account = account
        self.region = region
        self.scenario = scenario
        self.speed = speed
        self.configure(params, template)
        self.on_failure = params.get("OnFailure") or (
            "DO_NOTHING" if params.get("DisableRollback") == "true" else "ROLLBACK")
        self.token = params.get("ClientRequestToken") or None
        self.change_set_id = None  # the change set that created it, if one did
        self.outputs = []
        self.status = None
        self.reason = None
        self.created = None
        self.deleted = None
        self.outputs_visible = False
        self.events = []
        self._event_ids = set()
        self.resources = {}
        self._queue = []
        self._seq = itertools.count()
        self._phase = None  # "create", "rollback", "delete" or None when settled
        self._scheduled = set()
        self._failed = []
        self._instances_started = 0
        self._fail_reasons = {}  # lid -> AWS's refusal (quotas) for _on_create_fail
        self._delete_requested = False
        self.launch_check = None  # (account, region, launch spec, now) -> ApiError or None

    def configure(self, params, template):
        """What CreateStack's (or the executed CreateChangeSet's) request says."""
        self.description = template.get("Description")
        self.parameters = declared_parameters(template, params)
        self.notification_arns, self.capabilities, self.tags = request_lists(params)
        self.timeout = params.get("TimeoutInMinutes")
        self._reserved = _reserved_instances(template)

    def load(self, info):
        """What moto created (see moto_stack_info), before the create timeline starts."""
        self.parameters = info["parameters"]
        self.outputs = info["outputs"]
        for order, (lid, rtype, deps, physical_id, node) in enumerate(info["resources"]):
            self.resources[lid] = Resource(lid, rtype, deps, order, physical_id, node)

    # ----- timeline plumbing -----
    def _at(self, ts, action, lid=None):
        heapq.heappush(self._queue, (ts, next(self._seq), action, lid))

    def _secs(self, seconds, *jitter_key):
        factor = _jitter(self.stack_id, *jitter_key) if jitter_key else 1.0
        return seconds * factor / self.speed

    def advance(self, now):
        while self._queue and self._queue[0][0] <= now:
            ts, _, action, lid = heapq.heappop(self._queue)
            getattr(self, "_on_" + action)(ts, lid)

    def _event(self, ts, res, status, reason=None, physical_id=None):
        if res is None:
            event_id = str(uuid.uuid4())
            lid, rtype, physical_id = self.name, STACK_TYPE, self.stack_id
            self.status, self.reason = status, reason
        else:
            # AWS's form for resource events; unique unless --speed squeezes two into a ms.
            event_id = f"{res.lid}-{status}-{iso(ts)}"
            if event_id in self._event_ids:
                event_id = str(uuid.uuid4())
            lid, rtype = res.lid, res.rtype
            physical_id = physical_id or res.physical_id
            res.status, res.reason, res.updated = status, reason, ts
        self._event_ids.add(event_id)
        self.events.append(Event(event_id, ts, lid, physical_id, rtype, status, reason))

    def _busy(self, status):
        return any(r.status == status for r in self.resources.values())

    # ----- create -----
    def start_review(self, ts):
        """CreateChangeSet of type CREATE: the stack exists, empty, until it is executed."""
        self.created = ts
        self._event(ts, None, "REVIEW_IN_PROGRESS", "User Initiated")

    def start_create(self, ts):
        self.created = self.created or ts  # a change set's stack was created at review
        self._phase = "create"
        self._event(ts, None, "CREATE_IN_PROGRESS", "User Initiated")
        self._start_ready(ts + self._secs(LEAD))

    def _start_ready(self, ts):
        for res in sorted(self.resources.values(), key=lambda r: r.order):
            if res.status is None and res.lid not in self._scheduled and all(
                    self.resources[d].status == "CREATE_COMPLETE" for d in res.deps):
                self._scheduled.add(res.lid)
                self._at(ts, "create_start", res.lid)

    def _on_create_start(self, ts, lid):
        res = self.resources[lid]
        self._scheduled.discard(lid)
        if self._phase != "create":
            return
        self._event(ts, res, "CREATE_IN_PROGRESS")
        refusal = self._quota_refusal(res)
        if refusal:
            self._fail_reasons[lid] = stack_failure_reason(refusal)
            self._at(ts + self._secs(INITIATED, lid, "initiated"), "create_fail", lid)
            return
        if res.rtype == "AWS::EC2::Instance":
            self._instances_started += 1
            if self.scenario == "capacity-failure" and self._instances_started == 2:
                self._at(ts + self._secs(CAPACITY_FAILS_AFTER, lid), "create_fail", lid)
                return
            refused = self.launch_check and res.node and res.node.get("launch") and \
                self.launch_check(self.account, self.region, res.node["launch"], ts)
            if refused:
                res.node["refusal"] = (f"{refused.message} (Service: Ec2, Status Code: "
                                       f"{refused.status}, Request ID: {request_id()})")
                self._at(ts + self._secs(CAPACITY_FAILS_AFTER, lid), "create_fail", lid)
                return
        self._at(ts + self._secs(INITIATED, lid, "initiated"), "create_initiated", lid)
        create_time = DURATIONS.get(res.rtype, DEFAULT_DURATION)[0]
        self._at(ts + max(self._secs(create_time, lid, "create"),
                          self._secs(INITIATED * 1.5)), "create_done", lid)

    def _quota_refusal(self, res):
        """AWS's refusal of this EIP or instance by the account's quotas, else None. moto
        made every resource at CreateStack: those no stack's timeline has reached yet do not
        count (Quotas.unlaunched); this instance is counted once, as the one asked for."""
        if self.quotas is None:
            return None
        if res.rtype == "AWS::EC2::EIP":
            return self.quotas.address_error(self.account, self.region)
        if res.rtype == "AWS::EC2::Instance" and res.node:
            if res.lid in self._reserved:
                self.quotas.covered.add(res.node["instance_id"])
                return None
            return self.quotas.vcpu_error(self.account, self.region,
                                          res.node["instance_type"], 1, {res.node["instance_id"]})
        return None

    def _on_create_initiated(self, ts, lid):
        res = self.resources[lid]
        if res.status == "CREATE_IN_PROGRESS":
            res.physical_id = res.planned_physical_id
            self._event(ts, res, "CREATE_IN_PROGRESS", "Resource creation Initiated")

    def _on_create_done(self, ts, lid):
        res = self.resources[lid]
        if res.status != "CREATE_IN_PROGRESS" or self._phase != "create":
            return
        res.created_at = ts
        self._event(ts, res, "CREATE_COMPLETE")
        if res.rtype == "AWS::S3::Bucket" and self.scenario == "bucket-not-empty":
            # Something wrote to the bucket behind the product's back (as logs do).
            self.moto.put_object(self.account, res.planned_physical_id, LEFT_BEHIND_KEY,
                                 b"written by the sandbox's bucket-not-empty scenario\n")
        self._start_ready(ts + self._secs(GAP))
        if not self._busy("CREATE_IN_PROGRESS") and not self._scheduled \
                and all(r.status == "CREATE_COMPLETE" for r in self.resources.values()):
            self._at(ts + self._secs(TAIL), "create_finish")

    def _on_create_finish(self, ts, _):
        self._phase = None
        self.outputs_visible = True
        self._event(ts, None, "CREATE_COMPLETE")
        self._after_settle(ts)

    def _on_create_fail(self, ts, lid):
        res = self.resources[lid]
        if self._phase != "create":
            return
        node = res.node or {}
        zone = node.get("az", self.region + "a")
        others = ", ".join([z for z in self.moto.zone_names(self.account, self.region)
                            if z != zone][:2])
        itype = node.get("instance_type", "p5.48xlarge")
        reason = self._fail_reasons.pop(lid, None) or self.texts.get("failure_reason") or \
            node.get("refusal") or (
            f"We currently do not have sufficient {itype} capacity in the "
            f"Availability Zone you requested ({zone}). Our system will be working "
            f"on provisioning additional capacity. You can currently get {itype} "
            f"capacity by not specifying an Availability Zone in your request or "
            f"choosing {others}. (Service: Ec2, Status Code: 500, Request ID: "
            f"{request_id()})")
        self._event(ts, res, "CREATE_FAILED", reason)
        self._failed.append(lid)
        if node.get("instance_id"):
            self.moto.terminate_instance(self.account, self.region, node["instance_id"])
        self._phase = "failing"
        self._at(ts + self._secs(CANCEL_AFTER), "cancel_rest")

    def _on_cancel_rest(self, ts, _):
        for res in sorted(self.resources.values(), key=lambda r: r.order):
            if res.status == "CREATE_IN_PROGRESS":
                self._event(ts, res, "CREATE_FAILED", "Resource creation cancelled")
        self._scheduled.clear()
        self._at(ts + self._secs(CANCEL_AFTER), "create_failed")

    def _on_create_failed(self, ts, _):
        failed = "The following resource(s) failed to create: [%s]. " % ", ".join(self._failed)
        if self.on_failure == "DO_NOTHING":
            self._phase = None
            self._event(ts, None, "CREATE_FAILED", failed)
            self._after_settle(ts)
        elif self.on_failure == "DELETE":
            self.deleted = ts
            self._event(ts, None, "DELETE_IN_PROGRESS", failed + "Delete requested by user.")
            self._start_delete(ts, "delete")
        else:
            self._event(ts, None, "ROLLBACK_IN_PROGRESS",
                        failed + "Rollback requested by user.")
            self._start_delete(ts, "rollback")

    # ----- delete and rollback -----
    def request_delete(self, ts):
        """DeleteStack: starts now, or once the operation under way settles."""
        if self.status == "DELETE_COMPLETE" or self._phase == "delete":
            return
        if self._phase is not None:
            self._delete_requested = True
            return
        self.deleted = ts
        self._event(ts, None, "DELETE_IN_PROGRESS", "User Initiated")
        self._start_delete(ts, "delete")

    def _targets(self):
        return [r for r in self.resources.values()
                if r.status is not None and r.status != "DELETE_COMPLETE"]

    def _start_delete(self, ts, kind):
        self._phase = kind
        self._failed = []
        self._scheduled.clear()
        self._delete_ready(ts + self._secs(LEAD))

    def _delete_ready(self, ts):
        targets = self._targets()
        for res in sorted(targets, key=lambda r: -r.order):
            if res.status == "DELETE_IN_PROGRESS" or res.lid in self._scheduled \
                    or res.lid in self._failed:
                continue
            waiting = [d for d in targets if res.lid in d.deps and d is not res]
            if not waiting:
                self._scheduled.add(res.lid)
                self._at(ts, "delete_start", res.lid)
        if not self._scheduled and not self._busy("DELETE_IN_PROGRESS"):
            self._at(ts, "delete_finish")

    def _on_delete_start(self, ts, lid):
        res = self.resources[lid]
        self._scheduled.discard(lid)
        res.delete_started_at = ts
        self._event(ts, res, "DELETE_IN_PROGRESS")
        seconds = DURATIONS.get(res.rtype, DEFAULT_DURATION)[1] if res.physical_id else GAP
        self._at(ts + self._secs(seconds, lid, "delete"), "delete_done", lid)

    def _on_delete_done(self, ts, lid):
        res = self.resources[lid]
        if res.rtype == "AWS::S3::Bucket" and res.physical_id and \
                self.moto.bucket_has_objects(self.account, res.physical_id):
            self._event(ts, res, "DELETE_FAILED",
                        "The bucket you tried to delete is not empty (Service: S3, Status "
                        f"Code: 409, Request ID: {s3_request_id()})")
            self._failed.append(lid)
        else:
            self._event(ts, res, "DELETE_COMPLETE")
        self._delete_ready(ts + self._secs(GAP))

    def _on_delete_finish(self, ts, _):
        if self._busy("DELETE_IN_PROGRESS") or self._phase not in ("delete", "rollback"):
            return
        kind, self._phase = self._phase, None
        if self._failed:
            failed = "The following resource(s) failed to delete: [%s]. " % ", ".join(
                self._failed)
            self._event(ts, None, "DELETE_FAILED" if kind == "delete" else "ROLLBACK_FAILED",
                        failed)
        else:
            self.moto.delete_stack(self.account, self.region, self.stack_id)
            release_addresses(self.moto, self.account, self.region, [
                r.physical_id or r.planned_physical_id for r in self.resources.values()
                if r.rtype == "AWS::EC2::EIP" and (r.physical_id or r.planned_physical_id)])
            self.outputs_visible = False
            self._event(ts, None, "DELETE_COMPLETE" if kind == "delete" else "ROLLBACK_COMPLETE")
        self._after_settle(ts)

    def _after_settle(self, ts):
        if self._delete_requested:
            self._delete_requested = False
            self.request_delete(ts)

    # ----- what other simulators read -----
    @property
    def agent_delay(self):
        factor = SLOW_AGENT_FACTOR if self.scenario == "slow-agent" else 1.0
        return AGENT_ONLINE_AFTER * factor / self.speed

    def managed_nodes(self, now):
        """Instances whose SSM agent has registered: (resource, ping status, since)."""
        nodes = []
        for res in self.resources.values():
            if res.rtype != "AWS::EC2::Instance" or res.created_at is None or not res.node:
                continue
            registered = res.created_at + self.agent_delay
            if registered > now or (res.delete_started_at or now + 1) < registered:
                continue
            if res.status == "CREATE_COMPLETE":
                nodes.append((res, "Online", registered))
            elif res.status in ("DELETE_IN_PROGRESS", "DELETE_FAILED"):
                nodes.append((res, "ConnectionLost", registered))
        return nodes


class CloudFormation:
    """The stack registry and the CloudFormation actions answered from timelines."""

    def __init__(self, world):
        self.world = world
        self.stacks = {}  # stack id -> Stack, in creation order
        self.events_page_size = PAGE
        self.stacks_page_size = PAGE  # DescribeStacks without a name (see describe_stacks)

    def unlaunched(self, account, region):
        """Instance ids and EIP public IPs that moto made for the account's stacks in the
        region but whose timelines have not reached them (see Quotas.unlaunched)."""
        found = set()
        for stack in self.stacks.values():
            if stack.account != account or stack.region != region:
                continue
            for res in stack.resources.values():
                if res.status is not None:
                    continue
                if res.rtype == "AWS::EC2::Instance" and res.node:
                    found.add(res.node["instance_id"])
                elif res.rtype == "AWS::EC2::EIP" and res.planned_physical_id:
                    found.add(res.planned_physical_id)
        return found

    def tick(self, now):
        for stack in self.stacks.values():
            stack.advance(now)

    def find(self, name_or_id, message):
        """By ARN any stack (deleted ones too, like AWS); by name the live one."""
        if name_or_id in self.stacks:
            return self.stacks[name_or_id]
        for stack in self.stacks.values():
            if stack.name == name_or_id and stack.status != "DELETE_COMPLETE":
                return stack
        raise ApiError(400, "ValidationError", message.format(name_or_id))

    # ----- CreateStack -----
    def create_stack(self, req, now):
        params = req.params
        name = params.get("StackName", "")
        check_name(name, "stackName")
        for stack in self.stacks.values():
            if stack.name == name and stack.status != "DELETE_COMPLETE":
                token = params.get("ClientRequestToken")
                if token and token == stack.token:
                    return query_ok("cloudformation", "CreateStack",
                                    el("StackId", stack.stack_id))
                raise ApiError(400, "AlreadyExistsException", f"Stack [{name}] already exists")
        if params.get("OnFailure") and params.get("DisableRollback"):
            raise ApiError(400, "ValidationError",
                           "You can specify either DisableRollback or OnFailure, but not both.")
        account = self.world.moto.account_for(req.access_key)
        body, template, deps = self.checked_template(params, account, req.region)
        forwarded = {k: v for k, v in params.items()
                     if k not in ("TemplateURL", "OnFailure", "DisableRollback")}
        stack_id = self.moto_create(req, forwarded, body, account)
        stack = Stack(self.world.moto, stack_id, name, params, template, self.world.scenario,
                      self.world.speed, account, req.region, self.world.texts)
        stack.load(moto_stack_info(self.world.moto, account, req.region, stack_id, template,
                                    deps, params))
        stack.launch_check = self.launch_check
        self.stacks[stack_id] = stack
        stack.start_create(now)
        return query_ok("cloudformation", "CreateStack", el("StackId", stack_id))

    def launch_check(self, account, region, spec, now):
        root = self.world.moto.image_root(account, region, spec.get("image_id"))
        return launchrules.volume_refusal(root, spec.get("mappings") or []) or \
            launchrules.refusal(self.world.capacity, account, region, spec, now)

    def checked_template(self, params, account, region):
        """(body, template, dependencies) of the template in params, if AWS would take it
        with the capabilities given."""
        body = self._template_body(params, account, region)
        try:
            template = models("cloudformation").Stack.parse_template(body)
        except Exception as exc:  # yaml's or json's errors: the template is malformed
            raise ApiError(400, "ValidationError", f"Template format error: {exc}") from None
        if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
            raise ApiError(400, "ValidationError",
                           "Template format error: At least one Resources member must be "
                           "defined.")
        resources = template["Resources"]
        deps = dependencies(resources)
        cycle = _cycle(deps)
        if cycle:
            raise ApiError(400, "ValidationError",
                           "Circular dependency between resources: [%s]" % ", ".join(cycle))
        needed = required_capability(resources)
        granted = members(params, "Capabilities.member")
        if needed and needed not in granted and "CAPABILITY_NAMED_IAM" not in granted:
            raise ApiError(400, "InsufficientCapabilitiesException",
                           f"Requires capabilities : [{needed}]")
        return body, template, deps

    def moto_create(self, req, params, body, account):
        """Have moto create the stack at once (a CreateStack with these Query parameters and
        this template body); returns moto's stack id."""
        status, _, reply = self.post_to_moto(req, dict(params, TemplateBody=body))
        match = re.search(rb"<StackId>([^<]+)</StackId>", reply)
        if status != 200 or not match:
            self.world.moto.discard_stack(account, req.region, params.get("StackName", ""))
            if 400 <= status < 500:
                raise ApiError(status, "ValidationError", _moto_message(reply))
            raise ApiError(400, "ValidationError",
                           "The sandbox's moto could not create this template (its traceback "
                           "is on the sandbox's stderr)")
        return match.group(1).decode()

    def post_to_moto(self, req, params):
        """The request, with these Query parameters instead, sent to moto."""
        headers = dict(req.headers.items())
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        return self.world.moto.forward("POST", "/", headers, urlencode(params).encode())

    def _template_body(self, params, account, region):
        body = template_text(self.world.moto, account, params)  # limits: template_source.py

        # moto does not resolve dynamic references; AWS resolves them at create time.
        def resolve(match):
            value = self.world.moto.ssm_parameter(account, region, match.group(1))
            if value is None:
                raise ApiError(400, "ValidationError",
                               f"Parameters: [{match.group(1)}] cannot be found.")
            return value

        return RESOLVE_SSM.sub(resolve, body)

    # ----- DeleteStack -----
    def delete_stack(self, req, now):
        name = req.params.get("StackName", "")
        try:
            stack = self.find(name, "")
        except ApiError:
            stack = None  # AWS answers success for a stack that does not exist
        if stack:
            stack.request_delete(now)
        return query_ok("cloudformation", "DeleteStack", "")

    # ----- reads -----
    def describe_stacks(self, req, _now):
        name = req.params.get("StackName")
        next_token = None
        if name:
            stacks = [self.find(name, "Stack with id {} does not exist")]
        else:
            # Without a name AWS answers a page at a time and a NextToken for the rest:
            # 100 stacks a page, as tools that list every stack found ("more than just first
            # 100 stacks will be found", rebuy-de/aws-nuke pull request 241; API Reference,
            # DescribeStacks: "NextToken: A string that identifies the next page of stacks").
            # A token it did not hand out is refused as DescribeStackEvents refuses one.
            stacks = [s for s in self.stacks.values() if s.status != "DELETE_COMPLETE"]
            stacks.reverse()
            start = _decode_list_token(req.params.get("NextToken"), len(stacks))
            end = start + self.stacks_page_size
            next_token = _encode_list_token(end) if end < len(stacks) else None
            stacks = stacks[start:end]
        return query_ok("cloudformation", "DescribeStacks",
                        "<Stacks>%s</Stacks>" % "".join(_stack_xml(s) for s in stacks)
                        + el("NextToken", next_token))

    def describe_stack_events(self, req, _now):
        stack = self.find(req.params.get("StackName", ""), "Stack [{}] does not exist")
        end = len(stack.events)
        token = req.params.get("NextToken")
        if token:
            end = _decode_token(token, stack.stack_id, end)
        start = max(0, end - self.events_page_size)
        page = "".join(_event_xml(stack, e) for e in reversed(stack.events[start:end]))
        next_token = _encode_token(stack.stack_id, start) if start > 0 else None
        return query_ok("cloudformation", "DescribeStackEvents",
                        f"<StackEvents>{page}</StackEvents>{el('NextToken', next_token)}")

    def describe_stack_resources(self, req, _now):
        stack = self.find(req.params.get("StackName", ""), "Stack with id {} does not exist")
        wanted = req.params.get("LogicalResourceId")
        rows = "".join(
            "<member>" + _resource_xml(stack, r, "Timestamp") + "</member>"
            for r in _started(stack) if not wanted or r.lid == wanted)
        return query_ok("cloudformation", "DescribeStackResources",
                        f"<StackResources>{rows}</StackResources>")

    def describe_stack_resource(self, req, _now):
        stack = self.find(req.params.get("StackName", ""), "Stack with id {} does not exist")
        lid = req.params.get("LogicalResourceId", "")
        res = stack.resources.get(lid)
        if res is None or res.status is None:
            raise ApiError(400, "ValidationError",
                           f"Resource {lid} does not exist for stack {stack.name}")
        return query_ok("cloudformation", "DescribeStackResource",
                        "<StackResourceDetail>%s<Metadata>{}</Metadata></StackResourceDetail>"
                        % _resource_xml(stack, res, "LastUpdatedTimestamp"))

    def list_stack_resources(self, req, _now):
        stack = self.find(req.params.get("StackName", ""), "Stack with id {} does not exist")
        rows = _started(stack)
        token = req.params.get("NextToken") or "0"
        if not token.isdigit():  # as DescribeStackEvents answers a token it did not give
            raise ApiError(400, "ValidationError", "Invalid NextToken")
        start = int(token)
        page = rows[start:start + PAGE]
        next_token = str(start + PAGE) if start + PAGE < len(rows) else None
        body = "".join("<member>" + _resource_xml(None, r, "LastUpdatedTimestamp") + "</member>"
                       for r in page)
        return query_ok("cloudformation", "ListStackResources",
                        f"<StackResourceSummaries>{body}</StackResourceSummaries>"
                        + el("NextToken", next_token))

    def list_stacks(self, req, _now):
        wanted = set(members(req.params, "StackStatusFilter.member"))
        rows = []
        for stack in reversed(list(self.stacks.values())):
            if wanted and stack.status not in wanted:
                continue
            rows.append("<member>" + el("StackId", stack.stack_id) + el("StackName", stack.name)
                        + el("TemplateDescription", stack.description)
                        + el("CreationTime", iso(stack.created))
                        + el("DeletionTime", stack.deleted and iso(stack.deleted))
                        + el("StackStatus", stack.status)
                        + el("StackStatusReason", stack.reason)
                        + "<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus>"
                        "</DriftInformation></member>")
        return query_ok("cloudformation", "ListStacks",
                        "<StackSummaries>%s</StackSummaries>" % "".join(rows))

    def summary(self):
        return [{"StackName": s.name, "StackId": s.stack_id, "StackStatus": s.status,
                 "Scenario": s.scenario, "Speed": s.speed, "Events": len(s.events),
                 "Resources": {r.lid: r.status for r in s.resources.values()}}
                for s in self.stacks.values()]


def release_addresses(moto, account, region, public_ips):
    """CloudFormation releases a stack's AWS::EC2::EIP resources when it deletes the stack;
    moto's stack deletion leaves them allocated (its ElasticAddress has no CloudFormation
    delete), where they would count against the account's Elastic IP quota."""
    with moto.lock:
        ec2 = moto.backend("ec2", account, region)
        for ip in public_ips:
            for step in (ec2.disassociate_address, ec2.release_address):
                try:
                    step(address=ip)
                except Exception:  # moto's own types: not associated / already released
                    pass


def check_name(value, field):
    """Stack and change set names: AWS's pattern, 128 characters at most."""
    if not NAME.fullmatch(value):
        raise ApiError(400, "ValidationError",
                       f"1 validation error detected: Value '{value}' at '{field}' failed "
                       "to satisfy constraint: Member must satisfy regular expression "
                       "pattern: [a-zA-Z][-a-zA-Z0-9]*")


def _moto_message(reply):
    match = re.search(rb"<Message>([^<]*)</Message>", reply)
    return match.group(1).decode() if match else "moto rejected the template"


def _encode_token(stack_id, index):
    raw = json.dumps({"stack": stack_id, "before": index}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(token, stack_id, limit):
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        index = int(data["before"])
        if data["stack"] != stack_id or not 0 < index <= limit:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, "ValidationError", "Invalid NextToken") from None
    return index


def _encode_list_token(index):
    raw = json.dumps({"stacks": index}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_list_token(token, limit):
    """Where a DescribeStacks page starts (0 without a token); a list that shrank since
    gives an empty last page."""
    if not token:
        return 0
    try:
        index = int(json.loads(base64.urlsafe_b64decode(token.encode()))["stacks"])
        if index < 1:
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ApiError(400, "ValidationError", "Invalid NextToken") from None
    return min(index, limit)


def _started(stack):
    return sorted((r for r in stack.resources.values() if r.status is not None),
                  key=lambda r: r.order)


def parameters_xml(parameters):
    return "<Parameters>%s</Parameters>" % "".join(
        "<member>" + el("ParameterKey", key) + el("ParameterValue", value)
        + el("ResolvedValue", resolved) + "</member>" for key, value, resolved in parameters)


def request_lists(params):
    """(NotificationARNs, Capabilities, Tags) of a CreateStack or CreateChangeSet."""
    return (members(params, "NotificationARNs.member"), members(params, "Capabilities.member"),
            [(t.get("Key"), t.get("Value")) for t in structs(params, "Tags.member")])


def request_xml(notification_arns, capabilities, tags):
    """Those lists as stacks and change sets show them."""
    return ("<NotificationARNs>%s</NotificationARNs>" % "".join(
                el("member", a) for a in notification_arns)
            + "<Capabilities>%s</Capabilities>" % "".join(el("member", c) for c in capabilities)
            + "<Tags>%s</Tags>" % "".join(
                "<member>" + el("Key", k) + el("Value", v) + "</member>" for k, v in tags))


def _stack_xml(stack):
    outputs = ""
    if stack.outputs_visible and stack.outputs:
        extra = [{"OutputKey": k, "OutputValue": v}
                 for k, v in stack.texts.get("extra_outputs", {}).items()]
        outputs = "<Outputs>%s</Outputs>" % "".join(
            "<member>" + el("OutputKey", o["OutputKey"]) + el("OutputValue", o["OutputValue"])
            + el("Description", o.get("Description")) + el("ExportName", o.get("ExportName"))
            + "</member>" for o in stack.outputs + extra)
    return ("<member>" + el("StackId", stack.stack_id) + el("StackName", stack.name)
            + el("Description", stack.description)
            + parameters_xml(stack.parameters)
            + el("CreationTime", iso(stack.created))
            + el("DeletionTime", stack.deleted and iso(stack.deleted))
            + "<RollbackConfiguration/>" + el("StackStatus", stack.status)
            + el("StackStatusReason", stack.texts.get("status_reason") or stack.reason)
            + el("ChangeSetId", stack.change_set_id)
            + el("DisableRollback", stack.on_failure == "DO_NOTHING")
            + el("TimeoutInMinutes", stack.timeout)
            + request_xml(stack.notification_arns, stack.capabilities, stack.tags) + outputs
            + el("EnableTerminationProtection", False)
            + "<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus>"
              "</DriftInformation></member>")


def _event_xml(stack, event):
    return ("<member>" + el("StackId", stack.stack_id) + el("EventId", event.event_id)
            + el("StackName", stack.name) + el("LogicalResourceId", event.lid)
            + el("PhysicalResourceId", event.physical_id)
            + el("ResourceType", event.rtype) + el("Timestamp", iso(event.ts))
            + el("ResourceStatus", event.status) + el("ResourceStatusReason", event.reason)
            + el("ClientRequestToken", stack.token) + "</member>")


def _resource_xml(stack, res, time_tag):
    head = (el("StackName", stack.name) + el("StackId", stack.stack_id)) if stack else ""
    return (head + el("LogicalResourceId", res.lid)
            + el("PhysicalResourceId", res.physical_id) + el("ResourceType", res.rtype)
            + el(time_tag, iso(res.updated)) + el("ResourceStatus", res.status)
            + el("ResourceStatusReason", res.reason)
            + "<DriftInformation><StackResourceDriftStatus>NOT_CHECKED"
              "</StackResourceDriftStatus></DriftInformation>")


def declared_parameters(template, params, resolved_parameters=None):
    """The stack's parameters as AWS shows them: (key, value, ResolvedValue), an SSM-typed
    one keeping its path and adding what it resolved to once moto has resolved it."""
    given = {p.get("ParameterKey"): p.get("ParameterValue")
             for p in structs(params, "Parameters.member")}
    parameters = []
    for key, spec in template.get("Parameters", {}).items():
        value = given.get(key, spec.get("Default"))
        resolved = (resolved_parameters or {}).get(key)
        if spec.get("NoEcho"):
            value, resolved = "****", None
        elif not str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
            resolved = None
        elif isinstance(resolved, list):
            resolved = ",".join(resolved)
        parameters.append((key, None if value is None else str(value), resolved))
    return parameters


def moto_stack_info(moto, account, region, stack_id, template, deps, params):
    """What the timeline shows of the stack moto created: parameters, outputs, and per
    resource its physical id and, for instances, the facts SSM needs."""
    with moto.lock:
        moto_stack = moto.cfn_stack(account, region, stack_id)
        resource_map = moto_stack.resource_map
        parameters = declared_parameters(template, params, resource_map.resolved_parameters)
        # Addresses of instances and interfaces are reported as their loopback aliases.
        addresses = moto.interface_addresses(account, region)
        outputs = [{k: (None if v is None else rewrite_text(str(v), addresses))
                    for k, v in o.items()} for o in moto_stack.outputs or []]
        resources = []
        for lid, body in template["Resources"].items():
            condition = body.get("Condition")
            if condition and not resource_map.lazy_condition_map[condition]:
                continue
            made = resource_map._parsed_resources.get(lid)
            rtype = body.get("Type", "")
            physical_id = getattr(made, "physical_resource_id", None) \
                or synthetic_physical_id(moto_stack.name, lid, rtype)
            node = None
            if rtype == "AWS::EC2::Instance" and made is not None:
                node = {"instance_id": made.id, "instance_type": made.instance_type,
                        "az": str(made.placement), "private_ip": alias(made.private_ip),
                        "image_id": made.image_id,
                        "image_name": moto.image_name(account, region, made.image_id),
                        "tags": {t["key"]: t["value"] for t in made.get_tags()}}
                node["launch"] = dict(launchrules.template_spec(
                    template["Resources"], lid, body, {
                        k: getattr(v, "physical_resource_id", None) or getattr(v, "name", k)
                        for k, v in resource_map._parsed_resources.items()}),
                    az=_launch_zone(made, template["Resources"], body,
                                    resource_map._parsed_resources, node["az"]),
                    image_id=made.image_id)
            resources.append((lid, rtype, deps[lid], physical_id, node))
        kept = {r[0] for r in resources}
        resources = [(lid, rtype, dep & kept, pid, node)
                     for lid, rtype, dep, pid, node in resources]
    return {"parameters": parameters, "outputs": outputs, "resources": resources}


def _launch_zone(made, resources, body, parsed, fallback):
    """The zone an instance launches in: its primary interface's subnet's. moto places an
    instance whose launch template names a NetworkInterfaceId in the region's zone "a"
    (with an interface of its own there), so the template's interface is looked up."""
    subnet = None
    lt = ((body.get("Properties") or {}).get("LaunchTemplate") or {}).get("LaunchTemplateId")
    data = {}
    if isinstance(lt, dict) and lt.get("Ref") in resources:
        data = (resources[lt["Ref"]].get("Properties") or {}).get("LaunchTemplateData") or {}
    for nic in data.get("NetworkInterfaces") or []:
        ref = nic.get("NetworkInterfaceId")
        if nic.get("DeviceIndex") == 0 and isinstance(ref, dict):
            subnet = getattr(parsed.get(ref.get("Ref")), "subnet", None)
    if subnet is None:
        subnet = getattr((getattr(made, "nics", None) or {}).get(0), "subnet", None)
    return getattr(subnet, "availability_zone", None) or fallback


def synthetic_physical_id(stack_name, lid, rtype):
    """A physical id for resources moto skips, in the form AWS gives that type."""
    if rtype in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
        return "sgr-0" + secrets.token_hex(8)
    suffix = "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(12))
    return f"{stack_name}-{lid}-{suffix}"
