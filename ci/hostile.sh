#!/bin/sh
# The attack suite (tests/hostile/check-*.sh): each check runs a hostile
# backend and must find it contained.  One line per check, then
# "hostile: N contained, N breached, N skipped"; exit 1 on any breach.
# usage: ci/hostile.sh BUILD_DIR
B=${1:-build}
ok=0 bad=0 skipped=0
for c in tests/hostile/check-*.sh; do
	sh "$c" "$B"
	case $? in
	0) ok=$((ok + 1)) ;;
	77) skipped=$((skipped + 1)) ;;
	*) bad=$((bad + 1)) ;;
	esac
done
echo "hostile: $ok contained, $bad breached, $skipped skipped"
[ "$bad" = 0 ]
