/* SPDX-License-Identifier: MIT */
/*
 * The sandbox of a job: fresh user (caller's uid/gid mapped to 0,
 * setgroups denied) and network namespaces (userns.h), mount and PID
 * namespaces, a session of its own, the host's tree read-only (fsview.h),
 * then the lockdown layers (lockdown.h).  Bringing `lo` up is the job's.
 */
#ifndef TUNCHECK_SANDBOX_H
#define TUNCHECK_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lockdown.h"

/*
 * From the host, before any job: can jobs run here?  Forks a throw-away
 * child that enters a sandbox, locks it down and creates a TUN device.
 * Returns 0 with *gaps set to the layers this kernel lacks (see
 * sandbox_gaps_describe), or -errno with `why` set to one line naming the
 * cause and the fix (user.max_user_namespaces,
 * kernel.apparmor_restrict_unprivileged_userns, /dev/net/tun mode and
 * owner, a seccomp profile denying unshare).
 */
int sandbox_probe(char *why, size_t size, unsigned *gaps);

/*
 * In a freshly forked, single-threaded child of `parent` (0: don't check):
 * setsid(), die with the parent, unshare user, network, mount and PID
 * namespaces, check the network namespace differs from the one we started
 * in, then clone PID 1 (it reaps; it shares this process's memory) and
 * fork the job: this process stays outside, waits and ends as the job
 * ends; the job (this call's only return, as PID 2) builds its file
 * system view.  Returns 0 or -errno with `why` set (then
 * still outside, with no namespace entered but the user's).
 */
int sandbox_enter(pid_t parent, char *why, size_t size);

/*
 * In the process that forks sandboxes, once, before the first: become
 * the subreaper of their PID 1s, which outlive the process outside by
 * the namespaces' teardown.  0 or -errno.
 */
int sandbox_reaper(void);

/*
 * After reaping a sandbox's process outside (`outer`, the pid fork()
 * returned): reap its PID 1, waiting for it if `block`.  1 when it was
 * reaped, 0 while it lives (not `block`), -ECHILD when there is none
 * (never started, or we are not the subreaper).  Never call it for a pid
 * that names a live child of ours: the group of a reaped `outer` is gone
 * once this returned non-zero.
 */
int sandbox_reap_init(pid_t outer, bool block);

/*
 * Before any job: keep a host path a job needs visible although it lies
 * below a directory each job gets a private tmpfs for (/tmp, /run,
 * /dev/shm).  0 or -errno.
 */
int sandbox_expose(const char *path);

/* Close every fd of this process but the n in keep (-1 entries ignored). */
void sandbox_close_fds_except(const int *keep, size_t n);

/* Apply the lockdown layers with limits l.  0 or -errno with `why` set. */
int sandbox_lock(const struct lockdown_limits *l, char *why, size_t size);

/* The layers this process's sandbox lacks (a bit mask of *_GAP_*). */
unsigned sandbox_gaps(void);

/* The gaps as text, "; "-separated, into buf ("" for none). */
const char *sandbox_gaps_describe(unsigned gaps, char *buf, size_t size);

#endif
