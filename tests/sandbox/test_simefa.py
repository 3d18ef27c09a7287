#!/usr/bin/env python3
# needs: moto_server unshare fi_info
"""The sandbox's simulated EFA nodes (tools/sandbox/awssim/efasim.py, issue 14), without a
sandbox: for every NVIDIA type of nixl-tui's catalog, the product's check script runs as a
simulated node of that type (in its own mount namespace, as the sandbox runs node commands)
and `nixl-tui efa-check --from-file` reads the output: all six checks pass, and the node has
the EFA devices, RDM domains, uverbs files and GPUs the catalog says. Then what the simulated
tools pass on to this host's own (fi_pingpong's arguments, fi_info for other providers), that
the host's /opt and /dev are untouched, and what a node that is not simulated reports.
Prints TAP; a watchdog bounds the run."""

import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "sandbox"))
from test_sandbox import Tap  # noqa: E402
from awssim import efasim, instance_types, loopback, nodebox  # noqa: E402

NIXL_TUI = os.environ.get("NIXL_TUI", os.path.join(ROOT, "nixl-tui"))
CHECK_SCRIPT = os.path.join(ROOT, "src", "efa", "scripts", "efa_check.sh")
WATCHDOG = 240
# The simulated node's VPC address, as text only: its tools print it and the network check
# reads it back. Nothing here connects to it: the simulated fi_pingpong rewrites it to its
# loopback alias (loopback.alias: 127.1.2.3) before anything dials, and main() checks that
# the alias is on 127.0.0.0/8 before any node command runs.
VPC_IP = "10.1.2.3"


