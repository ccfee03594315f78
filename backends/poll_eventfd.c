// SPDX-License-Identifier: MIT
/*
 * poll() on {fd, eventfd}: the cancellable poll loop.  The close hook
 * writes the eventfd; the loop, woken by it, emits a WAKE whose value is
 * BACKEND_WAKE_CANCEL OR'ed with the fd's revents, and returns -ECANCELED
 * without touching the fd again; only then does the hook close the fd.
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>

#include "builtin.h"
#include "cancel.h"
#include "util.h"

struct poll_eventfd {
	int efd;
	unsigned char buf[];
};

/* Close hook's wake-up: make the eventfd readable. */
static void poll_eventfd_wake(void *state)
{
	struct poll_eventfd *s = state;

	eventfd_write(s->efd, 1);
}

/* Wait on both fds, drain the tun fd, end when the eventfd fires. */
static int poll_eventfd_run(struct tuncheck_reader *r)
{
	struct pollfd pfd[2] = { { .fd = r->fd, .events = POLLIN } };
	struct poll_eventfd *s;
	int ret = 0;

	backend_params_check(r, "poll-eventfd", NULL);
	s = malloc(sizeof(*s) + (r->bufsize ? r->bufsize : 1));
	if (!s)
		return -ENOMEM;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0) {
		ret = -errno;
		goto free_state;
	}
	pfd[1] = (struct pollfd){ .fd = s->efd, .events = POLLIN };
	if (!cancel_publish(r, s)) {
		ret = -ECANCELED;
		goto close_efd;
	}
	backend_set_nonblock(r->fd);
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r) && ret >= 0) {
		int n = poll(pfd, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			backend_emit(r, TUNCHECK_EV_ERROR, errno, -1);
			break;
		}
		if (pfd[1].revents) {
			backend_emit(r, TUNCHECK_EV_WAKE, 0,
				     BACKEND_WAKE_CANCEL | pfd[0].revents);
			ret = -ECANCELED;
			break;
		}
		backend_emit(r, TUNCHECK_EV_WAKE, 0, pfd[0].revents);
		ret = backend_drain(r, s->buf);
	}
	cancel_withdraw(r);
close_efd:
	close(s->efd);
free_state:
	free(s);
	return ret;
}

/* The case's `close`: wake the loop through the eventfd, then close. */
static int poll_eventfd_close(struct tuncheck_reader *r)
{
	return cancel_close(r, poll_eventfd_wake);
}

static const struct tuncheck_backend_ops poll_eventfd_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "poll-eventfd",
	.about = "poll() on {fd, eventfd}; close wakes it through the eventfd",
	.run = poll_eventfd_run,
	.close = poll_eventfd_close,
};

const struct tuncheck_backend_ops *backend_poll_eventfd_entry(void)
{
	return &poll_eventfd_ops;
}
