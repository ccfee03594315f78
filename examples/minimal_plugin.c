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

	if (!buf)
		return -ENOMEM;
	/* poll() registers at each call: there is nothing to do up front */
	emit(r, TUNCHECK_EV_READY, 0, 0, NULL, 0);
	while (!r->stop) {
		/* wait=step: returns at once unless the case gates us */
		if (r->gate && r->gate(r))
			break;
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			emit(r, TUNCHECK_EV_ERROR, errno, 0, NULL, 0);
			break;
		}
		emit(r, TUNCHECK_EV_WAKE, 0, p.revents, NULL, 0);
		if (p.revents & POLLNVAL)
			break; /* the fd was closed under us */
		do {
			ssize_t n = read(r->fd, buf, r->bufsize);

			if (n < 0 && errno == EAGAIN)
				break; /* drained (a non-blocking fd) */
			if (n < 0) {
				emit(r, TUNCHECK_EV_ERROR, errno, 0, NULL, 0);
				if (!r->retry_errors) {
					free(buf);
					return -errno;
				}
				usleep(r->retry_us);
				break;
			}
			emit(r, TUNCHECK_EV_READ, 0, n, buf, (size_t)n);
		} while (r->nonblock && r->drain == TUNCHECK_DRAIN_ALL);
	}
	free(buf);
	return 0; /* tuncheck emits RETURN with this */
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
