// SPDX-License-Identifier: MIT
/*
 * Traffic of a job: packets written into a queue or sent from the
 * namespace, and pingpong's timed round trips.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "capture.h"
#include "controller.h"
#include "packet.h"
#include "stats.h"

#define PINGPONG_REPLY_NS 1000000000ull /* a pingpong reply must come by then */

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

/*
 * A packet the controller sent, after the fact: a timeline log line ("ctl
 * write q0 len=84 ok", "ctl send len=84 errno=ENETDOWN" from the
 * namespace, q NULL); written into q, the pcapng's inbound packet with
 * write()'s result; with record, counted for `expect send`.
 */
static void traffic_sent(struct job *j, const struct queue *q,
			 const struct step *s, const void *buf, size_t len,
			 int err, bool record)
{
	const char *res = err ? errno_name(err) : "ok";

	job_log(j, now_ns(), "ctl %s%s len=%zu %s%s", q ? "write " : "send",
		q ? q->name : "", len, err ? "errno=" : "", res);
	if (q && j->pcap) {
		char why[96];

		snprintf(why, sizeof(why),
			 "written into %s by the controller, line %u: %s",
			 q->name, s->line, res);
		capture_packet(j->pcap, buf, len,
			       packet_hdr_len(dev_layout(q->dev) &
					      (PKT_PI | PKT_VNET)),
			       CAPTURE_IN, why);
	}
	if (record)
		send_record(&j->last_send, err);
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
	unsigned layout; /* PKT_PI, PKT_ETH (a tap: Ethernet frames) */
	const uint8_t *dmac, *smac; /* a tap: the device's, the peer's */
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
	p->layout = dev_layout(d);
	p->dmac = d->mac;
	p->smac = d->decl->u.tun.peer_mac;
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
	const size_t hl = packet_hdr_len(p->layout);
	size_t len;

	/* the IP packet after the headers, then the headers (tun_pi, and
	 * Ethernet on a tap: from the peer's MAC to the device's) */
	if (s->u.send.proto == PROTO_UDP)
		len = packet_build_udp(p->buf + hl, p->cap - hl, p->from, p->to,
				       40000, s->u.send.port, s->u.send.size,
				       false);
	else
		len = packet_build_echo(p->buf + hl, p->cap - hl, p->from,
					p->to, 0x7c01, (uint16_t)(i + 1),
					s->u.send.size, false);
	if (len)
		len = packet_wrap(p->buf, len, p->layout, p->dmac, p->smac);
	if (!len)
		job_fail_step(j, EINVAL,
			      "%s: cannot build a packet from "
			      "these addresses",
			      send_label(s));
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
		int err = write(q->fd, p.buf, len) < 0 ? errno : 0;

		traffic_sent(j, q, s, p.buf, len, err, true);
	}
	free(p.buf);
	return ret;
}

/* One socket of send_from_ns: count packets from its own source port;
 * the socket stays open (*out) so the next one gets another port. */
