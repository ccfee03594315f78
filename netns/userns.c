// SPDX-License-Identifier: MIT
/*
 * Entering a user namespace with a network namespace of our own (see
 * userns.h): unshare, write the maps, prove the network namespace changed
 * before anything may touch it, and say precisely why when the host does
 * not allow it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns.h"

static const char NS_NET[] = "/proc/self/ns/net";
static const char KNOB_APPARMOR[] =
	"/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

static bool userns_entered_flag;

bool userns_entered(void)
{
	return userns_entered_flag;
}

static bool userns_uid1_mapped;

void userns_forget(void)
{
	userns_entered_flag = false;
	userns_uid1_mapped = false;
}

/* Write all of text to an existing file: 0 or -errno. */
static int userns_file_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* An integer sysctl of the host, or -1 if it does not exist here. */
static long userns_knob_read(const char *path)
{
	char text[32];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return strtol(text, NULL, 10);
}

/* The fix for a refused unshare(CLONE_NEWUSER|CLONE_NEWNET). */
static const char *userns_hint_unshare(int err)
{
	if (err == EINVAL)
		return "the process has several threads; unshare a user namespace before starting any";
	if (err == EUSERS)
		return "user namespaces are nested 32 deep already";
	if (userns_knob_read("/proc/sys/user/max_user_namespaces") == 0)
		return "user.max_user_namespaces is 0 here: set it > 0 (sysctl user.max_user_namespaces=15000)";
	if (err == ENOSPC)
		return "a namespace count limit is reached: check `sysctl user.max_user_namespaces user.max_net_namespaces`";
	if (userns_knob_read("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		return "kernel.unprivileged_userns_clone is 0 here: set it to 1";
	if (getuid() != 0 && userns_knob_read(KNOB_APPARMOR) == 1)
		return "kernel.apparmor_restrict_unprivileged_userns is 1 here: AppArmor denies capabilities in new user namespaces; set it to 0 or give tuncheck an AppArmor profile allowing `userns,`";
	return "user namespaces are disabled or limited: check `sysctl user.max_user_namespaces` (must be > 0), kernel.unprivileged_userns_clone, or a container seccomp profile denying unshare";
}

/* The fix for a refused write to our own uid_map/gid_map/setgroups. */
static const char *userns_hint_map(void)
{
	if (userns_knob_read(KNOB_APPARMOR) == 1)
		return "kernel.apparmor_restrict_unprivileged_userns is 1 here: AppArmor leaves the new user namespace without capabilities; set it to 0 or give tuncheck an AppArmor profile allowing `userns,`";
	return "the new user namespace has no capabilities (an LSM policy? kernel.apparmor_restrict_unprivileged_userns is not 1 here)";
}

/* Device and inode of our network namespace. */
static int userns_ns_stat(struct stat *st, char *why, size_t size)
{
	if (stat(NS_NET, st) == 0)
		return 0;
	snprintf(why, size, "stat(%s): %s — is /proc mounted?", NS_NET,
		 strerror(errno));
	return -errno;
}

/*
 * The host uid a root caller's job runs as (user namespace uid 1): the
 * kernel never applies RLIMIT_NPROC to a process whose real uid is host
 * uid 0 (copy_process() exempts INIT_USER), so --max-procs needs another.
 * The job keeps every capability it had as uid 0 in its namespaces
 * (userns_drop_root) but CAP_SETUID and CAP_SETGID, so it cannot go back.
 */
#define USERNS_NPROC_HOST_UID 65534 /* "nobody" */

/* What the map writer writes, and where it reports. */
struct userns_maps {
	pid_t target;
	int go; /* read end: a byte once `target` has unshared, EOF if not */
	const char *text[3];
};

static const char *const userns_map_files[] = { "setgroups", "uid_map",
						"gid_map" };

/* Write /proc/PID/FILE: 0 or -errno. */
static int userns_map_write(pid_t pid, const char *file, const char *text)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return userns_file_write(path, text);
}

/*
 * The map writer of a root caller: a clone(CLONE_VM) that stays in the
 * host's user namespace, where it has CAP_SETUID, so it may write a
 * two-line uid_map (the process inside may only map itself).  Exit 0,
 * or the errno of the write that failed.
 */
__attribute__((no_sanitize_address)) /* on a stack ASan does not know */
static int
userns_map_writer(void *arg)
{
	const struct userns_maps *m = arg;
	char c;
	int ret;

	if (read(m->go, &c, 1) != 1)
		_exit(0); /* unshare failed: nothing to map */
	for (int i = 0; i < 3; i++) {
		ret = userns_map_write(m->target, userns_map_files[i],
				       m->text[i]);
		if (ret < 0)
			_exit(-ret);
	}
	_exit(0);
}

/*
 * unshare(flags) and write our maps: the caller's uid and gid become 0.
 * With uid1, a root caller also gets uid 1 mapped to
 * USERNS_NPROC_HOST_UID, written by a helper outside
 * (userns_map_writer).  0 or -errno, why set.
 */
static int userns_unshare_mapped(int flags, bool uid1, char *why, size_t size)
{
	static char stack[8192] __attribute__((aligned(16)));
	char uid[64], gid[32];
	struct userns_maps m = { .target = getpid(),
				 .text = { "deny", uid, gid } };
	int go[2] = { -1, -1 }, st, ret = 0;
	bool root = uid1 && getuid() == 0 && geteuid() == 0;
	pid_t writer = -1;

	snprintf(uid, sizeof(uid), "0 %u 1", (unsigned)getuid());
	snprintf(gid, sizeof(gid), "0 %u 1", (unsigned)getgid());
	if (root && pipe2(go, O_CLOEXEC) == 0) {
		snprintf(uid, sizeof(uid), "0 0 1\n1 %u 1\n",
			 (unsigned)USERNS_NPROC_HOST_UID);
		m.go = go[0];
		writer = clone(userns_map_writer, stack + sizeof(stack),
			       CLONE_VM | SIGCHLD, &m);
		close(go[0]);
		if (writer < 0) {
			close(go[1]);
			snprintf(uid, sizeof(uid), "0 0 1");
		}
	}
	if (unshare(flags) < 0) {
		ret = -errno;
		snprintf(why, size,
			 "unshare(CLONE_NEWUSER|CLONE_NEWNET%s): %s — %s",
			 flags & CLONE_NEWPID ? "|CLONE_NEWPID|CLONE_NEWNS"
					      : "",
			 strerror(-ret), userns_hint_unshare(-ret));
	}
	if (writer > 0) {
		if (!ret && write(go[1], "", 1) != 1)
			ret = -errno;
		close(go[1]);
		while (waitpid(writer, &st, 0) < 0 && errno == EINTR)
			;
		if (!ret && (!WIFEXITED(st) || WEXITSTATUS(st))) {
			ret = WIFEXITED(st) ? -WEXITSTATUS(st) : -ECHILD;
			snprintf(why, size, "write the maps of the sandbox: %s",
				 strerror(-ret));
		}
		userns_uid1_mapped = !ret;
		return ret;
	}
	for (int i = 0; !ret && i < 3; i++) {
		ret = userns_map_write(m.target, userns_map_files[i],
				       m.text[i]);
		if (ret < 0)
			snprintf(why, size,
				 "write /proc/self/%s \"%s\": %s — %s",
				 userns_map_files[i], m.text[i], strerror(-ret),
				 userns_hint_map());
	}
	return ret;
}

int userns_enter(int flags, char *why, size_t size)
{
	struct stat before, after;
	int ret;

	if (userns_entered_flag) {
		snprintf(why, size, "userns_enter: already in a sandbox");
		return -EALREADY;
	}
	ret = userns_ns_stat(&before, why, size);
	if (ret < 0)
		return ret;
	/* a job's sandbox (with a PID namespace) maps uid 1 for root */
	ret = userns_unshare_mapped(flags, flags & CLONE_NEWPID, why, size);
	if (ret < 0)
		return ret;
	ret = userns_ns_stat(&after, why, size);
	if (ret < 0)
		return ret;
	if (after.st_ino == before.st_ino && after.st_dev == before.st_dev) {
		snprintf(
			why, size,
			"unshare(CLONE_NEWNET) succeeded but %s is unchanged (inode %lu): refusing to touch this namespace",
			NS_NET, (unsigned long)after.st_ino);
		return -EPERM;
	}
	userns_entered_flag = true;
	return 0;
}

/*
 * uid 0 -> 1 (all of real, effective, saved, fs) keeping the capabilities
 * but CAP_SETUID and CAP_SETGID: SECBIT_NO_SETUID_FIXUP keeps them across
 * the change; inheritable = permitted, for userns_ambient().  0 or
 * -errno.
 */
int userns_drop_root(void)
{
	if (!userns_uid1_mapped)
		return 0;
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3
	};
	struct __user_cap_data_struct d[2];
	const int drop[] = { CAP_SETUID, CAP_SETGID };

	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0,
		  0) < 0 ||
	    setresuid(1, 1, 1) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(drop) / sizeof(*drop); i++)
		if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0) < 0)
			return -errno;
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof(drop) / sizeof(*drop); i++)
			if (drop[i] / 32 == k) {
				d[k].permitted &= ~(1u << (drop[i] % 32));
				d[k].effective &= ~(1u << (drop[i] % 32));
			}
		d[k].inheritable = d[k].permitted;
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

int userns_ambient(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3
	};
	struct __user_cap_data_struct d[2];

	if (!userns_uid1_mapped)
		return 0;
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	for (int c = 0; c < 64; c++)
		if (d[c / 32].inheritable & (1u << (c % 32)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return -errno;
	return 0;
}
