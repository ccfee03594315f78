#!/bin/sh
# Signals: a backend cannot kill or stop processes outside its job (its
# PID namespace has none of them; Landlock scopes signals on 6.12).
. tests/hostile/lib.sh
sleep 300 &
victim=$!
# kill -1 only where it cannot hurt: never as root on the host
[ "$(id -u)" = 0 ] || : >"$W/not-root"
sh -c 'echo "$$ '"$victim"'" >"$HOSTILE_DIR/pids"; exec "$0" "$@"' \
	"$TC" run -b exec:tests/hostile/signals.sh "$CASE" >"$W/tap" 2>"$W/err" &
runner=$!
( sleep 120; kill -CONT "$runner" 2>/dev/null; kill -KILL "$runner" 2>/dev/null ) &
guard=$!
wait "$runner"
st=$?
kill "$guard" 2>/dev/null
alive=yes
kill -0 "$victim" 2>/dev/null || alive=no
kill "$victim" 2>/dev/null
[ "$alive" = yes ] || breach "the victim process outside the job was killed"
completed
contained "victim alive, runner completed with exit $st"
