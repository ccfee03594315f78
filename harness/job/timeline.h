/* SPDX-License-Identifier: MIT */
/*
 * A job's event timeline: every backend event and controller observation,
 * stamped with CLOCK_MONOTONIC.  Reader threads append, the controller
 * waits on it; expectations are evaluated against it (expect.h).
 */
#ifndef TUNCHECK_TIMELINE_H
#define TUNCHECK_TIMELINE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "packet.h"
#include <tuncheck/backend.h>

struct tl_event {
	uint64_t t_ns; /* CLOCK_MONOTONIC */
	int reader;    /* index of the reader that reported it */
	enum tuncheck_event_type type;
	int err;		/* positive errno */
	int64_t value;		/* revents, result */
	enum proto proto;	/* READ: what was read */
	uint32_t len;		/* READ: bytes */
	struct packet_info pkt; /* READ: addresses, ICMP type, PI flags */
};

struct timeline {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* signalled on every append */
	struct tl_event *ev;
	size_t n, cap;
};

int timeline_init(struct timeline *tl);
void timeline_destroy(struct timeline *tl);
/* Append one event (copied) and wake waiters: 0 or -ENOMEM. */
int timeline_append(struct timeline *tl, const struct tl_event *e);
/*
 * With tl->lock held: wait until more than `seen` events exist or the
 * CLOCK_MONOTONIC time `until_ns` passes.
 */
void timeline_wait_locked(struct timeline *tl, size_t seen, uint64_t until_ns);

uint64_t now_ns(void);

#endif
