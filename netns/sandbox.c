// SPDX-License-Identifier: MIT
/*
 * The sandbox: unshare a user and a network namespace, map the caller to 0,
 * prove the network namespace changed before anything may touch it, and
 * say precisely why when the host does not allow it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <linux/landlock.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include "link.h"
#include "sandbox.h"
#include "tun.h"

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE /* Landlock ABI 3; older headers */
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

static const char NS_NET[] = "/proc/self/ns/net";
static const char TUN_DEV[] = "/dev/net/tun";
static const char PROBE_DEV[] = "tcprobe0";
static const char KNOB_APPARMOR[] =
	"/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

static bool sandbox_entered;

/* What the probe child reports through its pipe. */
enum probe_stage { PROBE_ENTER, PROBE_OPEN, PROBE_SETIFF, PROBE_OK };
struct probe_report {
	int stage, err;
	char why[480];
};

/* True once sandbox_enter() has seen a network namespace of our own. */
bool sandbox_is_entered(void)
{
	return sandbox_entered;
}

/* Write all of text to an existing file: 0 or -errno. */
static int sandbox_file_write(const char *path, const char *text)
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
static long sandbox_knob_read(const char *path)
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
static const char *sandbox_hint_unshare(int err)
{
	if (err == EINVAL)
		return "the process has several threads; unshare a user namespace before starting any";
	if (err == EUSERS)
		return "user namespaces are nested 32 deep already";
	if (sandbox_knob_read("/proc/sys/user/max_user_namespaces") == 0)
		return "user.max_user_namespaces is 0 here: set it > 0 (sysctl user.max_user_namespaces=15000)";
	if (err == ENOSPC)
		return "a namespace count limit is reached: check `sysctl user.max_user_namespaces user.max_net_namespaces`";
	if (sandbox_knob_read("/proc/sys/kernel/unprivileged_userns_clone") ==
	    0)
		return "kernel.unprivileged_userns_clone is 0 here: set it to 1";
	if (getuid() != 0 && sandbox_knob_read(KNOB_APPARMOR) == 1)
		return "kernel.apparmor_restrict_unprivileged_userns is 1 here: AppArmor denies capabilities in new user namespaces; set it to 0 or give tuncheck an AppArmor profile allowing `userns,`";
	return "user namespaces are disabled or limited: check `sysctl user.max_user_namespaces` (must be > 0), kernel.unprivileged_userns_clone, or a container seccomp profile denying unshare";
}

/* The fix for a refused write to our own uid_map/gid_map/setgroups. */
static const char *sandbox_hint_map(void)
{
	if (sandbox_knob_read(KNOB_APPARMOR) == 1)
		return "kernel.apparmor_restrict_unprivileged_userns is 1 here: AppArmor leaves the new user namespace without capabilities; set it to 0 or give tuncheck an AppArmor profile allowing `userns,`";
	return "the new user namespace has no capabilities (an LSM policy? kernel.apparmor_restrict_unprivileged_userns is not 1 here)";
}

/* Device and inode of our network namespace. */
static int sandbox_ns_stat(struct stat *st, char *why, size_t size)
{
	if (stat(NS_NET, st) == 0)
		return 0;
	snprintf(why, size, "stat(%s): %s — is /proc mounted?", NS_NET,
		 strerror(errno));
	return -errno;
}

/* Enter a fresh user+net namespace, caller mapped to 0, lo up. */
int sandbox_enter(char *why, size_t size)
{
	static const char *const files[] = { "/proc/self/setgroups",
					     "/proc/self/uid_map",
					     "/proc/self/gid_map" };
	char text[3][48];
	struct stat before, after;
	struct nl *nl;
	int ret, lo;

	if (sandbox_entered) {
		snprintf(why, size, "sandbox_enter: already in a sandbox");
		return -EALREADY;
	}
	ret = sandbox_ns_stat(&before, why, size);
	if (ret < 0)
		return ret;
	snprintf(text[0], sizeof(text[0]), "deny");
	snprintf(text[1], sizeof(text[1]), "0 %u 1", (unsigned)getuid());
	snprintf(text[2], sizeof(text[2]), "0 %u 1", (unsigned)getgid());
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		ret = -errno;
		snprintf(why, size,
			 "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s — %s",
			 strerror(-ret), sandbox_hint_unshare(-ret));
		return ret;
	}
	for (int i = 0; i < 3; i++) {
		ret = sandbox_file_write(files[i], text[i]);
		if (ret < 0) {
			snprintf(why, size, "write %s \"%s\": %s — %s",
				 files[i], text[i], strerror(-ret),
				 sandbox_hint_map());
			return ret;
		}
	}
	ret = sandbox_ns_stat(&after, why, size);
	if (ret < 0)
		return ret;
	if (after.st_ino == before.st_ino && after.st_dev == before.st_dev) {
		snprintf(
			why, size,
			"unshare(CLONE_NEWNET) succeeded but %s is unchanged (inode %lu): refusing to touch this namespace",
			NS_NET, (unsigned long)after.st_ino);
		return -EPERM;
	}
	sandbox_entered = true;
	nl = nl_open();
	if (!nl) {
		ret = -errno;
		snprintf(why, size, "netlink socket in the sandbox: %s",
			 strerror(-ret));
		return ret;
	}
	lo = link_index(nl, "lo");
	ret = lo < 0 ? lo : link_set_up(nl, lo, true);
	if (ret < 0)
		snprintf(why, size, "bring up lo: %s", nl_error(nl));
	nl_close(nl);
	return ret;
}

