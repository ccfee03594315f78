#!/bin/sh
# PID 1: a job's PID 1 shares the runner's memory (netns/sandbox.c).  A
# backend cannot read or write it through /proc/1/mem, read its maps or
# environment, ptrace it or process_vm_readv from it: the runner is not
# dumpable, /proc is read-only, seccomp refuses ptrace and process_vm_*.
. tests/hostile/lib.sh
need python3
run_tc -b exec:tests/hostile/pid1.py --log-dir "$W/out" "$CASE"
out=$(cat "$W"/out/*.out 2>/dev/null)
for a in maps environ mem-read mem-write ptrace vm-read; do
	line=$(printf '%s\n' "$out" | grep "^$a ")
	case $line in
	"$a refused "*) ;;
	"") breach "no report of the $a attempt: $(printf '%s' "$out" | head -c 300)" ;;
	*) breach "$line" ;;
	esac
done
contained "$(printf '%s\n' "$out" | grep -E '^(maps|environ|mem-read|mem-write|ptrace|vm-read) ' | tr '\n' ';' | sed 's/;$//')"
