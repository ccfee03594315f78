/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the built-in backends (header-only). */
#ifndef TUNCHECK_BACKEND_UTIL_H
#define TUNCHECK_BACKEND_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <tuncheck/backend.h>

/*
 * WAKE value of a cancellable backend woken by its own close hook (the
 * eventfd or the cancel), OR'ed with whatever the tun fd reported with it:
 * above every revents bit, so a case can tell it from a kernel wakeup.
 */
#define BACKEND_WAKE_CANCEL ((int64_t)1 << 32)

/* Emit an event of `type` with err and value. */
static inline int backend_emit(struct tuncheck_reader *r,
			       enum tuncheck_event_type type, int err,
			       int64_t value)
{
	struct tuncheck_event ev = { .type = type, .err = err, .value = value };

	return tuncheck_reader_emit(r, &ev);
}

static inline int backend_emit_read(struct tuncheck_reader *r, const void *data,
				    size_t len)
{
	struct tuncheck_event ev = {
		.type = TUNCHECK_EV_READ,
		.data = data,
		.len = len,
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

/*
 * Read one packet from the non-blocking fd: 1 = read one (more may
 * follow), 0 = nothing now (EAGAIN, or an error reported under
 * errors=retry, after a 1 ms back-off), -errno = failed (ERROR emitted).
 */
static inline int backend_read_once(struct tuncheck_reader *r, void *buf)
{
	ssize_t n;
	int err;

	/* EINTR is no answer: ending the drain there would leave packets
	 * queued that an edge-triggered wait never reports again (found by
	 * cases/faults/eintr-read.case) */
	do
		n = read(r->fd, buf, r->bufsize);
	while (n < 0 && errno == EINTR);
	err = errno;
	if (n >= 0) {
		backend_emit_read(r, buf, (size_t)n);
		return 1;
	}
	if (err == EAGAIN)
		return 0;
	backend_emit(r, TUNCHECK_EV_ERROR, err, -1);
	if (!r->retry_errors)
		return -err;
	usleep(1000);
	return 0;
}

/* After a wake: read until EAGAIN (drain=all) or one packet: 0 or -errno. */
static inline int backend_drain(struct tuncheck_reader *r, void *buf)
{
	int ret;

	do
		ret = backend_read_once(r, buf);
	while (ret > 0 && r->drain == TUNCHECK_DRAIN_ALL);
	return ret < 0 ? ret : 0;
}

/* Before each wait: 0 to go on waiting, non-zero to end the loop. */
static inline int backend_gate(struct tuncheck_reader *r)
{
	return r->gate ? r->gate(r) : r->stop;
}

/* errors=retry: the pause before waiting again (retry=DUR). */
static inline void backend_retry_pause(const struct tuncheck_reader *r)
{
	usleep(r->retry_us ? r->retry_us : 1000);
}

/* The value of case parameter `key` ("key=value"), or NULL. */
static inline const char *backend_param(const struct tuncheck_reader *r,
					const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < r->n_params; i++)
		if (!strncmp(r->params[i], key, n) && r->params[i][n] == '=')
			return r->params[i] + n + 1;
	return NULL;
}

/*
 * End the job (verdict error) on a parameter the backend does not take;
 * `known` is a NULL-terminated list of keys, or NULL for none.
 */
static inline void backend_params_check(struct tuncheck_reader *r,
					const char *name,
					const char *const *known)
{
	char msg[160];

	for (size_t i = 0; i < r->n_params; i++) {
		const char *p = r->params[i];
		int klen = (int)strcspn(p, "=");
		size_t k = 0;

		while (known && known[k] &&
		       (strncmp(p, known[k], klen) || known[k][klen]))
			k++;
		if (known && known[k])
			continue;
		snprintf(msg, sizeof(msg),
			 "unknown parameter '%.*s' for backend %s", klen, p,
			 name);
		r->fail(r, msg);
	}
}

#endif
