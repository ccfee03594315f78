/* SPDX-License-Identifier: MIT */
/* A job's outcome, as the runner, the reports and the job itself name it. */
#ifndef TUNCHECK_VERDICT_H
#define TUNCHECK_VERDICT_H

#include <stdbool.h>

enum verdict {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_XFAIL,
	VERDICT_XPASS,
	VERDICT_SKIP,
	VERDICT_ERROR,
	VERDICT_TIMEOUT,
	VERDICT_INTERRUPTED, /* the run was stopped (SIGINT, SIGTERM) first */
	VERDICT_COUNT,
};

/* Not what the case documents: fail, error, timeout, xpass. */
static inline bool verdict_unexpected(enum verdict v)
{
	return v == VERDICT_FAIL || v == VERDICT_ERROR ||
	       v == VERDICT_TIMEOUT || v == VERDICT_XPASS;
}

/* "pass", "fail", ...; "?" for a value out of range. */
const char *verdict_name(enum verdict v);

#endif
