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
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsview.h"
#include "link.h"
#include "lockdown.h"
#include "sandbox.h"
#include "tun.h"

static const char NS_NET[] = "/proc/self/ns/net";
static const char TUN_DEV[] = "/dev/net/tun";
static const char PROBE_DEV[] = "tcprobe0";
static const char KNOB_APPARMOR[] =
	"/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

static bool sandbox_entered;
static unsigned sandbox_gap_bits; /* fsview_gap | lockdown_gap */

/* What the probe child reports through its pipe. */
enum probe_stage { PROBE_ENTER, PROBE_OPEN, PROBE_SETIFF, PROBE_OK };
struct probe_report {
	int stage, err;
	unsigned gaps;
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

/*
 * The host uid a root caller's job runs as (user namespace uid 1): the
 * kernel never applies RLIMIT_NPROC to a process whose real uid is host
 * uid 0 (copy_process() exempts INIT_USER), so --max-procs needs another.
 * The job keeps every capability it had as uid 0 in its namespaces
 * (sandbox_drop_root) but CAP_SETUID and CAP_SETGID, so it cannot go back.
 */
#define SANDBOX_NPROC_HOST_UID 65534 /* "nobody" */

static bool sandbox_uid1_mapped;

/* What the map writer writes, and where it reports. */
struct sandbox_maps {
	pid_t target;
	int go; /* read end: a byte once `target` has unshared, EOF if not */
	const char *text[3];
};

static const char *const sandbox_map_files[] = { "setgroups", "uid_map",
						 "gid_map" };

/* Write /proc/PID/FILE: 0 or -errno. */
static int sandbox_map_write(pid_t pid, const char *file, const char *text)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return sandbox_file_write(path, text);
}

/*
 * The map writer of a root caller: a clone(CLONE_VM) that stays in the
 * host's user namespace, where it has CAP_SETUID, so it may write a
 * two-line uid_map (the process inside may only map itself).  Exit 0,
 * or the errno of the write that failed.
 */
static int sandbox_map_writer(void *arg)
{
	const struct sandbox_maps *m = arg;
	char c;
	int ret;

	if (read(m->go, &c, 1) != 1)
		_exit(0); /* unshare failed: nothing to map */
	for (int i = 0; i < 3; i++) {
		ret = sandbox_map_write(m->target, sandbox_map_files[i],
					m->text[i]);
		if (ret < 0)
			_exit(-ret);
	}
	_exit(0);
}

/*
 * unshare(flags) and write our maps: the caller's uid and gid become 0.
 * With uid1, a root caller also gets uid 1 mapped to
 * SANDBOX_NPROC_HOST_UID, written by a helper outside
 * (sandbox_map_writer).  0 or -errno, why set.
 */
static int sandbox_unshare_mapped(int flags, bool uid1, char *why, size_t size)
{
	static char stack[8192] __attribute__((aligned(16)));
	char uid[64], gid[32];
	struct sandbox_maps m = { .target = getpid(),
				  .text = { "deny", uid, gid } };
	int go[2] = { -1, -1 }, st, ret = 0;
	bool root = uid1 && getuid() == 0 && geteuid() == 0;
	pid_t writer = -1;

	snprintf(uid, sizeof(uid), "0 %u 1", (unsigned)getuid());
	snprintf(gid, sizeof(gid), "0 %u 1", (unsigned)getgid());
	if (root && pipe2(go, O_CLOEXEC) == 0) {
		snprintf(uid, sizeof(uid), "0 0 1\n1 %u 1\n",
			 (unsigned)SANDBOX_NPROC_HOST_UID);
		m.go = go[0];
		writer = clone(sandbox_map_writer, stack + sizeof(stack),
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
			 strerror(-ret), sandbox_hint_unshare(-ret));
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
		sandbox_uid1_mapped = !ret;
		return ret;
	}
	for (int i = 0; !ret && i < 3; i++) {
		ret = sandbox_map_write(m.target, sandbox_map_files[i],
					m.text[i]);
		if (ret < 0)
			snprintf(why, size,
				 "write /proc/self/%s \"%s\": %s — %s",
				 sandbox_map_files[i], m.text[i],
				 strerror(-ret), sandbox_hint_map());
	}
	return ret;
}

/*
 * unshare(flags) (CLONE_NEWUSER among them), map the caller to 0 and prove
 * the network namespace changed before anything may touch it.  0 or -errno.
 */
