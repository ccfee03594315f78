// SPDX-License-Identifier: MIT
/* Order statistics (see stats.h). */
#include <stdlib.h>

#include "stats.h"

/* Ascending order of two uint64_t, for qsort(). */
static int stats_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void stats_sort(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), stats_cmp);
}

uint64_t stats_percentile(const uint64_t *sorted, size_t n, unsigned p)
{
	/* the ceil(p * n / 100)-th smallest */
	return sorted[(n * p + 99) / 100 - 1];
}

uint64_t stats_median(uint64_t *v, size_t n)
{
	if (!n)
		return 0;
	stats_sort(v, n);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
