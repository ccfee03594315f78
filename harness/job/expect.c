// SPDX-License-Identifier: MIT
/* Evaluation of reader expectations against a timeline (see expect.h). */
#include <stdio.h>
#include <string.h>

#include "expect.h"

/* Format a duration with the largest unit that keeps it readable. */
const char *fmt_duration(uint64_t ns, char *buf, size_t size)
{
	static const struct {
		uint64_t scale;
		const char *unit;
	} units[] = { { 1000000000ull, "s" },
		      { 1000000ull, "ms" },
		      { 1000ull, "us" } };
	size_t i = 0, len;

	while (i < 2 && ns < units[i].scale)
		i++;
	snprintf(buf, size, "%.2f", (double)ns / (double)units[i].scale);
	/* "1.50" -> "1.5", "200.00" -> "200" */
	len = strlen(buf);
	while (len && buf[len - 1] == '0')
		buf[--len] = 0;
	if (len && buf[len - 1] == '.')
		buf[--len] = 0;
	snprintf(buf + len, size - len, "%s", units[i].unit);
	return buf;
}

bool expect_on_timeline(const struct expect *e)
{
	switch (e->kind) {
	case EXPECT_READS:
	case EXPECT_BLOCKED:
	case EXPECT_NO_WAKE:
	case EXPECT_WAKES:
	case EXPECT_RETURNS:
	case EXPECT_ERROR:
		return true;
	default:
		return false;
	}
}

#define OTHERS_MAX 4 /* kinds of other reads a failure names */

/* What the events of our reader since the cursor add up to. */
struct tally {
	long reads, matched, wakes, errors, other_reads;
	/* READS: the reads that did not count, by class and length */
	struct {
		enum proto proto;
		uint32_t len;
		long n;
	} others[OTHERS_MAX];
	size_t n_others;
	size_t nth_match; /* index just past the count-th matching read */
	const struct tl_event *first_event, *first_wake; /* since cursor */
	const struct tl_event *ret, *last_error;
	/* WAKES values: the first wake lacking `every`, the first having a
	 * `none` bit, the first having all of `some` */
	const struct tl_event *not_every, *has_none, *has_some;
	uint32_t seen_bits; /* every wake value or-ed */
};

/* A read that did not count: kept by (class, length) for the message. */
static void tally_other(struct tally *t, const struct tl_event *v)
{
	size_t i;

	t->other_reads++;
	for (i = 0; i < t->n_others; i++)
		if (t->others[i].proto == v->proto &&
		    t->others[i].len == v->len)
			break;
	if (i == t->n_others && i < OTHERS_MAX)
		t->others[t->n_others++] =
			(typeof(t->others[0])){ v->proto, v->len, 0 };
	if (i < OTHERS_MAX)
		t->others[i].n++;
}

/* "; also read 2 icmp-reply of 84 bytes, 1 other of 60 bytes" or "". */
static const char *others_text(const struct tally *t, char *buf, size_t size)
{
	size_t off = 0;
	long listed = 0;

	buf[0] = 0;
	for (size_t i = 0; i < t->n_others && off < size; i++) {
		off += (size_t)snprintf(
			buf + off, size - off, "%s%ld %s of %u bytes",
			i ? ", " : "; also read ", t->others[i].n,
			proto_name(t->others[i].proto), t->others[i].len);
		listed += t->others[i].n;
	}
	if (t->other_reads > listed && off < size)
		snprintf(buf + off, size - off, ", %ld more",
			 t->other_reads - listed);
	return buf;
}

