#!/bin/sh
# Hostile exec backend: write a passing verdict into every fd it can find
# of its job (the runner's channel), then read as an ordinary backend.
line=$(printf 'verdict pass 0 0 pass\t\t')
for f in /proc/"$PPID"/fd/* /proc/1/fd/* /proc/2/fd/*; do
	echo "$line" >"$f" 2>/dev/null
done
for fd in 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	(eval "echo \"\$line\" >&$fd") 2>/dev/null
done
exec "$HOSTILE_READER"
