#!/bin/sh
# A broken exec backend: registers, then prints an event nobody knows.
echo ready
echo "# a diagnostic before the garbage"
echo wkae
exec sleep 5
