#!/bin/sh
# make check: unit tests, the whole case matrix, then the selftests (cases
# and case files that must fail, each with its recorded message).  Ends with
# one line "check: N passed, N failed, N skipped".
# usage: ci/check.sh BUILD_DIR TEST_BINARY...
B=$1
shift
T=$B/check
rm -rf "$T" && mkdir -p "$T"
pass=0 fail=0 skip=0

count() { # passed failed skipped
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
}

echo "== unit tests"
for t in "$@"; do
	name=$(basename "$t")
	"$t" >"$T/$name.out" 2>&1
	st=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$T/$name.out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$T/$name.out" | tail -n 1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$T/$name.out" | tail -n 1)
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ "$st" != 0 ] && [ "$f" = 0 ]; then
		f=1 # crashed or exited early: count it, never hide it
	fi
	count "$p" "$f" "$s"
	echo "$name: $p passed, $f failed, $s skipped"
	[ "$f" = 0 ] || cat "$T/$name.out"
done

echo "== structure: no cycle between modules, no source file over 700 lines (ci/cycles.py)"
if command -v python3 >/dev/null && command -v nm >/dev/null; then
	if python3 ci/cycles.py "$B" 700; then count 1 0 0; else count 0 1 0; fi
else
	count 0 0 1
	echo "structure: skipped (needs python3 and nm)"
fi

echo "== docs: the README shows examples/minimal_plugin.c as it is"
if command -v python3 >/dev/null; then
	if python3 -c 'import sys; sys.exit(open("examples/minimal_plugin.c").read() not in open("README.md").read())'; then
		count 1 0 0
		echo "README: the minimal plugin is the file"
	else
		count 0 1 0
		echo "FAILED: README's minimal plugin differs from examples/minimal_plugin.c"
	fi
else
	count 0 0 1
fi

# -j: JOBS if set, else tuncheck's own default (from memory, descriptors
# and processes; make flaky shows it gives no unexpected verdict)
J=${JOBS:+-j $JOBS}
# run_matrix LABEL TAPFILE TUNCHECK-ARGS...: run cases, count the TAP
run_matrix() {
	label=$1 tap=$2
	shift 2
	echo "== $label: $B/tuncheck run $J $* cases"
	# shellcheck disable=SC2086 # J is empty or -j N
	"$B/tuncheck" run $J "$@" cases >"$tap" 2>"$tap.err"
	st=$?
	p=$(grep -c -E '^ok [0-9]+ ' "$tap")
	s=$(grep -c -E '^ok [0-9]+ .*# SKIP' "$tap")
	x=$(grep -c -E '^not ok [0-9]+ .*# TODO' "$tap")
	f=$(grep -E '^not ok [0-9]+' "$tap" | grep -c -v '# TODO')
	count $((p - s + x)) "$f" "$s"
	echo "$label: exit $st; $((p - s)) pass, $x xfail, $f failed, $s skipped"
	if [ "$st" != 0 ] && [ "$st" != 4 ] && [ "$f" = 0 ]; then
		count 0 1 0
		echo "$label: tuncheck exited $st"
		cat "$tap.err"
	fi
	[ "$f" = 0 ] || grep -A12 '^not ok' "$tap" | grep -v '# TODO'
	tail -n +2 "$tap.err" | grep -v '^\[' # the matrix
}

# REPORTS=DIR (make check REPORTS=DIR): the matrix run also writes
# DIR/tuncheck.xml (JUnit) and DIR/tuncheck.html, for CI to publish
if [ -n "${REPORTS:-}" ]; then
	mkdir -p "$REPORTS"
	run_matrix matrix "$T/matrix.tap" --junit "$REPORTS/tuncheck.xml" --html "$REPORTS/tuncheck.html"
else
	run_matrix matrix "$T/matrix.tap"
fi

# the example plugin, built against the staged install (make examples)
if [ ! -f "$B/examples/uv_backend.so" ]; then
	count 0 0 1
	echo "uv plugin: skipped (libuv not found by pkg-config: install libuv1-dev, then make examples)"
else
	run_matrix "uv plugin" "$T/uv.tap" -b "$B/examples/uv_backend.so" \
		--expect examples/uv_backend/uv.expect
fi

# the Python asyncio exec backend (examples/asyncio_reader.py)
if command -v python3 >/dev/null; then
	run_matrix "asyncio exec backend" "$T/asyncio.tap" -b exec:./examples/asyncio_reader.py
	# backend ABI 2: no limit on exec backends in one run (ABI 1 had 8)
	mkdir -p "$T/exec12"
	set --
	for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
		ln -sf "$PWD/examples/asyncio_reader.py" "$T/exec12/r$i.py"
		set -- "$@" -b "exec:$T/exec12/r$i.py"
	done
	"$B/tuncheck" run $J "$@" cases/seed/register-after-attach.case >"$T/exec12.tap" 2>&1
	st=$? n=$(grep -c -E '^ok [0-9]+ - register-after-attach \[exec-r[0-9]+\.py\]$' "$T/exec12.tap")
	if [ "$st" = 4 ]; then
		count 0 0 1
		echo "12 exec backends: skipped (no sandbox here)"
	elif [ "$st" = 0 ] && [ "$n" = 12 ]; then
		count 1 0 0
		echo "12 exec backends at once: 12 ok"
	else
		count 0 1 0
		echo "FAILED: 12 exec backends at once: exit $st, $n ok of 12"
		head -n 20 "$T/exec12.tap"
	fi
