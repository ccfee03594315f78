/* SPDX-License-Identifier: MIT */
/*
 * The last layers of a job's sandbox, applied once its namespaces and file
 * system view exist: resource limits, no core dumps, no new privileges,
 * Landlock (writes only where a job may write; signals and abstract unix
 * sockets scoped to the job), and a seccomp filter refusing, with an
 * errno, what a backend never needs.
 */
#ifndef TUNCHECK_LOCKDOWN_H
#define TUNCHECK_LOCKDOWN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <seccomp.h>

/* Per-job resource limits; 0 means "no limit" (files: leave as is). */
struct lockdown_limits {
	uint64_t memory;     /* RLIMIT_AS, bytes */
	uint64_t file_size;  /* RLIMIT_FSIZE, bytes */
	unsigned long procs; /* RLIMIT_NPROC: tasks (threads too) in the job */
	unsigned long files; /* RLIMIT_NOFILE */
};

/* Layers the running kernel lacks (sandbox gaps, with fsview_gap's). */
enum lockdown_gap {
	LOCKDOWN_GAP_LANDLOCK = 1 << 4,	      /* Linux < 5.13 or disabled */
	LOCKDOWN_GAP_LANDLOCK_SCOPE = 1 << 5, /* Landlock ABI < 6 (6.12) */
};

/* The defaults a new user gets (README: Sandbox). */
void lockdown_limits_default(struct lockdown_limits *l);

/*
 * Optional, in the parent before forking jobs: compile the seccomp filter
 * once, so each job only loads it (about 0.2 ms less per job).  0 or
 * -errno with `why` set; without it each job compiles its own.
 */
int lockdown_prepare(char *why, size_t size);

/*
 * A libseccomp filter as a BPF program (through a memfd: libseccomp 2.5
 * has no export to memory); prog->filter is malloc()ed.  0 or -errno.
 */
int lockdown_bpf_export(scmp_filter_ctx ctx, struct sock_fprog *prog);

/*
 * Apply every layer to this process (and so to every thread and child it
 * makes later).  Returns 0 with *gaps set, or -errno with `why` set.
 */
int lockdown_apply(const struct lockdown_limits *l, unsigned *gaps, char *why,
		   size_t size);

/*
 * In a forked child about to exec a backend program: a nested Landlock
 * domain, so the program cannot reach its job process through ptrace or
 * /proc/PID/fd (ptrace_may_access() refuses a less restricted domain).
 * Async-signal-safe.  0, or -errno (no Landlock: nothing to nest).
 */
int lockdown_nest(void);

#endif
