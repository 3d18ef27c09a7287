#!/usr/bin/env python3
"""nixl-tui sandbox: a local AWS (moto plus simulated stack progress, capacity APIs and
SSM command execution) on 127.0.0.1. Runs in the foreground until SIGINT/SIGTERM.
See tools/sandbox/README.md."""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import moto  # noqa: F401,E402 - the sandbox is moto with more behind it
except ImportError:
    # A python3 first on PATH other than the one moto was installed for (pyenv, a venv)
    # would otherwise end in a traceback three modules deep.
    sys.exit(f"nixl-tui sandbox: {sys.executable} cannot import moto: install it for that "
             "python3 (pip install 'moto[server]'), or put the python3 that has it first on PATH")

from awssim.cfn import SCENARIOS  # noqa: E402 - after the path set-up above
from awssim.efasim import DEFAULT_PROFILE, PROFILES  # noqa: E402
from awssim.faults import Faults  # noqa: E402
from awssim.quotas import EIP_QUOTA_DEFAULT, VCPU_QUOTA_DEFAULT, parse_vcpu_quota  # noqa: E402
from awssim.server import World, serve  # noqa: E402

DEFAULT_PORT = 4570
DEFAULT_SPEED = 60.0  # a two-node stack in ~3 s; 4 is a watchable demo, 1 is real time


def _rate(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be from 0 to 1")
    return value


def _non_negative(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def _positive(text):
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def _count(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a whole number >= 0")
    return value


def _vcpu_quota(text):
    try:
        return parse_vcpu_quota(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _port(text):
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be from 0 to 65535")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="sandbox", description="Local AWS simulator for nixl-tui (127.0.0.1 only).")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 = any free port)")
    parser.add_argument("--scenario", choices=SCENARIOS, default="ok",
                        help="ok (default); capacity-failure: the 2nd instance to start fails "
                             "and the stack rolls back; bucket-not-empty: an object appears in "
                             "each new bucket (a bucket with objects fails DeleteStack in every "
                             "scenario); slow-agent: SSM agents come online 10x later")
    parser.add_argument("--speed", type=_positive, default=DEFAULT_SPEED,
                        help=f"how many times faster than AWS (default {DEFAULT_SPEED:g})")
    parser.add_argument("--region", default="us-east-1", help="region printed for clients")
    parser.add_argument("--throttle-rate", type=_rate, default=0.0,
                        help="share of requests answered with the service's throttling error")
    parser.add_argument("--error-rate", type=_rate, default=0.0,
                        help="share of requests answered with a 500 or 503")
    parser.add_argument("--drop-rate", type=_rate, default=0.0,
                        help="share of requests whose connection is closed without a reply")
    parser.add_argument("--latency-ms", type=_non_negative, default=0.0,
                        help="delay added to every request")
    parser.add_argument("--eip-quota", type=_count, default=EIP_QUOTA_DEFAULT,
                        help=f"Elastic IPs per Region (default {EIP_QUOTA_DEFAULT}, AWS's "
                             "default; AllocateAddress past it: AddressLimitExceeded)")
    parser.add_argument("--vcpu-quota", type=_vcpu_quota, action="append", default=[],
                        metavar="FAMILY=N",
                        help="Running On-Demand vCPU quota of a family (P, G, Trn, Inf; "
                             "repeatable; default " + ", ".join(
                                 f"{k}={v}" for k, v in VCPU_QUOTA_DEFAULT.items()) + ")")
    parser.add_argument("--workdir", help="where nodes run commands (default: a temporary "
                                          "directory removed at exit)")
    parser.add_argument("--no-validate", dest="validate", action="store_false",
                        help="accept requests AWS would refuse (by default each request is "
                             "checked against botocore's model of its operation; for "
                             "debugging only)")
    parser.add_argument("--node-profile", choices=PROFILES, default=DEFAULT_PROFILE,
                        help="what the stacks' nodes run their commands on: simulated-efa "
                             "(default: the EFA devices, drivers, libfabric and GPUs of the "
                             "instance type, fi_pingpong -p efa over tcp on loopback) or host "
                             "(this host's own tools)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    workdir = args.workdir or tempfile.mkdtemp(prefix="nixl-sandbox-")
    os.makedirs(workdir, exist_ok=True)
    faults = Faults(args.throttle_rate, args.error_rate, args.drop_rate, args.latency_ms)
    quotas = {"eip_quota": args.eip_quota, "vcpu_quota": dict(args.vcpu_quota)}
    world = World(args.scenario, args.speed, faults, os.path.abspath(workdir), args.verbose,
                  quotas, args.validate, args.node_profile)
    try:
        server = serve(world, args.port)
    except OSError as exc:
        world.stop()
        sys.exit(f"sandbox: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}")
    try:
        threading.Thread(target=server.serve_forever, daemon=True, name="front").start()
        # export lines: pasted into a shell, the next command (nixl-tui, aws) sees them
        print(f"export AWS_ACCESS_KEY_ID={world.access_key}\n"
              f"export AWS_SECRET_ACCESS_KEY={world.secret_key}\n"
              f"export AWS_DEFAULT_REGION={args.region}\n"
              f"export AWS_ENDPOINT_URL={world.endpoint}\n"
              f"# scenario={args.scenario} speed={args.speed:g} moto={world.moto.endpoint} "
              f"workdir={world.workdir} control={world.endpoint}/_sandbox/state\n"
              f"SANDBOX READY endpoint={world.endpoint}", flush=True)
        world.moto.warm_up()
        while not stop.wait(0.5):
            pass
        server.shutdown()
        server.server_close()
        world.stop()
        print("SANDBOX STOPPED", flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
