// SPDX-License-Identifier: MIT
/*
 * Which jobs a run has (run's -k, --shard, --last-failed, --repeat): the
 * case x backend list filtered, sliced and repeated before the first job,
 * and the failures of each run kept for the next one's --last-failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "runner.h"
#include "select.h"

#define KEYWORDS_MAX 32

static const char *keywords[KEYWORDS_MAX];
static size_t n_keywords;

void select_keyword_add(const char *pattern)
{
	if (!pattern[0])
		die(2, "-k: an empty pattern");
	if (n_keywords == KEYWORDS_MAX)
		die(2, "-k: at most %d patterns", KEYWORDS_MAX);
	keywords[n_keywords++] = pattern;
}

/* A glob (fnmatch) when it has *, ? or [, else a substring. */
bool select_case(const char *name)
{
	if (!n_keywords)
		return true;
	for (size_t i = 0; i < n_keywords; i++) {
		const char *k = keywords[i];

		if (strpbrk(k, "*?[") ? !fnmatch(k, name, 0)
				      : strstr(name, k) != NULL)
			return true;
	}
	return false;
}

bool select_keywords_given(void)
{
	return n_keywords > 0;
}

void select_shard_parse(const char *arg, struct shard *sh)
{
	unsigned i, n;
	char end;

	if (sscanf(arg, "%u/%u%c", &i, &n, &end) != 2 || !n || !i || i > n ||
	    n > 10000)
		die(2,
		    "--shard '%s': use I/N with 1 <= I <= N (--shard 2/4: "
		    "the second of four slices)",
		    arg);
	sh->i = i - 1;
	sh->n = n;
}

bool select_in_shard(const struct shard *sh, size_t idx)
{
	return !sh->n || idx % sh->n == sh->i;
}

/* $XDG_CACHE_HOME/tuncheck/last-failed, else ~/.cache/...; NULL: none. */
static const char *lastfailed_path(char *buf, size_t size, bool create)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/tuncheck", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.cache/tuncheck", home);
	else
		return NULL;
	if (n < 0 || (size_t)n + 16 > size)
		return NULL;
	if (create) {
		char *slash = strrchr(buf, '/');

		*slash = 0;
		mkdir(buf, 0700); /* ~/.cache itself may be missing */
		*slash = '/';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return NULL;
	}
	strcat(buf, "/last-failed");
	return buf;
}

static char *lf_text;	 /* the last run's file, lines "CASE\tBACKEND" */
static bool lf_wanted;	 /* --last-failed given */
static bool lf_anything; /* and the file named at least one job */

void select_last_failed(void)
{
	char path[4096];
	const char *p = lastfailed_path(path, sizeof(path), false);
	FILE *f = p ? fopen(p, "re") : NULL;
	size_t cap = 1 << 20, len;

	lf_wanted = true;
	if (!f) {
		fprintf(stderr, "tuncheck: --last-failed: no failures "
				"recorded: running every job\n");
		return;
	}
	lf_text = calloc(1, cap + 1);
	len = lf_text ? fread(lf_text, 1, cap, f) : 0;
	fclose(f);
	if (!lf_text)
		die(1, "out of memory");
	lf_text[len] = 0;
	lf_anything = len > 0;
	if (!lf_anything)
		fprintf(stderr, "tuncheck: --last-failed: the last run had "
				"no failure: running every job\n");
}

bool select_failed_before(const char *case_name, const char *backend)
{
	char line[512];

	if (!lf_wanted || !lf_anything)
		return true;
	snprintf(line, sizeof(line), "\n%s\t%s\n", case_name, backend);
	/* the file starts with a newline too, so every line matches alike */
	return strstr(lf_text, line) != NULL;
}

void select_save_failures(const struct job_spec *jobs, size_t n)
{
	char path[4096], tmp[4200];
	const char *p = lastfailed_path(path, sizeof(path), true);
	FILE *f;
	int fd;

	if (!p)
		return;
	/* a new file renamed over the old one: never through a link */
	snprintf(tmp, sizeof(tmp), "%s.%d", p, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	f = fd >= 0 ? fdopen(fd, "we") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	fputc('\n', f);
	for (size_t i = 0; i < n; i++)
		if (verdict_unexpected(jobs[i].res.v) ||
		    jobs[i].res.v == VERDICT_INTERRUPTED)
			fprintf(f, "%s\t%s\n", jobs[i].c->name,
				jobs[i].ops->name);
	if (fclose(f) != 0 || rename(tmp, p) < 0)
		unlink(tmp);
}
