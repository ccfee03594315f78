#!/bin/sh
# Host files: a backend cannot change a file's mode (setuid bit), owner,
# times, xattrs or content, nor create or remove files on the host, even
# when tuncheck runs as root (the job is uid 0 to host permissions then).
. tests/hostile/lib.sh
need python3
echo secret >"$W/victim"
chmod 0600 "$W/victim"
: >"$W/keep"
rm -f /tmp/tuncheck-hostile-created "$HOME/tuncheck-hostile-created"
before=$(stat -c '%a %u %g %s %Y' "$W/victim")
run_tc -b exec:tests/hostile/metadata.sh "$CASE"
after=$(stat -c '%a %u %g %s %Y' "$W/victim")
[ "$before" = "$after" ] || breach "victim changed: $before -> $after"
xattr=$(python3 -c 'import os,sys; print(os.listxattr(sys.argv[1]))' "$W/victim" 2>&1)
[ "$xattr" = "[]" ] || breach "victim got xattrs: $xattr"
[ "$(cat "$W/victim")" = secret ] || breach "victim's content changed"
[ -e "$W/keep" ] || breach "a host file was removed"
for f in "$W/created" /tmp/tuncheck-hostile-created "$HOME/tuncheck-hostile-created"; do
	[ ! -e "$f" ] || breach "$f was created on the host"
done
contained "mode, owner, times, xattrs, content unchanged; nothing created or removed (uid $(id -u))"
