/* SPDX-License-Identifier: MIT */
/* A job's outcome, as the runner, the reports and the job itself name it. */
#ifndef TUNCHECK_VERDICT_H
#define TUNCHECK_VERDICT_H

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

/* "pass", "fail", ...; "?" for a value out of range. */
const char *verdict_name(enum verdict v);

#endif
