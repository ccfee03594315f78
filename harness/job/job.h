/* SPDX-License-Identifier: MIT */
/*
 * One job: a (case, backend) pair run inside its own process, sandbox and
 * threads.  job_main() is called in the forked child; it streams progress
 * and its verdict to the parent as messages on out_fd (protocol.h), then the
 * process exits (threads blocked in the kernel die with it).
 */
#ifndef TUNCHECK_JOB_H
#define TUNCHECK_JOB_H

#include <sys/types.h>

#include "case.h"
#include "verdict.h"
#include "lockdown.h"
#include <tuncheck/backend.h>

/* Test-only fault injection into the event stream (selftests). */
struct job_inject {
	unsigned drop_read_every; /* drop every Nth read event, 0 = off */
	bool no_wake;		  /* never report wake events */
};

struct job_opts {
	struct job_inject inject;
	struct lockdown_limits limits; /* per job: memory, tasks, files, ... */
	uint64_t pcap_max;	       /* bytes; 0 = no cap */
	int log_fd;		       /* event timeline as text, -1 = none */
	int pcap_fd;  /* pcap of every packet read and written, -1 = none */
	int stdio_fd; /* the job's stdout and stderr, -1 = /dev/null */
	int snap_fd;  /* a byte here asks for a snapshot ("blocked" line) */
};

/* Run the job in this (fresh, single-threaded) process; never returns. */
void job_main(const struct case_file *c, const struct tuncheck_backend_ops *ops,
	      const struct job_opts *o, int out_fd) __attribute__((noreturn));

/* Parse "drop-read=N" / "no-wake" into inj: 0 or -EINVAL. */
int job_inject_parse(const char *s, struct job_inject *inj);

#endif
