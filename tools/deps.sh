#!/bin/sh
# Installs the Debian packages nixl-tui builds and tests with, only those missing, then
# makes sure of every tool the tests use: present, installed from Debian, or named here
# with the tests that will be skipped without it (tests/run.sh skips them by name).
set -e
PKGS="build-essential pkg-config libcurl4-openssl-dev libcjson-dev libfabric-dev libfabric-bin
libxml2-dev libncurses-dev libssl-dev libcmocka-dev tmux time curl python3"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing </dev/null
else
	echo "deps: all Debian packages present"
fi

# tool, the Debian package that has it ("-" when Debian has none), the tests that need it
tools="
moto_server - the sandbox and moto tests (test_exec test_moto test_template_moto, tests/engine, tests/efa/test_sandbox_nodes, tests/sandbox, tests/tui)
aws awscli the sandbox's AWS CLI checks (tests/engine, tests/sandbox)
cfn-lint - the template lint (tests/template/test_cfnlint)
tmux tmux the console tests (tests/tui)
fi_pingpong libfabric-bin the ping-pong tests (test_pingpong, tests/efa, tests/tui)
"
echo "$tools" | while read -r tool deb what; do
	[ -n "$tool" ] || continue
	if command -v "$tool" >/dev/null 2>&1; then echo "deps: $tool: $(command -v "$tool")"; continue; fi
	if [ "$deb" != - ]; then
		echo "deps: $tool: installing Debian's $deb"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" </dev/null || true
		command -v "$tool" >/dev/null 2>&1 && continue
	fi
	echo "deps: WARNING: $tool is not installed (pip install ${tool%_server}); skipped without it: $what"
done
