"""The HTTP front: answers what the simulators own, forwards the rest to moto, applies
faults, and serves the control API under /_sandbox/ (never subject to faults)."""

import json
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import launchrules
from .capacity import Capacity
from .changesets import ChangeSets
from .cfn import PAGE, SCENARIOS, CloudFormation, Stack
from .loopback import rewrite_ec2_xml
from .motoctl import Moto
from . import instance_types
from .paging import logs_describe_log_streams
from .imds import Imds
from .quotas import Quotas
from .sagemaker import SageMaker
from .ssmrun import Ssm
from .sso import Sso
from .validate import Validator
from .wire import ApiError, Request, Response, error_response, server_error, throttling_error

ACCESS_KEY = "AKIASANDBOXEXAMPLE00"
SECRET_KEY = "sandbox-secret-key-not-a-real-credential"
TEXT_SETTINGS = ("failure_reason", "status_reason", "extra_outputs")
TICK = 0.1  # seconds between timeline advances when nobody asks
# moto's replies that carry instances' and network interfaces' addresses (see loopback.py)
ADDRESS_REPLIES = {("ec2", "DescribeInstances"), ("ec2", "RunInstances"),
                   ("ec2", "DescribeNetworkInterfaces"), ("ec2", "CreateNetworkInterface")}


