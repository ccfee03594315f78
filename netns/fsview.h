/* SPDX-License-Identifier: MIT */
/*
 * A job's view of the file system, built in its own mount namespace: the
 * host's tree read-only (recursively, so metadata cannot change either),
 * private tmpfs on /tmp, /run and /dev/shm, a fresh /proc of the job's PID
 * namespace, read-only except /proc/sys/net.
 */
#ifndef TUNCHECK_FSVIEW_H
#define TUNCHECK_FSVIEW_H

#include <stddef.h>

/* Layers fsview_build() could not set up on this kernel (sandbox gaps). */
enum fsview_gap {
	FSVIEW_GAP_RDONLY = 1 << 0, /* some host mount stayed writable */
	FSVIEW_GAP_PROC = 1 << 1,   /* no fresh /proc: the host's, read-only */
};

/*
 * Before any job: a host path a job needs although it lies below /tmp,
 * /run or /dev/shm (the run's directory, a plugin, an exec program).  Its
 * top entry there stays visible, read-only.  0 or -errno.
 */
int fsview_expose(const char *path);

/*
 * In PID 1 of fresh user, mount and PID namespaces: build the view.
 * Returns 0 with *gaps set (a missing layer is not fatal), or -errno with
 * `why` set when the view cannot be made safe at all.
 */
int fsview_build(unsigned *gaps, char *why, size_t size);

#endif
