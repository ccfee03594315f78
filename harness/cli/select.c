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

/*
 * The cache directory, $XDG_CACHE_HOME/tuncheck or ~/.cache/tuncheck,
 * opened without following a link (created when create is set), and only
 * when its base directory and itself belong to us and nobody else may
 * write them: root under `sudo -E` keeps the user's HOME, and must not
 * write through a link the user planted there.  The fd, or -1.
 */
static int cache_dir(bool create)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char base[4096];
	struct stat st;
	int b, d;

	if (xdg && xdg[0] == '/')
		snprintf(base, sizeof(base), "%s", xdg);
	else if (home && home[0] == '/' &&
		 snprintf(base, sizeof(base), "%s/.cache", home) <
			 (int)sizeof(base))
		;
	else
		return -1;
	if (create && !(xdg && xdg[0] == '/') && home && !lstat(home, &st) &&
	    S_ISDIR(st.st_mode) && st.st_uid == geteuid())
		mkdir(base, 0700); /* ~/.cache itself may be missing */
	b = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (b < 0)
		return -1;
	if (fstat(b, &st) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(b);
		return -1;
	}
	if (create)
		mkdirat(b, "tuncheck", 0700);
	d = openat(b, "tuncheck",
		   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(b);
	if (d >= 0 &&
	    (fstat(d, &st) || st.st_uid != geteuid() || (st.st_mode & 022))) {
		close(d);
		d = -1;
	}
	return d;
}

static char *lf_text;	 /* the last run's file, lines "CASE\tBACKEND" */
static bool lf_wanted;	 /* --last-failed given */
static bool lf_anything; /* and the file named at least one job */

void select_last_failed(void)
{
	int dir = cache_dir(false), fd;
	FILE *f = NULL;
	size_t cap = 1 << 20, len;

	lf_wanted = true;
	free(lf_text);
	lf_text = NULL;
	fd = dir < 0 ? -1
		     : openat(dir, "last-failed",
			      O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (dir >= 0)
		close(dir);
	if (fd >= 0 && !(f = fdopen(fd, "re")))
		close(fd);
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
	/* a run with no failure leaves the file with no line */
	lf_anything = strchr(lf_text, '\t') != NULL;
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
	char tmp[64];
	int dir = cache_dir(true), fd;
	FILE *f;

	if (dir < 0)
		return;
	/* a new file renamed over the old one: never through a link */
	snprintf(tmp, sizeof(tmp), "last-failed.%d", (int)getpid());
	fd = openat(dir, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "we") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		close(dir);
		return;
	}
	fputc('\n', f);
	for (size_t i = 0; i < n; i++)
		if (verdict_unexpected(jobs[i].res.v) ||
		    jobs[i].res.v == VERDICT_INTERRUPTED)
			fprintf(f, "%s\t%s\n", jobs[i].c->name,
				jobs[i].ops->name);
	if (fclose(f) != 0 || renameat(dir, tmp, dir, "last-failed") < 0)
		unlinkat(dir, tmp, 0);
	close(dir);
}
