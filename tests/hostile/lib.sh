# Shared by the hostile checks (tests/hostile/check-*.sh BUILD_DIR):
# run tuncheck with a hostile backend, assert the run completed with a
# verdict for it, and report "ok" (exit 0), "BREACH" (exit 1) or skip (77).
# Run from the top of the tree.
B=${1:?usage: $0 BUILD_DIR}
TC=$B/tuncheck
NAME=$(basename "$0" .sh)
NAME=${NAME#check-}
H=tests/hostile
# the attack, then an ordinary reader: the job gets a real verdict
READER=./examples/asyncio_reader.py
CASE=cases/seed/register-after-attach.case
# host files the checks watch: not under /tmp, /run, /dev/shm (private
# in every job), readable by the jobs
W=$(mktemp -d /var/tmp/tuncheck-hostile.XXXXXX)
chmod 0755 "$W"
trap 'rm -rf "$W"' EXIT
export HOSTILE_DIR="$W" HOSTILE_READER="$READER"

contained() { echo "ok: $NAME: $*"; exit 0; }
breach() { echo "BREACH: $NAME: $*"; exit 1; }
skip() { echo "skip: $NAME: $*"; exit 77; }
need() { command -v "$1" >/dev/null || skip "needs $1"; }

# run_tc ARGS...: tuncheck run ARGS, bounded; TAP in $W/tap, stderr in
# $W/err, status in $st.  Breach unless it completed (exit 0 or 1) with a
# TAP line for job 1.
run_tc() {
	timeout 120 "$TC" run "$@" >"$W/tap" 2>"$W/err"
	st=$?
	completed
}
completed() {
	case $st in
	0 | 1) ;;
	*) breach "tuncheck exited $st: $(tail -n 3 "$W/err" | tr '\n' ' ')" ;;
	esac
	grep -q -E '^(not )?ok 1 - ' "$W/tap" ||
		breach "no verdict line for the hostile job: $(head -c 300 "$W/tap")"
}
