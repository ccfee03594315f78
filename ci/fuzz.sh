#!/bin/sh
# libFuzzer on tuncheck's parsers of untrusted input, each for SECONDS:
#   case      harness/case.c      case files
#   variant   harness/variant.c   variant expansion of case files
#   exec      backends/exec.c     lines an exec backend prints
# usage: ci/fuzz.sh SECONDS [BUILD_DIR]; exit 1 on a crash, leak or hang.
T=${1:-60}
B=${2:-build}
if ! command -v clang >/dev/null; then
	echo "fuzz: clang not found: install the Debian package 'clang'" >&2
	exit 1
fi
CC="clang -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -Iharness -Ibackends"
mkdir -p "$B"
status=0
fuzz() { # NAME CORPUS-SEED-CMD SOURCES...
	name=$1
	shift
	corpus=$B/fuzz-corpus-$name
	# shellcheck disable=SC2086
	$CC -o "$B/fuzz_$name" "$@" || {
		echo "fuzz $name: build failed"
		status=1
		return
	}
	"$B/fuzz_$name" -max_len=8192 -timeout=5 -max_total_time="$T" \
		-print_final_stats=0 "$corpus" >"$B/fuzz_$name.log" 2>&1
	st=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$B/fuzz_$name.log")
	if [ "$st" = 0 ]; then
		echo "fuzz $name: ${runs:-?}, no crash"
	else
		echo "fuzz $name: FAILED (exit $st); see $B/fuzz_$name.log and the crash-* file"
		tail -n 30 "$B/fuzz_$name.log"
		status=1
	fi
}
for n in case variant; do
	mkdir -p "$B/fuzz-corpus-$n"
	find cases -name '*.case' -exec cp {} "$B/fuzz-corpus-$n/" ';'
done
mkdir -p "$B/fuzz-corpus-exec"
cp tests/fuzz-corpus/exec/* "$B/fuzz-corpus-exec/"
fuzz case tests/fuzz_case.c harness/case.c harness/variant.c
fuzz variant tests/fuzz_variant.c harness/variant.c harness/case.c
fuzz exec tests/fuzz_exec.c backends/exec.c -lpthread
exit $status
