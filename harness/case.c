// SPDX-License-Identifier: MIT
/*
 * The case-file parser: text in, a struct case_file or the first error out.
 * One line is one directive; it is split into words (a '#' that starts a
 * word ends the line), looked up in case_directives[] and handed to one
 * small parse function.  No I/O except in case_load(), so the parser is
 * unit-tested and fuzzed directly (tests/test_case.c, tests/fuzz_case.c).
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

#include "case.h"
#include "tuncheck/backend.h"

#define NS_PER_S 1000000000ull
#define CASE_DURATION_MAX (60 * NS_PER_S)
#define CASE_SLACK_NS (2 * NS_PER_S)
#define CASE_COUNT_MAX 1000000

enum case_sym_kind { SYM_DEVICE, SYM_QUEUE, SYM_READER };

static const char *const case_sym_names[] = { "device", "queue", "reader" };
static const char *const case_sym_hints[] = {
	"declare it first: tun NAME ...",
	"open it first: open NAME device=TUN",
	"start it first: reader NAME queue=QUEUE",
};

/* A declared device, queue or reader: one namespace for all three. */
struct case_sym {
	char name[CASE_NAME_MAX];
	enum case_sym_kind kind;
	unsigned line;
};

/* One word of the current line, NUL-terminated in case_parser.buf. */
struct case_word {
	char *s;      /* the whole word */
	char *val;    /* after the first '=', or NULL for a bare word */
	size_t klen;  /* length of the key (the whole word if bare) */
	unsigned col; /* 1-based byte column */
};

struct case_parser;

enum case_role { ROLE_HEADER, ROLE_STEP, ROLE_EXPECT, ROLE_XFAIL };

struct case_directive {
	const char *name;
	int (*parse)(struct case_parser *p);
	enum case_role role;
	const char *usage;
};

struct case_parser {
	struct case_file *c;
	struct case_diag *diag;
	const char *label;     /* message prefix: directive or "expect reads" */
	const char *usage;     /* for hints */
	const char *raw;       /* the current line as in the file */
	size_t raw_len;	       /* its length, without the '\n' */
	char label_buf[32];    /* for label */
	unsigned line;	       /* current line number */
	unsigned case_line;    /* line of `case NAME`, 0 before it */
	size_t cap_steps;
	struct case_sym *syms;
	size_t n_syms, cap_syms;
	long xfail_step;       /* the expect an xfail line may follow, or -1 */
	bool have_send;	       /* a send or write step came before */
	char buf[CASE_LINE_MAX + 1];
	struct case_word w[CASE_LINE_MAX / 2 + 1];
	size_t n;
};

/* An argument a directive accepts: a bare flag, or KEY=META. */
struct case_opt {
	const char *name; /* "*": any other KEY=VALUE */
	const char *meta; /* value placeholder, NULL for a bare flag */
	bool repeat;
};

/* Record the first error at column col of the current line; returns -1. */
static int __attribute__((format(printf, 3, 4)))
case_fail(struct case_parser *p, unsigned col, const char *fmt, ...)
{
	va_list ap;

	p->diag->line = p->line;
	p->diag->col = col;
	va_start(ap, fmt);
	vsnprintf(p->diag->msg, sizeof(p->diag->msg), fmt, ap);
	va_end(ap);
	p->diag->hint[0] = '\0';
	return -1;
}

/* Attach a hint to the error just recorded; returns -1. */
static int __attribute__((format(printf, 2, 3)))
case_hint(struct case_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->diag->hint, sizeof(p->diag->hint), fmt, ap);
	va_end(ap);
	return -1;
}

