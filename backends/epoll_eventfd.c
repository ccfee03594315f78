// SPDX-License-Identifier: MIT
/*
 * epoll (level-triggered unless events= says et) with an eventfd
 * registered next to the fd: the cancellable epoll loop.  The close hook
 * writes the eventfd; the loop, woken by it, emits a WAKE whose value is
 * BACKEND_WAKE_CANCEL OR'ed with the fd's events from the same
 * epoll_wait(), and returns -ECANCELED without touching the fd again;
 * only then does the hook close the fd.
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "builtin.h"
#include "cancel.h"
#include "events_param.h"
#include "util.h"

enum { EPOLL_EVENTFD_TUN, EPOLL_EVENTFD_CANCEL };

struct epoll_eventfd {
	int efd;
	unsigned char buf[];
};

/* Close hook's wake-up: make the eventfd readable. */
static void epoll_eventfd_wake(void *state)
{
	struct epoll_eventfd *s = state;

	eventfd_write(s->efd, 1);
}

/* Register both fds with a new epoll instance: epfd or -errno. */
static int epoll_eventfd_setup(struct tuncheck_reader *r, int efd)
{
	struct epoll_event tun = { .data.u32 = EPOLL_EVENTFD_TUN };
	struct epoll_event ev = { EPOLLIN, { .u32 = EPOLL_EVENTFD_CANCEL } };
	int epfd = epoll_create1(EPOLL_CLOEXEC), ret;

	if (epfd < 0)
		return -errno;
	tun.events = epoll_events_param(r, "epoll-eventfd");
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev) < 0 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, r->fd, &tun) < 0) {
		ret = -errno;
		backend_emit(r, TUNCHECK_EV_ERROR, errno, -1);
		close(epfd);
		return ret;
	}
	return epfd;
}

/* Wait, drain the tun fd, end when the eventfd fires. */
static int epoll_eventfd_run(struct tuncheck_reader *r)
{
	static const char *const known[] = { "events", NULL };
	struct epoll_eventfd *s;
	int epfd, ret = 0;

	backend_params_check(r, "epoll-eventfd", known);
	s = malloc(sizeof(*s) + (r->bufsize ? r->bufsize : 1));
	if (!s)
		return -ENOMEM;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0) {
		ret = -errno;
		goto free_state;
	}
	backend_set_nonblock(r->fd);
	epfd = epoll_eventfd_setup(r, s->efd);
	if (epfd < 0) {
		ret = epfd;
		goto close_efd;
	}
	if (!cancel_publish(r, s)) {
		ret = -ECANCELED;
		goto close_epfd;
	}
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r) && ret >= 0) {
		struct epoll_event out[2];
		int64_t value = 0;
		int n = epoll_wait(epfd, out, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			backend_emit(r, TUNCHECK_EV_ERROR, errno, -1);
			break;
		}
		for (int i = 0; i < n; i++)
			value |= out[i].data.u32 == EPOLL_EVENTFD_CANCEL
					 ? BACKEND_WAKE_CANCEL
					 : out[i].events;
		backend_emit(r, TUNCHECK_EV_WAKE, 0, value);
		if (value & BACKEND_WAKE_CANCEL)
			ret = -ECANCELED;
		else
			ret = backend_drain(r, s->buf);
	}
	cancel_withdraw(r);
close_epfd:
	close(epfd);
close_efd:
	close(s->efd);
free_state:
	free(s);
	return ret;
}

/* The case's `close`: wake the loop through the eventfd, then close. */
static int epoll_eventfd_close(struct tuncheck_reader *r)
{
	return cancel_close(r, epoll_eventfd_wake);
}

static const struct tuncheck_backend_ops epoll_eventfd_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "epoll-eventfd",
	.about = "epoll-lt plus an eventfd; close wakes it through the eventfd",
	.run = epoll_eventfd_run,
	.close = epoll_eventfd_close,
};

const struct tuncheck_backend_ops *backend_epoll_eventfd_entry(void)
{
	return &epoll_eventfd_ops;
}
