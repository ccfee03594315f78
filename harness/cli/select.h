/* SPDX-License-Identifier: MIT */
/*
 * Which jobs a run has: -k patterns on case names, --shard I/N slices,
 * --last-failed (the previous run's failures, kept in
 * $XDG_CACHE_HOME/tuncheck/last-failed or ~/.cache/tuncheck/last-failed).
 * Every option is checked before the first job (die() otherwise).
 */
#ifndef TUNCHECK_SELECT_H
#define TUNCHECK_SELECT_H

#include <stdbool.h>
#include <stddef.h>

struct job_spec;

/* -k PATTERN: a glob when it has * ? [, else a substring (repeatable). */
void select_keyword_add(const char *pattern);
bool select_keywords_given(void);
/* Does a case of this name match some -k (true when none was given)? */
bool select_case(const char *name);

/* --shard I/N: the jobs whose index is I-1 modulo N. */
struct shard {
	unsigned i, n; /* n 0: no sharding */
};
void select_shard_parse(const char *arg, struct shard *sh);
bool select_in_shard(const struct shard *sh, size_t idx);

/* --last-failed: read the previous run's failures (none: every job). */
void select_last_failed(void);
bool select_failed_before(const char *case_name, const char *backend);
/* After a run: its failures replace the file (silently, when it cannot). */
void select_save_failures(const struct job_spec *jobs, size_t n);

#endif
