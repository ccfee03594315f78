/* SPDX-License-Identifier: MIT */
/*
 * --expect FILE: outcomes documented outside the cases, for backends the
 * shipped cases do not name.  One line each:
 *
 *   xfail CASE-GLOB BACKEND... : [CLASS:] REASON
 *   skip  CASE-GLOB BACKEND... : REASON
 *
 * A job of a matching case (fnmatch on the name, variants included) and
 * backend is skipped before it runs, or its failure (of CLASS, when
 * given) is an xfail; a pass where an xfail is documented is an xpass.
 */
#ifndef TUNCHECK_OUTCOMES_H
#define TUNCHECK_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"

#define OUTCOME_BACKENDS_MAX 8

struct outcome {
	bool skip; /* else xfail */
	char glob[CASE_NAME_MAX + 64];
	char backend[OUTCOME_BACKENDS_MAX][64];
	size_t n_backends;
	char cls[64]; /* xfail: the classes it documents ("a|b"), "" = any */
	char reason[160];
	char where[96]; /* FILE:LINE, for the reports */
};

struct outcomes {
	struct outcome *v;
	size_t n;
};

/*
 * Parse text (a file's content) and append its lines to o.  0, or -1
 * with d set (file:line:col: error: message).  Pure.
 */
int outcomes_parse(struct outcomes *o, const char *path, const char *text,
		   size_t len, struct case_diag *d);
/* Read and parse a file: 0, or -1 with d set. */
int outcomes_load(struct outcomes *o, const char *path, struct case_diag *d);
/* Is s[0..n) a list of failure classes, "lost-wakeup|error-storm"? */
bool outcome_class_list(const char *s, size_t n);
/* Is cls one of the list's? */
bool outcome_class_in(const char *s, size_t n, const char *cls);
/* The first outcome for this case and backend, or NULL. */
const struct outcome *outcomes_find(const struct outcomes *o,
				    const char *case_name, const char *backend);
void outcomes_free(struct outcomes *o);

#endif
