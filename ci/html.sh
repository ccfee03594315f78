#!/bin/sh
# ci/html.sh [BUILD]: the --html page as a browser sees it.  Runs the whole
# matrix with --html (and --json, to count what the page must show), then
# headless Chromium (Debian's `chromium`) must: load it without a console
# message, find one matrix row per case, and draw the seed's lost wakeup
# (register-before-attach on epoll-et) as a picture that is not blank and
# shows the hatched lost-wakeup window.  Writes the screenshot to
# $HTML_SHOT when set (README's picture: docs/lost-wakeup.png).
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# exit 77: nothing to check here (no browser, or no sandbox for the run)
command -v chromium >/dev/null || { echo "html: skipped (no chromium: apt-get install chromium)"; exit 77; }
browser() {
	# --no-sandbox: CI runs this as root, where Chromium's own sandbox
	# refuses to start; the page is our own file, with no script
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --enable-logging=stderr --v=0 "$@"
}

cd "$top"
set +e
"$build/tuncheck" run --html "$out/r.html" --json "$out/r.json" \
	cases >"$out/tap" 2>"$out/err"
st=$?
set -e
[ "$st" != 4 ] || { echo "html: skipped (no sandbox here: every job skipped)"; exit 77; }
[ "$st" = 0 ] || { tail -20 "$out/err" >&2; echo "html: the run exited $st" >&2; exit 1; }
if grep -q -E '<(script|img|link|iframe|object|embed)\b| src="|href="(https?:)?//|url\((https?:)?//' "$out/r.html"; then
	echo "html: the page refers to something outside it" >&2
	exit 1
fi

browser --dump-dom "file://$out/r.html" >"$out/dom" 2>"$out/console"
if grep -E 'CONSOLE|Uncaught|Failed to load' "$out/console" >&2; then
	echo "html: console messages while loading the page" >&2
	exit 1
fi
rows=$(grep -o '<tr class="case">' "$out/dom" | wc -l)
cases=$(python3 -c 'import json,sys; print(len({r["case"] for r in json.load(open(sys.argv[1]))["jobs"]}))' "$out/r.json")
if [ "$rows" != "$cases" ] || [ "$rows" = 0 ]; then
	echo "html: $rows matrix rows in the rendered page, $cases cases in the run" >&2
	exit 1
fi

job=$(grep -o 'id="j[0-9]*"><h3>.\{0,160\}register-before-attach @ epoll-et<' "$out/dom" |
	grep -o '^id="j[0-9]*' | cut -d'"' -f2)
[ -n "$job" ] || { echo "html: no section for register-before-attach @ epoll-et" >&2; exit 1; }
browser --window-size=1000,400 --screenshot="$out/shot.png" \
	"file://$out/r.html#$job" >/dev/null 2>&1
stat=$(python3 ci/pngstat.py "$out/shot.png")
distinct=$(echo "$stat" | sed 's/.*distinct=\([0-9]*\).*/\1/')
red=$(echo "$stat" | sed 's/.*red=\([0-9]*\).*/\1/')
# blank is 1 colour; the hatch alone is hundreds of red pixels
if [ "$distinct" -lt 50 ] || [ "$red" -lt 300 ]; then
	echo "html: the lost-wakeup screenshot looks blank: $stat" >&2
	exit 1
fi
[ -z "${HTML_SHOT:-}" ] || cp "$out/shot.png" "$HTML_SHOT"
echo "ok: html: $(wc -c <"$out/r.html") bytes, $rows matrix rows for $cases cases, no console message; lost-wakeup timeline $job: $stat"