static void tally_events(const struct expect_eval *x, const struct tl_event *ev,
			 size_t n, struct tally *t)
{
	const struct expect *e = x->e;

	memset(t, 0, sizeof(*t));
	t->nth_match = n;
	for (size_t i = x->cursor; i < n; i++) {
		const struct tl_event *v = &ev[i];

		if (v->reader != x->reader)
			continue;
		if (!t->first_event && v->type != TUNCHECK_EV_READY)
			t->first_event = v;
		if (!t->first_wake && (v->type == TUNCHECK_EV_WAKE ||
				       v->type == TUNCHECK_EV_READ))
			t->first_wake = v;
		switch (v->type) {
		case TUNCHECK_EV_READ:
			t->reads++;
			if ((e->proto == PROTO_ANY || v->proto == e->proto) &&
			    (!e->len || v->len == (uint32_t)e->len) &&
			    packet_matches(e, &v->pkt)) {
				if (++t->matched == e->count)
					t->nth_match = i + 1;
			} else {
				tally_other(t, v);
			}
			break;
		case TUNCHECK_EV_WAKE: {
			uint32_t b = (uint32_t)v->value;

			t->wakes++;
			t->seen_bits |= b;
			if (e->every && (b & e->every) != e->every &&
			    !t->not_every)
				t->not_every = v;
			if (e->none && (b & e->none) && !t->has_none)
				t->has_none = v;
			if (e->some && (b & e->some) == e->some && !t->has_some)
				t->has_some = v;
			break;
		}
		case TUNCHECK_EV_ERROR:
			t->errors++;
			t->last_error = v;
			break;
		case TUNCHECK_EV_RETURN:
			if (!t->ret)
				t->ret = v;
			break;
		default:
			break;
		}
	}
}

static const char *event_name(enum tuncheck_event_type t)
{
	static const char *const names[] = {
		[TUNCHECK_EV_READY] = "ready",	 [TUNCHECK_EV_WAKE] = "wake",
		[TUNCHECK_EV_READ] = "read",	 [TUNCHECK_EV_ERROR] = "error",
		[TUNCHECK_EV_RETURN] = "return",
	};

	return t <= TUNCHECK_EV_RETURN && names[t] ? names[t] : "?";
}

/* "read of 84 bytes (icmp-reply) at +12.3ms into the window" style. */
static void describe(const struct expect_eval *x, const struct tl_event *v,
		     char *buf, size_t size)
{
	char t[32], d[64];

	/* after the window opened, or before it (since the reader's
	 * previous expectation, whose events count too): never negative */
	if (v->t_ns >= x->start_ns)
		snprintf(d, sizeof(d), "+%s into the window",
			 fmt_duration(v->t_ns - x->start_ns, t, sizeof(t)));
	else
		snprintf(d, sizeof(d), "%s before the window",
			 fmt_duration(x->start_ns - v->t_ns, t, sizeof(t)));
	if (v->type == TUNCHECK_EV_READ)
		snprintf(buf, size, "read of %u bytes (%s) at %s", v->len,
			 proto_name(v->proto), d);
	else if (v->err)
		snprintf(buf, size, "%s %s at %s", event_name(v->type),
			 errno_name(v->err), d);
	else
		snprintf(buf, size, "%s (value %lld) at %s",
			 event_name(v->type), (long long)v->value, d);
}

static const char *errno_or_ok(int err)
{
	return err ? errno_name(err) : "ok";
}

/* conserve: the reads it needs besides drops (conserve=N%, else 1). */
static long conserve_need(const struct expect *e)
{
	return e->conserve_pct ? (e->count * (long)e->conserve_pct + 99) / 100
			       : 1;
}

static enum expect_state eval_reads(struct expect_eval *x, struct tally *t,
				    bool over)
{
	const struct expect *e = x->e;
	char others[200];
	long need = e->conserve ? conserve_need(e) : e->count;

	if (t->matched >= e->count) {
		x->next_cursor = t->nth_match;
		snprintf(x->observed, sizeof(x->observed), "%ld read",
			 e->count);
		return EXPECT_PASS;
	}
	/* >=: drops of other packets (ND, MLD) count in tx_dropped too */
	if (e->conserve && t->matched >= need &&
	    t->matched + (long)x->dropped >= e->count) {
		snprintf(x->observed, sizeof(x->observed),
			 "%ld read + %llu dropped by the kernel (tx_dropped)",
			 t->matched, (unsigned long long)x->dropped);
		return EXPECT_PASS;
	}
	if (!over && !x->settled)
		return EXPECT_PENDING;
	others_text(t, others, sizeof(others));
	if (e->conserve && t->matched + (long)x->dropped >= e->count)
		snprintf(x->observed, sizeof(x->observed),
			 "%ld %s read + %llu dropped by the kernel (tx_"
			 "dropped): conserve needs at least %ld read%s%s",
			 t->matched, proto_name(e->proto),
			 (unsigned long long)x->dropped, need, others,
			 over ? "" : " (all quiet, queue empty)");
	else if (e->conserve)
		snprintf(x->observed, sizeof(x->observed),
			 "%ld %s read + %llu dropped by the kernel (tx_"
			 "dropped); %lld unaccounted for%s%s",
			 t->matched, proto_name(e->proto),
			 (unsigned long long)x->dropped,
			 (long long)(e->count - t->matched - (long)x->dropped),
			 others, over ? "" : " (all quiet, queue empty)");
	else
		snprintf(x->observed, sizeof(x->observed),
			 "%ld %s read, %lld missing (the kernel counted %llu "
			 "dropped on transmit)%s%s",
			 t->matched, proto_name(e->proto),
			 (long long)(e->count - t->matched),
			 (unsigned long long)x->dropped, others,
			 over ? "" : " (all quiet, queue empty)");
	x->too_few = true;
	return EXPECT_FAIL;
}

