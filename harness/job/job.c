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
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "registry.h"
#include "capture.h"
#include "exec.h"
#include "expect.h"
#include "job.h"
#include "protocol.h"
#include "link.h"
#include "packet.h"
#include "sandbox.h"
#include "snapshot.h"
#include "timeline.h"
#include "tun.h"

#define SEND_ERRS_MAX	  16		/* distinct errnos of one send step */
#define READY_TIMEOUT_NS  2000000000ull /* a backend must register by then */
#define CONSERVE_POLL_NS  20000000ull	/* re-read drop counters this often */
#define READABLE_POLL_NS  5000000ull
#define SETTLE_NS	  500000000ull	/* quiet this long: reads decided */
#define PINGPONG_REPLY_NS 1000000000ull /* a pingpong reply must come by then */

struct dev {
	const struct step *decl;
	int ifindex;
	uint64_t dropped_accounted;
};

struct queue {
	char name[CASE_NAME_MAX];
	int fd;
	struct dev *dev;
	bool ever_attached, closed;
	int reader; /* index of the reader on it, -1 = none */
};

struct reader_rt {
	struct tuncheck_reader r;
	struct job *job;
	const struct step *decl;
	int index;
	bool pi;
	pthread_t thread;
	/* per expectation kind: first timeline index that counts */
	size_t cursor[EXPECT_LINK + 1];
	unsigned n_reads; /* for drop-read injection */
	const char *params[CASE_MAX_PARAMS];
};

struct send_result {
	long total, ok;
	int errs[SEND_ERRS_MAX]; /* distinct errnos seen, with counts */
	long err_count[SEND_ERRS_MAX];
	size_t n_errs;
	unsigned line;
};

struct job {
	const struct case_file *c;
	const struct tuncheck_backend_ops *ops;
	const struct job_opts *o;
	int out_fd;
	struct nl *nl;
	struct timeline tl;
	uint64_t start_ns;
	struct dev devs[CASE_MAX_DEVICES];
	struct queue queues[CASE_MAX_QUEUES];
	struct reader_rt readers[CASE_MAX_READERS];
	size_t n_devs, n_queues, n_readers;
	struct send_result last_send;
	bool xpass;
	unsigned xpass_line;
	char err[512];		    /* why a step could not run */
	const char *cls;	    /* failure class for the matrix */
	struct capture *pcap;	    /* --pcap-dir, from the first device on */
	struct proto_counts counts; /* every reader's, atomically */
};

const char *verdict_name(enum verdict v)
{
	static const char *const names[VERDICT_COUNT] = {
		"pass", "fail",	 "xfail",   "xpass",
		"skip", "error", "timeout", "interrupted",
	};

	return v < VERDICT_COUNT ? names[v] : "?";
}

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

/* Send one message to the runner; a broken channel ends the job. */
static void job_send(struct job *j, const struct proto_msg *m)
{
	if (proto_send(j->out_fd, m) < 0)
		_exit(3);
}

/* A NOTE for the report. */
static void __attribute__((format(printf, 2, 3)))
job_note(struct job *j, const char *fmt, ...)
{
	struct proto_msg m = { .type = PROTO_NOTE };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m.u.text, sizeof(m.u.text), fmt, ap);
	va_end(ap);
	job_send(j, &m);
}

/* The running kernel's major.minor. */
static void kernel_version(unsigned v[2], char *rel, size_t size)
{
	struct utsname u;

	v[0] = v[1] = 0;
	if (uname(&u) == 0) {
		sscanf(u.release, "%u.%u", &v[0], &v[1]);
		snprintf(rel, size, "%s", u.release);
	}
}

/*
 * Send the event totals and the verdict, and end the process: blocked
 * threads die with it.
 */
static void __attribute__((noreturn))
job_finish(struct job *j, enum verdict v, unsigned line, uint64_t at,
	   const char *expected, const char *observed)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
	static struct proto_msg m;
	const unsigned *o = j->c ? j->c->kobserved : NULL;
	char obs[1400], rel[65] = "?";
	unsigned k[2];

	/* a mismatch on another kernel than the one the case was written on */
	kernel_version(k, rel, sizeof(rel));
	if (o && o[0] && (v == VERDICT_FAIL || v == VERDICT_XPASS) &&
	    (k[0] != o[0] || k[1] != o[1])) {
		snprintf(obs, sizeof(obs),
			 "%s [expectations observed on Linux "
			 "%u.%u; this is %s]",
			 observed ? observed : "", o[0], o[1], rel);
		observed = obs;
	}

	/* the controller and a failing backend may race: first one wins */
	pthread_mutex_lock(&once);
	if (capture_full(j->pcap))
		job_note(j,
			 "pcap capped at %llu bytes (--pcap-max): "
			 "later packets not recorded",
			 (unsigned long long)j->o->pcap_max);
	m.type = PROTO_COUNTS;
	m.u.counts = (struct proto_counts){
		.wakes = __atomic_load_n(&j->counts.wakes, __ATOMIC_RELAXED),
		.reads = __atomic_load_n(&j->counts.reads, __ATOMIC_RELAXED),
		.first_err =
			__atomic_load_n(&j->counts.first_err, __ATOMIC_RELAXED),
	};
	job_send(j, &m);
	m = (struct proto_msg){ .type = PROTO_VERDICT };
	m.u.verdict.verdict = (int32_t)v;
	m.u.verdict.line = line;
	m.u.verdict.at_ns = at > j->start_ns ? at - j->start_ns : 0;
	snprintf(m.u.verdict.cls, sizeof(m.u.verdict.cls), "%s",
		 j->cls ? j->cls : verdict_name(v));
	/* longer texts are cut, as the report's fields would cut them */
	snprintf(m.u.verdict.expected, sizeof(m.u.verdict.expected), "%.*s",
		 (int)sizeof(m.u.verdict.expected) - 1,
		 expected ? expected : "");
	snprintf(m.u.verdict.observed, sizeof(m.u.verdict.observed), "%.*s",
		 (int)sizeof(m.u.verdict.observed) - 1,
		 observed ? observed : "");
	job_send(j, &m);
	_exit(0);
}

