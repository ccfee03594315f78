// SPDX-License-Identifier: MIT
/*
 * Blocking read() that the close hook interrupts with a signal: the
 * cancellable read loop.  SIGUSR1's handler is empty and installed without
 * SA_RESTART, so a read() sleeping in tun_ring_recv() returns EINTR; the
 * loop, seeing its closing flag, emits WAKE (0) and ERROR EINTR and returns
 * -EINTR.  The hook re-sends the signal until the loop is out (a signal
 * that lands just before read() is lost), and only then closes the fd.
 * If the loop sees the flag before it enters read(), it returns -EINTR
 * with no ERROR: cases should assert `returns errno=EINTR`.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "builtin.h"
#include "cancel.h"
#include "util.h"

struct read_signal {
	pthread_t reader;
	volatile sig_atomic_t closing;
	unsigned char buf[];
};

/* Empty: its only job is to make the blocked read() return EINTR. */
static void read_signal_handler(int sig)
{
	(void)sig;
}

/* Close hook's wake-up: flag, then interrupt the reader thread. */
static void read_signal_wake(void *state)
{
	struct read_signal *s = state;

	s->closing = 1;
	pthread_kill(s->reader, SIGUSR1);
}

/* Install the handler (no SA_RESTART) and unblock SIGUSR1 here. */
static int read_signal_setup(void)
{
	struct sigaction sa = { .sa_handler = read_signal_handler };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return -errno;
	return -pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Block in read() until an error, r->stop, or the close hook's signal. */
static int read_signal_run(struct tuncheck_reader *r)
{
	struct read_signal *s;
	int ret;

	backend_params_check(r, "read-signal", NULL);
	s = malloc(sizeof(*s) + (r->bufsize ? r->bufsize : 1));
	if (!s)
		return -ENOMEM;
	s->reader = pthread_self();
	s->closing = 0;
	ret = read_signal_setup();
	if (ret < 0)
		goto free_state;
	if (!cancel_publish(r, s)) {
		ret = -ECANCELED;
		goto free_state;
	}
	backend_emit(r, TUNCHECK_EV_READY, 0, 0);
	while (!backend_gate(r) && !s->closing) {
		ssize_t n = read(r->fd, s->buf, r->bufsize);
		int err = errno;

		if (n < 0 && err == EINTR && !s->closing)
			continue;
		if (n < 0 && err == EAGAIN) {
			usleep(1000); /* nonblock without a poller */
			continue;
		}
		backend_emit(r, TUNCHECK_EV_WAKE, 0, 0);
		if (n >= 0) {
			backend_emit_read(r, s->buf, (size_t)n);
			continue;
		}
		ret = -err;
		backend_emit(r, TUNCHECK_EV_ERROR, err, -1);
		if (ret == -EINTR || !r->retry_errors)
			break;
		ret = 0;
		backend_retry_pause(r);
	}
	if (s->closing && !ret)
		ret = -EINTR; /* flagged before read() was entered */
	cancel_withdraw(r);
free_state:
	free(s);
	return ret;
}

/* The case's `close`: signal the reader out of read(), then close. */
static int read_signal_close(struct tuncheck_reader *r)
{
	return cancel_close(r, read_signal_wake);
}

static const struct tuncheck_backend_ops read_signal_ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.flags = TUNCHECK_GATED,
	.name = "read-signal",
	.about = "blocking read(); close interrupts it with SIGUSR1 (EINTR)",
	.run = read_signal_run,
	.close = read_signal_close,
};

const struct tuncheck_backend_ops *backend_read_signal_entry(void)
{
	return &read_signal_ops;
}
