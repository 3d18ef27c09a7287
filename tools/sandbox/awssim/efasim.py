"""Simulated EFA nodes (issue 14): a node profile per stack. With the `simulated-efa` profile
(the default), a node's commands see the tools a real node of its instance type has: lspci,
lsmod, modinfo, fi_info -p efa, ls -l /dev/infiniband, ip, nvidia-smi, and
/opt/amazon/efa/bin, all printing what such a node prints; `fi_pingpong -p efa` runs the real
fi_pingpong over tcp on loopback. The `host` profile gives node commands this host's own
tools, unchanged.

Nothing here is a copied output: each tool's text is generated from the facts below, in the
layout of the real captures in tests/fixtures/efa (README.md there names each source):
 - lspci: lspci.p5-efa-beside-gpus.DERIVED.txt / lspci-grep-efa.single.txt ("Ethernet
   controller: Amazon.com, Inc. Elastic Fabric Adapter (EFA)", "3D controller: NVIDIA
   Corporation GH100 [H100 SXM5 80GB] (rev a1)"); the /sys/bus/pci/devices entries carry the
   same devices (vendor 0x1d0f, device 0xefa1, class 0x020000 as in
   efa_check-script.ASSEMBLED-pass.txt).
 - fi_info -p efa: fi_info-p-efa.efa-direct-rdmap47s0-v201.txt (libfabric 2.x: per device an
   FI_EP_RDM entry of fabric "efa-direct", and FI_EP_RDM "-rdm" and FI_EP_DGRAM "-dgrm" entries
   of fabric "efa", version 201.0).
 - modinfo efa: modinfo-efa.bottlerocket-6.12-efa-2.17.3g.txt (its layout; "g": the GPL build).
 - nvidia-smi -L: nvidia-smi-L.8xH100.ub-ccr-openfold.txt.
 - ls -l /dev/infiniband: uverbs character devices 231,192+ (fixtures README: the real minors).
 - ip -br addr / ip -o addr: ip-br-addr.dev-vm.txt, ip-o-addr.dev-vm.txt.
 - Versions: what EFA installer 1.43.0 installs, "Elastic Fabric Adapter release notes",
   Amazon EC2 User Guide (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-changelog.html):
   libfabric 2.1.0amzn4.0 (provider version 201.0, as the v201 capture shows) and the EFA
   driver 2.17.2; /opt/amazon/efa_installed_packages and fi_info --version in the layout of
   efa_check-script.ASSEMBLED-pass.txt's efa_install section.
The hardware of a type (EFA interfaces, GPU count and model) is what the sandbox's own
DescribeInstanceTypes says (instance_types.py: moto's snapshot of EC2's answer with the
documented corrections), so a simulated node has the hardware EC2 reports for its type.

The node says it is simulated as node data, never in a parsed field: its commands get
NIXL_SIMULATED_EFA in their environment (as the SSM agent gives AWS_SSM_INSTANCE_ID), and
the product's check and ping-pong scripts print it when it is set."""

import hashlib
import importlib
import json
import os
import shutil
import threading

PROFILES = ("simulated-efa", "host")
DEFAULT_PROFILE = "simulated-efa"

