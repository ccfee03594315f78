// SPDX-License-Identifier: MIT
/*
 * Fault injection (the case's `fault` steps) with seccomp user
 * notification.  When the case has fault steps, the controller loads one
 * filter (built with libseccomp, loaded with NEW_LISTENER, and
 * WAIT_KILLABLE_RECV where the kernel has it) that stops every call of the
 * named syscalls by itself and by every thread and program started after
 * it (the readers, exec programs), until a supervisor thread, started
 * before the filter and so outside it, answers: fail it with the errno,
 * perform it short itself, delay it, or let it run
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE).  A call belongs to a reader if its
 * thread is the reader's, or its process is the program the reader
 * started; to the controller if its thread is the controller's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "controller.h"
#include "errname.h"
#include "exec.h"
#include "expect.h"
#include "fault.h"
#include "job.h"
#include "lockdown.h"
#include "timeline.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define FAULT_MAX 32 /* fault steps per case that count */

struct fault_rule {
	const struct step *s;
	int fd; /* the queue fd its fd calls must name, -1: any */
	bool armed;
	long seen, injected, let; /* let: short reads that found no packet */
	uint64_t rng;
};

static struct {
	struct fault_rule rules[FAULT_MAX];
	size_t n;
	int nr[FAULT_CALL_N];  /* syscall numbers, -1 unknown here */
	int listener;	       /* under lock; -2: the filter failed */
	pthread_cond_t loaded; /* listener set (a futex: never filtered) */
	pid_t controller;
	bool killable; /* WAIT_KILLABLE_RECV was accepted */
	bool exec;     /* an exec backend: its reader thread is tuncheck's
			* relay, only the program's calls count */
	pthread_mutex_t lock;
	struct job *j;
} F = { .listener = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.loaded = PTHREAD_COND_INITIALIZER };

/* The process (thread group) of a thread of this pid namespace, or 0. */
static pid_t fault_tgid(pid_t tid)
{
	char path[64], buf[512];
	int fd;
	ssize_t n;
	const char *t;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	t = strstr(buf, "\nTgid:");
	return t ? (pid_t)atoi(t + 6) : 0;
}

/* Does the call (by tid, first argument a0) belong to rule r? */
static bool fault_owns(const struct fault_rule *r, int call, pid_t tid,
		       uint64_t a0, pid_t *tgid)
{
	const struct step *s = r->s;
	bool fdcall = (1u << call) & FAULT_FD_CALLS;

	if (!r->armed || !(s->u.fault.calls & (1u << call)))
		return false;
	if (s->u.fault.controller)
		return tid == F.controller && (!fdcall || (int)a0 == r->fd);
	{
		struct reader_rt *rt = job_reader(F.j, s->ref.reader);
		pid_t prog = __atomic_load_n(&rt->exec_pid, __ATOMIC_RELAXED);

		if (!F.exec &&
		    tid == __atomic_load_n(&rt->tid, __ATOMIC_RELAXED))
			return !fdcall || (int)a0 == rt->r.fd;
		if (!prog)
			return false;
		if (!*tgid)
			*tgid = fault_tgid(tid);
		return *tgid == prog && (!fdcall || (int)a0 == EXEC_FD);
	}
}

/* xorshift64*: the percent= draws, reproducible from seed= */
static uint64_t fault_rand(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 2685821657736338717ull;
}

/* The rule's counter moved to r->seen: does this call fail? */
static bool fault_hits(struct fault_rule *r)
{
	const struct step *s = r->s;
	long k = r->seen;

	if (s->u.fault.percent)
		return (long)(fault_rand(&r->rng) % 100) < s->u.fault.percent;
	if (s->u.fault.every)
		return k >= s->u.fault.from &&
		       (!s->u.fault.to || k <= s->u.fault.to) &&
		       (k - s->u.fault.from) % s->u.fault.every == 0;
	return k == s->u.fault.nth;
}

/* --log-dir: the fault in the job's timeline, beside the backend's events */
static void fault_log(const struct fault_rule *r, int call, const char *what)
{
	job_log(F.j, now_ns(), "%s fault %s %s (call %ld since line %u)",
		r->s->name, fault_call_names[call], what, r->seen, r->s->line);
}

/* short=: do the read or write here, at most N bytes (same process only) */
static bool fault_short(struct fault_rule *r, int call,
			const struct seccomp_data *d,
			struct seccomp_notif_resp *resp)
{
	size_t len = d->args[2] < (uint64_t)r->s->u.fault.short_len
			     ? (size_t)d->args[2]
			     : (size_t)r->s->u.fault.short_len;
	int fd = (int)d->args[0];
	ssize_t n;

	if (call == FAULT_READ) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		/* never block the supervisor: a read that would wait runs */
		if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
			return false;
		n = read(fd, (void *)(uintptr_t)d->args[1], len);
	} else {
		n = write(fd, (const void *)(uintptr_t)d->args[1], len);
	}
	resp->val = n < 0 ? 0 : n;
	resp->error = n < 0 ? -errno : 0;
	return true;
}

