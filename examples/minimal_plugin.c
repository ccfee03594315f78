// SPDX-License-Identifier: MIT
/*
 * The smallest useful backend plugin: poll() on the queue fd, read what
 * it says is there, report every step.  README.md "Backend ABI" shows it
 * whole; make check builds it against the source tree (-Iinclude) and
 * runs a case on it.  Build it yourself with either of
 *   cc -shared -fPIC -Iinclude -o minimal.so examples/minimal_plugin.c
 *   cc -shared -fPIC $(pkg-config --cflags tuncheck) -o minimal.so minimal_plugin.c
 * and run it: tuncheck run -b ./minimal.so cases
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <tuncheck/backend.h>

static int emit(struct tuncheck_reader *r, enum tuncheck_event_type type,
		int err, int64_t value, const void *data, size_t len)
{
	struct tuncheck_event ev = { .type = type,
				     .err = err,
				     .value = value,
				     .data = data,
				     .len = len };

	return tuncheck_reader_emit(r, &ev);
}

static int minimal_run(struct tuncheck_reader *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	char *buf = malloc(r->bufsize);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	/* non-blocking, so that a wake is drained until EAGAIN */
	fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
	/* poll() registers at each call: there is nothing to do up front */
	emit(r, TUNCHECK_EV_READY, 0, 0, NULL, 0);
	/* wait=step: r->gate() returns at once unless the case gates us */
	while (!ret && !r->stop && !(r->gate && r->gate(r))) {
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			emit(r, TUNCHECK_EV_ERROR, errno, 0, NULL, 0);
			ret = -errno;
			break;
		}
		emit(r, TUNCHECK_EV_WAKE, 0, p.revents, NULL, 0);
		for (;;) {
			ssize_t n = read(r->fd, buf, r->bufsize);

			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break; /* drained */
			if (n < 0) {
				/* EBADFD before TUNSETIFF, EBADF once closed */
				emit(r, TUNCHECK_EV_ERROR, errno, 0, NULL, 0);
				if (!r->retry_errors)
					ret = -errno;
				else
					usleep(r->retry_us);
				break;
			}
			emit(r, TUNCHECK_EV_READ, 0, n, buf, (size_t)n);
			if (r->drain == TUNCHECK_DRAIN_ONE)
				break;
		}
	}
	free(buf);
	return ret; /* tuncheck emits RETURN with this */
}

static const struct tuncheck_backend_ops minimal_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "minimal-poll",
	.about = "poll() then read(): the README's minimal plugin",
	.run = minimal_run,
	.flags = TUNCHECK_GATED, /* run() calls r->gate() before each wait */
};

const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &minimal_ops;
}