class World:
    """Everything the sandbox simulates, sharing moto's lock."""

    access_key = ACCESS_KEY
    secret_key = SECRET_KEY

    def __init__(self, scenario, speed, faults, workdir, verbose, quotas=None, validate=True,
                 node_profile="simulated-efa"):
        self.moto = Moto(verbose)
        self.lock = self.moto.lock
        self.scenario = scenario
        self.speed = speed
        self.faults = faults
        self.workdir = workdir
        self.verbose = verbose
        self.endpoint = ""
        # CloudFormation text the stacks carry (POST /_sandbox/config): failure_reason,
        # status_reason, extra_outputs. Empty: what AWS would say.
        self.texts = {}
        self.quotas = Quotas(self.moto, **(quotas or {}))
        Stack.quotas = self.quotas
        self.cfn = CloudFormation(self)
        self.quotas.unlaunched = self.cfn.unlaunched
        self.capacity = Capacity(self.moto, time.time())
        self.ssm = Ssm(self, workdir, node_profile)
        self.change_sets = ChangeSets(self)
        self.sso = Sso()
        self.sagemaker = SageMaker(self.moto)
        # the nodes' IMDSv2 (imds.py). "instance_role" (the default): node commands get the
        # instance role's credentials from there only, as on EC2, where an instance has no
        # keys in its environment (EC2 User Guide, "IAM roles for Amazon EC2": applications
        # get temporary credentials from the instance metadata); "environment" adds keys.
        self.imds = Imds(self)
        self.node_credentials = "instance_role"
        # requests AWS would refuse are refused before routing (validate.py)
        self.validator = Validator(validate)
        self.routes = {
            ("cloudformation", "CreateStack"): self.cfn.create_stack,
            ("cloudformation", "DeleteStack"): self.cfn.delete_stack,
            ("cloudformation", "DescribeStacks"): self.cfn.describe_stacks,
            ("cloudformation", "DescribeStackEvents"): self.cfn.describe_stack_events,
            ("cloudformation", "DescribeStackResources"): self.cfn.describe_stack_resources,
            ("cloudformation", "DescribeStackResource"): self.cfn.describe_stack_resource,
            ("cloudformation", "ListStackResources"): self.cfn.list_stack_resources,
            ("cloudformation", "ListStacks"): self.cfn.list_stacks,
            ("cloudformation", "CreateChangeSet"): self.change_sets.create_change_set,
            ("cloudformation", "ExecuteChangeSet"): self.change_sets.execute_change_set,
            ("cloudformation", "DescribeChangeSet"): self.change_sets.describe_change_set,
            ("cloudformation", "ListChangeSets"): self.change_sets.list_change_sets,
            ("cloudformation", "DeleteChangeSet"): self.change_sets.delete_change_set,
            ("ec2", "DescribeCapacityReservations"):
                self.capacity.describe_capacity_reservations,
            ("ec2", "DescribeCapacityBlockOfferings"):
                self.capacity.describe_capacity_block_offerings,
            ("ec2", "PurchaseCapacityBlock"): self.capacity.purchase_capacity_block,
            ("ec2", "CreateCapacityReservation"): self.capacity.create_capacity_reservation,
            ("ec2", "CreatePlacementGroup"): self.capacity.create_placement_group,
            ("ec2", "DescribePlacementGroups"): self.capacity.describe_placement_groups,
            ("ec2", "RunInstances"): self._run_instances,
            ("ssm", "SendCommand"): self.ssm.send_command,
            ("ssm", "GetCommandInvocation"): self.ssm.get_command_invocation,
            ("ssm", "ListCommands"): self.ssm.list_commands,
            ("ssm", "ListCommandInvocations"): self.ssm.list_command_invocations,
            ("ssm", "CancelCommand"): self.ssm.cancel_command,
            ("ssm", "DescribeInstanceInformation"): self.ssm.describe_instance_information,
            ("sts", "AssumeRole"): self._assume_role,
            ("logs", "DescribeLogStreams"): logs_describe_log_streams(self),
            ("ec2", "AllocateAddress"): lambda req, _now: self.quotas.allocate_address(self, req),
            ("servicequotas", "GetServiceQuota"): self.quotas.get_service_quota,
            ("ec2", "DescribeInstanceTypes"):
                lambda req, _now: instance_types.describe_instance_types(self, req),
            ("sagemaker", "DescribeMlflowTrackingServer"):
                self.sagemaker.describe_mlflow_tracking_server,
        }
        self._stopping = threading.Event()
        self._ticker = threading.Thread(target=self._tick_loop, daemon=True, name="ticker")
        self._ticker.start()

    def tick(self, now=None):
        with self.lock:
            self.cfn.tick(time.time() if now is None else now)

    def _tick_loop(self):
        # Side effects of the timelines (moto deletions, agents coming online) happen on
        # time even when no client polls.
        while not self._stopping.wait(TICK):
            self.tick()

    def handle(self, req):
        try:  # outside the lock: it reads only the request and the cached models
            self.validator.check(req)
        except ApiError as err:
            # on stderr too: a test that keeps the sandbox's stderr clean then fails on any
            # request AWS would refuse
            sys.stderr.write(f"sandbox: refused {req.service}:{req.action}: {err.code}: "
                             f"{err.message[:300]}\n")
            return error_response(req, err)
        handler = self.routes.get((req.service, req.action))
        with self.lock:
            try:
                self.moto.ensure_region(self.moto.account_for(req.access_key), req.region)
                if handler is None:
                    return self.forward(req)
                now = time.time()
                self.cfn.tick(now)
                return handler(req, now)
            except ApiError as err:
                return error_response(req, err)
            except Exception:  # a sandbox bug: say so the AWS way, keep serving
                traceback.print_exc()
                return error_response(req, server_error(req, 500))

    def _run_instances(self, req, now):
        """RunInstances: moto's, once the capacity reservation rules (launchrules.py) and
        then the family's vCPU quota (quotas.py) pass."""
        account = self.moto.account_for(req.access_key)
        spec = launchrules.run_instances_spec(req.params)
        refused = launchrules.volume_refusal(
            self.moto.image_root(account, req.region, req.params.get("ImageId")),
            spec["mappings"]) or launchrules.refusal(self.capacity, account, req.region, spec,
                                                    now)
        if refused:
            raise refused
        reply = self.quotas.run_instances(self, req)
        if reply.status == 200 and spec["reservation"]:
            self.capacity.take(account, req.region, spec["reservation"], spec["count"])
        return reply

    def _assume_role(self, req, now):
        self.sso.note_assume_role(req)
        return self.sso.expire_assumed_role(self.forward(req), now)

    def forward(self, req):
        """moto's reply to the request, with instances' addresses made loopback aliases."""
        status, headers, body = self.moto.forward(req.method, req.target, req.headers,
                                                  req.body)
        if status == 200 and (req.service, req.action) in ADDRESS_REPLIES:
            body = rewrite_ec2_xml(body)
        return Response(status, body, headers)

    def configure(self, changes):
        """POST /_sandbox/config: scenario, speed, events_page_size, stacks_page_size (new operations);
        failure_reason, status_reason, extra_outputs (CloudFormation's text, at once);
        tool_lines, tool_exit (nodes' commands from now on); node_profile ("simulated-efa" or
        "host": every stack's nodes' commands from now on), node_profiles ({stack: profile});
        validate (bool: check requests against botocore's models), validation_reset (true:
        zero the refusal counters); mlflow_tracking_servers, mlflow_experiments_endpoint
        (SageMaker's managed MLflow, sagemaker.py);
        node_credentials (environment | instance_role: node commands' credentials)."""
        if "scenario" in changes and changes["scenario"] not in SCENARIOS:
            raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}")
        if "speed" in changes and (isinstance(changes["speed"], bool) or not isinstance(
                changes["speed"], (int, float)) or changes["speed"] <= 0):
            raise ValueError("speed must be a number > 0")
        size = changes.get("events_page_size", self.cfn.events_page_size)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= PAGE:
            raise ValueError(f"events_page_size must be an integer from 1 to {PAGE}")
        stacks_page = changes.get("stacks_page_size", self.cfn.stacks_page_size)
        if isinstance(stacks_page, bool) or not isinstance(stacks_page, int) or not 1 <= stacks_page <= PAGE:
            raise ValueError(f"stacks_page_size must be an integer from 1 to {PAGE}")
        texts = {k: changes[k] for k in TEXT_SETTINGS if k in changes}
        for key in ("failure_reason", "status_reason"):
            if key in texts and not isinstance(texts[key], str):
                raise ValueError(f"{key} must be a string (\"\" for AWS's own)")
        outputs = texts.get("extra_outputs", {})
        if not isinstance(outputs, dict) or not all(
                isinstance(v, str) for v in outputs.values()):
            raise ValueError("extra_outputs must be an object of strings")
        for text in [texts.get("failure_reason", ""), texts.get("status_reason", "")] + [
                k + v for k, v in outputs.items()]:
            if any(ord(c) < 0x20 and c not in "\t\n\r" for c in text):
                # XML 1.0 has no way to write them, so CloudFormation cannot send them
                raise ValueError("CloudFormation text cannot hold C0 controls but tab, "
                                 "newline and CR")
        tools = changes.get("tool_lines", self.ssm.tool_lines)  # each kept unless given
        exits = changes.get("tool_exit", self.ssm.tool_exit)
        if not isinstance(tools, dict) or not isinstance(exits, dict):
            raise ValueError("tool_lines and tool_exit must be objects: {tool: [line, ...]}, "
                             "{tool: code}")
        self.quotas.validate(changes)  # eip_quota, vcpu_quota, service_quotas_denied
        self.ssm.profiles.validate(changes)  # node_profile, node_profiles
        self.sagemaker.validate(changes)  # mlflow_tracking_servers, mlflow_experiments_endpoint
        if changes.get("node_credentials", "environment") not in ("environment",
                                                                  "instance_role"):
            raise ValueError("node_credentials must be environment (the sandbox's keys and "
                             "IMDS) or instance_role (IMDS only, as on EC2)")
        with self.lock:  # moto's table: imported under the lock (see Moto.warm_up)
            instance_types.validate(changes)
        if not isinstance(changes.get("validate", True), bool) or not isinstance(
                changes.get("validation_reset", False), bool):
            raise ValueError("validate and validation_reset must be true or false")
        unknown = set(changes) - {"scenario", "speed", "events_page_size", "stacks_page_size", "tool_lines",
                                  "tool_exit", *TEXT_SETTINGS, "eip_quota", "vcpu_quota",
                                  "service_quotas_denied", "efa_interfaces", "validate",
                                  "validation_reset", "mlflow_tracking_servers",
                                  "mlflow_experiments_endpoint", "node_credentials",
                                  "node_profile", "node_profiles"}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        with self.lock:
            self.scenario = changes.get("scenario", self.scenario)
            self.speed = float(changes.get("speed", self.speed))
            self.cfn.events_page_size = size
            self.cfn.stacks_page_size = stacks_page
            self.texts.update(texts)
            self.quotas.apply(changes)
            self.sagemaker.apply(changes)
            self.node_credentials = changes.get("node_credentials", self.node_credentials)
            instance_types.apply(changes)
            self.ssm.profiles.apply(changes)
            if "tool_lines" in changes or "tool_exit" in changes:
                self.ssm.set_tools(tools, exits)
            self.validator.enabled = changes.get("validate", self.validator.enabled)
            if changes.get("validation_reset"):
                self.validator.reset_counts()

    def state(self):
        now = time.time()
        with self.lock:
            self.cfn.tick(now)
            nodes = {}
            for stack in self.cfn.stacks.values():
                for node in self.ssm.nodes(stack.account, stack.region, now).values():
                    nodes[node["instance_id"]] = {k: node[k] for k in (
                        "ping", "stack", "lid", "index", "private_ip", "az")}
            return {"endpoint": self.endpoint, "moto_endpoint": self.moto.endpoint,
                    "scenario": self.scenario, "speed": self.speed,
                    "events_page_size": self.cfn.events_page_size,
                    "stacks_page_size": self.cfn.stacks_page_size, "texts": self.texts,
                    "tool_dir": self.ssm.tool_dir,
                    "node_profiles": self.ssm.profiles.summary(),
                    "faults": self.faults.snapshot(), "workdir": self.workdir,
                    "stacks": self.cfn.summary(), "managed_nodes": nodes,
                    "commands": self.ssm.summary(),
                    "node_isolation": self.ssm.isolation or "hostname and /tmp per node",
                    "capacity_reservations": self.capacity.summary(),
                    "quotas": self.quotas.summary(),
                    "validation": self.validator.summary(),
                    "imds_endpoint": self.imds.endpoint,
                    "node_credentials": self.node_credentials,
                    "mlflow_tracking_servers": self.sagemaker.summary(),
                    "mlflow_experiments_endpoint": self.sagemaker.experiments_endpoint}

    def stop(self):
        self._stopping.set()
        self.faults.resume()
        self.ssm.stop()
        self.imds.stop()
        self.moto.stop()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as SDKs and libcurl expect
    world = None  # set by serve()

    def do_request(self):
        body = self._read_body()
        if body is None:
            return
        if self.path.startswith("/_sandbox/"):
            return self._send(self._control(body))
        # the unsigned calls of SSO, SSO-OIDC and web identity carry no SigV4 scope
        resp = self.world.validator.check_unsigned(self.command, self.path, self.headers, body)
        if resp is not None:
            last = self.world.validator.summary()["last"][-1]
            sys.stderr.write(f"sandbox: refused {last['operation']}: {last['code']}: "
                             f"{last['message'][:300]}\n")
        else:
            resp = self.world.sso.handle(self.command, self.path, self.headers, body)
        if resp is not None:
            return self._send(resp)
        req = Request(self.command, self.path, self.headers, body)
        fate = self.world.faults.apply(req.service)
        if fate == "drop":
            self.close_connection = True  # hang up without a reply
            return
        if fate == "throttle":
            return self._send(error_response(req, throttling_error(req)))
        if fate in (500, 503):
            return self._send(error_response(req, server_error(req, fate)))
        self._send(self.world.handle(req))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_request

    def _read_body(self):
        """The request body (Content-Length or chunked); None after a bad or cut request."""
        try:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                data = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline().strip():  # trailers
                            pass
                        return bytes(data)
                    data += self.rfile.read(size)
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""
        except ValueError:
            self.send_error(400, "malformed request body framing")
        except ConnectionError:
            self.close_connection = True
        return None

    def _send(self, resp):
        self.send_response(resp.status)
        names = set()
        for name, value in resp.headers:
            names.add(name.lower())
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(resp.body)))
        try:
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nothing to tell it

    def _control(self, body):
        world = self.world
        route = (self.command, self.path.split("?")[0].rstrip("/"))
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("the body must be a JSON object")
            if route == ("GET", "/_sandbox/state"):
                return _json(200, world.state())
            if route == ("GET", "/_sandbox/faults"):
                return _json(200, world.faults.snapshot())
            if route == ("POST", "/_sandbox/faults"):
                if data.pop("reset", False):
                    world.faults.reset()
                world.faults.update(data)
                return _json(200, world.faults.snapshot())
            if route == ("POST", "/_sandbox/pause"):
                seconds = data.get("seconds")
                if seconds is not None and (isinstance(seconds, bool) or not isinstance(
                        seconds, (int, float)) or seconds < 0):
                    raise ValueError("seconds must be a number >= 0 (omit it to pause until "
                                     "POST /_sandbox/resume)")
                world.faults.pause(seconds)
                return _json(200, world.faults.snapshot())
            if route == ("POST", "/_sandbox/resume"):
                world.faults.resume()
                return _json(200, world.faults.snapshot())
            if route == ("POST", "/_sandbox/config"):
                world.configure(data)
                return _json(200, world.state())
            if route == ("GET", "/_sandbox/sso"):
                return _json(200, world.sso.state())
            if route == ("POST", "/_sandbox/sso"):
                world.sso.configure(data)
                return _json(200, world.sso.state())
        except ValueError as exc:
            return _json(400, {"error": str(exc)})
        return _json(404, {"error": f"no control endpoint {route[0]} {route[1]}",
                           "endpoints": ["GET /_sandbox/state", "GET /_sandbox/faults",
                                         "POST /_sandbox/faults", "POST /_sandbox/pause",
                                         "POST /_sandbox/resume", "POST /_sandbox/config",
                                         "GET /_sandbox/sso", "POST /_sandbox/sso"]})

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        if self.world.verbose:
            sys.stderr.write("sandbox: %s %s\n" % (self.address_string(), format % args))


def _json(status, data):
    return Response(status, json.dumps(data, indent=1, default=str),
                    [("Content-Type", "application/json")])


def serve(world, port):
    """Bind 127.0.0.1:port (0 = any free port); returns the server, not yet serving."""
    handler = type("BoundHandler", (Handler,), {"world": world})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    world.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    return server
