/* SPDX-License-Identifier: MIT */
/*
 * The hand-over between a cancellable backend's run() and its close hook
 * (header-only).  run() publishes its per-reader state in r->backend_data;
 * the close hook, on the controller thread, wakes the loop through it
 * (eventfd, signal, io_uring cancel) until the loop has withdrawn the
 * state, and only then closes the fd: the loop never touches the fd
 * number again, which the next open() may reuse.
 */
#ifndef TUNCHECK_BACKEND_CANCEL_H
#define TUNCHECK_BACKEND_CANCEL_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>
#include <tuncheck/backend.h>

/* How long the close hook keeps waking a loop that does not return. */
#define CANCEL_WAIT_MS	1000
/* How often it wakes it again (a signal can land before the read). */
#define CANCEL_RETRY_MS 5

/* The lock and condition shared by run() and the close hook. */
static inline pthread_mutex_t *cancel_lock(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	return &lock;
}

static inline pthread_cond_t *cancel_cond(void)
{
	static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

	return &cond;
}

/* backend_data after a close that found no loop: run() must not start. */
static inline void *cancel_closed(void)
{
	static char closed;

	return &closed;
}

/* run(): publish the state before READY; false if the fd is closed. */
static inline bool cancel_publish(struct tuncheck_reader *r, void *state)
{
	bool ok;

	pthread_mutex_lock(cancel_lock());
	ok = r->backend_data != cancel_closed();
	if (ok)
		r->backend_data = state;
	pthread_mutex_unlock(cancel_lock());
	return ok;
}

/* run(), on the way out: withdraw the state and release the close hook. */
static inline void cancel_withdraw(struct tuncheck_reader *r)
{
	pthread_mutex_lock(cancel_lock());
	if (r->backend_data != cancel_closed())
		r->backend_data = NULL;
	pthread_cond_broadcast(cancel_cond());
	pthread_mutex_unlock(cancel_lock());
}

/* Is the loop that published `state` still running? (lock held) */
static inline bool cancel_running(struct tuncheck_reader *r)
{
	return r->backend_data && r->backend_data != cancel_closed();
}

/*
 * The close hook: wake(state) every CANCEL_RETRY_MS until run() withdrew
 * its state (at most CANCEL_WAIT_MS), then close(r->fd).  0 or -errno.
 */
static inline int cancel_close(struct tuncheck_reader *r,
			       void (*wake)(void *state))
{
	struct timespec end, at;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_nsec += CANCEL_WAIT_MS * 1000000L;
	end.tv_sec += end.tv_nsec / 1000000000L;
	end.tv_nsec %= 1000000000L;
	pthread_mutex_lock(cancel_lock());
	while (cancel_running(r)) {
		wake(r->backend_data);
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += CANCEL_RETRY_MS * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(cancel_cond(), cancel_lock(), &at);
		if (at.tv_sec > end.tv_sec ||
		    (at.tv_sec == end.tv_sec && at.tv_nsec > end.tv_nsec))
			break;
	}
	if (!r->backend_data)
		r->backend_data = cancel_closed();
	pthread_mutex_unlock(cancel_lock());
	return close(r->fd) < 0 ? -errno : 0;
}

#endif
