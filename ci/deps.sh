#!/bin/sh
# Install what tuncheck needs to build and test, on Debian/Ubuntu.
# Works on a minimal machine without make or gcc (it installs them).
# Fedora: dnf install make gcc pkgconf-pkg-config libmnl-devel liburing-devel \
#         libseccomp-devel libpcap-devel libcmocka-devel libuv-devel iproute python3 \
#         golang nodejs
set -e
if [ "$(id -u)" != 0 ]; then
	echo "ci/deps.sh: run as root (sudo sh ci/deps.sh)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends make gcc libc6-dev pkg-config \
	libmnl-dev liburing-dev libseccomp-dev libpcap-dev libcmocka-dev \
	iproute2 procps python3 libuv1-dev >/dev/null
# the runtimes of the shipped exec backends (examples/go_reader, node_reader)
apt-get install -y -qq --no-install-recommends golang-go nodejs >/dev/null
echo "ci/deps.sh: dependencies installed"
