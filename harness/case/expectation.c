// SPDX-License-Identifier: MIT
/*
 * The expect and xfail lines: a subject, a predicate from case_preds[]
 * and its arguments; xfail names the backends an expectation fails on.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errname.h"
#include "parser.h"
#include "variant.h"
#include "tuncheck/backend.h"

enum {
	XP_COUNT,
	XP_MIN,
	XP_MAX,
	XP_WITHIN,
	XP_FOR,
	XP_CONSERVE,
	XP_ERRNO,
	XP_OK,
	XP_LEN,
	XP_EVERY,
	XP_SOME,
	XP_NONE,
	XP_N
};
static const struct case_opt case_expect_opts[XP_N] = {
	[XP_COUNT] = { "count", "N", T_NUM, AT(u.expect.count), .min = 1,
		       .max = CASE_COUNT_MAX },
	[XP_MIN] = { "min", "N", T_NUM, AT(u.expect.count), .min = 0,
		     .max = CASE_COUNT_MAX },
	[XP_MAX] = { "max", "N", T_NUM, AT(u.expect.max), .min = 0,
		     .max = CASE_COUNT_MAX },
	[XP_WITHIN] = { "within", "DUR", T_DUR, AT(u.expect.window_ns) },
	[XP_FOR] = { "for", "DUR", T_DUR, AT(u.expect.window_ns) },
	[XP_CONSERVE] = { "conserve", NULL, T_FLAG, AT(u.expect.conserve) },
	[XP_ERRNO] = { "errno", "E", T_ERRNO, AT(u.expect.err) },
	[XP_OK] = { "ok", NULL, T_FLAG, .size = 0 },
	[XP_LEN] = { "len", "N", T_NUM, AT(u.expect.len), .min = 1,
		     .max = 262144 },
	[XP_EVERY] = { "every", "BITS", T_CUSTOM, .size = 0 },
	[XP_SOME] = { "some", "BITS", T_CUSTOM, .size = 0 },
	[XP_NONE] = { "none", "BITS", T_CUSTOM, .size = 0 },
};

/* Poll bits by the names wake values use (epoll's are the same). */
static const struct {
	const char *name;
	uint32_t bit;
} case_wake_bits[] = {
	{ "in", 0x1 },	 { "pri", 0x2 },   { "out", 0x4 },	{ "err", 0x8 },
	{ "hup", 0x10 }, { "nval", 0x20 }, { "rdhup", 0x2000 },
};

/* every=/some=/none=: names joined by '+' (in+err) or a number (0x8). */
static int case_expect_custom(struct case_parser *p, const struct case_word *w,
			      int k, struct step *s)
{
	struct expect *e = &s->u.expect;
	uint32_t *dst = k == XP_EVERY  ? &e->every
			: k == XP_SOME ? &e->some
				       : &e->none;
	const char *v = w->val;
	uint32_t bits = 0;
	char *end;

	if (*v >= '0' && *v <= '9') {
		unsigned long n = strtoul(v, &end, 0);

		if (*end || !n || n > 0xffffffffUL)
			return case_fail_value(
				p, w, "'%s' is not a non-zero mask", v);
		*dst = (uint32_t)n;
		return 0;
	}
	while (*v) {
		size_t n = strcspn(v, "+");
		size_t i;

		for (i = 0;
		     i < sizeof(case_wake_bits) / sizeof(*case_wake_bits); i++)
			if (strlen(case_wake_bits[i].name) == n &&
			    !strncmp(v, case_wake_bits[i].name, n))
				break;
		if (i == sizeof(case_wake_bits) / sizeof(*case_wake_bits)) {
			case_fail(p, w->col + (unsigned)(v - w->s),
				  "%.*s: unknown wake bit '%.*s'", (int)w->klen,
				  w->s, (int)n, v);
			return case_hint(p, "bits: in pri out err hup nval "
					    "rdhup, joined by +, or a mask "
					    "such as 0x8");
		}
		bits |= case_wake_bits[i].bit;
		v += n + (v[n] == '+');
	}
	if (!bits)
		return case_fail_value(p, w, "name at least one bit");
	*dst = bits;
	return 0;
}

