/* SPDX-License-Identifier: MIT */
/* Reports: TAP version 13 on stdout, progress and the matrix on stderr. */
#ifndef TUNCHECK_REPORT_H
#define TUNCHECK_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "runner.h"

struct report {
	FILE *tap;	/* stdout */
	FILE *term;	/* stderr: progress and matrix */
	size_t printed; /* TAP lines printed so far (in job order) */
	size_t done;
	int progress; /* draw a progress line (a terminal) */
	size_t failed;
	bool verbose; /* -v: every job's output as TAP comments */
};

void report_begin(struct report *r, size_t n);
/* runner_opts.on_done: print every finished job in order. */
void report_job_done(struct job_spec *jobs, size_t n, size_t idx, void *arg);
/* The cases x backends matrix and the totals. */
void report_matrix(struct report *r, const struct job_spec *jobs, size_t n);
/*
 * Write every job's result as one JSON document into f (opened before the
 * first job) and close it: 0 or -errno.
 */
int report_json(FILE *f, const struct job_spec *jobs, size_t n);
/* Write a JUnit XML report of every job into f, close it: 0 or -errno. */
int report_junit(FILE *f, const struct job_spec *jobs, size_t n);
/* s as one line of TAP text: ASCII only ("--" for an em dash, ? for other
 * non-ASCII characters), newlines and tabs as spaces. */
void tap_text(FILE *f, const char *s);
/* End the TAP stream early: "Bail out! why". */
void report_bail_out(struct report *r, const char *why);
/*
 * The run's metadata for JUnit and JSON: when it started, the command
 * line (argv[0] to argc), from now.  Call once, before the first job.
 */
void report_meta_set(int argc, char **argv);
/* tuncheck's version: `git describe` of the tree it was built from. */
const char *report_version(void);
/* How many jobs ended with each verdict. */
void report_count(const struct job_spec *jobs, size_t n,
		  size_t count[VERDICT_COUNT]);
/* The command line report_meta_set kept, and when the run started. */
const char *report_meta_command(time_t *start);
/* An xfail's documented reason, from its observed text, or "". */
const char *report_xfail_reason(const struct job_result *r);
/* --strict: report_exit_status counts a skip as a failure. */
extern bool report_strict;
/* 0 all as expected, 1 a failure (or, with report_strict, a skip), 4
 * everything skipped. */
int report_exit_status(const struct job_spec *jobs, size_t n);

#endif
