// SPDX-License-Identifier: MIT
/*
 * --expect files: lines parsed (globs, several backends, a class or not),
 * blank and comment lines skipped, every malformed line refused with its
 * line and column, and look-ups by case name and backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "outcomes.h"

static void test_parse(void **state)
{
	static const char text[] =
		"# a comment\n"
		"\n"
		"xfail close-* go-nb go-block : count: the next packet is lost\n"
		"  skip writable go-nb : no POLLOUT\n"
		"xfail seed/* x : not a class: any failure\n";
	struct outcomes o = { 0 };
	struct case_diag d = { 0 };
	const struct outcome *f;

	(void)state;
	assert_int_equal(outcomes_parse(&o, "a.expect", text, strlen(text), &d),
			 0);
	assert_int_equal(o.n, 3);
	assert_false(o.v[0].skip);
	assert_int_equal(o.v[0].n_backends, 2);
	assert_string_equal(o.v[0].cls, "count");
	assert_string_equal(o.v[0].reason, "count: the next packet is lost");
	assert_string_equal(o.v[0].where, "a.expect:3");
	assert_true(o.v[1].skip);
	assert_string_equal(o.v[2].cls, "");
	f = outcomes_find(&o, "close-with-dup", "go-block");
	assert_ptr_equal(f, &o.v[0]);
	assert_null(outcomes_find(&o, "close-with-dup", "poll"));
	assert_null(outcomes_find(&o, "writable", "go-block"));
	assert_ptr_equal(outcomes_find(&o, "writable", "go-nb"), &o.v[1]);
	outcomes_free(&o);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line, col;
		const char *msg;
	} bad[] = {
		{ "pass x y : z\n", 1, 1, "expected xfail or skip" },
		{ "xfail x y\n", 1, 10, "missing ' : REASON'" },
		{ "\nxfail x : r\n", 2, 8, "name at least one backend" },
		{ "xfail x y :\n", 1, 12, "the reason is missing" },
		{ "skip x b@d : r\n", 1, 8, "'b@d' is not a backend name" },
		{ "xfail x a b c d e f g h i : r\n", 1, 25, "more than 8" },
	};
	struct outcomes o = { 0 };
	struct case_diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(outcomes_parse(&o, "b", bad[i].text,
						strlen(bad[i].text), &d),
				 -1);
		assert_int_equal(d.line, bad[i].line);
		assert_int_equal(d.col, bad[i].col);
		assert_non_null(strstr(d.msg, bad[i].msg));
	}
	outcomes_free(&o);
}

/* "a|b": several classes one xfail documents (a race decides which) */
static void test_class_lists(void **state)
{
	static const char t[] =
		"xfail reg* go-nb : lost-wakeup|error-storm: either\n"
		"xfail x go-nb : lost-wakeup|nope: not a list, a reason\n";
	struct outcomes o = { 0 };
	struct case_diag d = { 0 };

	(void)state;
	assert_true(outcome_class_list("count", 5));
	assert_true(outcome_class_list("lost-wakeup|error-storm", 23));
	assert_false(outcome_class_list("lost-wakeup|", 12));
	assert_false(outcome_class_list("lost-wakeup|nope", 16));
	assert_true(
		outcome_class_in("lost-wakeup|error-storm", 23, "error-storm"));
	assert_true(
		outcome_class_in("lost-wakeup|error-storm", 23, "lost-wakeup"));
	assert_false(outcome_class_in("lost-wakeup|error-storm", 23, "hang"));
	assert_false(outcome_class_in("lost-wakeup|error-storm", 23, "lost"));
	assert_int_equal(outcomes_parse(&o, "t.expect", t, strlen(t), &d), 0);
	assert_string_equal(o.v[0].cls, "lost-wakeup|error-storm");
	assert_string_equal(o.v[1].cls, "");
	outcomes_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_class_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
