#!/bin/sh
# Generate the malformed case files that cannot live in git as text:
# a 1 MiB line, binary garbage, an empty file, a directory.
D=$1
mkdir -p "$D/a-directory.case"
: >"$D/empty.case"
{
	echo "case long-line"
	head -c 1048576 /dev/zero | tr '\0' 'x'
	echo
} >"$D/long-line.case"
{
	echo "case garbage"
	printf 'tun t0\001\002\377\000\033[2J\n'
} >"$D/garbage.case"
