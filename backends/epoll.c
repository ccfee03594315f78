// SPDX-License-Identifier: MIT
/*
 * epoll, level- or edge-triggered: register the fd (EPOLLIN, or the mask
 * given by the case's `events=` parameter), emit ready, then
 * epoll_wait/read.  The fd is made non-blocking, as event loops do; with
 * drain=all the reader reads until EAGAIN after each wake, with drain=one it
 * takes a single packet (and edge-triggered mode may strand the rest).
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "builtin.h"
#include "events_param.h"
#include "util.h"

/* What rearm needs from a running loop; it lives as long as the job. */
struct epoll_state {
	pthread_mutex_t lock;
	int epfd; /* -1 once the loop closed it */
	struct epoll_event ev;
};

/* ops->rearm, on the controller thread: epoll_ctl() is thread-safe. */
static int epoll_rearm(struct tuncheck_reader *r, int how)
{
	struct epoll_state *st = r->backend_data;
	int ret = -ESRCH;

	if (!st)
		return ret;
	pthread_mutex_lock(&st->lock);
	if (st->epfd >= 0) {
		if (how == TUNCHECK_REARM_READD)
			ret = epoll_ctl(st->epfd, EPOLL_CTL_DEL, r->fd, NULL) ||
			      epoll_ctl(st->epfd, EPOLL_CTL_ADD, r->fd,
					&st->ev);
		else
			ret = epoll_ctl(st->epfd, EPOLL_CTL_MOD, r->fd,
					&st->ev);
		ret = ret ? -errno : 0;
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* Publish the loop's epoll fd for rearm (or withdraw it with -1). */
static void epoll_state_set(struct tuncheck_reader *r, int epfd,
			    const struct epoll_event *ev)
{
	struct epoll_state *st = r->backend_data;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return;
		pthread_mutex_init(&st->lock, NULL);
		r->backend_data = st;
	}
	pthread_mutex_lock(&st->lock);
	st->epfd = epfd;
	st->ev = *ev;
	pthread_mutex_unlock(&st->lock);
}

static int epoll_run(struct tuncheck_reader *r, const char *name, uint32_t mode)
{
	static const char *const known[] = { "events", NULL };
	struct epoll_event ev = { .events = mode };
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
	epoll_state_set(r, epfd, &ev);
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r) && ret >= 0) {
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
	epoll_state_set(r, -1, &ev);
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
	.flags = TUNCHECK_GATED,
	.name = "epoll-lt",
	.about = "epoll level-triggered (EPOLLIN, or events=), non-blocking "
		 "reads",
	.run = epoll_lt_run,
	.rearm = epoll_rearm,
};

static const struct tuncheck_backend_ops epoll_et_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "epoll-et",
	.about = "epoll edge-triggered (EPOLLIN|EPOLLET, or events=|et), "
		 "non-blocking reads",
	.run = epoll_et_run,
	.rearm = epoll_rearm,
};

const struct tuncheck_backend_ops *backend_epoll_lt_entry(void)
{
	return &epoll_lt_ops;
}

const struct tuncheck_backend_ops *backend_epoll_et_entry(void)
{
	return &epoll_et_ops;
}
