/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the built-in backends (header-only). */
#ifndef TUNCHECK_BACKEND_UTIL_H
#define TUNCHECK_BACKEND_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <tuncheck/backend.h>

/* Emit an event of `type` with err and value. */
static inline int backend_emit(struct tuncheck_reader *r,
			       enum tuncheck_event_type type, int err,
			       int64_t value)
{
	struct tuncheck_event ev = { .type = type, .err = err, .value = value };

	return tuncheck_reader_emit(r, &ev);
}

static inline int backend_emit_read(struct tuncheck_reader *r,
				    const void *data, size_t len)
{
	struct tuncheck_event ev = {
		.type = TUNCHECK_EV_READ, .data = data, .len = len,
		.value = (int64_t)len,
	};

	return tuncheck_reader_emit(r, &ev);
}

/* Put the fd in non-blocking mode (event loops drain until EAGAIN). */
static inline int backend_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

#endif
