// SPDX-License-Identifier: MIT
/* Variant expansion: combinations, substitution, line numbers, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "variant.h"

static void test_no_variant_is_one_text(void **state)
{
	const char t[] = "case a\nsleep 1ms\n";
	struct variant_text *v;
	struct case_diag d;
	size_t n;

	(void)state;
	assert_int_equal(variant_expand(t, strlen(t), &v, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].text, t);
	assert_string_equal(v[0].label, "");
	variant_free(v, n);
}

static void test_product_and_substitution(void **state)
{
	const char t[] = "case a\nvariant f=4,6\nvariant s=1,2,3\n"
			 "send x to=${f}/${s}\n";
	struct variant_text *v;
	struct case_diag d;
	size_t n;

	(void)state;
	assert_int_equal(variant_expand(t, strlen(t), &v, &n, &d), 0);
	assert_int_equal(n, 6);
	assert_string_equal(v[0].label, "f=4,s=1");
	assert_string_equal(v[5].label, "f=6,s=3");
	/* the variant lines become comments, line numbers are kept */
	assert_string_equal(v[4].text,
			    "case a\n#ariant f=4,6\n#ariant s=1,2,3\n"
			    "send x to=6/2\n");
	variant_free(v, n);
}

static void test_undefined_parameter(void **state)
{
	const char t[] = "case a\nvariant f=4\nsend x to=${g}\n";
	struct variant_text *v;
	struct case_diag d;
	size_t n;

	(void)state;
	assert_int_equal(variant_expand(t, strlen(t), &v, &n, &d), -1);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.col, 11);
	assert_non_null(strstr(d.msg, "undefined variant parameter"));
}

static void test_bad_variant_lines(void **state)
{
	const char *bad[] = {
		"case a\nvariant f\n",
		"case a\nvariant =1\n",
		"case a\nvariant f=\n",
		"case a\nvariant a=1,2\nvariant b=1,2\nvariant c=1,2\n"
		"variant d=1,2,3,4,5\n",
	};
	struct variant_text *v;
	struct case_diag d;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(
			variant_expand(bad[i], strlen(bad[i]), &v, &n, &d), -1);
		assert_true(d.line >= 2);
		assert_true(d.msg[0] != 0);
	}
}

/* Found by fuzz_variant: a value twice would give two jobs one name. */
static void test_value_twice(void **state)
{
	static const char t[] = "case a\nvariant f=4,6,4\n";
	struct variant_text *v;
	struct case_diag d = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(variant_expand(t, strlen(t), &v, &n, &d), -1);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.msg, "variant: a value given twice");
}

/*
 * Found by fuzz_variant: the text is len bytes, not a C string; nothing
 * past len may be read.  An exact-size heap copy lets a sanitizer build
 * (make SANITIZE=address check) catch any read past its end.
 */
static void test_not_nul_terminated(void **state)
{
	static const char t[] = "case a\nvariant f=4,6\ntun t${f";
	size_t len = sizeof(t) - 1;
	char *buf = malloc(len);
	struct variant_text *v;
	struct case_diag d = { 0 };
	size_t n;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, t, len);
	assert_int_equal(variant_expand(buf, len, &v, &n, &d), -1);
	assert_string_equal(d.msg, "undefined variant parameter in '${...}'");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_variant_is_one_text),
		cmocka_unit_test(test_product_and_substitution),
		cmocka_unit_test(test_undefined_parameter),
		cmocka_unit_test(test_bad_variant_lines),
		cmocka_unit_test(test_value_twice),
		cmocka_unit_test(test_not_nul_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
