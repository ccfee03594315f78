// SPDX-License-Identifier: MIT
/*
 * io_uring IORING_OP_POLL_ADD (POLLIN, or events=) on the non-blocking fd,
 * then read()
 * per r->drain.  One-shot by default, re-armed after each completion
 * (`rearm=never`: not re-armed, as a loop that forgets to);
 * `poll=multishot` arms it once (IORING_POLL_ADD_MULTI) and re-arms only
 * when a CQE comes without IORING_CQE_F_MORE.  WAKE value: the CQE's res
 * (revents, or -errno, which is also reported as ERROR).  The poll is
 * armed before READY.  Unlike poll() and epoll, the revents are the key of
 * the wakeup, not a fresh tun_chr_poll(): io_poll_check_events() re-polls
 * only when the wakeup carried no mask, so the sk_data_ready() of
 * tun_detach_all() (link delete) completes it with POLLIN, not POLLERR.
 */
#include <liburing.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>

#include "builtin.h"
#include "events_param.h"
#include "util.h"

/* Arm a poll for `events` (POLLIN, or events=) on r->fd: 0 or -errno. */
static int uring_poll_arm(struct io_uring *ring, int fd, bool multishot,
			  unsigned events)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	int ret;

	if (multishot)
		io_uring_prep_poll_multishot(sqe, fd, events);
	else
		io_uring_prep_poll_add(sqe, fd, events);
	ret = io_uring_submit(ring);
	return ret < 0 ? ret : 0;
}

/* The `poll=` parameter: multishot or not (oneshot, the default). */
static bool uring_poll_multishot(struct tuncheck_reader *r)
{
	const char *mode = backend_param(r, "poll");

	if (mode && strcmp(mode, "oneshot") && strcmp(mode, "multishot"))
		r->fail(r, "poll: want oneshot or multishot for backend "
			   "uring-poll");
	return mode && !strcmp(mode, "multishot");
}

/* The `rearm=` parameter: auto (the default) re-arms a completed poll,
 * never leaves it completed (the loop then waits forever). */
static bool uring_poll_rearm(struct tuncheck_reader *r)
{
	const char *v = backend_param(r, "rearm");

	if (v && strcmp(v, "auto") && strcmp(v, "never"))
		r->fail(r, "rearm: want auto or never for backend uring-poll");
	return !v || !strcmp(v, "auto");
}

/* Wait for a poll CQE, report, drain; until an error or r->stop. */
static int uring_poll_run(struct tuncheck_reader *r)
{
	static const char *const known[] = { "poll", "events", "rearm", NULL };
	struct io_uring ring;
	unsigned char *buf;
	bool multishot, rearm;
	unsigned events;
	int ret;

	backend_params_check(r, "uring-poll", known);
	multishot = uring_poll_multishot(r);
	events = events_param(r, "uring-poll", false);
	rearm = uring_poll_rearm(r);
	buf = malloc(r->bufsize ? r->bufsize : 1);
	if (!buf)
		return -ENOMEM;
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0)
		goto free_buf;
	backend_set_nonblock(r->fd);
	ret = uring_poll_arm(&ring, r->fd, multishot, events);
	if (ret < 0)
		goto exit_ring;
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r) && ret >= 0) {
		struct io_uring_cqe *cqe;
		bool more;
		int res;

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret == -EINTR) {
			ret = 0;
			continue;
		}
		if (ret < 0) {
			backend_emit(r, TUNCHECK_EV_ERROR, -ret, -1);
			break;
		}
		res = cqe->res;
		more = cqe->flags & IORING_CQE_F_MORE;
		io_uring_cqe_seen(&ring, cqe);
		backend_emit(r, TUNCHECK_EV_WAKE, 0, res);
		if (res < 0) {
			backend_emit(r, TUNCHECK_EV_ERROR, -res, -1);
			ret = r->retry_errors ? 0 : res;
			if (r->retry_errors)
				backend_retry_pause(r);
		} else {
			ret = backend_drain(r, buf);
		}
		/* rearm=never: what a loop that forgets to re-arm does */
		if (ret >= 0 && !more && rearm)
			ret = uring_poll_arm(&ring, r->fd, multishot, events);
	}
exit_ring:
	io_uring_queue_exit(&ring);
free_buf:
	free(buf);
	return ret;
}

static const struct tuncheck_backend_ops uring_poll_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "uring-poll",
	.about = "io_uring POLL_ADD (one-shot, re-armed; poll=multishot) + "
		 "read()",
	.run = uring_poll_run,
};

const struct tuncheck_backend_ops *backend_uring_poll_entry(void)
{
	return &uring_poll_ops;
}
