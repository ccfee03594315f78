#!/bin/sh
# exec protocol fixture for tests/test_exec.c: ready, then return $1,
# so a test can tell which of many exec backends ran.
echo ready
echo "return $1"
