/* SPDX-License-Identifier: MIT */
/*
 * --html: one self-contained page (no network, no script): the cases x
 * backends matrix, failures first, each cell linking to its job's
 * timeline drawn as SVG (tlsvg.c) from the job's timeline log.
 */
#ifndef TUNCHECK_HTML_H
#define TUNCHECK_HTML_H

#include <stdio.h>

#include "runner.h"

/* A case file's lines, for the timeline's tooltips. */
struct src_lines {
	const char *path; /* the case file they came from, NULL = none */
	char *buf;
	char **line; /* line[i] is line i + 1, without its newline */
	size_t n;
};

/* Draw js's timeline (js->log) as one <svg> element into f. */
void tlsvg_draw(FILE *f, const struct job_spec *js,
		const struct src_lines *src);

/* HTML- and XML-escape s into f (report.c). */
void report_xml_str(FILE *f, const char *s);

/* Write the page for every job into f and close it: 0 or -errno. */
int report_html(FILE *f, const struct job_spec *jobs, size_t n);

#endif