INSTALLER = "1.43.0"
LIBFABRIC = "2.1.0amzn4.0"
PROVIDER_VERSION = "201.0"  # libfabric 2.1 (1.20 -> 120.0, 1.21 -> 121.0 in the captures)
EFA_DRIVER = "2.17.2g"
NVIDIA_DRIVER = "595.91.07"
# modinfo's srcversion is a digest of the module's sources: one made from the version here
EFA_SRCVERSION = hashlib.md5(EFA_DRIVER.encode()).hexdigest()[:23].upper()
# A GpuInfo name (and memory in MiB, when one name has two sizes) -> what nvidia-smi -L and
# lspci print. "NVIDIA H100 80GB HBM3" is nvidia-smi-L.8xH100's; "GH100 [H100 SXM5 80GB]" is
# the p5 lspci's; the others are the names and device ids of the PCI ID Repository, vendor
# 10de (https://pci-ids.ucw.cz/read/PC/10de) and NVIDIA's product names.
GPU_MODELS = {
    ("H100", 81920): ("NVIDIA H100 80GB HBM3", "2330", "GH100 [H100 SXM5 80GB]"),
    ("H200", None): ("NVIDIA H200", "2335", "GH100 [H200 SXM 141GB]"),
    ("A100", 40960): ("NVIDIA A100-SXM4-40GB", "20b0", "GA100 [A100 SXM4 40GB]"),
    ("A100", 81920): ("NVIDIA A100-SXM4-80GB", "20b2", "GA100 [A100 SXM4 80GB]"),
    ("A10G", None): ("NVIDIA A10G", "2237", "GA102GL [A10G]"),
    ("L4", None): ("NVIDIA L4", "27b8", "AD104GL [L4]"),
    ("L40S", None): ("NVIDIA L40S", "26b9", "AD102GL [L40S]"),
    ("B200", None): ("NVIDIA B200", "2901", "GB100 [B200]"),
    ("RTX PRO Server 6000", None): ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "2bb5",
                                    "GB202GL [RTX PRO 6000 Blackwell Server Edition]"),
}
UVERBS_MINOR = 192  # /dev/infiniband/uverbsN is character device 231, 192 + N
EFA_BUS, GPU_BUS = 0x10, 0x90  # first PCI bus of the EFA devices and of the GPUs


def facts(instance_type):
    """{"efa": n, "gpus": n, "gpu": (smi name, pci device id, lspci name) or None, "gpu_mib":
    each GPU's memory or None} from the
    sandbox's DescribeInstanceTypes table; None for a type EC2 does not know."""
    info = importlib.import_module("moto.ec2.models.instance_types").INSTANCE_TYPES.get(
        instance_type)
    if info is None:
        return None
    net = info.get("NetworkInfo") or {}
    efa = (net.get("EfaInfo") or {}).get("MaximumEfaInterfaces", 0) if net.get(
        "EfaSupported", "EfaInfo" in net) else 0
    gpus, model, mib = 0, None, None
    for gpu in (info.get("GpuInfo") or {}).get("Gpus") or []:
        if gpu.get("Manufacturer") != "NVIDIA":
            continue
        gpus += gpu.get("Count", 0)
        name, mib = gpu.get("Name", ""), (gpu.get("MemoryInfo") or {}).get("SizeInMiB")
        model = GPU_MODELS.get((name, mib)) or GPU_MODELS.get((name, None)) or (
            f"NVIDIA {name}", "", f"Device {name}")
    return {"efa": efa, "gpus": gpus, "gpu": model, "gpu_mib": mib}


def _bus(first, i):
    return first + 4 * i


def lspci_text(f):
    lines = ["00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma]",
             "00:01.0 ISA bridge: Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II]",
             "00:03.0 VGA compatible controller: Amazon.com, Inc. Device 1111",
             "00:04.0 Non-Volatile memory controller: Amazon.com, Inc. NVMe EBS Controller",
             "00:05.0 Ethernet controller: Amazon.com, Inc. Elastic Network Adapter (ENA)"]
    lines += [f"{_bus(EFA_BUS, i):02x}:00.0 Ethernet controller: Amazon.com, Inc. Elastic "
              "Fabric Adapter (EFA)" for i in range(f["efa"])]
    if f["gpu"]:
        lines += [f"{_bus(GPU_BUS, i):02x}:00.0 3D controller: NVIDIA Corporation "
                  f"{f['gpu'][2]} (rev a1)" for i in range(f["gpus"])]
    return "\n".join(lines) + "\n"