/* Make setns() fail with EPERM for this process and its children. */
/* One Landlock path rule: allow `access` beneath (or on) path. */
static int sandbox_landlock_allow(int ruleset, const char *path, __u64 access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access };
	int ret = 0;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return -errno;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		    &pb, 0) < 0)
		ret = -errno;
	close(pb.parent_fd);
	return ret;
}

/*
 * Landlock: no file anywhere may be written, created or removed, except
 * the namespace's own net sysctls and /dev/net/tun.  A job whose caller is
 * root is still uid 0 to the host's file permissions (the user namespace
 * maps 0 to 0; only capabilities are lost), so this is what keeps a root
 * run from changing host files.  Kernels without Landlock: 0, no-op.
 */
static int sandbox_landlock(char *why, size_t size)
{
	struct landlock_ruleset_attr ra = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE |
				     LANDLOCK_ACCESS_FS_REMOVE_DIR |
				     LANDLOCK_ACCESS_FS_REMOVE_FILE |
				     LANDLOCK_ACCESS_FS_MAKE_CHAR |
				     LANDLOCK_ACCESS_FS_MAKE_DIR |
				     LANDLOCK_ACCESS_FS_MAKE_REG |
				     LANDLOCK_ACCESS_FS_MAKE_SOCK |
				     LANDLOCK_ACCESS_FS_MAKE_FIFO |
				     LANDLOCK_ACCESS_FS_MAKE_BLOCK |
				     LANDLOCK_ACCESS_FS_MAKE_SYM,
	};
	int abi, rs, ret;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 0;
	if (abi >= 2)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	rs = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (rs < 0) {
		snprintf(why, size, "landlock_create_ruleset: %s",
			 strerror(errno));
		return -errno;
	}
	ret = sandbox_landlock_allow(
		rs, "/proc/sys/net",
		LANDLOCK_ACCESS_FS_WRITE_FILE |
			(abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0));
	if (!ret)
		ret = sandbox_landlock_allow(rs, "/dev/net/tun",
					     LANDLOCK_ACCESS_FS_WRITE_FILE);
	if (!ret && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		ret = -errno;
	if (!ret && syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		ret = -errno;
	if (ret)
		snprintf(why, size, "landlock: %s", strerror(-ret));
	close(rs);
	return ret;
}

int sandbox_lock(char *why, size_t size)
{
	scmp_filter_ctx ctx;
	const char *call;
	int ret;

	ret = sandbox_landlock(why, size);
	if (ret < 0)
		return ret;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(why, size, "seccomp_init: out of memory");
		return -ENOMEM;
	}
	call = "seccomp_attr_set(SCMP_FLTATR_API_SYSRAWRC)";
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (ret < 0)
		goto release;
	call = "seccomp_rule_add(setns)";
	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
	if (ret < 0)
		goto release;
	call = "seccomp_load";
	ret = seccomp_load(ctx);
release:
	if (ret < 0)
		snprintf(why, size, "%s: %s%s", call, strerror(-ret),
			 ret == -EINVAL
				 ? " — kernel without CONFIG_SECCOMP_FILTER?"
				 : "");
	seccomp_release(ctx);
	return ret;
}