static enum expect_state eval_quiet(struct expect_eval *x, struct tally *t,
				    bool over)
{
	/* no-wake tolerates errors and returns; blocked tolerates nothing */
	const struct tl_event *v =
		x->e->kind == EXPECT_NO_WAKE ? t->first_wake : t->first_event;

	if (v) {
		describe(x, v, x->observed, sizeof(x->observed));
		x->at_ns = v->t_ns;
		return EXPECT_FAIL;
	}
	if (!over)
		return EXPECT_PENDING;
	snprintf(x->observed, sizeof(x->observed), "no %s in the window",
		 x->e->kind == EXPECT_BLOCKED ? "event" : "wakeup");
	return EXPECT_PASS;
}

static enum expect_state eval_wakes(struct expect_eval *x, struct tally *t,
				    bool over)
{
	const struct expect *e = x->e;
	char bits[64], want[64], ev[96];
	/* values asked for: the whole window decides, as for max= */
	bool whole = e->max >= 0 || e->every || e->none || e->some;

	snprintf(x->observed, sizeof(x->observed),
		 "%ld wakeups (%ld reads), values %s", t->wakes, t->reads,
		 wake_names(t->seen_bits, bits, sizeof(bits)));
	if (t->has_none || t->not_every) {
		const struct tl_event *v = t->has_none ? t->has_none
						       : t->not_every;

		describe(x, v, ev, sizeof(ev));
		snprintf(x->observed, sizeof(x->observed), "%s: %s, %s %s", ev,
			 wake_names((uint32_t)v->value, bits, sizeof(bits)),
			 t->has_none ? "which has some of" : "without all of",
			 wake_names(t->has_none ? e->none : e->every, want,
				    sizeof(want)));
		x->at_ns = v->t_ns;
		return EXPECT_FAIL;
	}
	if (e->max >= 0 && t->wakes > e->max)
		return EXPECT_FAIL;
	if (t->wakes >= e->count && !whole)
		return EXPECT_PASS;
	if (!over)
		return EXPECT_PENDING;
	x->too_few = t->wakes < e->count;
	if (!x->too_few && e->some && !t->has_some) {
		snprintf(x->observed, sizeof(x->observed),
			 "%ld wakeups, none with %s (values %s)", t->wakes,
			 wake_names(e->some, want, sizeof(want)),
			 wake_names(t->seen_bits, bits, sizeof(bits)));
		return EXPECT_FAIL;
	}
	return x->too_few ? EXPECT_FAIL : EXPECT_PASS;
}

static enum expect_state eval_returns(struct expect_eval *x, struct tally *t,
				      bool over)
{
	const struct expect *e = x->e;

	x->returned = t->ret != NULL;
	if (t->ret) {
		snprintf(x->observed, sizeof(x->observed), "reader returned %s",
			 errno_or_ok(t->ret->err));
		x->at_ns = t->ret->t_ns;
		if (e->any_err || t->ret->err == e->err)
			return EXPECT_PASS;
		return EXPECT_FAIL;
	}
	if (!over)
		return EXPECT_PENDING;
	if (t->last_error)
		snprintf(x->observed, sizeof(x->observed),
			 "still running (last error %s)",
			 errno_name(t->last_error->err));
	else
		snprintf(x->observed, sizeof(x->observed),
			 "still blocked (%ld wakeups, %ld reads since)",
			 t->wakes, t->reads);
	return EXPECT_FAIL;
}

