/* SPDX-License-Identifier: MIT */
/*
 * Expectations about readers, evaluated against a timeline.  Pure: the
 * controller supplies the events, the clock and the kernel's drop counters,
 * so every rule is unit-tested on synthetic timelines.  A positive
 * expectation passes the moment it is met; a negative one at its window end.
 */
#ifndef TUNCHECK_EXPECT_H
#define TUNCHECK_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "timeline.h"

enum expect_state { EXPECT_PENDING, EXPECT_PASS, EXPECT_FAIL };

struct expect_eval {
	const struct expect *e;
	int reader; /* index the events carry */
	/*
	 * First timeline index that counts.  For blocked / no-wake it is
	 * where the reader's previous expectation was decided, so events
	 * caused by the steps in between count too.
	 */
	size_t cursor;
	uint64_t start_ns; /* evaluation start; window ends start + window */
	uint64_t dropped;  /* READS conserve: kernel drops since last account */
	bool settled;	   /* READS: nothing moved for a while, queue empty */
	bool too_few;	   /* FAIL because fewer reads/wakes than asked */
	bool returned;	   /* RETURNS: the reader returned (else: hung) */
	/* Results. */
	size_t next_cursor; /* where the reader's cursor moves on PASS */
	uint64_t at_ns;	    /* when it was decided */
	char expected[256];
	char observed[512];
};

/* Is this expectation evaluated against the timeline (vs. the kernel)? */
bool expect_on_timeline(const struct expect *e);

/*
 * Evaluate against ev[0..n) at time now.  Returns PENDING while undecided
 * (the caller waits for the next event or the window end, whichever first),
 * then PASS or FAIL with expected/observed filled in.
 */
enum expect_state expect_evaluate(struct expect_eval *x,
				  const struct tl_event *ev, size_t n,
				  uint64_t now);

/* Format a duration in ns as "1.5s", "200ms", "350us" into buf. */
const char *fmt_duration(uint64_t ns, char *buf, size_t size);

#endif
