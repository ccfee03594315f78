// SPDX-License-Identifier: MIT
/* The parent side of the process model (runner.h, docs/ARCHITECTURE.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.h"
#include "outdir.h"
#include "runner.h"
#include "sandbox.h"
#include "timeline.h"

#define SETUP_SLACK_NS	 5000000000ull /* sandbox entry on a loaded machine */
#define SNAPSHOT_WAIT_NS 500000000ull  /* a hung job's answer to "where?" */

static volatile sig_atomic_t runner_stop; /* the signal that stops the run */

static void runner_on_signal(int sig)
{
	runner_stop = sig;
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

void runner_skip_all(struct job_spec *jobs, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++) {
		jobs[i].res.v = VERDICT_SKIP;
		snprintf(jobs[i].res.cls, sizeof(jobs[i].res.cls), "skip");
		snprintf(jobs[i].res.observed, sizeof(jobs[i].res.observed),
			 "%s", why);
		jobs[i].state = JOB_SETTLED;
	}
}

/* Apply one message from a job (protocol.h). */
static void runner_msg(struct job_spec *js, const struct proto_msg *m)
{
	struct job_result *r = &js->res;
	const struct proto_verdict *v = &m->u.verdict;
	size_t l;

	switch (m->type) {
	case MSG_STEP:
		r->step = m->u.step;
		break;
	case MSG_NOTE:
		l = strlen(r->notes);
		snprintf(r->notes + l, sizeof(r->notes) - l, "%s%s",
			 l ? "; " : "", m->u.text);
		break;
	case MSG_BLOCKED:
		snprintf(r->blocked, sizeof(r->blocked), "%s", m->u.text);
		break;
	case MSG_BENCH:
		r->bench = m->u.bench;
		r->has_bench = true;
		break;
	case MSG_COUNTS:
		r->counts = m->u.counts;
		r->has_counts = true;
		break;
	case MSG_VERDICT:
		if (v->verdict < 0 || v->verdict >= VERDICT_COUNT ||
		    js->state != JOB_RUNNING)
			break;
		r->v = (enum verdict)v->verdict;
		r->line = v->line;
		r->at_ns = v->at_ns;
		snprintf(r->cls, sizeof(r->cls), "%s", v->cls);
		snprintf(r->expected, sizeof(r->expected), "%s", v->expected);
		snprintf(r->observed, sizeof(r->observed), "%s", v->observed);
		js->state = JOB_VERDICT; /* reaped later */
		break;
	}
}

/* Read what the job wrote; returns false at EOF. */
static bool runner_read(struct job_spec *js)
{
	ssize_t n = read(js->out_fd, js->buf + js->buf_len,
			 sizeof(js->buf) - js->buf_len);
	struct proto_msg m;
	size_t off = 0;
	ssize_t used;

	if (n == 0)
		js->out_eof = true;
	if (n <= 0)
		return n < 0 && errno == EINTR;
	js->buf_len += (size_t)n;
	while (!js->out_bad &&
	       (used = proto_decode(js->buf + off, js->buf_len - off, &m))) {
		if (used < 0) {
			js->out_bad = true;
			break;
		}
		runner_msg(js, &m);
		off += (size_t)used;
	}
	if (js->out_bad)
		off = js->buf_len; /* discard: nothing after it is trusted */
	js->buf_len -= off;
	memmove(js->buf, js->buf + off, js->buf_len);
	return true;
}

/*
 * The end of the job's output (stdout and stderr of the code under test)
 * into res.output, control bytes made '?'; then the file is closed.
 */
static void runner_output(struct job_spec *js)
{
	char *o = js->res.output;
	const size_t max = sizeof(js->res.output) - 1;
	off_t size;
	ssize_t n = 0;

	if (js->stdio_fd < 0)
		return;
	size = lseek(js->stdio_fd, 0, SEEK_END);
	if (size > 0) {
		bool cut = (size_t)size > max;
		size_t want = cut ? max - 4 : (size_t)size;

		n = pread(js->stdio_fd, o + (cut ? 4 : 0), want,
			  size - (off_t)want);
		if (n > 0 && cut) {
			memcpy(o, "... ", 4);
			n += 4;
		}
	}
	o[n > 0 ? n : 0] = 0;
	for (char *p = o; *p; p++)
		if ((unsigned char)*p < 0x20 ? *p != '\n' && *p != '\t'
					     : (unsigned char)*p >= 0x7f)
			*p = '?';
	close(js->stdio_fd);
	js->stdio_fd = -1;
}

