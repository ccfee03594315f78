// SPDX-License-Identifier: MIT
/*
 * io_uring IORING_OP_READ on the fd, one at a time: submit, wait for the
 * CQE, emit WAKE with its res, then READ (res >= 0 bytes) or ERROR (-res).
 * The fd stays blocking; the first read is submitted before READY, so
 * "registered" means a read is in flight.  drain does not apply: each CQE
 * is one read.  A res of -EAGAIN (the case's `nonblock`) is retried after
 * 1 ms without a report, as the read backend does.
 *
 * No io-wq worker blocks in tun_ring_recv(): tun_chr_open() sets
 * FMODE_NOWAIT, so io_uring first reads with IOCB_NOWAIT, gets -EAGAIN and
 * arms its internal poll on the queue's wait queue (io_arm_poll_handler()),
 * then retries the read on wakeup.  Hence a deleted device completes the
 * read with tun_chr_read_iter()'s -EBADFD, not the -EFAULT of a read()
 * sleeping in tun_ring_recv().
 */
#include <liburing.h>
#include <stdbool.h>
#include <stdlib.h>

#include "builtin.h"
#include "util.h"

/*
 * Submit one read of r->fd into buf (emitting READY after the first
 * submission) and wait for its CQE: 0 with *res, or -errno.
 */
static int uring_read_one(struct io_uring *ring, struct tuncheck_reader *r,
			  void *buf, bool *ready, int *res)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int ret;

	io_uring_prep_read(sqe, r->fd, buf, (unsigned)r->bufsize, 0);
	ret = io_uring_submit(ring);
	if (ret < 0)
		return ret;
	if (!*ready)
		backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	*ready = true;
	do
		ret = io_uring_wait_cqe(ring, &cqe);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	*res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

/* Read until an unrecoverable error or r->stop. */
static int uring_read_run(struct tuncheck_reader *r)
{
	unsigned char *buf;
	struct io_uring ring;
	bool ready = false;
	int ret, res;

	backend_params_check(r, "uring-read", NULL);
	buf = malloc(r->bufsize ? r->bufsize : 1);
	if (!buf)
		return -ENOMEM;
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0) {
		backend_emit(r, TUNCHECK_EV_ERROR, -ret, -1);
		goto free_buf;
	}
	while (!backend_gate(r)) {
		ret = uring_read_one(&ring, r, buf, &ready, &res);
		if (ret < 0) {
			backend_emit(r, TUNCHECK_EV_ERROR, -ret, -1);
			break;
		}
		if (res == -EAGAIN) {
			usleep(1000);
			continue;
		}
		backend_emit(r, TUNCHECK_EV_WAKE, 0, res);
		if (res >= 0) {
			backend_emit_read(r, buf, (size_t)res);
			continue;
		}
		backend_emit(r, TUNCHECK_EV_ERROR, -res, -1);
		ret = res;
		if (!r->retry_errors)
			break;
		ret = 0;
		backend_retry_pause(r);
	}
	io_uring_queue_exit(&ring);
free_buf:
	free(buf);
	return ret;
}

static const struct tuncheck_backend_ops uring_read_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "uring-read",
	.about = "io_uring IORING_OP_READ on the blocking fd, one at a time",
	.run = uring_read_run,
};

const struct tuncheck_backend_ops *backend_uring_read_entry(void)
{
	return &uring_read_ops;
}
