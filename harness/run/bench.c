// SPDX-License-Identifier: MIT
/*
 * tuncheck bench (see bench.h).  Two raw references run in forked children
 * with the netns/ API and nothing else:
 *   - round trips: one thread writes an ICMP echo request into the tun fd
 *     and read()s until the kernel's reply comes back, `count` times; then
 *     the same with a second thread blocked in read() handing each reply
 *     to the writer (mutex + condvar), which is the shape of every job:
 *     its reader thread sleeps and is woken once per packet;
 *   - per-job overhead: fork, a user and a network namespace, the
 *     overhead case's device, address, queue and link up
 *     (bench_raw_setup), _exit, waitpid, BENCH_JOBS times.
 * The tuncheck side of each is an in-memory case run through runner_run:
 * `pingpong` (job/traffic.c) sends its figures (MSG_BENCH) per backend, and a
 * setup-only case gives the per-job wall time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "case.h"
#include "link.h"
#include "packet.h"
#include "runner.h"
#include "lockdown.h"
#include "sandbox.h"
#include "stats.h"
#include "timeline.h"
#include "tun.h"
#include "userns.h"

#define BENCH_JOBS    100   /* jobs per side of the overhead median */
#define BENCH_PAYLOAD 56    /* echo payload bytes, as `send` sends */
#define BENCH_BUFSIZE 65536 /* read buffer, as a reader's default */
#define BENCH_DEV     "t0"
#define BENCH_ADDR    "198.18.0.1" /* the device; requests come from .2 */
#define BENCH_PEER    "198.18.0.2"

/* One row of the round-trip table; what a raw child sends its parent. */
struct bench_row {
	int ok;
	char why[256]; /* when !ok */
	double rt_per_s, wakes_per_pkt, p50_us, p99_us;
	long n;
};

/* lo up, as every job brings it up.  0 or -errno with why set. */
static int bench_lo_up(char *why, size_t size)
{
	struct nl *nl = nl_open();
	int ret;

	if (!nl) {
		ret = -errno;
		snprintf(why, size, "netlink socket: %s", strerror(-ret));
		return ret;
	}
	ret = link_lo_up(nl);
	if (ret < 0)
		snprintf(why, size, "bring up lo: %s", nl_error(nl));
	nl_close(nl);
	return ret;
}

/*
 * The raw references' namespaces: a user and a network namespace, lo up.
 * 0 or -errno with why set.
 */
static int bench_enter_net(char *why, size_t size)
{
	int ret = userns_enter(CLONE_NEWUSER | CLONE_NEWNET, why, size);

	return ret < 0 ? ret : bench_lo_up(why, size);
}

/* A failed row: "what: strerror(err)". */
static int bench_row_fail(struct bench_row *r, const char *what, int err)
{
	snprintf(r->why, sizeof(r->why), "%s: %s", what, strerror(err));
	return -err;
}

/*
 * In the raw child, in its namespaces: the device as the bench case
 * declares it (IPv4 only, address), one blocking queue attached, then the
 * link up, in the case's order.  Returns the queue fd or -errno with
 * r->why set.
 */
static int bench_raw_setup(struct bench_row *r, const struct case_addr *addr)
{
	const struct tun_opts o = { 0 };
	struct nl *nl;
	int ifindex, fd, ret;

	/* as a job does for ipv6=off: no RS or MLD in the way of replies */
	sysctl_set("net.ipv6.conf.default.disable_ipv6", "1");
	ifindex = tun_device_create(BENCH_DEV, &o);
	if (ifindex < 0)
		return bench_row_fail(r, "create tun " BENCH_DEV, -ifindex);
	fd = tun_queue_open();
	if (fd < 0)
		return bench_row_fail(r, "open /dev/net/tun", -fd);
	ret = tun_queue_setiff(fd, BENCH_DEV, &o);
	if (ret < 0) {
		close(fd);
		return bench_row_fail(r, "attach to " BENCH_DEV, -ret);
	}
	nl = nl_open();
	if (!nl) {
		close(fd);
		return bench_row_fail(r, "netlink socket", errno);
	}
	/*
	 * Up after the attach, not before: on an up device the attach turns
	 * the carrier on and linkwatch_event() -> dev_activate() installs the
	 * qdisc later, from a workqueue; until then noop_qdisc drops what the
	 * device sends, the first echo replies included.
	 */
	ret = addr_add(nl, ifindex, AF_INET, &addr->a.v4, addr->prefix);
	if (!ret)
		ret = link_set_up(nl, ifindex, true);
	if (ret < 0) {
		snprintf(r->why, sizeof(r->why), "%s", nl_error(nl));
		close(fd);
		fd = ret;
	}
	nl_close(nl);
	return fd;
}

