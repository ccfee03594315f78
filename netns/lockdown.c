// SPDX-License-Identifier: MIT
/*
 * The lockdown layers of a job (see lockdown.h).  Each one is applied
 * where the kernel has it; a missing one is a gap the run reports once,
 * never a reason not to run.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>

#include "lockdown.h"

#ifndef LANDLOCK_ACCESS_FS_REFER /* Landlock ABI 2; older headers */
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE /* ABI 3 */
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#define LOCKDOWN_SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 (Linux 6.12) */
#define LOCKDOWN_SCOPE_SIGNAL	     (1ULL << 1)

#define LOCKDOWN_MIB (1024ull * 1024)

/* struct landlock_ruleset_attr as of ABI 6; older kernels take a prefix. */
struct lockdown_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

/* Where a job may write, and what it may do there. */
struct lockdown_writable {
	const char *path;
	bool all; /* everything handled (a private tmpfs), else write only */
};

static const struct lockdown_writable lockdown_writable[] = {
	{ "/proc/sys/net", false }, /* the case's sysctls, its own netns */
	{ "/dev/net/tun", false },  { "/dev/null", false }, { "/tmp", true },
	{ "/run", true },	    { "/dev/shm", true },
};

/*
 * What a backend never needs.  Each is refused with EPERM (the caller sees
 * an ordinary error, not a kill).  Resolved by name, so a libseccomp that
 * does not know a new call simply skips it.
 */
static const char *const lockdown_denied[] = {
	/* the sandbox itself: namespaces and mounts */
	"setns", "unshare", "mount", "umount2", "pivot_root", "chroot",
	"move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "fspick",
	"mount_setattr",
	/* other processes, even inside the job */
	"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
	"kcmp",
	/* the kernel and the machine */
	"init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "bpf", "perf_event_open", "reboot", "swapon",
	"swapoff", "acct", "quotactl", "syslog", "iopl", "ioperm",
	"userfaultfd", "open_by_handle_at",
	/* the kernel keyrings are shared with the caller's session */
	"keyctl", "add_key", "request_key"
};

void lockdown_limits_default(struct lockdown_limits *l)
{
	*l = (struct lockdown_limits){
		.memory = 4096 * LOCKDOWN_MIB,
		.file_size = 64 * LOCKDOWN_MIB,
		.procs = 128,
		.files = 1024,
	};
#if defined(__SANITIZE_ADDRESS__)
	l->memory = 0; /* AddressSanitizer reserves terabytes of shadow */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	l->memory = 0;
#endif
#endif
}

/* One rlimit, soft = hard; 0 leaves it.  0 or -errno. */
static int lockdown_rlimit(int resource, uint64_t value)
{
	struct rlimit r = { .rlim_cur = value, .rlim_max = value };

	if (!value)
		return 0;
	return setrlimit(resource, &r) < 0 ? -errno : 0;
}

static int lockdown_limits(const struct lockdown_limits *l, char *why,
			   size_t size)
{
	const struct {
		int res;
		uint64_t v;
		const char *name;
	} t[] = {
		{ RLIMIT_AS, l->memory, "RLIMIT_AS" },
		{ RLIMIT_FSIZE, l->file_size, "RLIMIT_FSIZE" },
		{ RLIMIT_NPROC, l->procs, "RLIMIT_NPROC" },
		{ RLIMIT_NOFILE, l->files, "RLIMIT_NOFILE" },
		{ RLIMIT_CORE, 0, "RLIMIT_CORE" },
	};
	struct rlimit none = { 0, 0 };
	int ret;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ret = lockdown_rlimit(t[i].res, t[i].v);
		if (ret < 0) {
			snprintf(why, size, "setrlimit(%s, %llu): %s",
				 t[i].name, (unsigned long long)t[i].v,
				 strerror(-ret));
			return ret;
		}
	}
	setrlimit(RLIMIT_CORE, &none);
	/* past RLIMIT_FSIZE a write fails with EFBIG instead of killing */
	signal(SIGXFSZ, SIG_IGN);
	return 0;
}

/* The running kernel's Landlock ABI version, 0 without Landlock. */
static int lockdown_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