def sysfs_devices(f):
    """(name, vendor, device, class) of /sys/bus/pci/devices."""
    rows = [("0000:00:00.0", "0x8086", "0x1237", "0x060000"),
            ("0000:00:05.0", "0x1d0f", "0xec20", "0x020000")]
    rows += [(f"0000:{_bus(EFA_BUS, i):02x}:00.0", "0x1d0f", "0xefa1", "0x020000")
             for i in range(f["efa"])]
    if f["gpu"] and f["gpu"][1]:
        rows += [(f"0000:{_bus(GPU_BUS, i):02x}:00.0", "0x10de", "0x" + f["gpu"][1], "0x030200")
                 for i in range(f["gpus"])]
    return rows


def fi_info_entries(f, ep_type):
    """fi_info -p efa [-t ep_type]: per EFA device, RDM on efa-direct and efa, DGRAM on efa."""
    out = []
    for i in range(f["efa"]):
        name = f"rdmap{_bus(EFA_BUS, i)}s0"
        for fabric, kind, suffix in (("efa-direct", "FI_EP_RDM", "rdm"),
                                     ("efa", "FI_EP_RDM", "rdm"), ("efa", "FI_EP_DGRAM", "dgrm")):
            if ep_type and ep_type != kind:
                continue
            out += ["provider: efa", f"    fabric: {fabric}", f"    domain: {name}-{suffix}",
                    f"    version: {PROVIDER_VERSION}", f"    type: {kind}",
                    "    protocol: FI_PROTO_EFA"]
    return "\n".join(out) + "\n" if out else ""


def lsmod_text(f):
    rows = [("efa", "126976", "0", ""), ("ib_uverbs", "163840", "2", "efa,rdma_ucm"),
            ("rdma_ucm", "28672", "0", ""), ("ib_core", "434176", "4",
                                             "efa,rdma_ucm,ib_uverbs")]
    if f["gpus"]:
        rows += [("nvidia_peermem", "16384", "0", ""),
                 ("nvidia", "56848384", "3", "nvidia_peermem,nvidia_uvm")]
    return "Module                  Size  Used by\n" + "".join(
        f"{m:<19} {s:>8}  {u} {by}".rstrip() + "\n" for m, s, u, by in rows)


_MODINFO = """filename:       /lib/modules/@KERNEL@/kernel/drivers/amazon/net/efa/efa.ko
description:    Elastic Fabric Adapter (EFA)
license:        Dual BSD/GPL
author:         Amazon.com, Inc. or its affiliates
softdep:        pre: ib_uverbs
version:        {driver}
srcversion:     {src}
alias:          pci:v00001D0Fd0000EFA3sv*sd*bc*sc*i*
alias:          pci:v00001D0Fd0000EFA2sv*sd*bc*sc*i*
alias:          pci:v00001D0Fd0000EFA1sv*sd*bc*sc*i*
alias:          pci:v00001D0Fd0000EFA0sv*sd*bc*sc*i*
depends:        ib_uverbs,ib_core
name:           efa
retpoline:      Y
vermagic:       @KERNEL@ SMP preempt mod_unload modversions
"""

# Each tool: /bin/sh, its data in $here/../data; what it does not simulate goes to this
# host's own tool ($NIXL_HOST_PATH: the PATH without the simulated tools).
_HEAD = """#!/bin/sh
# nixl-tui sandbox, simulated EFA node: generated by tools/sandbox/awssim/efasim.py
data={data}
host() {{ PATH=$NIXL_HOST_PATH exec {tool} "$@"; }}
"""