static struct dev *job_find_dev(struct job *j, const char *name)
{
	for (size_t i = 0; i < j->n_devs; i++)
		if (!strcmp(j->devs[i].decl->name, name))
			return &j->devs[i];
	return NULL;
}

static struct queue *job_find_queue(struct job *j, const char *name)
{
	for (size_t i = 0; i < j->n_queues; i++)
		if (!strcmp(j->queues[i].name, name))
			return &j->queues[i];
	return NULL;
}

static struct reader_rt *job_find_reader(struct job *j, const char *name)
{
	for (size_t i = 0; i < j->n_readers; i++)
		if (!strcmp(j->readers[i].decl->name, name))
			return &j->readers[i];
	return NULL;
}

static int job_fail_step(struct job *j, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

/* ---- readers ---------------------------------------------------------- */

/* The emit callback every backend calls, from any thread. */
static int job_emit(struct tuncheck_reader *r, const struct tuncheck_event *ev)
{
	struct reader_rt *rt = r->harness_data;
	const struct job_inject *inj = &rt->job->o->inject;
	struct tl_event e = {
		.t_ns = now_ns(),
		.reader = rt->index,
		.type = ev->type,
		.err = ev->err,
		.value = ev->value,
		.proto = PROTO_OTHER,
	};

	if (ev->type == TUNCHECK_EV_WAKE && inj->no_wake)
		return 0;
	if (ev->type == TUNCHECK_EV_READ) {
		if (inj->drop_read_every &&
		    ++rt->n_reads % inj->drop_read_every == 0)
			return 0;
		e.len = (uint32_t)ev->len;
		e.proto = packet_classify(ev->data, ev->len, rt->pi);
		capture_packet(rt->job->pcap, ev->data, ev->len, rt->pi);
	}
	/* the totals the runner gets (compare): what the timeline holds */
	if (e.type == TUNCHECK_EV_WAKE)
		__atomic_add_fetch(&rt->job->counts.wakes, 1, __ATOMIC_RELAXED);
	if (e.type == TUNCHECK_EV_READ)
		__atomic_add_fetch(&rt->job->counts.reads, 1, __ATOMIC_RELAXED);
	if (e.type == TUNCHECK_EV_ERROR) {
		int32_t none = 0;

		__atomic_compare_exchange_n(&rt->job->counts.first_err, &none,
					    e.err, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	}
	if (rt->job->o->log_fd >= 0)
		dprintf(rt->job->o->log_fd,
			"%llu r%d type=%d err=%d value=%lld len=%u proto=%s\n",
			(unsigned long long)(e.t_ns - rt->job->start_ns),
			e.reader, e.type, e.err, (long long)e.value, e.len,
			proto_name(e.proto));
	return timeline_append(&rt->job->tl, &e);
}

/* The backend's fail hook: the job ends with verdict error. */
static void job_backend_fail(struct tuncheck_reader *r, const char *msg)
{
	struct reader_rt *rt = r->harness_data;
	char what[96];

	snprintf(what, sizeof(what), "backend %s working", rt->job->ops->name);
	job_finish(rt->job, VERDICT_ERROR, rt->decl->line, now_ns(), what, msg);
}

static void *job_reader_thread(void *arg)
{
	struct reader_rt *rt = arg;
	struct tuncheck_event ev = { .type = TUNCHECK_EV_RETURN };
	int ret = rt->job->ops->run(&rt->r);

	ev.err = ret < 0 ? -ret : 0;
	ev.value = ret;
	job_emit(&rt->r, &ev);
	return NULL;
}

/* Wait until reader rt reported READY (or returned): 0 or -ETIMEDOUT. */
static int job_reader_wait_ready(struct job *j, struct reader_rt *rt)
{
	uint64_t until = now_ns() + READY_TIMEOUT_NS;
	size_t seen = 0;
	int ret = -ETIMEDOUT;

	pthread_mutex_lock(&j->tl.lock);
	while (ret && now_ns() < until) {
		for (; seen < j->tl.n; seen++) {
			const struct tl_event *e = &j->tl.ev[seen];

			if (e->reader == rt->index &&
			    (e->type == TUNCHECK_EV_READY ||
			     e->type == TUNCHECK_EV_RETURN))
				ret = 0;
		}
		if (ret)
			timeline_wait_locked(&j->tl, seen, until);
	}
	pthread_mutex_unlock(&j->tl.lock);
	return ret;
}

static int step_reader(struct job *j, const struct step *s)
{
	struct queue *q = job_find_queue(j, s->name2);
	struct reader_rt *rt = &j->readers[j->n_readers];
	int ret;

	rt->job = j;
	rt->decl = s;
	rt->index = (int)j->n_readers;
	rt->pi = q->dev->decl->u.tun.pi;
	rt->r.ops = j->ops;
	rt->r.fd = q->fd;
	rt->r.bufsize = s->u.reader.bufsize;
	rt->r.drain = (enum tuncheck_drain)s->u.reader.drain;
	rt->r.nonblock = s->u.reader.nonblock;
	/* harness-level reader options; the rest goes to the backend */
	for (size_t i = 0; i < s->u.reader.n_params; i++) {
		const char *p = s->u.reader.params[i];

		if (!strcmp(p, "errors=retry") || !strcmp(p, "errors=return"))
			rt->r.retry_errors = !strcmp(p, "errors=retry");
		else
			rt->params[rt->r.n_params++] = p;
	}
	rt->r.params = rt->params;
	rt->r.emit = job_emit;
	rt->r.fail = job_backend_fail;
	rt->r.harness_data = rt;
	if (s->u.reader.nonblock &&
	    fcntl(q->fd, F_SETFL, fcntl(q->fd, F_GETFL) | O_NONBLOCK) < 0)
		return job_fail_step(j, errno, "fcntl(O_NONBLOCK) on %s: %s",
				     q->name, strerror(errno));
	ret = pthread_create(&rt->thread, NULL, job_reader_thread, rt);
	if (ret)
		return job_fail_step(j, ret, "pthread_create for reader %s: %s",
				     s->name, strerror(ret));
	j->n_readers++;
	q->reader = rt->index;
	if (job_reader_wait_ready(j, rt))
		return job_fail_step(j, ETIMEDOUT,
				     "backend %s never reported ready for %s",
				     j->ops->name, s->name);
	return 0;
}

/* ---- devices and queues ----------------------------------------------- */

static int step_tun(struct job *j, const struct step *s)
{
	const struct tun_opts o = {
		.tap = s->u.tun.tap,
		.pi = s->u.tun.pi,
		.multi_queue = s->u.tun.multi_queue,
	};
	struct dev *d = &j->devs[j->n_devs];
	char key[128];
	int ret;

	/* before the device exists: no SLAAC, RS or MLD unless asked */
	if (!s->u.tun.ipv6) {
		snprintf(key, sizeof(key),
			 "net.ipv6.conf.default.disable_ipv6");
		sysctl_set(key, "1");
	}
	ret = tun_device_create(s->name, &o);
	if (ret < 0)
		return job_fail_step(j, ret, "create tun %s: %s", s->name,
				     strerror(-ret));
	d->decl = s;
	d->ifindex = ret;
	j->n_devs++;
	/* one link type per file: the first device's */
	if (j->o->pcap_fd >= 0 && !j->pcap)
		j->pcap = capture_open(j->o->pcap_fd, s->u.tun.tap,
				       j->o->pcap_max);
	if (!s->u.tun.ipv6) {
		snprintf(key, sizeof(key), "net.ipv6.conf.%s.disable_ipv6",
			 s->name);
		ret = sysctl_set(key, "1");
		if (ret < 0)
			return job_fail_step(j, ret, "sysctl %s: %s", key,
					     strerror(-ret));
	}
	if (s->u.tun.mtu &&
	    (ret = link_set_mtu(j->nl, d->ifindex, s->u.tun.mtu)) < 0)
		return job_fail_step(j, ret, "%s", nl_error(j->nl));
	if (s->u.tun.txqlen &&
	    (ret = link_set_txqlen(j->nl, d->ifindex, s->u.tun.txqlen)) < 0)
		return job_fail_step(j, ret, "%s", nl_error(j->nl));
	for (size_t i = 0; i < s->u.tun.n_addr; i++) {
		const struct case_addr *a = &s->u.tun.addr[i];

		ret = addr_add(j->nl, d->ifindex, a->family, &a->a, a->prefix);
		if (ret < 0)
			return job_fail_step(j, ret, "%s", nl_error(j->nl));
	}
	return 0;
}

static int queue_attach(struct job *j, struct queue *q)
{
	const struct step *t = q->dev->decl;
	const struct tun_opts o = {
		.tap = t->u.tun.tap,
		.pi = t->u.tun.pi,
		.multi_queue = t->u.tun.multi_queue,
	};
	int ret;

	if (q->ever_attached)
		ret = tun_queue_attach(q->fd);
	else
		ret = tun_queue_setiff(q->fd, t->name, &o);
	if (ret < 0)
		return job_fail_step(j, ret, "attach %s to %s: %s", q->name,
				     t->name, strerror(-ret));
	q->ever_attached = true;
	return 0;
}

static int step_open(struct job *j, const struct step *s)
{
	struct queue *q = &j->queues[j->n_queues];
	int fd = tun_queue_open();

	if (fd < 0)
		return job_fail_step(j, fd, "open /dev/net/tun for %s: %s",
				     s->name, strerror(-fd));
	snprintf(q->name, sizeof(q->name), "%s", s->name);
	q->fd = fd;
	q->dev = job_find_dev(j, s->name2);
	q->reader = -1;
	j->n_queues++;
	return s->u.open.attach ? queue_attach(j, q) : 0;
}

static int step_dup(struct job *j, const struct step *s)
{
	struct queue *q = job_find_queue(j, s->name);
	struct queue *d = &j->queues[j->n_queues];
	int fd = fcntl(q->fd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return job_fail_step(j, errno, "dup %s: %s", q->name,
				     strerror(errno));
	*d = *q;
	snprintf(d->name, sizeof(d->name), "%s", s->name2);
	d->fd = fd;
	d->reader = -1;
	j->n_queues++;
	return 0;
}

/* Close from the controller: the backend's own close hook if it has one. */
static int step_close(struct job *j, const struct step *s)
{
	struct queue *q = job_find_queue(j, s->name);
	int ret = 0;

	if (q->reader >= 0 && j->ops->close)
		ret = j->ops->close(&j->readers[q->reader].r);
	else if (close(q->fd) < 0)
		ret = -errno;
	q->closed = true;
	if (ret < 0)
		return job_fail_step(j, ret, "close %s: %s", q->name,
				     strerror(-ret));
	return 0;
}

static int step_link(struct job *j, const struct step *s)
{
	struct dev *d = job_find_dev(j, s->name);
	int ret;

	switch (s->u.link.op) {
	case LINK_UP:
	case LINK_DOWN:
		ret = link_set_up(j->nl, d->ifindex, s->u.link.op == LINK_UP);
		break;
	default:
		ret = link_delete(j->nl, d->ifindex);
		break;
	}
	return ret < 0 ? job_fail_step(j, ret, "%s", nl_error(j->nl)) : 0;
}

/* ---- traffic ---------------------------------------------------------- */

static void send_record(struct send_result *r, int err)
{
	r->total++;
	if (!err) {
		r->ok++;
		return;
	}
	for (size_t i = 0; i < r->n_errs; i++) {
		if (r->errs[i] == err) {
			r->err_count[i]++;
			return;
		}
	}
	if (r->n_errs < SEND_ERRS_MAX) {
		r->errs[r->n_errs] = err;
		r->err_count[r->n_errs++] = 1;
	}
}

static void pace(uint64_t interval_ns, long i)
{
	struct timespec ts = {
		.tv_sec = (time_t)(interval_ns / 1000000000ull),
		.tv_nsec = (long)(interval_ns % 1000000000ull),
	};

	if (interval_ns && i > 0)
		nanosleep(&ts, NULL);
}

/* The device's first address of `family`, or NULL. */
static const struct case_addr *dev_addr(const struct dev *d, int family)
{
	for (size_t i = 0; i < d->decl->u.tun.n_addr; i++)
		if (d->decl->u.tun.addr[i].family == family)
			return &d->decl->u.tun.addr[i];
	return NULL;
}

/*
 * Move one of the controller's own fds to a high number, so it never takes
 * the number of a queue fd a case just closed: a reader that still uses
 * that number must see EBADF, not the controller's socket.
 */
static int job_fd_high(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, 512);

	if (hi < 0)
		return fd;
	close(fd);
	return hi;
}

/* What a send into a queue writes: resolved addresses and a buffer. */
struct send_pkt {
	const struct case_addr *to, *from;
	bool pi;
	uint8_t *buf; /* send_prepare() allocates, the caller frees */
	size_t cap;
};

/* The directive a send_pkt serves, for messages. */
static const char *send_label(const struct step *s)
{
	return s->kind == STEP_PINGPONG ? "pingpong" : "send";
}

/*
 * Resolve the addresses of send step s (or pingpong) into q: `to` defaults
 * to the device's address, `from` to its peer.  0 or -errno.
 */
static int send_prepare(struct job *j, const struct step *s,
			const struct queue *q, struct send_pkt *p)
{
	const struct dev *d = q->dev;
	const struct case_addr *to = &s->u.send.to, *from = &s->u.send.from;

	if (!to->family) {
		int fam = from->family ? from->family : AF_INET;

		to = dev_addr(d, fam);
		if (!to && !from->family)
			to = dev_addr(d, fam = AF_INET6);
		if (!to)
			return job_fail_step(j, EINVAL,
					     "%s: %s has no address to send to",
					     send_label(s), d->decl->name);
	}
	if (!from->family)
		from = to->family == AF_INET ? &d->decl->u.tun.peer4
					     : &d->decl->u.tun.peer6;
	p->to = to;
	p->from = from;
	p->pi = d->decl->u.tun.pi;
	p->cap = s->u.send.size + 128;
	p->buf = malloc(p->cap);
	return p->buf ? 0 : -ENOMEM;
}

/*
 * Build packet i of step s into p->buf (echo sequence i + 1) and record it
 * in the pcap: its length, or 0 with the step's error set.
 */
static size_t send_build(struct job *j, const struct step *s,
			 struct send_pkt *p, long i)
{
	size_t len;

	if (s->u.send.proto == PROTO_UDP)
		len = packet_build_udp(p->buf, p->cap, p->from, p->to, 40000,
				       s->u.send.port, s->u.send.size, p->pi);
	else
		len = packet_build_echo(p->buf, p->cap, p->from, p->to, 0x7c01,
					(uint16_t)(i + 1), s->u.send.size,
					p->pi);
	if (!len)
		job_fail_step(j, EINVAL,
			      "%s: cannot build a packet from "
			      "these addresses",
			      send_label(s));
	else
		capture_packet(j->pcap, p->buf, len, p->pi);
	return len;
}

/* Echo requests or UDP written into a queue fd, for the kernel to take. */
static int send_into(struct job *j, const struct step *s, struct queue *q)
{
	struct send_pkt p;
	int ret = send_prepare(j, s, q, &p);

	if (ret < 0)
		return ret;
	for (long i = 0; i < s->u.send.count; i++) {
		size_t len;

		pace(s->u.send.interval_ns, i);
		len = send_build(j, s, &p, i);
		if (!len) {
			ret = -EINVAL;
			break;
		}
		send_record(&j->last_send,
			    write(q->fd, p.buf, len) < 0 ? errno : 0);
	}
	free(p.buf);
	return ret;
}

/* Kernel-originated traffic: a socket in the namespace sends via the tun. */
static int send_from_ns(struct job *j, const struct step *s)
{
	const struct case_addr *to = &s->u.send.to;
	bool v6 = to->family == AF_INET6, udp = s->u.send.proto == PROTO_UDP;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	size_t cap = s->u.send.size + 128, len, hdr = v6 ? 40 : 20;
	uint8_t *buf;
	int fd;

	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = to->a.v6;
		a->sin6_port = udp ? htons(s->u.send.port) : 0;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr = to->a.v4;
		a->sin_port = udp ? htons(s->u.send.port) : 0;
		sl = sizeof(*a);
	}
	fd = socket(to->family, (udp ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC,
		    udp ? 0 : (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP));
	if (fd < 0)
		return job_fail_step(j, errno, "send: socket: %s",
				     strerror(errno));
	fd = job_fd_high(fd);
	buf = calloc(1, cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (long i = 0; i < s->u.send.count; i++) {
		const void *p = buf;

		pace(s->u.send.interval_ns, i);
		len = s->u.send.size;
		if (!udp) {
			/* the kernel adds the IP header; ICMPv6 sums itself */
			len = packet_build_echo(buf, cap, to, to, 0x7c02,
						(uint16_t)(i + 1),
						s->u.send.size, false) -
			      hdr;
			p = buf + hdr;
		}
		send_record(&j->last_send,
			    sendto(fd, p, len, 0, (struct sockaddr *)&ss, sl) <
					    0
				    ? errno
				    : 0);
	}
	free(buf);
	close(fd);
	return 0;
}

static int step_send(struct job *j, const struct step *s)
{
	memset(&j->last_send, 0, sizeof(j->last_send));
	j->last_send.line = s->line;
	if (s->u.send.from_ns)
		return send_from_ns(j, s);
	return send_into(j, s, job_find_queue(j, s->name2));
}

static int step_write(struct job *j, const struct step *s)
{
	struct queue *q = job_find_queue(j, s->name);

	memset(&j->last_send, 0, sizeof(j->last_send));
	j->last_send.line = s->line;
	for (long i = 0; i < s->u.write.count; i++) {
		capture_packet(j->pcap, s->u.write.bytes, s->u.write.len,
			       q->dev->decl->u.tun.pi);
		send_record(&j->last_send,
			    write(q->fd, s->u.write.bytes, s->u.write.len) < 0
				    ? errno
				    : 0);
	}
	return 0;
}

/* Ascending order of two uint64_t, for qsort(). */
static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Wait until reader ri reads an echo reply at timeline index *cursor or
 * later, or until `until`, counting the reader's wakes on the way.  t_wake
 * is its last WAKE stamped at or after t_write before that read (the read
 * itself if none).  0, -EPIPE if the reader returned, or -ETIMEDOUT.
 */
static int pingpong_wait(struct job *j, int ri, size_t *cursor,
			 uint64_t t_write, uint64_t until, uint64_t *t_wake,
			 uint64_t *t_read, long *wakes)
{
	int ret = -ETIMEDOUT;

	*t_wake = 0;
	pthread_mutex_lock(&j->tl.lock);
	while (ret == -ETIMEDOUT) {
		for (; *cursor < j->tl.n && ret == -ETIMEDOUT; (*cursor)++) {
			const struct tl_event *e = &j->tl.ev[*cursor];

			if (e->reader != ri)
				continue;
			if (e->type == TUNCHECK_EV_WAKE) {
				(*wakes)++;
				if (e->t_ns >= t_write)
					*t_wake = e->t_ns;
			} else if (e->type == TUNCHECK_EV_READ &&
				   e->proto == PROTO_ICMP_REPLY) {
				*t_read = e->t_ns;
				if (!*t_wake)
					*t_wake = e->t_ns;
				ret = 0;
			} else if (e->type == TUNCHECK_EV_RETURN) {
				ret = -EPIPE;
			}
		}
		if (ret != -ETIMEDOUT || now_ns() >= until)
			break;
		timeline_wait_locked(&j->tl, *cursor, until);
	}
	pthread_mutex_unlock(&j->tl.lock);
	return ret;
}

/*
 * pingpong Q count=N: write one echo request into Q (as `send icmp-echo
 * into=Q`), wait for the reader on Q to read the reply, N times.  Ends
 * with "note bench ...": round trips per second, wakes per packet and the
 * wake latency (request written to the reader's wake) p50/p99.
 */
static int step_pingpong(struct job *j, const struct step *s)
{
	struct queue *q = job_find_queue(j, s->name2);
	long n = s->u.send.count, wakes = 0;
	uint64_t *lat, t_first = 0, t_read = 0, span;
	struct proto_msg bench;
	struct send_pkt p;
	size_t cursor;
	int ret;

	if (q->reader < 0)
		return job_fail_step(j, EINVAL, "pingpong: no reader on %s",
				     q->name);
	lat = malloc((size_t)n * sizeof(*lat));
	if (!lat)
		return -ENOMEM;
	ret = send_prepare(j, s, q, &p);
	if (ret < 0)
		goto free_lat;
	pthread_mutex_lock(&j->tl.lock);
	cursor = j->tl.n;
	pthread_mutex_unlock(&j->tl.lock);
	for (long i = 0; i < n; i++) {
		size_t len = send_build(j, s, &p, i);
		uint64_t t_write, t_wake;

		if (!len) {
			ret = -EINVAL;
			goto free_buf;
		}
		t_write = now_ns();
		if (write(q->fd, p.buf, len) < 0) {
			ret = job_fail_step(j, errno,
					    "pingpong: write request "
					    "%ld into %s: %s",
					    i + 1, q->name, strerror(errno));
			goto free_buf;
		}
		ret = pingpong_wait(j, q->reader, &cursor, t_write,
				    t_write + PINGPONG_REPLY_NS, &t_wake,
				    &t_read, &wakes);
		if (ret == -EPIPE) {
			job_fail_step(j, ret,
				      "pingpong: reader on %s returned "
				      "before the reply to request %ld",
				      q->name, i + 1);
			goto free_buf;
		}
		if (ret < 0) {
			job_fail_step(j, ret,
				      "pingpong: no reply to request "
				      "%ld within 1s",
				      i + 1);
			goto free_buf;
		}
		lat[i] = t_wake - t_write;
		if (!i)
			t_first = t_write;
	}
	/* what the pingpong read is not for later expectations to count */
	for (size_t k = 0; k <= EXPECT_LINK; k++)
		j->readers[q->reader].cursor[k] = cursor;
	qsort(lat, (size_t)n, sizeof(*lat), u64_cmp);
	span = t_read > t_first ? t_read - t_first : 1;
	/* nearest rank: the ceil(p * n)-th smallest */
	bench.type = PROTO_BENCH;
	bench.u.bench = (struct proto_bench){
		.rt_per_s = (double)n * 1e9 / (double)span,
		.wakes_per_pkt = (double)wakes / (double)n,
		.p50_us = (double)lat[(n * 50 + 99) / 100 - 1] / 1e3,
		.p99_us = (double)lat[(n * 99 + 99) / 100 - 1] / 1e3,
		.n = n,
	};
	job_send(j, &bench);
free_buf:
	free(p.buf);
free_lat:
	free(lat);
	return ret;
}

/* ---- expectations ----------------------------------------------------- */

/* The device's drop counters (IFLA_STATS64), summed; `why` says which. */
static uint64_t dev_dropped(struct job *j, const struct dev *d, char *why,
			    size_t size)
{
	struct link_info li;

	if (link_get(j->nl, d->ifindex, &li) < 0 || !li.has_stats)
		return 0;
	snprintf(why, size, "%s counters: rx_dropped %llu, tx_dropped %llu",
		 d->decl->name, (unsigned long long)li.stats.rx_dropped,
		 (unsigned long long)li.stats.tx_dropped);
	return li.stats.rx_dropped + li.stats.tx_dropped;
}

static bool fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* Has reader `index` ended its loop (a RETURN event)? */
static bool reader_returned(struct job *j, int index)
{
	bool ret = false;

	pthread_mutex_lock(&j->tl.lock);
	for (size_t i = 0; i < j->tl.n && !ret; i++)
		ret = j->tl.ev[i].reader == index &&
		      j->tl.ev[i].type == TUNCHECK_EV_RETURN;
	pthread_mutex_unlock(&j->tl.lock);
	return ret;
}

/* Evaluate a reader expectation, waiting on the timeline as needed. */
static enum expect_state expect_reader(struct job *j, const struct step *s,
				       struct expect_eval *x)
{
	const struct expect *e = &s->u.expect;
	struct reader_rt *rt = job_find_reader(j, e->subject);
	struct queue *q = NULL;
	struct dev *d = NULL;
	enum expect_state st;
	char counters[160] = "";
	size_t last_n = 0, samples = 0, readable = 0;
	uint64_t last_dropped = 0, last_change = now_ns();
	bool polled = e->kind == EXPECT_READS || e->kind == EXPECT_WAKES;

	for (size_t i = 0; i < j->n_queues; i++)
		if (j->queues[i].reader == rt->index)
			q = &j->queues[i];
	d = q ? q->dev : NULL;
	x->e = e;
	x->reader = rt->index;
	x->cursor = rt->cursor[e->kind];
	x->start_ns = now_ns();
	pthread_mutex_lock(&j->tl.lock);
	for (;;) {
		uint64_t until = x->start_ns + e->window_ns, now;
		size_t seen;

		if (e->kind == EXPECT_READS && d) {
			pthread_mutex_unlock(&j->tl.lock);
			x->dropped =
				dev_dropped(j, d, counters, sizeof(counters)) -
				d->dropped_accounted;
			pthread_mutex_lock(&j->tl.lock);
		}
		now = now_ns();
		/* ground truth for "lost wakeup": is data waiting right now? */
		bool r = q && !q->closed && fd_readable(q->fd);

		samples += polled;
		readable += polled && r;
		if (j->tl.n != last_n || x->dropped != last_dropped || r) {
			last_n = j->tl.n;
			last_dropped = x->dropped;
			last_change = now;
		}
		/*
		 * A reads expectation that nothing can still satisfy fails
		 * early: no event, no drop and an empty queue for SETTLE_NS.
		 */
		x->settled = e->kind == EXPECT_READS &&
			     now - last_change >= SETTLE_NS;
		st = expect_evaluate(x, j->tl.ev, j->tl.n, now);
		if (st != EXPECT_PENDING)
			break;
		if (polled && now + CONSERVE_POLL_NS < until)
			until = now + CONSERVE_POLL_NS;
		seen = j->tl.n;
		timeline_wait_locked(&j->tl, seen, until);
	}
	pthread_mutex_unlock(&j->tl.lock);
	if (st == EXPECT_FAIL && x->too_few && samples >= 2 &&
	    readable == samples && !reader_returned(j, rt->index)) {
		size_t l = strlen(x->observed);

		j->cls = "lost-wakeup";
		snprintf(x->observed + l, sizeof(x->observed) - l,
			 "; lost wakeup: poll() on %s said POLLIN in all %zu "
			 "checks of the window",
			 q->name, samples);
	}
	if (st == EXPECT_PASS) {
		rt->cursor[e->kind] = x->next_cursor;
		/*
		 * blocked, no-wake, wakes and error count what happened
		 * since this expectation was decided; reads and returns keep
		 * their own cursors.
		 */
		rt->cursor[EXPECT_BLOCKED] = x->next_cursor;
		rt->cursor[EXPECT_NO_WAKE] = x->next_cursor;
		rt->cursor[EXPECT_WAKES] = x->next_cursor;
		rt->cursor[EXPECT_ERROR] = x->next_cursor;
		if (e->conserve && d && x->dropped) {
			d->dropped_accounted += x->dropped;
			job_note(j, "line %u: %s (%s)", s->line, x->observed,
				 counters);
		}
	}
	return st;
}

/* Ground truth from the controller: a zero-timeout poll() on the queue. */
static enum expect_state expect_readable(struct job *j, const struct expect *e,
					 struct expect_eval *x)
{
	struct queue *q = job_find_queue(j, e->subject);
	uint64_t end = now_ns() + e->window_ns;
	bool r;

	snprintf(x->expected, sizeof(x->expected), "%s %s%s", q->name,
		 e->negate ? "not readable" : "readable",
		 e->window_ns ? (e->negate ? " for the window"
					   : " within the window")
			      : "");
	for (;;) {
		struct timespec ts = { 0, READABLE_POLL_NS };

		r = fd_readable(q->fd);
		x->at_ns = now_ns();
		/* decided: readable (pass, or fail when negated) or window over */
		if (r || x->at_ns >= end)
			break;
		nanosleep(&ts, NULL);
	}
	snprintf(x->observed, sizeof(x->observed), "poll() says %s",
		 r ? "POLLIN" : "not readable");
	return r != e->negate ? EXPECT_PASS : EXPECT_FAIL;
}

static enum expect_state expect_send(struct job *j, const struct expect *e,
				     struct expect_eval *x)
{
	const struct send_result *r = &j->last_send;
	long want = e->count > 0 ? e->count : r->total, got = 0;
	char *o = x->observed;
	size_t off;

	if (e->err) {
		for (size_t i = 0; i < r->n_errs; i++)
			if (r->errs[i] == e->err)
				got = r->err_count[i];
		snprintf(x->expected, sizeof(x->expected),
			 "%ld of the writes at line %u fail with %s", want,
			 r->line, errno_name(e->err));
	} else {
		got = r->ok;
		snprintf(x->expected, sizeof(x->expected),
			 "all %ld writes at line %u succeed", want, r->line);
	}
	off = (size_t)snprintf(o, sizeof(x->observed), "%ld of %ld ok", r->ok,
			       r->total);
	for (size_t i = 0; i < r->n_errs && off < sizeof(x->observed); i++)
		off += (size_t)snprintf(o + off, sizeof(x->observed) - off,
					", %ld %s", r->err_count[i],
					errno_name(r->errs[i]));
	x->at_ns = now_ns();
	return got == want ? EXPECT_PASS : EXPECT_FAIL;
}

static enum expect_state expect_link(struct job *j, const struct expect *e,
				     struct expect_eval *x)
{
	struct dev *d = job_find_dev(j, e->subject);
	struct link_info li;
	bool up;

	snprintf(x->expected, sizeof(x->expected), "%s is %s", e->subject,
		 e->negate ? "down" : "up");
	x->at_ns = now_ns();
	if (link_get(j->nl, d->ifindex, &li) < 0) {
		snprintf(x->observed, sizeof(x->observed), "%s",
			 nl_error(j->nl));
		return EXPECT_FAIL;
	}
	up = li.flags & IFF_UP;
	snprintf(x->observed, sizeof(x->observed), "%s is %s (flags 0x%x)",
		 e->subject, up ? "up" : "down", li.flags);
	return up != e->negate ? EXPECT_PASS : EXPECT_FAIL;
}

/* The matrix's failure class of a failed expectation. */
static const char *expect_fail_class(const struct expect *e,
				     const struct expect_eval *x)
{
	switch (e->kind) {
	case EXPECT_READS:
		return "count";
	case EXPECT_WAKES:
		return "wakeups";
	case EXPECT_BLOCKED:
	case EXPECT_NO_WAKE:
		return "woke";
	case EXPECT_RETURNS:
		return x->returned ? "errno" : "hang";
	case EXPECT_ERROR:
	case EXPECT_SEND:
		return "errno";
	default:
		return "state";
	}
}

/*
 * An xfail reason may start with the failure class it documents
 * ("lost-wakeup: ..."): then only a failure of that class is an xfail.
 */
static bool xfail_class_matches(const char *reason, const char *cls)
{
	static const char *const classes[] = {
		"count", "wakeups", "woke",	   "hang",
		"errno", "state",   "lost-wakeup",
	};
	size_t n = strcspn(reason, ":");

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i]) == n && !strncmp(reason, classes[i], n))
			return !strcmp(classes[i], cls);
	return true; /* no class named: any failure */
}

