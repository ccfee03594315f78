/* SPDX-License-Identifier: MIT */
/*
 * The `events=` parameter of the polling backends (header-only): what the
 * backend waits for, as names joined by '|'.  epoll takes in, out, rdhup,
 * pri, et and oneshot (Go's runtime registers in|out|rdhup|et; a oneshot
 * registration stays disarmed until a `rearm` step); poll, select and
 * uring-poll take in, out, rdhup and pri.  Without the parameter: in.
 */
#ifndef TUNCHECK_BACKEND_EVENTS_PARAM_H
#define TUNCHECK_BACKEND_EVENTS_PARAM_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "util.h"

/*
 * The mask from `events=` (EPOLL* and POLL* bits are equal for these
 * names), POLLIN without the parameter.  et: EPOLLET and EPOLLONESHOT are
 * among the names.
 * An unknown name ends the job with verdict error.
 */
static inline uint32_t events_param(struct tuncheck_reader *r,
				    const char *backend, bool et)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "in", EPOLLIN },	 { "out", EPOLLOUT },
		{ "rdhup", EPOLLRDHUP }, { "pri", EPOLLPRI },
		{ "et", EPOLLET },	 { "oneshot", EPOLLONESHOT },
	};
	/* et and oneshot: epoll's only */
	const size_t n_names = sizeof(names) / sizeof(names[0]) - (et ? 0 : 2);
	const char *s = backend_param(r, "events");
	uint32_t mask = 0;
	char msg[160];

	if (!s)
		return EPOLLIN;
	while (*s) {
		size_t n = strcspn(s, "|"), i = 0;

		while (i < n_names && (strlen(names[i].name) != n ||
				       strncmp(s, names[i].name, n)))
			i++;
		if (i == n_names || !n) {
			snprintf(msg, sizeof(msg),
				 "events: unknown event '%.*s' for backend "
				 "%s (in, out, rdhup, pri%s)",
				 (int)n, s, backend, et ? ", et, oneshot" : "");
			r->fail(r, msg);
			return mask; /* not reached: fail() ends the job */
		}
		mask |= names[i].bit;
		s += n + (s[n] == '|');
	}
	return mask;
}

static inline uint32_t epoll_events_param(struct tuncheck_reader *r,
					  const char *backend)
{
	return events_param(r, backend, true);
}

#endif