_TOOLS = {
    "lspci": """[ $# -eq 0 ] || host "$@"
cat "$data/lspci"
""",
    "lsmod": """cat "$data/lsmod"
""",
    "modinfo": """for m in "$@"; do
\tcase $m in
\t-*) host "$@" ;;
\tefa) k=$(uname -r); sed "s|@KERNEL@|$k|g" "$data/modinfo.efa" ;;
\t*) echo "modinfo: ERROR: Module $m not found." >&2; exit 1 ;;
\tesac
done
""",
    "fi_info": """prov= type= other= prev=
for a in "$@"; do
\tcase $prev in -p) prov=$a; prev=; continue ;; -t) type=$a; prev=; continue ;; esac
\tcase $a in
\t--version) v=$(cat "$data/libfabric")
\t\tprintf '%s: %s\\nlibfabric: %s\\nlibfabric api: %s\\n' "$0" "$v" "$v" "$(echo "$v" | cut -d. -f1,2)"; exit 0 ;;
\t-p|-t) prev=$a ;;
\t*) other=1 ;;
\tesac
done
[ "$prov" = efa ] && [ -z "$other" ] || host "$@"
case $type in
''|FI_EP_RDM|FI_EP_DGRAM) cat "$data/fi_info${type:+.$type}" ;;
*) echo "fi_getinfo: -61 (No data available)"; exit 1 ;;
esac
""",
    # -p efa becomes -p tcp (and its -f fabric name goes): the real fi_pingpong then runs
    # between the two node processes on this host; an address of the VPC becomes its
    # loopback alias (loopback.py: 10.1.2.3 -> 127.1.2.3), where the nodes are reachable.
    "fi_pingpong": """efa=
case " $* " in *" -p efa "*|*" -pefa "*) efa=1 ;; esac
[ -n "$efa" ] || host "$@"
n=$#
while [ $n -gt 0 ]; do
\ta=$1; shift; n=$((n - 1))
\tcase $a in
\t-p) [ "$1" = efa ] && { shift; n=$((n - 1)); set -- "$@" -p tcp; continue; } ;;
\t-pefa) set -- "$@" -p tcp; continue ;;
\t-f) shift; n=$((n - 1)); continue ;;
\t[0-9]*.*.*.*) case $a in 127.*) ;; *[!0-9.]*) ;; *) a=127.${a#*.} ;; esac ;;
\tesac
\tset -- "$@" "$a"
done
host "$@"
""",
    "ip": """case "$*" in
"-br addr"|"-br a"|"-br address"|"-br addr show"|"-br -4 addr")
\tprintf '%-16s %-14s %s\\n' lo UNKNOWN "127.0.0.1/8 ::1/128" \\
\t\tens32 UP "$NIXL_SIMULATED_VPC_IP/24 fe80::$(cat "$data/mac6")/64" ;;
"-o addr"|"-o a"|"-o address")
\tprintf '1: lo    inet 127.0.0.1/8 scope host lo\\\\       valid_lft forever preferred_lft forever\\n'
\tprintf '2: ens32    inet %s/24 brd %s.255 scope global dynamic ens32\\\\       valid_lft 3600sec preferred_lft 3600sec\\n' \\
\t\t"$NIXL_SIMULATED_VPC_IP" "${NIXL_SIMULATED_VPC_IP%.*}" ;;
"link"|"-br link"|"link show")
\tprintf '%-16s %-14s %s\\n' lo UNKNOWN "00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>" \\
\t\tens32 UP "$(cat "$data/mac") <BROADCAST,MULTICAST,UP,LOWER_UP>" ;;
*) host "$@" ;;
esac
""",
    # -L, and --query-gpu=FIELD,... --format=csv[,noheader][,nounits] for the fields below;
    # anything else is refused (never the host's own nvidia-smi: its GPUs are not the node's)
    "nvidia-smi": """uuid() {
\tu=$(printf '%s-%d' "$AWS_SSM_INSTANCE_ID" "$1" | md5sum)
\techo "GPU-$u" | sed 's/^\\(GPU-........\\)\\(....\\)\\(....\\)\\(....\\)\\(............\\).*/\\1-\\2-\\3-\\4-\\5/'
}
if [ "$*" = -L ]; then
\ti=0
\twhile read -r model; do
\t\techo "GPU $i: $model (UUID: $(uuid $i))"
\t\ti=$((i + 1))
\tdone <"$data/gpus"
\texit 0
fi
query= fmt=
for a in "$@"; do
\tcase $a in
\t--query-gpu=*) query=${a#*=} ;;
\t--format=*) fmt=${a#*=} ;;
\t*) query= ; break ;;
\tesac
done
case ,$fmt, in ,csv,*) ;; *) query= ;; esac
if [ -z "$query" ]; then
\techo "nvidia-smi on a simulated EFA node answers -L and --query-gpu=... --format=csv only" >&2
\texit 2
fi
case ,$fmt, in *,nounits,*) mib= ;; *) mib=" MiB" ;; esac
header= IFS_=$IFS
IFS=,
for field in $query; do
\tcase $field in
\tindex|name|driver_version|uuid|pci.bus_id|count) h=$field ;;
\tmemory.total) h="memory.total [MiB]" ;;
\t*) IFS=$IFS_; echo 'Field "'"$field"'" is not a valid field to query.'; exit 2 ;;
\tesac
\theader="${header:+$header, }$h"
done
IFS=$IFS_
case ,$fmt, in *,noheader,*) ;; *) echo "$header" ;; esac
count=$(wc -l <"$data/gpus")
i=0
while read -r model; do
\trow= IFS=,
\tfor field in $query; do
\t\tcase $field in
\t\tindex) v=$i ;;
\t\tname) v=$model ;;
\t\tdriver_version) v=$(cat "$data/nvidia_driver") ;;
\t\tuuid) v=$(uuid $i) ;;
\t\tpci.bus_id) v=$(printf '00000000:%02X:00.0' $((0x90 + 4 * i))) ;;
\t\tcount) v=$count ;;
\t\tmemory.total) v="$(cat "$data/gpu_mib")$mib" ;;
\t\tesac
\t\trow="${row:+$row, }$v"
\tdone
\tIFS=$IFS_
\techo "$row"
\ti=$((i + 1))
done <"$data/gpus"
""",
}

