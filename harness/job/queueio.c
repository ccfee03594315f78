// SPDX-License-Identifier: MIT
/*
 * The controller's own I/O on a queue: `ioctl` (one TUN ioctl with the
 * case's argument, keeping what it reads back) and `read` (one read or
 * readv, blocking with a time limit or non-blocking).  Results go to
 * j->last_step for the `expect step` line after them.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "capture.h"
#include "controller.h"
#include "packet.h"
#include "tun.h"
#include "tunioctl.h"

static const unsigned long tun_requests[TI_N] = {
	[TI_GETIFF] = TUNGETIFF,
	[TI_GETFEATURES] = TUNGETFEATURES,
	[TI_SETIFF] = TUNSETIFF,
	[TI_SETQUEUE] = TUNSETQUEUE,
	[TI_SETPERSIST] = TUNSETPERSIST,
	[TI_SETCARRIER] = TUNSETCARRIER,
	[TI_SETSNDBUF] = TUNSETSNDBUF,
	[TI_GETSNDBUF] = TUNGETSNDBUF,
	[TI_SETOFFLOAD] = TUNSETOFFLOAD,
	[TI_SETTXFILTER] = TUNSETTXFILTER,
	[TI_SETVNETHDRSZ] = TUNSETVNETHDRSZ,
	[TI_GETVNETHDRSZ] = TUNGETVNETHDRSZ,
	[TI_SETIFINDEX] = TUNSETIFINDEX,
	[TI_SETOWNER] = TUNSETOWNER,
	[TI_SETGROUP] = TUNSETGROUP,
	[TI_SETLINK] = TUNSETLINK,
	[TI_SETNOCSUM] = TUNSETNOCSUM,
};

/* A queue the controller may still use: its fd number is its own. */
static int queue_usable(struct job *j, const struct queue *q, const char *op)
{
	if (!q->closed)
		return 0;
	return job_fail_step(j, EBADF,
			     "%s %s: not done, %s was closed by an earlier "
			     "step",
			     op, q->name, q->name);
}

/* The ioctl itself: its result (>= 0) or -errno; *value what it read. */
static int ioctl_do(struct queue *q, const struct step *s, long *value)
{
	const unsigned long req = tun_requests[s->u.ioctl.req];
	const unsigned long a = s->u.ioctl.arg;
	struct ifreq ifr;
	int iv = (int)a;
	unsigned uv = (unsigned)a;
	union {
		struct tun_filter f;
		uint8_t b[sizeof(struct tun_filter) + 8 * 6];
	} flt;

	memset(&ifr, 0, sizeof(ifr));
	switch (s->u.ioctl.req) {
	case TI_GETIFF:
	case TI_SETQUEUE: {
		int ret;

		ifr.ifr_flags = (short)a;
		ret = tun_queue_ioctl_raw(q->fd, req, &ifr);
		*value = (unsigned short)ifr.ifr_flags;
		return ret;
	}
	case TI_GETFEATURES: {
		int ret = tun_queue_ioctl_raw(q->fd, req, &uv);

		*value = (long)uv;
		return ret;
	}
	case TI_SETIFF: {
		const struct tun_opts o = device_opts(q->dev->decl);

		return tun_queue_setiff_flags(
			q->fd, q->dev->decl->name,
			s->u.ioctl.has_arg ? (unsigned)a : tun_opts_flags(&o));
	}
	case TI_SETCARRIER:
	case TI_SETSNDBUF:
	case TI_SETVNETHDRSZ:
	case TI_GETSNDBUF:
	case TI_GETVNETHDRSZ: {
		int ret = tun_queue_ioctl_raw(q->fd, req, &iv);

		*value = iv;
		return ret;
	}
	case TI_SETIFINDEX:
		return tun_queue_ioctl_raw(q->fd, req, &uv);
	case TI_SETTXFILTER:
		memset(&flt, 0, sizeof(flt));
		flt.f.count = (uint16_t)s->u.ioctl.n_macs;
		memcpy(flt.f.addr, s->u.ioctl.macs, s->u.ioctl.n_macs * 6);
		return tun_queue_ioctl_raw(q->fd, req, &flt);
	default: /* the argument by value */
		return tun_queue_ioctl_raw(q->fd, req, (void *)a);
	}
}

