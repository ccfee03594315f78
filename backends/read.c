// SPDX-License-Identifier: MIT
/*
 * Blocking read(): no wait primitive, so each return of read() is reported
 * as a wake (value 0) followed by the read.  This is the strategy whose
 * reader is not released by a concurrent close() (golang/go#30426).
 */
#include <stdlib.h>
#include <unistd.h>

#include "builtin.h"
#include "util.h"

/* Block in read(); each return is a wake, then the read or the error. */
static int read_run(struct tuncheck_reader *r)
{
	unsigned char *buf;
	int ret = 0;

	backend_params_check(r, "read", NULL);
	buf = malloc(r->bufsize ? r->bufsize : 1);
	if (!buf)
		return -ENOMEM;
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r)) {
		ssize_t n = read(r->fd, buf, r->bufsize);
		int err = errno;

		if (n < 0 && err == EINTR)
			continue;
		if (n < 0 && err == EAGAIN) {
			/* nonblock without a poller: spin politely */
			usleep(1000);
			continue;
		}
		backend_emit(r, TUNCHECK_EV_WAKE, 0, 0);
		if (n < 0 && r->retry_errors) {
			/* e.g. EBADFD until TUNSETIFF: back off, retry */
			backend_emit(r, TUNCHECK_EV_ERROR, err, -1);
			backend_retry_pause(r);
			continue;
		}
		if (n < 0) {
			ret = -err;
			backend_emit(r, TUNCHECK_EV_ERROR, err, -1);
			break;
		}
		backend_emit_read(r, buf, (size_t)n);
	}
	free(buf);
	return ret;
}

static const struct tuncheck_backend_ops read_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "read",
	.about = "blocking read() loop on the queue fd",
	.run = read_run,
};

const struct tuncheck_backend_ops *backend_read_entry(void)
{
	return &read_ops;
}
