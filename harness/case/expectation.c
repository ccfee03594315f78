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
#include "tunioctl.h"
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
	XP_HAS,
	XP_LACKS,
	XP_EVENTS,
	XP_VALUE,
	XP_CLASS,
	XP_QUIET,
	XP_SRC,
	XP_DST,
	XP_ICMP_TYPE,
	XP_PI_FLAGS,
	XP_FRAG,
	XP_GSO,
	XP_GSO_SIZE,
	XP_HDR_LEN,
	XP_CSUM,
	XP_CSUM_START,
	XP_CSUM_OFFSET,
	XP_SPREAD,
	XP_ISOLATED,
	XP_KERNEL,
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
	[XP_CONSERVE] = { "conserve", "[N%]", T_CUSTOM, .size = 0 },
	[XP_ERRNO] = { "errno", "E", T_ERRNO, AT(u.expect.err) },
	[XP_OK] = { "ok", NULL, T_FLAG, .size = 0 },
	[XP_LEN] = { "len", "N", T_NUM, AT(u.expect.len), .min = 0,
		     .max = 1 << 20 },
	[XP_EVERY] = { "every", "BITS", T_CUSTOM, .size = 0 },
	[XP_SOME] = { "some", "BITS", T_CUSTOM, .size = 0 },
	[XP_NONE] = { "none", "BITS", T_CUSTOM, .size = 0 },
	[XP_HAS] = { "has", "BITS", T_CUSTOM, .size = 0 },
	[XP_LACKS] = { "lacks", "BITS", T_CUSTOM, .size = 0 },
	[XP_EVENTS] = { "events", "BITS", T_CUSTOM, .size = 0 },
	[XP_VALUE] = { "value", "N", T_NUM, AT(u.expect.value), .min = 0,
		       .max = 0x7fffffff },
	[XP_CLASS] = { "class", CASE_PROTOS, T_CHOICE, AT(u.expect.proto) },
	[XP_QUIET] = { "quiet", "DUR|never", T_CUSTOM, .size = 0 },
	[XP_SRC] = { "src", "IP", T_ADDR, AT(u.expect.src) },
	[XP_DST] = { "dst", "IP", T_ADDR, AT(u.expect.dst) },
	[XP_ICMP_TYPE] = { "icmp-type", "N", T_NUM, AT(u.expect.icmp_type),
			   .min = 0, .max = 255 },
	[XP_PI_FLAGS] = { "pi-flags", "N|strip", T_CUSTOM, .size = 0 },
	[XP_FRAG] = { "frag", "none|first|middle|last", T_CHOICE,
		      AT(u.expect.frag) },
	[XP_GSO] = { "gso", CASE_GSO_TYPES, T_CHOICE, AT(u.expect.gso) },
	[XP_GSO_SIZE] = { "gso-size", "N", T_NUM, AT(u.expect.gso_size),
			  .min = 0, .max = 65535 },
	[XP_HDR_LEN] = { "hdr-len", "N", T_NUM, AT(u.expect.hdr_len), .min = 0,
			 .max = 65535 },
	[XP_CSUM] = { "csum", "none|partial|valid", T_CHOICE,
		      AT(u.expect.csum) },
	[XP_CSUM_START] = { "csum-start", "N", T_NUM, AT(u.expect.csum_start),
			    .min = 0, .max = 65535 },
	[XP_CSUM_OFFSET] = { "csum-offset", "N", T_NUM,
			     AT(u.expect.csum_offset), .min = 0, .max = 65535 },
	[XP_SPREAD] = { "spread", "N", T_NUM, AT(u.expect.spread), .min = 1,
			.max = CASE_MAX_READERS },
	[XP_ISOLATED] = { "isolated", NULL, T_FLAG, AT(u.expect.isolated) },
	[XP_KERNEL] = { "kernel", "A.B-C.D", T_CUSTOM, .size = 0 },
};
_Static_assert(XP_N <= 32, "expect options are a 32-bit mask");