/*
 * --html: the job's timeline log (its .log file, else a memfd) read back
 * into js->log, at most RUNNER_LOG_MAX bytes; then the file is closed.
 */
static void runner_log_keep(struct job_spec *js)
{
	off_t size;
	ssize_t n;

	if (js->log_fd < 0)
		return;
	size = lseek(js->log_fd, 0, SEEK_END);
	if (size > RUNNER_LOG_MAX) {
		size = RUNNER_LOG_MAX;
		js->log_cut = true;
	}
	js->log = size > 0 ? malloc((size_t)size + 1) : NULL;
	if (js->log) {
		n = pread(js->log_fd, js->log, (size_t)size, 0);
		js->log_len = n > 0 ? (size_t)n : 0;
		js->log[js->log_len] = 0;
	}
	close(js->log_fd);
	js->log_fd = -1;
}

/* Reap a job whose process ended and settle its verdict. */
static void runner_reap(struct job_spec *js)
{
	struct job_result *r = &js->res;
	int status = 0;

	while (runner_read(js))
		;
	/* whatever the job left in its group (its namespaces die with it) */
	sandbox_kill(&js->sb);
	while (waitpid(js->pid, &status, 0) < 0 && errno == EINTR)
		;
	r->wall_ns = now_ns() - js->started_ns;
	/* a job ends with _exit(0) right after its verdict: anything else
	 * (killed after a verdict line it may not have written) is an error */
	if (r->v == VERDICT_TIMEOUT ||
	    (js->state == JOB_VERDICT && WIFEXITED(status) &&
	     !WEXITSTATUS(status)))
		goto out;
	r->v = VERDICT_ERROR;
	r->line = r->step;
	snprintf(r->expected, sizeof(r->expected), "a verdict from the job");
	snprintf(r->cls, sizeof(r->cls), "%s",
		 WIFSIGNALED(status) ? "crash" : "error");
	if (WIFSIGNALED(status))
		snprintf(r->observed, sizeof(r->observed),
			 "job crashed (SIG%s) during the step at line %u",
			 sigabbrev_np(WTERMSIG(status))
				 ? sigabbrev_np(WTERMSIG(status))
				 : "?",
			 r->step);
	else
		snprintf(r->observed, sizeof(r->observed),
			 "job exited with status %d during the step at line %u "
			 "without a verdict%s",
			 WEXITSTATUS(status), r->step,
			 js->out_bad ? " (it sent a malformed message)" : "");
out:
	runner_output(js);
	runner_log_keep(js);
	close(js->out_fd);
	close(js->pidfd);
	close(js->snap_fd);
	js->state = JOB_SETTLED;
}

const char *runner_job_name(const struct job_spec *js, const char *ext,
			    char *buf, size_t size)
{
	char rext[32];

	/* --repeat: CASE@BACKEND.2.log for the second run */
	if (js->rep) {
		snprintf(rext, sizeof(rext), "%u.%s", js->rep, ext);
		ext = rext;
	}
	return outdir_job_name(js->c->name, js->ops->name, ext, buf, size);
}

/*
 * A file for the job in dirfd (dir names it for messages), created in
 * the runner before the fork; -1, with a note in the job's result, when
 * it cannot be.
 */
static int runner_job_file(const char *dir, int dirfd, struct job_spec *js,
			   const char *ext)
{
	size_t l = strlen(js->res.notes);
	char name[1024];
	int fd;

	if (!dir)
		return -1;
	fd = runner_job_name(js, ext, name, sizeof(name))
		     ? outdir_create(dirfd, name)
		     : -ENAMETOOLONG;
	if (fd < 0)
		snprintf(js->res.notes + l, sizeof(js->res.notes) - l,
			 "%scannot create %s/%s: %s", l ? "; " : "", dir, name,
			 strerror(-fd));
	return fd;
}