static enum expect_state eval_error(struct expect_eval *x,
				    const struct tl_event *ev, size_t n,
				    bool over)
{
	const struct tl_event *last = NULL;

	for (size_t i = x->cursor; i < n; i++) {
		if (ev[i].reader != x->reader ||
		    ev[i].type != TUNCHECK_EV_ERROR)
			continue;
		last = &ev[i];
		if (ev[i].err == x->e->err) {
			x->next_cursor = i + 1;
			x->at_ns = ev[i].t_ns;
			snprintf(x->observed, sizeof(x->observed), "error %s",
				 errno_name(ev[i].err));
			return EXPECT_PASS;
		}
	}
	if (!over)
		return EXPECT_PENDING;
	snprintf(x->observed, sizeof(x->observed), "%s%s",
		 last ? "only error " : "no error",
		 last ? errno_name(last->err) : "");
	return EXPECT_FAIL;
}

/* Fill the "expected" text once, from the expectation itself. */
static void describe_expected(struct expect_eval *x)
{
	const struct expect *e = x->e;
	char w[32], lb[32] = "";

	fmt_duration(e->window_ns, w, sizeof(w));
	switch (e->kind) {
	case EXPECT_READS:
		if (e->len)
			snprintf(lb, sizeof(lb), " of %ld bytes", e->len);
		snprintf(x->expected, sizeof(x->expected),
			 "%ld %s read%s within %s%s", e->count,
			 proto_name(e->proto), lb, w,
			 e->conserve ? " (or dropped by the kernel on transmit)"
				     : "");
		break;
	case EXPECT_BLOCKED:
		snprintf(x->expected, sizeof(x->expected),
			 "reader stays blocked for %s", w);
		break;
	case EXPECT_NO_WAKE:
		snprintf(x->expected, sizeof(x->expected), "no wakeup for %s",
			 w);
		break;
	case EXPECT_WAKES:
		if (e->max >= 0)
			snprintf(x->expected, sizeof(x->expected),
				 "%ld to %ld wakeups within %s", e->count,
				 e->max, w);
		else
			snprintf(x->expected, sizeof(x->expected),
				 "at least %ld wakeups within %s", e->count, w);
		if (e->every || e->some || e->none) {
			size_t l = strlen(x->expected);
			char a[48], b[48], c[48];

			snprintf(x->expected + l, sizeof(x->expected) - l,
				 "%s%s%s%s%s%s",
				 e->every ? ", every with " : "",
				 e->every ? wake_names(e->every, a, sizeof(a))
					  : "",
				 e->some ? ", some with " : "",
				 e->some ? wake_names(e->some, b, sizeof(b))
					 : "",
				 e->none ? ", none with " : "",
				 e->none ? wake_names(e->none, c, sizeof(c))
					 : "");
		}
		break;
	case EXPECT_RETURNS:
		snprintf(x->expected, sizeof(x->expected),
			 "reader returns within %s%s%s", w,
			 e->any_err ? "" : " with ",
			 e->any_err ? "" : errno_or_ok(e->err));
		break;
	case EXPECT_ERROR:
		snprintf(x->expected, sizeof(x->expected), "error %s within %s",
			 errno_name(e->err), w);
		break;
	default:
		snprintf(x->expected, sizeof(x->expected), "?");
	}
}

enum expect_state expect_evaluate(struct expect_eval *x,
				  const struct tl_event *ev, size_t n,
				  uint64_t now)
{
	bool over = now >= x->start_ns + x->e->window_ns;
	enum expect_state s;
	struct tally t;

	describe_expected(x);
	x->observed[0] = 0;
	x->too_few = false;
	x->next_cursor = n;
	x->at_ns = now;
	tally_events(x, ev, n, &t);
	switch (x->e->kind) {
	case EXPECT_READS:
		s = eval_reads(x, &t, over);
		break;
	case EXPECT_BLOCKED:
	case EXPECT_NO_WAKE:
		s = eval_quiet(x, &t, over);
		break;
	case EXPECT_WAKES:
		s = eval_wakes(x, &t, over);
		break;
	case EXPECT_RETURNS:
		s = eval_returns(x, &t, over);
		break;
	case EXPECT_ERROR:
		s = eval_error(x, ev, n, over);
		break;
	default:
		snprintf(x->observed, sizeof(x->observed),
			 "not a timeline expectation");
		s = EXPECT_FAIL;
	}
	return s;
}
