// SPDX-License-Identifier: MIT
/*
 * epoll, level- or edge-triggered: register the fd (EPOLLIN, or the mask
 * given by the case's `events=` parameter), emit ready, then
 * epoll_wait/read.  The fd is made non-blocking, as event loops do; with
 * drain=all the reader reads until EAGAIN after each wake, with drain=one it
 * takes a single packet (and edge-triggered mode may strand the rest).
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "builtin.h"
#include "epoll_events.h"
#include "util.h"

static int epoll_run(struct tuncheck_reader *r, const char *name, uint32_t mode)
{
	static const char *const known[] = {"events", NULL};
	struct epoll_event ev = {.events = mode};
	unsigned char *buf;
	int epfd, ret = 0;

	backend_params_check(r, name, known);
	ev.events |= epoll_events_param(r, name);
	buf = malloc(r->bufsize ? r->bufsize : 1);
	if (!buf)
		return -ENOMEM;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		ret = -errno;
		goto free_buf;
	}
	backend_set_nonblock(r->fd);
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, r->fd, &ev) < 0) {
		ret = -errno;
		backend_emit(r, TUNCHECK_EV_ERROR, errno, -1);
		goto close_epfd;
	}
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!r->stop && ret >= 0) {
		struct epoll_event out;
		int n = epoll_wait(epfd, &out, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			backend_emit(r, TUNCHECK_EV_ERROR, errno, -1);
			break;
		}
		backend_emit(r, TUNCHECK_EV_WAKE, 0, out.events);
		ret = backend_drain(r, buf);
	}
close_epfd:
	close(epfd);
free_buf:
	free(buf);
	return ret < 0 ? ret : 0;
}

static int epoll_lt_run(struct tuncheck_reader *r)
{
	return epoll_run(r, "epoll-lt", 0);
}

static int epoll_et_run(struct tuncheck_reader *r)
{
	return epoll_run(r, "epoll-et", EPOLLET);
}

static const struct tuncheck_backend_ops epoll_lt_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "epoll-lt",
	.about = "epoll level-triggered (EPOLLIN, or events=), non-blocking "
		 "reads",
	.run = epoll_lt_run,
};

static const struct tuncheck_backend_ops epoll_et_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "epoll-et",
	.about = "epoll edge-triggered (EPOLLIN|EPOLLET, or events=|et), "
		 "non-blocking reads",
	.run = epoll_et_run,
};

const struct tuncheck_backend_ops *backend_epoll_lt_entry(void)
{
	return &epoll_lt_ops;
}

const struct tuncheck_backend_ops *backend_epoll_et_entry(void)
{
	return &epoll_et_ops;
}