/* Word separators; '\r' too, for files edited on Windows. */
static bool case_is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Case-insensitive edit distance, for "did you mean"; long words: far. */
static unsigned case_edit_distance(const char *a, size_t la, const char *b)
{
	unsigned row[33], diag, up;
	size_t lb = strlen(b);

	if (la > 32 || lb > 32)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned sub = diag + (toupper((unsigned char)a[i - 1]) !=
					       toupper((unsigned char)b[j - 1]));

			up = row[j];
			row[j] = sub;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* The closest candidate so far within edit distance 2. */
struct case_best {
	const char *name;
	unsigned d;
};

static void case_best_try(struct case_best *b, const char *w, size_t len,
			  const char *cand)
{
	unsigned d = case_edit_distance(w, len, cand);

	if (d <= 2 && (!b->name || d < b->d)) {
		b->name = cand;
		b->d = d;
	}
}

/* The column just past the last word: where a missing argument goes. */
static unsigned case_col_end(const struct case_parser *p)
{
	const struct case_word *w = &p->w[p->n - 1];

	return w->col + (unsigned)strlen(w->s) + 1;
}

/* Error for a missing word or argument, with the usage as hint. */
static int case_missing(struct case_parser *p, const char *what)
{
	case_fail(p, case_col_end(p), "%s needs %s", p->label, what);
	return case_hint(p, "usage: %s", p->usage);
}

/* Check that word i exists (else "LABEL needs WHAT"). */
static int case_need(struct case_parser *p, size_t i, const char *what)
{
	return i < p->n ? 0 : case_missing(p, what);
}

/* Check a name: [A-Za-z][A-Za-z0-9_.-]*, shorter than max bytes. */
static int case_name_check(struct case_parser *p, const char *s, unsigned col,
			   const char *what, size_t max)
{
	size_t len = strlen(s);
	bool ok = (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z');

	for (size_t i = 1; ok && i < len; i++)
		ok = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_.-", s[i]) != NULL;
	if (!ok) {
		case_fail(p, col, "'%.48s' is not a valid %s name", s, what);
		return case_hint(p, "names start with a letter, then letters, "
				    "digits, '_', '.' or '-'");
	}
	if (len >= max)
		return case_fail(p, col,
				 "%s name '%.24s...' is %zu bytes long; the "
				 "limit is %zu", what, s, len, max - 1);
	return 0;
}

/* Copy a name already checked to be shorter than CASE_NAME_MAX. */
static void case_name_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, CASE_NAME_MAX - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const struct case_sym *case_sym_find(const struct case_parser *p,
					    const char *name)
{
	for (size_t i = 0; i < p->n_syms; i++)
		if (!strcmp(p->syms[i].name, name))
			return &p->syms[i];
	return NULL;
}

/* Declare a new device, queue or reader and copy its name to dst. */
static int case_sym_define(struct case_parser *p, const char *name,
			   unsigned col, enum case_sym_kind kind, char *dst)
{
	const struct case_sym *old;
	struct case_sym *v;

	if (case_name_check(p, name, col, case_sym_names[kind],
			    kind == SYM_DEVICE ? IFNAMSIZ : CASE_NAME_MAX))
		return -1;
	if (!strcmp(name, "send"))
		return case_fail(p, col, "'send' is reserved (expect send ...)");
	old = case_sym_find(p, name);
	if (old)
		return case_fail(p, col, "%s '%s' already defined at line %u",
				 case_sym_names[old->kind], name, old->line);
	if (p->n_syms == p->cap_syms) {
		size_t cap = p->cap_syms ? 2 * p->cap_syms : 16;

		v = realloc(p->syms, cap * sizeof(*v));
		if (!v)
			return case_fail(p, col, "out of memory");
		p->syms = v;
		p->cap_syms = cap;
	}
	v = &p->syms[p->n_syms++];
	case_name_copy(v->name, name);
	v->kind = kind;
	v->line = p->line;
	case_name_copy(dst, name);
	return 0;
}

/* Refer to a declared name of the given kind; copy it to dst. */
static int case_sym_use(struct case_parser *p, const char *name, unsigned col,
			enum case_sym_kind kind, char *dst)
{
	const struct case_sym *v = case_sym_find(p, name);

	if (!v) {
		case_fail(p, col, "no %s named '%.48s'", case_sym_names[kind],
			  name);
		return case_hint(p, "%s", case_sym_hints[kind]);
	}
	if (v->kind != kind)
		return case_fail(p, col, "'%s' is a %s, not a %s", name,
				 case_sym_names[v->kind], case_sym_names[kind]);
	case_name_copy(dst, name);
	return 0;
}

/* Append a zeroed step of the given kind for the current line. */
static struct step *case_step_add(struct case_parser *p, enum step_kind kind)
{
	struct case_file *c = p->c;
	struct step *s;

	if (c->n_steps == CASE_MAX_STEPS) {
		case_fail(p, p->w[0].col, "too many steps; the limit is %d",
			  CASE_MAX_STEPS);
		return NULL;
	}
	if (c->n_steps == p->cap_steps) {
		size_t cap = p->cap_steps ? 2 * p->cap_steps : 16;

		s = realloc(c->steps, cap * sizeof(*s));
		if (!s) {
			case_fail(p, p->w[0].col, "out of memory");
			return NULL;
		}
		c->steps = s;
		p->cap_steps = cap;
	}
	s = &c->steps[c->n_steps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->line = p->line;
	return s;
}

/* "unknown argument" with did-you-mean and the accepted list as hint. */
static int case_opt_unknown(struct case_parser *p, const struct case_word *w,
			    const struct case_opt *o, size_t n, unsigned mask)
{
	struct case_best best = { NULL, 0 };
	char *h = p->diag->hint;
	size_t off = 0, size = sizeof(p->diag->hint);

	if (!(mask & ((1u << n) - 1))) {
		case_fail(p, w->col, "%s: unexpected argument '%.48s'",
			  p->label, w->s);
		return case_hint(p, "usage: %s", p->usage);
	}
	case_fail(p, w->col, "%s: unknown argument '%.48s'", p->label, w->s);
	for (size_t i = 0; i < n; i++)
		if (mask & 1u << i && strcmp(o[i].name, "*"))
			case_best_try(&best, w->s, w->klen, o[i].name);
	if (best.name)
		off += snprintf(h, size, "did you mean '%s'? ", best.name);
	off += snprintf(h + off, size - off, "accepted:");
	for (size_t i = 0; i < n && off < size; i++) {
		if (!(mask & 1u << i))
			continue;
		if (!strcmp(o[i].name, "*"))
			off += snprintf(h + off, size - off, " %s", o[i].meta);
		else
			off += snprintf(h + off, size - off, " %s%s%s",
					o[i].name, o[i].meta ? "=" : "",
					o[i].meta ? o[i].meta : "");
	}
	return -1;
}

/*
 * Match word w against the options enabled in mask; record where each was
 * seen (for duplicates and required ones).  Returns the option's index or
 * -1 with the diagnostic filled.
 */
static int case_opt_match(struct case_parser *p, const struct case_word *w,
			  const struct case_opt *o, size_t n, unsigned mask,
			  unsigned *seen)
{
	size_t i, wild = n;

	if (w->val && !w->klen)
		return case_fail(p, w->col, "%s: empty key in '%.48s'",
				 p->label, w->s);
	for (i = 0; i < n; i++) {
		if (!(mask & 1u << i))
			continue;
		if (!strcmp(o[i].name, "*"))
			wild = i;
		else if (strlen(o[i].name) == w->klen &&
			 !memcmp(o[i].name, w->s, w->klen))
			break;
	}
	if (i == n && wild < n && w->val)
		i = wild;
	if (i == n)
		return case_opt_unknown(p, w, o, n, mask);
	if (o[i].meta && !w->val) {
		case_fail(p, w->col, "%s: '%s' needs a value", p->label, w->s);
		return case_hint(p, "write %s=%s", o[i].name, o[i].meta);
	}
	if (!o[i].meta && w->val) {
		case_fail(p, w->col, "%s: '%.*s' takes no value", p->label,
			  (int)w->klen, w->s);
		return case_hint(p, "write just '%.*s'", (int)w->klen, w->s);
	}
	if (seen[i] && !o[i].repeat)
		return case_fail(p, w->col,
				 "%s: duplicate '%.*s' (first at column %u)",
				 p->label, (int)w->klen, w->s, seen[i]);
	seen[i] = w->col;
	return (int)i;
}

/* Error unless required option i was given. */
static int case_opt_need(struct case_parser *p, const struct case_opt *o,
			 const unsigned *seen, size_t i)
{
	char what[48];

	if (seen[i])
		return 0;
	snprintf(what, sizeof(what), "%s=%s", o[i].name, o[i].meta);
	return case_missing(p, what);
}

/* What a value is called in messages: its key, or the directive. */
static const char *case_word_label(const struct case_parser *p,
				   const struct case_word *w, char *buf,
				   size_t size)
{
	if (!w->val)
		return p->label;
	snprintf(buf, size, "%.*s", (int)w->klen, w->s);
	return buf;
}

/* Parse the decimal value of w (or bare w) into [min, max]. */
static int case_num(struct case_parser *p, const struct case_word *w,
		    long min, long max, long *out)
{
	const char *v = w->val ? w->val : w->s;
	char label[CASE_NAME_MAX], *end;
	const char *l = case_word_label(p, w, label, sizeof(label));
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!((v[0] >= '0' && v[0] <= '9') || v[0] == '-') || *end ||
	    end == v)
		return case_fail(p, w->col, "%s: '%.48s' is not a number", l, v);
	if (errno == ERANGE || n < min || n > max)
		return case_fail(p, w->col, "%s: %.24s is out of range (%ld..%ld)",
				 l, v, min, max);
	*out = n;
	return 0;
}

enum case_dur_err { DUR_OK, DUR_SYNTAX, DUR_NO_UNIT, DUR_UNIT, DUR_ZERO,
		    DUR_BIG };

/* NUMBER[.FRACTION]UNIT, exactly (no floating point), into nanoseconds. */
static enum case_dur_err case_duration_scan(const char *s, uint64_t *ns)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		      { "s", NS_PER_S } };
	uint64_t ip = 0, frac = 0, scale = 1, unit = 0;
	const char *q = s;
	size_t i;

	for (; *q >= '0' && *q <= '9'; q++)
		if (ip < 1000 * CASE_DURATION_MAX)
			ip = ip * 10 + (uint64_t)(*q - '0');
	if (q == s)
		return DUR_SYNTAX;
	if (*q == '.') {
		if (!(*++q >= '0' && *q <= '9'))
			return DUR_SYNTAX;
		for (; *q >= '0' && *q <= '9'; q++)
			if (scale < NS_PER_S) {
				frac = frac * 10 + (uint64_t)(*q - '0');
				scale *= 10;
			}
	}
	if (!*q)
		return DUR_NO_UNIT;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(q, units[i].name))
			unit = units[i].ns;
	if (!unit)
		return DUR_UNIT;
	if (ip > CASE_DURATION_MAX / unit)
		return DUR_BIG;
	*ns = ip * unit + frac * unit / scale;
	if (!*ns)
		return DUR_ZERO;
	return *ns > CASE_DURATION_MAX ? DUR_BIG : DUR_OK;
}

/* Parse a duration value (within=, for=, interval=, sleep DUR). */
static int case_duration(struct case_parser *p, const struct case_word *w,
			 uint64_t *ns)
{
	const char *v = w->val ? w->val : w->s;
	char label[CASE_NAME_MAX];
	const char *l = case_word_label(p, w, label, sizeof(label));

	switch (case_duration_scan(v, ns)) {
	case DUR_OK:
		return 0;
	case DUR_NO_UNIT:
		case_fail(p, w->col, "%s: '%.24s' has no unit", l, v);
		return case_hint(p, "add a unit: 200ms, 1s");
	case DUR_UNIT:
		case_fail(p, w->col, "%s: unknown unit in '%.24s'", l, v);
		return case_hint(p, "units: ns, us, ms, s");
	case DUR_ZERO:
		return case_fail(p, w->col, "%s: '%.24s' is not > 0", l, v);
	case DUR_BIG:
		return case_fail(p, w->col, "%s: '%.24s' is longer than 60s", l,
				 v);
	default:
		case_fail(p, w->col, "%s: '%.48s' is not a duration", l, v);
		return case_hint(p, "e.g. 500us, 200ms, 1.5s");
	}
}

