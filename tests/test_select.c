// SPDX-License-Identifier: MIT
/*
 * Choosing jobs: -k globs and substrings, --shard slices that partition
 * the jobs, and --last-failed reading back what the previous run saved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner.h"
#include "select.h"

static void test_keywords(void **state)
{
	(void)state;
	assert_true(select_case("anything")); /* no -k: every case */
	select_keyword_add("before");
	select_keyword_add("flood/*=2001:*");
	assert_true(select_case("register-before-attach"));
	assert_false(select_case("register-after-attach"));
	assert_true(select_case("flood/addr=2001:db8::1/64"));
	assert_false(select_case("flood/addr=198.18.0.1/24"));
	assert_true(select_keywords_given());
}

static void test_shards_partition(void **state)
{
	struct shard sh[3];
	char arg[8];

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		snprintf(arg, sizeof(arg), "%u/3", i + 1);
		select_shard_parse(arg, &sh[i]);
	}
	/* every job in exactly one slice */
	for (size_t j = 0; j < 100; j++) {
		unsigned in = 0;

		for (unsigned i = 0; i < 3; i++)
			in += select_in_shard(&sh[i], j);
		assert_int_equal(in, 1);
	}
	assert_true(select_in_shard(&(struct shard){ 0 }, 7)); /* none */
}

static void test_last_failed(void **state)
{
	char dir[] = "/tmp/tuncheck-select-XXXXXX", cmd[256];
	struct case_file a = { .name = "a" }, b = { .name = "ab" };
	const struct tuncheck_backend_ops poll = { .name = "poll" },
					  read = { .name = "read" };
	struct job_spec j[3] = {
		{ .c = &a, .ops = &poll, .res.v = VERDICT_FAIL },
		{ .c = &a, .ops = &read, .res.v = VERDICT_PASS },
		{ .c = &b, .ops = &poll, .res.v = VERDICT_XFAIL },
	};

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	select_save_failures(j, 3);
	select_last_failed();
	assert_true(select_failed_before("a", "poll"));
	assert_false(select_failed_before("a", "read"));
	assert_false(select_failed_before("ab", "poll")); /* an xfail */
	assert_false(select_failed_before("b", "poll"));  /* no prefix match */
	/* a run with no failure: the next --last-failed runs every job */
	j[0].res.v = VERDICT_PASS;
	select_save_failures(j, 3);
	select_last_failed();
	assert_true(select_failed_before("a", "read"));
	/* the cache directory a link to elsewhere: nothing written there */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && rm -r tuncheck && mkdir elsewhere && "
		 "ln -s elsewhere tuncheck",
		 dir);
	assert_int_equal(system(cmd), 0);
	select_save_failures(j, 3);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s/elsewhere)\"", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_shards_partition),
		cmocka_unit_test(test_last_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
