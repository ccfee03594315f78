#!/bin/sh
# PID 1: a job's PID 1 shares the runner's memory (netns/sandbox.c).  A
# backend can never write it: /proc/1/mem opened for writing (/proc is
# read-only), ptrace, process_vm_readv (seccomp).  Where the kernel has
# Landlock it cannot read it either (/proc/1/maps, environ, mem); without
# Landlock those reads work, as reading your files does, and are noted.
. tests/hostile/lib.sh
need python3
run_tc -b exec:tests/hostile/pid1.py --log-dir "$W/out" "$CASE"
out=$(cat "$W"/out/*.out 2>/dev/null)
must="mem-write ptrace vm-read"
reads="maps environ mem-read"
if grep -q 'lacks Landlock' "$W/err"; then
	note="; without Landlock, read:"
else
	must="$must $reads"
	reads=
	note=
fi
for a in $must; do
	line=$(printf '%s\n' "$out" | grep "^$a ")
	case $line in
	"$a refused "*) ;;
	"") breach "no report of the $a attempt: $(printf '%s' "$out" | head -c 300)" ;;
	*) breach "$line" ;;
	esac
done
for a in $reads; do
	printf '%s\n' "$out" | grep -q "^$a ok" && note="$note $a"
done
contained "$(printf '%s\n' "$out" | grep -E '^(maps|environ|mem-read|mem-write|ptrace|vm-read) ' | cut -d' ' -f1-3 | tr '\n' ';' | sed 's/;$//')$note"