# What installs software or changes the machine, refused on a simulated node: its commands
# run on the sandbox's own machine (as the user who started it), where a task file's
# `apt-get install` or `python3 -m venv /opt/...` would change that machine, not a node.
# Everything else runs as on the host.
_GUARDED = ("apt-get", "apt", "dpkg", "yum", "dnf", "pip", "pip3", "docker", "modprobe",
            "systemctl", "python3")
_GUARD = """case $tool in
python3) case " $* " in *" -m pip "*|*" -m venv "*|*" -mpip "*|*" -mvenv "*) ;; *) host "$@" ;; esac ;;
esac
echo "$tool: not run on a simulated EFA node: its commands run on the sandbox's own machine, which setup must not change (install on a real node, or use --node-profile host knowingly)" >&2
exit 126
"""


def _write(path, text, mode=0o644):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)


def build(directory, instance_type, f):
    """Writes a simulated node of the type under directory: bin/ (the tools), data/, pci/
    (the /sys/bus/pci/devices entries), opt/amazon/ (its /opt/amazon), uverbs (a count),
    and stage/ (the mount point for the node's private tmpfs)."""
    data = os.path.join(directory, "data")
    bin_dir = os.path.join(directory, "bin")
    for sub in (data, bin_dir, os.path.join(directory, "opt", "amazon", "efa"),
                os.path.join(directory, "stage")):
        os.makedirs(sub, exist_ok=True)
    mac = hashlib.sha256(instance_type.encode()).hexdigest()
    texts = {
        "lspci": lspci_text(f), "lsmod": lsmod_text(f),
        "modinfo.efa": _MODINFO.format(driver=EFA_DRIVER, src=EFA_SRCVERSION),
        "fi_info": fi_info_entries(f, ""),
        "fi_info.FI_EP_RDM": fi_info_entries(f, "FI_EP_RDM"),
        "fi_info.FI_EP_DGRAM": fi_info_entries(f, "FI_EP_DGRAM"),
        "libfabric": LIBFABRIC + "\n",
        "gpus": "".join(f["gpu"][0] + "\n" for _ in range(f["gpus"])) if f["gpu"] else "",
        "gpu_mib": f"{f.get('gpu_mib') or 0}\n",
        # the NVIDIA driver of the Deep Learning Base OSS Nvidia Driver GPU AMIs of late
        # 2026 (their release notes' "nvidia_driver", e.g. the Ubuntu 22.04 one of 20261006)
        "nvidia_driver": NVIDIA_DRIVER + "\n",
        "mac": "0e:" + ":".join(mac[i:i + 2] for i in range(0, 10, 2)) + "\n",
        "mac6": f"c{mac[0:1]}:{mac[2:4]}ff:fe{mac[4:6]}:{mac[6:10]}\n",
    }
    for name, text in texts.items():
        _write(os.path.join(data, name), text)
    for tool, body in _TOOLS.items():
        if tool == "nvidia-smi" and not f["gpus"]:
            continue
        _write(os.path.join(bin_dir, tool),
               _HEAD.format(data=_sh_quote(data), tool=tool) + body, 0o755)
    for tool in _GUARDED:
        _write(os.path.join(bin_dir, tool), _HEAD.format(data=_sh_quote(data), tool=tool) +
               f"tool={tool}\n" + _GUARD, 0o755)
    efa_bin = os.path.join(directory, "opt", "amazon", "efa", "bin")
    os.makedirs(efa_bin, exist_ok=True)
    for tool in ("fi_info", "fi_pingpong"):
        shutil.copy2(os.path.join(bin_dir, tool), os.path.join(efa_bin, tool))
    _write(os.path.join(directory, "opt", "amazon", "efa_installed_packages"),
           f"# EFA installer version: {INSTALLER}\n# Debug packages installed: no\n")
    pci = os.path.join(directory, "pci")
    for name, vendor, device, klass in sysfs_devices(f):
        os.makedirs(os.path.join(pci, name), exist_ok=True)
        for key, value in (("vendor", vendor), ("device", device), ("class", klass)):
            _write(os.path.join(pci, name, key), value + "\n")
    _write(os.path.join(directory, "uverbs"), f"{f['efa']}\n")


