/* SPDX-License-Identifier: MIT */
/*
 * tuncheck bench: round trips per second, wakeups per packet and wake
 * latency per backend, and the per-job overhead, each printed beside a raw
 * C reference loop measured in the same run.  Ratios, never assertions:
 * nothing here is part of `make check`.
 */
#ifndef TUNCHECK_BENCH_H
#define TUNCHECK_BENCH_H

#include <stddef.h>
#include <tuncheck/backend.h>

#define BENCH_COUNT_DEFAULT 20000 /* round trips per backend */
#define BENCH_COUNT_MAX	    10000000

/*
 * Measure and print on stdout: `count` round trips for the raw loop and
 * for each of the n backends (one job at a time), then the per-job
 * overhead of tuncheck's jobs (`parallel` at once) against a raw
 * fork+unshare+TUNSETIFF+link-up sequence.  Returns the exit status: 0,
 * 1 if a measurement failed, 4 if jobs cannot run here (the reason is
 * printed on stderr).
 */
int bench_main(const struct tuncheck_backend_ops **ops, size_t n, long count,
	       unsigned parallel);

#endif
