// SPDX-License-Identifier: MIT
/*
 * Output directories: refused when not a writable directory; per-job
 * names injective; a planted symlink is replaced, never written through.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "outdir.h"

static void test_refused(void **state)
{
	char dir[] = "/tmp/test_outdir.XXXXXX", file[64], why[256];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/file", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(outdir_open(file, why, sizeof(why)), -ENOTDIR);
	assert_non_null(strstr(why, "not a directory"));
	assert_int_equal(outdir_open("/dev/null", why, sizeof(why)), -ENOTDIR);
	fd = outdir_open(dir, why, sizeof(why));
	assert_true(fd >= 0); /* a writable directory */
	close(fd);
	unlink(file);
	rmdir(dir);
}

static void test_names_injective(void **state)
{
	static const char *const cases[] = { "a/b", "a_b", "a%2Fb", "a@b" };
	char names[4][128];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_non_null(outdir_job_name(cases[i], "read", "log",
						names[i], sizeof(names[i])));
	for (int i = 0; i < 4; i++)
		for (int k = i + 1; k < 4; k++)
			assert_string_not_equal(names[i], names[k]);
	assert_string_equal(names[0], "a%2Fb@read.log");
	/* case "x@y" + backend "z" vs case "x" + backend "y@z" */
	outdir_job_name("x@y", "z", "log", names[0], sizeof(names[0]));
	outdir_job_name("x", "y@z", "log", names[1], sizeof(names[1]));
	assert_string_not_equal(names[0], names[1]);
	assert_null(outdir_job_name("long-name", "read", "log", names[0], 8));
}

static void test_symlink_not_followed(void **state)
{
	char dir[] = "/tmp/test_outdir.XXXXXX", target[64], link[64];
	char buf[16] = { 0 };
	int dfd, fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/victim", dir);
	snprintf(link, sizeof(link), "%s/j@read.log", dir);
	fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_int_equal(symlink(target, link), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = outdir_create(dfd, "j@read.log");
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "job", 3), 3);
	close(fd);
	fd = open(target, O_RDONLY | O_CLOEXEC);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "keep");
	close(fd);
	unlinkat(dfd, "j@read.log", 0);
	close(dfd);
	unlink(target);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_names_injective),
		cmocka_unit_test(test_symlink_not_followed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