def _sh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


class Profiles:
    """Which profile each stack's nodes have, and the simulated nodes built so far (one
    directory per instance type under <workdir>/efasim)."""

    def __init__(self, workdir, default=DEFAULT_PROFILE):
        self.workdir = workdir
        self.default = default
        self.per_stack = {}
        self._built = {}
        self._lock = threading.Lock()

    @staticmethod
    def check(value, what="node_profile"):
        if value not in PROFILES:
            raise ValueError(f"{what} must be one of {', '.join(PROFILES)}")

    def validate(self, changes):
        if "node_profile" in changes:
            self.check(changes["node_profile"])
        stacks = changes.get("node_profiles", {})
        if not isinstance(stacks, dict):
            raise ValueError("node_profiles must be an object: {\"stack name\": "
                             "\"simulated-efa\" or \"host\"}")
        for value in stacks.values():
            self.check(value, "node_profiles")

    def apply(self, changes):
        self.default = changes.get("node_profile", self.default)
        self.per_stack.update(changes.get("node_profiles", {}))

    def profile(self, stack):
        return self.per_stack.get(stack, self.default)

    def summary(self):
        return {"default": self.default, "stacks": dict(self.per_stack)}

    def node_dir(self, node):
        """The simulated node directory for a node of a simulated-efa stack, else None (the
        host profile, or a type EC2 does not know). One per type and facts: a type whose
        EFA count the control API changed (efa_interfaces) gets nodes that agree."""
        if self.profile(node.get("stack")) != "simulated-efa":
            return None
        instance_type = node.get("instance_type") or ""
        f = facts(instance_type)
        if f is None:
            return None
        key = json.dumps([instance_type, f], sort_keys=True)
        with self._lock:
            if key not in self._built:
                digest = hashlib.sha256(key.encode()).hexdigest()[:8]
                path = os.path.join(self.workdir, "efasim", f"{instance_type}-{digest}")
                build(path, instance_type, f)
                self._built[key] = path
            return self._built[key]
