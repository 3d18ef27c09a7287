"""moto, run in this process: its HTTP server on a loopback port for pass-through
requests, and its backends for what the simulators read or write directly."""

import contextlib
import http.client
import importlib
import logging
import threading
import warnings
from urllib.parse import urlsplit

from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.utils import utcnow
from moto.server import ThreadedMotoServer

from .wire import ApiError

# moto's service models take seconds to import (CloudFormation's pull in most of moto).
# moto's server loads them on first use; the simulators do the same through models(),
# and Moto.warm_up() loads them in the background once the sandbox is serving.
WARM = ("iam", "ssm", "ec2", "s3", "logs", "cloudformation")


def models(service):
    return importlib.import_module(f"moto.{service}.models")

# Public SSM parameters the templates resolve AMIs with. AWS publishes these; moto has
# none, so they point at AMIs moto loads into every region (moto/ec2/resources/amis.json):
# ami-dca37ea5 "Deep Learning AMI Ubuntu Linux", ami-999844e0 "Deep Learning AMI Amazon
# Linux", ami-9b32e8e2 "Ubuntu CUDA9 DLAMI", ami-f8e54081 "CUDA9ClassicAmazonLinuxDLAMI",
# ami-0e9271c829888680e an arm64 Amazon Linux image.
_DLAMI = "/aws/service/deeplearning/ami"
_NEURON = "/aws/service/neuron/dlami"
AMI_PARAMETERS = {
    f"{_DLAMI}/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id": "ami-dca37ea5",
    f"{_DLAMI}/x86_64/base-oss-nvidia-driver-gpu-ubuntu-24.04/latest/ami-id": "ami-dca37ea5",
    f"{_DLAMI}/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id":
        "ami-999844e0",
    f"{_DLAMI}/arm64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id":
        "ami-0e9271c829888680e",
    f"{_DLAMI}/arm64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id":
        "ami-0e9271c829888680e",
    f"{_DLAMI}/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-ubuntu-22.04/latest/ami-id":
        "ami-9b32e8e2",
    f"{_DLAMI}/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id":
        "ami-f8e54081",
    f"{_NEURON}/multi-framework/ubuntu-22.04/latest/image_id": "ami-9b32e8e2",
    f"{_NEURON}/multi-framework/amazon-linux-2023/latest/image_id": "ami-f8e54081",
    f"{_NEURON}/base/ubuntu-22.04/latest/image_id": "ami-dca37ea5",
    f"{_NEURON}/base/amazon-linux-2023/latest/image_id": "ami-999844e0",
}

# Hop-by-hop headers are the front's business, not moto's; the front also sends its own
# Date and Server (two Date headers would confuse a client's clock-skew check).
_HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                "te", "trailer", "upgrade", "expect", "content-length"}
_FRONT_HEADERS = _HOP_HEADERS | {"date", "server"}