const char *wake_names(uint32_t v, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(case_wake_bits) / sizeof(*case_wake_bits);
	     i++)
		if (v & case_wake_bits[i].bit && off < size) {
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
						off ? "+" : "",
						case_wake_bits[i].name);
			v &= ~case_wake_bits[i].bit;
		}
	if (v && off < size)
		snprintf(buf + off, size - off, "%s0x%x", off ? "+" : "",
			 (unsigned)v);
	else if (!off)
		snprintf(buf, size, "0");
	return buf;
}

#define XP(o) (1u << (o))

/* An expectation predicate: its subject, positional word and options. */
static const struct case_pred {
	const char *name;
	enum expect_kind kind;
	enum case_sym_kind subject;
	bool negate;
	const char *choices; /* the word after the predicate, or NULL */
	unsigned allowed, required;
	const char *usage;
} case_preds[] = {
	{ "reads", EXPECT_READS, SYM_READER, false,
	  "any|icmp-echo|icmp-reply|udp|other", /* enum proto order */
	  XP(XP_COUNT) | XP(XP_WITHIN) | XP(XP_CONSERVE) | XP(XP_LEN),
	  XP(XP_COUNT) | XP(XP_WITHIN),
	  "expect READER reads PROTO count=N within=DUR [len=N] [conserve]" },
	{ "blocked", EXPECT_BLOCKED, SYM_READER, false, NULL, XP(XP_FOR),
	  XP(XP_FOR), "expect READER blocked for=DUR" },
	{ "no-wake", EXPECT_NO_WAKE, SYM_READER, false, NULL, XP(XP_FOR),
	  XP(XP_FOR), "expect READER no-wake for=DUR" },
	{ "wakes", EXPECT_WAKES, SYM_READER, false, NULL,
	  XP(XP_MIN) | XP(XP_MAX) | XP(XP_WITHIN) | XP(XP_EVERY) | XP(XP_SOME) |
		  XP(XP_NONE),
	  XP(XP_MIN) | XP(XP_WITHIN),
	  "expect READER wakes min=N [max=M] within=DUR [every=BITS] "
	  "[some=BITS] [none=BITS]" },
	{ "returns", EXPECT_RETURNS, SYM_READER, false, NULL,
	  XP(XP_WITHIN) | XP(XP_ERRNO), XP(XP_WITHIN),
	  "expect READER returns within=DUR [errno=E|errno=ok]" },
	{ "error", EXPECT_ERROR, SYM_READER, false, NULL,
	  XP(XP_ERRNO) | XP(XP_WITHIN), XP(XP_ERRNO) | XP(XP_WITHIN),
	  "expect READER error errno=E within=DUR" },
	{ "readable", EXPECT_READABLE, SYM_QUEUE, false, NULL, XP(XP_WITHIN), 0,
	  "expect QUEUE readable [within=DUR]" },
	{ "not-readable", EXPECT_READABLE, SYM_QUEUE, true, NULL, XP(XP_WITHIN),
	  0, "expect QUEUE not-readable [within=DUR]" },
	{ "link", EXPECT_LINK, SYM_DEVICE, false, "up|down", 0, 0,
	  "expect TUN link up|down" },
	{ "step", EXPECT_STEP, SYM_QUEUE, false, NULL, XP(XP_OK) | XP(XP_ERRNO),
	  0, "expect step ok | expect step errno=E" },
	{ "send", EXPECT_SEND, SYM_QUEUE, false, NULL,
	  XP(XP_OK) | XP(XP_ERRNO) | XP(XP_COUNT), 0,
	  "expect send ok | expect send errno=E [count=N]" },
};

#define CASE_N_PREDS (sizeof(case_preds) / sizeof(case_preds[0]))

/* The hint after an unknown predicate: every one, from the table. */
static void case_hint_preds(struct case_parser *p)
{
	char list[256] = "";
	size_t off = 0;

	for (size_t i = 0; i < CASE_N_PREDS - 2 && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, " %s",
					case_preds[i].name);
	case_hint(p, "one of:%s", list);
}

