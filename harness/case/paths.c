// SPDX-License-Identifier: MIT
/* Case file collection (see paths.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"

struct paths_id {
	dev_t dev;
	ino_t ino;
};

int paths_list_add(struct paths_list *p, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		char **v = realloc(p->v, cap * sizeof(*v));

		if (!v) {
			free(copy);
			return -ENOMEM;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = copy;
	return 0;
}

void paths_list_free(struct paths_list *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	free(p->seen);
	*p = (struct paths_list){ 0 };
}

/* Order of the seen table: device, then inode. */
static int paths_id_cmp(const struct paths_id *a, dev_t dev, ino_t ino)
{
	if (a->dev != dev)
		return a->dev < dev ? -1 : 1;
	if (a->ino != ino)
		return a->ino < ino ? -1 : 1;
	return 0;
}

/*
 * Record st's file as met: 1 the first time, 0 when it was met before
 * (a directory reached again through a symlink, a file named twice),
 * -ENOMEM.  The table stays sorted, so a lookup is a binary search.
 */
static int paths_seen_add(struct paths_list *p, const struct stat *st)
{
	size_t lo = 0, hi = p->n_seen;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = paths_id_cmp(&p->seen[mid], st->st_dev, st->st_ino);

		if (!c)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (p->n_seen == p->cap_seen) {
		size_t cap = p->cap_seen ? 2 * p->cap_seen : 64;
		struct paths_id *s = realloc(p->seen, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		p->seen = s;
		p->cap_seen = cap;
	}
	memmove(&p->seen[lo + 1], &p->seen[lo],
		(p->n_seen - lo) * sizeof(*p->seen));
	p->seen[lo] = (struct paths_id){ st->st_dev, st->st_ino };
	p->n_seen++;
	return 1;
}

static bool paths_name_is_case(const char *s)
{
	size_t l = strlen(s);

	return l >= 5 && !strcmp(s + l - 5, ".case");
}

/*
 * Add dir's *.case files and walk its subdirectories, in alphasort
 * order; hidden entries and selftest/ (cases that must fail) skipped.
 * dir has been recorded as met already.
 */
static int paths_dir_walk(struct paths_list *p, const char *dir, char *err,
			  size_t size)
{
	struct dirent **de;
	int n = scandir(dir, &de, NULL, alphasort), i, ret = 0;

	if (n < 0) {
		ret = -errno;
		snprintf(err, size, "%s: %s", dir, strerror(-ret));
		return ret;
	}
	for (i = 0; i < n && !ret; i++) {
		const char *name = de[i]->d_name;
		char path[PATH_MAX];
		struct stat st;

		if (name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		    sizeof(path)) {
			ret = -ENAMETOOLONG;
			snprintf(err, size, "%s/%s: %s", dir, name,
				 strerror(-ret));
			break;
		}
		/* follows symlinks: the seen table ends their loops */
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && strcmp(name, "selftest")) {
			ret = paths_seen_add(p, &st);
			if (ret > 0)
				ret = paths_dir_walk(p, path, err, size);
		} else if (S_ISREG(st.st_mode) && paths_name_is_case(name)) {
			ret = paths_seen_add(p, &st);
			if (ret > 0)
				ret = paths_list_add(p, path);
		}
	}
	for (i = 0; i < n; i++)
		free(de[i]);
	free(de);
	if (ret == -ENOMEM)
		snprintf(err, size, "%s: %s", dir, strerror(ENOMEM));
	return ret;
}

int paths_list_collect(struct paths_list *p, char *const *argv, int argc,
		       char *err, size_t size)
{
	for (int i = 0; i < argc; i++) {
		struct stat st;
		int ret;

		if (stat(argv[i], &st) < 0) {
			ret = paths_list_add(p, argv[i]); /* case_load says */
		} else if (S_ISDIR(st.st_mode) &&
			   !paths_name_is_case(argv[i])) {
			ret = paths_seen_add(p, &st);
			if (ret > 0)
				ret = paths_dir_walk(p, argv[i], err, size);
		} else {
			ret = paths_seen_add(p, &st);
			if (ret > 0)
				ret = paths_list_add(p, argv[i]);
		}
		if (ret < 0) {
			if (ret == -ENOMEM)
				snprintf(err, size, "%s: %s", argv[i],
					 strerror(ENOMEM));
			return ret;
		}
	}
	return 0;
}
