#!/bin/sh
# Fetch Debian's kernel images with their modules into a cache, for the
# kernel matrix (issue 10): no installation, no root, the host's apt
# configuration untouched (a private apt state under the cache).
#   usage: sh ci/kernels.sh [CACHE]     (default: ~/.cache/tuncheck/kernels)
# Leaves CACHE/<release>/boot/vmlinuz-* and CACHE/<release>/lib/modules/*
# (with modules.dep, made by kmod's depmod),
# and prints one line per kernel: RELEASE IMAGE MODULES.
set -eu
cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/tuncheck/kernels}
depmod=$(command -v depmod || ls /usr/sbin/depmod /sbin/depmod 2>/dev/null | head -n 1)
if [ -z "$depmod" ]; then
	echo "kernels: depmod not found: install kmod (sudo apt-get install kmod)" >&2
	exit 1
fi
mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial" "$cache/debs"
# suite: where each kernel line comes from (5.10 bullseye, 6.1 bookworm,
# 6.12 bookworm-backports)
cat >"$cache/apt/sources.list" <<'SRC'
deb http://deb.debian.org/debian bullseye main
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-backports main
SRC
apt_opts="-o Dir::Etc::SourceList=$cache/apt/sources.list
 -o Dir::Etc::SourceParts=/dev/null
 -o Dir::State::Lists=$cache/apt/lists
 -o Dir::State::Status=/dev/null
 -o Dir::Cache=$cache/apt
 -o Debug::NoLocking=1
 -o APT::Get::List-Cleanup=0
 -o APT::Sandbox::User=$(id -un)"
# shellcheck disable=SC2086
apt-get $apt_opts -q update >"$cache/apt/update.log" 2>&1 ||
	{ echo "kernels: apt-get update failed (see $cache/apt/update.log)" >&2; exit 1; }

# The newest linux-image-X.Y.*-amd64 (unsigned; not -rt, not -cloud) the
# suites offer: 5.10.0-32-amd64, 6.12.95+deb12-amd64 style.
newest() {
	# shellcheck disable=SC2086
	apt-cache $apt_opts search --names-only "^linux-image-$1\.[0-9.]+(-[0-9]+|\+[a-z0-9]+)-amd64-unsigned\$" |
		awk '{print $1}' | sort -V | tail -n 1
}

for line in 5.10 6.1 6.12; do
	pkg=$(newest "$line")
	if [ -z "$pkg" ]; then
		echo "kernels: no linux-image-$line.*-amd64-unsigned in the archive" >&2
		exit 1
	fi
	rel=${pkg#linux-image-}
	rel=${rel%-unsigned}
	dir=$cache/$rel
	if [ ! -f "$dir/boot/vmlinuz-$rel" ]; then
		(cd "$cache/debs" &&
			# shellcheck disable=SC2086
			apt-get $apt_opts -q download "$pkg" >/dev/null)
		mkdir -p "$dir"
		dpkg-deb -x "$cache/debs/${pkg}"_*.deb "$dir"
	fi
	# the package leaves modules.dep to its postinst: make it here (the
	# guest's initramfs takes the modules tun and 9p need from it)
	if [ ! -f "$dir/lib/modules/$rel/modules.dep" ]; then
		"$depmod" -b "$dir" "$rel" ||
			{ echo "kernels: depmod for $rel failed" >&2; exit 1; }
	fi
	echo "$rel $dir/boot/vmlinuz-$rel $dir/lib/modules/$rel"
done