/* The packet filters reads and `expect step` after a read take. */
#define XP_PACKET                                                              \
	(XP(XP_SRC) | XP(XP_DST) | XP(XP_ICMP_TYPE) | XP(XP_PI_FLAGS) |        \
	 XP(XP_FRAG) | XP(XP_GSO) | XP(XP_GSO_SIZE) | XP(XP_HDR_LEN) |         \
	 XP(XP_CSUM) | XP(XP_CSUM_START) | XP(XP_CSUM_OFFSET))

/* The step an `expect step` line is about: the one before it. */
static const struct step *case_prev_step(const struct case_parser *p)
{
	size_t i = p->c->n_steps >= 2 ? p->c->n_steps - 2 : 0;

	/* several `expect step` lines (e.g. per kernel) share one step */
	while (i && p->c->steps[i].kind == STEP_EXPECT &&
	       p->c->steps[i].u.expect.kind == EXPECT_STEP)
		i--;
	return p->c->n_steps >= 2 ? &p->c->steps[i] : NULL;
}

/* The names has= and lacks= use: poll bits, link flags, or the flags
 * the ioctl before an `expect step` reads back (NULL: none). */
static const struct bit_table *case_expect_bits(const struct case_parser *p,
						const struct expect *e)
{
	const struct step *prev = case_prev_step(p);

	switch (e->kind) {
	case EXPECT_FLAGS:
		return &bits_link;
	case EXPECT_STEP:
		return prev && prev->kind == STEP_IOCTL
			       ? tun_ioctls[prev->u.ioctl.req].bits
			       : NULL;
	default:
		return &bits_wake;
	}
}

/* conserve or conserve=N%: at least N% of count read, 1 packet if bare */
static int case_conserve(struct case_parser *p, const struct case_word *w,
			 struct expect *e)
{
	char *end;
	unsigned long n;

	e->conserve = true;
	if (!w->val)
		return 0;
	n = strtoul(w->val, &end, 10);
	if (end == w->val || strcmp(end, "%") || !n || n > 100) {
		case_fail_value(p, w,
				"'%.24s' is not a percentage (1%%..100%%)",
				w->val);
		return case_hint(p,
				 "conserve=90%%: at least 90%% of count read");
	}
	e->conserve_pct = (unsigned)n;
	return 0;
}

/* quiet=DUR|never: how long a reads expectation waits in silence. */
static int case_quiet(struct case_parser *p, const struct case_word *w,
		      struct expect *e)
{
	if (!strcmp(w->val, "never")) {
		e->quiet_ns = UINT64_MAX;
		return 0;
	}
	return case_duration(p, w, &e->quiet_ns);
}

/* every= some= none= has= lacks= events=: a bit set by name or number;
 * conserve[=N%], quiet=DUR|never. */
static int case_expect_custom(struct case_parser *p, const struct case_word *w,
			      int k, struct step *s)
{
	struct expect *e = &s->u.expect;

	if (k == XP_CONSERVE)
		return case_conserve(p, w, e);
	if (k == XP_KERNEL)
		return case_krange(p, w, &e->kernel);
	if (k == XP_QUIET)
		return case_quiet(p, w, e);
	if (k == XP_PI_FLAGS) {
		long n;

		if (!strcmp(w->val, "strip")) {
			e->pi_flags = 1; /* TUN_PKT_STRIP */
			return 0;
		}
		if (case_num(p, w, 0, 0xffff, &n))
			return -1;
		e->pi_flags = (int)n;
		return 0;
	}
	uint32_t *dst = k == XP_EVERY	? &e->every
			: k == XP_SOME	? &e->some
			: k == XP_NONE	? &e->none
			: k == XP_HAS	? &e->has
			: k == XP_LACKS ? &e->lacks
					: &e->events;
	const struct bit_table *t = case_expect_bits(p, e);

	if (!t) {
		case_fail(p, w->col,
			  "%s: the step before reads back no named flags",
			  p->label);
		return case_hint(p, "has= and lacks= follow ioctl TUNGETIFF "
				    "or TUNGETFEATURES; use value=N");
	}
	return case_bits_word(p, w, w->val, t, 0, dst);
}

const char *wake_names(uint32_t v, char *buf, size_t size)
{
	return bits_format(&bits_wake, v, buf, size);
}

#define XP(o) (1u << (o))