/* In the forked child: the runner's signal handling off, then the job. */
static void runner_child(const struct job_spec *js, struct job_opts *jo,
			 int wfd)
{
	sigset_t none;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	job_main(js->c, js->ops, jo, wfd);
}

/*
 * A job that could not get its sandbox (err, why): a skip when the host
 * refuses one (as a job that cannot make its sandbox is), an error when
 * it ran out of processes or memory (a run must not pass by skipping).
 */
static void runner_no_sandbox(struct job_spec *js, int err, const char *why)
{
	struct job_result *r = &js->res;

	runner_skip_all(js, 1, why);
	snprintf(r->expected, sizeof(r->expected), "a sandbox");
	if (err != EAGAIN && err != ENOMEM)
		return;
	r->v = VERDICT_ERROR;
	snprintf(r->cls, sizeof(r->cls), "error");
	snprintf(r->observed, sizeof(r->observed), "could not start: %s", why);
}

/*
 * Start a job in its sandbox.  0, 1 when the job could not get one (it
 * is settled, runner_no_sandbox), or -errno when the run cannot go on.
 */
static int runner_start(struct job_spec *jobs, size_t idx,
			const struct runner_opts *o)
{
	struct job_spec *js = &jobs[idx];
	struct job_opts jo = o->job;
	int p[2], snap[2], ret = 0;
	bool watched = true; /* false: a live job without a pidfd */
	char why[512];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(snap, O_CLOEXEC) < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	jo.snap_fd = snap[0];
	jo.log_fd =
		o->log_dir
			? runner_job_file(o->log_dir, o->log_dirfd, js, "log")
		: o->keep_log ? memfd_create("tuncheck-job-log", MFD_CLOEXEC)
			      : -1;
	/* the output is kept: in the .out file, else in memory */
	jo.stdio_fd =
		o->log_dir
			? runner_job_file(o->log_dir, o->log_dirfd, js, "out")
			: memfd_create("tuncheck-job-out", MFD_CLOEXEC);
	jo.pcap_fd = runner_job_file(o->pcap_dir, o->pcap_dirfd, js, "pcapng");
	fflush(NULL);
	js->pid = sandbox_spawn(&js->sb, why, sizeof(why));
	if (js->pid == 0) {
		close(p[0]);
		close(snap[1]);
		runner_child(js, &jo, p[1]);
	}
	js->pidfd = -1;
	if (js->pid < 0)
		ret = js->pid;
	else if ((js->pidfd = pidfd_open(js->pid)) < 0) {
		ret = -errno;
		watched = false;
		snprintf(why, sizeof(why), "pidfd_open: %s", strerror(-ret));
		sandbox_kill(&js->sb);
		while (waitpid(js->pid, NULL, 0) < 0 && errno == EINTR)
			;
		sandbox_reap_init(&js->sb, true);
	}
	close(p[1]);
	close(snap[0]);
	js->log_fd = o->keep_log ? jo.log_fd : -1;
	if (jo.log_fd >= 0 && !o->keep_log)
		close(jo.log_fd);
	js->stdio_fd = jo.stdio_fd;
	if (jo.pcap_fd >= 0)
		close(jo.pcap_fd);
	if (ret < 0) {
		if (js->stdio_fd >= 0)
			close(js->stdio_fd);
		js->stdio_fd = -1;
		if (js->log_fd >= 0)
			close(js->log_fd);
		js->log_fd = -1;
		close(p[0]);
		close(snap[1]);
		js->pid = 0;
		if (!watched)
			return ret; /* no pidfd: the run cannot watch jobs */
		runner_no_sandbox(js, -ret, why);
		return 1;
	}
	js->out_fd = p[0];
	js->snap_fd = snap[1];
	/* a backend's own child may keep the pipe open after the job ends */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(snap[1], F_SETFL, O_NONBLOCK);
	js->deadline = now_ns() + js->c->deadline_ns + SETUP_SLACK_NS;
	js->state = JOB_RUNNING;
	return 0;
}

/*
 * The deadline passed: ask the job where its threads are (its watchdog
 * answers with a "blocked" line), and kill it SNAPSHOT_WAIT_NS later.
 */