/* A ruleset for ABI abi: fs writes handled, scopes where known; fd. */
static int lockdown_ruleset(int abi, uint64_t *handled)
{
	struct lockdown_ruleset_attr ra = {
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
	size_t size = sizeof(ra.handled_access_fs);

	if (abi >= 2)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4)
		size = offsetof(struct lockdown_ruleset_attr, scoped);
	if (abi >= 6) {
		ra.scoped = LOCKDOWN_SCOPE_ABSTRACT_UNIX |
			    LOCKDOWN_SCOPE_SIGNAL;
		size = sizeof(ra);
	}
	*handled = ra.handled_access_fs;
	return (int)syscall(SYS_landlock_create_ruleset, &ra, size, 0);
}

/* Allow `access` beneath path (skipped when path does not exist). */
static int lockdown_landlock_allow(int ruleset, const char *path,
				   uint64_t access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access };
	int ret = 0;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		    &pb, 0) < 0)
		ret = -errno;
	close(pb.parent_fd);
	return ret;
}

/*
 * Enter a new Landlock domain (nested in the current one, if any): no
 * file may be written, created or removed except in lockdown_writable;
 * with ABI 6, no signal and no abstract unix socket reaches outside it.
 * Only system calls, so a forked child may call it.  0 or -errno.
 */
static int lockdown_landlock_domain(int abi)
{
	uint64_t handled, write;
	int rs, ret = 0;

	rs = lockdown_ruleset(abi, &handled);
	if (rs < 0)
		return -errno;
	write = LANDLOCK_ACCESS_FS_WRITE_FILE |
		(handled & LANDLOCK_ACCESS_FS_TRUNCATE);
	for (size_t i = 0;
	     !ret && i < sizeof(lockdown_writable) / sizeof(*lockdown_writable);
	     i++)
		ret = lockdown_landlock_allow(rs, lockdown_writable[i].path,
					      lockdown_writable[i].all ? handled
								       : write);
	if (!ret && syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		ret = -errno;
	close(rs);
	return ret;
}

/*
 * A root caller is still uid 0 to host file permissions (the user
 * namespace maps 0 to 0; only capabilities are lost): with the read-only
 * mounts, this is what keeps a root run from changing host files.
 */
static int lockdown_landlock(unsigned *gaps, char *why, size_t size)
{
	int abi = lockdown_landlock_abi(), ret;

	if (abi < 1) {
		*gaps |= LOCKDOWN_GAP_LANDLOCK | LOCKDOWN_GAP_LANDLOCK_SCOPE;
		return 0;
	}
	if (abi < 6)
		*gaps |= LOCKDOWN_GAP_LANDLOCK_SCOPE;
	ret = lockdown_landlock_domain(abi);
	if (ret < 0)
		snprintf(why, size, "landlock: %s", strerror(-ret));
	return ret;
}

/* Refuse name with EPERM; a name this libseccomp does not know is skipped. */
static int lockdown_deny(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
}

/*
 * The filter's argument rules: TIOCSTI and TIOCLINUX (terminal input
 * injection; the kernel reads cmd as 32 bits, so compare 32 bits), and
 * clone() asking for new namespaces.  clone3() passes its flags in memory
 * that seccomp cannot read: ENOSYS makes glibc fall back to clone().
 */
static int lockdown_seccomp_args(scmp_filter_ctx ctx)
{
	static const unsigned long ns_flags[] = {
		CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET,
		CLONE_NEWUTS, CLONE_NEWIPC,  CLONE_NEWCGROUP,
	};
	int ret;

	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
				       TIOCSTI));
	if (!ret)
		ret = seccomp_rule_add(
			ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	for (size_t i = 0; !ret && i < sizeof(ns_flags) / sizeof(*ns_flags);
	     i++)
		ret = seccomp_rule_add(
			ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
			SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
	if (!ret && seccomp_syscall_resolve_name("clone3") != __NR_SCMP_ERROR)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       seccomp_syscall_resolve_name("clone3"),
				       0);
	return ret;
}