/* The reader thread of the two-thread raw loop and what it hands over. */
struct bench_handoff {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* signalled on each reply */
	int fd;
	long reads, replies;
	uint64_t t_read; /* when read() returned the last reply */
};

/* Block in read() forever; count reads, stamp and signal each reply. */
static void *bench_raw_reader(void *arg)
{
	static uint8_t in[BENCH_BUFSIZE];
	struct bench_handoff *h = arg;

	for (;;) {
		ssize_t n = read(h->fd, in, sizeof(in));
		uint64_t t = now_ns();

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL; /* the writer's alarm() ends the child */
		pthread_mutex_lock(&h->lock);
		h->reads++;
		if (packet_classify(in, (size_t)n, false) == PROTO_ICMP_REPLY) {
			h->replies++;
			h->t_read = t;
			pthread_cond_signal(&h->cond);
		}
		pthread_mutex_unlock(&h->lock);
	}
}

/*
 * Wait for reply i: read() it here (h NULL), or wait for the reader
 * thread to hand it over.  Returns when read() returned it, 0 on error.
 */
static uint64_t bench_raw_reply(int fd, struct bench_handoff *h, long i,
				long *reads)
{
	static uint8_t in[BENCH_BUFSIZE];
	uint64_t t;
	ssize_t n;

	if (h) {
		pthread_mutex_lock(&h->lock);
		while (h->replies <= i)
			pthread_cond_wait(&h->cond, &h->lock);
		t = h->t_read;
		*reads = h->reads;
		pthread_mutex_unlock(&h->lock);
		return t;
	}
	do {
		n = read(fd, in, sizeof(in));
		*reads += n >= 0;
	} while ((n >= 0 &&
		  packet_classify(in, (size_t)n, false) != PROTO_ICMP_REPLY) ||
		 (n < 0 && errno == EINTR));
	return n < 0 ? 0 : now_ns();
}

/*
 * The raw round-trip loop: write a request (rebuilt each time, as
 * pingpong does), then the reply, read by this thread or handed over by
 * h's reader.  Latency: from just before write() to the read() that
 * returned the reply.
 */
static int bench_raw_loop(struct bench_row *r, int fd, long count,
			  struct bench_handoff *h, const struct case_addr *addr,
			  const struct case_addr *peer)
{
	static uint8_t pkt[BENCH_PAYLOAD + 128];
	uint64_t *lat = malloc((size_t)count * sizeof(*lat));
	uint64_t t0 = 0, t1 = 0;
	long reads = 0;

	if (!lat)
		return bench_row_fail(r, "malloc", ENOMEM);
	for (long i = 0; i < count; i++) {
		size_t len = packet_build_echo(pkt, sizeof(pkt), peer, addr,
					       0x7c01, (uint16_t)(i + 1),
					       BENCH_PAYLOAD, false);
		uint64_t tw = now_ns();

		if (write(fd, pkt, len) < 0) {
			free(lat);
			return bench_row_fail(r, "write request", errno);
		}
		t1 = bench_raw_reply(fd, h, i, &reads);
		if (!t1) {
			free(lat);
			return bench_row_fail(r, "read reply", errno);
		}
		lat[i] = t1 > tw ? t1 - tw : 0;
		if (!i)
			t0 = tw;
	}
	stats_sort(lat, (size_t)count);
	r->rt_per_s = (double)count * 1e9 / (double)(t1 > t0 ? t1 - t0 : 1);
	r->wakes_per_pkt = (double)reads / (double)count;
	r->p50_us = (double)stats_percentile(lat, (size_t)count, 50) / 1e3;
	r->p99_us = (double)stats_percentile(lat, (size_t)count, 99) / 1e3;
	r->n = count;
	r->ok = 1;
	free(lat);
	return 0;
}

