#!/bin/sh
# Hostile exec backend: change a host file's metadata and content, create
# files outside the job, then read as an ordinary backend.
f=$HOSTILE_DIR/victim
chmod 4777 "$f" 2>/dev/null
chown 0:0 "$f" 2>/dev/null
touch -d 2001-01-01 "$f" 2>/dev/null
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.hostile", b"1")' "$f" 2>/dev/null
echo hostile >>"$f" 2>/dev/null
: >"$HOSTILE_DIR/created" 2>/dev/null
: >/tmp/tuncheck-hostile-created 2>/dev/null
: >"$HOME/tuncheck-hostile-created" 2>/dev/null
rm -f "$HOSTILE_DIR/keep" 2>/dev/null
exec "$HOSTILE_READER"
