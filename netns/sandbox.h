/* SPDX-License-Identifier: MIT */
/*
 * The sandbox: a fresh user namespace (caller's uid/gid mapped to 0,
 * setgroups denied) and a fresh network namespace per job.  Every other
 * netns/ module refuses to act until sandbox_is_entered() is true.
 */
#ifndef TUNCHECK_SANDBOX_H
#define TUNCHECK_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * From the host, before any job: can jobs run here?  Forks a throw-away
 * child that enters a sandbox and creates a TUN device.  Returns 0, or
 * -errno with `why` set to one line naming the cause and the fix
 * (user.max_user_namespaces, kernel.apparmor_restrict_unprivileged_userns,
 * /dev/net/tun mode and owner, a seccomp profile denying unshare).
 */
int sandbox_probe(char *why, size_t size);

/*
 * In a job process: unshare(CLONE_NEWUSER|CLONE_NEWNET), write
 * setgroups/uid_map/gid_map, check the network namespace differs from the
 * one we started in, bring lo up.  Returns 0 or -errno with `why` set.
 */
int sandbox_enter(char *why, size_t size);

/* True once sandbox_enter() verified we are in a namespace we created. */
bool sandbox_is_entered(void);

/* Deny setns() from now on (libseccomp), so nothing re-enters the host. */
int sandbox_lock(char *why, size_t size);

#endif