static void step_expect(struct job *j, const struct step *s)
{
	const struct expect *e = &s->u.expect;
	const char *reason = expect_xfail_reason(e, j->ops->name);
	bool xf = reason != NULL;
	struct expect_eval x = { 0 };
	enum expect_state st;

	if (expect_on_timeline(e))
		st = expect_reader(j, s, &x);
	else if (e->kind == EXPECT_READABLE)
		st = expect_readable(j, e, &x);
	else if (e->kind == EXPECT_SEND)
		st = expect_send(j, e, &x);
	else
		st = expect_link(j, e, &x);
	if (st == EXPECT_FAIL && !j->cls)
		j->cls = expect_fail_class(e, &x);
	if (st == EXPECT_FAIL && xf && !xfail_class_matches(reason, j->cls)) {
		/* it failed, but not the way the case documents */
		char obs[800];

		snprintf(obs, sizeof(obs), "%s (class %s; documented: %s)",
			 x.observed, j->cls, reason);
		job_finish(j, VERDICT_FAIL, s->line, x.at_ns, x.expected, obs);
	}
	if (st == EXPECT_FAIL) {
		char obs[800];

		snprintf(obs, sizeof(obs), "%s%s%s", x.observed,
			 xf ? " — documented: " : "", xf ? reason : "");
		job_finish(j, xf ? VERDICT_XFAIL : VERDICT_FAIL, s->line,
			   x.at_ns, x.expected, obs);
	}
	if (xf && !j->xpass) {
		j->xpass = true;
		j->xpass_line = s->line;
	}
}