/* An expectation predicate: its subject, positional word and options.
 * The last CASE_N_SPECIAL have a fixed word as subject (expect send ...). */
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
	  CASE_PROTOS, /* enum proto order */
	  XP(XP_COUNT) | XP(XP_WITHIN) | XP(XP_CONSERVE) | XP(XP_LEN) |
		  XP(XP_QUIET) | XP_PACKET,
	  XP(XP_COUNT) | XP(XP_WITHIN),
	  "expect READER reads PROTO count=N within=DUR [len=N] "
	  "[conserve[=N%]] [quiet=DUR|never] [src=IP] [dst=IP] [icmp-type=N] "
	  "[pi-flags=N|strip] [frag=none|first|middle|last] [gso=TYPE] "
	  "[gso-size=N] [hdr-len=N] [csum=none|partial|valid] [csum-start=N] "
	  "[csum-offset=N]" },
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
	{ "writable", EXPECT_POLL, SYM_QUEUE, false, NULL, XP(XP_WITHIN), 0,
	  "expect QUEUE writable [within=DUR]" },
	{ "not-writable", EXPECT_POLL, SYM_QUEUE, true, NULL, XP(XP_WITHIN), 0,
	  "expect QUEUE not-writable [within=DUR]" },
	{ "poll", EXPECT_POLL, SYM_QUEUE, false, NULL,
	  XP(XP_HAS) | XP(XP_LACKS) | XP(XP_EVENTS) | XP(XP_WITHIN), 0,
	  "expect QUEUE poll [events=BITS] [has=BITS] [lacks=BITS] "
	  "[within=DUR]" },
	{ "link", EXPECT_LINK, SYM_DEVICE, false, "up|down|gone", 0, 0,
	  "expect TUN link up|down|gone" },
	{ "carrier", EXPECT_CARRIER, SYM_DEVICE, false, "off|on", XP(XP_WITHIN),
	  0, "expect TUN carrier on|off [within=DUR]" },
	{ "operstate", EXPECT_OPERSTATE, SYM_DEVICE, false, CASE_OPERSTATES,
	  XP(XP_WITHIN), 0,
	  "expect TUN operstate up|down|lowerlayerdown|unknown|dormant|"
	  "notpresent|testing [within=DUR]" },
	{ "flags", EXPECT_FLAGS, SYM_DEVICE, false, NULL,
	  XP(XP_HAS) | XP(XP_LACKS) | XP(XP_WITHIN), 0,
	  "expect TUN flags [has=BITS] [lacks=BITS] [within=DUR]" },
	{ "addresses", EXPECT_ADDRS, SYM_DEVICE, false, "usable|pending",
	  XP(XP_WITHIN), 0,
	  "expect TUN addresses usable|pending [within=DUR]" },
	{ "counter", EXPECT_COUNTER, SYM_DEVICE, false, NULL,
	  XP(XP_MIN) | XP(XP_MAX) | XP(XP_WITHIN), 0,
	  "expect TUN counter NAME [min=N] [max=N] [within=DUR]" },
	/* special subjects, the word after expect: */
	{ "snmp", EXPECT_COUNTER, SYM_DEVICE, false, NULL,
	  XP(XP_MIN) | XP(XP_MAX) | XP(XP_WITHIN), 0,
	  "expect snmp GROUP.NAME [min=N] [max=N] [within=DUR]" },
	{ "step", EXPECT_STEP, SYM_QUEUE, false, NULL,
	  XP(XP_OK) | XP(XP_ERRNO) | XP(XP_VALUE) | XP(XP_HAS) | XP(XP_LACKS) |
		  XP(XP_LEN) | XP(XP_CLASS) | XP_PACKET,
	  0,
	  "expect step ok [value=N] [has=BITS] [lacks=BITS] [len=N] "
	  "[class=PROTO] [src= dst= icmp-type= pi-flags= frag=] | "
	  "expect step errno=E" },
	{ "send", EXPECT_SEND, SYM_QUEUE, false, NULL,
	  XP(XP_OK) | XP(XP_ERRNO) | XP(XP_COUNT), 0,
	  "expect send ok | expect send errno=E [count=N]" },
	{ "flows", EXPECT_FLOWS, SYM_READER, false, NULL,
	  XP(XP_COUNT) | XP(XP_WITHIN) | XP(XP_SPREAD) | XP(XP_ISOLATED),
	  XP(XP_COUNT) | XP(XP_WITHIN),
	  "expect flows READER+READER... count=N within=DUR [spread=N] "
	  "[isolated]" },
};

