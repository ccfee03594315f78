#!/bin/sh
# Limits: 6 GiB allocations fail (--max-memory 4G), 300 processes do not
# all start (--max-procs 128), a plugin flooding READ events cannot grow
# its pcap past --pcap-max (16M); every run completes.
. tests/hostile/lib.sh
need python3
# AddressSanitizer reserves terabytes of shadow: a sanitized build sets no
# address-space limit (lockdown_limits_default), so there is none to test.
mem="6 GiB refused"
if grep -q __asan_init "$TC" 2>/dev/null; then
	mem="memory not tested (AddressSanitizer build: no RLIMIT_AS)"
else
	HOSTILE_LIMIT=memory run_tc -b exec:tests/hostile/limits.sh "$CASE"
	grep -q '^ok 1 - ' "$W/tap" || breach "$(grep -m1 'observed:' "$W/tap")"
fi
# As root too: the job's real uid is then not host uid 0, which the
# kernel would exempt from RLIMIT_NPROC (README: Sandbox).
HOSTILE_LIMIT=procs run_tc -b exec:tests/hostile/limits.sh "$CASE"
grep -q '^ok 1 - ' "$W/tap" || breach "$(grep -m1 'observed:' "$W/tap")"
procs="300 processes refused (uid $(id -u))"
HOSTILE_ATTACK=flood run_tc -b "$B/tests/hostile/plugin.so" --pcap-dir "$W/pcap" "$CASE"
size=$(cat "$W"/pcap/*.pcap | wc -c)
[ "$size" -le $((16 * 1048576)) ] || breach "the pcap grew to $size bytes"
grep -q 'pcap capped at' "$W/tap" || breach "the cap was not reported"
contained "$mem, $procs, pcap $size bytes with the cap reported"
