/* SPDX-License-Identifier: MIT */
/* Order statistics of latency samples (pingpong, bench). */
#ifndef TUNCHECK_STATS_H
#define TUNCHECK_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Sort n values ascending, in place. */
void stats_sort(uint64_t *v, size_t n);
/* The nearest-rank percentile p (1..100) of n >= 1 sorted values. */
uint64_t stats_percentile(const uint64_t *sorted, size_t n, unsigned p);
/* The median of n values (sorted in place), 0 for none. */
uint64_t stats_median(uint64_t *v, size_t n);

#endif
