#!/bin/sh
# Exec protocol 2: a backend that cannot see its wakeups (selftests.tsv).
# Its `wakes` expectations are not observable; its reads still count.
echo "ready 2 no-wakes"
while :; do
	h=$(dd bs=65536 count=1 <&3 2>/dev/null | od -An -tx1 -v | tr -d ' \n')
	[ -n "$h" ] || exit 0
	echo "read $((${#h} / 2)) $h"
done