/*
 * Have the reader's backend redo its registration (after a late attach):
 * a strategy without a rearm hook has nothing to redo.
 */
static int step_rearm(struct job *j, const struct step *s)
{
	struct reader_rt *rt = job_find_reader(j, s->name);
	int ret;

	if (!j->ops->rearm)
		return 0;
	ret = j->ops->rearm(&rt->r, s->u.rearm.how);
	return ret < 0 ? job_fail_step(j, ret, "rearm %s: %s", s->name,
				       strerror(-ret))
		       : 0;
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
		if (proto_sendf(j->out_fd, PROTO_BLOCKED, "%s", text) < 0)
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

/* ---- main ------------------------------------------------------------- */

static int job_step(struct job *j, const struct step *s)
{
	struct timespec ts;

	switch (s->kind) {
	case STEP_TUN:
		return step_tun(j, s);
	case STEP_SYSCTL: {
		int ret = sysctl_set(s->u.sysctl.key, s->u.sysctl.value);

		return ret < 0 ? job_fail_step(j, ret, "sysctl %s=%s: %s",
					       s->u.sysctl.key,
					       s->u.sysctl.value,
					       strerror(-ret))
			       : 0;
	}
	case STEP_OPEN:
		return step_open(j, s);
	case STEP_ATTACH:
		return queue_attach(j, job_find_queue(j, s->name));
	case STEP_DETACH: {
		int ret = tun_queue_detach(job_find_queue(j, s->name)->fd);

		return ret < 0 ? job_fail_step(j, ret, "detach %s: %s", s->name,
					       strerror(-ret))
			       : 0;
	}
	case STEP_CLOSE:
		return step_close(j, s);
	case STEP_DUP:
		return step_dup(j, s);
	case STEP_READER:
		return step_reader(j, s);
	case STEP_LINK:
		return step_link(j, s);
	case STEP_MTU: {
		int ret = link_set_mtu(j->nl, job_find_dev(j, s->name)->ifindex,
				       s->u.mtu.mtu);

		return ret < 0 ? job_fail_step(j, ret, "%s", nl_error(j->nl))
			       : 0;
	}
	case STEP_SEND:
		return step_send(j, s);
	case STEP_WRITE:
		return step_write(j, s);
	case STEP_PINGPONG:
		return step_pingpong(j, s);
	case STEP_REARM:
		return step_rearm(j, s);
	case STEP_SLEEP:
		ts.tv_sec = (time_t)(s->u.sleep.ns / 1000000000ull);
		ts.tv_nsec = (long)(s->u.sleep.ns % 1000000000ull);
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		return 0;
	case STEP_EXPECT:
		step_expect(j, s);
		return 0;
	}
	return job_fail_step(j, EINVAL, "unknown step kind %d", s->kind);
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
	ret = sandbox_enter(o->runner, why, sizeof(why));
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
	backend_exec_child_hook(lockdown_nest);
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
	for (size_t i = 0; i < c->n_steps; i++) {
		const struct step *s = &c->steps[i];

		job_send(&j, &(struct proto_msg){ .type = PROTO_STEP,
						  .u.step = s->line });
		ret = job_step(&j, s);
		if (ret < 0)
			job_finish(&j, VERDICT_ERROR, s->line, now_ns(),
				   "the step to run", j.err);
	}
	if (j.xpass)
		job_finish(&j, VERDICT_XPASS, j.xpass_line, now_ns(),
			   "a documented failure (xfail)",
			   "the expectation passed");
	job_finish(&j, VERDICT_PASS, 0, now_ns(), "", "");
}
