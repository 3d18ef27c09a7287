"""The nodes' instance metadata service (IMDSv2 only, HttpTokens=required): the instance
role's credentials, as a real node gets them. One server on 127.0.0.1 (a free port) for all
nodes; a node's commands get AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT/<id>
(the variable botocore and the AWS CLI honour; the path says which instance asks, since all
nodes are processes of this host).

Source: Amazon EC2 User Guide, "Use the Instance Metadata Service to access instance
metadata" / "Retrieve security credentials from instance metadata"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html,
.../instance-metadata-security-credentials.html): PUT /latest/api/token with
X-aws-ec2-metadata-token-ttl-seconds (1 to 21600) answers a token, without the header 400;
every GET needs X-aws-ec2-metadata-token, and when IMDSv2 is required a GET without a valid
token answers 401 Unauthorized; GET /latest/meta-data/iam/security-credentials/ lists the
role's name, .../ROLE answers {"Code": "Success", "LastUpdated", "Type": "AWS-HMAC",
"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}; no role: 404. The credentials are
issued by moto's STS (AssumeRole of the instance profile's role), so they sign requests the
sandbox accepts."""

import datetime
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .motoctl import DEFAULT_ACCOUNT_ID, get_backend

TTL_MAX = 21600
CREDENTIALS_SECONDS = 6 * 3600
REFRESH_BEFORE = 15 * 60  # new credentials when the ones kept expire sooner than this


def _iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class Imds:
    def __init__(self, world):
        self.world = world
        self.tokens = {}       # token -> (instance id, expiry)
        self.credentials = {}  # instance id -> dict as served
        self.lock = threading.Lock()
        handler = type("ImdsHandler", (_Handler,), {"imds": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="imds")
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def node_endpoint(self, instance_id):
        return f"{self.endpoint}/{instance_id}"

    def _node(self, instance_id):
        """(account, region) of a running node, or None."""
        with self.world.lock:
            for stack in self.world.cfn.stacks.values():
                for res in stack.resources.values():
                    if res.node and res.node.get("instance_id") == instance_id:
                        return stack.account, stack.region
        return None

    def role(self, instance_id):
        """The instance profile's role (moto's IAM role object), or None."""
        where = self._node(instance_id)
        if not where:
            return None
        account, region = where
        with self.world.lock:
            ec2 = get_backend("ec2")[account][region]
            assoc = ec2.iam_instance_profile_associations.get(instance_id)
            profile = getattr(assoc, "iam_instance_profile", None)
            roles = list(getattr(profile, "roles", None) or [])
            return (account, region, roles[0]) if roles else None

    def token(self, instance_id, ttl):
        token = secrets.token_urlsafe(40)
        with self.lock:
            now = time.time()
            self.tokens = {k: v for k, v in self.tokens.items() if v[1] > now}
            self.tokens[token] = (instance_id, now + ttl)
        return token

    def token_valid(self, token, instance_id):
        with self.lock:
            got = self.tokens.get(token or "")
        return bool(got) and got[0] == instance_id and got[1] > time.time()

    def role_credentials(self, instance_id):
        """(role name, the credentials document) or None when the instance has no role."""
        found = self.role(instance_id)
        if not found:
            return None
        account, region, role = found
        with self.lock:
            kept = self.credentials.get(instance_id)
            if kept and kept["_expires"] - time.time() > REFRESH_BEFORE:
                return role.name, kept
        with self.world.lock:
            sts = get_backend("sts")[account or DEFAULT_ACCOUNT_ID]["global"]
            made = sts.assume_role(region_name=region, role_session_name=instance_id,
                                   role_arn=role.arn, policy=None,
                                   duration=CREDENTIALS_SECONDS, external_id=None)
        now = time.time()
        doc = {"Code": "Success", "LastUpdated": _iso(now), "Type": "AWS-HMAC",
               "AccessKeyId": made.access_key_id, "SecretAccessKey": made.secret_access_key,
               "Token": made.session_token, "Expiration": _iso(now + CREDENTIALS_SECONDS),
               "_expires": now + CREDENTIALS_SECONDS}
        with self.lock:
            self.credentials[instance_id] = doc
        return role.name, doc


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    imds = None

    def log_message(self, *args):
        pass

    def _send(self, status, text, ctype="text/plain"):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _split(self):
        """(instance id, path after it)"""
        _, _, rest = self.path.split("?")[0].partition("/")
        instance_id, _, path = rest.partition("/")
        return instance_id, "/" + path

    def do_PUT(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        instance_id, path = self._split()
        if path != "/latest/api/token" or not self.imds._node(instance_id):
            return self._send(404, "Not Found")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if not ttl.isdigit() or not 1 <= int(ttl) <= TTL_MAX:
            return self._send(400, "Bad Request")
        return self._send(200, self.imds.token(instance_id, int(ttl)))

    def do_GET(self):
        instance_id, path = self._split()
        if not self.imds._node(instance_id):
            return self._send(404, "Not Found")
        if not self.imds.token_valid(self.headers.get("X-aws-ec2-metadata-token"),
                                     instance_id):
            return self._send(401, "Unauthorized")
        prefix = "/latest/meta-data/iam/security-credentials/"
        if path == "/latest/meta-data/instance-id":
            return self._send(200, instance_id)
        if not path.startswith(prefix):
            return self._send(404, "Not Found")
        found = self.imds.role_credentials(instance_id)
        if not found:
            return self._send(404, "Not Found")
        name, doc = found
        if path == prefix:
            return self._send(200, name)
        if path != prefix + name:
            return self._send(404, "Not Found")
        body = {k: v for k, v in doc.items() if not k.startswith("_")}
        return self._send(200, json.dumps(body, indent=2))