class Moto:
    """The moto server and its backends. All access goes through `lock` because moto's
    models are not thread-safe and the front, the timelines and SSM runners share them."""

    def __init__(self, verbose=False):
        if not verbose:  # request logs, and warnings about resource types moto skips
            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            logging.getLogger("moto").setLevel(logging.ERROR)
            warnings.filterwarnings("ignore")
        self.lock = threading.RLock()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        self.host, self.port = self._server.get_host_and_port()
        self._seeded = set()

    @property
    def endpoint(self):
        return f"http://{self.host}:{self.port}"

    def stop(self):
        self._server.stop()

    def warm_up(self):
        """Import the models the simulators use, holding the lock: every other import of
        moto code happens under it too, and two threads importing crossing modules at once
        is how imports deadlock."""
        def load():
            with self.lock:
                for service in WARM:
                    models(service)

        threading.Thread(target=load, daemon=True, name="warm-up").start()

    def forward(self, method, target, headers, body):
        """Send a request to moto as received (Host included); returns a wire.Response
        shaped tuple (status, headers, body)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                if name.lower() not in _HOP_HEADERS:
                    conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            reply = conn.getresponse()
            data = reply.read()
            out = [(k, v) for k, v in reply.getheaders() if k.lower() not in _FRONT_HEADERS]
            if method == "HEAD" and reply.getheader("Content-Length"):
                out.append(("Content-Length", reply.getheader("Content-Length")))
            return reply.status, out, data
        finally:
            conn.close()

    @staticmethod
    def account_for(access_key):
        return models("iam").get_account_id_from(access_key) if access_key \
            else DEFAULT_ACCOUNT_ID

    @staticmethod
    def backend(service, account, region):
        return get_backend(service)[account][region]

    @staticmethod
    def s3(account):
        return get_backend("s3")[account]["aws"]

    def ensure_region(self, account, region):
        """Put the public AMI parameters into moto the first time a region is used (AWS
        refuses PutParameter under /aws/, so they go straight into the backend)."""
        with self.lock:
            if (account, region) in self._seeded:
                return
            self._seeded.add((account, region))
            params = self.backend("ssm", account, region)._parameters
            for name, ami in AMI_PARAMETERS.items():
                if not params.get(name):
                    params[name].append(models("ssm").Parameter(
                        account_id=account, name=name, value=ami, parameter_type="String",
                        description=None, allowed_pattern=None, keyid=None,
                        last_modified_date=utcnow(), version=1, data_type="aws:ec2:image"))
            self._default_vpc_gateway(account, region)

    def _default_vpc_gateway(self, account, region):
        """What AWS gives a default VPC and moto does not: an internet gateway attached to it
        and the main route table's route 0.0.0.0/0 to it ("Default VPCs", Amazon VPC User
        Guide: "Create an internet gateway and connect it to your default VPC. Add a route
        to the main route table that points all traffic (0.0.0.0/0) to the internet
        gateway")."""
        ec2 = self.backend("ec2", account, region)
        for vpc in [v for v in ec2.vpcs.values() if v.is_default]:
            tables = [t for t in ec2.route_tables.values()
                      if t.vpc_id == vpc.id and t.main_association_id]
            if not tables or any(r.destination_cidr_block == "0.0.0.0/0"
                                 for r in tables[0].routes):
                continue
            igw = ec2.create_internet_gateway()
            ec2.attach_internet_gateway(igw.id, vpc.id)
            ec2.create_route(tables[0].id, "0.0.0.0/0", gateway_id=igw.id)

    # ----- direct backend operations the simulators need -----
    def zone_names(self, account, region):
        with self.lock:
            zones = self.backend("ec2", account, region).describe_availability_zones()
            return sorted(z.name for z in zones)

    def zone_ids(self, account, region):
        with self.lock:
            zones = self.backend("ec2", account, region).describe_availability_zones()
            return {z.name: z.zone_id for z in zones}

    def terminate_instance(self, account, region, instance_id):
        with self.lock:
            self.backend("ec2", account, region).terminate_instances([instance_id])

    def bucket_has_objects(self, account, bucket):
        with self.lock:
            found = self.s3(account).buckets.get(bucket)
            return bool(found and len(found.keys))

    def put_object(self, account, bucket, key, data):
        with self.lock:
            self.s3(account).put_object(bucket, key, data)

    def read_s3_url(self, account, url):
        """A TemplateURL's object: virtual-host (bucket.s3...) or path-style URLs."""
        split = urlsplit(url)
        host, path = split.hostname or "", split.path.lstrip("/")
        if ".s3." in host or ".s3-" in host:
            bucket, key = host.split(".s3")[0], path
        else:
            bucket, _, key = path.partition("/")
        with self.lock:
            try:
                found = self.s3(account).get_object(bucket, key)
            except Exception:  # moto raises its own NoSuchBucket/NoSuchKey types
                found = None
            if found is None:
                raise ApiError(400, "ValidationError",
                               "TemplateURL must reference a valid S3 object to which you "
                               "have access.")
            return found.value.decode("utf-8")

    def ssm_parameter(self, account, region, name):
        self.ensure_region(account, region)
        with self.lock:
            versions = self.backend("ssm", account, region)._parameters.get(name)
            return versions[-1].value if versions else None

    def image_name(self, account, region, image_id):
        with self.lock:
            image = self.backend("ec2", account, region).amis.get(image_id)
            return image.name if image else ""

    def image_root(self, account, region, image_id):
        """(root device name, root snapshot id, its size in GiB) of an AMI, or None."""
        with self.lock:
            image = self.backend("ec2", account, region).amis.get(image_id)
            snap = getattr(image, "ebs_snapshot", None) if image else None
            if snap is None:
                return None
            return image.root_device_name, snap.id, snap.volume.size

    def interface_addresses(self, account, region):
        """Every IPv4 address moto gave a network interface (instances' included)."""
        with self.lock:
            found = set()
            for eni in self.backend("ec2", account, region).enis.values():
                found.update([eni.private_ip_address, eni.public_ip])
                found.update(a.get("PrivateIpAddress") for a in eni.private_ip_addresses)
            found.discard(None)
            return found

    @contextlib.contextmanager
    def stack_id_as(self, stack_id):
        """moto names the stacks it creates; a change set's stack was named when the change
        set was made. Callers hold `lock`, so no other stack is created meanwhile."""
        module = models("cloudformation")
        original = module.generate_stack_id
        module.generate_stack_id = lambda *_: stack_id
        try:
            yield
        finally:
            module.generate_stack_id = original

    def knows_change_set(self, account, region, ref):
        """Whether moto holds a change set with this ARN or name (UPDATEs are moto's)."""
        with self.lock:
            found = self.backend("cloudformation", account, region).change_sets
            return ref in found or any(c.change_set_name == ref for c in found.values())

    def cfn_stack(self, account, region, stack_id):
        with self.lock:
            return self.backend("cloudformation", account, region).stacks.get(stack_id)

    def delete_stack(self, account, region, stack_id):
        """Delete moto's copy of a stack (instances terminate, bucket goes, ...)."""
        with self.lock:
            backend = self.backend("cloudformation", account, region)
            if stack_id in backend.stacks:
                backend.delete_stack(stack_id)

    def discard_stack(self, account, region, name):
        """Forget a stack whose creation broke inside moto, so the name can be reused."""
        with self.lock:
            stacks = self.backend("cloudformation", account, region).stacks
            for stack_id in [i for i, s in stacks.items() if s.name == name]:
                del stacks[stack_id]
