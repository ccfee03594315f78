// SPDX-License-Identifier: MIT
/*
 * A tuncheck backend plugin built out of tree: libuv's uv_poll on the queue
 * fd, the way a libuv program watches a tun device.  libuv adds the fd to
 * its epoll set (level-triggered) in the loop's next poll phase, so READY
 * is emitted from a check callback after that first poll; an idle handle
 * makes that first poll non-blocking.
 *
 *   make -C examples/uv_backend   (needs an installed tuncheck and libuv)
 *   tuncheck run -b ./uv_backend.so cases
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <tuncheck/backend.h>
#include <uv.h>

struct uvb {
	uv_loop_t loop;
	uv_poll_t poll;
	uv_idle_t idle;
	uv_check_t check;
	uv_async_t close_req; /* the case's close step, from its thread */
	struct tuncheck_reader *r;
	unsigned char *buf;
	int ret;
};

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

/* Report one event without data. */
static void uvb_emit(struct tuncheck_reader *r, enum tuncheck_event_type type,
		     int err, int64_t value)
{
	struct tuncheck_event ev = { .type = type, .err = err, .value = value };

	tuncheck_reader_emit(r, &ev);
}

/* A read failed: report it; end the loop unless the case says retry. */
static void uvb_error(struct uvb *u, int err)
{
	uvb_emit(u->r, TUNCHECK_EV_ERROR, err, -1);
	if (u->r->retry_errors)
		return;
	u->ret = -err;
	uv_stop(&u->loop);
}

static void uvb_on_poll(uv_poll_t *h, int status, int events);

/* Read what is there: until EAGAIN (drain=all) or one packet. */
static void uvb_drain(struct uvb *u)
{
	struct tuncheck_reader *r = u->r;

	for (;;) {
		ssize_t n = read(r->fd, u->buf, r->bufsize);
		struct tuncheck_event ev = {
			.type = TUNCHECK_EV_READ,
			.data = u->buf,
			.len = n > 0 ? (size_t)n : 0,
			.value = n,
		};

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			uvb_error(u, errno);
		if (n < 0)
			return;
		tuncheck_reader_emit(r, &ev);
		if (r->drain == TUNCHECK_DRAIN_ONE)
			return;
	}
}

/*
 * uv_poll callback.  On POLLERR libuv reports UV_EBADF and stops the handle
 * itself (uv__poll_io()); with errors=retry the loop simply goes on, as a
 * program that ignores the error would, and the stopped handle never fires
 * again.  (Restarting it would re-register with EPOLL_CTL_ADD or _MOD
 * depending on libuv's internal state, a timing-dependent outcome.)
 */
static void uvb_on_poll(uv_poll_t *h, int status, int events)
{
	struct uvb *u = h->data;

	uvb_emit(u->r, TUNCHECK_EV_WAKE, 0, events);
	if (status < 0) {
		uvb_error(u, -status);
		return;
	}
	uvb_drain(u);
}

/* Nothing: an active idle handle makes the next poll non-blocking. */
static void uvb_on_idle(uv_idle_t *h)
{
	(void)h;
}

/* After the loop's first poll phase: the fd is in libuv's epoll set. */
static void uvb_on_check(uv_check_t *h)
{
	struct uvb *u = h->data;

	uv_idle_stop(&u->idle);
	uv_check_stop(h);
	uvb_emit(u->r, TUNCHECK_EV_READY, 0, 0);
}

/* In the loop thread: stop watching, then close the fd, then return. */
static void uvb_on_close_req(uv_async_t *h)
{
	struct uvb *u = h->data;

	uv_poll_stop(&u->poll);
	close(u->r->fd);
	u->ret = 0;
	uv_stop(&u->loop);
}

/* Close every handle, so the loop can be closed. */
static void uvb_walk_close(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* ops->run: a libuv loop with one uv_poll on the queue fd. */
static int uvb_run(struct tuncheck_reader *r)
{
	struct uvb *u = calloc(1, sizeof(*u));
	int ret;

	if (!u || !(u->buf = malloc(r->bufsize ? r->bufsize : 1))) {
		ret = -ENOMEM;
		goto free_u;
	}
	u->r = r;
	ret = uv_loop_init(&u->loop);
	if (ret < 0)
		goto free_u;
	ret = uv_poll_init(&u->loop, &u->poll, r->fd);
	if (ret < 0) {
		uv_loop_close(&u->loop);
		goto free_u;
	}
	u->poll.data = u->idle.data = u->check.data = u->close_req.data = u;
	uv_idle_init(&u->loop, &u->idle);
	uv_check_init(&u->loop, &u->check);
	uv_async_init(&u->loop, &u->close_req, uvb_on_close_req);
	r->backend_data = u;
	uv_idle_start(&u->idle, uvb_on_idle);
	uv_check_start(&u->check, uvb_on_check);
	uv_poll_start(&u->poll, UV_READABLE, uvb_on_poll);
	uv_run(&u->loop, UV_RUN_DEFAULT);
	ret = u->ret;
	uv_walk(&u->loop, uvb_walk_close, NULL);
	uv_run(&u->loop, UV_RUN_DEFAULT);
	uv_loop_close(&u->loop);
	/* the close hook may still look at u: it lives as long as the job */
	return ret;
free_u:
	if (u)
		free(u->buf);
	free(u);
	return ret;
}

/* ops->close: wake the loop; it stops the poll and closes the fd. */
static int uvb_close(struct tuncheck_reader *r)
{
	struct uvb *u = r->backend_data;

	if (u)
		return uv_async_send(&u->close_req);
	return close(r->fd) < 0 ? -errno : 0;
}

static const struct tuncheck_backend_ops uvb_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "uv-poll",
	.about = "libuv uv_poll on the queue fd (plugin, examples/uv_backend)",
	.run = uvb_run,
	.close = uvb_close,
};

/* The one exported symbol tuncheck looks up. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &uvb_ops;
}