else
	count 0 0 2
	echo "asyncio exec backend: skipped (no python3)"
fi

# Real runtimes as exec backends, their outcomes documented in --expect
# files: Go's netpoller (examples/go_reader, built by make examples) and
# Node.js/libuv (examples/node_reader).  Without the toolchain: skipped.
if [ -x "$B/examples/go_reader" ]; then
	run_matrix "Go exec backend" "$T/go.tap" \
		-b "go-nb=exec:$B/examples/go_reader -nonblock" \
		-b "go-block=exec:$B/examples/go_reader" \
		--expect examples/go_reader/go.expect
else
	count 0 0 1
	echo "Go exec backend: skipped (no go toolchain: make deps installs golang-go)"
fi
node=$(command -v node || command -v nodejs || true)
if [ -n "$node" ]; then
	run_matrix "Node.js exec backend ($("$node" --version))" "$T/node.tap" \
		-b "node-fs=exec:$node examples/node_reader/node_reader.js fs" \
		-b "node-pipe=exec:$node examples/node_reader/node_reader.js pipe" \
		--expect examples/node_reader/node.expect
else
	count 0 0 1
	echo "Node.js exec backend: skipped (no node: make deps installs nodejs)"
fi

echo "== pcap: every job's file is a valid pcapng, even with no packet"
rm -rf "$T/pcap"
"$B/tuncheck" run $J -b read --pcap-dir "$T/pcap" cases/seed cases/errors >/dev/null 2>&1
st=$?
n=$(find "$T/pcap" -name '*.pcapng' | wc -l)
# a Section Header Block first, little-endian byte-order magic
bad=$(for f in "$T"/pcap/*.pcapng; do
	[ -f "$f" ] || continue
	m=$(od -An -tx1 -N12 "$f" | tr -d ' ')
	case $m in 0a0d0d0a????????4d3c2b1a) ;; *) echo "$f" ;; esac
done)
if [ "$st" != 4 ] && [ -z "$bad" ] && command -v python3 >/dev/null; then
	# every block walked: lengths, directions, comments, time order
	python3 ci/pcapng.py "$T"/pcap/*.pcapng >"$T/pcapng.out" 2>&1 ||
		bad="$(cat "$T/pcapng.out")"
	# and a reader of its own, libpcap's, when tcpdump is here
	if command -v tcpdump >/dev/null; then
		for f in "$T"/pcap/*.pcapng; do
			tcpdump -nn -r "$f" >/dev/null 2>"$T/tcpdump.err" ||
				bad="$bad $f: $(cat "$T/tcpdump.err")"
		done
		echo "tcpdump read them all" >>"$T/pcapng.out"
	fi
fi
if [ "$st" = 4 ]; then
	count 0 0 1
	echo "pcap: skipped (no sandbox here)"
elif [ "$n" -gt 0 ] && [ -z "$bad" ]; then
	count 1 0 0
	echo "pcap: $n files, each a pcapng section header first; $(cat "$T/pcapng.out" 2>/dev/null)"
else
	count 0 1 0
	echo "FAILED: pcap: $n files; not valid: $bad"
fi

echo "== selftests (cases/selftest/selftests.tsv)"
sh ci/selftest-inputs.sh "$T/gen"
tab=$(printf '\t')
while IFS="$tab" read -r file args want msg; do
	case "$file" in '' | '#'*) continue ;; esac
	case "$file" in @*) path=$T/gen/${file#@} ;; *) path=cases/selftest/$file ;; esac
	args=$(printf '%s' "$args" | sed "s|@B@|$B|g") # the build directory
	# shellcheck disable=SC2086
	# a hang fails the selftest instead of hanging make check
	timeout 120 "$B/tuncheck" $args "$path" >"$T/self.out" 2>&1
	st=$?
	if [ "$st" = 4 ] && [ "$want" != 2 ] && [ "$want" != 4 ]; then
		count 0 0 1
		echo "skip: $file (no sandbox here)"
	elif [ "$st" = "$want" ] && grep -qF -- "$msg" "$T/self.out"; then
		count 1 0 0
		echo "ok: $file -> exit $st, \"$msg\""
	else
		count 0 1 0
		echo "FAILED: $file: want exit $want and \"$msg\"; got exit $st:"
		sed 's/^/    /' "$T/self.out" | head -n 20
	fi
done <cases/selftest/selftests.tsv

echo "== mutants: every expect line of every shipped case, flipped, must fail"
# One mutant per expect line; it is killed when any of its jobs (read and
# epoll-et, or the backends its case names; every variant) fails (not ok, and not a documented xfail).  A mutant no job ran is a failure too.
sh ci/mutate.sh "$T/mutants" $(find cases -name '*.case' -not -path '*/selftest/*' | sort)
"$B/tuncheck" run $J "$T/mutants" >"$T/mutants.tap" 2>"$T/mutants.err"
st=$?
if [ "$st" = 4 ]; then
	n=$(grep -c . "$T/mutants/MUTANTS")
	count 0 0 "$n"
	echo "mutants: skipped (no sandbox here)"
else
	k=0 sv=0 nr=0 xf=0 ok=0
	while IFS="$(printf '\t')" read -r name where mline; do
		# an xfail (not ok # TODO) does not count: the original fails too
		if grep -E "^not ok [0-9]+ - $name(/[^ ]*)? \[" "$T/mutants.tap" |
			grep -q -v '# TODO'; then
			k=$((k + 1))
		elif grep -q -E "^# $name(/[^ ]*)? \[.*line $mline: skipped: the expectation is for other kernels" "$T/mutants.tap"; then
			ok=$((ok + 1)) # kernel=A.B-C.D excludes this kernel: check-kernels runs it
		elif grep -q -E "^ok [0-9]+ - $name(/[^ ]*)? \[" "$T/mutants.tap"; then
			sv=$((sv + 1))
			echo "SURVIVED (this expectation cannot fail): $where"
		elif grep -q -E "^not ok [0-9]+ - $name(/[^ ]*)? \[" "$T/mutants.tap"; then
			xf=$((xf + 1)) # fails on every backend it runs on, as documented
		else
			nr=$((nr + 1))
			echo "NOT RUN (exit $st): $where"
		fi
	done <"$T/mutants/MUTANTS"
	count "$k" $((sv + nr)) $((xf + ok))
	echo "mutants: $k of $((k + sv + nr)) killed ($xf on expectations every backend xfails, $ok on expectations for other kernels: skipped)"
	[ "$nr" = 0 ] || head -n 5 "$T/mutants.err"
fi

echo "== reports: TAP (prove), JUnit and JSON of one run agree (ci/reports.py)"
# a run with failures, xfails and passes: drop-read makes reads go missing
"$B/tuncheck" run $J --inject drop-read=2 -b poll -b read --junit "$T/r.xml" \
	--json "$T/r.json" cases/seed >"$T/r.tap" 2>/dev/null
st=$?
if [ "$st" = 4 ]; then
	count 0 0 1
	echo "reports: skipped (no sandbox here)"
elif python3 ci/reports.py "$T/r.tap" "$T/r.xml" "$T/r.json" >"$T/reports.out" 2>&1 &&
	{ ! command -v prove >/dev/null ||
		{ prove --exec cat "$T/r.tap" >"$T/prove.out" 2>&1;
		  grep -q '^Result: FAIL' "$T/prove.out" &&
		  ! grep -q -E 'Parse errors|Wide character' "$T/prove.out"; }; }; then
	count 1 0 0
	echo "$(cat "$T/reports.out"); prove parses the TAP"
else
	count 0 1 0
	echo "FAILED: $(cat "$T/reports.out")"
	cat "$T/prove.out" 2>/dev/null | tail -5
fi

echo "== man page: every option of 'tuncheck help run' in docs/tuncheck.1"
missing=$("$B/tuncheck" help run | grep -o -- '--[a-z][a-z-]*' | sort -u |
	while read -r o; do
		grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" docs/tuncheck.1 || echo "$o"
	done)
warn=$(command -v groff >/dev/null && groff -man -Tutf8 -ww -z docs/tuncheck.1 2>&1)
if [ -z "$missing" ] && [ -z "$warn" ]; then
	count 1 0 0
	echo "man page: every run option documented${warn:-}"
else
	count 0 1 0
	echo "FAILED: man page: undocumented: $missing; groff: $warn"
fi

echo "== --html: the page in headless Chromium (ci/html.sh)"
sh ci/html.sh "$B" >"$T/html.out" 2>&1
st=$?
cat "$T/html.out"
case $st in
0) count 1 0 0 ;;
77) count 0 0 1 ;;
*) count 0 1 0 ;;
esac

echo "== hostile backends: every attack on the sandbox must be contained (ci/hostile.sh)"
sh ci/hostile.sh "$B" >"$T/hostile.out" 2>&1
cat "$T/hostile.out"
h=$(sed -n 's/^hostile: \([0-9]*\) contained, \([0-9]*\) breached, \([0-9]*\) skipped$/\1 \2 \3/p' "$T/hostile.out")
if [ -n "$h" ]; then
	# shellcheck disable=SC2086
	count $h
else
	count 0 1 0
	echo "hostile: the suite did not finish"
fi

echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
