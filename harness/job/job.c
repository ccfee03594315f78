// SPDX-License-Identifier: MIT
/*
 * A job process: enter the sandbox, then the controller thread (this one)
 * executes the case's steps in order while reader threads run the backend.
 * Progress, figures and the verdict go to the parent as typed messages
 * (protocol.h): a step starts, a note for the report, where each thread
 * is when the runner asks, pingpong's figures, the event totals, then the
 * verdict.  The pipe is the only way out: stdout and stderr go to the
 * job's own file (or /dev/null), every other inherited fd is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"
#include "exec.h"
#include "link.h"
#include "sandbox.h"
#include "snapshot.h"

#include "controller.h"
#include "fault.h"
#include "job.h"

int job_inject_parse(const char *s, struct job_inject *inj)
{
	char *end;

	if (!strcmp(s, "no-wake")) {
		inj->no_wake = true;
		return 0;
	}
	if (!strncmp(s, "drop-read=", 10)) {
		unsigned long n = strtoul(s + 10, &end, 10);

		if (*end || n < 2 || n > 1000000)
			return -EINVAL;
		inj->drop_read_every = (unsigned)n;
		return 0;
	}
	return -EINVAL;
}

/*
 * stdin from /dev/null; stdout and stderr into the job's own file (or
 * /dev/null): whatever a backend prints never reaches the TAP stream or
 * the caller's terminal.  0 or -errno.
 */
static int job_stdio(const struct job_opts *o)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), out;

	if (null < 0)
		return -errno;
	out = o->stdio_fd >= 0 ? o->stdio_fd : null;
	if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
		close(null);
		return -errno;
	}
	close(null);
	return 0;
}

/* Close every fd but 0-2 and the job's own (the caller's strays too). */
static void job_fds_tidy(struct job *j)
{
	const int keep[] = {
		0, 1, 2, j->out_fd, j->o->log_fd, j->o->pcap_fd, j->o->snap_fd
	};

	sandbox_close_fds_except(keep, sizeof(keep) / sizeof(keep[0]));
}

/* The watchdog: wait for the runner's request, answer with a snapshot. */
static void *job_watchdog(void *arg)
{
	struct job *j = arg;
	static char text[2000];
	ssize_t n;
	char c;

	do
		n = read(j->o->snap_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1) {
		snapshot_self(text, sizeof(text));
		if (proto_sendf(j->out_fd, MSG_BLOCKED, "%s", text) < 0)
			_exit(3);
	}
	return NULL;
}

static void job_watchdog_start(struct job *j)
{
	pthread_t t;

	if (j->o->snap_fd >= 0 && !pthread_create(&t, NULL, job_watchdog, j))
		pthread_detach(t);
}

static int job_step(struct job *j, const struct step *s)
{
	struct timespec ts;

	switch (s->kind) {
	case STEP_TUN:
		return step_tun(j, s);
	case STEP_SYSCTL:
		return step_sysctl(j, s);
	case STEP_OPEN:
		return step_open(j, s);
	case STEP_ATTACH:
		return queue_attach(j, job_queue(j, s->ref.queue),
				    s->u.attach.how);
	case STEP_DETACH:
		return step_detach(j, s);
	case STEP_CLOSE:
		return step_close(j, s);
	case STEP_DUP:
		return step_dup(j, s);
	case STEP_READER:
		return step_reader(j, s);
	case STEP_LINK:
		return step_link(j, s);
	case STEP_MTU:
		return step_mtu(j, s);
	case STEP_SEND:
		return step_send(j, s);
	case STEP_WRITE:
		return step_write(j, s);
	case STEP_PINGPONG:
		return step_pingpong(j, s);
	case STEP_REARM:
		return step_rearm(j, s);
	case STEP_IOCTL:
		return step_ioctl(j, s);
	case STEP_READ:
		return step_read(j, s);
	case STEP_WAIT:
		return step_wait(j, s);
	case STEP_SLEEP:
		ts.tv_sec = (time_t)(s->u.sleep.ns / 1000000000ull);
		ts.tv_nsec = (long)(s->u.sleep.ns % 1000000000ull);
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		return 0;
	case STEP_EXPECT:
		step_expect(j, s);
		return 0;
	case STEP_FAULT:
		return step_fault(j, s);
	}
	return job_fail_step(j, EINVAL, "unknown step kind %d", s->kind);
}