static int sandbox_userns(int flags, char *why, size_t size)
{
	struct stat before, after;
	int ret;

	if (sandbox_entered) {
		snprintf(why, size, "sandbox_enter: already in a sandbox");
		return -EALREADY;
	}
	ret = sandbox_ns_stat(&before, why, size);
	if (ret < 0)
		return ret;
	/* a job's sandbox (with a PID namespace) maps uid 1 for root */
	ret = sandbox_unshare_mapped(flags, flags & CLONE_NEWPID, why, size);
	if (ret < 0)
		return ret;
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
	return 0;
}

/* Bring lo up in our (verified) network namespace. */
static int sandbox_lo_up(char *why, size_t size)
{
	struct nl *nl = nl_open();
	int ret, lo;

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

int sandbox_enter_net(char *why, size_t size)
{
	int ret = sandbox_userns(CLONE_NEWUSER | CLONE_NEWNET, why, size);

	return ret < 0 ? ret : sandbox_lo_up(why, size);
}

void sandbox_close_fds_except(const int *keep, size_t n)
{
	int lo = 0, next;

	/* the lowest kept fd at or above lo, each round: n is tiny */
	for (;;) {
		next = -1;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= lo && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			break;
		if (next > lo)
			close_range((unsigned)lo, (unsigned)next - 1, 0);
		lo = next + 1;
	}
	close_range((unsigned)lo, ~0U, 0);
}

/* End this process the way a wait status says the job ended. */
static void __attribute__((noreturn)) sandbox_mirror(int status)
{
	struct rlimit none = { 0, 0 };
	sigset_t one;

	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(WTERMSIG(status), SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, WTERMSIG(status));
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	kill(getpid(), WTERMSIG(status));
	_exit(128 + WTERMSIG(status));
}

/*
 * PID 1 of the job's PID namespace, a clone() of the process outside that
 * shares its memory (no page tables to copy) on a stack of its own.  It
 * only reaps: with SIGCHLD ignored the kernel reaps whatever is orphaned
 * to it.  It sleeps until its PR_SET_PDEATHSIG SIGKILL, sent when the
 * process outside ends, and its exit kills every process left in the
 * namespace.  Nothing inside can signal it (SIGNAL_UNKILLABLE: a PID 1
 * ignores signals it has no handler for).  It touches no lock: the
 * thread it shares memory with runs on.
 */
static int sandbox_init(void *arg)
{
	int alive = *(const int *)arg;
	struct pollfd p = { .fd = alive, .events = POLLIN };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sandbox_close_fds_except(&alive, 1);
	/* EOF: the process outside ended before the prctl took hold */
	if (poll(&p, 1, 0) != 0)
		_exit(126);
	close(alive);
	signal(SIGCHLD, SIG_IGN);
	for (;;)
		pause();
}

/*
 * The process outside the namespaces, parent of the job: wait for it and
 * end as it did, so the runner's pidfd and wait status mean what they
 * always did.  Its end kills PID 1 (PR_SET_PDEATHSIG), and with it the
 * namespace; PID 1 is orphaned to the runner (sandbox_reaper), so the
 * namespaces are torn down while the runner goes on (sandbox_reap_init).
 * Since PID 1 still holds the mount namespace when this process exits,
 * that teardown is PID 1's too.
 */
static void __attribute__((noreturn)) sandbox_outer(pid_t job, int alive)
{
	int status = 0;

	sandbox_close_fds_except(&alive, 1);
	while (waitpid(job, &status, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	sandbox_mirror(status);
}

/*
 * After fork(): die with the parent (PR_SET_PDEATHSIG), and if it is
 * already gone, now.  `alive` is a pipe whose write end only the parent
 * holds: at EOF (readable) the parent has exited.
 */
static void sandbox_tie_to_parent(int alive)
{
	struct pollfd p = { .fd = alive, .events = POLLIN };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&p, 1, 0) != 0)
		_exit(126);
	close(alive);
}

int sandbox_enter(pid_t parent, char *why, size_t size)
{
	static char init_stack[16384] __attribute__((aligned(16)));
	int alive[2], ret;
	unsigned fsgaps = 0;
	pid_t init, job;

	/* no controlling terminal; a group the runner can kill at once */
	setsid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (parent && getppid() != parent)
		_exit(126);
	ret = sandbox_userns(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS |
				     CLONE_NEWPID,
			     why, size);
	if (ret < 0)
		return ret;
	if (pipe2(alive, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(why, size, "pipe2: %s", strerror(-ret));
		return ret;
	}
	/* the first child in the new PID namespace is its PID 1 */
	init = clone(sandbox_init, init_stack + sizeof(init_stack),
		     CLONE_VM | SIGCHLD, &alive[0]);
	if (init < 0) {
		ret = -errno;
		snprintf(why, size, "clone PID 1 of the sandbox: %s",
			 strerror(-ret));
		return ret;
	}
	job = fork();
	if (job < 0) {
		ret = -errno;
		kill(init, SIGKILL);
		snprintf(why, size, "fork the job into the sandbox: %s",
			 strerror(-ret));
		return ret;
	}
	if (job > 0)
		sandbox_outer(job, alive[1]);
	/* the job, PID 2 */
	close(alive[1]);
	sandbox_tie_to_parent(alive[0]);
	ret = fsview_build(&fsgaps, why, size);
	sandbox_gap_bits |= fsgaps;
	if (ret < 0)
		return ret;
	return sandbox_lo_up(why, size);
}

int sandbox_reaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0;
}

int sandbox_reap_init(pid_t outer, bool block)
{
	pid_t w;

	/* PID 1 never leaves the session (and group) `outer` made */
	do
		w = waitpid(-outer, NULL, block ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	return w > 0 ? 1 : w < 0 ? -errno : 0;
}

/*
 * uid 0 -> 1 (all of real, effective, saved, fs) keeping the capabilities
 * but CAP_SETUID and CAP_SETGID: SECBIT_NO_SETUID_FIXUP keeps them across
 * the change, the ambient set across execve() (an exec backend has them
 * as it had as uid 0).  0 or -errno.
 */
static int sandbox_drop_root(void)
{
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
	for (int c = 0; c < 64; c++)
		if (d[c / 32].permitted & (1u << (c % 32)))
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
	return 0;
}

int sandbox_lock(const struct lockdown_limits *l, char *why, size_t size)
{
	unsigned gaps = 0;
	int ret;

	/* a root caller's job: a uid the process count applies to */
	if (sandbox_uid1_mapped) {
		ret = sandbox_drop_root();
		if (ret < 0) {
			snprintf(why, size,
				 "become uid 1 with capabilities: %s",
				 strerror(-ret));
			return ret;
		}
	}
	ret = lockdown_apply(l, &gaps, why, size);

	sandbox_gap_bits |= gaps;
	return ret;
}

int sandbox_expose(const char *path)
{
	return fsview_expose(path);
}

unsigned sandbox_gaps(void)
{
	return sandbox_gap_bits;
}

const char *sandbox_gaps_describe(unsigned gaps, char *buf, size_t size)
{
	static const struct {
		unsigned bit;
		const char *what;
	} t[] = {
		{ FSVIEW_GAP_RDONLY, "read-only host mounts (mount_setattr: "
				     "Linux 5.12; a remount was refused)" },
		{ FSVIEW_GAP_PROC, "a fresh /proc (the kernel refused a new "
				   "proc mount: a masked /proc?)" },
		{ LOCKDOWN_GAP_LANDLOCK,
		  "Landlock (Linux 5.13 with "
		  "CONFIG_SECURITY_LANDLOCK, lsm=landlock)" },
		{ LOCKDOWN_GAP_LANDLOCK_SCOPE,
		  "Landlock signal and abstract-socket scoping (ABI 6: Linux "
		  "6.12)" },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]) && off < size; i++) {
		if (!(gaps & t[i].bit))
			continue;
		/* without Landlock, its scoping need not be named apart */
		if (t[i].bit == LOCKDOWN_GAP_LANDLOCK_SCOPE &&
		    (gaps & LOCKDOWN_GAP_LANDLOCK))
			continue;
		off += (size_t)snprintf(buf + off, size - off, "%s%s",
					off ? "; " : "", t[i].what);
	}
	return buf;
}

/* In the probe child: enter, open a queue, create a device; report. */
static void sandbox_probe_child(pid_t parent, int out)
{
	static struct probe_report r;
	const struct tun_opts o = { 0 };
	struct lockdown_limits l;
	int fd;

	r.stage = PROBE_ENTER;
	r.err = -sandbox_enter(parent, r.why, sizeof(r.why));
	if (!r.err) {
		lockdown_limits_default(&l);
		r.err = -sandbox_lock(&l, r.why, sizeof(r.why));
	}
	r.gaps = sandbox_gaps();
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
int sandbox_probe(char *why, size_t size, unsigned *gaps)
{
	pid_t self = getpid();
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
		sandbox_probe_child(self, p[1]);
	}
	close(p[1]);
	p[1] = -1;
	do
		n = read(p[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sandbox_reap_init(pid, true);
	if (n == sizeof(r)) {
		r.why[sizeof(r.why) - 1] = '\0';
		*gaps = r.gaps;
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
