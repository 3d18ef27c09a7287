#!/bin/sh
# Installs the Debian packages nixl-tui builds and tests with, only those missing.
set -e
PKGS="build-essential pkg-config libcurl4-openssl-dev libcjson-dev libfabric-dev libfabric-bin
libxml2-dev libncurses-dev libssl-dev libcmocka-dev tmux time curl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && { echo "deps: all present"; exit 0; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing </dev/null
