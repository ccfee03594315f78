#!/bin/sh
# Terminal injection: a backend's TIOCSTI must not reach the terminal
# tuncheck runs in (jobs have no controlling terminal, their stdio is not
# the caller's, and seccomp refuses TIOCSTI).
. tests/hostile/lib.sh
need python3
python3 - "$TC" "$CASE" "$W" <<'PY' || breach "$(cat "$W/why" 2>/dev/null)"
import os, pty, select, sys, time
tc, case, w = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(tc, [tc, "run", "-b", "exec:tests/hostile/tiocsti.py", case])
out, end = b"", time.time() + 120
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 1)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
_, status = os.waitpid(pid, 0)
open(w + "/tap", "wb").write(out)
# injected input would be echoed by the pty: it shows up in what we read
if b"PWNED" in out:
    open(w + "/why", "w").write("TIOCSTI input reached the terminal")
    sys.exit(1)
if os.WEXITSTATUS(status) not in (0, 1):
    open(w + "/why", "w").write("tuncheck exited %d" % os.WEXITSTATUS(status))
    sys.exit(1)
PY
# the progress line (stderr, the same pty) is erased before each TAP line
sed 's/\x1b\[K//g' "$W/tap" | tr -d '\r' | grep -q -E '^(not )?ok 1 - ' ||
	breach "no verdict line"
contained "no input injected into the terminal"
