#!/bin/sh
# make flaky: the shipped matrix N times (default 20) at the default -j
# while two busy loops keep the CPUs loaded.  Lists every unexpected verdict
# (a `not ok` that is not a documented xfail), and each run's wall time
# beside its longest job (from --json).  Exit 1 if any verdict was
# unexpected.  usage: ci/flaky.sh BUILD_DIR [N]
B=${1:-build}
N=${2:-20}
T=$B/flaky
rm -rf "$T" && mkdir -p "$T"
busy() { while :; do :; done; }
busy &
l1=$!
busy &
l2=$!
trap 'kill $l1 $l2 2>/dev/null' EXIT INT TERM
bad=0 i=1
while [ "$i" -le "$N" ]; do
	t0=$(date +%s%N)
	"$B/tuncheck" run --json "$T/$i.json" cases >"$T/$i.tap" 2>"$T/$i.err"
	st=$?
	t1=$(date +%s%N)
	u=$(grep -E '^not ok' "$T/$i.tap" | grep -c -v '# TODO')
	longest=$(sed -n 's/.*"wall_ns": \([0-9]*\).*/\1/p' "$T/$i.json" |
		sort -n | tail -n 1)
	printf 'run %d: exit %d, %d.%03d s wall, longest job %d.%03d s, %d unexpected\n' \
		"$i" "$st" $(((t1 - t0) / 1000000000)) $(((t1 - t0) / 1000000 % 1000)) \
		$((${longest:-0} / 1000000000)) $((${longest:-0} / 1000000 % 1000)) "$u"
	if [ "$u" != 0 ] || { [ "$st" != 0 ] && [ "$st" != 4 ]; }; then
		bad=$((bad + 1))
		grep -E '^not ok' "$T/$i.tap" | grep -v '# TODO' | sed 's/^/    /'
	fi
	i=$((i + 1))
done
echo "flaky: $N runs on $(nproc) CPUs under 2 busy loops, $bad with an unexpected verdict"
[ "$bad" = 0 ]