/* In the probe child: enter, open a queue, create a device; report. */
static void sandbox_probe_child(int out)
{
	static struct probe_report r;
	const struct tun_opts o = { 0 };
	int fd;

	r.stage = PROBE_ENTER;
	r.err = -sandbox_enter(r.why, sizeof(r.why));
	if (r.err)
		goto report;
	r.stage = PROBE_OPEN;
	fd = tun_queue_open();
	if (fd < 0) {
		r.err = -fd;
		goto report;
	}
	r.stage = PROBE_SETIFF;
	r.err = -tun_queue_setiff(fd, PROBE_DEV, &o);
	/* persistent, exit() does not wait for unregister_netdevice */
	if (!r.err)
		r.err = -tun_queue_persist(fd, true);
	if (!r.err)
		r.stage = PROBE_OK;
report:
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(0);
}

/* A user:group name for messages, numeric if unknown. */
static void sandbox_owner_name(const struct stat *st, char *buf, size_t size)
{
	const struct passwd *pw = getpwuid(st->st_uid);
	const struct group *gr = getgrgid(st->st_gid);
	char u[32], g[32];

	snprintf(u, sizeof(u), "%u", (unsigned)st->st_uid);
	snprintf(g, sizeof(g), "%u", (unsigned)st->st_gid);
	snprintf(buf, size, "%s:%s", pw ? pw->pw_name : u,
		 gr ? gr->gr_name : g);
}

/* Turn the child's report into one line with the cause and the fix. */
static int sandbox_probe_explain(const struct probe_report *r,
				 const struct stat *st, char *why, size_t size)
{
	char owner[80];

	switch (r->stage) {
	case PROBE_OK:
		return 0;
	case PROBE_ENTER:
		snprintf(why, size, "%s", r->why);
		break;
	case PROBE_OPEN:
		sandbox_owner_name(st, owner, sizeof(owner));
		if (r->err == EACCES)
			snprintf(
				why, size,
				"%s is mode %04o owner %s, not accessible to uid %u: make it 0666 (udev does on most distributions: chmod 0666 %s)",
				TUN_DEV, (unsigned)(st->st_mode & 07777), owner,
				(unsigned)getuid(), TUN_DEV);
		else if (r->err == EPERM)
			snprintf(
				why, size,
				"open(%s): %s — a device cgroup or container policy denies it (docker/podman: --device %s)",
				TUN_DEV, strerror(r->err), TUN_DEV);
		else
			snprintf(
				why, size,
				"open(%s): %s — is the tun module loaded? (modprobe tun)",
				TUN_DEV, strerror(r->err));
		break;
	default:
		snprintf(
			why, size, "TUNSETIFF %s in a new namespace: %s%s",
			PROBE_DEV, strerror(r->err),
			r->err == EPERM
				? " — CAP_NET_ADMIN in the new namespace was denied (an LSM policy?)"
			: r->err == ENOTTY || r->err == EBADFD
				? " — /dev/net/tun is not the tun device (char 10:200)"
				: "");
		break;
	}
	return r->err ? -r->err : -EIO;
}

/* From the host: can a child enter a sandbox and create a TUN there? */
int sandbox_probe(char *why, size_t size)
{
	struct probe_report r;
	struct stat st;
	int p[2], status, ret;
	ssize_t n;
	pid_t pid;

	if (stat(TUN_DEV, &st) < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			snprintf(
				why, size,
				"%s is missing: load the tun module (modprobe tun) or create it (mknod %s c 10 200)",
				TUN_DEV, TUN_DEV);
		else
			snprintf(why, size, "stat(%s): %s", TUN_DEV,
				 strerror(-ret));
		return ret;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(
			why, size,
			"%s is not a character device: recreate it (mknod %s c 10 200)",
			TUN_DEV, TUN_DEV);
		return -ENODEV;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(why, size, "pipe2: %s", strerror(-ret));
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		snprintf(why, size, "fork: %s", strerror(-ret));
		goto close_pipe;
	}
	if (pid == 0) {
		close(p[0]);
		sandbox_probe_child(p[1]);
	}
	close(p[1]);
	p[1] = -1;
	do
		n = read(p[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == sizeof(r)) {
		r.why[sizeof(r.why) - 1] = '\0';
		ret = sandbox_probe_explain(&r, &st, why, size);
	} else if (WIFSIGNALED(status)) {
		ret = -ECHILD;
		snprintf(
			why, size,
			"the sandbox probe child was killed by signal %d (%s) — a seccomp profile killing unshare?",
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else {
		ret = -ECHILD;
		snprintf(
			why, size,
			"the sandbox probe child exited with status %d without a report",
			WEXITSTATUS(status));
	}
close_pipe:
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return ret;
}