static void runner_timeout(struct job_spec *js, uint64_t now)
{
	struct job_result *r = &js->res;
	char d[32];

	if (!js->kill_at) {
		js->kill_at = now + SNAPSHOT_WAIT_NS;
		if (write(js->snap_fd, "?", 1) == 1)
			return;
	}
	if (now < js->kill_at && !r->blocked[0])
		return;
	sandbox_kill(&js->sb);
	r->v = VERDICT_TIMEOUT;
	snprintf(r->cls, sizeof(r->cls), "hang");
	r->line = r->step;
	snprintf(r->expected, sizeof(r->expected), "job done within %s",
		 fmt_duration(js->c->deadline_ns + SETUP_SLACK_NS, d,
			      sizeof(d)));
	snprintf(r->observed, sizeof(r->observed),
		 "hard deadline hit during the step at line %u", r->step);
}

/*
 * A signal stopped the run: kill every running job, reap it, and mark it
 * and every job not yet finished as interrupted.
 */
void runner_interrupt(struct job_spec *jobs, size_t n, int sig)
{
	for (size_t i = 0; i < n; i++) {
		struct job_spec *js = &jobs[i];

		if (js->state == JOB_SETTLED)
			continue;
		if (js->state != JOB_PENDING && js->pid > 0) {
			sandbox_kill(&js->sb);
			while (waitpid(js->pid, NULL, 0) < 0 && errno == EINTR)
				;
			runner_output(js);
			runner_log_keep(js);
			close(js->out_fd);
			close(js->pidfd);
			close(js->snap_fd);
		}
		js->res.v = VERDICT_INTERRUPTED;
		snprintf(js->res.cls, sizeof(js->res.cls), "interrupted");
		snprintf(js->res.observed, sizeof(js->res.observed),
			 "the run was interrupted by SIG%s %s",
			 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
			 js->state != JOB_PENDING ? "while this job ran"
						  : "before this job started");
		js->state = JOB_SETTLED;
	}
}

void runner_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = runner_on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int runner_stopped(void)
{
	return runner_stop;
}

/* Catch SIGINT, SIGTERM and SIGHUP; keep them blocked but in ppoll(). */
static void runner_signals(sigset_t *old, sigset_t *in_poll)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, old);
	*in_poll = *old;
	sigdelset(in_poll, SIGINT);
	sigdelset(in_poll, SIGTERM);
	sigdelset(in_poll, SIGHUP);
	runner_catch_signals();
}

/*
 * Reap the PID 1s of finished jobs' sandboxes (killed when their job was
 * reaped; the namespaces' teardown is theirs), waiting for them if
 * `block`.
 */
static void runner_reap_inits(struct job_spec *jobs, size_t n, bool block)
{
	for (size_t i = 0; i < n; i++)
		if (jobs[i].state == JOB_SETTLED && jobs[i].sb.init > 0)
			sandbox_reap_init(&jobs[i].sb, block);
}

/*
 * -x: the first unexpected result stops the run from starting more jobs;
 * the ones not started are settled as skips (and reported), the running
 * ones finish.  Returns how many it settled.
 */
static size_t runner_stop_starting(struct job_spec *jobs, size_t n,
				   const size_t *order, size_t *next,
				   struct runner_opts *o)
{
	size_t settled = 0;

	for (; *next < n; (*next)++) {
		size_t i = order[*next];

		if (jobs[i].state == JOB_SETTLED)
			continue;
		runner_skip_all(&jobs[i], 1,
				"not run: -x stopped the run at the first "
				"failure");
		settled++;
		if (o->on_done)
			o->on_done(jobs, n, i, o->arg);
	}
	return settled;
}

struct runner_rank {
	uint64_t deadline;
	size_t idx;
};