/* Parse value v of w as one of choices[]; returns its index or -1. */
static int case_choose(struct case_parser *p, const struct case_word *w,
		       const char *v, const char *const *choices, size_t n)
{
	struct case_best best = { NULL, 0 };
	char label[CASE_NAME_MAX], list[96];
	const char *l = case_word_label(p, w, label, sizeof(label));
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v, choices[i]))
			return (int)i;
		case_best_try(&best, v, strlen(v), choices[i]);
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
				i ? ", " : "", choices[i]);
	}
	case_fail(p, w->col, "%s: '%.48s' is not one of: %s", l, v, list);
	return best.name ? case_hint(p, "did you mean '%s'?", best.name) : -1;
}

/* Parse ADDR or ADDR/PREFIX (cidr) from w's value. */
static int case_addr_parse(struct case_parser *p, const struct case_word *w,
			   bool cidr, struct case_addr *a)
{
	char tmp[INET6_ADDRSTRLEN + 1], label[CASE_NAME_MAX];
	const char *l = case_word_label(p, w, label, sizeof(label));
	const char *v = w->val, *slash = strchr(v, '/');
	size_t len = slash ? (size_t)(slash - v) : strlen(v);
	long max, prefix = 0;
	char *end;

	if (cidr && !slash) {
		case_fail(p, w->col, "%s: '%.48s' has no prefix length", l, v);
		return case_hint(p, "e.g. %s=198.18.0.1/24 or %s=2001:db8::1/64",
				 l, l);
	}
	if (!cidr && slash)
		return case_fail(p, w->col, "%s: '%.48s' is a prefix, not an "
				 "address", l, v);
	a->family = memchr(v, ':', len) ? AF_INET6 : AF_INET;
	max = a->family == AF_INET6 ? 128 : 32;
	if (len < sizeof(tmp)) {
		memcpy(tmp, v, len);
		tmp[len] = '\0';
	}
	if (len >= sizeof(tmp) || inet_pton(a->family, tmp, &a->a) != 1)
		return case_fail(p, w->col, "%s: '%.48s' is not an %s address",
				 l, v, a->family == AF_INET6 ? "IPv6" : "IPv4");
	if (slash) {
		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (!(slash[1] >= '0' && slash[1] <= '9') || *end || errno ||
		    prefix < 1 || prefix > max)
			return case_fail(p, w->col, "%s: prefix '/%.8s' is not "
					 "in 1..%ld", l, slash + 1, max);
	}
	a->prefix = (uint8_t)(slash ? prefix : max);
	return 0;
}

/* Parse an errno value: a name, or "ok" (0) where allow_ok. */
static int case_errno(struct case_parser *p, const struct case_word *w,
		      bool allow_ok, int *err)
{
	struct case_best best = { NULL, 0 };

	if (!strcmp(w->val, "ok") && allow_ok) {
		*err = 0;
		return 0;
	}
	if (!parse_errno_name(w->val, err))
		return 0;
	case_fail(p, w->col, "unknown errno name '%.48s'", w->val);
	for (int i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);

		if (n)
			case_best_try(&best, w->val, strlen(w->val), n);
	}
	if (best.name)
		return case_hint(p, "did you mean %s?", best.name);
	return case_hint(p, "e.g. EIO, EAGAIN, EBADFD%s",
			 allow_ok ? ", or ok" : "");
}

/* case NAME: must be the first line, exactly once. */
static int case_parse_case(struct case_parser *p)
{
	if (p->case_line)
		return case_fail(p, p->w[0].col, "second 'case' line (the case "
				 "began at line %u)", p->case_line);
	if (case_need(p, 1, "a name") ||
	    case_name_check(p, p->w[1].s, p->w[1].col, "case", CASE_NAME_MAX))
		return -1;
	if (p->n > 2)
		return case_opt_unknown(p, &p->w[2], NULL, 0, 0);
	case_name_copy(p->c->name, p->w[1].s);
	p->case_line = p->line;
	return 0;
}

/* about TEXT: the rest of the line verbatim ('#' included). */
static int case_parse_about(struct case_parser *p)
{
	const char *t;
	size_t len, old;
	char *a;

	if (p->c->n_steps)
		return case_fail(p, p->w[0].col, "about must come before the "
				 "first step (line %u)", p->c->steps[0].line);
	if (case_need(p, 1, "a description"))
		return -1;
	t = p->raw + p->w[1].col - 1;
	len = p->raw_len - (p->w[1].col - 1);
	while (len && case_is_blank(t[len - 1]))
		len--;
	old = p->c->about ? strlen(p->c->about) : 0;
	a = realloc(p->c->about, old + len + 2);
	if (!a)
		return case_fail(p, p->w[0].col, "out of memory");
	if (old)
		a[old++] = '\n';
	memcpy(a + old, t, len);
	a[old + len] = '\0';
	p->c->about = a;
	return 0;
}

enum { TUN_TAP, TUN_PI, TUN_MQ, TUN_MTU, TUN_TXQLEN, TUN_ADDR, TUN_PEER,
       TUN_IPV6, TUN_N };
static const struct case_opt case_tun_opts[TUN_N] = {
	[TUN_TAP] = { "tap", NULL, false },
	[TUN_PI] = { "pi", NULL, false },
	[TUN_MQ] = { "multi-queue", NULL, false },
	[TUN_MTU] = { "mtu", "N", false },
	[TUN_TXQLEN] = { "txqlen", "N", false },
	[TUN_ADDR] = { "addr", "CIDR", true },
	[TUN_PEER] = { "peer", "IP", true },
	[TUN_IPV6] = { "ipv6", "on|off", false },
};

/* The default peer of a family: its first address plus one. */
static void case_tun_peer_default(struct step *s, int family,
				  struct case_addr *peer)
{
	for (size_t i = 0; i < s->u.tun.n_addr && !peer->family; i++) {
		if (s->u.tun.addr[i].family != family)
			continue;
		*peer = s->u.tun.addr[i];
		if (family == AF_INET) {
			((uint8_t *)&peer->a.v4)[3]++;
			peer->prefix = 32;
		} else {
			peer->a.v6.s6_addr[15]++;
			peer->prefix = 128;
		}
	}
}

