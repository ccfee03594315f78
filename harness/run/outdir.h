/* SPDX-License-Identifier: MIT */
/*
 * Output directories (--log-dir, --pcap-dir) and the per-job files in
 * them: checked before the first job, files created relative to the
 * directory's fd without following symlinks, one distinct name per job.
 */
#ifndef TUNCHECK_OUTDIR_H
#define TUNCHECK_OUTDIR_H

#include <stddef.h>

/*
 * Open (creating it if missing) a directory jobs will write to, and prove
 * a file can be created there.  The fd, or -errno with `why` set.
 */
int outdir_open(const char *path, char *why, size_t size);

/*
 * The file name of a job's output: CASE@BACKEND.EXT with every byte but
 * A-Z a-z 0-9 . _ - = , written as %XX, so distinct jobs never share a
 * file.  buf, or NULL when it does not fit.
 */
const char *outdir_job_name(const char *case_name, const char *backend,
			    const char *ext, char *buf, size_t size);

/*
 * Create name in dirfd for writing: a stale file or a planted symlink of
 * that name is removed first, and the new file is created with O_EXCL |
 * O_NOFOLLOW, so nothing is ever written through a link.  fd or -errno.
 */
int outdir_create(int dirfd, const char *name);

#endif
