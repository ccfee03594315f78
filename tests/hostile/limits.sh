#!/bin/sh
# Hostile exec backend: exhaust memory or processes, or flood stderr,
# per $HOSTILE_LIMIT.
# It only goes on to read (and the job only passes) when the limit held.
case $HOSTILE_LIMIT in
memory)
	if python3 -c 'b = bytearray(6 << 30); b[::4096] = b"x" * len(b[::4096])' 2>/dev/null; then
		echo "hostile: allocated and touched 6 GiB" >&2
		exit 1
	fi
	;;
procs)
	python3 -c '
import os, sys, time
pids = []
for i in range(300):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        os.closerange(0, 3)
        time.sleep(5)
        os._exit(0)
    pids.append(pid)
if len(pids) > 200:
    sys.stderr.write("hostile: %d processes started\n" % len(pids))
    sys.exit(1)
# the cap held: free it for the reader (a pyenv shim forks to start)
for pid in pids:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
' || exit 1
	;;
stderr)
	# 32 MiB of diagnostics: the job keeps at most --max-file-size
	head -c 33554432 /dev/zero | tr '\0' x >&2
	;;
esac
exec "$HOSTILE_READER"