/* Keep a step's result for an `expect step` after it. */
static void job_step_result(struct job *j, const struct step *s, int ret)
{
	j->last_step.err = ret < 0 ? -ret : 0;
	j->last_step.line = s->line;
	j->last_step.step = s;
	snprintf(j->last_step.why, sizeof(j->last_step.why), "%s",
		 ret < 0 ? j->err : "");
}

/* job_finish's last word: the faults (a verdict needs its fault to have
 * fired; their notes). */
static void job_on_finish(struct job *j, enum verdict v, unsigned line)
{
	if (v == VERDICT_PASS || v == VERDICT_FAIL || v == VERDICT_XFAIL ||
	    v == VERDICT_XPASS)
		fault_check_fired(j, v, line);
	fault_notes(j);
}

void job_main(const struct case_file *c, const struct tuncheck_backend_ops *ops,
	      const struct job_opts *o, int out_fd)
{
	static struct job j;
	char why[512];
	int ret;

	j.c = c;
	j.ops = ops;
	j.o = o;
	j.out_fd = out_fd;
	j.on_finish = job_on_finish;
	timeline_init(&j.tl);
	j.start_ns = now_ns();
	if (c->kmin[0]) {
		unsigned k[2];
		char rel[65] = "?";

		kernel_version(k, rel, sizeof(rel));
		if (k[0] < c->kmin[0] ||
		    (k[0] == c->kmin[0] && k[1] < c->kmin[1])) {
			snprintf(why, sizeof(why),
				 "needs Linux >= %u.%u, this "
				 "is %s",
				 c->kmin[0], c->kmin[1], rel);
			job_finish(&j, VERDICT_SKIP, 0, 0, "a newer kernel",
				   why);
		}
	}
	ret = sandbox_view(why, sizeof(why));
	if (ret < 0)
		job_finish(&j, VERDICT_SKIP, 0, 0, "a sandbox", why);
	ret = job_stdio(o);
	if (ret < 0) {
		snprintf(why, sizeof(why), "stdin/stdout/stderr: %s",
			 strerror(-ret));
		job_finish(&j, VERDICT_ERROR, 0, 0, "a sandbox", why);
	}
	job_fds_tidy(&j);
	ret = sandbox_lock(&o->limits, why, sizeof(why));
	if (ret < 0)
		job_finish(&j, VERDICT_ERROR, 0, 0, "the sandbox's lockdown",
			   why);
	job_watchdog_start(&j);
	backend_exec_child_hook(sandbox_exec_child);
	backend_exec_spawn_hook(job_reader_spawned);
	/* plugin code runs here first: in the sandbox, never in the runner */
	j.ops = backend_bind(ops, why, sizeof(why));
	if (!j.ops) {
		j.ops = ops;
		job_finish(&j, VERDICT_ERROR, 0, 0, "the backend to load", why);
	}
	j.nl = nl_open();
	if (!j.nl) {
		snprintf(why, sizeof(why), "netlink socket: %s",
			 strerror(errno));
		job_finish(&j, VERDICT_ERROR, 0, 0, "netlink", why);
	}
	if (link_lo_up(j.nl) < 0) {
		snprintf(why, sizeof(why), "bring up lo: %s", nl_error(j.nl));
		job_finish(&j, VERDICT_ERROR, 0, 0, "netlink", why);
	}
	if (fault_prepare(&j) < 0)
		job_finish(&j, VERDICT_ERROR, 0, 0, "fault injection", j.err);
	for (size_t i = 0; i < c->n_steps; i++) {
		const struct step *s = &c->steps[i];

		job_send(&j, &(struct proto_msg){ .type = MSG_STEP,
						  .u.step = s->line });
		job_log(&j, now_ns(), "ctl step line=%u", s->line);
		if (s->kind != STEP_EXPECT) {
			j.last_step.has_value = false;
			j.last_step.len = -1;
		}
		ret = job_step(&j, s);
		if (s->kind != STEP_EXPECT)
			job_step_result(&j, s, ret);
		/* a failing step is an error, unless the case expects it */
		if (ret < 0 && !(i + 1 < c->n_steps &&
				 c->steps[i + 1].kind == STEP_EXPECT &&
				 c->steps[i + 1].u.expect.kind == EXPECT_STEP))
			job_finish(&j, VERDICT_ERROR, s->line, now_ns(),
				   "the step to run", j.err);
	}
	if (j.xpass)
		job_finish(&j, VERDICT_XPASS, j.xpass_line, now_ns(),
			   "a documented failure (xfail)",
			   "the expectation passed");
	job_finish(&j, VERDICT_PASS, 0, now_ns(), "", "");
}
