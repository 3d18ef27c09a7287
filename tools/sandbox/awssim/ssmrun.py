"""SSM for the stacks' instances: agents that register some time after their instance is
running, and AWS-RunShellScript commands that really run, one child process per
instance in that instance's own directory, with output streamed to CloudWatch Logs."""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

from . import efasim, nodebox
from .paging import ssm_page
from .wire import ApiError, iso, json_ok

DOCUMENT = "AWS-RunShellScript"
PLUGIN = "aws:runShellScript"
STDOUT_LIMIT, STDERR_LIMIT, PLUGIN_OUTPUT_LIMIT = 24000, 8000, 2500
MAX_INSTANCE_IDS = 50
CAPTURE_LIMIT = 16 << 20  # bytes kept per stream; AWS keeps far less
DELIVERY = 1.0  # seconds (divided by --speed) until the agent picks a command up
AGENT_VERSION = "3.3.1802.0"
TERMINAL = {"Success", "Failed", "TimedOut", "Cancelled"}
FILTER_KEYS = {"InstanceIds", "AgentVersion", "PingStatus", "PlatformTypes", "ResourceType",
               "SourceIds", "SourceTypes"}


def _bad(code, message):
    return ApiError(400, code, message)


def _elapsed(start, end):
    return f"PT{end - start:.3f}S" if start and end else ""


def _base_path():
    return os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")


def _shell_quote(data):
    """bytes single-quoted for /bin/sh: nothing inside is special but the quote."""
    return b"'" + data.replace(b"'", b"'\\''") + b"'"


class Invocation:
    def __init__(self, command, node):
        self.command = command
        self.node = node
        self.instance_id = node["instance_id"]
        self.status = "Pending"
        self.details = "Pending"
        self.code = -1
        self.started = None
        self.ended = None
        self.out = bytearray()
        self.err = bytearray()
        self.proc = None
        self.cancelled = False
        self.urls = {"stdout": "", "stderr": ""}

    def text(self, stream, limit):
        """What GetCommandInvocation shows: nothing until the command ends, then the
        first `limit` characters."""
        if self.status not in TERMINAL:
            return ""
        data = self.out if stream == "stdout" else self.err
        return data.decode("utf-8", "replace")[:limit]

    def plugin_output(self):
        text = self.text("stdout", PLUGIN_OUTPUT_LIMIT)
        err = self.text("stderr", PLUGIN_OUTPUT_LIMIT)
        if err:
            text += "\n\n\n----------ERROR-------\n" + err
        return text[:PLUGIN_OUTPUT_LIMIT]


class Command:
    def __init__(self, data, account, region, timeout_seconds, execution_timeout, log_group):
        self.id = str(uuid.uuid4())
        self.data = data
        self.account = account
        self.region = region
        self.requested = time.time()
        self.timeout_seconds = timeout_seconds
        self.execution_timeout = execution_timeout
        self.log_group = log_group  # None when CloudWatch output is off
        self.invocations = {}

    @property
    def status(self):
        states = [i.status for i in self.invocations.values()]
        if not states:
            return "Success"
        if any(s not in TERMINAL for s in states):
            return "Pending" if all(s == "Pending" for s in states) else "InProgress"
        for status in ("Failed", "TimedOut", "Cancelled"):
            if status in states:
                return status
        return "Success"

    def cloudwatch(self):
        return {"CloudWatchLogGroupName": self.log_group or "",
                "CloudWatchOutputEnabled": self.log_group is not None}

    def s3_target(self):
        return (self.data.get("OutputS3BucketName") or "",
                self.data.get("OutputS3KeyPrefix") or "")

    def to_json(self):
        invs = list(self.invocations.values())
        done = [i for i in invs if i.status in TERMINAL]
        bucket, prefix = self.s3_target()
        return {
            "CommandId": self.id, "DocumentName": self.data["DocumentName"],
            "DocumentVersion": self.data.get("DocumentVersion", "$DEFAULT"),
            "Comment": self.data.get("Comment", ""),
            "ExpiresAfter": self.requested + self.timeout_seconds,
            "Parameters": self.data.get("Parameters", {}),
            "InstanceIds": self.data.get("InstanceIds", []),
            "Targets": self.data.get("Targets", []),
            "RequestedDateTime": self.requested, "Status": self.status,
            "StatusDetails": self.status, "OutputS3Region": self.region,
            "OutputS3BucketName": bucket, "OutputS3KeyPrefix": prefix,
            "MaxConcurrency": self.data.get("MaxConcurrency", "50"),
            "MaxErrors": self.data.get("MaxErrors", "0"), "TargetCount": len(invs),
            "CompletedCount": len(done),
            "ErrorCount": sum(i.status in ("Failed", "TimedOut") and
                              i.details != "DeliveryTimedOut" for i in done),
            "DeliveryTimedOutCount": sum(i.details == "DeliveryTimedOut" for i in done),
            "ServiceRole": "",
            "NotificationConfig": {"NotificationArn": "", "NotificationEvents": [],
                                   "NotificationType": ""},
            "CloudWatchOutputConfig": self.cloudwatch(),
            "TimeoutSeconds": self.timeout_seconds,
        }