/* The predicate named by word 2 (word 1 for "expect send"), or NULL. */
static const struct case_pred *case_pred_find(struct case_parser *p)
{
	struct case_best best = { "", 0 };
	const struct case_word *w = &p->w[2];

	if (!strcmp(p->w[1].s, "send"))
		return &case_preds[CASE_N_PREDS - 1];
	if (!strcmp(p->w[1].s, "step"))
		return &case_preds[CASE_N_PREDS - 2];
	if (case_need(p, 2, "a predicate"))
		return NULL;
	for (size_t i = 0; i < CASE_N_PREDS - 2; i++) {
		if (!strcmp(case_preds[i].name, w->s))
			return &case_preds[i];
		case_best_try(&best, w->s, strlen(w->s), case_preds[i].name);
	}
	case_fail(p, w->col, "expect: unknown predicate '%.48s'", w->s);
	if (best.name[0])
		case_hint(p, "did you mean '%s'?", best.name);
	else
		case_hint_preds(p);
	return NULL;
}

/* The rules across an expectation's arguments. */
static int case_expect_check(struct case_parser *p, const struct expect *e,
			     const unsigned *seen, unsigned required)
{
	for (size_t i = 0; i < XP_N; i++)
		if (required & XP(i) &&
		    case_opt_need(p, case_expect_opts, seen, i))
			return -1;
	if (e->kind == EXPECT_WAKES && e->max >= 0 && e->max < e->count)
		return case_fail(p, seen[XP_MAX],
				 "%s: max=%ld is less than "
				 "min=%ld",
				 p->label, e->max, e->count);
	if (e->kind == EXPECT_ERROR && !e->err)
		return case_fail(p, seen[XP_ERRNO],
				 "expect error needs an "
				 "errno name, not ok");
	if (e->kind != EXPECT_SEND && e->kind != EXPECT_STEP)
		return 0;
	if (!seen[XP_OK] && !seen[XP_ERRNO])
		return case_missing(p, "ok or errno=E");
	if (seen[XP_OK] && seen[XP_ERRNO])
		return case_fail(p, case_col_later(seen[XP_OK], seen[XP_ERRNO]),
				 "%s: ok and errno= exclude each other",
				 p->label);
	if (seen[XP_COUNT] && !e->err)
		return case_fail(p, seen[XP_COUNT],
				 "expect send: count= needs "
				 "errno=E");
	return 0;
}

/*
 * Does the step before this expect line act, so that its result can be
 * expected?  (send and write have `expect send`; reader, sleep, pingpong
 * and expectations have no result of their own.)
 */
static bool case_prev_acts(const struct case_parser *p)
{
	const struct case_file *c = p->c;
	enum step_kind k;

	if (c->n_steps < 2)
		return false;
	k = c->steps[c->n_steps - 2].kind;
	return k == STEP_TUN || k == STEP_OPEN || k == STEP_ATTACH ||
	       k == STEP_DETACH || k == STEP_CLOSE || k == STEP_DUP ||
	       k == STEP_LINK || k == STEP_MTU || k == STEP_SYSCTL ||
	       k == STEP_REARM;
}

