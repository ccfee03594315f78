#!/bin/sh
# exec protocol fixture for tests/test_exec.c: writes its fd 3 and
# environment into the queue (a pipe there), prints one event of each
# kind, then waits for "close" on stdin, closes fd 3 and returns.
echo "$TUNCHECK_FD $TUNCHECK_BUFSIZE $TUNCHECK_DRAIN $TUNCHECK_ERRORS $TUNCHECK_PARAMS" >&3
echo ready
echo "# a comment, then a blank line"
echo
echo "wake 0x1"
echo "read 2 abCD"
echo "error EAGAIN"
read -r cmd
[ "$cmd" = close ] || exit 3
exec 3>&-
echo "return ok"
