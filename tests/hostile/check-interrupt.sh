#!/bin/sh
# Interrupts: SIGINT, SIGTERM or SIGKILL to the runner 3 s into a run
# (with a plugin that hangs in close) leave no job process 1 s later;
# after SIGINT and SIGTERM the TAP ends with "Bail out!", the exit status
# is 128 + the signal, and the JUnit and JSON reports parse, with the
# unfinished jobs marked interrupted.
. tests/hostile/lib.sh
need python3
for sig in INT TERM KILL; do
	"$TC" run -j 6 --junit "$W/j.xml" --json "$W/j.json" -b read \
		-b "$B/tests/plugins/hang-close.so" cases >"$W/tap" 2>"$W/err" &
	runner=$!
	sleep 3
	# the job processes are the runner's children (and theirs)
	jobs_before=$(pgrep -P "$runner" | wc -l)
	kill -"$sig" "$runner"
	wait "$runner"
	st=$?
	sleep 1
	left=$(pgrep -f "$TC run -j 6 --junit $W/j.xml" | wc -l)
	[ "$left" = 0 ] || {
		pkill -KILL -f "$TC run -j 6 --junit $W/j.xml"
		breach "SIG$sig: $left processes of the run left 1 s later"
	}
	[ "$jobs_before" -gt 0 ] || breach "SIG$sig: no job was running 3 s in"
	case $sig in
	INT) want=130 ;;
	TERM) want=143 ;;
	KILL) want=137 ;;
	esac
	[ "$st" = "$want" ] || breach "SIG$sig: exit $st, want $want"
	[ "$sig" = KILL ] && continue
	tail -n 1 "$W/tap" | grep -q "^Bail out! interrupted by SIG$sig" ||
		breach "SIG$sig: the TAP does not end with Bail out!"
	python3 - "$W/j.xml" "$W/j.json" <<'PY' || breach "SIG$sig: $(cat "$W/why")"
import json, sys, xml.etree.ElementTree as ET
try:
    ET.parse(sys.argv[1])
    jobs = json.load(open(sys.argv[2]))["jobs"]
    n = sum(j["verdict"] == "interrupted" for j in jobs)
    assert n > 0, "no job marked interrupted in the JSON"
except Exception as e:
    open(sys.argv[2].rsplit("/", 1)[0] + "/why", "w").write(str(e))
    sys.exit(1)
PY
done
contained "SIGINT 130, SIGTERM 143 with Bail out! and parsing reports; SIGKILL 137; no process left"
