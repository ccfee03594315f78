/* SPDX-License-Identifier: MIT */
/*
 * Case variants: `variant KEY=V1,V2,...` lines expand one case file into
 * one text per combination, with every ${KEY} replaced.  Pure: text in,
 * texts out, so the runner sees ordinary cases.
 */
#ifndef TUNCHECK_VARIANT_H
#define TUNCHECK_VARIANT_H

#include <stddef.h>

#include "case.h"

#define VARIANT_MAX_KEYS   4
#define VARIANT_MAX_COMBOS 32
#define VARIANT_VALUE_MAX  63 /* bytes of one value */

struct variant_text {
	char *text; /* NUL-terminated, same line numbering as the input */
	size_t len;
	char label[64]; /* "family=6,size=1400", "" without variants */
};

/*
 * Expand text into *n texts (an array the caller frees with
 * variant_free).  Returns 0, or -1 with *diag filled (line:col).
 */
int variant_expand(const char *text, size_t len, struct variant_text **out,
		   size_t *n, struct case_diag *diag);
void variant_free(struct variant_text *v, size_t n);

#endif
