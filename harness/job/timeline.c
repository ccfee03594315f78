// SPDX-License-Identifier: MIT
/* The job's event timeline: append from any thread, wait with a deadline. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "timeline.h"

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Set up an empty timeline whose condition variable uses CLOCK_MONOTONIC. */
int timeline_init(struct timeline *tl)
{
	pthread_condattr_t ca;

	tl->ev = NULL;
	tl->n = tl->cap = 0;
	pthread_mutex_init(&tl->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tl->cond, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

/* Free the events; the timeline must not be in use. */
void timeline_destroy(struct timeline *tl)
{
	free(tl->ev);
	tl->ev = NULL;
	tl->n = tl->cap = 0;
	pthread_cond_destroy(&tl->cond);
	pthread_mutex_destroy(&tl->lock);
}

/* Append a copy of e, growing geometrically, and wake every waiter. */
int timeline_append(struct timeline *tl, const struct tl_event *e)
{
	int ret = 0;

	pthread_mutex_lock(&tl->lock);
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 1024;
		struct tl_event *ev = realloc(tl->ev, cap * sizeof(*ev));

		if (!ev) {
			ret = -ENOMEM;
			goto unlock;
		}
		tl->ev = ev;
		tl->cap = cap;
	}
	tl->ev[tl->n++] = *e;
	pthread_cond_broadcast(&tl->cond);
unlock:
	pthread_mutex_unlock(&tl->lock);
	return ret;
}

/* Wait for an event past `seen` or for until_ns; caller holds tl->lock. */
void timeline_wait_locked(struct timeline *tl, size_t seen, uint64_t until_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(until_ns / 1000000000ull),
		.tv_nsec = (long)(until_ns % 1000000000ull),
	};

	while (tl->n <= seen && now_ns() < until_ns) {
		if (pthread_cond_timedwait(&tl->cond, &tl->lock, &ts) ==
		    ETIMEDOUT)
			break;
	}
}