/* Answer one notification. */
static void fault_answer(const struct seccomp_notif *req,
			 struct seccomp_notif_resp *resp)
{
	struct fault_rule *hit = NULL;
	pid_t tgid = 0;
	int call = -1;
	char what[64];

	resp->id = req->id;
	resp->val = 0;
	resp->error = 0;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	for (int i = 0; i < FAULT_CALL_N; i++)
		if (F.nr[i] == req->data.nr)
			call = i;
	if (call < 0)
		return;
	pthread_mutex_lock(&F.lock);
	for (size_t i = 0; i < F.n && !hit; i++) {
		struct fault_rule *r = &F.rules[i];

		if (!fault_owns(r, call, (pid_t)req->pid, req->data.args[0],
				&tgid))
			continue;
		r->seen++;
		if (fault_hits(r))
			hit = r;
	}
	if (!hit) {
		pthread_mutex_unlock(&F.lock);
		return;
	}
	switch (hit->s->u.fault.action) {
	case FAULT_ERRNO:
		resp->flags = 0;
		resp->error = -hit->s->u.fault.err;
		snprintf(what, sizeof(what), "errno=%s",
			 errno_name(hit->s->u.fault.err));
		break;
	case FAULT_SHORT:
		if ((tgid ? tgid : fault_tgid((pid_t)req->pid)) != getpid()) {
			hit->let++;
			pthread_mutex_unlock(&F.lock);
			return;
		}
		if (!fault_short(hit, call, &req->data, resp)) {
			hit->seen--; /* it would have waited: not counted */
			hit->let++;
			pthread_mutex_unlock(&F.lock);
			return;
		}
		resp->flags = 0;
		snprintf(what, sizeof(what), "short=%lld",
			 (long long)resp->val);
		break;
	default: {
		struct timespec ts = {
			.tv_sec =
				(time_t)(hit->s->u.fault.delay_ns / 1000000000),
			.tv_nsec =
				(long)(hit->s->u.fault.delay_ns % 1000000000),
		};

		/* counted as it starts: the job may end meanwhile */
		hit->injected++;
		fault_log(hit, call, "delay");
		pthread_mutex_unlock(&F.lock);
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		return;
	}
	}
	hit->injected++;
	fault_log(hit, call, what);
	pthread_mutex_unlock(&F.lock);
}

/* The supervisor: outside the filter, it answers every stopped call. */
static void *fault_supervisor(void *arg)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	int fd = -1;

	(void)arg;
	pthread_mutex_lock(&F.lock);
	while (F.listener == -1)
		pthread_cond_wait(&F.loaded, &F.lock);
	fd = F.listener;
	pthread_mutex_unlock(&F.lock);
	if (fd < 0 || seccomp_notify_alloc(&req, &resp) < 0)
		return NULL;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0)
			continue;
		if (p.revents & (POLLHUP | POLLNVAL))
			break;
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(fd, req) < 0)
			continue; /* the caller died or was interrupted */
		fault_answer(req, resp);
		/* ENOENT: the call was interrupted (a signal) meanwhile */
		(void)seccomp_notify_respond(fd, resp);
	}
	seccomp_notify_free(req, resp);
	return NULL;
}

/* The filter: NOTIFY for every call some fault step names. */
static int fault_filter(uint32_t calls, char *why, size_t size)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	struct sock_fprog prog = { 0 };
	int ret = 0;

	if (!ctx)
		return -ENOMEM;
	for (int i = 0; i < FAULT_CALL_N && !ret; i++) {
		F.nr[i] = seccomp_syscall_resolve_name(fault_call_names[i]);
		if (F.nr[i] == __NR_SCMP_ERROR)
			F.nr[i] = -1;
		else if (calls & (1u << i))
			ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, F.nr[i],
					       0);
	}
	if (!ret)
		ret = lockdown_bpf_export(ctx, &prog);
	seccomp_release(ctx);
	if (!ret) {
		/* a Go runtime preempts with signals: wait killably (5.19) */
		F.killable = true;
		ret = (int)syscall(
			SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			SECCOMP_FILTER_FLAG_NEW_LISTENER |
				SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			&prog);
		if (ret < 0 && errno == EINVAL) {
			F.killable = false;
			ret = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
					   SECCOMP_FILTER_FLAG_NEW_LISTENER,
					   &prog);
		}
		if (ret < 0)
			ret = -errno;
	}
	free(prog.filter);
	if (ret < 0)
		snprintf(why, size, "fault: seccomp filter: %s",
			 strerror(-ret));
	return ret;
}