class Ssm:
    def __init__(self, world, workdir, node_profile=efasim.DEFAULT_PROFILE):
        self.world = world
        self.moto = world.moto
        self.lock = world.moto.lock
        self.workdir = workdir
        self.commands = {}  # command id -> Command, in send order
        self.tool_dir = None  # wrappers first on the nodes' PATH (set_tools)
        self.tool_lines, self.tool_exit = {}, {}
        # simulated EFA nodes or this host's tools, per stack (efasim.py)
        self.profiles = efasim.Profiles(workdir, node_profile)
        # "" when each node gets its own hostname and /tmp (nodebox.py), else why not
        self.isolation = nodebox.probe(workdir)
        if self.isolation:
            sys.stderr.write(f"sandbox: node commands share this host's hostname and /tmp: "
                             f"{self.isolation}\n")

    # ----- managed nodes, derived from the stack timelines -----
    def nodes(self, account, region, now):
        found = {}
        for stack in self.world.cfn.stacks.values():
            if stack.account != account or stack.region != region:
                continue
            instances = [r for r in stack.resources.values() if r.rtype == "AWS::EC2::Instance"]
            for res, ping, since in stack.managed_nodes(now):
                digits = re.search(r"(\d+)$", res.lid)
                node = dict(res.node, ping=ping, since=since, stack=stack.name, lid=res.lid,
                            index=int(digits.group(1)) if digits else instances.index(res) + 1,
                            left=res.delete_started_at)
                found[node["instance_id"]] = node
        return found

    def describe_instance_information(self, req, now):
        data = req.body_json()
        account = self.moto.account_for(req.access_key)
        filters = [(f.get("key"), f.get("valueSet") or [])
                   for f in data.get("InstanceInformationFilterList") or []]
        filters += [(f.get("Key"), f.get("Values") or []) for f in data.get("Filters") or []]
        for key, _ in filters:
            if key not in FILTER_KEYS and not str(key).startswith("tag:") and key != "tag-key":
                raise _bad("InvalidInstanceInformationFilterValue", f"Invalid filter key {key}")
        rows = [n for n in self.nodes(account, req.region, now).values()
                if all(_filter_match(n, key, values) for key, values in filters)]
        # SSM API Reference, DescribeInstanceInformation: MaxResults 5-50, "The default
        # value is 10 items." (an 11th node is on the second page)
        reply = ssm_page("DescribeInstanceInformation", data, rows, "InstanceInformationList",
                         10, 5, 50)
        reply["InstanceInformationList"] = [_information(n, now)
                                            for n in reply["InstanceInformationList"]]
        return json_ok(reply)

    # ----- SendCommand -----
    def send_command(self, req, now):
        data = req.body_json()
        account = self.moto.account_for(req.access_key)
        document = str(data.get("DocumentName", "")).rpartition("/")[2]
        if document != DOCUMENT:
            raise _bad("InvalidDocument",
                       f"The sandbox runs only {DOCUMENT}; got {data.get('DocumentName')!r}")
        params = data.get("Parameters") or {}
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands \
                or not all(isinstance(c, str) for c in commands):
            raise _bad("InvalidParameters",
                       "Parameter \"commands\" is required and must be a list of strings.")
        execution_timeout = _number(params.get("executionTimeout", ["3600"]), 1, 172800,
                                    "InvalidParameters", "executionTimeout")
        timeout_seconds = data.get("TimeoutSeconds", 3600)
        if not isinstance(timeout_seconds, int) or not 30 <= timeout_seconds <= 2592000:
            raise _bad("ValidationException",
                       f"1 validation error detected: Value '{timeout_seconds}' at "
                       "'timeoutSeconds' failed to satisfy constraint: Member must have value "
                       "between 30 and 2592000")
        listed = data.get("InstanceIds") or []
        if len(listed) > MAX_INSTANCE_IDS:
            # SendCommandRequest.InstanceIds: "you can specify up to 50 IDs" (SSM API
            # reference); a model constraint, so a ValidationException before any lookup
            raise _bad("ValidationException",
                       f"1 validation error detected: Value '[{', '.join(listed)}]' at "
                       "'instanceIds' failed to satisfy constraint: Member must have length "
                       f"less than or equal to {MAX_INSTANCE_IDS}")
        nodes = self.nodes(account, req.region, now)
        ids = self._targets(data, nodes)
        if len(set(ids)) != len(ids):
            raise _bad("DuplicateInstanceId", "Instance Id list contains duplicates")
        unknown = [i for i in ids if i not in nodes]
        if unknown:
            raise _bad("InvalidInstanceId",
                       f"Instances [[{', '.join(unknown)}]] not in a valid state for account "
                       f"{account}")
        cw = data.get("CloudWatchOutputConfig") or {}
        group = None
        if cw.get("CloudWatchOutputEnabled"):
            group = cw.get("CloudWatchLogGroupName") or f"/aws/ssm/{DOCUMENT}"
        cmd = Command(data, account, req.region, timeout_seconds, execution_timeout, group)
        self.commands[cmd.id] = cmd
        for iid in ids:
            inv = Invocation(cmd, nodes[iid])
            cmd.invocations[iid] = inv
            threading.Thread(target=self._run, args=(inv, self.world.speed), daemon=True,
                             name=f"ssm-{cmd.id[:8]}-{iid}").start()
        return json_ok({"Command": cmd.to_json()})

    @staticmethod
    def _targets(data, nodes):
        if data.get("InstanceIds"):
            return list(data["InstanceIds"])
        if not data.get("Targets"):
            raise _bad("ValidationException", "Either InstanceIds or Targets must be specified")
        ids = []
        for target in data.get("Targets") or []:
            key, values = target.get("Key", ""), target.get("Values") or []
            if key == "InstanceIds":
                ids += values
            elif key.startswith("tag:"):
                ids += [i for i, n in nodes.items() if n["tags"].get(key[4:]) in values]
            elif key == "tag-key":
                ids += [i for i, n in nodes.items() if set(values) & set(n["tags"])]
            else:
                raise _bad("InvalidTarget", f"Target key {key} is not supported by the sandbox")
        return list(dict.fromkeys(ids))

    # ----- running one invocation -----
    def _run(self, inv, speed):
        """Deliver (wait for the agent, up to TimeoutSeconds), run, collect, finish."""
        cmd = inv.command
        time.sleep(DELIVERY / speed)
        while True:
            with self.lock:
                now = time.time()
                self.world.tick(now)
                node = self.nodes(cmd.account, cmd.region, now).get(inv.instance_id)
                if inv.cancelled:
                    return self._finish(inv, "Cancelled", "Cancelled", -1)
                if node and node["ping"] == "Online":
                    inv.status = inv.details = "InProgress"
                    inv.started = now
                    break
                if now >= cmd.requested + cmd.timeout_seconds:
                    return self._finish(inv, "TimedOut", "DeliveryTimedOut", -1)
                inv.details = "Delayed"
            time.sleep(0.2)
        timed_out = self._execute(inv, inv.started + cmd.execution_timeout)
        with self.lock:
            if inv.cancelled:
                self._finish(inv, "Cancelled", "Cancelled", -1)
            elif timed_out:
                self._finish(inv, "TimedOut", "ExecutionTimedOut", -1)
            else:
                code = inv.proc.returncode
                code = 128 - code if code < 0 else code
                status = "Success" if code == 0 else "Failed"
                self._finish(inv, status, status, code)

    def _execute(self, inv, deadline):
        """Run the script; True when it outlived executionTimeout. Like the agent, wait for
        the output pipes to close too (a background child holding them keeps it going)."""
        cmd = inv.command
        home = os.path.join(self.workdir, "nodes", inv.instance_id)
        orchestration = os.path.join(home, "orchestration", cmd.id, "awsrunShellScript",
                                     "0.awsrunShellScript")
        os.makedirs(orchestration, exist_ok=True)
        script = os.path.join(orchestration, "_script.sh")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write("\n".join(cmd.data["Parameters"]["commands"]) + "\n")
        cwd = (cmd.data["Parameters"].get("workingDirectory") or [""])[0] or home
        run = ["/bin/sh", script]
        env = self._env(inv, home)
        if not self.isolation:
            node_tmp = os.path.join(home, "tmp")
            os.makedirs(node_tmp, exist_ok=True)
            sim = self._simulate(inv, env)
            run = nodebox.argv(script, node_tmp, nodebox.hostname(inv.node), self.workdir, sim)
        try:
            proc = subprocess.Popen(run, cwd=cwd, env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            inv.err += f"failed to run commands: {exc}\n".encode()
            inv.proc = subprocess.CompletedProcess(script, 1)
            return False
        with self.lock:
            inv.proc = proc
            if inv.cancelled:
                _kill(proc)
        pumps = [threading.Thread(target=self._pump, args=(inv, pipe, name), daemon=True)
                 for pipe, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr"))]
        for pump in pumps:
            pump.start()
        timed_out = False
        try:
            proc.wait(timeout=max(0.0, deadline - time.time()))
            for pump in pumps:
                pump.join(max(0.0, deadline - time.time()))
            timed_out = any(p.is_alive() for p in pumps)
        except subprocess.TimeoutExpired:
            timed_out = True
        if timed_out:
            _kill(proc)
            proc.wait()
        for pump in pumps:
            pump.join(2.0)
        return timed_out

    def set_tools(self, tool_lines, tool_exit):
        """POST /_sandbox/config tool_lines {tool: [line, ...]} and tool_exit {tool: code}.
        Each tool named becomes, for the commands nodes run from now on, a wrapper that
        prints its lines on stdout and on stderr, then runs the real tool, or exits with
        its tool_exit code instead: a node whose tools print what a hostile or broken one
        would. Lines are UTF-8; U+DC80..U+DCFF stand for the raw bytes 0x80..0xFF
        (Python's surrogateescape), so a line can carry invalid UTF-8. {} and {} end it."""
        if not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255
                   for c in tool_exit.values()):
            raise ValueError("tool_exit: each tool takes an exit code from 0 to 255")
        wrapped = {**{t: [] for t in tool_exit}, **tool_lines}
        for tool, lines in wrapped.items():
            if not re.fullmatch(r"[A-Za-z0-9_.+-]+", tool):
                raise ValueError(f"tool_lines: {tool!r} is not a command name")
            if not isinstance(lines, list) or not all(
                    isinstance(x, str) and "\n" not in x and "\0" not in x for x in lines):
                raise ValueError("tool_lines: each tool takes a list of strings without "
                                 "newlines or NULs")
        real_path = _shell_quote(_base_path().encode())
        scripts = {}
        for tool, lines in wrapped.items():
            quoted = [_shell_quote(x.encode("utf-8", "surrogateescape")) for x in lines]
            say = b"".join(b"printf '%s\\n' " + q + b"\nprintf '%s\\n' " + q + b" >&2\n"
                           for q in quoted)
            then = (b"exit %d\n" % tool_exit[tool] if tool in tool_exit else
                    b"PATH=" + real_path + b" exec " + tool.encode() + b' "$@"\n')
            scripts[tool] = (b"#!/bin/sh\n# the sandbox's tool_lines: these lines, then the "
                             b"real tool (or tool_exit)\n" + say + then)
        directory = os.path.join(self.workdir, "tools")
        shutil.rmtree(directory, ignore_errors=True)
        self.tool_dir = None
        self.tool_lines, self.tool_exit = dict(tool_lines), dict(tool_exit)
        if not scripts:
            return
        os.makedirs(directory)
        for tool, script in scripts.items():
            path = os.path.join(directory, tool)
            with open(path, "wb") as handle:
                handle.write(script)
            os.chmod(path, 0o755)
        self.tool_dir = directory

    def _simulate(self, inv, env):
        """The simulated EFA node's directory for this invocation (its tools first on PATH,
        its facts in env), or None on the host profile. Simulated nodes need the mount
        namespace (nodebox.py): without it the host profile is all there is."""
        sim = self.profiles.node_dir(inv.node)
        if not sim:
            return None
        cmd = inv.command
        with self.lock:
            try:
                vpc_ip = self.moto.backend("ec2", cmd.account, cmd.region).get_instance(
                    inv.instance_id).private_ip
            except Exception:  # moto's InvalidInstanceID: the instance went away meanwhile
                vpc_ip = None
        alias = inv.node.get("private_ip") or "127.0.0.1"
        env.update({
            "NIXL_HOST_PATH": env["PATH"],
            "PATH": os.path.join(sim, "bin") + ":" + env["PATH"],
            "NIXL_SIMULATED_EFA": f"simulated EFA: a {inv.node.get('instance_type')} node of "
                                  "the nixl-tui sandbox (fi_pingpong -p efa runs over tcp on "
                                  "loopback)",
            "NIXL_SIMULATED_VPC_IP": vpc_ip or "10." + alias.split(".", 1)[1],
        })
        return sim

    def _env(self, inv, home):
        node, cmd = inv.node, inv.command
        endpoint = self.world.endpoint
        path = _base_path()
        env = {
            "PATH": f"{self.tool_dir}:{path}" if self.tool_dir else path,
            "HOME": home, "LANG": "C.UTF-8", "USER": "root",
            "AWS_ACCESS_KEY_ID": self.world.access_key,
            "AWS_SECRET_ACCESS_KEY": self.world.secret_key,
            "AWS_REGION": cmd.region, "AWS_DEFAULT_REGION": cmd.region,
            "AWS_ENDPOINT_URL": endpoint,
            # The real agent sets these two for every command.
            "AWS_SSM_INSTANCE_ID": inv.instance_id, "AWS_SSM_REGION_NAME": cmd.region,
            "NIXL_SANDBOX": "1", "NIXL_NODE_INDEX": str(node["index"]),
            "NIXL_INSTANCE_ID": inv.instance_id, "NIXL_STACK_NAME": node["stack"],
            "NIXL_NODE_PRIVATE_IP": node.get("private_ip") or "",
            # libfabric's IP providers would otherwise publish eth0's address: keep the
            # data path on loopback, where the nodes' addresses are.
            "FI_TCP_IFACE": "lo", "FI_SOCKETS_IFACE": "lo", "FI_UDP_IFACE": "lo",
            # the instance role's credentials, from the nodes' IMDSv2 (imds.py)
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.world.imds.node_endpoint(inv.instance_id),
        }
        env.update(self.world.sagemaker.node_env())  # SageMaker MLflow's endpoint
        if self.world.node_credentials == "instance_role":  # as on EC2: no keys in the env
            del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        return env

    def _pump(self, inv, pipe, stream):
        """Copy one output stream into the invocation and, line by line, into CloudWatch
        Logs as it arrives."""
        buffer = inv.out if stream == "stdout" else inv.err
        partial = b""
        fd = pipe.fileno()
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            room = CAPTURE_LIMIT - len(buffer)
            if room > 0:
                buffer += chunk[:room]
            if inv.command.log_group:
                *lines, partial = (partial + chunk).split(b"\n")
                self._publish(inv, stream, lines)
        if partial and inv.command.log_group:
            self._publish(inv, stream, [partial])
        pipe.close()

    def _publish(self, inv, stream, lines):
        messages = [line.decode("utf-8", "replace").rstrip("\r") for line in lines]
        messages = [m for m in messages if m]
        if not messages:
            return
        cmd = inv.command
        name = f"{cmd.id}/{inv.instance_id}/aws-runShellScript/{stream}"
        stamp = int(time.time() * 1000)
        with self.lock:
            logs = self.moto.backend("logs", cmd.account, cmd.region)
            try:
                if cmd.log_group not in logs.groups:
                    logs.create_log_group(cmd.log_group, {})
                if name not in logs.groups[cmd.log_group].streams:
                    logs.create_log_stream(cmd.log_group, name)
                logs.put_log_events(cmd.log_group, name,
                                    [{"timestamp": stamp, "message": m} for m in messages])
            except Exception as exc:  # moto's own exception types; keep the command going
                print(f"sandbox: CloudWatch Logs write failed: {exc!r}", file=sys.stderr)

    def _finish(self, inv, status, details, code):
        inv.status, inv.details, inv.code = status, details, code
        inv.ended = time.time()
        bucket, prefix = inv.command.s3_target()
        if not bucket:
            return
        for stream, data in (("stdout", inv.out), ("stderr", inv.err)):
            if not data:
                continue
            key = "/".join(p for p in (prefix.strip("/"), inv.command.id, inv.instance_id,
                                       "awsrunShellScript", "0.awsrunShellScript", stream) if p)
            try:
                self.moto.put_object(inv.command.account, bucket, key, bytes(data))
                inv.urls[stream] = f"https://s3.{inv.command.region}.amazonaws.com/{bucket}/{key}"
            except Exception as exc:  # no such bucket: the agent logs it and goes on
                print(f"sandbox: S3 output upload failed: {exc!r}", file=sys.stderr)

    # ----- reads and cancel -----
    def get_command_invocation(self, req, _now):
        data = req.body_json()
        cmd = self.commands.get(data.get("CommandId"))
        inv = cmd and cmd.invocations.get(data.get("InstanceId"))
        if not inv:
            raise _bad("InvocationDoesNotExist", "")
        if data.get("PluginName") not in (None, PLUGIN):
            raise _bad("InvalidPluginName", "")
        return json_ok({
            "CommandId": cmd.id, "InstanceId": inv.instance_id,
            "Comment": cmd.data.get("Comment", ""), "DocumentName": cmd.data["DocumentName"],
            "DocumentVersion": cmd.data.get("DocumentVersion", "$DEFAULT"),
            "PluginName": PLUGIN, "ResponseCode": inv.code,
            "ExecutionStartDateTime": iso(inv.started) if inv.started else "",
            "ExecutionElapsedTime": _elapsed(inv.started, inv.ended),
            "ExecutionEndDateTime": iso(inv.ended) if inv.ended and inv.started else "",
            "Status": inv.status, "StatusDetails": inv.details,
            "StandardOutputContent": inv.text("stdout", STDOUT_LIMIT),
            "StandardOutputUrl": inv.urls["stdout"],
            "StandardErrorContent": inv.text("stderr", STDERR_LIMIT),
            "StandardErrorUrl": inv.urls["stderr"],
            "CloudWatchOutputConfig": cmd.cloudwatch(),
        })

    def _select(self, data):
        cid = data.get("CommandId")
        if cid and cid not in self.commands:
            raise _bad("InvalidCommandId", "")
        commands = [self.commands[cid]] if cid else list(reversed(self.commands.values()))
        iid = data.get("InstanceId")
        wanted = {f.get("key"): f.get("value") for f in data.get("Filters") or []}
        return commands, iid, wanted

    def list_commands(self, req, _now):
        data = req.body_json()
        commands, iid, wanted = self._select(data)
        rows = [c.to_json() for c in commands if (not iid or iid in c.invocations)
                and wanted.get("Status") in (None, c.status)
                and wanted.get("DocumentName") in (None, c.data["DocumentName"])]
        return json_ok(ssm_page("ListCommands", data, rows, "Commands", 50, 1, 50))

    def list_command_invocations(self, req, _now):
        data = req.body_json()
        commands, iid, wanted = self._select(data)
        rows = []
        for cmd in commands:
            for inv in cmd.invocations.values():
                if iid and inv.instance_id != iid or \
                        wanted.get("Status") not in (None, inv.status):
                    continue
                rows.append(self._invocation_json(inv, bool(data.get("Details"))))
        return json_ok(ssm_page("ListCommandInvocations", data, rows, "CommandInvocations",
                                50, 1, 50))

    @staticmethod
    def _invocation_json(inv, details):
        cmd = inv.command
        bucket, prefix = cmd.s3_target()
        plugins = [] if not details else [{
            "Name": PLUGIN, "Status": inv.status, "StatusDetails": inv.details,
            "ResponseCode": inv.code, "Output": inv.plugin_output(),
            "StandardOutputUrl": inv.urls["stdout"], "StandardErrorUrl": inv.urls["stderr"],
            "OutputS3Region": cmd.region, "OutputS3BucketName": bucket,
            "OutputS3KeyPrefix": prefix,
            **({"ResponseStartDateTime": inv.started} if inv.started else {}),
            **({"ResponseFinishDateTime": inv.ended} if inv.ended and inv.started else {}),
        }]
        return {"CommandId": cmd.id, "InstanceId": inv.instance_id,
                "InstanceName": inv.node["tags"].get("Name", ""),
                "Comment": cmd.data.get("Comment", ""),
                "DocumentName": cmd.data["DocumentName"],
                "DocumentVersion": cmd.data.get("DocumentVersion", "$DEFAULT"),
                "RequestedDateTime": cmd.requested, "Status": inv.status,
                "StatusDetails": inv.details, "TraceOutput": "",
                "StandardOutputUrl": inv.urls["stdout"], "StandardErrorUrl": inv.urls["stderr"],
                "CommandPlugins": plugins, "ServiceRole": "",
                "NotificationConfig": {"NotificationArn": "", "NotificationEvents": [],
                                       "NotificationType": ""},
                "CloudWatchOutputConfig": cmd.cloudwatch()}

    def cancel_command(self, req, _now):
        data = req.body_json()
        cmd = self.commands.get(data.get("CommandId"))
        if cmd is None:
            raise _bad("InvalidCommandId", "")
        for iid, inv in cmd.invocations.items():
            if data.get("InstanceIds") and iid not in data["InstanceIds"]:
                continue
            if inv.status not in TERMINAL:
                inv.cancelled = True
                inv.details = "Cancelling"
                if isinstance(inv.proc, subprocess.Popen):
                    _kill(inv.proc)
        return json_ok({})

    def stop(self):
        """Kill what still runs (the sandbox is going away)."""
        with self.lock:
            for cmd in self.commands.values():
                for inv in cmd.invocations.values():
                    if isinstance(inv.proc, subprocess.Popen) and inv.proc.poll() is None:
                        inv.cancelled = True
                        _kill(inv.proc)

    def summary(self):
        return [{"CommandId": c.id, "Status": c.status,
                 "Invocations": {i: v.status for i, v in c.invocations.items()}}
                for c in self.commands.values()]


def _kill(proc):
    """Kill the script and everything it started. It leads its own session; a child that
    moved into a process group of its own (GNU timeout does, unless --foreground) is still
    in that session, so every process of the session is killed, not only the group."""
    victims = [proc.pid] + [pid for pid in _session_members(proc.pid) if pid != proc.pid]
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _session_members(sid):
    """PIDs whose session id (the 6th field of /proc/PID/stat) is sid."""
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 3 and fields[3] == str(sid).encode():
            members.append(int(name))
    return members


def _number(value, low, high, code, name):
    text = value[0] if isinstance(value, list) and value else value
    try:
        number = int(str(text))
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise _bad(code, f"Parameter \"{name}\" must be a number from {low} to {high}: {text!r}")
    return number


def _platform(node):
    name = node.get("image_name") or ""
    if re.search(r"amazon linux|amzn|al20\d\d", name, re.IGNORECASE):
        return "Amazon Linux", "2023"
    return "Ubuntu", "22.04"


def _filter_match(node, key, values):
    platform_name, _ = _platform(node)
    actual = {
        "InstanceIds": [node["instance_id"]], "SourceIds": [node["instance_id"]],
        "AgentVersion": [AGENT_VERSION], "PingStatus": [node["ping"]],
        "PlatformTypes": ["Linux"], "ResourceType": ["EC2Instance"],
        "SourceTypes": ["AWS::EC2::Instance"], "tag-key": list(node["tags"]),
    }.get(key)
    if actual is None:
        actual = [node["tags"].get(key[4:])]
    return any(a in values for a in actual)


def _information(node, now):
    name, version = _platform(node)
    ip = node.get("private_ip") or ""
    suffix = "ec2.internal" if node["az"].startswith("us-east-1") \
        else node["az"][:-1] + ".compute.internal"
    last_ping = now if node["ping"] == "Online" else (node["left"] or now)
    return {"InstanceId": node["instance_id"], "PingStatus": node["ping"],
            "LastPingDateTime": last_ping, "AgentVersion": AGENT_VERSION,
            "IsLatestVersion": False, "PlatformType": "Linux", "PlatformName": name,
            "PlatformVersion": version, "ResourceType": "EC2Instance", "IPAddress": ip,
            "ComputerName": f"ip-{ip.replace('.', '-')}.{suffix}",
            "SourceId": node["instance_id"], "SourceType": "AWS::EC2::Instance"}
