// SPDX-License-Identifier: MIT
/*
 * Expectations of a job: watch the timeline and the kernel (readability,
 * drop counters, link state) until each passes or fails, and say why.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <net/if.h>

#include "controller.h"
#include "flows.h"
#include "link.h"
#include "outcomes.h"
#include "registry.h"
#include "tunioctl.h"

/* Errors in one window that make a failing reader busy, not silent. */
#define ERROR_STORM_MIN 100

#define CONSERVE_POLL_NS 20000000ull /* re-read drop counters this often */
#define READABLE_POLL_NS 5000000ull
/* quiet this long: reads decided (quiet= changes it) */
#define SETTLE_NS	 CASE_QUIET_DEFAULT_NS

/*
 * The device's ring-full drops: tx_dropped (tun_net_xmit() drops a packet
 * for the reader when the queue's ring is full).  rx_dropped, malformed
 * writes refused by tun_get_user(), is not what conserve accounts for:
 * `why` names both.
 */
static uint64_t dev_dropped(struct job *j, const struct dev *d, char *why,
			    size_t size)
{
	struct link_info li;

	if (!d->ifindex || link_get(j->nl, d->ifindex, &li) < 0 ||
	    !li.has_stats)
		return 0;
	snprintf(
		why, size,
		"%s counters: tx_dropped %llu (counted: ring full, no carrier, detached), "
		"rx_dropped %llu (writes refused, not counted)",
		d->decl->name, (unsigned long long)li.stats.tx_dropped,
		(unsigned long long)li.stats.rx_dropped);
	return li.stats.tx_dropped;
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
	struct reader_rt *rt = job_reader(j, e->subject_ref);
	struct queue *q = NULL;
	struct dev *d = NULL;
	enum expect_state st;
	char counters[160] = "";
	size_t last_n = 0, samples = 0, readable = 0;
	int was_readable = -1; /* last sample logged: 0, 1, -1 none */
	uint64_t last_dropped = 0, last_change = now_ns();
	bool polled = e->kind == EXPECT_READS || e->kind == EXPECT_WAKES;
	const uint64_t quiet_ns = e->quiet_ns ? e->quiet_ns : SETTLE_NS;

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
		/* the picture's ground truth (--html): each change */
		if (polled && q && (int)r != was_readable) {
			job_log(j, now, "ctl readable %s %s", q->name,
				r ? "yes" : "no");
			was_readable = r;
		}
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
			     now - last_change >= quiet_ns;
		st = expect_evaluate(x, j->tl.ev, j->tl.n, now);
		if (st != EXPECT_PENDING)
			break;
		if (polled && now + CONSERVE_POLL_NS < until)
			until = now + CONSERVE_POLL_NS;
		seen = j->tl.n;
		timeline_wait_locked(&j->tl, seen, until);
	}
	if (was_readable >= 0)
		job_log(j, now_ns(), "ctl readable %s end", q->name);
	/* errors the reader reported in the window: a busy reader? */
	size_t errors = 0;
	int first_err = 0;

	for (size_t i = 0; i < j->tl.n; i++) {
		const struct tl_event *ev = &j->tl.ev[i];

		if (ev->reader == rt->index && ev->type == TUNCHECK_EV_ERROR &&
		    ev->t_ns >= x->start_ns && !errors++)
			first_err = ev->err;
	}
	pthread_mutex_unlock(&j->tl.lock);
	if (st == EXPECT_FAIL && x->too_few && samples >= 2 &&
	    readable == samples && !reader_returned(j, rt->index)) {
		size_t l = strlen(x->observed);
		uint64_t ms = (now_ns() - x->start_ns) / 1000000 + 1;

		/*
		 * Not a silent hang: the reader spun on errors while the
		 * queue was readable (a runtime that keeps polling after
		 * EPOLLERR, such as Go's "not pollable" storm)
		 */
		if (errors >= ERROR_STORM_MIN) {
			j->cls = "error-storm";
			snprintf(x->observed + l, sizeof(x->observed) - l,
				 "; error storm: the reader reported %zu "
				 "errors (%s first, %llu per second) while "
				 "poll() on %s said POLLIN in all %zu checks",
				 errors, errno_name(first_err),
				 (unsigned long long)(errors * 1000 / ms),
				 q->name, samples);
		} else {
			j->cls = "lost-wakeup";
			snprintf(x->observed + l, sizeof(x->observed) - l,
				 "; lost wakeup: poll() on %s said POLLIN in "
				 "all %zu checks of the window",
				 q->name, samples);
		}
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

/* What a step that succeeded read back, against value= has= lacks= len=
 * class=; x->returned marks a value mismatch (class "value"). */
static enum expect_state
expect_step_values(struct job *j, const struct expect *e, struct expect_eval *x)
{
	const struct step *prev = j->last_step.step;
	const struct bit_table *t = NULL;
	char got[160], want[300];
	bool ok = true;

	if (prev && prev->kind == STEP_IOCTL)
		t = tun_ioctls[prev->u.ioctl.req].bits;
	if (j->last_step.has_value) {
		long v = j->last_step.value;

		if (t)
			bits_format(t, (uint32_t)v, got, sizeof(got));
		else
			snprintf(got, sizeof(got), "%ld", v);
		snprintf(x->observed, sizeof(x->observed), "it read back %s",
			 got);
		ok = (e->value < 0 || v == e->value) &&
		     ((v & e->has) == e->has) && !(v & e->lacks);
		if (t && (e->has || e->lacks)) {
			char *o = x->expected + strlen(x->expected);
			size_t room =
				sizeof(x->expected) - (size_t)(o - x->expected);

			snprintf(want, sizeof(want), "%s%s%s%s",
				 e->has ? "has " : "",
				 e->has ? bits_format(t, e->has, got,
						      sizeof(got))
					: "",
				 e->lacks && e->has ? ", " : "",
				 e->lacks ? "lacks " : "");
			snprintf(o, room, ", the value %s%s", want,
				 e->lacks ? bits_format(t, e->lacks, got,
							sizeof(got))
					  : "");
		}
	} else if (j->last_step.len >= 0) {
		const struct packet_info *pk = &j->last_step.pkt;
		char pd[160];

		snprintf(x->observed, sizeof(x->observed),
			 "it read %ld bytes (%s)", j->last_step.len,
			 packet_describe(pk, pd, sizeof(pd)));
		ok = (e->len < 0 || j->last_step.len == e->len) &&
		     (e->proto == PROTO_ANY || pk->proto == e->proto) &&
		     packet_matches(e, pk);
	}
	x->returned = !ok;
	return ok ? EXPECT_PASS : EXPECT_FAIL;
}

/* The result of the step right before (job.c keeps it, and goes on after
 * a failing step only when this expectation follows). */
static enum expect_state expect_step(struct job *j, const struct expect *e,
				     struct expect_eval *x)
{
	size_t off = (size_t)snprintf(x->expected, sizeof(x->expected),
				      "the step at line %u %s%s",
				      j->last_step.line,
				      e->err ? "fails with " : "succeeds",
				      e->err ? errno_name(e->err) : "");

	if (!e->err && e->value >= 0 && off < sizeof(x->expected))
		off += (size_t)snprintf(x->expected + off,
					sizeof(x->expected) - off,
					", reading back %ld", e->value);
	if (!e->err && e->len >= 0 && off < sizeof(x->expected))
		off += (size_t)snprintf(x->expected + off,
					sizeof(x->expected) - off,
					", reading %ld bytes", e->len);
	if (!e->err && e->proto != PROTO_ANY && off < sizeof(x->expected))
		snprintf(x->expected + off, sizeof(x->expected) - off, " of %s",
			 proto_name(e->proto));
	x->at_ns = now_ns();
	if (j->last_step.err) {
		snprintf(x->observed, sizeof(x->observed), "%s: %.400s",
			 errno_name(j->last_step.err), j->last_step.why);
		return j->last_step.err == e->err ? EXPECT_PASS : EXPECT_FAIL;
	}
	snprintf(x->observed, sizeof(x->observed), "it succeeded");
	if (e->err)
		return EXPECT_FAIL;
	return expect_step_values(j, e, x);
}

/* Ground truth from the controller: a zero-timeout poll() on the queue. */
static enum expect_state expect_readable(struct job *j, const struct expect *e,
					 struct expect_eval *x)
{
	struct queue *q = job_queue(j, e->subject_ref);
	uint64_t end = now_ns() + e->window_ns;
	bool r;

	snprintf(x->expected, sizeof(x->expected), "%s %s%s", q->name,
		 e->negate ? "not readable" : "readable",
		 e->window_ns ? (e->negate ? " for the window"
					   : " within the window")
			      : "");
	/* its fd number may name another file by now: never poll it */
	if (q->closed) {
		snprintf(x->observed, sizeof(x->observed),
			 "%s was closed by an earlier step: nothing to poll",
			 q->name);
		x->at_ns = now_ns();
		return EXPECT_FAIL;
	}
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
	struct dev *d = job_dev(j, e->subject_ref);
	struct link_info li;
	bool up;
	int ret;

	snprintf(x->expected, sizeof(x->expected), "%s %s", e->subject,
		 e->state == 2 ? "is gone (unregistered)"
		 : e->negate   ? "is down"
			       : "is up");
	x->at_ns = now_ns();
	ret = d->ifindex ? link_get(j->nl, d->ifindex, &li) : -ENODEV;
	if (ret == -ENODEV) {
		snprintf(x->observed, sizeof(x->observed), "%s does not exist",
			 e->subject);
		return e->state == 2 ? EXPECT_PASS : EXPECT_FAIL;
	}
	if (ret < 0) {
		snprintf(x->observed, sizeof(x->observed), "%s",
			 nl_error(j->nl));
		return EXPECT_FAIL;
	}
	up = li.flags & IFF_UP;
	snprintf(x->observed, sizeof(x->observed), "%s is %s (flags 0x%x)",
		 e->subject, up ? "up" : "down", li.flags);
	return e->state != 2 && up != e->negate ? EXPECT_PASS : EXPECT_FAIL;
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
	case EXPECT_STEP:
		return x->returned ? "value" : "errno";
	case EXPECT_COUNTER:
		return "counter";
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
	size_t n = strcspn(reason, ":");

	/* "lost-wakeup: ..." or "lost-wakeup|error-storm: ..." */
	if (reason[n] == ':' && outcome_class_list(reason, n))
		return outcome_class_in(reason, n, cls);
	return true; /* no class named: any failure */
}

/*
 * An expectation's window and outcome in the timeline log: "ctl expect
 * line=25 r0 xfail from=3.100ms" at the time it was decided (r0: the
 * reader it is about, "-" for kernel state).
 */
static void expect_log(struct job *j, const struct step *s,
		       const struct expect_eval *x, uint64_t t0,
		       const char *outcome)
{
	const struct expect *e = &s->u.expect;
	char who[16] = "-", from[32];

	if (expect_on_timeline(e))
		snprintf(who, sizeof(who), "r%d", x->reader);
	job_log(j, x->at_ns ? x->at_ns : now_ns(),
		"ctl expect line=%u %s %s from=%s", s->line, who, outcome,
		job_ms(j, x->start_ns ? x->start_ns : t0, from, sizeof(from)));
}

void step_expect(struct job *j, const struct step *s)
{
	const struct expect *e = &s->u.expect;
	unsigned k[2];
	char rel[65] = "?";
	const char *reason;
	bool xf;
	struct expect_eval x = { 0 };
	enum expect_state st;
	const uint64_t t0 = now_ns();

	kernel_version(k, rel, sizeof(rel));
	/* kernel=: the case says it holds elsewhere only */
	if (!case_krange_has(&e->kernel, k)) {
		job_note(j,
			 "line %u: skipped: the expectation is for other "
			 "kernels than %s",
			 s->line, rel);
		expect_log(j, s, &x, t0, "skip");
		return;
	}
	/* a backend that cannot see its wakeups (ready 2 no-wakes) */
	if (e->kind == EXPECT_WAKES &&
	    (__atomic_load_n(&job_reader(j, e->subject_ref)->ready_caps,
			     __ATOMIC_RELAXED) &
	     TUNCHECK_READY_NO_WAKES)) {
		job_note(j,
			 "line %u: not observable: %s cannot see its wakeups "
			 "(it declared no-wakes)",
			 s->line, j->ops->name);
		expect_log(j, s, &x, t0, "skip");
		return;
	}
	reason = expect_xfail_reason(e, j->ops->name, k);
	/* --like NAME=BUILTIN: what the case documents for BUILTIN */
	if (!reason && backend_like(j->ops->name))
		reason = expect_xfail_reason(e, backend_like(j->ops->name), k);
	xf = reason != NULL;

	if (expect_on_timeline(e))
		st = expect_reader(j, s, &x);
	else if (e->kind == EXPECT_READABLE)
		st = expect_readable(j, e, &x);
	else if (e->kind == EXPECT_SEND)
		st = expect_send(j, e, &x);
	else if (e->kind == EXPECT_STEP)
		st = expect_step(j, e, &x);
	else if (e->kind == EXPECT_LINK)
		st = expect_link(j, e, &x);
	else if (e->kind == EXPECT_FLOWS)
		st = expect_flows(j, e, &x);
	else
		st = expect_state_of(j, e, &x);
	if (st == EXPECT_FAIL && !j->cls)
		j->cls = expect_fail_class(e, &x);
	if (st == EXPECT_FAIL && xf && !xfail_class_matches(reason, j->cls)) {
		/* it failed, but not the way the case documents */
		char obs[800];

		expect_log(j, s, &x, t0, "fail");
		snprintf(obs, sizeof(obs), "%s (class %s; documented: %s)",
			 x.observed, j->cls, reason);
		job_finish(j, VERDICT_FAIL, s->line, x.at_ns, x.expected, obs);
	}
	expect_log(j, s, &x, t0,
		   st == EXPECT_PASS ? (xf ? "xpass" : "pass")
				     : (xf ? "xfail" : "fail"));
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