int fault_prepare(struct job *j)
{
	uint32_t calls = 0;
	pthread_t t;
	int fd;
	char why[256];

	F.j = j;
	for (size_t i = 0; i < j->c->n_steps; i++) {
		const struct step *s = &j->c->steps[i];

		if (s->kind != STEP_FAULT)
			continue;
		if (F.n == FAULT_MAX)
			return job_fail_step(j, E2BIG,
					     "fault: more than %d fault steps",
					     FAULT_MAX);
		if (!s->u.fault.controller &&
		    s->u.fault.action == FAULT_SHORT && backend_is_exec(j->ops))
			job_finish(j, VERDICT_SKIP, s->line, 0,
				   "a fault short= can perform",
				   "short= performs the call itself, which it "
				   "cannot do in an exec program's memory");
		F.rules[F.n++] = (struct fault_rule){ .s = s, .fd = -1 };
		calls |= s->u.fault.calls;
	}
	if (!F.n)
		return 0;
	F.exec = backend_is_exec(j->ops);
	F.controller = (pid_t)syscall(SYS_gettid);
	if (pthread_create(&t, NULL, fault_supervisor, NULL))
		return job_fail_step(j, EAGAIN,
				     "fault: cannot start the supervisor");
	pthread_detach(t);
	/* from here on this thread's calls may stop until it answers: the
	 * listener is handed over through memory, never a syscall */
	fd = fault_filter(calls, why, sizeof(why));
	pthread_mutex_lock(&F.lock);
	F.listener = fd < 0 ? -2 : fd;
	pthread_cond_signal(&F.loaded);
	pthread_mutex_unlock(&F.lock);
	return fd < 0 ? job_fail_step(j, -fd, "%s", why) : 0;
}

int step_fault(struct job *j, const struct step *s)
{
	for (size_t i = 0; i < F.n; i++) {
		struct fault_rule *r = &F.rules[i];

		if (r->s != s)
			continue;
		pthread_mutex_lock(&F.lock);
		r->fd = s->u.fault.controller && s->ref.queue >= 0
				? job_queue(j, s->ref.queue)->fd
				: -1;
		r->seen = r->injected = r->let = 0;
		r->rng = (uint64_t)s->u.fault.seed * 2 + 0x9e3779b97f4a7c15ull;
		r->armed = true;
		pthread_mutex_unlock(&F.lock);
		return 0;
	}
	return job_fail_step(j, E2BIG, "fault: not prepared");
}

/*
 * Could the failing step at `line` be the fault's effect?  An expectation
 * on reader `ref`, or on what readers change: counters (tx_dropped of a
 * slow reader), flows.  A send or step result, a link state, stand.
 */
static bool fault_effect(const struct job *j, unsigned line, int ref)
{
	for (size_t i = 0; i < j->c->n_steps; i++) {
		const struct step *s = &j->c->steps[i];
		const struct expect *e = &s->u.expect;

		if (s->line != line)
			continue;
		if (s->kind != STEP_EXPECT)
			return false;
		return (expect_on_timeline(e) && e->subject_ref == ref) ||
		       e->kind == EXPECT_COUNTER || e->kind == EXPECT_FLOWS;
	}
	return false;
}

void fault_check_fired(struct job *j, enum verdict v, unsigned line)
{
	const bool uring = !strncmp(j->ops->name, "uring-", 6);

	for (size_t i = 0; i < F.n; i++) {
		struct fault_rule r;
		char why[400];

		pthread_mutex_lock(&F.lock);
		r = F.rules[i];
		pthread_mutex_unlock(&F.lock);
		if (!r.armed || r.injected)
			continue;
		/* a failure the fault cannot have caused stands */
		if ((v == VERDICT_FAIL || v == VERDICT_XFAIL) &&
		    !r.s->u.fault.controller &&
		    !fault_effect(j, line, r.s->ref.reader))
			continue;
		snprintf(why, sizeof(why),
			 "the fault at line %u never fired: %s made %ld "
			 "matching call%s after it%s",
			 r.s->line, r.s->name, r.seen, r.seen == 1 ? "" : "s",
			 uring && !r.s->u.fault.controller
				 ? " (io_uring operations bypass seccomp: "
				   "its reads cannot be faulted)"
				 : "");
		job_finish(j, VERDICT_SKIP, r.s->line, now_ns(),
			   "the fault to fire", why);
	}
}

void fault_notes(struct job *j)
{
	struct fault_rule copy[FAULT_MAX];
	size_t n;

	/* copied first: a note is a write, which a fault may stop */
	pthread_mutex_lock(&F.lock);
	n = F.n;
	memcpy(copy, F.rules, n * sizeof(copy[0]));
	pthread_mutex_unlock(&F.lock);
	for (size_t i = 0; i < n; i++)
		if (copy[i].armed)
			job_note(j,
				 "line %u: fault hit %ld of %ld matching "
				 "calls%s",
				 copy[i].s->line, copy[i].injected,
				 copy[i].seen,
				 F.killable ? "" : " (no WAIT_KILLABLE_RECV)");
}
