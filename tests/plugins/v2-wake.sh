#!/bin/sh
# Exec protocol 2, broken: declares no-wakes, then prints a wake.
echo "ready 2 no-wakes"
echo "wake 0x1"
exec sleep 5
