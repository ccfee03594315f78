#!/bin/sh
# A broken exec backend: registers, then dies of SIGSEGV.
echo ready
kill -SEGV $$