/* The filter's context, every rule added; NULL with why set. */
static scmp_filter_ctx lockdown_seccomp_ctx(char *why, size_t size)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx) {
		snprintf(why, size, "seccomp_init: out of memory");
		return NULL;
	}
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 5)
	/*
	 * A binary tree of the denied calls, not a list: the kernel runs a
	 * new filter against every syscall number (its action cache) and
	 * compiles it, and with a tree that costs each job about half (85
	 * -> 48 us here).  libseccomp before 2.5 has no tree: a list then.
	 */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
#endif
	for (size_t i = 0;
	     !ret && i < sizeof(lockdown_denied) / sizeof(*lockdown_denied);
	     i++)
		ret = lockdown_deny(ctx, lockdown_denied[i]);
	if (!ret)
		ret = lockdown_seccomp_args(ctx);
	if (!ret)
		return ctx;
	snprintf(why, size, "seccomp_rule_add: %s", strerror(-ret));
	seccomp_release(ctx);
	return NULL;
}

/* The filter compiled once by lockdown_prepare(), inherited by jobs. */
static struct sock_filter *lockdown_bpf;
static unsigned short lockdown_bpf_len;

int lockdown_bpf_export(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	struct stat st;
	int fd, ret = 0;

	prog->filter = NULL;
	prog->len = 0;
	fd = memfd_create("tuncheck-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = seccomp_export_bpf(ctx, fd);
	if (!ret && fstat(fd, &st) < 0)
		ret = -errno;
	if (!ret &&
	    (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	     st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS))
		ret = -E2BIG;
	if (!ret && !(prog->filter = malloc((size_t)st.st_size)))
		ret = -ENOMEM;
	if (!ret &&
	    pread(fd, prog->filter, (size_t)st.st_size, 0) != st.st_size)
		ret = -EIO;
	if (!ret)
		prog->len = (unsigned short)(st.st_size /
					     sizeof(struct sock_filter));
	if (ret < 0) {
		free(prog->filter);
		prog->filter = NULL;
	}
	close(fd);
	return ret;
}

int lockdown_prepare(char *why, size_t size)
{
	scmp_filter_ctx ctx = lockdown_seccomp_ctx(why, size);
	struct sock_fprog prog;
	int ret;

	if (!ctx)
		return -EINVAL;
	ret = lockdown_bpf_export(ctx, &prog);
	lockdown_bpf = prog.filter;
	lockdown_bpf_len = prog.len;
	if (ret < 0)
		snprintf(why, size, "seccomp_export_bpf: %s", strerror(-ret));
	seccomp_release(ctx);
	return ret;
}

/* Load the filter: the prepared program, else compiled here. */
static int lockdown_seccomp(char *why, size_t size)
{
	struct sock_fprog prog = { .len = lockdown_bpf_len,
				   .filter = lockdown_bpf };
	scmp_filter_ctx ctx;
	int ret;

	if (lockdown_bpf) {
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0)
			return 0;
		ret = -errno;
		snprintf(why, size, "prctl(PR_SET_SECCOMP): %s%s",
			 strerror(-ret),
			 ret == -EINVAL
				 ? " — kernel without CONFIG_SECCOMP_FILTER?"
				 : "");
		return ret;
	}
	ctx = lockdown_seccomp_ctx(why, size);
	if (!ctx)
		return -EINVAL;
	ret = seccomp_load(ctx);
	if (ret < 0)
		snprintf(why, size, "seccomp_load: %s%s", strerror(-ret),
			 ret == -EINVAL
				 ? " — kernel without CONFIG_SECCOMP_FILTER?"
				 : "");
	seccomp_release(ctx);
	return ret;
}

int lockdown_apply(const struct lockdown_limits *l, unsigned *gaps, char *why,
		   size_t size)
{
	int ret;

	ret = lockdown_limits(l, why, size);
	if (ret < 0)
		return ret;
	/* no core file, no /proc/PID/fd for other processes of the user */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		ret = -errno;
		snprintf(why, size, "prctl: %s", strerror(-ret));
		return ret;
	}
	ret = lockdown_landlock(gaps, why, size);
	if (ret < 0)
		return ret;
	return lockdown_seccomp(why, size);
}

int lockdown_nest(void)
{
	int abi = lockdown_landlock_abi();

	return abi < 1 ? -EOPNOTSUPP : lockdown_landlock_domain(abi);
}