def run_node(workdir, sim, script, env_extra=None, name="ip-10-1-2-3"):
    """Runs script as a simulated node would (nodebox + the node's environment).
    VPC_IP is the node's VPC address as text only (see VPC_IP above)."""
    node_tmp = tempfile.mkdtemp(prefix="node-", dir=workdir)
    # The node sees the workdir, not the rest of the host's /tmp (nodebox): a script from a
    # checkout under /tmp (CI's `git clone . /tmp/x`) goes into the workdir first, where the
    # sandbox puts an SSM command's script too.
    if os.path.commonpath([os.path.abspath(script), os.path.abspath(workdir)]) != os.path.abspath(workdir):
        script = shutil.copy(script, os.path.join(workdir, os.path.basename(node_tmp) + ".sh"))
    host_path = os.environ.get("PATH", "/usr/bin:/bin")
    env = {"PATH": os.path.join(sim, "bin") + ":" + host_path, "NIXL_HOST_PATH": host_path,
           "HOME": workdir, "LANG": "C.UTF-8", "AWS_SSM_INSTANCE_ID": "i-0abc1234567890def",
           "NIXL_SIMULATED_EFA": "simulated EFA: a test node", "NIXL_SIMULATED_VPC_IP": VPC_IP,
           **(env_extra or {})}
    done = subprocess.run(nodebox.argv(script, node_tmp, name, workdir, sim), env=env,
                          capture_output=True, timeout=120, check=False,
                          stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout.decode("utf-8", "replace"), \
        done.stderr.decode("utf-8", "replace")


def efa_check_file(path):
    done = subprocess.run([NIXL_TUI, "efa-check", "--from-file", path, "--json"],
                          capture_output=True, timeout=60, check=False)
    try:
        doc = json.loads(done.stdout)
    except ValueError:
        return done.returncode, None
    nodes = doc.get("nodes") if isinstance(doc, dict) else None
    return done.returncode, (nodes[0] if nodes else doc)


def tokens(text):
    return set(re.split(r"[ -]+", text))


def check_type(t, workdir, entry):
    itype = entry["instanceType"]
    f = efasim.facts(itype)
    if not t.ok(f"{itype}: the sandbox's DescribeInstanceTypes knows it", f is not None):
        return
    sim = os.path.join(workdir, "sim", itype)
    efasim.build(sim, itype, f)
    code, out, err = run_node(workdir, sim, CHECK_SCRIPT)
    saved = os.path.join(workdir, itype + ".out")
    with open(saved, "w", encoding="utf-8") as handle:
        handle.write(out)
    rc, node = efa_check_file(saved)
    if not t.ok(f"{itype}: the check ran on the simulated node and efa-check read it "
                f"(exit {rc})", code == 0 and node is not None, err[-600:], out[-600:]):
        return
    facts = node["facts"]
    failed = {k: v["detail"] for k, v in node["checks"].items() if v["status"] != "passed"}
    t.ok(f"{itype}: all six checks pass", rc == 0 and node["passed"] and not failed, failed)
    want = entry["maxEfaInterfaces"]
    got = (facts["efa_devices"], facts["rdm_domains"], facts["uverbs"])
    t.ok(f"{itype}: {want} EFA device(s), RDM domain(s) and uverbs file(s), as the catalog "
         f"says (got {got})", got == (want, want, want))
    t.ok(f"{itype}: {entry['acceleratorCount']} x {entry['accelerator']} on the bus and in "
         f"nvidia-smi (got {facts['pci_gpus']}, {facts['accelerators']} x "
         f"{facts['accelerator_model']})",
         facts["accelerators"] == entry["acceleratorCount"] == facts["pci_gpus"] and
         tokens(entry["accelerator"]) <= tokens(facts["accelerator_model"] or ""))
    t.ok(f"{itype}: the node says it is simulated", node["simulated"] is True and
         node.get("simulated_note") == "simulated EFA: a test node", node.get("simulated"))
    return node


def main():
    t = Tap()

    def watchdog(*_):
        print(f"Bail out! the simulated EFA tests exceeded {WATCHDOG} s", flush=True)
        os._exit(2)

    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(WATCHDOG)
    # nothing may ever dial the VPC address itself: only its alias on loopback
    alias = loopback.alias(VPC_IP)
    if not t.ok(f"the VPC address's alias {alias} is on 127.0.0.0/8",
                ipaddress.ip_address(alias) in ipaddress.ip_network("127.0.0.0/8")):
        print("Bail out! the simulated nodes' address would not be loopback", flush=True)
        return 1
    with tempfile.TemporaryDirectory(prefix="simefa-") as workdir:
        why = nodebox.probe(workdir)
        if why:
            print(f"1..0 # SKIP node commands cannot be isolated here: {why}")
            return 0
        host_before = {p: os.path.exists(p) for p in ("/opt/amazon", "/dev/infiniband")}
        catalog = json.loads(subprocess.run([NIXL_TUI, "catalog", "--json"], capture_output=True,
                                            timeout=30, check=True).stdout)
        nvidia = [e for e in catalog if e["accelerator"].startswith("NVIDIA")]
        t.ok(f"the catalog has NVIDIA types to simulate ({len(nvidia)})", len(nvidia) >= 10)
        nodes = {e["instanceType"]: check_type(t, workdir, e) for e in nvidia}

        p5 = nodes.get("p5.48xlarge") or {"facts": {}}
        facts = p5["facts"]
        t.ok("p5.48xlarge: 32 EFA devices and 8 x NVIDIA H100 80GB HBM3",
             facts.get("efa_devices") == 32 and facts.get("accelerators") == 8 and
             facts.get("accelerator_model") == "NVIDIA H100 80GB HBM3", facts)
        t.ok("p5.48xlarge: libfabric 2's fabrics efa-direct and efa, 32 DGRAM domains",
             sorted(facts.get("fabrics") or []) == ["efa", "efa-direct"] and
             facts.get("dgram_domains") == 32, facts.get("fabrics"))
        t.ok("p5.48xlarge: the network check finds the node's VPC address, not loopback",
             facts.get("private_ipv4") == VPC_IP, facts.get("private_ipv4"))
        g5 = (nodes.get("g5.12xlarge") or {"facts": {}})["facts"]
        t.ok("g5.12xlarge: one EFA device, 4 x NVIDIA A10G, GPUDirect's nvidia_peermem loaded",
             g5.get("efa_devices") == 1 and g5.get("accelerators") == 4 and
             "GPUDirect peermem loaded" in (nodes["g5.12xlarge"] or {}).get(
                 "checks", {}).get("module", {}).get("detail", ""), g5)

        # EC2 made to disagree with the catalog (the control key efa_interfaces): the
        # simulated node follows EC2's answer, as a real node of that hardware would
        profiles = efasim.Profiles(workdir)
        before = profiles.node_dir({"stack": "s", "instance_type": "p4d.24xlarge"})
        instance_types.set_efa("p4d.24xlarge", 2)
        after = profiles.node_dir({"stack": "s", "instance_type": "p4d.24xlarge"})
        code, out, _ = run_node(workdir, after, CHECK_SCRIPT)
        saved = os.path.join(workdir, "p4d-2.out")
        with open(saved, "w", encoding="utf-8") as handle:
            handle.write(out)
        _, node = efa_check_file(saved)
        t.ok("efa_interfaces p4d.24xlarge=2: its simulated nodes have 2 EFA devices (a node "
             "directory of their own)", before != after and node is not None and
             node["facts"]["efa_devices"] == 2, node and node["facts"]["efa_devices"])
        profiles.apply({"node_profiles": {"s": "host"}})
        t.ok("node_profiles s=host: the stack's nodes are this host (no simulated node)",
             profiles.node_dir({"stack": "s", "instance_type": "p4d.24xlarge"}) is None)

        # What the simulated tools hand to this host's own: a stand-in fi_pingpong and
        # fi_info that print their arguments
        sim = os.path.join(workdir, "sim", "p5.48xlarge")
        fake = os.path.join(workdir, "hostbin")
        os.makedirs(fake)
        for tool in ("fi_pingpong", "fi_info"):
            with open(os.path.join(fake, tool), "w", encoding="utf-8") as handle:
                handle.write('#!/bin/sh\necho "host ' + tool + ':" "$@"\n')
            os.chmod(os.path.join(fake, tool), 0o755)
        script = os.path.join(workdir, "pp.sh")
        # the host's fi_pingpong and fi_info here are the fakes above, which only echo
        # their arguments: the check is the rewritten command line (VPC_IP -> its
        # loopback alias), and nothing connects anywhere
        with open(script, "w", encoding="utf-8") as handle:
            handle.write("PATH=/opt/amazon/efa/bin:$PATH\n"
                         f"fi_pingpong -e rdm -p 'efa' -f efa -I 10 -S 4096 -P 1234 {VPC_IP}\n"
                         "fi_pingpong -e rdm -p tcp -I 10 -S 4096 -B 4321\n"
                         "fi_info -p tcp -t FI_EP_RDM\n"
                         "fi_info -p efa -t FI_EP_MSG; echo rc=$?\n"
                         "/opt/amazon/efa/bin/fi_info --version\n")
        code, out, err = run_node(workdir, sim, script, {"NIXL_HOST_PATH": fake})
        lines = out.splitlines()
        t.eq("fi_pingpong -p efa: this host's fi_pingpong over tcp, the fabric name dropped, "
             "the VPC address as its loopback alias",
             lines[0] if lines else None,
             "host fi_pingpong: -e rdm -p tcp -I 10 -S 4096 -P 1234 " + loopback.alias(VPC_IP))
        t.eq("fi_pingpong -p tcp: passed on unchanged", lines[1] if len(lines) > 1 else None,
             "host fi_pingpong: -e rdm -p tcp -I 10 -S 4096 -B 4321")
        t.eq("fi_info for another provider: this host's fi_info",
             lines[2] if len(lines) > 2 else None, "host fi_info: -p tcp -t FI_EP_RDM")
        t.eq("fi_info -p efa -t FI_EP_MSG: efa has no MSG endpoint (fi_getinfo -61)",
             lines[3:5], ["fi_getinfo: -61 (No data available)", "rc=1"])
        t.eq("/opt/amazon/efa/bin/fi_info --version: libfabric as the EFA installer ships it",
             lines[5:8], ["/opt/amazon/efa/bin/fi_info: " + efasim.LIBFABRIC,
                          "libfabric: " + efasim.LIBFABRIC, "libfabric api: 2.1"])

        # nvidia-smi's queries as the default task file asks them, from EC2's facts; what
        # would install software on this machine is refused, the rest runs as on the host
        script = os.path.join(workdir, "smi.sh")
        # (harmless if the guard failed: a venv in the test's directory, apt-get's dry run)
        venv = os.path.join(workdir, "venv-must-not-exist")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write("nvidia-smi --query-gpu=index,name,driver_version,memory.total "
                         "--format=csv,noheader | head -2\n"
                         "nvidia-smi --query-gpu=count,memory.total --format=csv,nounits "
                         "| head -2\n"
                         "nvidia-smi --query-gpu=temperature --format=csv; echo rc=$?\n"
                         "nvidia-smi; echo rc=$?\n"
                         f"python3 -m venv {venv}; echo rc=$?\n"
                         "apt-get --simulate install nixl-no-such-package; echo rc=$?\n"
                         "python3 -c 'print(6 * 7)'\n")
        code, out, err = run_node(workdir, sim, script)
        lines = out.splitlines()
        t.eq("nvidia-smi --query-gpu=...,memory.total --format=csv,noheader: a row per GPU with "
             "the AMI's driver and EC2's memory", lines[0:2],
             [f"{i}, NVIDIA H100 80GB HBM3, {efasim.NVIDIA_DRIVER}, 81920 MiB" for i in (0, 1)])
        t.eq("--format=csv,nounits: the header names the unit, the values have none",
             lines[2:4], ["count, memory.total [MiB]", "8, 81920"])
        t.eq("an unknown field is refused as nvidia-smi refuses it", lines[4:6],
             ['Field "temperature" is not a valid field to query.', "rc=2"])
        t.ok("nvidia-smi without a question: refused (never the host's GPUs)",
             lines[6:7] == ["rc=2"] and "answers -L and --query-gpu" in err, lines[6:7], err)
        t.ok("python3 -m venv: refused, nothing made on this machine",
             lines[7:8] == ["rc=126"] and not os.path.exists(venv)
             and "which setup must not change" in err, lines[7:8])
        t.eq("apt-get install: refused", lines[8:9], ["rc=126"])
        t.eq("python3 -c: this host's python, as before", lines[9:10], ["42"])

        host_after = {p: os.path.exists(p) for p in host_before}
        t.eq("the host's /opt and /dev are as they were (the nodes' are overlays)",
             host_after, host_before)

        # A node that is not simulated: the script ran to its end without saying so
        done = subprocess.run([NIXL_TUI, "efa-check", "--local", "--json"], capture_output=True,
                              timeout=120, check=False,
                              env={k: v for k, v in os.environ.items()
                                   if k != "NIXL_SIMULATED_EFA"})
        try:
            local = json.loads(done.stdout)
            local = local["nodes"][0] if "nodes" in local else local
        except (ValueError, KeyError, IndexError):
            local = {}
        t.ok("efa-check on this host: \"simulated\": false", local.get("simulated") is False,
             done.stdout[-400:])
        saved = os.path.join(workdir, "lspci.txt")
        with open(saved, "w", encoding="utf-8") as handle:
            handle.write(efasim.lspci_text(efasim.facts("p5.48xlarge")))
        _, node = efa_check_file(saved)
        t.ok("a saved probe output that says nothing either way: \"simulated\": null",
             node is not None and "simulated" in node and node["simulated"] is None, node)
    print(f"1..{t.count}", flush=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
