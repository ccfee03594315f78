#!/bin/sh
# Exec protocol 2: declares rearm, and says what arrives on its stdin.
echo "ready 2 rearm"
while read -r line; do
	echo "# stdin: $line"
done
