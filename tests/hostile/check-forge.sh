#!/bin/sh
# Forged results: a backend cannot reach the runner's channel (no fd, and
# /proc/PID/fd of its job refused by a nested Landlock domain and
# non-dumpable jobs), nor the TAP stream (its stdout is not tuncheck's),
# nor break the TAP with its name.  Also: inherited fds never reach it.
. tests/hostile/lib.sh
wrong=cases/selftest/wrong-count.case
timeout 120 "$TC" run -b exec:tests/hostile/forge.sh "$wrong" >"$W/tap" 2>"$W/err" 7>"$W/fd7"
st=$?
completed
grep -q '^not ok 1 - ' "$W/tap" || breach "a failing job passed: $(grep '^ok 1' "$W/tap")"
[ ! -s "$W/fd7" ] || breach "a write through an inherited fd reached the host"
# the same attack owning up to any write that went through
HOSTILE_PROOF=1 run_tc -b exec:tests/hostile/forge.sh "$CASE"
grep -q '^ok 1 - ' "$W/tap" || breach "$(grep -m1 'observed:' "$W/tap")"
HOSTILE_ATTACK=tap run_tc -b "$B/tests/hostile/plugin.so" "$CASE"
# its output is quoted (YAML `output:`, one escaped line; -v: comments),
# never a TAP line of its own
! grep forged "$W/tap" | grep -q -v '^  output: "' ||
	breach "plugin output in the TAP stream: $(grep forged "$W/tap" | head -1)"
HOSTILE_ATTACK=tap run_tc -v -b "$B/tests/hostile/plugin.so" "$CASE"
! grep forged "$W/tap" | grep -q -v -e '^  output: "' -e '^#   | ' ||
	breach "plugin output in the TAP stream with -v: $(grep forged "$W/tap" | head -1)"
HOSTILE_ATTACK=name timeout 60 "$TC" run -b "$B/tests/hostile/plugin.so" "$CASE" >"$W/tap" 2>"$W/err"
st=$?
[ "$st" = 2 ] || breach "a backend named 'x # TODO\\nok 99' was not refused (exit $st)"
! grep -q 'ok 99' "$W/tap" || breach "the plugin's name forged a TAP line"
grep -q "backend name 'x?#?TODO?ok?99?-?forged' is not valid" "$W/err" ||
	breach "no clear message for the bad name: $(cat "$W/err")"
contained "failing job still fails; fd 7 untouched; no forged TAP line; bad name refused"
