// SPDX-License-Identifier: MIT
/*
 * Case file collection: symlink loops end, each file is listed once
 * (however it is reached), walks are sorted and keep their rules.  Every
 * test builds its tree in a fresh directory under /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "paths.h"

static char top[] = "/tmp/test_paths.XXXXXX";

/* top/rel, into a static buffer (one at a time). */
static const char *at(const char *rel)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", top, rel);
	return buf;
}

static void mkdir_at(const char *rel)
{
	assert_int_equal(mkdir(at(rel), 0755), 0);
}

static void file_at(const char *rel)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "case x\n", 7), 7);
	close(fd);
}

static void symlink_at(const char *target, const char *rel)
{
	assert_int_equal(symlink(target, at(rel)), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(top, "/tmp/test_paths.XXXXXX");
	return mkdtemp(top) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* Collect argv (relative to top) into p; the walk must not fail. */
static void collect(struct paths_list *p, int argc, const char *const *rel)
{
	char *argv[16], err[PATH_MAX + 64] = "";

	assert_true(argc <= 16);
	for (int i = 0; i < argc; i++)
		argv[i] = strdup(at(rel[i]));
	assert_int_equal(paths_list_collect(p, argv, argc, err, sizeof(err)),
			 0);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
}

/* p holds exactly want (relative to top), in order. */
static void assert_list(const struct paths_list *p, int n,
			const char *const *want)
{
	for (size_t i = 0; i < p->n; i++)
		print_message("  got %s\n", p->v[i]);
	assert_int_equal(p->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(p->v[i], at(want[i]));
}

/* d/self -> . and d/sub/up -> ..: each case once, and the walk ends. */
static void test_self_loop(void **state)
{
	static const char *const args[] = { "d" };
	static const char *const want[] = { "d/a.case", "d/sub/b.case" };
	struct paths_list p = { 0 };

	(void)state;
	mkdir_at("d");
	mkdir_at("d/sub");
	file_at("d/a.case");
	file_at("d/sub/b.case");
	symlink_at(".", "d/self");
	symlink_at("..", "d/sub/up");
	collect(&p, 1, args);
	assert_list(&p, 2, want);
	paths_list_free(&p);
}

/* Two symlinks to the directory itself: one case, listed once. */
static void test_two_links_to_self(void **state)
{
	static const char *const args[] = { "d" };
	static const char *const want[] = { "d/a.case" };
	struct paths_list p = { 0 };

	(void)state;
	mkdir_at("d");
	file_at("d/a.case");
	symlink_at(".", "d/l1");
	symlink_at(".", "d/l2");
	collect(&p, 1, args);
	assert_list(&p, 1, want);
	paths_list_free(&p);
}

/*
 * 24 levels, each with two links to the next: no loop, but a walk that
 * only watched its own stack would enter the last level 2^24 times.
 */
static void test_fan_of_links(void **state)
{
	static const char *const args[] = { "l0" };
	struct paths_list p = { 0 };
	char rel[64], target[64], want[128] = "l0";

	(void)state;
	for (int i = 0; i <= 24; i++) {
		snprintf(rel, sizeof(rel), "l%d", i);
		mkdir_at(rel);
	}
	file_at("l24/z.case");
	for (int i = 0; i < 24; i++) {
		snprintf(target, sizeof(target), "../l%d", i + 1);
		snprintf(rel, sizeof(rel), "l%d/a", i);
		symlink_at(target, rel);
		snprintf(rel, sizeof(rel), "l%d/b", i);
		symlink_at(target, rel);
		strcat(want, "/a"); /* reached first through the a links */
	}
	strcat(want, "/z.case");
	alarm(20); /* a hang fails the test instead of stalling the run */
	collect(&p, 1, args);
	alarm(0);
	assert_list(&p, 1, (const char *const[]){ want });
	paths_list_free(&p);
}

/*
 * One file named twice, by another spelling, through a symlink and a
 * hard link, and again inside a directory named after it: listed once,
 * where it was first named.
 */
static void test_same_file_twice(void **state)
{
	static const char *const args[] = {
		"d/a.case", "d/./a.case", "link.case", "hard.case",
		"d",	    "d/a.case",	  "e/c.case",
	};
	static const char *const want[] = { "d/a.case", "d/b.case",
					    "e/c.case" };
	struct paths_list p = { 0 };

	(void)state;
	mkdir_at("d");
	mkdir_at("e");
	file_at("d/a.case");
	file_at("d/b.case");
	file_at("e/c.case");
	symlink_at("d/a.case", "link.case");
	{
		char a[PATH_MAX];

		snprintf(a, sizeof(a), "%s", at("d/a.case"));
		assert_int_equal(link(a, at("hard.case")), 0);
	}
	collect(&p, 7, args);
	assert_list(&p, 3, want);
	paths_list_free(&p);
}

/*
 * A walk: sorted, only regular *.case files, no hidden entries, no
 * selftest/ unless named; named things are kept as given (a FIFO, a
 * missing file) for case_load to judge.
 */
static void test_walk_rules(void **state)
{
	static const char *const args[] = { "d", "d/selftest", "fifo.case",
					    "missing.case" };
	static const char *const want[] = {
		"d/A.case",	     "d/b.case",  "d/sub/c.case",
		"d/selftest/s.case", "fifo.case", "missing.case",
	};
	struct paths_list p = { 0 };

	(void)state;
	mkdir_at("d");
	mkdir_at("d/sub");
	mkdir_at("d/selftest");
	mkdir_at("d/.hidden");
	mkdir_at("d/dir.case");
	file_at("d/b.case");
	file_at("d/A.case");
	file_at("d/sub/c.case");
	file_at("d/selftest/s.case");
	file_at("d/.hidden/h.case");
	file_at("d/.dot.case");
	file_at("d/notes.txt");
	assert_int_equal(mkfifo(at("d/pipe.case"), 0644), 0);
	assert_int_equal(mkfifo(at("fifo.case"), 0644), 0);
	symlink_at("nowhere", "d/dangling.case");
	collect(&p, 4, args);
	assert_list(&p, 6, want);
	paths_list_free(&p);
}

/*
 * A tree deeper than PATH_MAX: an error naming where, never a path cut
 * short and passed on.
 */
static void test_too_deep(void **state)
{
	struct paths_list p = { 0 };
	char name[201], err[2 * PATH_MAX] = "", *argv[] = { top };
	int dfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	memset(name, 'x', 200);
	name[200] = 0;
	for (int i = 0; i < 25; i++) { /* 25 * 201 bytes > PATH_MAX */
		int sub;

		assert_int_equal(mkdirat(dfd, name, 0755), 0);
		sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(sub >= 0);
		close(dfd);
		dfd = sub;
	}
	close(dfd);
	assert_int_equal(paths_list_collect(&p, argv, 1, err, sizeof(err)),
			 -ENAMETOOLONG);
	assert_non_null(strstr(err, "File name too long"));
	assert_int_equal(strncmp(err, top, strlen(top)), 0);
	assert_int_equal(p.n, 0);
	paths_list_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_self_loop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_links_to_self, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fan_of_links, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_same_file_twice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_walk_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_deep, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
