// SPDX-License-Identifier: MIT
/*
 * poll(): wait for POLLIN (or events=) on the non-blocking fd, emit the
 * revents as the
 * wake, then read per r->drain.  poll() re-polls the file on every call,
 * so no registration made before TUNSETIFF outlives the call that made it.
 */
#include <poll.h>
#include <stdlib.h>

#include "builtin.h"
#include "events_param.h"
#include "util.h"

/* Wait, report, drain; until an unrecoverable error or r->stop. */
static int poll_run(struct tuncheck_reader *r)
{
	static const char *const known[] = { "events", NULL };
	struct pollfd pfd = { .fd = r->fd };
	unsigned char *buf;
	int ret = 0;

	backend_params_check(r, "poll", known);
	pfd.events = (short)events_param(r, "poll", false);
	buf = malloc(r->bufsize ? r->bufsize : 1);
	if (!buf)
		return -ENOMEM;
	backend_set_nonblock(r->fd);
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r) && ret >= 0) {
		int n = poll(&pfd, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			backend_emit(r, TUNCHECK_EV_ERROR, errno, -1);
			break;
		}
		backend_emit(r, TUNCHECK_EV_WAKE, 0, pfd.revents);
		ret = backend_drain(r, buf);
	}
	free(buf);
	return ret;
}

static const struct tuncheck_backend_ops poll_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "poll",
	.about = "poll() for POLLIN (or events=), non-blocking reads",
	.run = poll_run,
};

const struct tuncheck_backend_ops *backend_poll_entry(void)
{
	return &poll_ops;
}