/* tun NAME [tap] [pi] [multi-queue] [mtu=N] [txqlen=N] [addr=]... */
static int case_parse_tun(struct case_parser *p)
{
	static const char *const onoff[] = { "off", "on" };
	unsigned seen[TUN_N] = { 0 };
	struct case_addr peer, *dst;
	bool has6 = false;
	struct step *s;
	long n;

	if (case_need(p, 1, "a device name") ||
	    !(s = case_step_add(p, STEP_TUN)) ||
	    case_sym_define(p, p->w[1].s, p->w[1].col, SYM_DEVICE, s->name))
		return -1;
	for (size_t i = 2; i < p->n; i++) {
		const struct case_word *w = &p->w[i];
		int k = case_opt_match(p, w, case_tun_opts, TUN_N, ~0u, seen);

		switch (k) {
		case TUN_TAP:
			s->u.tun.tap = true;
			break;
		case TUN_PI:
			s->u.tun.pi = true;
			break;
		case TUN_MQ:
			s->u.tun.multi_queue = true;
			break;
		case TUN_MTU:
		case TUN_TXQLEN:
			if (k == TUN_MTU ? case_num(p, w, 68, 65535, &n) :
					   case_num(p, w, 1, 100000, &n))
				return -1;
			*(k == TUN_MTU ? &s->u.tun.mtu : &s->u.tun.txqlen) =
				(unsigned)n;
			break;
		case TUN_ADDR:
			if (s->u.tun.n_addr == CASE_MAX_ADDRS)
				return case_fail(p, w->col, "tun: more than %d "
						 "addresses", CASE_MAX_ADDRS);
			dst = &s->u.tun.addr[s->u.tun.n_addr++];
			if (case_addr_parse(p, w, true, dst))
				return -1;
			has6 |= dst->family == AF_INET6;
			break;
		case TUN_PEER:
			if (case_addr_parse(p, w, false, &peer))
				return -1;
			dst = peer.family == AF_INET ? &s->u.tun.peer4 :
						       &s->u.tun.peer6;
			if (dst->family)
				return case_fail(p, w->col, "tun: a second %s "
						 "peer", peer.family == AF_INET ?
						 "IPv4" : "IPv6");
			*dst = peer;
			break;
		case TUN_IPV6:
			if ((k = case_choose(p, w, w->val, onoff, 2)) < 0)
				return -1;
			s->u.tun.ipv6 = k;
			break;
		default:
			return -1;
		}
	}
	if (!seen[TUN_IPV6])
		s->u.tun.ipv6 = has6;
	else if (has6 && !s->u.tun.ipv6)
		return case_fail(p, seen[TUN_IPV6], "tun: ipv6=off but the "
				 "device has an IPv6 address");
	case_tun_peer_default(s, AF_INET, &s->u.tun.peer4);
	case_tun_peer_default(s, AF_INET6, &s->u.tun.peer6);
	return 0;
}

/* sysctl KEY=VALUE, KEY in net.* */
static int case_parse_sysctl(struct case_parser *p)
{
	const struct case_word *w = &p->w[1];
	struct step *s;

	if (case_need(p, 1, "KEY=VALUE"))
		return -1;
	if (!w->val || !w->klen || !*w->val) {
		case_fail(p, w->col, "sysctl: '%.48s' is not KEY=VALUE", w->s);
		return case_hint(p, "e.g. sysctl net.ipv4.ip_forward=1");
	}
	if (w->klen >= sizeof(s->u.sysctl.key) || strncmp(w->s, "net.", 4) ||
	    strspn(w->s, "abcdefghijklmnopqrstuvwxyz0123456789_./-") < w->klen)
		return case_fail(p, w->col, "sysctl: '%.*s' is not a net.* "
				 "key", (int)(w->klen > 48 ? 48 : w->klen), w->s);
	if (strlen(w->val) >= sizeof(s->u.sysctl.value))
		return case_fail(p, w->col, "sysctl: value is longer than %zu "
				 "bytes", sizeof(s->u.sysctl.value) - 1);
	if (p->n > 2)
		return case_opt_unknown(p, &p->w[2], NULL, 0, 0);
	if (!(s = case_step_add(p, STEP_SYSCTL)))
		return -1;
	memcpy(s->u.sysctl.key, w->s, w->klen);
	strcpy(s->u.sysctl.value, w->val);
	return 0;
}

enum { OPEN_DEVICE, OPEN_ATTACH, OPEN_N };
static const struct case_opt case_open_opts[OPEN_N] = {
	[OPEN_DEVICE] = { "device", "TUN", false },
	[OPEN_ATTACH] = { "attach", "now|later", false },
};

/* open Q device=T [attach=now|later] */
static int case_parse_open(struct case_parser *p)
{
	static const char *const when[] = { "later", "now" };
	unsigned seen[OPEN_N] = { 0 };
	struct step *s;
	int k;

	if (case_need(p, 1, "a queue name") ||
	    !(s = case_step_add(p, STEP_OPEN)))
		return -1;
	s->u.open.attach = true;
	for (size_t i = 2; i < p->n; i++) {
		const struct case_word *w = &p->w[i];

		switch (case_opt_match(p, w, case_open_opts, OPEN_N, ~0u, seen)) {
		case OPEN_DEVICE:
			if (case_sym_use(p, w->val, w->col, SYM_DEVICE,
					 s->name2))
				return -1;
			break;
		case OPEN_ATTACH:
			if ((k = case_choose(p, w, w->val, when, 2)) < 0)
				return -1;
			s->u.open.attach = k;
			break;
		default:
			return -1;
		}
	}
	if (case_opt_need(p, case_open_opts, seen, OPEN_DEVICE))
		return -1;
	return case_sym_define(p, p->w[1].s, p->w[1].col, SYM_QUEUE, s->name);
}

/* attach Q, detach Q, close Q: one existing queue. */
static int case_parse_queue_op(struct case_parser *p)
{
	static const enum step_kind kinds[] = { STEP_ATTACH, STEP_DETACH,
						STEP_CLOSE };
	static const char *const names[] = { "attach", "detach", "close" };
	size_t k = 0;
	struct step *s;

	while (strcmp(names[k], p->label))
		k++;
	if (case_need(p, 1, "a queue name") ||
	    !(s = case_step_add(p, kinds[k])) ||
	    case_sym_use(p, p->w[1].s, p->w[1].col, SYM_QUEUE, s->name))
		return -1;
	return p->n > 2 ? case_opt_unknown(p, &p->w[2], NULL, 0, 0) : 0;
}

/* dup Q as Q2 */
static int case_parse_dup(struct case_parser *p)
{
	struct step *s;

	if (case_need(p, 1, "a queue name") ||
	    !(s = case_step_add(p, STEP_DUP)) ||
	    case_sym_use(p, p->w[1].s, p->w[1].col, SYM_QUEUE, s->name) ||
	    case_need(p, 2, "'as NEWQUEUE'"))
		return -1;
	if (strcmp(p->w[2].s, "as")) {
		case_fail(p, p->w[2].col, "dup: expected 'as', got '%.48s'",
			  p->w[2].s);
		return case_hint(p, "usage: %s", p->usage);
	}
	if (case_need(p, 3, "a new queue name") ||
	    case_sym_define(p, p->w[3].s, p->w[3].col, SYM_QUEUE, s->name2))
		return -1;
	return p->n > 4 ? case_opt_unknown(p, &p->w[4], NULL, 0, 0) : 0;
}

enum { RD_QUEUE, RD_BUFSIZE, RD_DRAIN, RD_NONBLOCK, RD_PARAM, RD_N };
static const struct case_opt case_reader_opts[RD_N] = {
	[RD_QUEUE] = { "queue", "QUEUE", false },
	[RD_BUFSIZE] = { "bufsize", "N", false },
	[RD_DRAIN] = { "drain", "all|one", false },
	[RD_NONBLOCK] = { "nonblock", NULL, false },
	[RD_PARAM] = { "*", "KEY=VALUE", true },
};

