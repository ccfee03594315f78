#!/bin/sh
# Hostile exec backend: signal processes outside the job (a victim, the
# tuncheck runner, and, when not root, every process of the user).
for p in $(cat "$HOSTILE_DIR/pids"); do
	kill -KILL "$p" 2>/dev/null
	kill -STOP "$p" 2>/dev/null
done
[ "$(id -u)" = 0 ] || [ ! -e "$HOSTILE_DIR/not-root" ] || kill -KILL -1 2>/dev/null
kill -KILL 1 2>/dev/null
exec "$HOSTILE_READER"