/*
 * The forked raw round-trip child, with a reader thread if `threaded`:
 * measure, send the row, exit (a reader thread still in read() dies too).
 */
static void __attribute__((noreturn))
bench_raw_rt_child(long count, bool threaded, int out)
{
	struct bench_row r = { 0 };
	struct case_addr addr = { .family = AF_INET, .prefix = 24 };
	struct case_addr peer = { .family = AF_INET, .prefix = 32 };
	struct bench_handoff h = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	pthread_t t;
	int fd, ret;

	inet_pton(AF_INET, BENCH_ADDR, &addr.a.v4);
	inet_pton(AF_INET, BENCH_PEER, &peer.a.v4);
	/* a reply that never comes ends the child, as 1 s per round trip */
	alarm((unsigned)(count / 1000 + 2));
	if (bench_enter_net(r.why, sizeof(r.why)) < 0)
		goto report;
	fd = bench_raw_setup(&r, &addr);
	if (fd < 0)
		goto report;
	h.fd = fd;
	ret = threaded ? pthread_create(&t, NULL, bench_raw_reader, &h) : 0;
	if (ret)
		bench_row_fail(&r, "pthread_create", ret);
	else
		bench_raw_loop(&r, fd, count, threaded ? &h : NULL, &addr,
			       &peer);
report:
	if (write(out, &r, sizeof(r)) < 0)
		_exit(3);
	_exit(0);
}

/* Fork a raw round-trip reference and collect its row. */
static void bench_raw_rt(long count, bool threaded, struct bench_row *r)
{
	const char *sig;
	int p[2], st = 0;
	ssize_t n = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe2(p, O_CLOEXEC) < 0) {
		bench_row_fail(r, "pipe2", errno);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		bench_row_fail(r, "fork", errno);
		close(p[0]);
		close(p[1]);
		return;
	}
	if (!pid) {
		close(p[0]);
		bench_raw_rt_child(count, threaded, p[1]);
	}
	close(p[1]);
	do
		n = read(p[0], r, sizeof(*r));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(*r))
		return;
	memset(r, 0, sizeof(*r));
	sig = WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : NULL;
	if (WIFSIGNALED(st))
		snprintf(r->why, sizeof(r->why), "raw loop killed by SIG%s%s",
			 sig ? sig : "?",
			 WTERMSIG(st) == SIGALRM ? " (a reply never came)"
						 : "");
	else
		snprintf(r->why, sizeof(r->why),
			 "raw loop exited with "
			 "status %d without a result",
			 WEXITSTATUS(st));
}

/*
 * The raw per-job sequence in a child: namespaces, then the kernel work
 * of the overhead case (bench_jobs) done directly: a persistent device
 * with its address, one queue attached, the link up; exit.  The exit
 * status says which part failed.
 */
static void __attribute__((noreturn)) bench_raw_job_child(bool full)
{
	struct case_addr addr = { .family = AF_INET, .prefix = 24 };
	struct bench_row r = { 0 };
	struct lockdown_limits l;

	inet_pton(AF_INET, BENCH_ADDR, &addr.a.v4);
	lockdown_limits_default(&l);
	if (full ? sandbox_view(r.why, sizeof(r.why)) < 0 ||
			    sandbox_lock(&l, r.why, sizeof(r.why)) < 0 ||
			    bench_lo_up(r.why, sizeof(r.why)) < 0
		 : bench_enter_net(r.why, sizeof(r.why)) < 0)
		_exit(1);
	_exit(bench_raw_setup(&r, &addr) < 0 ? 2 : 0);
}

