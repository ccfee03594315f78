#!/bin/sh
# Plugins run only inside jobs: a constructor cannot create host files
# (even as root), and a plugin that aborts kills its job, not the runner.
. tests/hostile/lib.sh
HOSTILE_ATTACK=create run_tc -b "$B/tests/hostile/plugin.so" "$CASE"
[ ! -e "$W/created" ] || breach "the plugin's constructor created a host file"
HOSTILE_ATTACK=abort run_tc -b "$B/tests/hostile/plugin.so" -b read "$CASE"
grep -q '^not ok 1 - .*\[hostile\]' "$W/tap" || breach "the aborting job did not fail"
grep -q '^ok 2 - .*\[read\]' "$W/tap" || breach "the next job did not run"
grep -q 'crashed (SIGABRT)' "$W/tap" || breach "abort not reported: $(grep -A8 '^not ok 1' "$W/tap" | tr '\n' ' ')"
contained "no file from the constructor; abort() cost one job (exit $st)"
