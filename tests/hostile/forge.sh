#!/bin/sh
# Hostile exec backend: write a passing verdict into every fd it can find
# of its job (the runner's channel), kill the job so that its own verdict
# never comes, then read as an ordinary backend.  With HOSTILE_PROOF set
# it kills nothing and exits 3 if any of those writes went through.
line=$(printf 'verdict pass 0 0 pass\t\t')
wrote=
for f in /proc/"$PPID"/fd/* /proc/1/fd/* /proc/2/fd/*; do
	echo "$line" >"$f" 2>/dev/null && wrote="$wrote $f"
done
for fd in 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	(eval "echo \"\$line\" >&$fd") 2>/dev/null && wrote="$wrote fd$fd"
done
if [ -n "$HOSTILE_PROOF" ]; then
	[ -z "$wrote" ] || { echo "hostile: wrote to$wrote" >&2; exit 3; }
else
	kill -KILL "$PPID" 2 2>/dev/null
fi
exec "$HOSTILE_READER"
