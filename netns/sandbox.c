// SPDX-License-Identifier: MIT
/*
 * A job's sandbox (see sandbox.h): its processes, its namespaces
 * (userns.c), file system view (fsview.c) and lockdown (lockdown.c), and
 * the reaping of what outlives a job.
 *
 * sandbox_spawn() is fork() into new namespaces, copying the caller's
 * memory once: a vfork() child (the caller stopped, its memory shared)
 * makes a session, unshares the namespaces, clones PID 1 (a child of the
 * caller that shares that memory too), forks the job, and exits.  The job
 * is orphaned to the caller, its subreaper, which waits for it as for any
 * child.  A process outside that waited for the job and then ended the
 * same way would cost a second copy and a second exit: about a fifth of
 * a job's time on a small machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#if __has_include(<sys/rseq.h>) /* glibc 2.35, which registers rseq */
#include <sys/rseq.h>
#endif
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsview.h"
#include "lockdown.h"
#include "sandbox.h"
#include "userns.h"

static unsigned sandbox_gap_bits; /* fsview_gap | lockdown_gap */

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

/*
 * System calls for PID 1, which shares the caller's memory, thread-local
 * errno included: glibc's wrappers (syscall() too) write errno on a
 * failure, and that errno is the caller's.  Nothing else is hand-rolled.
 */