/* reader R queue=Q [bufsize=N] [drain=all|one] [nonblock] [KEY=VALUE...] */
static int case_parse_reader(struct case_parser *p)
{
	static const char *const drains[] = { "all", "one" };
	unsigned seen[RD_N] = { 0 };
	struct step *s;
	long n;
	int k;

	if (case_need(p, 1, "a reader name") ||
	    !(s = case_step_add(p, STEP_READER)))
		return -1;
	s->u.reader.bufsize = 65536;
	s->u.reader.drain = TUNCHECK_DRAIN_ALL;
	for (size_t i = 2; i < p->n; i++) {
		const struct case_word *w = &p->w[i];

		switch (case_opt_match(p, w, case_reader_opts, RD_N, ~0u, seen)) {
		case RD_QUEUE:
			if (case_sym_use(p, w->val, w->col, SYM_QUEUE, s->name2))
				return -1;
			break;
		case RD_BUFSIZE:
			if (case_num(p, w, 1, 262144, &n))
				return -1;
			s->u.reader.bufsize = (size_t)n;
			break;
		case RD_DRAIN:
			if ((k = case_choose(p, w, w->val, drains, 2)) < 0)
				return -1;
			s->u.reader.drain = k ? TUNCHECK_DRAIN_ONE :
						TUNCHECK_DRAIN_ALL;
			break;
		case RD_NONBLOCK:
			s->u.reader.nonblock = true;
			break;
		case RD_PARAM:
			if (s->u.reader.n_params == CASE_MAX_PARAMS)
				return case_fail(p, w->col, "reader: more than "
						 "%d backend parameters",
						 CASE_MAX_PARAMS);
			if (strlen(w->s) >= sizeof(s->u.reader.params[0]))
				return case_fail(p, w->col, "reader: parameter "
						 "'%.24s...' is longer than %zu "
						 "bytes", w->s,
						 sizeof(s->u.reader.params[0]) - 1);
			strcpy(s->u.reader.params[s->u.reader.n_params++], w->s);
			break;
		default:
			return -1;
		}
	}
	if (case_opt_need(p, case_reader_opts, seen, RD_QUEUE))
		return -1;
	return case_sym_define(p, p->w[1].s, p->w[1].col, SYM_READER, s->name);
}

/* link T up|down|delete */
static int case_parse_link(struct case_parser *p)
{
	static const char *const ops[] = { "up", "down", "delete" };
	struct step *s;
	int k;

	if (case_need(p, 1, "a device name") ||
	    !(s = case_step_add(p, STEP_LINK)) ||
	    case_sym_use(p, p->w[1].s, p->w[1].col, SYM_DEVICE, s->name) ||
	    case_need(p, 2, "up, down or delete") ||
	    (k = case_choose(p, &p->w[2], p->w[2].s, ops, 3)) < 0)
		return -1;
	s->u.link.op = k == 0 ? LINK_UP : k == 1 ? LINK_DOWN : LINK_DELETE;
	return p->n > 3 ? case_opt_unknown(p, &p->w[3], NULL, 0, 0) : 0;
}

/* mtu T N */
static int case_parse_mtu(struct case_parser *p)
{
	struct step *s;
	long n;

	if (case_need(p, 1, "a device name") ||
	    !(s = case_step_add(p, STEP_MTU)) ||
	    case_sym_use(p, p->w[1].s, p->w[1].col, SYM_DEVICE, s->name) ||
	    case_need(p, 2, "an MTU") || case_num(p, &p->w[2], 68, 65535, &n))
		return -1;
	s->u.mtu.mtu = (unsigned)n;
	return p->n > 3 ? case_opt_unknown(p, &p->w[3], NULL, 0, 0) : 0;
}

enum { SEND_INTO, SEND_FROM_NS, SEND_TO, SEND_FROM, SEND_COUNT, SEND_SIZE,
       SEND_FLOOD, SEND_INTERVAL, SEND_PORT, SEND_N };
static const struct case_opt case_send_opts[SEND_N] = {
	[SEND_INTO] = { "into", "QUEUE", false },
	[SEND_FROM_NS] = { "from-ns", NULL, false },
	[SEND_TO] = { "to", "IP", false },
	[SEND_FROM] = { "from", "IP", false },
	[SEND_COUNT] = { "count", "N", false },
	[SEND_SIZE] = { "size", "N", false },
	[SEND_FLOOD] = { "flood", NULL, false },
	[SEND_INTERVAL] = { "interval", "DUR", false },
	[SEND_PORT] = { "port", "N", false },
};

/* Cross-argument rules of send, once every argument is parsed. */
static int case_send_check(struct case_parser *p, const struct step *s,
			   const unsigned *seen)
{
	const struct case_addr *to = &s->u.send.to, *from = &s->u.send.from;

	if (seen[SEND_INTO] && seen[SEND_FROM_NS])
		return case_fail(p, seen[SEND_FROM_NS] > seen[SEND_INTO] ?
				 seen[SEND_FROM_NS] : seen[SEND_INTO],
				 "send takes into=QUEUE or from-ns, not both");
	if (!seen[SEND_INTO] && !seen[SEND_FROM_NS])
		return case_missing(p, "into=QUEUE or from-ns");
	if (seen[SEND_FROM_NS] && !seen[SEND_TO])
		return case_missing(p, "to=IP with from-ns");
	if (seen[SEND_FROM_NS] && seen[SEND_FROM])
		return case_fail(p, seen[SEND_FROM], "send: from= is not used "
				 "with from-ns (the kernel picks the source)");
	if (seen[SEND_FLOOD] && seen[SEND_INTERVAL])
		return case_fail(p, seen[SEND_INTERVAL] > seen[SEND_FLOOD] ?
				 seen[SEND_INTERVAL] : seen[SEND_FLOOD],
				 "send: flood and interval= exclude each other");
	if (seen[SEND_PORT] && s->u.send.proto != PROTO_UDP)
		return case_fail(p, seen[SEND_PORT], "send: port= is for udp "
				 "only");
	if (to->family && from->family && to->family != from->family)
		return case_fail(p, seen[SEND_FROM], "send: from= and to= are "
				 "of different address families");
	return 0;
}

/* send icmp-echo|udp into=Q|from-ns [to=] [from=] [count=] ... */
static int case_parse_send(struct case_parser *p)
{
	static const char *const protos[] = { "icmp-echo", "udp" };
	unsigned seen[SEND_N] = { 0 };
	struct step *s;
	long n;
	int k;

	if (case_need(p, 1, "a protocol (icmp-echo or udp)") ||
	    !(s = case_step_add(p, STEP_SEND)) ||
	    (k = case_choose(p, &p->w[1], p->w[1].s, protos, 2)) < 0)
		return -1;
	s->u.send.proto = k ? PROTO_UDP : PROTO_ICMP_ECHO;
	s->u.send.count = 1;
	s->u.send.size = 56;
	s->u.send.port = 9;
	for (size_t i = 2; i < p->n; i++) {
		const struct case_word *w = &p->w[i];

		switch (case_opt_match(p, w, case_send_opts, SEND_N, ~0u, seen)) {
		case SEND_INTO:
			if (case_sym_use(p, w->val, w->col, SYM_QUEUE, s->name2))
				return -1;
			break;
		case SEND_FROM_NS:
			s->u.send.from_ns = true;
			break;
		case SEND_TO:
			if (case_addr_parse(p, w, false, &s->u.send.to))
				return -1;
			break;
		case SEND_FROM:
			if (case_addr_parse(p, w, false, &s->u.send.from))
				return -1;
			break;
		case SEND_COUNT:
			if (case_num(p, w, 1, CASE_COUNT_MAX, &s->u.send.count))
				return -1;
			break;
		case SEND_SIZE:
			if (case_num(p, w, 0, 65000, &n))
				return -1;
			s->u.send.size = (size_t)n;
			break;
		case SEND_FLOOD:
			s->u.send.interval_ns = 0;
			break;
		case SEND_INTERVAL:
			if (case_duration(p, w, &s->u.send.interval_ns))
				return -1;
			break;
		case SEND_PORT:
			if (case_num(p, w, 1, 65535, &n))
				return -1;
			s->u.send.port = (uint16_t)n;
			break;
		default:
			return -1;
		}
	}
	p->have_send = true;
	return case_send_check(p, s, seen);
}