int step_ioctl(struct job *j, const struct step *s)
{
	struct queue *q = job_queue(j, s->ref.queue);
	const struct tun_ioctl_def *d = &tun_ioctls[s->u.ioctl.req];
	long value = 0;
	int ret;

	if ((ret = queue_usable(j, q, d->name)) < 0)
		return ret;
	ret = ioctl_do(q, s, &value);
	if (ret < 0)
		return job_fail_step(j, ret, "%s on %s: %s", d->name, q->name,
				     strerror(-ret));
	if (d->reads) {
		j->last_step.has_value = true;
		j->last_step.value = value;
	}
	if (s->u.ioctl.req == TI_SETIFF) {
		q->ever_attached = true;
		return dev_created(j, q->dev);
	}
	return 0;
}

static void read_alarm(int sig)
{
	(void)sig;
}

/*
 * A timer that interrupts this thread's blocking call after ns (its
 * handler has no SA_RESTART, so the call returns EINTR).  0 or -errno.
 */
static int read_timer_arm(timer_t *t, uint64_t ns)
{
	struct sigaction sa = { .sa_handler = read_alarm };
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID,
			       .sigev_signo = SIGALRM };
	struct itimerspec it = {
		.it_value = { (time_t)(ns / 1000000000ull),
			      (long)(ns % 1000000000ull) },
	};
	sigset_t set;

	/* glibc before 2.41 names sigev_notify_thread_id only so */
	ev._sigev_un._tid = gettid();
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	if (sigaction(SIGALRM, &sa, NULL) < 0 ||
	    pthread_sigmask(SIG_UNBLOCK, &set, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &ev, t) < 0)
		return -errno;
	if (timer_settime(*t, 0, &it, NULL) < 0) {
		timer_delete(*t);
		return -errno;
	}
	return 0;
}

/* read() or readv() over s->u.read.iov equal parts: bytes or -errno. */
static ssize_t read_do(int fd, uint8_t *buf, const struct step *s)
{
	struct iovec iov[64];
	size_t n = s->u.read.iov, part, off = 0;
	ssize_t r;

	if (!n) {
		r = read(fd, buf, s->u.read.size);
		return r < 0 ? -errno : r;
	}
	part = s->u.read.size / n;
	for (size_t i = 0; i < n; i++, off += part) {
		iov[i].iov_base = buf + off;
		iov[i].iov_len = i + 1 < n ? part : s->u.read.size - off;
	}
	r = readv(fd, iov, (int)n);
	return r < 0 ? -errno : r;
}

int step_read(struct job *j, const struct step *s)
{
	struct queue *q = job_queue(j, s->ref.queue);
	uint8_t *buf;
	timer_t timer;
	int flags = 0, ret;
	ssize_t r;

	if ((ret = queue_usable(j, q, "read")) < 0)
		return ret;
	buf = malloc(s->u.read.size ? s->u.read.size : 1);
	if (!buf)
		return job_fail_step(j, ENOMEM, "read %s: out of memory",
				     q->name);
	/* O_NONBLOCK is the open file's: dups and a reader share it */
	if (s->u.read.nonblock) {
		flags = fcntl(q->fd, F_GETFL);
		if (flags >= 0)
			fcntl(q->fd, F_SETFL, flags | O_NONBLOCK);
	} else if ((ret = read_timer_arm(&timer, s->u.read.window_ns)) < 0) {
		free(buf);
		return job_fail_step(j, ret, "read %s: timer: %s", q->name,
				     strerror(-ret));
	}
	r = read_do(q->fd, buf, s);
	if (s->u.read.nonblock && flags >= 0)
		fcntl(q->fd, F_SETFL, flags);
	else if (!s->u.read.nonblock)
		timer_delete(timer);
	if (r == -EINTR && !s->u.read.nonblock)
		ret = job_fail_step(
			j, EINTR,
			"read %s: still blocked after %llu ms "
			"(interrupted)",
			q->name,
			(unsigned long long)(s->u.read.window_ns / 1000000));
	else if (r < 0)
		ret = job_fail_step(j, (int)-r, "read %s: %s", q->name,
				    strerror((int)-r));
	if (r >= 0) {
		j->last_step.len = (long)r;
		packet_info(buf, (size_t)r, dev_layout(q->dev),
			    &j->last_step.pkt);
		if (r) {
			char why[128];

			snprintf(why, sizeof(why),
				 "read from %s by the controller, line %u",
				 q->name, s->line);
			capture_packet(j->pcap, buf, (size_t)r,
				       packet_hdr_len(dev_layout(q->dev) &
						      (PKT_PI | PKT_VNET)),
				       CAPTURE_OUT, why);
		}
	}
	free(buf);
	return ret;
}
