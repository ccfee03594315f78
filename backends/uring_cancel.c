// SPDX-License-Identifier: MIT
/*
 * uring-read with a close hook: the cancellable io_uring loop.  The ring
 * also holds a POLL_ADD on an eventfd.  The close hook (controller thread)
 * never touches the ring, whose submission queue is not thread-safe: it
 * writes the eventfd.  The reader thread, seeing that CQE, emits WAKE
 * BACKEND_WAKE_CANCEL and submits IORING_OP_ASYNC_CANCEL for the pending
 * read; the read's own CQE is then reported like any other (WAKE res, then
 * ERROR -res, or READ if data won the race) and the loop returns its res
 * (-ECANCELED if it was data).  Only then does the hook close the fd.
 */
#include <liburing.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/eventfd.h>

#include "builtin.h"
#include "cancel.h"
#include "util.h"

enum { UCANCEL_READ = 1, UCANCEL_CLOSE, UCANCEL_CANCEL };

struct uring_cancel {
	int efd;
	struct io_uring ring;
	unsigned char buf[];
};

/* Close hook's wake-up: make the eventfd readable. */
static void uring_cancel_wake(void *state)
{
	struct uring_cancel *s = state;

	eventfd_write(s->efd, 1);
}

/* Queue one SQE: a read of the fd, the eventfd poll, or the cancel. */
static void uring_cancel_prep(struct uring_cancel *s, struct tuncheck_reader *r,
			      int what)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);

	if (what == UCANCEL_READ)
		io_uring_prep_read(sqe, r->fd, s->buf, (unsigned)r->bufsize, 0);
	else if (what == UCANCEL_CLOSE)
		io_uring_prep_poll_add(sqe, s->efd, POLLIN);
	else
		io_uring_prep_cancel64(sqe, UCANCEL_READ, 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)what);
}

/* Report one read CQE: 0 = read again, <0 = the loop's result. */
static int uring_cancel_read_done(struct tuncheck_reader *r,
				  struct uring_cancel *s, int res, bool closing)
{
	if (res == -EAGAIN && !closing) {
		usleep(1000); /* the case's nonblock: retry quietly */
		return 0;
	}
	backend_emit(r, TUNCHECK_EV_WAKE, 0, res);
	if (res >= 0)
		backend_emit_read(r, s->buf, (size_t)res);
	else
		backend_emit(r, TUNCHECK_EV_ERROR, -res, -1);
	if (closing)
		return res < 0 ? res : -ECANCELED;
	if (res < 0 && !r->retry_errors)
		return res;
	if (res < 0)
		backend_retry_pause(r);
	return 0;
}

/* Submit what is queued (READY after the first time), wait: 0 or -errno. */
static int uring_cancel_wait(struct tuncheck_reader *r, struct uring_cancel *s,
			     bool *ready, uint64_t *what, int *res)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit(&s->ring);

	if (ret < 0)
		return ret;
	if (!*ready)
		backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	*ready = true;
	do
		ret = io_uring_wait_cqe(&s->ring, &cqe);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	*what = io_uring_cqe_get_data64(cqe);
	*res = cqe->res;
	io_uring_cqe_seen(&s->ring, cqe);
	return 0;
}

/* Read until an error, r->stop, or the close hook's cancel completes. */
static int uring_cancel_loop(struct tuncheck_reader *r, struct uring_cancel *s)
{
	bool closing = false, ready = false, reading = false;
	int ret = 0;

	uring_cancel_prep(s, r, UCANCEL_CLOSE);
	while (!backend_gate(r) && !ret) {
		uint64_t what;
		int res;

		if (!reading && !closing) {
			uring_cancel_prep(s, r, UCANCEL_READ);
			reading = true;
		}
		ret = uring_cancel_wait(r, s, &ready, &what, &res);
		if (ret < 0) {
			backend_emit(r, TUNCHECK_EV_ERROR, -ret, -1);
		} else if (what == UCANCEL_CLOSE && !closing) {
			backend_emit(r, TUNCHECK_EV_WAKE, 0,
				     BACKEND_WAKE_CANCEL);
			uring_cancel_prep(s, r, UCANCEL_CANCEL);
			closing = true;
		} else if (what == UCANCEL_READ) {
			reading = false;
			ret = uring_cancel_read_done(r, s, res, closing);
		}
	}
	return ret;
}

/* Set up the eventfd and the ring, publish them, run the loop. */
static int uring_cancel_run(struct tuncheck_reader *r)
{
	struct uring_cancel *s;
	int ret;

	backend_params_check(r, "uring-cancel", NULL);
	s = malloc(sizeof(*s) + (r->bufsize ? r->bufsize : 1));
	if (!s)
		return -ENOMEM;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0) {
		ret = -errno;
		goto free_state;
	}
	ret = io_uring_queue_init(8, &s->ring, 0);
	if (ret < 0)
		goto close_efd;
	if (!cancel_publish(r, s)) {
		ret = -ECANCELED;
		goto exit_ring;
	}
	ret = uring_cancel_loop(r, s);
	cancel_withdraw(r);
exit_ring:
	io_uring_queue_exit(&s->ring);
close_efd:
	close(s->efd);
free_state:
	free(s);
	return ret;
}

/* The case's `close`: have the reader cancel its read, then close. */
static int uring_cancel_close(struct tuncheck_reader *r)
{
	return cancel_close(r, uring_cancel_wake);
}

static const struct tuncheck_backend_ops uring_cancel_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "uring-cancel",
	.about = "uring-read; close has the reader IORING_OP_ASYNC_CANCEL it",
	.run = uring_cancel_run,
	.close = uring_cancel_close,
};

const struct tuncheck_backend_ops *backend_uring_cancel_entry(void)
{
	return &uring_cancel_ops;
}
