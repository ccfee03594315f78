#!/bin/sh
# make fuzz: build the libFuzzer targets with clang (ASan + UBSan) and run
# each for SECONDS from its seed corpus; one line per target with the runs
# executed.  Exits 1 when a target crashes (the input is kept as
# BUILD_DIR/fuzz-NAME-crash-*) or does not build, or when clang is missing.
# usage: ci/fuzz.sh SECONDS [BUILD_DIR]
#   case     the case parser (tests/fuzz_case.c), seeds: cases/**/*.case
#   exec     the exec protocol's line parser (tests/fuzz_exec.c),
#            seeds: tests/fuzz-corpus/exec/
#   variant  variant expansion and case_load_all (tests/fuzz_variant.c),
#            seeds: cases/**/*.case
#   protocol the runner's decoding of what a job writes to its pipe
#            (tests/fuzz_protocol.c), seeds: tests/fuzz-corpus/protocol/
#   channel  the host's decoding of what a kernel-matrix guest writes to
#            its result port (tests/fuzz_channel.c),
#            seeds: tests/fuzz-corpus/channel/
#   timeline the --html drawing of a job's timeline log, written by the
#            job (tests/fuzz_timeline.c), seeds: tests/fuzz-corpus/timeline/
SECS=$1
B=${2:-build}
case $SECS in
'' | *[!0-9]*)
	echo "usage: ci/fuzz.sh SECONDS [BUILD_DIR]" >&2
	exit 2
	;;
esac
CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: '$CC' not found: libFuzzer needs clang" \
		"(Debian/Ubuntu: apt-get install clang)" >&2
	exit 1
fi
mkdir -p "$B" || exit 1
CFLAGS="-std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Itests
	-fno-sanitize-recover=all -Iinclude -Iharness/case -Iharness/run -Iharness/job -Iharness/vm -Ibackends -Inetns"

# build NAME SOURCES...: $B/fuzz_NAME from tests/fuzz_NAME.c and SOURCES
build() {
	name=$1
	shift
	# shellcheck disable=SC2086 # CFLAGS is a list of words
	$CC $CFLAGS -o "$B/fuzz_$name" "tests/fuzz_$name.c" "$@" -lpthread
}

# seed NAME FILES...: copy the seeds into the target's corpus directory
seed() {
	dir=$B/fuzz-corpus-$1
	shift
	mkdir -p "$dir" && cp "$@" "$dir/"
}

status=0
# run NAME MAX_LEN: SECS seconds of $B/fuzz_NAME on its corpus
run() {
	log=$B/fuzz-$1.log
	"$B/fuzz_$1" -max_len="$2" -timeout=5 -max_total_time="$SECS" \
		-artifact_prefix="$B/fuzz-$1-" "$B/fuzz-corpus-$1" >"$log" 2>&1
	st=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' \
		"$log" | tail -n 1)
	if [ "$st" != 0 ]; then
		echo "fuzz $1: CRASH (exit $st; log $log)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
			"$log" | head -n 8
		status=1
	else
		echo "fuzz $1: ${runs:-? runs} (corpus $(ls "$B/fuzz-corpus-$1" | wc -l) inputs)"
	fi
}

cases=$(find cases -name '*.case')
build case harness/case/*.c || exit 1
build exec backends/exec.c backends/exec_proto.c harness/case/errname.c || exit 1
build variant harness/case/*.c || exit 1
build protocol harness/run/protocol.c || exit 1
build channel harness/vm/channel.c || exit 1
build packet harness/job/packet.c harness/case/*.c || exit 1
build timeline harness/run/tlsvg.c harness/run/escape.c || exit 1
# shellcheck disable=SC2086 # file names without blanks
seed case $cases || exit 1
seed exec tests/fuzz-corpus/exec/* || exit 1
# shellcheck disable=SC2086
seed variant $cases || exit 1
seed protocol tests/fuzz-corpus/protocol/* || exit 1
seed channel tests/fuzz-corpus/channel/* || exit 1
seed packet tests/fuzz-corpus/packet/* || exit 1
seed timeline tests/fuzz-corpus/timeline/* || exit 1
run case 8192
run exec $((2 * 65536 + 64))
run variant 8192
run protocol 16384
run channel 16384
run packet 4096
run timeline 16384
exit $status
