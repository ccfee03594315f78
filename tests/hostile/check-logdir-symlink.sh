#!/bin/sh
# Root only: another user plants symlinks named like a job's files in a
# --log-dir and --pcap-dir it owns, pointing at a root-owned file; a root
# run must neither write through them nor change that file.
. tests/hostile/lib.sh
[ "$(id -u)" = 0 ] || skip "root only"
id nobody >/dev/null 2>&1 || skip "needs the user nobody"
echo precious >"$W/victim"
chmod 0600 "$W/victim"
before=$(stat -c '%a %u %s %Y' "$W/victim")
mkdir "$W/logs"
chown nobody "$W/logs"
for ext in log out pcap; do
	runuser -u nobody -- ln -s "$W/victim" "$W/logs/register-after-attach@read.$ext"
done
run_tc -b read --log-dir "$W/logs" --pcap-dir "$W/logs" "$CASE"
after=$(stat -c '%a %u %s %Y' "$W/victim")
[ "$before" = "$after" ] && [ "$(cat "$W/victim")" = precious ] ||
	breach "the root-owned file changed through a planted symlink: $before -> $after"
[ ! -L "$W/logs/register-after-attach@read.log" ] || breach "the job's log is still the planted link"
contained "planted links replaced, the root-owned file untouched"