static int send_from_socket(struct job *j, const struct step *s,
			    const struct sockaddr_storage *ss, socklen_t sl,
			    uint8_t *buf, size_t cap, int *out)
{
	const struct case_addr *to = &s->u.send.to;
	bool v6 = to->family == AF_INET6, udp = s->u.send.proto == PROTO_UDP;
	size_t len, hdr = v6 ? 40 : 20;
	int fd;

	fd = socket(to->family, (udp ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC,
		    udp ? 0 : (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP));
	if (fd < 0)
		return job_fail_step(j, errno, "send: socket: %s",
				     strerror(errno));
	fd = job_fd_high(fd);
	/* gso=: one send of size bytes the stack cuts into gso-byte
	 * datagrams, or hands the device whole (UDP GSO, Linux 4.18) */
	if (s->u.send.gso &&
	    setsockopt(fd, SOL_UDP, UDP_SEGMENT, &(int){ (int)s->u.send.gso },
		       sizeof(int)) < 0) {
		int err = errno;

		close(fd);
		return job_fail_step(j, err, "send: UDP_SEGMENT %u: %s",
				     s->u.send.gso, strerror(err));
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
		int err = sendto(fd, p, len, 0, (const struct sockaddr *)ss,
				 sl) < 0
				  ? errno
				  : 0;

		traffic_sent(j, NULL, s, p, len, err, true);
	}
	*out = fd;
	return 0;
}

/*
 * Kernel-originated traffic: a socket in the namespace sends via the tun;
 * flows=N: N sockets one after the other, N source ports (N UDP flows).
 */
static int send_from_ns(struct job *j, const struct step *s)
{
	const struct case_addr *to = &s->u.send.to;
	bool udp = s->u.send.proto == PROTO_UDP;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	size_t cap = s->u.send.size + 128;
	unsigned flows = s->u.send.flows ? s->u.send.flows : 1, opened = 0;
	uint8_t *buf;
	int ret = 0, *fds;

	if (to->family == AF_INET6) {
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
	buf = calloc(1, cap);
	fds = calloc(flows, sizeof(*fds));
	if (!buf || !fds) {
		free(buf);
		free(fds);
		return -ENOMEM;
	}
	while (opened < flows && !ret) {
		ret = send_from_socket(j, s, &ss, sl, buf, cap, &fds[opened]);
		opened += !ret;
	}
	while (opened)
		close(fds[--opened]);
	free(fds);
	free(buf);
	return ret;
}

int step_send(struct job *j, const struct step *s)
{
	memset(&j->last_send, 0, sizeof(j->last_send));
	j->last_send.line = s->line;
	if (s->u.send.from_ns)
		return send_from_ns(j, s);
	return send_into(j, s, job_queue(j, s->ref.queue));
}

/* write(), or writev() over iov equal parts: 0 or the errno. */
static int write_once(int fd, const struct step *s)
{
	const size_t n = s->u.write.iov, len = s->u.write.len;
	struct iovec iov[64];
	size_t part, off = 0;

	if (!n)
		return write(fd, s->u.write.bytes, len) < 0 ? errno : 0;
	part = len / n;
	for (size_t i = 0; i < n; i++, off += part) {
		iov[i].iov_base = s->u.write.bytes + off;
		iov[i].iov_len = i + 1 < n ? part : len - off;
	}
	return writev(fd, iov, (int)n) < 0 ? errno : 0;
}

int step_write(struct job *j, const struct step *s)
{
	struct queue *q = job_queue(j, s->ref.queue);

	memset(&j->last_send, 0, sizeof(j->last_send));
	j->last_send.line = s->line;
	for (long i = 0; i < s->u.write.count; i++) {
		int err = write_once(q->fd, s);

		traffic_sent(j, q, s, s->u.write.bytes, s->u.write.len, err,
			     true);
	}
	return 0;
}

/* Ascending order of two uint64_t, for qsort(). */
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
int step_pingpong(struct job *j, const struct step *s)
{
	struct queue *q = job_queue(j, s->ref.queue);
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
			int err = errno;

			traffic_sent(j, q, s, p.buf, len, err, false);
			ret = job_fail_step(j, err,
					    "pingpong: write request "
					    "%ld into %s: %s",
					    i + 1, q->name, strerror(err));
			goto free_buf;
		}
		traffic_sent(j, q, s, p.buf, len, 0, false);
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
	stats_sort(lat, (size_t)n);
	span = t_read > t_first ? t_read - t_first : 1;
	bench.type = MSG_BENCH;
	bench.u.bench = (struct proto_bench){
		.rt_per_s = (double)n * 1e9 / (double)span,
		.wakes_per_pkt = (double)wakes / (double)n,
		.p50_us = (double)stats_percentile(lat, (size_t)n, 50) / 1e3,
		.p99_us = (double)stats_percentile(lat, (size_t)n, 99) / 1e3,
		.n = n,
	};
	job_send(j, &bench);
free_buf:
	free(p.buf);
free_lat:
	free(lat);
	return ret;
}
