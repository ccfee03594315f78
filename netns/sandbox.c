// SPDX-License-Identifier: MIT
/*
 * A job's sandbox (see sandbox.h): its processes (the one outside, PID 1,
 * the job), its namespaces (userns.c), file system view (fsview.c) and
 * lockdown (lockdown.c), and the reaping of what outlives a job.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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
__attribute__((no_sanitize_address)) /* on a stack ASan does not know */
static int
sandbox_init(void *arg)
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
	ret = userns_enter(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS |
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
	return ret;
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
