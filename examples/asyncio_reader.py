#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A tuncheck exec backend: Python asyncio, loop.add_reader() on the queue.

    tuncheck run -b 'exec:python3 examples/asyncio_reader.py' cases

The queue fd is fd 3 (TUNCHECK_FD).  add_reader() registers it with the
loop's selector (selectors.EpollSelector: epoll, level-triggered) at once,
so a reader started before `attach` registers before TUNSETIFF, as Go's
runtime did (golang/go#30426).  Events go to stdout, one line each, flushed:
ready, wake, read LEN HEX, error ERRNO_NAME, return ok|ERRNO_NAME.  A line
"close" on stdin is the case's `close` step: drop the registration, close
fd 3, return.
"""
import asyncio
import errno
import os
import sys

FD = int(os.environ.get("TUNCHECK_FD", "3"))
BUFSIZE = int(os.environ.get("TUNCHECK_BUFSIZE", "0")) or 65536
DRAIN_ALL = os.environ.get("TUNCHECK_DRAIN", "all") == "all"
RETRY = os.environ.get("TUNCHECK_ERRORS", "return") == "retry"


def say(*words):
    """One protocol line, flushed at once: tuncheck stamps it on arrival."""
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def main():
    loop = asyncio.new_event_loop()
    done = loop.create_future()
    os.set_blocking(FD, False)

    def finish(result):
        loop.remove_reader(FD)
        if not done.done():
            done.set_result(result)

    def on_readable():
        # asyncio does not pass the revents to the callback
        say("wake")
        while True:
            try:
                data = os.read(FD, BUFSIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                name = errno.errorcode.get(e.errno, str(e.errno))  # a number if unnamed
                say("error", name)
                if not RETRY:
                    finish(name)
                return
            say("read", len(data), data.hex())
            if not DRAIN_ALL:
                return

    def on_stdin():
        line = os.read(0, 64)
        if not line or line.startswith(b"close"):
            finish("ok")
            os.close(FD)

    loop.add_reader(FD, on_readable)
    loop.add_reader(0, on_stdin)
    say("ready")
    try:
        result = loop.run_until_complete(done)
    except OSError as e:
        # the loop's own wait failed (epoll_wait: EBADF, say): asyncio
        # raises out of run_forever; report it instead of a traceback
        result = errno.errorcode.get(e.errno, str(e.errno))
        say("error", result)
    say("return", result)


if __name__ == "__main__":
    main()
