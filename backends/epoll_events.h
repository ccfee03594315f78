/* SPDX-License-Identifier: MIT */
/* The epoll backends' `events=` parameter (header-only). */
#ifndef TUNCHECK_BACKEND_EPOLL_EVENTS_H
#define TUNCHECK_BACKEND_EPOLL_EVENTS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "util.h"

/*
 * The registration mask from `events=in|out|rdhup|pri|et` (Go's runtime
 * registers in|out|rdhup|et), EPOLLIN without the parameter.  An unknown
 * name ends the job with verdict error.
 */
static inline uint32_t epoll_events_param(struct tuncheck_reader *r,
					  const char *backend)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "in", EPOLLIN },	 { "out", EPOLLOUT },
		{ "rdhup", EPOLLRDHUP }, { "pri", EPOLLPRI },
		{ "et", EPOLLET },
	};
	const char *s = backend_param(r, "events");
	uint32_t mask = 0;
	char msg[160];

	if (!s)
		return EPOLLIN;
	while (*s) {
		size_t n = strcspn(s, "|"), i = 0;

		while (i < sizeof(names) / sizeof(names[0]) &&
		       (strlen(names[i].name) != n ||
			strncmp(s, names[i].name, n)))
			i++;
		if (i == sizeof(names) / sizeof(names[0])) {
			snprintf(msg, sizeof(msg),
				 "events: unknown epoll event '%.*s' for "
				 "backend %s (in, out, rdhup, pri, et)",
				 (int)n, s, backend);
			r->fail(r, msg);
			return mask; /* not reached: fail() ends the job */
		}
		mask |= names[i].bit;
		s += n + (s[n] == '|');
	}
	return mask;
}

#endif
