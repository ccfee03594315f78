#!/bin/sh
# Survivors: a daemon a backend starts dies with its job (PID namespace)
# and never holds tuncheck's stdout (jobs write to their own file).
. tests/hostile/lib.sh
t0=$(date +%s)
timeout 60 "$TC" run -b exec:tests/hostile/survivor.sh "$CASE" 2>"$W/err" | cat >"$W/tap"
t1=$(date +%s)
st=0
completed
[ $((t1 - t0)) -lt 20 ] || breach "'tuncheck run | cat' took $((t1 - t0)) s: something held stdout"
sleep 2
if pgrep -f 'sleep 3031' >/dev/null; then
	pkill -f 'sleep 3031'
	breach "the daemon outlived its job"
fi
contained "run | cat returned in $((t1 - t0)) s; no daemon left"