/* Decode hex digits (no separators) into a new buffer. */
static int case_hex_parse(struct case_parser *p, const struct case_word *w,
			  struct step *s)
{
	size_t len = strlen(w->val);

	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEF", w->val[i]))
			return case_fail(p, w->col, "hex: '%c' at offset %zu is "
					 "not a hex digit", w->val[i], i);
	if (len % 2)
		return case_fail(p, w->col, "hex: odd number of digits (%zu)",
				 len);
	if (len / 2 > CASE_MAX_HEX)
		return case_fail(p, w->col, "hex: more than %d bytes",
				 CASE_MAX_HEX);
	if (!len)
		return 0;
	s->u.write.bytes = malloc(len / 2);
	if (!s->u.write.bytes)
		return case_fail(p, w->col, "out of memory");
	for (size_t i = 0; i < len; i += 2) {
		char b[3] = { w->val[i], w->val[i + 1], '\0' };

		s->u.write.bytes[i / 2] = (uint8_t)strtoul(b, NULL, 16);
	}
	s->u.write.len = len / 2;
	return 0;
}

enum { WR_HEX, WR_COUNT, WR_N };
static const struct case_opt case_write_opts[WR_N] = {
	[WR_HEX] = { "hex", "BYTES", false },
	[WR_COUNT] = { "count", "N", false },
};

/* write Q hex=BYTES [count=N] */
static int case_parse_write(struct case_parser *p)
{
	unsigned seen[WR_N] = { 0 };
	struct step *s;

	if (case_need(p, 1, "a queue name") ||
	    !(s = case_step_add(p, STEP_WRITE)) ||
	    case_sym_use(p, p->w[1].s, p->w[1].col, SYM_QUEUE, s->name))
		return -1;
	s->u.write.count = 1;
	for (size_t i = 2; i < p->n; i++) {
		const struct case_word *w = &p->w[i];

		switch (case_opt_match(p, w, case_write_opts, WR_N, ~0u, seen)) {
		case WR_HEX:
			if (case_hex_parse(p, w, s))
				return -1;
			break;
		case WR_COUNT:
			if (case_num(p, w, 1, CASE_COUNT_MAX,
				     &s->u.write.count))
				return -1;
			break;
		default:
			return -1;
		}
	}
	p->have_send = true;
	return case_opt_need(p, case_write_opts, seen, WR_HEX);
}

/* sleep DUR */
static int case_parse_sleep(struct case_parser *p)
{
	struct step *s;

	if (case_need(p, 1, "a duration") ||
	    !(s = case_step_add(p, STEP_SLEEP)) ||
	    case_duration(p, &p->w[1], &s->u.sleep.ns))
		return -1;
	return p->n > 2 ? case_opt_unknown(p, &p->w[2], NULL, 0, 0) : 0;
}

enum { XP_COUNT, XP_WITHIN, XP_FOR, XP_CONSERVE, XP_MIN, XP_MAX, XP_ERRNO, XP_OK,
       XP_N };
static const struct case_opt case_expect_opts[XP_N] = {
	[XP_COUNT] = { "count", "N", false },
	[XP_WITHIN] = { "within", "DUR", false },
	[XP_FOR] = { "for", "DUR", false },
	[XP_CONSERVE] = { "conserve", NULL, false },
	[XP_MIN] = { "min", "N", false },
	[XP_MAX] = { "max", "N", false },
	[XP_ERRNO] = { "errno", "E", false },
	[XP_OK] = { "ok", NULL, false },
};

#define XP(o) (1u << (o))

/* An expectation predicate: its subject kind and its arguments. */
static const struct case_pred {
	const char *name;
	enum expect_kind kind;
	enum case_sym_kind subject;
	bool negate;
	unsigned allowed, required;
	const char *usage;
} case_preds[] = {
	{ "reads", EXPECT_READS, SYM_READER, false,
	  XP(XP_COUNT) | XP(XP_WITHIN) | XP(XP_CONSERVE), XP(XP_COUNT) | XP(XP_WITHIN),
	  "expect READER reads PROTO count=N within=DUR [conserve]" },
	{ "blocked", EXPECT_BLOCKED, SYM_READER, false, XP(XP_FOR), XP(XP_FOR),
	  "expect READER blocked for=DUR" },
	{ "no-wake", EXPECT_NO_WAKE, SYM_READER, false, XP(XP_FOR), XP(XP_FOR),
	  "expect READER no-wake for=DUR" },
	{ "wakes", EXPECT_WAKES, SYM_READER, false,
	  XP(XP_MIN) | XP(XP_MAX) | XP(XP_WITHIN), XP(XP_MIN) | XP(XP_WITHIN),
	  "expect READER wakes min=N [max=M] within=DUR" },
	{ "returns", EXPECT_RETURNS, SYM_READER, false,
	  XP(XP_WITHIN) | XP(XP_ERRNO), XP(XP_WITHIN),
	  "expect READER returns within=DUR [errno=E|errno=ok]" },
	{ "error", EXPECT_ERROR, SYM_READER, false, XP(XP_ERRNO) | XP(XP_WITHIN),
	  XP(XP_ERRNO) | XP(XP_WITHIN), "expect READER error errno=E within=DUR" },
	{ "readable", EXPECT_READABLE, SYM_QUEUE, false, XP(XP_WITHIN), 0,
	  "expect QUEUE readable [within=DUR]" },
	{ "not-readable", EXPECT_READABLE, SYM_QUEUE, true, XP(XP_WITHIN), 0,
	  "expect QUEUE not-readable [within=DUR]" },
	{ "link", EXPECT_LINK, SYM_DEVICE, false, 0, 0,
	  "expect TUN link up|down" },
};

static const struct case_pred case_pred_send = {
	"send", EXPECT_SEND, SYM_QUEUE, false,
	XP(XP_OK) | XP(XP_ERRNO) | XP(XP_COUNT), 0,
	"expect send ok | expect send errno=E [count=N]"
};

/* The bare word after the predicate: PROTO for reads, up|down for link. */
static int case_expect_positional(struct case_parser *p, struct expect *e)
{
	static const char *const protos[] = { "any", "icmp-echo", "icmp-reply",
					      "udp", "other" };
	static const enum proto pv[] = { PROTO_ANY, PROTO_ICMP_ECHO,
					 PROTO_ICMP_REPLY, PROTO_UDP,
					 PROTO_OTHER };
	static const char *const updown[] = { "up", "down" };
	bool reads = e->kind == EXPECT_READS;
	int k;

	if (case_need(p, 3, reads ? "a protocol" : "up or down"))
		return -1;
	k = reads ? case_choose(p, &p->w[3], p->w[3].s, protos, 5) :
		    case_choose(p, &p->w[3], p->w[3].s, updown, 2);
	if (k < 0)
		return -1;
	if (reads)
		e->proto = pv[k];
	else
		e->negate = k;
	return 0;
}

/* Cross-argument rules of expect, once every argument is parsed. */
static int case_expect_check(struct case_parser *p, const struct expect *e,
			     const unsigned *seen, unsigned required)
{
	for (size_t i = 0; i < XP_N; i++)
		if (required & XP(i) && case_opt_need(p, case_expect_opts, seen, i))
			return -1;
	if (e->kind == EXPECT_WAKES && e->max >= 0 && e->max < e->count)
		return case_fail(p, seen[XP_MAX], "%s: max=%ld is less than "
				 "min=%ld", p->label, e->max, e->count);
	if (e->kind != EXPECT_SEND)
		return 0;
	if (!seen[XP_OK] && !seen[XP_ERRNO])
		return case_missing(p, "ok or errno=E");
	if (seen[XP_OK] && seen[XP_ERRNO])
		return case_fail(p, seen[XP_OK] > seen[XP_ERRNO] ? seen[XP_OK] :
				 seen[XP_ERRNO], "expect send: ok and errno= "
				 "exclude each other");
	if (seen[XP_COUNT] && !e->err)
		return case_fail(p, seen[XP_COUNT], "expect send: count= needs "
				 "errno=E");
	return 0;
}

