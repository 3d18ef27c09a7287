#!/usr/bin/env python3
"""A small stand-in for SSM Run Command and CloudWatch Logs, for the SSM executor's
tests (tests/test_exec.c): SendCommand runs the script with sh in a temporary directory
in its own process group, each output line goes to the log streams
<command-id>/<instance-id>/aws-runShellScript/stdout|stderr as it is printed,
GetCommandInvocation reports Pending/InProgress/Success/Failed/Cancelled and the exit
code, ListCommandInvocations each node's status, CancelCommand kills the group (on the
InstanceIds given, else on all), GetLogEvents pages with forward tokens. Each instance's
copy sees AWS_SSM_INSTANCE_ID, as on a node. Only the JSON 1.1 shapes the executor uses; no signature check. Binds 127.0.0.1 only.
Commands sent with the log group /aws/ssm/nolog write no log streams (CloudWatch
delivery missing). Prints "FAKE READY port=N" once listening; exits after --lifetime s."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
COMMANDS = {}
STREAMS = {}


def now_ms():
    return int(time.time() * 1000)


def pump(cmd, pipe, name):
    for raw in iter(pipe.readline, b""):
        text = raw.decode("utf-8", "replace").rstrip("\n")
        with LOCK:
            cmd[name].append(text)
            if cmd["group"] != "/aws/ssm/nolog":
                key = (cmd["group"], "%s/%s/aws-runShellScript/%s" % (cmd["id"], cmd["instance"], name))
                STREAMS.setdefault(key, []).append({"timestamp": now_ms(), "message": text,
                                                    "ingestionTime": now_ms()})
    pipe.close()


def wait(cmd, threads):
    rc = cmd["proc"].wait()
    for t in threads:
        t.join()
    with LOCK:
        if cmd["status"] == "Cancelling":
            cmd["status"], cmd["rc"] = "Cancelled", -1
        else:
            cmd["status"], cmd["rc"] = ("Success" if rc == 0 else "Failed"), (rc if rc >= 0 else -1)
        cmd["end"] = time.time()


def send_command(req):
    ids = req.get("InstanceIds") or []
    script = "\n".join(req.get("Parameters", {}).get("commands", []))
    group = (req.get("CloudWatchOutputConfig") or {}).get("CloudWatchLogGroupName", "")
    cid = str(uuid.uuid4())
    for iid in ids:
        work = tempfile.mkdtemp(prefix="fake-ssm-")
        # the agent tells each copy which node it runs on
        env = dict(os.environ, AWS_SSM_INSTANCE_ID=iid)
        proc = subprocess.Popen(["sh", "-c", script], cwd=work, stdout=subprocess.PIPE, env=env,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
        cmd = {"id": cid, "instance": iid, "group": group, "proc": proc, "status": "InProgress",
               "rc": -1, "stdout": [], "stderr": [], "end": None}
        with LOCK:
            COMMANDS[(cid, iid)] = cmd
        threads = [threading.Thread(target=pump, args=(cmd, proc.stdout, "stdout"), daemon=True),
                   threading.Thread(target=pump, args=(cmd, proc.stderr, "stderr"), daemon=True)]
        for t in threads:
            t.start()
        threading.Thread(target=wait, args=(cmd, threads), daemon=True).start()
    return 200, {"Command": {"CommandId": cid, "DocumentName": req.get("DocumentName", ""),
                             "InstanceIds": ids, "Status": "Pending", "Comment": req.get("Comment", "")}}


def content(lines, limit):
    """GetCommandInvocation keeps the first 24,000 characters of stdout and 8,000 of
    stderr (SSM API Reference, GetCommandInvocation), cut anywhere, without a mark."""
    return "".join(line + "\n" for line in lines)[:limit]


def get_invocation(req):
    with LOCK:
        cmd = COMMANDS.get((req.get("CommandId"), req.get("InstanceId")))
        if not cmd:
            return 400, {"__type": "InvocationDoesNotExist", "message": "no such invocation"}
        return 200, {"CommandId": cmd["id"], "InstanceId": cmd["instance"], "PluginName": "aws:runShellScript",
                     "Status": cmd["status"], "StatusDetails": cmd["status"], "ResponseCode": cmd["rc"],
                     "StandardOutputContent": content(cmd["stdout"], 24000) if cmd["end"] else "",
                     "StandardErrorContent": content(cmd["stderr"], 8000) if cmd["end"] else "",
                     "CloudWatchOutputConfig": {"CloudWatchLogGroupName": cmd["group"],
                                                "CloudWatchOutputEnabled": True}}


def list_invocations(req):
    # one page: the executor asks for one command, sent to at most 50 nodes
    with LOCK:
        rows = [{"CommandId": cid, "InstanceId": iid, "Status": cmd["status"], "StatusDetails": cmd["status"]}
                for (cid, iid), cmd in COMMANDS.items() if cid == req.get("CommandId")]
    if not rows:
        return 400, {"__type": "InvalidCommandId", "message": ""}
    return 200, {"CommandInvocations": rows}


def cancel_command(req):
    # InstanceIds, when given, limits the cancel to those nodes (CancelCommand)
    only = req.get("InstanceIds") or None
    with LOCK:
        for (cid, iid), cmd in COMMANDS.items():
            if cid == req.get("CommandId") and cmd["status"] == "InProgress" and (only is None or iid in only):
                cmd["status"] = "Cancelling"
                try:
                    os.killpg(cmd["proc"].pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
    return 200, {}


def get_log_events(req):
    key = (req.get("logGroupName"), req.get("logStreamName"))
    with LOCK:
        events = STREAMS.get(key)
        if events is None:
            return 400, {"__type": "ResourceNotFoundException", "message": "The specified log stream does not exist."}
        token = req.get("nextToken") or "f/0"
        start = int(token.split("/")[1])
        limit = int(req.get("limit") or 10000)
        page = events[start:start + limit]
        return 200, {"events": page, "nextForwardToken": "f/%d" % (start + len(page)),
                     "nextBackwardToken": "b/%d" % start}


OPS = {"AmazonSSM.SendCommand": send_command, "AmazonSSM.GetCommandInvocation": get_invocation,
       "AmazonSSM.CancelCommand": cancel_command, "AmazonSSM.ListCommandInvocations": list_invocations, "Logs_20140328.GetLogEvents": get_log_events}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        op = OPS.get(self.headers.get("X-Amz-Target", ""))
        if not op:
            status, reply = 400, {"__type": "UnknownOperationException", "message": "not in the fake"}
        else:
            status, reply = op(json.loads(body or b"{}"))
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        pass


def main():
    lifetime = float(sys.argv[sys.argv.index("--lifetime") + 1]) if "--lifetime" in sys.argv else 300
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("FAKE READY port=%d" % server.server_address[1], flush=True)
    threading.Timer(lifetime, server.shutdown).start()
    try:
        server.serve_forever()
    finally:
        with LOCK:
            for cmd in COMMANDS.values():
                if cmd["proc"].poll() is None:
                    os.killpg(cmd["proc"].pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