#define CASE_N_PREDS   (sizeof(case_preds) / sizeof(case_preds[0]))
#define CASE_N_SPECIAL 4 /* snmp, step, send, flows */
#define CASE_N_NAMED   (CASE_N_PREDS - CASE_N_SPECIAL)

/* expect flows R+R...: the readers, each declared, at least two. */
static int case_flows_readers(struct case_parser *p, struct expect *e)
{
	const struct case_word *w = &p->w[2];
	const char *t;
	char one[CASE_NAME_MAX], dummy[CASE_NAME_MAX];
	unsigned n = 0;

	if (case_need_bare(p, 2, "the readers: r0+r1+..."))
		return -1;
	for (t = w->s; *t;) {
		size_t len = strcspn(t, "+");
		int ref;

		snprintf(one, sizeof(one), "%.*s",
			 (int)(len < sizeof(one) ? len : sizeof(one) - 1), t);
		if (case_sym_use(p, one, w->col + (unsigned)(t - w->s),
				 SYM_READER, dummy, &ref))
			return -1;
		if (e->readers & (1u << ref))
			return case_fail(p, w->col + (unsigned)(t - w->s),
					 "expect flows: reader '%s' twice",
					 one);
		e->readers |= 1u << ref;
		n++;
		t += len + (t[len] == '+');
	}
	if (n < 2)
		return case_fail(p, w->col,
				 "expect flows: name two readers or more "
				 "(r0+r1)");
	case_name_copy(e->subject, w->s);
	return 0;
}

/* The hint after an unknown predicate: every one, from the table. */
static void case_hint_preds(struct case_parser *p)
{
	char list[256] = "";
	size_t off = 0;

	for (size_t i = 0; i < CASE_N_NAMED && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, " %s",
					case_preds[i].name);
	case_hint(p, "one of:%s", list);
}

