// SPDX-License-Identifier: MIT
/* Variant expansion: combinations, substitution, line numbers, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/*
 * Found by fuzz_variant: the text is len bytes, not a string.  Put it
 * right before an unmapped page so that reading past it faults.
 */
static void test_text_not_terminated(void **state)
{
	static const char t[] = "case a\nvariant f=1,2\nsleep ${f";
	long pg = sysconf(_SC_PAGESIZE);
	struct variant_text *v;
	struct case_diag d;
	char *map, *p;
	size_t n;

	(void)state;
	map = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
	p = map + pg - (sizeof(t) - 1);
	memcpy(p, t, sizeof(t) - 1);
	assert_int_equal(variant_expand(p, sizeof(t) - 1, &v, &n, &d), -1);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.msg, "undefined variant parameter"));
	/* the same without the last line: ends inside a variant line */
	p = map + pg - strlen("case a\nvariant f=1,2");
	memcpy(p, t, strlen("case a\nvariant f=1,2"));
	assert_int_equal(variant_expand(p, strlen("case a\nvariant f=1,2"), &v,
					&n, &d),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].label, "f=2");
	variant_free(v, n);
	munmap(map, 2 * (size_t)pg);
}

/*
 * Found by fuzz_variant: two combinations must never get one label (the
 * case name is NAME/LABEL): no repeated value, no repeated key, no label
 * cut at 63 characters.
 */
static void test_labels_unique(void **state)
{
	static const char *const bad[][2] = {
		{ "case a\nvariant f=1,1\n", "a value given twice" },
		{ "case a\nvariant f=1\nvariant f=2\n", "key declared twice" },
		{ "case a\nvariant aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=x,y\n"
		  "variant bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb=1,2\n",
		  "characters; the limit is 63" },
		{ "case a\nvariant f=x,,y\n", "an empty value" },
		{ "case a\nvariant f=x,"
		  "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
		  "\n",
		  "is 64 bytes long; the limit is 63" },
	};
	/* 63 characters exactly: "k=...,l=..." fits */
	static const char ok[] =
		"case a\nvariant kkkkkkkkkkkkkkkkkkkkkkkkkkkkk=1,2\n"
		"variant lllllllllllllllllllllllllllll=x\n";
	struct variant_text *v;
	struct case_diag d;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(variant_expand(bad[i][0], strlen(bad[i][0]),
						&v, &n, &d),
				 -1);
		assert_int_equal(d.line, i == 1 || i == 2 ? 3 : 2);
		assert_non_null(strstr(d.msg, bad[i][1]));
	}
	assert_int_equal(variant_expand(ok, strlen(ok), &v, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_int_equal(strlen(v[0].label), 63);
	assert_string_not_equal(v[0].label, v[1].label);
	variant_free(v, n);
}

/* Found by reading: a value spelling "variant" stays what it is. */
static void test_value_spelling_variant(void **state)
{
	static const char t[] = "case a\nvariant w=variant\n${w} x=1\n";
	struct variant_text *v;
	struct case_diag d;
	size_t n;

	(void)state;
	assert_int_equal(variant_expand(t, strlen(t), &v, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].text,
			    "case a\n#ariant w=variant\nvariant x=1\n");
	variant_free(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_variant_is_one_text),
		cmocka_unit_test(test_product_and_substitution),
		cmocka_unit_test(test_undefined_parameter),
		cmocka_unit_test(test_bad_variant_lines),
		cmocka_unit_test(test_text_not_terminated),
		cmocka_unit_test(test_labels_unique),
		cmocka_unit_test(test_value_spelling_variant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
