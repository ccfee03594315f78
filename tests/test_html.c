// SPDX-License-Identifier: MIT
/*
 * --html on synthetic jobs: the lost-wakeup window is drawn exactly when
 * the queue stayed readable with no reader event, dense events become
 * counted marks, and a hostile log or name cannot inject markup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"

static struct case_file c = { .path = "/nonexistent.case", .name = "x" };
static const struct tuncheck_backend_ops ops = { .name = "epoll-et" };

/* Draw a job whose log is `log` and return the SVG (static buffer). */
static const char *draw(const char *log)
{
	static char *out;
	size_t size;
	FILE *f = open_memstream(&out, &size);
	struct job_spec js = { .c = &c, .ops = &ops };

	assert_non_null(f);
	free(out);
	js.log = strdup(log);
	js.log_len = strlen(log);
	tlsvg_draw(f, &js, NULL);
	fclose(f);
	free(js.log);
	return out;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (s = strstr(s, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

static const char head[] = "1.000ms ctl reader r0 name=r0 queue=q0\n"
			   "2.000ms r0 ready\n"
			   "70.000ms ctl send len=64 ok\n";

static void test_lost_wakeup_drawn(void **state)
{
	char log[1024];

	(void)state;
	/* readable for 1 s, the reader silent: the hatched window */
	snprintf(log, sizeof(log),
		 "%s70.500ms ctl readable q0 yes\n"
		 "1070.000ms ctl readable q0 end\n"
		 "1070.000ms ctl expect line=24 r0 xfail from=70.400ms\n",
		 head);
	assert_int_equal(count(draw(log), "class=\"asleep\""), 1);
	assert_int_equal(count(draw(log), "class=\"expect xfail\""), 1);
	/* the reader read right away: readable, but nobody slept on it */
	snprintf(log, sizeof(log),
		 "%s70.500ms ctl readable q0 yes\n"
		 "70.600ms r0 wake revents=in\n"
		 "70.700ms r0 read len=84 proto=icmp-echo\n"
		 "70.800ms ctl readable q0 no\n"
		 "71.000ms ctl readable q0 end\n"
		 "71.000ms ctl expect line=24 r0 pass from=70.400ms\n",
		 head);
	assert_int_equal(count(draw(log), "class=\"asleep\""), 0);
	assert_int_equal(count(draw(log), "class=\"readable\""), 1);
	assert_int_equal(count(draw(log), "class=\"read\""), 1);
	assert_int_equal(count(draw(log), "class=\"wake\""), 1);
}

/* Judged before grouping, by every reader of the queue, to the last line. */
static void test_no_false_lost_wakeup(void **state)
{
	size_t size;
	char *log;
	FILE *f = open_memstream(&log, &size);

	(void)state;
	assert_non_null(f);
	fputs(head, f);
	/* a 10 s timeline: 3 px are 38 ms; reads every ms while readable */
	fputs("1000.000ms ctl readable q0 yes\n", f);
	for (int i = 0; i < 30; i++)
		fprintf(f, "%d.000ms r0 read len=84 proto=udp\n", 1001 + i);
	fputs("1031.000ms ctl readable q0 no\n", f);
	/* a second reader on q0 reads: the queue's readers were awake */
	fputs("1100.000ms ctl reader r1 name=r1 queue=q0\n"
	      "2000.000ms ctl readable q0 yes\n"
	      "2050.000ms r1 read len=84 proto=udp\n"
	      "2060.000ms ctl readable q0 end\n"
	      /* open at the end: drawn to the last line, not past it */
	      "9995.000ms ctl readable q0 yes\n"
	      "9996.000ms r0 read len=84 proto=udp\n"
	      "10000.000ms ctl step line=30\n",
	      f);
	fclose(f);
	assert_int_equal(count(draw(log), "class=\"asleep\""), 0);
	assert_int_equal(count(draw(log), "class=\"readable\""), 3);
	free(log);
}

static void test_dense_events_grouped(void **state)
{
	size_t size, n = 0;
	char *log;
	FILE *f = open_memstream(&log, &size);
	const char *svg;

	(void)state;
	assert_non_null(f);
	fputs(head, f);
	/* 1000 reads 1 us apart, then one alone 900 ms later */
	for (int i = 0; i < 1000; i++)
		fprintf(f, "100.%03dms r0 read len=84 proto=udp\n", i);
	fputs("1000.000ms r0 read len=84 proto=udp\n", f);
	fclose(f);
	svg = draw(log);
	n = count(svg, "class=\"read\"");
	assert_int_equal(n, 2);
	assert_non_null(strstr(svg, "1000 events, the first: read"));
	free(log);
}

static void test_hostile_log(void **state)
{
	const char *svg;

	(void)state;
	svg = draw("garbage\n"
		   "-5ms r0 ready\n"
		   "1e300ms r0 ready\n"
		   "3ms r99999 ready\n"
		   "4ms ctl reader r0 name=<script>x</script> queue=q0\n"
		   "5ms r0 error errno=<b>&\n"
		   "6ms ctl readable q0 yes\n" /* never closed */
		   "no newline at the end");
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<b>"));
	assert_non_null(strstr(svg, "&lt;script&gt;"));
	assert_non_null(strstr(svg, "errno=&lt;b&gt;&amp;"));
	assert_non_null(strstr(svg, "</svg>"));
	/* no log at all: a sentence, not an empty picture */
	{
		char *out = NULL;
		size_t size;
		FILE *f = open_memstream(&out, &size);
		struct job_spec js = { .c = &c, .ops = &ops };

		tlsvg_draw(f, &js, NULL);
		fclose(f);
		assert_non_null(strstr(out, "no timeline"));
		free(out);
	}
}

static void test_page(void **state)
{
	struct job_spec j[3] = {
		{ .c = &c, .ops = &ops, .res.v = VERDICT_PASS },
		{ .c = &c, .ops = &ops, .res.v = VERDICT_FAIL },
		{ .c = &c, .ops = &ops, .res.v = VERDICT_SKIP },
	};
	const struct tuncheck_backend_ops o2 = { .name = "poll" },
					  o3 = { .name = "read" };
	char *out = NULL;
	size_t size;
	FILE *f = open_memstream(&out, &size);

	(void)state;
	j[1].ops = &o2;
	j[2].ops = &o3;
	snprintf(j[1].res.observed, sizeof(j[1].res.observed),
		 "\"><script>alert(1)</script>");
	assert_int_equal(report_html(f, j, 3), 0);
	/* one row for the one case, a cell per backend, failure first */
	assert_int_equal(count(out, "<tr class=\"case\">"), 1);
	assert_int_equal(count(out, "<td class=\"v-"), 3);
	assert_true(strstr(out, "id=\"j1\"") < strstr(out, "id=\"j0\""));
	assert_true(strstr(out, "id=\"j0\"") < strstr(out, "id=\"j2\""));
	assert_null(strstr(out, "<script"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_wakeup_drawn),
		cmocka_unit_test(test_no_false_lost_wakeup),
		cmocka_unit_test(test_dense_events_grouped),
		cmocka_unit_test(test_hostile_log),
		cmocka_unit_test(test_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
