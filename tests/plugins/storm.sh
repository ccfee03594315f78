#!/bin/sh
# An exec backend that never reads and reports EBADFD in a loop, as a
# runtime that keeps polling after EPOLLERR does (Go's "not pollable"
# storm): its failure is error-storm, not lost-wakeup (selftests.tsv).
echo ready
while :; do echo "error EBADFD"; sleep 0.001; done
