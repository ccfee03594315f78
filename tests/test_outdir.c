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
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/*
 * Run body(dir) in a forked child on a fresh directory; its exit status
 * (0 pass, 77 skip, else the failing line) becomes this test's result.
 */
static void in_child(int (*body)(const char *dir))
{
	char dir[] = "/tmp/test_outdir.XXXXXX";
	int st = 0;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(body(dir));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	rmdir(dir);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* A read-only mount of dir: refused by the probe, root or not. */
static int readonly_body(const char *dir)
{
	char why[256];
	int ret;

	if (unshare(CLONE_NEWNS) < 0 &&
	    unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return 77; /* no mount namespace here */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(dir, dir, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return 77;
	ret = outdir_open(dir, why, sizeof(why));
	if (ret != -EROFS)
		return __LINE__;
	if (!strstr(why, "not writable") || !strstr(why, dir))
		return __LINE__;
	return 0;
}

static void test_readonly_mount(void **state)
{
	(void)state;
	in_child(readonly_body);
}

/* Mode 0555 and not the owner (root drops to nobody first): refused. */
static int nowrite_body(const char *dir)
{
	char why[256];

	if (chmod(dir, 0555) < 0)
		return __LINE__;
	if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
		return 77;
	if (outdir_open(dir, why, sizeof(why)) != -EACCES)
		return __LINE__;
	if (!strstr(why, "not writable"))
		return __LINE__;
	return 0;
}

static void test_no_write_permission(void **state)
{
	(void)state;
	in_child(nowrite_body);
}

/*
 * A stale file and a planted hard link to another file: both replaced
 * by a new file, the other file's content untouched.
 */
static void test_hardlink_replaced(void **state)
{
	char dir[] = "/tmp/test_outdir.XXXXXX", target[64], name[64];
	char buf[16] = { 0 };
	struct stat before, after;
	int dfd, fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/victim", dir);
	snprintf(name, sizeof(name), "%s/j@read.pcap", dir);
	fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_int_equal(link(target, name), 0);
	assert_int_equal(stat(name, &before), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = outdir_create(dfd, "j@read.pcap");
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "job", 3), 3);
	close(fd);
	assert_int_equal(stat(name, &after), 0);
	assert_true(after.st_ino != before.st_ino);
	assert_int_equal(after.st_nlink, 1);
	assert_int_equal(after.st_mode & 07777, 0644);
	fd = open(target, O_RDONLY | O_CLOEXEC);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "keep");
	close(fd);
	unlink(name);
	unlink(target);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_names_injective),
		cmocka_unit_test(test_symlink_not_followed),
		cmocka_unit_test(test_readonly_mount),
		cmocka_unit_test(test_no_write_permission),
		cmocka_unit_test(test_hardlink_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
