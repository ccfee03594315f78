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

/* A spawned sandbox, as its caller sees it. */
struct sandbox {
	pid_t pid;   /* the job: PID 2 inside, the caller's child */
	pid_t init;  /* PID 1: only reaps; the caller's child too */
	pid_t group; /* the session and process group of both */
	void *stack; /* PID 1's stack, in the caller's memory */
};

/*
 * fork() into a new sandbox: new user (the caller's uid and gid mapped to
 * 0, setgroups denied), network, mount and PID namespaces and a session of
 * its own, the network namespace checked to differ from the caller's
 * before anything may touch it.  Returns 0 in the job (PID 2, single
 * threaded, its file system view still the host's: sandbox_view() next),
 * the job's pid in the caller with *sb set, or -errno with `why` set and
 * no process left.  The caller's memory is copied once, for the job, and
 * the caller is stopped until then (see sandbox.c): call it from a
 * single-threaded process.  The caller becomes a subreaper
 * (PR_SET_CHILD_SUBREAPER): the job is orphaned to it at once and is
 * waited for as any child, with its own wait status.
 */
pid_t sandbox_spawn(struct sandbox *sb, char *why, size_t size);

/*
 * In the job, first: build its file system view.  0 or -errno with `why`
 * set (a layer this kernel lacks is a gap, not an error).
 */
int sandbox_view(char *why, size_t size);

/* SIGKILL the sandbox's group: the job, PID 1, what the job left there. */
void sandbox_kill(const struct sandbox *sb);

/*
 * Once the job was reaped: reap PID 1 (sandbox_kill() ends it; its exit
 * tears the namespaces down with whatever was left inside), waiting for
 * it if `block`.  1 when it was reaped, 0 while it lives (not `block`),
 * -ECHILD when there is none (already reaped).
 */
int sandbox_reap_init(struct sandbox *sb, bool block);

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

/*
 * In a job's child about to execve() a program (an exec backend): its
 * own nested Landlock domain (lockdown_nest), and a root caller's
 * capabilities made ambient (userns_ambient).  0, -EOPNOTSUPP without
 * Landlock, or -errno.
 */
int sandbox_exec_child(void);

/* The layers this process's sandbox lacks (a bit mask of *_GAP_*). */
unsigned sandbox_gaps(void);

/* The gaps as text, "; "-separated, into buf ("" for none). */
const char *sandbox_gaps_describe(unsigned gaps, char *buf, size_t size);

#endif
