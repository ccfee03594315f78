#!/bin/sh
# make check-kernels: the shipped matrix on the host's kernel and on every
# kernel ci/kernels.sh fetched (under QEMU), then what a broken kernel, a
# kernel without the tun module, a panicking kernel and a silent guest give.  Ends with one
# line "check-kernels: N passed, N failed, N skipped".
# usage: ci/check-kernels.sh BUILD_DIR KERNELS_DIR [RELEASE...]
#   (default: every kernel in KERNELS_DIR; ACCEL=auto|kvm|tcg, JOBS=N)
B=$1 K=$2
shift 2
T=$B/check-kernels
rm -rf "$T" && mkdir -p "$T"
pass=0 fail=0 skip=0
J=${JOBS:-6}
ACCEL=${ACCEL:-auto}

ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "check-kernels: qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
	echo "check-kernels: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
rels=$*
[ -n "$rels" ] || rels=$(cd "$K" 2>/dev/null && ls -d [0-9]* 2>/dev/null)
set --
for r in $rels; do
	img=$K/$r/boot/vmlinuz-$r
	if [ -f "$img" ]; then
		set -- "$@" --kernel "$img"
	else
		echo "check-kernels: no $img (run 'make kernels')"
		skip=$((skip + 1))
	fi
done
first=$2

# 1. the whole shipped matrix, host and every kernel: all as expected
echo "== matrix: tuncheck run -j $J --accel $ACCEL --kernel host $* cases"
start=$(date +%s)
"$B/tuncheck" run -j "$J" --accel "$ACCEL" --kernel host "$@" \
	--json "$T/matrix.json" cases >"$T/matrix.tap" 2>"$T/matrix.err"
st=$?
end=$(date +%s)
sed -n '/^kernel /p' "$T/matrix.err"
sed -n '/^kernels:/,$p' "$T/matrix.err"
echo "matrix: exit $st in $((end - start)) s"
if [ "$st" = 0 ]; then
	ok "every kernel's verdicts as the cases document"
else
	bad "the matrix (exit $st): $T/matrix.err"
fi
n=$(grep -c '^ok\|^not ok' "$T/matrix.tap")
k=$(grep -c '"kernel": "' "$T/matrix.json")
if [ "$n" -gt 0 ] && [ "$n" = "$k" ]; then
	ok "JSON names a kernel for each of the $n jobs"
else
	bad "JSON names a kernel for $k of $n jobs"
fi
[ -n "$first" ] || { echo "check-kernels: $pass passed, $fail failed, $((skip + 1)) skipped"; exit 0; }

# 2. broken kernels beside a good one: each its own verdict, the good one
# still reported.  Garbage for an image; a modules directory without tun;
# a kernel told to run an init that does not exist (it panics).
rel=$(basename "$(dirname "$(dirname "$first")")")
mods=$K/$rel/lib/modules/$rel
head -c 65536 /dev/urandom >"$T/garbage.img"
mkdir -p "$T/notun"
grep -v '/tun\.ko' "$mods/modules.dep" >"$T/notun/modules.dep"
cp "$mods/modules.builtin" "$T/notun/" 2>/dev/null
ln -s "$mods/kernel" "$T/notun/kernel"
echo "== broken kernels"
"$B/tuncheck" run -j "$J" --accel "$ACCEL" -b read --kernel "$first" \
	--kernel "$T/garbage.img" --kernel "$first:$T/notun" \
	cases/seed/register-after-attach.case >"$T/broken.tap" 2>"$T/broken.err"
st=$?
TUNCHECK_VM_APPEND=rdinit=/no-such-init "$B/tuncheck" run -j "$J" \
	--accel "$ACCEL" -b read --kernel "$first" \
	cases/seed/register-after-attach.case >"$T/panic.tap" 2>"$T/panic.err"
pst=$?
TUNCHECK_VM_IDLE_S=3 "$B/tuncheck" run -j "$J" --accel "$ACCEL" -b read \
	--kernel "$first" cases/selftest/vm-silent.case >"$T/silent.tap" 2>"$T/silent.err"
sst=$?
cat "$T/broken.err" "$T/panic.err" "$T/silent.err" | grep -E '^kernel|ran no job' | cut -c1-240
if grep -q "^ok 1 - register-after-attach \[read\] on $rel\$" "$T/broken.tap"; then
	ok "a good kernel beside broken ones is reported"
else
	bad "the good kernel's job: $T/broken.tap"
fi
if grep -q 'ran no job: .*garbage.img is not a bootable x86 bzImage' "$T/broken.err"; then
	ok "a broken image is a per-kernel verdict"
else
	bad "broken image: $T/broken.err"
fi
if grep -q "^ok 3 - register-after-attach \[read\] on $rel#3 # SKIP .*tun" "$T/broken.tap" &&
	grep -q 'no /dev/net/tun (the tun module did not load)' "$T/broken.err"; then
	ok "a kernel without the tun module: its jobs skip, saying why"
else
	bad "no tun module: $T/broken.tap"
fi
if [ "$st" = 1 ] && [ "$pst" = 1 ] &&
	grep -q 'ran no job: the kernel panicked; console: .*Kernel panic' "$T/panic.err"; then
	ok "a kernel that panics is a per-kernel error with its console tail"
else
	bad "panic (exit $st, $pst): $T/panic.err"
fi
if [ "$sst" = 1 ] &&
	grep -q 'ran no job: no result for too long; .*console: ' "$T/silent.err"; then
	ok "a guest silent for too long is stopped, a per-kernel error"
else
	bad "silent guest (exit $sst): $T/silent.err"
fi
echo "check-kernels: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
