#!/bin/sh
# Generate the malformed case files that cannot live in git as text:
# a 1 MiB line, binary garbage, an empty file, a directory, too many
# queues, a FIFO.
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
# one tun and 17 queues: the job has 16 slots (CASE_MAX_QUEUES)
{
	echo "case too-many-queues"
	echo "tun t0 addr=198.18.0.1/24"
	i=0
	while [ $i -lt 17 ]; do
		echo "open q$i device=t0"
		i=$((i + 1))
	done
} >"$D/too-many-queues.case"
# a FIFO: refused at once, never read (nobody writes it)
rm -f "$D/fifo.case"
mkfifo "$D/fifo.case"
# a directory whose symlinks lead back into itself, twice
rm -rf "$D/loop"
mkdir -p "$D/loop/sub"
cp cases/seed/register-after-attach.case "$D/loop/sub/"
ln -s .. "$D/loop/sub/up"
ln -s . "$D/loop/self"
# 24 levels, each with two links to the next: no loop, but 2^24 ways down
rm -rf "$D/fan"
i=0
while [ $i -le 24 ]; do
	mkdir -p "$D/fan/l$i"
	[ $i = 0 ] || ln -s "../l$i" "$D/fan/l$((i - 1))/a"
	[ $i = 0 ] || ln -s "../l$i" "$D/fan/l$((i - 1))/b"
	i=$((i + 1))
done
cp cases/seed/register-after-attach.case "$D/fan/l24/"
# two files of one case name: their jobs would share every output file
rm -rf "$D/dupname"
mkdir -p "$D/dupname/one" "$D/dupname/two"
cp cases/seed/register-after-attach.case "$D/dupname/one/"
cp cases/seed/register-after-attach.case "$D/dupname/two/"
# the fault selftest's twin: cases/faults/eintr-read.case without its fault
sed '/^fault /d' cases/faults/eintr-read.case >"$D/eintr-read-nofault.case"
