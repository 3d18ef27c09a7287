# nixl-tui EFA check, run on a node (sent inline over SSM, or run here with --local).
# Prints one machine-readable section per probe, read by src/efa/check_script.c:
#   ===NIXL-SECTION name===   the probe's stdout and stderr   ===NIXL-END rc=N===
# It only reads: no package installs, no module loads, no network traffic.
PATH=/opt/amazon/efa/bin:$PATH:/usr/sbin:/sbin
LC_ALL=C
export PATH LC_ALL

have() { command -v "$1" >/dev/null 2>&1; }

# A probe can hang on a broken driver (nvidia-smi, fi_info): bound each one.
bounded() {
	if have timeout; then timeout 30 "$@"; else "$@"; fi
}

section() {
	name=$1
	shift
	echo "===NIXL-SECTION $name==="
	"$@" 2>&1
	echo "===NIXL-END rc=$?==="
}

pci_sysfs() {
	for d in /sys/bus/pci/devices/*; do
		[ -r "$d/vendor" ] || continue
		echo "${d##*/} $(cat "$d/vendor") $(cat "$d/device") $(cat "$d/class")"
	done
}

modules() {
	if have lsmod; then lsmod; else cat /proc/modules; fi
}

addresses() {
	ip -br addr 2>/dev/null || ip -o addr
}

efa_install() {
	/opt/amazon/efa/bin/fi_info --version
	rc=$?
	cat /opt/amazon/efa_installed_packages 2>/dev/null
	return $rc
}

echo "===NIXL-EFA-CHECK v1==="
# A node that says it is simulated (the nixl-tui sandbox's simulated EFA nodes set this, as
# the SSM agent sets AWS_SSM_INSTANCE_ID): its word, shown as it is.
if [ -n "${NIXL_SIMULATED_EFA:-}" ]; then section simulated printf '%s\n' "$NIXL_SIMULATED_EFA"; fi
section pci pci_sysfs
section lspci bounded lspci
section lsmod modules
section modinfo modinfo efa
section fi_info_rdm bounded fi_info -p efa -t FI_EP_RDM
section fi_info bounded fi_info -p efa
section devices ls -l /dev/infiniband
section ip addresses
if have nvidia-smi; then section nvidia_smi bounded nvidia-smi -L; fi
if have neuron-ls; then section neuron_ls bounded neuron-ls; fi
section efa_install efa_install
echo "===NIXL-EFA-CHECK done==="
