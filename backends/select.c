// SPDX-License-Identifier: MIT
/*
 * select(): the fd in readfds and exceptfds (events=: in -> readfds, out ->
 * writefds, pri -> exceptfds), non-blocking reads per r->drain.  The wake
 * value is a bit set named like poll's: SELECT_WAKE_READ (in) when the fd
 * was in the returned readfds, SELECT_WAKE_EXCEPT (pri) when in exceptfds,
 * SELECT_WAKE_WRITE (out) when in writefds.  select()
 * counts EPOLLERR and EPOLLHUP as readable (POLLIN_SET in fs/select.c), so
 * tun_chr_poll()'s EPOLLERR shows up as readable and the read() reports
 * the error; an fd number closed under it is both (select_poll_one()
 * returns EPOLLNVAL, which POLLIN_SET and POLLEX_SET include).
 */
#include <stdlib.h>
#include <sys/select.h>

#include "builtin.h"
#include "events_param.h"
#include "util.h"

#define SELECT_WAKE_READ   1 /* POLLIN */
#define SELECT_WAKE_EXCEPT 2 /* POLLPRI */
#define SELECT_WAKE_WRITE  4 /* POLLOUT */

/* Wait, report, drain; until an unrecoverable error or r->stop. */
static int select_run(struct tuncheck_reader *r)
{
	static const char *const known[] = { "events", NULL };
	unsigned char *buf;
	uint32_t want;
	int ret = 0;

	backend_params_check(r, "select", known);
	/* without events=: readfds and exceptfds, as before */
	want = backend_param(r, "events") ? events_param(r, "select", false)
					  : POLLIN | POLLPRI;
	if (r->fd >= FD_SETSIZE)
		r->fail(r, "select: the queue fd is >= FD_SETSIZE");
	buf = malloc(r->bufsize ? r->bufsize : 1);
	if (!buf)
		return -ENOMEM;
	backend_set_nonblock(r->fd);
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r) && ret >= 0) {
		fd_set in, out, ex;
		int n, bits = 0;

		FD_ZERO(&in);
		FD_ZERO(&out);
		FD_ZERO(&ex);
		if (want & POLLIN)
			FD_SET(r->fd, &in);
		if (want & POLLOUT)
			FD_SET(r->fd, &out);
		if (want & POLLPRI)
			FD_SET(r->fd, &ex);
		n = select(r->fd + 1, &in, &out, &ex, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			backend_emit(r, TUNCHECK_EV_ERROR, errno, -1);
			break;
		}
		if (FD_ISSET(r->fd, &in))
			bits |= SELECT_WAKE_READ;
		if (FD_ISSET(r->fd, &ex))
			bits |= SELECT_WAKE_EXCEPT;
		if (FD_ISSET(r->fd, &out))
			bits |= SELECT_WAKE_WRITE;
		backend_emit(r, TUNCHECK_EV_WAKE, 0, bits);
		ret = backend_drain(r, buf);
	}
	free(buf);
	return ret;
}

static const struct tuncheck_backend_ops select_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "select",
	.about = "select() readfds+exceptfds (or events=), non-blocking reads",
	.run = select_run,
};

const struct tuncheck_backend_ops *backend_select_entry(void)
{
	return &select_ops;
}
