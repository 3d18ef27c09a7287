"""Each simulated node's own hostname and /tmp. The nodes are processes of this host: without
this, two nodes' /tmp/task-state-$(hostname).json, mktemp names or sockets in /tmp would be
one file. A node command runs in a mount and UTS namespace of its own (unshare(1)): /tmp is
the node's directory (<workdir>/nodes/<id>/tmp), the sandbox's workdir stays reachable at its
own path, and the hostname is the one EC2 gives (ip-10-0-1-23 for 10.0.1.23). The network is
the host's: the nodes' addresses are loopback aliases."""

import os
import subprocess
import tempfile

# A simulated EFA node ($5, a directory efasim.py built): its /opt/amazon, /dev/infiniband
# and /sys/bus/pci/devices, in this namespace only. /opt and /dev become overlays of the
# host's (nothing is written to the host's own directories); /dev's own mounts (pts, shm,
# mqueue) are moved onto the overlay so that they stay what they were.
_SIMULATE = r"""
stage=$sim/stage
mount -t tmpfs nodebox "$stage"
mkdir -p "$stage/opt-up" "$stage/opt-work" "$stage/dev-up/infiniband" "$stage/dev-work" "$stage/dev" "$stage/keep"
cp -R "$sim/opt/amazon" "$stage/opt-up/amazon"
mount -t overlay nodebox -o "lowerdir=/opt,upperdir=$stage/opt-up,workdir=$stage/opt-work" /opt
n=0 uverbs=$(cat "$sim/uverbs")
while [ "$n" -lt "$uverbs" ]; do
	mknod -m 666 "$stage/dev-up/infiniband/uverbs$n" c 231 $((192 + n))
	n=$((n + 1))
done
mknod -m 600 "$stage/dev-up/infiniband/rdma_cm" c 10 58
mount -t overlay nodebox -o "lowerdir=/dev,upperdir=$stage/dev-up,workdir=$stage/dev-work" "$stage/dev"
for sub in pts shm mqueue hugepages; do
	if awk -v m="/dev/$sub" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		mount --rbind "/dev/$sub" "$stage/dev/$sub"
	fi
done
mount --move "$stage/dev" /dev
mount --bind "$sim/pci" /sys/bus/pci/devices
"""

# Runs as root in the new namespaces: $1 the node's /tmp, $2 its hostname, $3 the sandbox's
# workdir, $4 the script, $5 the simulated node's directory or "". A workdir under /tmp is
# bound inside the node's /tmp first, at the same path, so the script, HOME and the tool
# wrappers stay where the sandbox put them.
_ENTER = r"""set -e
node_tmp=$1 name=$2 workdir=$3 script=$4 sim=$5
case $workdir in
/tmp/*) rel=${workdir#/tmp/}; mkdir -p "$node_tmp/$rel"; mount --bind "$workdir" "$node_tmp/$rel" ;;
esac
mount --rbind "$node_tmp" /tmp
hostname "$name"
if [ -n "$sim" ]; then""" + _SIMULATE + r"""fi
set +e
exec /bin/sh "$script"
"""


def hostname(node):
    """EC2's default hostname for the node's private IPv4 (ip-a-b-c-d), else its id."""
    ip = node.get("private_ip") or ""
    parts = ip.split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        return "ip-" + "-".join(parts)
    return node["instance_id"]


def argv(script, node_tmp, name, workdir, sim=""):
    """The command that runs script as the node; sim: a simulated EFA node's directory."""
    return ["unshare", "--mount", "--uts", "--propagation", "private", "/bin/sh", "-c", _ENTER,
            "nodebox", node_tmp, name, workdir, script, sim or ""]


def probe(workdir):
    """"" when node commands can be isolated here, else why not (one sentence)."""
    try:
        base = tempfile.mkdtemp(prefix="probe-", dir=workdir)
    except OSError as exc:
        return f"cannot make a directory in {workdir}: {exc}"
    node_tmp = os.path.join(base, "tmp")
    script = os.path.join(base, "probe.sh")
    os.makedirs(node_tmp)
    with open(script, "w", encoding="utf-8") as handle:
        handle.write('test "$(hostname)" = ip-10-9-8-7 && : >/tmp/seen && echo ok\n')
    try:
        done = subprocess.run(argv(script, node_tmp, "ip-10-9-8-7", workdir), capture_output=True,
                              timeout=30, check=False, stdin=subprocess.DEVNULL)
        ok = done.stdout.strip() == b"ok" and os.path.exists(os.path.join(node_tmp, "seen"))
        why = "" if ok else (done.stderr.decode(errors="replace").strip().splitlines() or
                             ["the probe did not see its own hostname and /tmp"])[-1]
    except (OSError, subprocess.TimeoutExpired) as exc:
        why = str(exc)
    subprocess.run(["rm", "-rf", base], check=False)
    return why