/* One argument of an expect line, already matched to option k. */
static int case_expect_arg(struct case_parser *p, const struct case_word *w,
			   int k, struct expect *e)
{
	switch (k) {
	case XP_COUNT:
	case XP_MIN:
		return case_num(p, w, k == XP_MIN ? 0 : 1, CASE_COUNT_MAX,
				&e->count);
	case XP_MAX:
		return case_num(p, w, 0, CASE_COUNT_MAX, &e->max);
	case XP_WITHIN:
	case XP_FOR:
		return case_duration(p, w, &e->window_ns);
	case XP_CONSERVE:
		e->conserve = true;
		return 0;
	case XP_ERRNO:
		e->any_err = false;
		return case_errno(p, w, e->kind != EXPECT_ERROR, &e->err);
	case XP_OK:
		return 0;
	default:
		return -1;
	}
}

/* expect SUBJECT PREDICATE [ARGS]: one line per expectation. */
static int case_parse_expect(struct case_parser *p)
{
	const struct case_pred *pr = &case_pred_send;
	unsigned seen[XP_N] = { 0 };
	struct case_best best = { NULL, 0 };
	struct expect *e;
	struct step *s;
	size_t i = 2, np = sizeof(case_preds) / sizeof(case_preds[0]);

	if (case_need(p, 1, "a subject (reader, queue, device or send)") ||
	    !(s = case_step_add(p, STEP_EXPECT)))
		return -1;
	e = &s->u.expect;
	if (strcmp(p->w[1].s, "send")) {
		if (case_need(p, 2, "a predicate"))
			return -1;
		for (pr = case_preds; pr < case_preds + np; pr++)
			if (!strcmp(pr->name, p->w[2].s))
				break;
		if (pr == case_preds + np) {
			case_fail(p, p->w[2].col, "expect: unknown predicate "
				  "'%.48s'", p->w[2].s);
			for (pr = case_preds; pr < case_preds + np; pr++)
				case_best_try(&best, p->w[2].s,
					      strlen(p->w[2].s), pr->name);
			return best.name ? case_hint(p, "did you mean '%s'?",
						     best.name) :
					   case_hint(p, "one of: reads blocked "
						     "no-wake wakes returns "
						     "error readable "
						     "not-readable link");
		}
		if (case_sym_use(p, p->w[1].s, p->w[1].col, pr->subject,
				 e->subject))
			return -1;
		i = 3;
	} else if (!p->have_send) {
		return case_fail(p, p->w[1].col, "expect send: no send or "
				 "write step before this line");
	} else {
		case_name_copy(e->subject, "send");
	}
	snprintf(p->label_buf, sizeof(p->label_buf), "expect %s", pr->name);
	p->label = p->label_buf;
	p->usage = pr->usage;
	case_name_copy(s->name, e->subject);
	e->kind = pr->kind;
	e->negate = pr->negate;
	e->max = -1;
	e->any_err = pr->kind == EXPECT_RETURNS;
	if (pr->kind == EXPECT_READS || pr->kind == EXPECT_LINK) {
		if (case_expect_positional(p, e))
			return -1;
		i++;
	}
	for (; i < p->n; i++) {
		int k = case_opt_match(p, &p->w[i], case_expect_opts, XP_N,
				       pr->allowed, seen);

		if (k < 0 || case_expect_arg(p, &p->w[i], k, e))
			return -1;
	}
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
			return case_fail(p, col, "xfail: backend '%s' is "
					 "already listed", name);
	if (e->n_xfail == CASE_MAX_XFAIL)
		return case_fail(p, col, "xfail: more than %d backends",
				 CASE_MAX_XFAIL);
	case_name_copy(e->xfail[e->n_xfail++], name);
	return 0;
}

/* xfail BACKEND...: REASON (the reason is verbatim, '#' included). */
static int case_parse_xfail(struct case_parser *p)
{
	const char *reason = NULL;
	size_t i, n = 0, len, off;
	struct expect *e;

	if (p->xfail_step < 0) {
		case_fail(p, p->w[0].col, "xfail must follow an expect line");
		return case_hint(p, "put it right after the expectation it "
				    "documents");
	}
	e = &p->c->steps[p->xfail_step].u.expect;
	for (i = 1; i < p->n && !reason; i++) {
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
		return case_fail(p, (unsigned)(reason - p->raw), "xfail needs "
				 "at least one backend before ':'");
	len = (size_t)(p->raw + p->raw_len - reason);
	while (len && case_is_blank(*reason)) {
		reason++;
		len--;
	}
	while (len && case_is_blank(reason[len - 1]))
		len--;
	if (!len)
		return case_missing(p, "a reason after ':'");
	off = strlen(e->xfail_reason);
	snprintf(e->xfail_reason + off, sizeof(e->xfail_reason) - off,
		 "%s%.*s", off ? "; " : "", (int)len, reason);
	return 0;
}

static const struct case_directive case_directives[] = {
	{ "case", case_parse_case, ROLE_HEADER, "case NAME" },
	{ "about", case_parse_about, ROLE_HEADER, "about TEXT" },
	{ "tun", case_parse_tun, ROLE_STEP,
	  "tun NAME [tap] [pi] [multi-queue] [mtu=N] [txqlen=N] "
	  "[addr=CIDR]... [peer=IP]... [ipv6=on|off]" },
	{ "sysctl", case_parse_sysctl, ROLE_STEP, "sysctl net.KEY=VALUE" },
	{ "open", case_parse_open, ROLE_STEP,
	  "open QUEUE device=TUN [attach=now|later]" },
	{ "attach", case_parse_queue_op, ROLE_STEP, "attach QUEUE" },
	{ "detach", case_parse_queue_op, ROLE_STEP, "detach QUEUE" },
	{ "close", case_parse_queue_op, ROLE_STEP, "close QUEUE" },
	{ "dup", case_parse_dup, ROLE_STEP, "dup QUEUE as NEWQUEUE" },
	{ "reader", case_parse_reader, ROLE_STEP,
	  "reader NAME queue=QUEUE [bufsize=N] [drain=all|one] [nonblock] "
	  "[KEY=VALUE...]" },
	{ "link", case_parse_link, ROLE_STEP, "link TUN up|down|delete" },
	{ "mtu", case_parse_mtu, ROLE_STEP, "mtu TUN N" },
	{ "send", case_parse_send, ROLE_STEP,
	  "send icmp-echo|udp into=QUEUE|from-ns [to=IP] [from=IP] [count=N] "
	  "[size=N] [flood|interval=DUR] [port=N]" },
	{ "write", case_parse_write, ROLE_STEP, "write QUEUE hex=BYTES [count=N]" },
	{ "sleep", case_parse_sleep, ROLE_STEP, "sleep DUR" },
	{ "expect", case_parse_expect, ROLE_EXPECT,
	  "expect SUBJECT PREDICATE [ARGS]" },
	{ "xfail", case_parse_xfail, ROLE_XFAIL, "xfail BACKEND...: REASON" },
};

#define CASE_N_DIRECTIVES (sizeof(case_directives) / sizeof(case_directives[0]))

/* Look up and run the directive of a non-empty line. */
static int case_line_dispatch(struct case_parser *p)
{
	const struct case_word *w = &p->w[0];
	const struct case_directive *d = NULL;
	struct case_best best = { NULL, 0 };

	for (size_t i = 0; i < CASE_N_DIRECTIVES && !d; i++)
		if (!strcmp(w->s, case_directives[i].name))
			d = &case_directives[i];
	if (!d) {
		case_fail(p, w->col, "unknown directive '%.48s'", w->s);
		for (size_t i = 0; i < CASE_N_DIRECTIVES; i++)
			case_best_try(&best, w->s, strlen(w->s),
				      case_directives[i].name);
		if (best.name)
			return case_hint(p, "did you mean '%s'?", best.name);
		return case_hint(p, "directives: case about tun sysctl open "
				    "attach detach close dup reader link mtu "
				    "send write sleep expect xfail");
	}
	if (!p->case_line && strcmp(d->name, "case")) {
		case_fail(p, w->col, "expected 'case NAME' before '%s'",
			  d->name);
		return case_hint(p, "a case file starts with: case NAME");
	}
	p->label = d->name;
	p->usage = d->usage;
	if (d->parse(p))
		return -1;
	if (d->role == ROLE_EXPECT)
		p->xfail_step = (long)p->c->n_steps - 1;
	else if (d->role != ROLE_XFAIL)
		p->xfail_step = -1;
	return 0;
}

/* Check, copy and split one line (without its '\n') into words. */
static int case_line_split(struct case_parser *p, const char *line, size_t len)
{
	size_t i;

	if (len > CASE_LINE_MAX)
		return case_fail(p, 1, "line is %zu bytes long; the limit is "
				 "%d", len, CASE_LINE_MAX);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f)
			return case_fail(p, (unsigned)i + 1, "binary data in "
					 "case file (byte 0x%02x)", ch);
	}
	memcpy(p->buf, line, len);
	p->buf[len] = '\0';
	p->raw = line;
	p->raw_len = len;
	p->n = 0;
	for (i = 0; i < len;) {
		struct case_word *w;
		char *eq;

		if (case_is_blank(p->buf[i])) {
			i++;
			continue;
		}
		if (p->buf[i] == '#')
			break;
		w = &p->w[p->n++];
		w->s = p->buf + i;
		w->col = (unsigned)i + 1;
		while (i < len && !case_is_blank(p->buf[i]))
			i++;
		p->buf[i++] = '\0';
		eq = strchr(w->s, '=');
		w->val = eq ? eq + 1 : NULL;
		w->klen = eq ? (size_t)(eq - w->s) : strlen(w->s);
	}
	return 0;
}

