/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the case's `fault` steps: seccomp user notification
 * (libseccomp) supervised by a thread of the job (fault.c).
 */
#ifndef TUNCHECK_FAULT_H
#define TUNCHECK_FAULT_H

#include "verdict.h"

struct job;
struct step;

/*
 * At job start, on the controller thread, before any reader: when the case
 * has `fault` steps, start the supervisor and load the filter (inherited
 * by every reader and program started after).  0, or -errno with j->err;
 * a job the faults cannot apply to ends here with SKIP and the reason.
 */
int fault_prepare(struct job *j);
/* The `fault` step: from now on its calls count, and some fail. */
int step_fault(struct job *j, const struct step *s);
/*
 * Before a verdict on the behaviour (pass, xpass; a failure the fault may
 * have caused: of an expectation on the faulted reader, a counter, flows;
 * any, with a controller fault): a fault that never fired makes the job
 * SKIP, with the reason.
 */
void fault_check_fired(struct job *j, enum verdict v, unsigned line);
/* One note per fault step ("line 9: fault: 1 of 3 read calls ..."). */
void fault_notes(struct job *j);

#endif
