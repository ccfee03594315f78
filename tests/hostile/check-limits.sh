#!/bin/sh
# Limits: 6 GiB allocations fail (--max-memory 4G), 300 processes do not
# all start (--max-procs 128), a plugin flooding READ events cannot grow
# its pcap past --pcap-max (16M), a 32 MiB stderr is kept to
# --max-file-size and quoted by its end; every run completes.
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
size=$(cat "$W"/pcap/*.pcapng | wc -c)
[ "$size" -le $((16 * 1048576)) ] || breach "the pcap grew to $size bytes"
grep -q 'pcap capped at' "$W/tap" || breach "the cap was not reported"
# the code under test's output is kept (memfd or .out), never past
# --max-file-size; the report quotes its end only
HOSTILE_LIMIT=stderr run_tc -b exec:tests/hostile/limits.sh --max-file-size 8M \
	--log-dir "$W/out" "$CASE"
grep -q '^ok 1 - ' "$W/tap" || breach "stderr flood: $(grep -m1 'observed:' "$W/tap")"
out=$(cat "$W"/out/*.out | wc -c)
[ "$out" -le 8388608 ] || breach "the job's output file grew to $out bytes"
HOSTILE_LIMIT=stderr run_tc -v -b exec:tests/hostile/limits.sh --max-file-size 8M "$CASE"
grep -q '^ok 1 - ' "$W/tap" || breach "stderr flood in memory: $(grep -m1 'observed:' "$W/tap")"
tapsize=$(wc -c <"$W/tap")
[ "$tapsize" -le 65536 ] || breach "-v printed $tapsize bytes of a flood"
contained "$mem, $procs, pcap $size bytes with the cap reported, a 32 MiB stderr kept to $out bytes (.out) and $tapsize bytes of TAP with -v"