/* The predicate named by word 2 (word 1 for send, step, snmp), or NULL. */
static const struct case_pred *case_pred_find(struct case_parser *p)
{
	struct case_best best = { "", 0 };
	const struct case_word *w = &p->w[2];

	for (size_t i = CASE_N_NAMED; i < CASE_N_PREDS; i++)
		if (!strcmp(p->w[1].s, case_preds[i].name))
			return &case_preds[i];
	if (case_need(p, 2, "a predicate"))
		return NULL;
	for (size_t i = 0; i < CASE_N_NAMED; i++) {
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

/* What the step before an `expect step` reads back: value=, has=,
 * lacks= after an ioctl that reads, len= and class= after a read. */
static int case_step_values(struct case_parser *p, const unsigned *seen)
{
	const struct step *prev = case_prev_step(p);
	bool reads = prev->kind == STEP_IOCTL &&
		     tun_ioctls[prev->u.ioctl.req].reads;
	unsigned col = seen[XP_VALUE] | seen[XP_HAS] | seen[XP_LACKS];

	if (col && !reads)
		return case_fail(p,
				 seen[XP_VALUE] ? seen[XP_VALUE]
				 : seen[XP_HAS] ? seen[XP_HAS]
						: seen[XP_LACKS],
				 "expect step: the step before reads no "
				 "value back (an ioctl such as TUNGETIFF "
				 "does)");
	unsigned pcol = seen[XP_LEN] | seen[XP_CLASS] | seen[XP_SRC] |
			seen[XP_DST] | seen[XP_ICMP_TYPE] | seen[XP_PI_FLAGS] |
			seen[XP_FRAG] | seen[XP_GSO] | seen[XP_GSO_SIZE] |
			seen[XP_HDR_LEN] | seen[XP_CSUM] | seen[XP_CSUM_START] |
			seen[XP_CSUM_OFFSET];

	for (size_t i = 0; pcol && prev->kind != STEP_READ && i < XP_N; i++)
		if (seen[i] &&
		    (XP(i) & (XP_PACKET | XP(XP_LEN) | XP(XP_CLASS))))
			return case_fail(p, seen[i],
					 "expect step: len=, class= and packet "
					 "filters follow a read step");
	if ((col || pcol) && !seen[XP_OK])
		return case_fail(p, seen[XP_ERRNO],
				 "expect step: a failed step reads nothing: "
				 "values need ok, not errno=");
	return 0;
}

/* The rules across an expectation's arguments. */
static int case_expect_check(struct case_parser *p, struct expect *e,
			     const unsigned *seen, unsigned required)
{
	for (size_t i = 0; i < XP_N; i++)
		if (required & XP(i) &&
		    case_opt_need(p, case_expect_opts, seen, i))
			return -1;
	if ((e->kind == EXPECT_WAKES || e->kind == EXPECT_COUNTER) &&
	    e->max >= 0 && e->max < e->count)
		return case_fail(p, seen[XP_MAX],
				 "%s: max=%ld is less than "
				 "min=%ld",
				 p->label, e->max, e->count);
	if (e->kind == EXPECT_READS && seen[XP_LEN] && !e->len)
		return case_fail(p, seen[XP_LEN],
				 "expect reads: len=0 counts no packet "
				 "(expect step len=0 after a read step does)");
	if (e->kind == EXPECT_COUNTER && !seen[XP_MIN] && !seen[XP_MAX])
		return case_missing(p, "min=N or max=N");
	if (e->kind == EXPECT_COUNTER && !e->count && e->max < 0)
		return case_fail(p, seen[XP_MIN],
				 "%s: min=0 without max= cannot fail",
				 p->label);
	if ((e->kind == EXPECT_FLAGS || e->kind == EXPECT_POLL) && !e->has &&
	    !e->lacks)
		return case_missing(p, "has=BITS or lacks=BITS");
	if (e->has & e->lacks)
		return case_fail(p,
				 case_col_later(seen[XP_HAS], seen[XP_LACKS]),
				 "%s: has= and lacks= share a bit", p->label);
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
	if (e->kind == EXPECT_STEP) {
		if (!seen[XP_VALUE])
			e->value = -1;
		if (!seen[XP_LEN])
			e->len = -1;
		return case_step_values(p, seen);
	}
	return 0;
}

/*
 * Does the step before this expect line act, so that its result can be
 * expected?  (send and write have `expect send`; reader, sleep, pingpong
 * and expectations have no result of their own.)
 */
static bool case_prev_acts(const struct case_parser *p)
{
	const struct step *prev = case_prev_step(p);
	enum step_kind k = prev ? prev->kind : STEP_EXPECT;

	return k == STEP_TUN || k == STEP_OPEN || k == STEP_ATTACH ||
	       k == STEP_DETACH || k == STEP_CLOSE || k == STEP_DUP ||
	       k == STEP_LINK || k == STEP_MTU || k == STEP_SYSCTL ||
	       k == STEP_REARM || k == STEP_IOCTL || k == STEP_READ;
}

/* expect snmp GROUP.NAME: "Ip.InHdrErrors", "Icmp6.InEchos" */
static int case_snmp_name(struct case_parser *p, struct expect *e)
{
	const struct case_word *w = &p->w[2];
	const char *dot;
	size_t n;

	/* before w->s is read: a line may end after `snmp` */
	if (case_need_bare(p, 2, "a counter such as Ip.InHdrErrors"))
		return -1;
	dot = strchr(w->s, '.');
	n = strlen(w->s);
	if (!dot || dot == w->s || !dot[1] || n >= sizeof(e->snmp) ||
	    strspn(w->s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789.") != n ||
	    strchr(dot + 1, '.')) {
		case_fail(p, w->col, "expect snmp: '%.48s' is not GROUP.NAME",
			  w->s);
		return case_hint(p, "as /proc/net/snmp, snmp6 and netstat "
				    "name them: Ip.InHdrErrors, "
				    "Icmp6.InEchos, TcpExt.TCPAbortOnData");
	}
	memcpy(e->snmp, w->s, n + 1);
	e->counter = -1;
	return 0;
}

/* expect TUN counter NAME: a field of IFLA_STATS64 */
static int case_counter_name(struct case_parser *p, struct expect *e)
{
	struct case_best best = { "", 0 };
	const struct case_word *w = &p->w[3];

	if (case_need_bare(p, 3, "a counter such as tx_dropped"))
		return -1;
	for (int i = 0; i < STATS64_N; i++) {
		if (!strcmp(w->s, stats64_names[i])) {
			e->counter = i;
			return 0;
		}
		case_best_try(&best, w->s, strlen(w->s), stats64_names[i]);
	}
	case_fail(p, w->col, "expect counter: unknown counter '%.48s'", w->s);
	if (best.name[0])
		return case_hint(p, "did you mean '%s'?", best.name);
	return case_hint(p, "the fields of IFLA_STATS64: rx_packets, "
			    "tx_dropped, ... (README)");
}

/* The word after the predicate: a protocol, up/down, on/off, a state. */
static int case_expect_word(struct case_parser *p, const struct case_pred *pr,
			    struct expect *e)
{
	int k;

	if (case_need_bare(p, 3,
			   e->kind == EXPECT_READS     ? "a protocol"
			   : e->kind == EXPECT_LINK    ? "up or down"
			   : e->kind == EXPECT_CARRIER ? "on or off"
			   : e->kind == EXPECT_ADDRS   ? "usable or pending"
						       : "a state") ||
	    (k = case_choose(p, &p->w[3], p->w[3].s, pr->choices)) < 0)
		return -1;
	if (e->kind == EXPECT_READS)
		e->proto = (enum proto)k;
	else if (e->kind == EXPECT_LINK) {
		e->negate = k == 1;
		e->state = (uint8_t)k; /* 2: gone */
	} else
		e->state = (uint8_t)k;
	return 0;
}

/* expect SUBJECT PREDICATE [WORD] [ARGS] */
int case_parse_expect(struct case_parser *p, struct step *s)
{
	struct expect *e = &s->u.expect;
	const struct case_pred *pr;
	unsigned seen[XP_N] = { 0 };
	size_t i = 3;

	if (case_need(p, 1,
		      "a subject (reader, queue, device, step, send "
		      "or snmp)") ||
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
				 "close, dup, link, mtu, sysctl, rearm, "
				 "ioctl, read)");
	e->subject_ref = -1;
	if (pr >= &case_preds[CASE_N_NAMED])
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
	case_expect_any(e);
	if (pr->choices) {
		if (case_expect_word(p, pr, e))
			return -1;
		i = 4;
	} else if (!strcmp(pr->name, "counter")) {
		if (case_counter_name(p, e))
			return -1;
		i = 4;
	} else if (!strcmp(pr->name, "snmp")) {
		if (case_snmp_name(p, e))
			return -1;
		i = 3;
	} else if (!strcmp(pr->name, "flows")) {
		if (case_flows_readers(p, e))
			return -1;
		i = 3;
	}
	if (case_args(p, i, case_expect_opts, XP_N, pr->allowed | XP(XP_KERNEL),
		      seen, s, case_expect_custom))
		return -1;
	if (!strcmp(pr->name, "writable") || !strcmp(pr->name, "not-writable"))
		*(e->negate ? &e->lacks : &e->has) = 0x4; /* POLLOUT */
	e->any_err = e->kind == EXPECT_RETURNS && !seen[XP_ERRNO];
	e->vnet_set = (seen[XP_GSO] ? 1u << VF_GSO : 0) |
		      (seen[XP_CSUM] ? 1u << VF_CSUM : 0) |
		      (seen[XP_GSO_SIZE] ? 1u << VF_GSO_SIZE : 0) |
		      (seen[XP_HDR_LEN] ? 1u << VF_HDR_LEN : 0) |
		      (seen[XP_CSUM_START] ? 1u << VF_CSUM_START : 0) |
		      (seen[XP_CSUM_OFFSET] ? 1u << VF_CSUM_OFFSET : 0);
	return case_expect_check(p, e, seen, pr->required);
}

void case_expect_any(struct expect *e)
{
	e->icmp_type = e->pi_flags = e->frag = -1;
}
