#!/bin/sh
# Hostile exec backend: a double-forked setsid daemon holding stdout.
( setsid sleep 3031 & )
exec "$HOSTILE_READER"