/* Longest deadline first; then in job order. */
static int runner_rank_cmp(const void *a, const void *b)
{
	const struct runner_rank *x = a, *y = b;

	if (x->deadline != y->deadline)
		return x->deadline < y->deadline ? 1 : -1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * The order jobs start in: the longest first (by the case's deadline, the
 * sum of its windows), so none of them starts last and stretches the run
 * (jobs mostly wait out windows: the run's floor is its longest job).
 * Reports still come in job order.
 */
static size_t *runner_order(const struct job_spec *jobs, size_t n)
{
	struct runner_rank *r = calloc(n + 1, sizeof(*r));
	size_t *order = calloc(n + 1, sizeof(*order));

	if (!r || !order) {
		free(r);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		r[i] = (struct runner_rank){ jobs[i].c ? jobs[i].c->deadline_ns
						       : 0,
					     i };
	qsort(r, n, sizeof(*r), runner_rank_cmp);
	for (size_t i = 0; i < n; i++)
		order[i] = r[i].idx;
	free(r);
	return order;
}

int runner_run(struct job_spec *jobs, size_t n, struct runner_opts *o)
{
	sigset_t old_mask, poll_mask;
	struct pollfd *pfd = calloc(2 * n + 1, sizeof(*pfd));
	size_t *who = calloc(2 * n + 1, sizeof(*who));
	size_t *order = runner_order(jobs, n);
	size_t next = 0, running = 0, finished = 0;
	int ret = 0;

	if (!pfd || !who || !order) {
		ret = -ENOMEM;
		goto out;
	}
	runner_signals(&old_mask, &poll_mask);
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].state == JOB_PENDING)
			jobs[i].stdio_fd = jobs[i].log_fd = -1;
		if (jobs[i].state == JOB_SETTLED)
			finished++; /* pre-settled (skipped) */
	}
	while (finished < n) {
		uint64_t now = now_ns(), soonest = UINT64_MAX;
		struct timespec ts;
		size_t np = 0;

		if (runner_stop) {
			o->interrupted = runner_stop;
			runner_interrupt(jobs, n, runner_stop);
			break;
		}
		while (running < o->parallel && next < n) {
			size_t i = order[next++];

			if (jobs[i].state == JOB_SETTLED)
				continue;
			jobs[i].started_ns = now_ns();
			ret = runner_start(jobs, i, o);
			if (ret < 0)
				goto out;
			if (ret == 0) {
				running++;
				continue;
			}
			ret = 0;
			finished++;
			if (o->on_done)
				o->on_done(jobs, n, i, o->arg);
		}
		for (size_t i = 0; i < n; i++) {
			struct job_spec *js = &jobs[i];
			uint64_t t;

			if ((js->state != JOB_RUNNING &&
			     js->state != JOB_VERDICT) ||
			    !js->pid)
				continue;
			if (js->res.v != VERDICT_TIMEOUT && now >= js->deadline)
				runner_timeout(js, now);
			t = js->kill_at ? js->kill_at : js->deadline;
			if (js->res.v != VERDICT_TIMEOUT && t < soonest)
				soonest = t;
			pfd[np] = (struct pollfd){ .fd = js->pidfd,
						   .events = POLLIN };
			who[np++] = i;
			if (js->out_eof)
				continue;
			pfd[np] = (struct pollfd){ .fd = js->out_fd,
						   .events = POLLIN };
			who[np++] = i;
		}
		if (soonest == UINT64_MAX)
			soonest = now + 1000000000ull;
		ts.tv_sec = (time_t)((soonest > now ? soonest - now : 0) /
				     1000000000ull);
		ts.tv_nsec = (long)((soonest > now ? soonest - now : 0) %
				    1000000000ull) +
			     1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (ppoll(pfd, np, &ts, &poll_mask) < 0 && errno != EINTR) {
			ret = -errno;
			goto out;
		}
		for (size_t k = 0; k < np; k++) {
			struct job_spec *js = &jobs[who[k]];

			if (!pfd[k].revents || js->state == JOB_SETTLED)
				continue;
			if (pfd[k].fd == js->out_fd) {
				runner_read(js);
				continue;
			}
			runner_reap(js);
			running--;
			finished++;
			if (o->on_done)
				o->on_done(jobs, n, who[k], o->arg);
			if (o->exitfirst && verdict_unexpected(js->res.v))
				finished += runner_stop_starting(jobs, n, order,
								 &next, o);
		}
		runner_reap_inits(jobs, n, false);
	}
out:
	runner_reap_inits(jobs, n, true);
	if (pfd && who && order)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	free(order);
	free(pfd);
	free(who);
	return ret;
}