/*
 * One raw sequence, fork to reap: its wall time in ns, 0 with why set on
 * failure.  full: in the whole sandbox (sandbox_spawn: PID and mount
 * namespaces, file system view, lockdown; *sb, whose PID 1 is killed and
 * left to reap) instead of a user and a network namespace only.
 */
static uint64_t bench_raw_job(bool full, struct sandbox *sb, char *why,
			      size_t size)
{
	static const char *const what[] = { "ok", "the sandbox",
					    "the device, queue and link" };
	uint64_t t = now_ns();
	int st = 0;
	pid_t pid;

	fflush(NULL);
	pid = full ? sandbox_spawn(sb, why, size) : fork();
	if (pid < 0) {
		if (!full)
			snprintf(why, size, "fork: %s", strerror(errno));
		return 0;
	}
	if (!pid)
		bench_raw_job_child(full);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	t = now_ns() - t;
	if (full)
		sandbox_kill(sb);
	if (WIFEXITED(st) && !WEXITSTATUS(st))
		return t;
	snprintf(why, size, "raw job sequence failed in %s (status 0x%x)",
		 WIFEXITED(st) && WEXITSTATUS(st) < 3 ? what[WEXITSTATUS(st)]
						      : "?",
		 st);
	return 0;
}

/* Parse an in-memory case; NULL with the diagnostic in why. */
static struct case_file *bench_case(const char *name, const char *text,
				    char *why, size_t size)
{
	struct case_diag d = { 0 };
	struct case_file *c = case_parse(name, text, strlen(text), &d);

	if (!c)
		case_diag_format(name, &d, why, size);
	return c;
}

/* One job's verdict as one line, for a row that could not measure. */
static void bench_job_why(const struct job_result *res, char *why, size_t size)
{
	const char *obs = res->observed[0] ? res->observed : res->cls;

	if (res->line)
		snprintf(why, size, "%s at line %u: %.200s",
			 verdict_name(res->v), res->line, obs);
	else
		snprintf(why, size, "%s: %.200s", verdict_name(res->v), obs);
}

/* Run one pingpong job for backend ops; its figures into r. */
static void bench_backend(const struct case_file *c,
			  const struct tuncheck_backend_ops *ops,
			  struct bench_row *r)
{
	struct runner_opts ro = { .parallel = 1,
				  .job = { .log_fd = -1, .pcap_fd = -1 } };
	struct job_spec js = { .c = c, .ops = ops };
	int ret;

	lockdown_limits_default(&ro.job.limits);
	memset(r, 0, sizeof(*r));
	ret = runner_run(&js, 1, &ro);
	if (ret < 0) {
		bench_row_fail(r, "runner", -ret);
		return;
	}
	if (js.res.v != VERDICT_PASS || !js.res.has_bench) {
		bench_job_why(&js.res, r->why, sizeof(r->why));
		return;
	}
	r->rt_per_s = js.res.bench.rt_per_s;
	r->wakes_per_pkt = js.res.bench.wakes_per_pkt;
	r->p50_us = js.res.bench.p50_us;
	r->p99_us = js.res.bench.p99_us;
	r->n = (long)js.res.bench.n;
	r->ok = 1;
}

/* r's round trips over ref's, as "0.97", or "-". */
static const char *bench_ratio(const struct bench_row *r,
			       const struct bench_row *ref, char *buf,
			       size_t size)
{
	snprintf(buf, size, "-");
	if (r->ok && ref->ok && ref->rt_per_s > 0)
		snprintf(buf, size, "%.2f", r->rt_per_s / ref->rt_per_s);
	return buf;
}

/*
 * One row of the round-trip table, with both ratios: to the raw
 * single-thread loop (the kernel path's physical limit) and to the raw
 * two-thread loop (the fair reference: a job's reader is a thread too).
 */