/* The hard deadline: every window, sleep and send pacing, plus slack. */
static uint64_t case_deadline(const struct case_file *c)
{
	uint64_t ns = CASE_SLACK_NS;

	for (size_t i = 0; i < c->n_steps; i++) {
		const struct step *s = &c->steps[i];

		if (s->kind == STEP_EXPECT)
			ns += s->u.expect.window_ns;
		else if (s->kind == STEP_SLEEP)
			ns += s->u.sleep.ns;
		else if (s->kind == STEP_SEND)
			ns += (uint64_t)s->u.send.count * s->u.send.interval_ns;
		if (ns > CASE_DURATION_MAX)
			return CASE_DURATION_MAX;
	}
	return ns;
}

/* Parse every line, then the checks on the whole file. */
static int case_text_parse(struct case_parser *p, const char *text, size_t len)
{
	size_t off = 0;

	for (p->line = 1; off < len; p->line++) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;

		if (case_line_split(p, text + off, n) ||
		    (p->n && case_line_dispatch(p)))
			return -1;
		off += n + 1;
	}
	if (!p->case_line) {
		p->line = 1;
		return case_fail(p, 1, "empty case file: expected 'case NAME'");
	}
	if (!p->c->n_steps) {
		p->line = p->case_line;
		case_fail(p, 1, "case '%s' has no steps", p->c->name);
		return case_hint(p, "add a device, traffic and an expectation");
	}
	p->c->deadline_ns = case_deadline(p->c);
	return 0;
}

struct case_file *case_parse(const char *path, const char *text, size_t len,
			     struct case_diag *diag)
{
	struct case_parser *p = calloc(1, sizeof(*p));
	struct case_file *c = calloc(1, sizeof(*c));
	int ret = -1;

	if (p && c && (c->path = strdup(path ? path : ""))) {
		p->c = c;
		p->diag = diag;
		p->xfail_step = -1;
		ret = case_text_parse(p, text, text ? len : 0);
	} else {
		*diag = (struct case_diag){ .msg = "out of memory" };
	}
	if (p)
		free(p->syms);
	free(p);
	if (ret) {
		case_free(c);
		return NULL;
	}
	return c;
}

void case_free(struct case_file *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_steps; i++)
		if (c->steps[i].kind == STEP_WRITE)
			free(c->steps[i].u.write.bytes);
	free(c->steps);
	free(c->about);
	free(c->path);
	free(c);
}

/* Fill a file-level diagnostic; returns NULL for case_load. */
static struct case_file *case_load_fail(struct case_diag *d, const char *msg,
					int err)
{
	*d = (struct case_diag){ 0 };
	snprintf(d->msg, sizeof(d->msg), "%s%s%s", msg, err ? ": " : "",
		 err ? strerror(err) : "");
	return NULL;
}

struct case_file *case_load(const char *path, struct case_diag *diag)
{
	struct case_file *c = NULL;
	size_t len = 0, cap = 64 * 1024;
	char *buf = NULL, *nb;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return case_load_fail(diag, "cannot open", errno);
	if (fstat(fd, &st)) {
		case_load_fail(diag, "cannot stat", errno);
		goto close_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		case_load_fail(diag, "is a directory", 0);
		goto close_fd;
	}
	do {
		if (len == cap || !buf) {
			cap = buf ? 2 * cap : cap;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				case_load_fail(diag, "cannot read", ENOMEM);
				goto free_buf;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			case_load_fail(diag, "cannot read", errno);
			goto free_buf;
		}
		len += (size_t)n;
		if (len > CASE_FILE_MAX) {
			case_load_fail(diag, "file too large (more than 4 MiB)",
				       0);
			goto free_buf;
		}
	} while (n > 0);
	c = case_parse(path, buf, len, diag);
free_buf:
	free(buf);
close_fd:
	close(fd);
	return c;
}

void case_diag_format(const char *path, const struct case_diag *d, char *buf,
		      size_t size)
{
	int n;

	if (!size)
		return;
	if (!d->line)
		n = snprintf(buf, size, "%s: error: %s\n", path, d->msg);
	else if (!d->col)
		n = snprintf(buf, size, "%s:%u: error: %s\n", path, d->line,
			     d->msg);
	else
		n = snprintf(buf, size, "%s:%u:%u: error: %s\n", path, d->line,
			     d->col, d->msg);
	if (d->hint[0] && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "  hint: %s\n", d->hint);
}

const struct step *case_find_tun(const struct case_file *c, const char *name)
{
	for (size_t i = 0; i < c->n_steps; i++)
		if (c->steps[i].kind == STEP_TUN &&
		    !strcmp(c->steps[i].name, name))
			return &c->steps[i];
	return NULL;
}

bool expect_xfails(const struct expect *e, const char *backend)
{
	for (size_t i = 0; i < e->n_xfail; i++)
		if (!strcmp(e->xfail[i], backend))
			return true;
	return false;
}

const char *proto_name(enum proto p)
{
	switch (p) {
	case PROTO_ANY:
		return "any";
	case PROTO_ICMP_ECHO:
		return "icmp-echo";
	case PROTO_ICMP_REPLY:
		return "icmp-reply";
	case PROTO_UDP:
		return "udp";
	case PROTO_OTHER:
		return "other";
	}
	return "?";
}

/* NUMBER[.FRACTION](ns|us|ms|s), > 0 and at most 60 s. */
int parse_duration(const char *s, uint64_t *ns)
{
	uint64_t v;

	if (case_duration_scan(s, &v) != DUR_OK)
		return -EINVAL;
	*ns = v;
	return 0;
}

/* Any name strerrorname_np() knows (EIO, EAGAIN, ...); not "ok". */
int parse_errno_name(const char *s, int *err)
{
	for (int i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);

		if (n && !strcmp(n, s)) {
			*err = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The C name of an errno ("EIO"); "ok" for 0, "errno N" if unknown. */
const char *errno_name(int err)
{
	static __thread char buf[24];
	const char *n;

	if (!err)
		return "ok";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}