/* expect SUBJECT PREDICATE [WORD] [ARGS] */
int case_parse_expect(struct case_parser *p, struct step *s)
{
	struct expect *e = &s->u.expect;
	const struct case_pred *pr;
	unsigned seen[XP_N] = { 0 };
	size_t i = 3;
	int k;

	if (case_need(p, 1, "a subject (reader, queue, device or send)") ||
	    !(pr = case_pred_find(p)))
		return -1;
	if (pr->kind == EXPECT_SEND && !p->have_send)
		return case_fail(p, p->w[1].col,
				 "expect send: no send or "
				 "write step before this line");
	if (pr->kind == EXPECT_STEP && !case_prev_acts(p))
		return case_fail(p, p->w[1].col,
				 "expect step: the line before is not a step "
				 "that acts (tun, open, attach, detach, "
				 "close, dup, link, mtu, sysctl, rearm)");
	if (pr->kind == EXPECT_SEND || pr->kind == EXPECT_STEP)
		i = 2;
	else if (case_sym_use(p, p->w[1].s, p->w[1].col, pr->subject,
			      e->subject, &e->subject_ref))
		return -1;
	case_name_copy(e->subject, p->w[1].s);
	case_name_copy(s->name, e->subject);
	snprintf(p->label_buf, sizeof(p->label_buf), "expect %s", pr->name);
	p->label = p->label_buf;
	p->usage = pr->usage;
	e->kind = pr->kind;
	e->negate = pr->negate;
	e->max = -1;
	if (pr->choices) {
		if (case_need_bare(p, 3,
				   e->kind == EXPECT_READS ? "a protocol"
							   : "up or down") ||
		    (k = case_choose(p, &p->w[3], p->w[3].s, pr->choices)) < 0)
			return -1;
		if (e->kind == EXPECT_READS)
			e->proto = (enum proto)k;
		else
			e->negate = k;
		i = 4;
	}
	if (case_args(p, i, case_expect_opts, XP_N, pr->allowed, seen, s,
		      case_expect_custom))
		return -1;
	e->any_err = e->kind == EXPECT_RETURNS && !seen[XP_ERRNO];
	return case_expect_check(p, e, seen, pr->required);
}

/* Add one backend name to an expectation's xfail list. */
static int case_xfail_add(struct case_parser *p, struct expect *e,
			  const char *name, unsigned col)
{
	if (case_name_check(p, name, col, "backend", CASE_NAME_MAX))
		return -1;
	for (size_t i = 0; i < e->n_xfail; i++)
		if (!strcmp(e->xfail[i], name))
			return case_fail(p, col,
					 "xfail: backend '%s' is "
					 "already listed",
					 name);
	if (e->n_xfail == CASE_MAX_XFAIL)
		return case_fail(p, col, "xfail: more than %d backends",
				 CASE_MAX_XFAIL);
	if (e->n_reasons == CASE_MAX_XFAIL_LINES)
		return case_fail(p, col, "xfail: more than %d xfail lines",
				 CASE_MAX_XFAIL_LINES);
	e->xfail_reason_of[e->n_xfail] = (uint8_t)e->n_reasons;
	case_name_copy(e->xfail[e->n_xfail++], name);
	return 0;
}

/* xfail BACKEND...: REASON (the reason is verbatim, '#' included). */
int case_parse_xfail(struct case_parser *p, struct step *s)
{
	const char *reason = NULL;
	size_t n = 0, len;
	struct expect *e;

	(void)s;
	if (p->xfail_step < 0) {
		case_fail(p, p->w[0].col, "xfail must follow an expect line");
		return case_hint(p, "put it right after the expectation it "
				    "documents");
	}
	e = &p->c->steps[p->xfail_step].u.expect;
	for (size_t i = 1; i < p->n && !reason; i++) {
		struct case_word *w = &p->w[i];
		char *colon = strchr(w->s, ':');
		int ret = 0;

		if (colon) {
			*colon = '\0';
			reason = p->raw + w->col + (colon - w->s);
		}
		if (w->s[0]) {
			ret = case_xfail_add(p, e, w->s, w->col);
			n++;
		}
		if (colon)
			*colon = ':';
		if (ret)
			return -1;
	}
	if (!reason)
		return case_missing(p, "': REASON' after the backends");
	if (!n)
		return case_fail(p, (unsigned)(reason - p->raw),
				 "xfail needs "
				 "at least one backend before ':'");
	len = (size_t)(p->raw + p->raw_len - reason);
	for (; len && case_is_blank(*reason); len--)
		reason++;
	while (len && case_is_blank(reason[len - 1]))
		len--;
	if (!len)
		return case_missing(p, "a reason after ':'");
	snprintf(e->xfail_reasons[e->n_reasons++], sizeof(e->xfail_reasons[0]),
		 "%.*s", (int)len, reason);
	return 0;
}
