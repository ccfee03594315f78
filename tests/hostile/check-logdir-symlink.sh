#!/bin/sh
# Root only: a --log-dir/--pcap-dir owned by another user (tuncheck-attacker,
# created if missing).  A first run fills it; the attacker replaces every
# file that run wrote with a symlink to a root-owned file F (so the links
# have exactly the names the jobs use, whatever the naming scheme); a
# second run must not write through them: F's content, mode, owner, size
# and mtime unchanged, and the job files real files again.
# usage: tests/hostile/check-logdir-symlink.sh BUILD_DIR (from the top)
. tests/hostile/lib.sh
[ "$(id -u)" = 0 ] || skip "root only"
A=tuncheck-attacker
if ! id "$A" >/dev/null 2>&1; then
	useradd --system --no-create-home --shell /usr/sbin/nologin "$A" ||
		skip "cannot create the user $A"
fi
F=$W/victim
printf 'precious\n' >"$F"
chmod 0640 "$F"
touch -d '2001-02-03 04:05:06.123456789' "$F"
before=$(stat -c 'mode %a owner %u:%g size %s mtime %y' "$F")
D=$W/logs
mkdir "$D"
chown "$A" "$D"
# variants: names with '/', '=' and ':' in them
CASE=cases/flood/ping-into-tun.case
run_tc -b read --log-dir "$D" --pcap-dir "$D" "$CASE"
n=$(find "$D" -type f | wc -l)
[ "$n" -gt 0 ] || breach "the first run wrote no file into $D: $(tail -n 2 "$W/err")"
runuser -u "$A" -- sh -c 'for f in "$1"/*; do rm -f "$f" && ln -s "$2" "$f"; done' \
	sh "$D" "$F" || breach "the attacker could not plant the links"
run_tc -b read --log-dir "$D" --pcap-dir "$D" "$CASE"
after=$(stat -c 'mode %a owner %u:%g size %s mtime %y' "$F")
[ "$before" = "$after" ] || breach "F changed through a planted symlink: $before -> $after"
[ "$(cat "$F")" = precious ] || breach "F's content changed: $(head -c 80 "$F" | tr -c '[:print:]' '?')"
links=$(find "$D" -type l | wc -l)
[ "$links" = 0 ] || breach "$links planted links still stand in for job files (not replaced): $(find "$D" -type l | head -n 3)"
contained "$n planted links replaced by the jobs' own files; F unchanged ($after)"
