/* SPDX-License-Identifier: MIT */
/*
 * The user namespace of a sandbox and the network namespace entered with
 * it.  Every other netns/ module refuses to act until userns_entered() is
 * true, so nothing can touch the host's network.
 */
#ifndef TUNCHECK_USERNS_H
#define TUNCHECK_USERNS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * unshare(flags) (CLONE_NEWUSER | CLONE_NEWNET among them), map the
 * caller's uid and gid to 0 and check that the network namespace differs
 * from the one we started in.  With CLONE_NEWPID in flags (a job's
 * sandbox), a root caller also gets uid 1 mapped to host uid 65534 (see
 * userns_drop_root).  0, or -errno with `why` set to the cause and the fix
 * (user.max_user_namespaces, kernel.apparmor_restrict_unprivileged_userns,
 * a seccomp profile denying unshare).
 */
int userns_enter(int flags, char *why, size_t size);

/* True once userns_enter() verified a network namespace of our own. */
bool userns_entered(void);

/*
 * In a vfork() child that called userns_enter() and is about to exit:
 * clear what userns_enter() noted, in the memory it shares with its
 * parent, which never entered anything.
 */
void userns_forget(void);

/*
 * If userns_enter() mapped uid 1: become uid 1 keeping every capability
 * but CAP_SETUID and CAP_SETGID, so the kernel's RLIMIT_NPROC applies
 * (it exempts host uid 0).  0 (also when there is nothing to do) or
 * -errno.
 */
int userns_drop_root(void);

/*
 * After userns_drop_root(), in a process about to execve(): raise every
 * capability it kept into the ambient set, so the program has them as a
 * uid-0 job would (the kernel drops a non-root uid's capabilities at
 * execve otherwise).  0 (also when there is nothing to do) or -errno.
 */
int userns_ambient(void);

#endif