static void bench_row_print(int w, const char *name, const struct bench_row *r,
			    const struct bench_row *raw,
			    const struct bench_row *raw2)
{
	char a[16], b[16];

	if (!r->ok) {
		printf("%-*s  %s\n", w, name, r->why);
		return;
	}
	printf("%-*s %9.0f %7s %7s %10.2f %8.1fus %8.1fus\n", w, name,
	       r->rt_per_s, bench_ratio(r, raw, a, sizeof(a)),
	       bench_ratio(r, raw2, b, sizeof(b)), r->wakes_per_pkt, r->p50_us,
	       r->p99_us);
}

/* The overhead's three medians, in ns. */
struct bench_overhead {
	uint64_t raw, full, job;
};

/*
 * The per-job overhead: BENCH_JOBS rounds, each a raw sequence, the same
 * in the full sandbox, and `parallel` tuncheck jobs of a setup-only case
 * (device, address, queue, link up) at once.  Interleaved, so that what
 * the kernel still does for earlier rounds (their namespaces' teardown
 * holds the RTNL) weighs on all three alike.  0, or -1 with why set.
 */
static int bench_overhead(const struct tuncheck_backend_ops *ops,
			  unsigned parallel, struct bench_overhead *o,
			  char *why, size_t size)
{
	static const char text[] = "case overhead\n"
				   "tun t0 addr=198.18.0.1/24\n"
				   "open q0 device=t0\n"
				   "link t0 up\n";
	static struct sandbox sb[BENCH_JOBS];
	static uint64_t raw[BENCH_JOBS], full[BENCH_JOBS];
	struct runner_opts ro = { .parallel = parallel,
				  .job = { .log_fd = -1, .pcap_fd = -1 } };
	struct job_spec *js = calloc(parallel, sizeof(*js));
	uint64_t *job = calloc((size_t)BENCH_JOBS * parallel, sizeof(*job));
	struct case_file *c = bench_case("overhead", text, why, size);
	int ret = -1;

	lockdown_limits_default(&ro.job.limits);
	memset(sb, 0, sizeof(sb));
	if (!js || !job || !c) {
		if (c)
			snprintf(why, size, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < BENCH_JOBS; i++) {
		raw[i] = bench_raw_job(false, NULL, why, size);
		full[i] = raw[i] ? bench_raw_job(true, &sb[i], why, size) : 0;
		if (!full[i])
			goto out;
		memset(js, 0, parallel * sizeof(*js));
		for (size_t k = 0; k < parallel; k++) {
			js[k].c = c;
			js[k].ops = ops;
		}
		ret = runner_run(js, parallel, &ro);
		if (ret < 0) {
			snprintf(why, size, "runner: %s", strerror(-ret));
			ret = -1;
			goto out;
		}
		for (size_t k = 0; k < parallel; k++) {
			if (js[k].res.v != VERDICT_PASS) {
				bench_job_why(&js[k].res, why, size);
				goto out;
			}
			job[i * parallel + k] = js[k].res.wall_ns;
		}
		/* PID 1s as the runner reaps them: while the next job runs */
		for (size_t k = 0; k <= i; k++)
			sandbox_reap_init(&sb[k], false);
	}
	o->raw = stats_median(raw, BENCH_JOBS);
	o->full = stats_median(full, BENCH_JOBS);
	o->job = stats_median(job, (size_t)BENCH_JOBS * parallel);
	ret = 0;
out:
	for (size_t k = 0; k < BENCH_JOBS; k++)
		sandbox_reap_init(&sb[k], true);
	case_free(c);
	free(job);
	free(js);
	return ret;
}

int bench_main(const struct tuncheck_backend_ops **ops, size_t n, long count,
	       unsigned parallel)
{
	struct bench_row raw, raw2, row;
	const char *best_name = NULL;
	double best = 0;
	char fair[1024] = "";
	struct case_file *c;
	char text[256], why[512];
	struct bench_overhead ov = { 0 };
	int w = (int)strlen("raw 2-thread"), status = 0;
	unsigned gaps;

	if (sandbox_probe(why, sizeof(why), &gaps) < 0) {
		fprintf(stderr, "tuncheck: cannot run jobs here: %s\n", why);
		return 4;
	}
	if (lockdown_prepare(why, sizeof(why)) < 0)
		fprintf(stderr, "tuncheck: %s\n", why);
	snprintf(text, sizeof(text),
		 "case bench\n"
		 "tun t0 addr=" BENCH_ADDR "/24\n"
		 "open q0 device=t0\n"
		 "link t0 up\n"
		 "reader r0 queue=q0\n"
		 "pingpong q0 count=%ld\n",
		 count);
	c = bench_case("bench", text, why, sizeof(why));
	if (!c) {
		fprintf(stderr, "tuncheck: bench case: %s", why);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(ops[i]->name) > w)
			w = (int)strlen(ops[i]->name);
	printf("round trips: %ld ICMP echo requests written into a tun fd, one "
	       "at a time, each reply read back\n"
	       "wake latency: from the request's write() to the backend's "
	       "wake (raw: to read() returning)\n"
	       "raw read(): one thread writes and reads; raw 2-thread: a "
	       "reader thread blocked in read()\nhands each reply over "
	       "(condvar), as a job's reader thread does\n",
	       count);
	printf("%-*s %9s %7s %7s %10s %10s %10s\n", w, "backend", "rt/s",
	       "/raw", "/2thr", "wakes/pkt", "wake p50", "wake p99");
	fflush(stdout);
	bench_raw_rt(count, false, &raw);
	bench_raw_rt(count, true, &raw2);
	bench_row_print(w, "raw read()", &raw, &raw, &raw2);
	bench_row_print(w, "raw 2-thread", &raw2, &raw, &raw2);
	status |= !raw.ok || !raw2.ok;
	for (size_t i = 0; i < n; i++) {
		char r2[16];

		fflush(stdout);
		bench_backend(c, ops[i], &row);
		bench_row_print(w, ops[i]->name, &row, &raw, &raw2);
		status |= !row.ok;
		if (row.ok && raw2.ok && (!best_name || row.rt_per_s > best))
			best = row.rt_per_s, best_name = ops[i]->name;
		if (row.ok && raw2.ok)
			snprintf(fair + strlen(fair),
				 sizeof(fair) - strlen(fair), "%s %s %s",
				 strlen(fair) ? "," : "", ops[i]->name,
				 bench_ratio(&row, &raw2, r2, sizeof(r2)));
	}
	/* the harness's overhead figure: against the fair reference */
	if (best_name)
		printf("harness overhead (round trips against the raw 2-thread "
		       "loop, goal >= 0.95):%s\n"
		       "  best %s %.2f; the /raw column is the kernel path's "
		       "limit (one thread, no hand-over),\n  not a goal\n",
		       fair, best_name, best / raw2.rt_per_s);
	case_free(c);
	fflush(stdout);
	if (bench_overhead(ops[0], parallel, &ov, why, sizeof(why)) < 0) {
		printf("per-job overhead: failed: %s\n", why);
		return 1;
	}
	printf("per-job overhead: tuncheck %.2f ms vs raw %.2f ms (ratio %.2f; "
	       "medians of %d interleaved rounds, %u job%s at once)\n",
	       (double)ov.job / 1e6, (double)ov.raw / 1e6,
	       (double)ov.job / (double)ov.raw, BENCH_JOBS, parallel,
	       parallel == 1 ? "" : "s");
	printf("  of which the containment layers (PID and mount namespaces, "
	       "read-only view, fresh /proc,\n  limits, Landlock, seccomp): "
	       "%.2f ms (raw sequence with them: %.2f ms)\n",
	       (double)(ov.full - (ov.full > ov.raw ? ov.raw : ov.full)) / 1e6,
	       (double)ov.full / 1e6);
	return status;
}