#if defined(__x86_64__)
static inline long sandbox_sys(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static inline long sandbox_sys(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory");
	return x0;
}
#else
/* elsewhere syscall(): a failure's errno may land in the caller's */
#define sandbox_sys(n, a, b, c, d) syscall(n, a, b, c, d)
#endif

#define SANDBOX_INIT_STACK 16384

/* struct sigaction as the kernel takes it (no restorer: SIG_IGN only) */
struct sandbox_ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/*
 * A pipe whose write end the caller keeps (jobs and PID 1s close theirs;
 * the caller's other children hold it until they exec or exit): at EOF
 * the caller is gone.  Made once.
 */
static int sandbox_alive[2] = { -1, -1 };

/*
 * PID 1 of the job's PID namespace: a clone(CLONE_VM | CLONE_PARENT) made
 * by the vfork() child, so a child of the caller that shares the caller's
 * memory (no page tables to copy) on a stack of its own, making only raw
 * system calls (sandbox_sys).  It only reaps: with SIGCHLD ignored the
 * kernel reaps whatever is orphaned to it.  It ends at SIGKILL: from the
 * caller (sandbox_kill), as its parent-death signal, or by itself once
 * the caller is gone (EOF on sandbox_alive, for a caller that died before
 * the prctl took hold); its exit kills every process left in the
 * namespace.  Every signal stays blocked, the caller's handlers are
 * dropped (they would run in the caller's memory), and nothing inside
 * can signal it (a PID 1 ignores what it has no handler for).
 */
__attribute__((no_sanitize_address)) /* on a stack ASan does not know */
static int
sandbox_init(void *arg)
{
	const long alive = (long)(intptr_t)arg;
	struct pollfd p = { .fd = (int)alive, .events = POLLIN };
	const struct sandbox_ksigaction ign = { .handler = SIG_IGN };

	sandbox_sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	if (alive > 0)
		sandbox_sys(SYS_close_range, 0, alive - 1, 0, 0);
	sandbox_sys(SYS_close_range, alive + 1, ~0U, 0, 0);
	sandbox_sys(SYS_rt_sigaction, SIGCHLD, (long)&ign, 0, 8);
	sandbox_sys(SYS_rt_sigaction, SIGINT, (long)&ign, 0, 8);
	sandbox_sys(SYS_rt_sigaction, SIGTERM, (long)&ign, 0, 8);
	sandbox_sys(SYS_rt_sigaction, SIGHUP, (long)&ign, 0, 8);
	while (sandbox_sys(SYS_ppoll, (long)&p, 1, 0, 0) <= 0)
		;
	sandbox_sys(SYS_exit_group, 0, 0, 0, 0);
	return 0;
}

/* What the vfork() child leaves in the memory it shares with the caller. */
struct sandbox_spawned {
	pid_t job, init;
	int err; /* errno, with why set */
};

/*
 * The vfork() child: the caller stopped, its memory (stack included)
 * shared.  Make a session, enter the namespaces, clone PID 1 and fork
 * the job.  Returns only in the job; the child itself exits, and the
 * caller goes on.
 */
static __attribute__((noinline)) void
sandbox_child(volatile struct sandbox_spawned *s, void *stack, char *why,
	      size_t size)
{
	pid_t job;
	int ret;

	/* no controlling terminal; a group the caller can kill at once */
	setsid();
	ret = userns_enter(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS |
				   CLONE_NEWPID,
			   why, size);
	if (ret < 0) {
		s->err = -ret;
		goto out;
	}
	/* the first child in the new PID namespace is its PID 1 */
	s->init = clone(sandbox_init, (char *)stack + SANDBOX_INIT_STACK,
			CLONE_VM | CLONE_PARENT | SIGCHLD,
			(void *)(intptr_t)sandbox_alive[0]);
	if (s->init < 0) {
		s->err = errno;
		snprintf(why, size, "clone PID 1 of the sandbox: %s",
			 strerror(s->err));
		goto out;
	}
	/* the one copy of the caller's memory */
	job = fork();
	if (job == 0)
		return;
	if (job < 0) {
		s->err = errno;
		snprintf(why, size, "fork the job into the sandbox: %s",
			 strerror(s->err));
		goto out;
	}
	s->job = job;
out:
	userns_forget();
	_exit(0);
}

/*
 * Once per process: become a subreaper (the job is orphaned to us when
 * the vfork() child exits) and make sandbox_alive.  0 or -errno.
 */
static int sandbox_once(char *why, size_t size)
{
	int ret = 0;

	if (sandbox_alive[0] >= 0)
		return 0;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ||
	    pipe2(sandbox_alive, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(why, size, "prepare to spawn sandboxes: %s",
			 strerror(-ret));
		sandbox_alive[0] = sandbox_alive[1] = -1;
	}
	return ret;
}

/*
 * The vfork() child failed: end what it started, reap it too (unreaped,
 * it kept its group's number from being reused); -err with why set.
 */
static int sandbox_undo(pid_t group, const siginfo_t *si, int err, char *why,
			size_t size)
{
	if (!err) {
		err = ECHILD;
		if (si->si_code != CLD_EXITED)
			snprintf(why, size,
				 "the process entering the sandbox was killed "
				 "by SIG%s (a seccomp profile refusing "
				 "unshare?)",
				 sigabbrev_np(si->si_status)
					 ? sigabbrev_np(si->si_status)
					 : "?");
		else
			snprintf(why, size,
				 "the process entering the sandbox exited "
				 "with status %d",
				 si->si_status);
	}
	/* PID 1 and a job it may have left: in its group, our children */
	kill(-group, SIGKILL);
	while (waitpid(-group, NULL, 0) > 0 || errno == EINTR)
		;
	return -err;
}

/*
 * In the job: the kernel drops a CLONE_VM child's rseq registration (the
 * vfork() child's), and fork() copies the dropped one, while glibc still
 * believes the main thread registered; register it again.
 */
static void sandbox_rseq(void)
{
#ifdef RSEQ_SIG
	if (__rseq_size)
		syscall(SYS_rseq,
			(char *)__builtin_thread_pointer() + __rseq_offset,
			__rseq_size < 32 ? 32 : __rseq_size, 0, RSEQ_SIG);
#endif
}

pid_t sandbox_spawn(struct sandbox *sb, char *why, size_t size)
{
	/* written by the vfork() child: the compiler must not cache it */
	volatile struct sandbox_spawned s = { .job = -1, .init = -1 };
	siginfo_t si = { 0 };
	sigset_t all, old;
	int ret;
	void *stack;
	pid_t a;

	memset(sb, 0, sizeof(*sb));
	ret = sandbox_once(why, size);
	if (ret < 0)
		return ret;
	stack = mmap(NULL, SANDBOX_INIT_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		ret = -errno;
		snprintf(why, size, "PID 1's stack: %s", strerror(-ret));
		return ret;
	}
	/* no handler of ours may run in a process sharing our memory */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	a = vfork();
	if (a == 0) {
		sandbox_child(&s, stack, why, size);
		/* the job: none of the caller's sandbox bookkeeping */
		sandbox_rseq();
		close(sandbox_alive[0]);
		close(sandbox_alive[1]);
		sandbox_alive[0] = sandbox_alive[1] = -1;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	ret = a < 0 ? -errno : 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret < 0) {
		snprintf(why, size, "vfork: %s", strerror(-ret));
		munmap(stack, SANDBOX_INIT_STACK);
		return ret;
	}
	/* once it exited, the job is ours (it was orphaned first) */
	while (waitid(P_PID, (id_t)a, &si, WEXITED | WNOWAIT) < 0 &&
	       errno == EINTR)
		;
	if (s.err || s.job <= 0 || si.si_code != CLD_EXITED || si.si_status) {
		ret = sandbox_undo(a, &si, s.err, why, size);
		/* PID 1 is reaped: nothing runs on its stack */
		munmap(stack, SANDBOX_INIT_STACK);
		return ret;
	}
	while (waitpid(a, NULL, 0) < 0 && errno == EINTR)
		;
	*sb = (struct sandbox){
		.pid = s.job, .init = s.init, .group = a, .stack = stack
	};
	return s.job;
}

int sandbox_view(char *why, size_t size)
{
	unsigned gaps = 0;
	int ret = fsview_build(&gaps, why, size);

	sandbox_gap_bits |= gaps;
	return ret;
}

void sandbox_kill(const struct sandbox *sb)
{
	/* PID 1 unreaped keeps the group's number: kill(-group) is safe */
	if (sb->init <= 0)
		return;
	kill(-sb->group, SIGKILL);
	/* a job that left the group dies with PID 1, and its namespace */
	kill(sb->init, SIGKILL);
}

int sandbox_reap_init(struct sandbox *sb, bool block)
{
	pid_t w;

	if (sb->init <= 0)
		return -ECHILD;
	do
		w = waitpid(sb->init, NULL, block ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == 0)
		return 0;
	/* reaped (or, never ours, gone): its stack is free */
	munmap(sb->stack, SANDBOX_INIT_STACK);
	sb->init = 0;
	sb->stack = NULL;
	return w > 0 ? 1 : -ECHILD;
}

int sandbox_lock(const struct lockdown_limits *l, char *why, size_t size)
{
	unsigned gaps = 0;
	int ret;

	/* a root caller's job: a uid the process count applies to */
	ret = userns_drop_root();
	if (ret < 0) {
		snprintf(why, size, "become uid 1 with capabilities: %s",
			 strerror(-ret));
		return ret;
	}
	ret = lockdown_apply(l, &gaps, why, size);

	sandbox_gap_bits |= gaps;
	return ret;
}

int sandbox_exec_child(void)
{
	int ret = userns_ambient();

	return ret < 0 ? ret : lockdown_nest();
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
