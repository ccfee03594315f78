// SPDX-License-Identifier: MIT
/* Reports: exit status rules, JSON and JUnit escaping, on synthetic jobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "report.h"

static struct case_file c = { .path = "cases/x.case", .name = "x" };
static const struct tuncheck_backend_ops ops = { .name = "read" };

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "re");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void jobs_init(struct job_spec *j, size_t n)
{
	memset(j, 0, n * sizeof(*j));
	for (size_t i = 0; i < n; i++) {
		j[i].c = &c;
		j[i].ops = &ops;
		j[i].state = JOB_SETTLED;
	}
}

static void test_exit_status(void **state)
{
	struct job_spec j[2];

	(void)state;
	jobs_init(j, 2);
	j[0].res.v = VERDICT_PASS;
	j[1].res.v = VERDICT_XFAIL;
	assert_int_equal(report_exit_status(j, 2), 0);
	j[1].res.v = VERDICT_XPASS; /* a documented failure that did not */
	assert_int_equal(report_exit_status(j, 2), 1);
	j[0].res.v = j[1].res.v = VERDICT_SKIP;
	assert_int_equal(report_exit_status(j, 2), 4);
	/* --strict: any skip fails the run */
	j[0].res.v = VERDICT_PASS;
	assert_int_equal(report_exit_status(j, 2), 0);
	report_strict = true;
	assert_int_equal(report_exit_status(j, 2), 1);
	report_strict = false;
	j[0].res.v = VERDICT_SKIP;
	j[1].res.v = VERDICT_TIMEOUT;
	assert_int_equal(report_exit_status(j, 2), 1);
}

static void test_json_and_junit_escape(void **state)
{
	char path[] = "/tmp/tuncheck-report-XXXXXX";
	struct job_spec j[1];
	char *out;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	jobs_init(j, 1);
	j[0].res.v = VERDICT_FAIL;
	strcpy(j[0].res.cls, "count");
	strcpy(j[0].res.observed, "said \"no\"\nthen <&>");
	assert_int_equal(report_json(fopen(path, "we"), j, 1), 0);
	out = slurp(path);
	assert_non_null(strstr(out, "\"verdict\": \"fail\""));
	assert_non_null(strstr(out, "said \\\"no\\\"\\u000athen <&>"));
	assert_int_equal(report_junit(fopen(path, "we"), j, 1), 0);
	out = slurp(path);
	assert_non_null(strstr(out, "failures=\"1\""));
	assert_non_null(strstr(out, "said &quot;no&quot;"));
	assert_non_null(strstr(out, "&lt;&amp;&gt;"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_json_and_junit_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
