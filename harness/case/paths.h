/* SPDX-License-Identifier: MIT */
/*
 * The case files a command line names: files as given, directories walked
 * for *.case (sorted, selftest/ skipped unless named).  Each directory is
 * entered once and each file listed once, by device and inode, however
 * many symlinks or arguments lead to it, so symlink loops end.
 */
#ifndef TUNCHECK_PATHS_H
#define TUNCHECK_PATHS_H

#include <stddef.h>

struct paths_id;

struct paths_list {
	char **v; /* the paths, in the order found */
	size_t n;
	/* private */
	size_t cap;
	struct paths_id *seen; /* directories and files met, sorted */
	size_t n_seen, cap_seen;
};

/* Append a copy of s as is (no check, no dedupe): 0 or -ENOMEM. */
int paths_list_add(struct paths_list *p, const char *s);

/*
 * Append the case files argv names.  A named file (or anything that is
 * not a directory, or does not exist) is added as given for case_load to
 * judge; a directory contributes its regular *.case files.  0, or -errno
 * with err set ("DIR: reason") when a directory cannot be read.
 */
int paths_list_collect(struct paths_list *p, char *const *argv, int argc,
		       char *err, size_t size);

/* Free everything; p is left empty and reusable.  NULL-safe. */
void paths_list_free(struct paths_list *p);

#endif
