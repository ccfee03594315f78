// SPDX-License-Identifier: MIT
/*
 * The case-file parser: text in, a struct case_file or the first error out.
 * A line is split into words (a '#' that starts a word ends the line); its
 * first word selects an entry of case_directives[], whose function reads
 * the positional words and hands the KEY=VALUE and flag words to
 * case_args(), driven by a table of typed options per directive.  No I/O
 * except in case_load(), so the parser is unit-tested and fuzzed directly
 * (tests/test_case.c, tests/fuzz_case.c).
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
#include "variant.h"
#include "tuncheck/backend.h"

#define NS_PER_S	    1000000000ull
#define CASE_DURATION_MAX   (60 * NS_PER_S)
#define CASE_SLACK_NS	    (2 * NS_PER_S)
#define CASE_COUNT_MAX	    1000000
#define CASE_PINGPONG_MAX   1000000    /* round trips: fits the 60 s job cap */
#define CASE_PINGPONG_RT_NS 1000000ull /* deadline budget per round trip */

/* Devices, queues and readers share one namespace. */
enum case_sym_kind { SYM_DEVICE, SYM_QUEUE, SYM_READER };

static const char *const case_sym_names[] = { "device", "queue", "reader" };
static const char *const case_sym_hints[] = {
	"declare it first: tun NAME ...",
	"open it first: open NAME device=TUN",
	"start it first: reader NAME queue=QUEUE",
};

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

/* How case_args() reads and stores an option's value. */
enum case_type {
	T_FLAG,	  /* bare word: store 1 */
	T_NUM,	  /* decimal integer in [min, max] */
	T_DUR,	  /* duration in ns */
	T_CHOICE, /* one of the '|'-separated words of meta: its index */
	T_ERRNO,  /* errno name, or ok (0) */
	T_ADDR,	  /* IP address, no prefix */
	T_QUEUE,  /* a declared queue: its name */
	T_DEVICE, /* a declared device: its name */
	T_CUSTOM, /* the directive's own function */
};

/* An argument a directive accepts: a bare flag, or KEY=META. */
struct case_opt {
	const char *name; /* "*": any other KEY=VALUE (T_CUSTOM) */
	const char *meta; /* value placeholder in hints; NULL: bare flag */
	enum case_type type;
	size_t off, size; /* destination field in struct step; size 0: none */
	long min, max;	  /* T_NUM range */
	bool repeat;	  /* may be given more than once */
};

/* Designators for an option's destination field in struct step. */
#define AT(f)                                                                  \
	.off = offsetof(struct step, f), .size = sizeof(((struct step *)0)->f)

struct case_parser;
typedef int case_custom_fn(struct case_parser *p, const struct case_word *w,
			   int k, struct step *s);

enum case_role { ROLE_HEADER, ROLE_STEP, ROLE_EXPECT, ROLE_XFAIL };

struct case_directive {
	const char *name;
	int (*parse)(struct case_parser *p, struct step *s);
	enum case_role role;
	enum step_kind kind; /* ROLE_STEP, ROLE_EXPECT */
	const char *usage;
};

struct case_parser {
	struct case_file *c;
	struct case_diag *diag;
	const char *label;  /* message prefix: directive or "expect reads" */
	const char *usage;  /* for hints */
	const char *raw;    /* the current line as in the file */
	size_t raw_len;	    /* its length, without the '\n' */
	unsigned line;	    /* current line number */
	unsigned case_line; /* line of `case NAME`, 0 before it */
	size_t cap_steps;
	struct case_sym *syms;
	size_t n_syms, cap_syms;
	long xfail_step; /* the expect an xfail line may follow, or -1 */
	bool have_send;	 /* a send or write step came before */
	char label_buf[32];
	char buf[CASE_LINE_MAX + 1];
	struct case_word w[CASE_LINE_MAX / 2 + 1];
	size_t n;
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

/* case_fail() about w's value: the message starts with its key. */
static int __attribute__((format(printf, 3, 4)))
case_fail_value(struct case_parser *p, const struct case_word *w,
		const char *fmt, ...)
{
	char m[sizeof(p->diag->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (!w->val)
		return case_fail(p, w->col, "%s: %s", p->label, m);
	return case_fail(p, w->col, "%.*s: %s",
			 (int)(w->klen < 32 ? w->klen : 32), w->s, m);
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
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (toupper((unsigned char)a[i - 1]) !=
					 toupper((unsigned char)b[j - 1]));
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
	char name[33]; /* "" while none */
	unsigned d;
};

static void case_best_try(struct case_best *b, const char *w, size_t len,
			  const char *cand)
{
	unsigned d = case_edit_distance(w, len, cand);

	if (d <= 2 && (!b->name[0] || d < b->d)) {
		snprintf(b->name, sizeof(b->name), "%s", cand);
		b->d = d;
	}
}

/* Error for something missing, at the column just past the last word. */
static int case_missing(struct case_parser *p, const char *what)
{
	const struct case_word *w = &p->w[p->n - 1];

	case_fail(p, w->col + (unsigned)strlen(w->s) + 1, "%s needs %s",
		  p->label, what);
	return case_hint(p, "usage: %s", p->usage);
}

/* Check that word i exists (else "LABEL needs WHAT"). */
static int case_need(struct case_parser *p, size_t i, const char *what)
{
	return i < p->n ? 0 : case_missing(p, what);
}

/* Word i must exist and be a bare word (not KEY=VALUE). */
static int case_need_bare(struct case_parser *p, size_t i, const char *what)
{
	if (case_need(p, i, what))
		return -1;
	if (!p->w[i].val)
		return 0;
	case_fail(p, p->w[i].col, "%s needs %s here, not '%.48s'", p->label,
		  what, p->w[i].s);
	return case_hint(p, "usage: %s", p->usage);
}

/* Error on word i and after: the directive takes nothing more. */
static int case_end(struct case_parser *p, size_t i)
{
	if (i >= p->n)
		return 0;
	case_fail(p, p->w[i].col, "%s: unexpected argument '%.48s'", p->label,
		  p->w[i].s);
	return case_hint(p, "usage: %s", p->usage);
}

/* Check a name: [A-Za-z][A-Za-z0-9_.-]*, shorter than max bytes. */
static int case_name_check(struct case_parser *p, const char *s, unsigned col,
			   const char *what, size_t max)
{
	size_t len = strlen(s);

	if (!isalpha((unsigned char)s[0]) ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") != len) {
		case_fail(p, col, "'%.48s' is not a valid %s name", s, what);
		return case_hint(p, "names start with a letter, then letters, "
				    "digits, '_', '.' or '-'");
	}
	if (len >= max)
		return case_fail(p, col,
				 "%s name '%.24s...' is %zu bytes "
				 "long; the limit is %zu",
				 what, s, len, max - 1);
	return 0;
}

/* Copy a name already checked to be shorter than CASE_NAME_MAX. */
static void case_name_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, CASE_NAME_MAX - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The declared device, queue or reader of that name, or NULL. */
static const struct case_sym *case_sym_find(const struct case_parser *p,
					    const char *name)
{
	for (size_t i = 0; i < p->n_syms; i++)
		if (!strcmp(p->syms[i].name, name))
			return &p->syms[i];
	return NULL;
}

/* Declare word i as a new device, queue or reader; copy it to dst. */
static int case_sym_define(struct case_parser *p, size_t i,
			   enum case_sym_kind kind, char *dst)
{
	static const char *const what[] = { "a device name", "a queue name",
					    "a reader name" };
	const struct case_word *w = &p->w[i];
	const struct case_sym *old;
	struct case_sym *v;

	if (case_need_bare(p, i, what[kind]) ||
	    case_name_check(p, w->s, w->col, case_sym_names[kind],
			    kind == SYM_DEVICE ? IFNAMSIZ : CASE_NAME_MAX))
		return -1;
	if (!strcmp(w->s, "send"))
		return case_fail(p, w->col, "'send' is reserved (expect send)");
	static const size_t max[] = { CASE_MAX_DEVICES, CASE_MAX_QUEUES,
				      CASE_MAX_READERS };
	size_t count = 0;

	old = case_sym_find(p, w->s);
	if (old)
		return case_fail(p, w->col,
				 "%s '%s' already defined at "
				 "line %u",
				 case_sym_names[old->kind], w->s, old->line);
	/* the job sizes its tables by these: never more at run time */
	for (size_t k = 0; k < p->n_syms; k++)
		count += p->syms[k].kind == kind;
	if (count == max[kind])
		return case_fail(p, w->col,
				 "at most %zu %ss in a case (this is the "
				 "%zuth)",
				 max[kind], case_sym_names[kind], count + 1);
	if (p->n_syms == p->cap_syms) {
		size_t cap = p->cap_syms ? 2 * p->cap_syms : 16;

		v = realloc(p->syms, cap * sizeof(*v));
		if (!v)
			return case_fail(p, w->col, "out of memory");
		p->syms = v;
		p->cap_syms = cap;
	}
	v = &p->syms[p->n_syms++];
	case_name_copy(v->name, w->s);
	v->kind = kind;
	v->line = p->line;
	case_name_copy(dst, w->s);
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

/* Word i as a declared name of the given kind. */
static int case_sym_use_word(struct case_parser *p, size_t i,
			     enum case_sym_kind kind, char *dst)
{
	static const char *const what[] = { "a device name", "a queue name",
					    "a reader name" };

	return case_need_bare(p, i, what[kind]) ||
			       case_sym_use(p, p->w[i].s, p->w[i].col, kind,
					    dst)
		       ? -1
		       : 0;
}

/* Parse the decimal value of w (or bare w) into [min, max]. */
static int case_num(struct case_parser *p, const struct case_word *w, long min,
		    long max, long *out)
{
	const char *v = w->val ? w->val : w->s;
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!(isdigit((unsigned char)v[0]) || v[0] == '-') || *end || end == v)
		return case_fail_value(p, w, "'%.48s' is not a number", v);
	if (errno == ERANGE || n < min || n > max)
		return case_fail_value(p, w, "%.24s is out of range (%ld..%ld)",
				       v, min, max);
	*out = n;
	return 0;
}

enum case_dur_err {
	DUR_OK,
	DUR_SYNTAX,
	DUR_NO_UNIT,
	DUR_UNIT,
	DUR_ZERO,
	DUR_BIG
};

/* NUMBER[.FRACTION]UNIT, exactly (no floating point), into nanoseconds. */
static enum case_dur_err case_duration_scan(const char *s, uint64_t *ns)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	static const uint64_t unit_ns[] = { 1, 1000, 1000000, NS_PER_S };
	uint64_t ip = 0, frac = 0, scale = 1, unit = 0;
	const char *q = s;

	for (; isdigit((unsigned char)*q); q++)
		if (ip < 1000 * CASE_DURATION_MAX)
			ip = ip * 10 + (uint64_t)(*q - '0');
	if (q == s || (*q == '.' && !isdigit((unsigned char)q[1])))
		return DUR_SYNTAX;
	for (q += *q == '.'; isdigit((unsigned char)*q); q++)
		if (scale < NS_PER_S) {
			frac = frac * 10 + (uint64_t)(*q - '0');
			scale *= 10;
		}
	if (!*q)
		return DUR_NO_UNIT;
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(q, units[i]))
			unit = unit_ns[i];
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

	switch (case_duration_scan(v, ns)) {
	case DUR_OK:
		return 0;
	case DUR_NO_UNIT:
		case_fail_value(p, w, "'%.24s' has no unit", v);
		return case_hint(p, "add a unit: 200ms, 1s");
	case DUR_UNIT:
		case_fail_value(p, w, "unknown unit in '%.24s'", v);
		return case_hint(p, "units: ns, us, ms, s");
	case DUR_ZERO:
		return case_fail_value(p, w, "'%.24s' is not > 0", v);
	case DUR_BIG:
		return case_fail_value(p, w, "'%.24s' is longer than 60s", v);
	case DUR_SYNTAX:
		break;
	}
	case_fail_value(p, w, "'%.48s' is not a duration", v);
	return case_hint(p, "e.g. 500us, 200ms, 1.5s");
}

/* Parse v (w's value or w) as one of "a|b|c"; returns its index or -1. */
static int case_choose(struct case_parser *p, const struct case_word *w,
		       const char *v, const char *choices)
{
	struct case_best best = { "", 0 };
	char list[96], one[33];
	size_t n, off = 0;
	int i = 0;

	for (const char *q = choices;; q += n + 1, i++) {
		n = strcspn(q, "|");
		snprintf(one, sizeof(one), "%.*s", (int)n, q);
		if (!strcmp(v, one))
			return i;
		case_best_try(&best, v, strlen(v), one);
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i ? ", " : "", one);
		if (!q[n])
			break;
	}
	case_fail_value(p, w, "'%.48s' is not one of: %s", v, list);
	return best.name[0] ? case_hint(p, "did you mean '%s'?", best.name)
			    : -1;
}

/* Parse ADDR or ADDR/PREFIX (cidr) from w's value. */
static int case_addr_parse(struct case_parser *p, const struct case_word *w,
			   bool cidr, struct case_addr *a)
{
	const char *v = w->val, *slash = strchr(v, '/');
	size_t len = slash ? (size_t)(slash - v) : strlen(v);
	char tmp[INET6_ADDRSTRLEN + 1], *end;
	long max, prefix = 0;

	if (cidr && !slash) {
		case_fail_value(p, w, "'%.48s' has no prefix length", v);
		return case_hint(p, "e.g. addr=198.18.0.1/24 or "
				    "addr=2001:db8::1/64");
	}
	if (!cidr && slash)
		return case_fail_value(p, w,
				       "'%.48s' is a prefix, not an "
				       "address",
				       v);
	a->family = memchr(v, ':', len) ? AF_INET6 : AF_INET;
	max = a->family == AF_INET6 ? 128 : 32;
	snprintf(tmp, sizeof(tmp), "%.*s", (int)len, v);
	if (len >= sizeof(tmp) || inet_pton(a->family, tmp, &a->a) != 1)
		return case_fail_value(p, w, "'%.48s' is not an %s address", v,
				       a->family == AF_INET6 ? "IPv6" : "IPv4");
	if (slash) {
		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (!isdigit((unsigned char)slash[1]) || *end || errno ||
		    prefix < 1 || prefix > max)
			return case_fail_value(p, w,
					       "prefix '/%.8s' is not in "
					       "1..%ld",
					       slash + 1, max);
	}
	a->prefix = (uint8_t)(slash ? prefix : max);
	return 0;
}

/* Parse an errno value: a name, or "ok" (0). */
static int case_errno(struct case_parser *p, const struct case_word *w,
		      int *err)
{
	struct case_best best = { "", 0 };

	if (!strcmp(w->val, "ok")) {
		*err = 0;
		return 0;
	}
	if (!parse_errno_name(w->val, err))
		return 0;
	case_fail(p, w->col, "unknown errno name '%.48s'", w->val);
	for (int i = 1; i < 4096; i++)
		if (strerrorname_np(i))
			case_best_try(&best, w->val, strlen(w->val),
				      strerrorname_np(i));
	if (best.name[0])
		return case_hint(p, "did you mean %s?", best.name);
	return case_hint(p, "e.g. EIO, EAGAIN, EBADFD");
}

/* "unknown argument" with did-you-mean and the accepted list as hint. */
static int case_opt_unknown(struct case_parser *p, const struct case_word *w,
			    const struct case_opt *o, size_t n, unsigned mask)
{
	struct case_best best = { "", 0 };
	char *h = p->diag->hint;
	size_t off = 0, size = sizeof(p->diag->hint);

	if (!(mask & ((1u << n) - 1)))
		return case_end(p, (size_t)(w - p->w));
	case_fail(p, w->col, "%s: unknown argument '%.48s'", p->label, w->s);
	for (size_t i = 0; i < n; i++)
		if (mask & 1u << i && strcmp(o[i].name, "*"))
			case_best_try(&best, w->s, w->klen, o[i].name);
	if (best.name[0])
		off += (size_t)snprintf(h, size, "did you mean '%s'? ",
					best.name);
	off += (size_t)snprintf(h + off, size - off, "accepted:");
	for (size_t i = 0; i < n && off < size; i++) {
		if (!(mask & 1u << i))
			continue;
		off += (size_t)snprintf(
			h + off, size - off, " %s%s%s",
			strcmp(o[i].name, "*") ? o[i].name : "",
			o[i].meta && strcmp(o[i].name, "*") ? "=" : "",
			o[i].meta ? o[i].meta : "");
	}
	return -1;
}

/*
 * Match word w against the options enabled in mask and record the column
 * where each was seen (for duplicates and required ones).  Returns the
 * option's index or -1 with the diagnostic filled.
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
				 "%s: duplicate '%.*s' (first at "
				 "column %u)",
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

/* Store v into an integer field of any width (bool, enum, long, ...). */
static void case_store_int(void *dst, size_t size, uint64_t v)
{
	uint8_t b = (uint8_t)v;
	uint16_t h = (uint16_t)v;
	uint32_t l = (uint32_t)v;

	memcpy(dst,
	       size == 1   ? (void *)&b
	       : size == 2 ? (void *)&h
	       : size == 4 ? (void *)&l
			   : (void *)&v,
	       size);
}

/* Parse w's value as option o says and store it into step s. */
static int case_opt_store(struct case_parser *p, const struct case_word *w,
			  const struct case_opt *o, struct step *s)
{
	char *dst = (char *)s + o->off;
	uint64_t v = 1;
	struct case_addr a;
	long n;
	int k = 0;

	switch (o->type) {
	case T_NUM:
		if (case_num(p, w, o->min, o->max, &n))
			return -1;
		v = (uint64_t)n;
		break;
	case T_DUR:
		if (case_duration(p, w, &v))
			return -1;
		break;
	case T_CHOICE:
		if ((k = case_choose(p, w, w->val, o->meta)) < 0)
			return -1;
		v = (uint64_t)k;
		break;
	case T_ERRNO:
		if (case_errno(p, w, &k))
			return -1;
		v = (uint64_t)k;
		break;
	case T_ADDR:
		if (case_addr_parse(p, w, false, &a))
			return -1;
		memcpy(dst, &a, sizeof(a));
		return 0;
	case T_QUEUE:
	case T_DEVICE:
		return case_sym_use(p, w->val, w->col,
				    o->type == T_QUEUE ? SYM_QUEUE : SYM_DEVICE,
				    dst);
	default:
		break;
	}
	case_store_int(dst, o->size, v);
	return 0;
}

/* Parse words first.. as options of o[] (those in mask) into step s. */
static int case_args(struct case_parser *p, size_t first,
		     const struct case_opt *o, size_t n, unsigned mask,
		     unsigned *seen, struct step *s, case_custom_fn *custom)
{
	for (size_t i = first; i < p->n; i++) {
		const struct case_word *w = &p->w[i];
		int k = case_opt_match(p, w, o, n, mask, seen);

		if (k < 0)
			return -1;
		if (o[k].type == T_CUSTOM ? custom(p, w, k, s)
					  : case_opt_store(p, w, &o[k], s))
			return -1;
	}
	return 0;
}

/* case NAME: must be the first line, exactly once. */
static int case_parse_case(struct case_parser *p, struct step *s)
{
	(void)s;
	if (p->case_line)
		return case_fail(p, p->w[0].col,
				 "second 'case' line (the case "
				 "began at line %u)",
				 p->case_line);
	if (case_need_bare(p, 1, "a name") ||
	    case_name_check(p, p->w[1].s, p->w[1].col, "case", CASE_NAME_MAX) ||
	    case_end(p, 2))
		return -1;
	case_name_copy(p->c->name, p->w[1].s);
	p->case_line = p->line;
	return 0;
}

/* about TEXT: the rest of the line verbatim ('#' included). */
static int case_parse_about(struct case_parser *p, struct step *s)
{
	const char *t;
	size_t len, old;
	char *a;

	(void)s;
	if (p->c->n_steps)
		return case_fail(p, p->w[0].col,
				 "about must come before the "
				 "first step (line %u)",
				 p->c->steps[0].line);
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

enum {
	TUN_TAP,
	TUN_PI,
	TUN_MQ,
	TUN_MTU,
	TUN_TXQLEN,
	TUN_ADDR,
	TUN_PEER,
	TUN_IPV6,
	TUN_N
};
static const struct case_opt case_tun_opts[TUN_N] = {
	[TUN_TAP] = { "tap", NULL, T_FLAG, AT(u.tun.tap) },
	[TUN_PI] = { "pi", NULL, T_FLAG, AT(u.tun.pi) },
	[TUN_MQ] = { "multi-queue", NULL, T_FLAG, AT(u.tun.multi_queue) },
	[TUN_MTU] = { "mtu", "N", T_NUM, AT(u.tun.mtu), .min = 68,
		      .max = 65535 },
	[TUN_TXQLEN] = { "txqlen", "N", T_NUM, AT(u.tun.txqlen), .min = 1,
			 .max = 100000 },
	[TUN_ADDR] = { "addr", "CIDR", T_CUSTOM, .repeat = true },
	[TUN_PEER] = { "peer", "IP", T_CUSTOM, .repeat = true },
	[TUN_IPV6] = { "ipv6", "off|on", T_CHOICE, AT(u.tun.ipv6) },
};

/* tun addr= (up to CASE_MAX_ADDRS) and peer= (one per family). */
static int case_tun_custom(struct case_parser *p, const struct case_word *w,
			   int k, struct step *s)
{
	struct case_addr a, *dst;

	if (k == TUN_ADDR && s->u.tun.n_addr == CASE_MAX_ADDRS)
		return case_fail(p, w->col, "tun: more than %d addresses",
				 CASE_MAX_ADDRS);
	if (k == TUN_ADDR)
		return case_addr_parse(p, w, true,
				       &s->u.tun.addr[s->u.tun.n_addr++]);
	if (case_addr_parse(p, w, false, &a))
		return -1;
	dst = a.family == AF_INET ? &s->u.tun.peer4 : &s->u.tun.peer6;
	if (dst->family)
		return case_fail(p, w->col, "tun: a second %s peer",
				 a.family == AF_INET ? "IPv4" : "IPv6");
	*dst = a;
	return 0;
}

/* The default peer of a family: its first address plus one. */
static void case_tun_peer_default(struct step *s, int family,
				  struct case_addr *peer)
{
	for (size_t i = 0; i < s->u.tun.n_addr && !peer->family; i++) {
		if (s->u.tun.addr[i].family != family)
			continue;
		*peer = s->u.tun.addr[i];
		if (family == AF_INET)
			((uint8_t *)&peer->a.v4)[3]++;
		else
			peer->a.v6.s6_addr[15]++;
		peer->prefix = family == AF_INET ? 32 : 128;
	}
}

/* tun NAME [tap] [pi] [multi-queue] [mtu=N] [txqlen=N] [addr=]... */
static int case_parse_tun(struct case_parser *p, struct step *s)
{
	unsigned seen[TUN_N] = { 0 };
	bool has6 = false;

	if (case_sym_define(p, 1, SYM_DEVICE, s->name) ||
	    case_args(p, 2, case_tun_opts, TUN_N, ~0u, seen, s,
		      case_tun_custom))
		return -1;
	for (size_t i = 0; i < s->u.tun.n_addr; i++)
		has6 |= s->u.tun.addr[i].family == AF_INET6;
	if (!seen[TUN_IPV6])
		s->u.tun.ipv6 = has6;
	else if (has6 && !s->u.tun.ipv6)
		return case_fail(p, seen[TUN_IPV6],
				 "tun: ipv6=off but the "
				 "device has an IPv6 address");
	case_tun_peer_default(s, AF_INET, &s->u.tun.peer4);
	case_tun_peer_default(s, AF_INET6, &s->u.tun.peer6);
	return 0;
}

/* sysctl KEY=VALUE, KEY in net.* */
static int case_parse_sysctl(struct case_parser *p, struct step *s)
{
	const struct case_word *w = &p->w[1];

	if (case_need(p, 1, "KEY=VALUE"))
		return -1;
	if (!w->val || !w->klen || !*w->val) {
		case_fail(p, w->col, "sysctl: '%.48s' is not KEY=VALUE", w->s);
		return case_hint(p, "e.g. sysctl net.ipv4.ip_forward=1");
	}
	if (w->klen >= sizeof(s->u.sysctl.key) || strncmp(w->s, "net.", 4) ||
	    strspn(w->s, "abcdefghijklmnopqrstuvwxyz0123456789_./-") < w->klen)
		return case_fail(p, w->col, "sysctl: '%.*s' is not a net.* key",
				 (int)(w->klen > 48 ? 48 : w->klen), w->s);
	if (strlen(w->val) >= sizeof(s->u.sysctl.value))
		return case_fail(p, w->col,
				 "sysctl: value is longer than %zu "
				 "bytes",
				 sizeof(s->u.sysctl.value) - 1);
	memcpy(s->u.sysctl.key, w->s, w->klen);
	strcpy(s->u.sysctl.value, w->val);
	return case_end(p, 2);
}

enum { OPEN_DEVICE, OPEN_ATTACH, OPEN_N };
static const struct case_opt case_open_opts[OPEN_N] = {
	[OPEN_DEVICE] = { "device", "TUN", T_DEVICE, AT(name2) },
	[OPEN_ATTACH] = { "attach", "later|now", T_CHOICE, AT(u.open.attach) },
};

/* open Q device=T [attach=now|later] */
static int case_parse_open(struct case_parser *p, struct step *s)
{
	unsigned seen[OPEN_N] = { 0 };

	s->u.open.attach = true;
	if (case_sym_define(p, 1, SYM_QUEUE, s->name) ||
	    case_args(p, 2, case_open_opts, OPEN_N, ~0u, seen, s, NULL))
		return -1;
	return case_opt_need(p, case_open_opts, seen, OPEN_DEVICE);
}

/* attach Q, detach Q, close Q: one existing queue. */
static int case_parse_queue_op(struct case_parser *p, struct step *s)
{
	return case_sym_use_word(p, 1, SYM_QUEUE, s->name) || case_end(p, 2)
		       ? -1
		       : 0;
}

/* dup Q as Q2 */
static int case_parse_dup(struct case_parser *p, struct step *s)
{
	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name) ||
	    case_need_bare(p, 2, "'as NEWQUEUE'"))
		return -1;
	if (strcmp(p->w[2].s, "as")) {
		case_fail(p, p->w[2].col, "dup: expected 'as', got '%.48s'",
			  p->w[2].s);
		return case_hint(p, "usage: %s", p->usage);
	}
	return case_sym_define(p, 3, SYM_QUEUE, s->name2) || case_end(p, 4) ? -1
									    : 0;
}

enum { RD_QUEUE, RD_BUFSIZE, RD_DRAIN, RD_NONBLOCK, RD_PARAM, RD_N };
static const struct case_opt case_reader_opts[RD_N] = {
	[RD_QUEUE] = { "queue", "QUEUE", T_QUEUE, AT(name2) },
	[RD_BUFSIZE] = { "bufsize", "N", T_NUM, AT(u.reader.bufsize), .min = 1,
			 .max = 262144 },
	[RD_DRAIN] = { "drain", "all|one", T_CHOICE, AT(u.reader.drain) },
	[RD_NONBLOCK] = { "nonblock", NULL, T_FLAG, AT(u.reader.nonblock) },
	[RD_PARAM] = { "*", "KEY=VALUE", T_CUSTOM, .repeat = true },
};

/* An unknown KEY=VALUE of a reader: passed on to the backend. */
static int case_reader_custom(struct case_parser *p, const struct case_word *w,
			      int k, struct step *s)
{
	(void)k;
	if (s->u.reader.n_params == CASE_MAX_PARAMS)
		return case_fail(p, w->col,
				 "reader: more than %d backend "
				 "parameters",
				 CASE_MAX_PARAMS);
	if (strlen(w->s) >= sizeof(s->u.reader.params[0]))
		return case_fail(p, w->col,
				 "reader: parameter '%.24s...' is "
				 "longer than %zu bytes",
				 w->s, sizeof(s->u.reader.params[0]) - 1);
	strcpy(s->u.reader.params[s->u.reader.n_params++], w->s);
	return 0;
}

/* reader R queue=Q [bufsize=N] [drain=all|one] [nonblock] [KEY=VALUE...] */
static int case_parse_reader(struct case_parser *p, struct step *s)
{
	unsigned seen[RD_N] = { 0 };

	s->u.reader.bufsize = 65536;
	s->u.reader.drain = TUNCHECK_DRAIN_ALL;
	if (case_sym_define(p, 1, SYM_READER, s->name) ||
	    case_args(p, 2, case_reader_opts, RD_N, ~0u, seen, s,
		      case_reader_custom))
		return -1;
	return case_opt_need(p, case_reader_opts, seen, RD_QUEUE);
}

/* link T up|down|delete (the order of enum link_op) */
static int case_parse_link(struct case_parser *p, struct step *s)
{
	int k;

	if (case_sym_use_word(p, 1, SYM_DEVICE, s->name) ||
	    case_need_bare(p, 2, "up, down or delete") ||
	    (k = case_choose(p, &p->w[2], p->w[2].s, "up|down|delete")) < 0)
		return -1;
	s->u.link.op = (enum link_op)k;
	return case_end(p, 3);
}

/* mtu T N */
static int case_parse_mtu(struct case_parser *p, struct step *s)
{
	long n;

	if (case_sym_use_word(p, 1, SYM_DEVICE, s->name) ||
	    case_need_bare(p, 2, "an MTU") ||
	    case_num(p, &p->w[2], 68, 65535, &n))
		return -1;
	s->u.mtu.mtu = (unsigned)n;
	return case_end(p, 3);
}

enum {
	SEND_INTO,
	SEND_FROM_NS,
	SEND_TO,
	SEND_FROM,
	SEND_COUNT,
	SEND_SIZE,
	SEND_FLOOD,
	SEND_INTERVAL,
	SEND_PORT,
	SEND_N
};
static const struct case_opt case_send_opts[SEND_N] = {
	[SEND_INTO] = { "into", "QUEUE", T_QUEUE, AT(name2) },
	[SEND_FROM_NS] = { "from-ns", NULL, T_FLAG, AT(u.send.from_ns) },
	[SEND_TO] = { "to", "IP", T_ADDR, AT(u.send.to) },
	[SEND_FROM] = { "from", "IP", T_ADDR, AT(u.send.from) },
	[SEND_COUNT] = { "count", "N", T_NUM, AT(u.send.count), .min = 1,
			 .max = CASE_COUNT_MAX },
	[SEND_SIZE] = { "size", "N", T_NUM, AT(u.send.size), .min = 0,
			.max = 65000 },
	[SEND_FLOOD] = { "flood", NULL, T_FLAG, .size = 0 }, /* interval 0 */
	[SEND_INTERVAL] = { "interval", "DUR", T_DUR, AT(u.send.interval_ns) },
	[SEND_PORT] = { "port", "N", T_NUM, AT(u.send.port), .min = 1,
			.max = 65535 },
};

/* The later of two columns where options were seen. */
static unsigned case_col_later(unsigned a, unsigned b)
{
	return a > b ? a : b;
}

/* send PROTO into=Q|from-ns [to=] [from=] [count=] ...; then its rules. */
static int case_parse_send(struct case_parser *p, struct step *s)
{
	unsigned seen[SEND_N] = { 0 };
	int k;

	if (case_need_bare(p, 1, "a protocol (icmp-echo or udp)") ||
	    (k = case_choose(p, &p->w[1], p->w[1].s, "icmp-echo|udp")) < 0)
		return -1;
	s->u.send.proto = k ? PROTO_UDP : PROTO_ICMP_ECHO;
	s->u.send.count = 1;
	s->u.send.size = 56;
	s->u.send.port = 9;
	p->have_send = true;
	if (case_args(p, 2, case_send_opts, SEND_N, ~0u, seen, s, NULL))
		return -1;
	if (seen[SEND_INTO] && seen[SEND_FROM_NS])
		return case_fail(
			p, case_col_later(seen[SEND_INTO], seen[SEND_FROM_NS]),
			"send takes into=QUEUE or from-ns, not both");
	if (!seen[SEND_INTO] && !seen[SEND_FROM_NS])
		return case_missing(p, "into=QUEUE or from-ns");
	if (seen[SEND_FROM_NS] && !seen[SEND_TO])
		return case_missing(p, "to=IP with from-ns");
	if (seen[SEND_FROM_NS] && seen[SEND_FROM])
		return case_fail(p, seen[SEND_FROM],
				 "send: from= is not used "
				 "with from-ns (the kernel picks the source)");
	if (seen[SEND_FLOOD] && seen[SEND_INTERVAL])
		return case_fail(p,
				 case_col_later(seen[SEND_FLOOD],
						seen[SEND_INTERVAL]),
				 "send: flood and interval= exclude each "
				 "other");
	if (seen[SEND_PORT] && s->u.send.proto != PROTO_UDP)
		return case_fail(p, seen[SEND_PORT],
				 "send: port= is for udp "
				 "only");
	if (s->u.send.to.family && s->u.send.from.family &&
	    s->u.send.to.family != s->u.send.from.family)
		return case_fail(p, seen[SEND_FROM],
				 "send: from= and to= are "
				 "of different address families");
	return 0;
}

enum { WR_HEX, WR_COUNT, WR_SIZE, WR_N };
static const struct case_opt case_write_opts[WR_N] = {
	[WR_HEX] = { "hex", "BYTES", T_CUSTOM, .size = 0 },
	[WR_COUNT] = { "count", "N", T_NUM, AT(u.write.count), .min = 1,
		       .max = CASE_COUNT_MAX },
	[WR_SIZE] = { "size", "N", T_NUM, AT(u.write.size), .min = 1,
		      .max = 262144 },
};

/* write hex=: digits only, even count, into a new buffer. */
static int case_write_custom(struct case_parser *p, const struct case_word *w,
			     int k, struct step *s)
{
	size_t len = strlen(w->val), bad = strspn(w->val, "0123456789abcdef"
							  "ABCDEF");

	(void)k;
	if (bad < len)
		return case_fail(p, w->col,
				 "hex: '%c' at offset %zu is not a "
				 "hex digit",
				 w->val[bad], bad);
	if (len % 2 || len / 2 > CASE_MAX_HEX)
		return case_fail(p, w->col, "hex: %s number of digits (%zu)",
				 len % 2 ? "odd" : "too large a", len);
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

/* write Q hex=BYTES [size=N] [count=N]: size= pads with zero bytes */
static int case_parse_write(struct case_parser *p, struct step *s)
{
	unsigned seen[WR_N] = { 0 };
	size_t size;
	uint8_t *b;

	s->u.write.count = 1;
	p->have_send = true;
	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name) ||
	    case_args(p, 2, case_write_opts, WR_N, ~0u, seen, s,
		      case_write_custom))
		return -1;
	if (!seen[WR_SIZE])
		return case_opt_need(p, case_write_opts, seen, WR_HEX);
	size = (size_t)s->u.write.size;
	if (size < s->u.write.len)
		return case_fail(p, seen[WR_SIZE],
				 "write: size=%zu is less "
				 "than the %zu hex bytes",
				 size, s->u.write.len);
	b = realloc(s->u.write.bytes, size);
	if (!b)
		return case_fail(p, seen[WR_SIZE], "out of memory");
	memset(b + s->u.write.len, 0, size - s->u.write.len);
	s->u.write.bytes = b;
	s->u.write.len = size;
	return 0;
}

enum { PP_COUNT, PP_SIZE, PP_N };
static const struct case_opt case_pingpong_opts[PP_N] = {
	[PP_COUNT] = { "count", "N", T_NUM, AT(u.send.count), .min = 1,
		       .max = CASE_PINGPONG_MAX },
	[PP_SIZE] = { "size", "N", T_NUM, AT(u.send.size), .min = 0,
		      .max = 65000 },
};

/*
 * pingpong Q count=N [size=N]: echo requests written into Q one at a time,
 * each awaiting its reply; stored as a send (same packets, same defaults).
 */
static int case_parse_pingpong(struct case_parser *p, struct step *s)
{
	unsigned seen[PP_N] = { 0 };

	s->u.send.proto = PROTO_ICMP_ECHO;
	s->u.send.size = 56;
	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name) ||
	    case_args(p, 2, case_pingpong_opts, PP_N, ~0u, seen, s, NULL))
		return -1;
	case_name_copy(s->name2, s->name);
	return case_opt_need(p, case_pingpong_opts, seen, PP_COUNT);
}

enum { RA_HOW, RA_N };
static const struct case_opt case_rearm_opts[RA_N] = {
	[RA_HOW] = { "how", "mod|readd", T_CHOICE, AT(u.rearm.how) },
};

/* rearm R how=mod|readd: the reader's backend redoes its registration */
static int case_parse_rearm(struct case_parser *p, struct step *s)
{
	unsigned seen[RA_N] = { 0 };

	if (case_sym_use_word(p, 1, SYM_READER, s->name) ||
	    case_args(p, 2, case_rearm_opts, RA_N, ~0u, seen, s, NULL) ||
	    case_opt_need(p, case_rearm_opts, seen, RA_HOW))
		return -1;
	s->u.rearm.how++; /* choice index 0/1 -> TUNCHECK_REARM_MOD/READD */
	return 0;
}

/* backends NAME...: the case is about these backends only */
static int case_parse_backends(struct case_parser *p, struct step *s)
{
	struct case_file *c = p->c;

	(void)s;
	if (c->n_steps)
		return case_fail(p, p->w[0].col,
				 "backends must come before "
				 "the first step");
	if (case_need_bare(p, 1, "a backend name"))
		return -1;
	for (size_t i = 1; i < p->n; i++) {
		if (case_name_check(p, p->w[i].s, p->w[i].col, "backend",
				    CASE_NAME_MAX))
			return -1;
		if (c->n_only == CASE_MAX_XFAIL)
			return case_fail(p, p->w[i].col,
					 "backends: more than "
					 "%d names",
					 CASE_MAX_XFAIL);
		case_name_copy(c->only[c->n_only++], p->w[i].s);
	}
	return 0;
}

/* sleep DUR */
static int case_parse_sleep(struct case_parser *p, struct step *s)
{
	if (case_need_bare(p, 1, "a duration") ||
	    case_duration(p, &p->w[1], &s->u.sleep.ns))
		return -1;
	return case_end(p, 2);
}

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
};

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
	  XP(XP_MIN) | XP(XP_MAX) | XP(XP_WITHIN), XP(XP_MIN) | XP(XP_WITHIN),
	  "expect READER wakes min=N [max=M] within=DUR" },
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
	{ "send", EXPECT_SEND, SYM_QUEUE, false, NULL,
	  XP(XP_OK) | XP(XP_ERRNO) | XP(XP_COUNT), 0,
	  "expect send ok | expect send errno=E [count=N]" },
};

#define CASE_N_PREDS (sizeof(case_preds) / sizeof(case_preds[0]))

/* The predicate named by word 2 (word 1 for "expect send"), or NULL. */
static const struct case_pred *case_pred_find(struct case_parser *p)
{
	struct case_best best = { "", 0 };
	const struct case_word *w = &p->w[2];

	if (!strcmp(p->w[1].s, "send"))
		return &case_preds[CASE_N_PREDS - 1];
	if (case_need(p, 2, "a predicate"))
		return NULL;
	for (size_t i = 0; i < CASE_N_PREDS - 1; i++) {
		if (!strcmp(case_preds[i].name, w->s))
			return &case_preds[i];
		case_best_try(&best, w->s, strlen(w->s), case_preds[i].name);
	}
	case_fail(p, w->col, "expect: unknown predicate '%.48s'", w->s);
	if (best.name[0])
		case_hint(p, "did you mean '%s'?", best.name);
	else
		case_hint(p, "one of: reads blocked no-wake wakes returns "
			     "error readable not-readable link");
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
	if (e->kind != EXPECT_SEND)
		return 0;
	if (!seen[XP_OK] && !seen[XP_ERRNO])
		return case_missing(p, "ok or errno=E");
	if (seen[XP_OK] && seen[XP_ERRNO])
		return case_fail(p, case_col_later(seen[XP_OK], seen[XP_ERRNO]),
				 "expect send: ok and errno= exclude each "
				 "other");
	if (seen[XP_COUNT] && !e->err)
		return case_fail(p, seen[XP_COUNT],
				 "expect send: count= needs "
				 "errno=E");
	return 0;
}

/* expect SUBJECT PREDICATE [WORD] [ARGS] */
static int case_parse_expect(struct case_parser *p, struct step *s)
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
	if (pr->kind == EXPECT_SEND)
		i = 2;
	else if (case_sym_use(p, p->w[1].s, p->w[1].col, pr->subject,
			      e->subject))
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
	if (case_args(p, i, case_expect_opts, XP_N, pr->allowed, seen, s, NULL))
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
static int case_parse_xfail(struct case_parser *p, struct step *s)
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

/* "6.18" -> {6, 18}: 0 or -1. */
static int case_kver(const char *s, unsigned v[2])
{
	char *end;
	unsigned long a = strtoul(s, &end, 10), b;

	if (end == s || *end != '.' || a > 99)
		return -1;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end || b > 999)
		return -1;
	v[0] = (unsigned)a;
	v[1] = (unsigned)b;
	return 0;
}

/* kernel [min=X.Y] [observed=X.Y] */
static int case_parse_kernel(struct case_parser *p, struct step *s)
{
	(void)s;
	if (p->c->n_steps)
		return case_fail(p, p->w[0].col,
				 "kernel must come before the "
				 "first step");
	if (case_need(p, 1, "min=X.Y or observed=X.Y"))
		return -1;
	for (size_t i = 1; i < p->n; i++) {
		const struct case_word *w = &p->w[i];
		unsigned *v = w->klen == 3 && !strncmp(w->s, "min", 3)
				      ? p->c->kmin
			      : w->klen == 8 && !strncmp(w->s, "observed", 8)
				      ? p->c->kobserved
				      : NULL;

		if (!v || !w->val) {
			case_fail(p, w->col, "kernel: unknown argument '%.48s'",
				  w->s);
			return case_hint(p, "usage: kernel [min=X.Y] "
					    "[observed=X.Y]");
		}
		if (case_kver(w->val, v))
			return case_fail_value(p, w,
					       "'%.32s' is not a kernel "
					       "version like 6.18",
					       w->val);
	}
	return 0;
}

static const struct case_directive case_directives[] = {
	{ "case", case_parse_case, ROLE_HEADER, 0, "case NAME" },
	{ "about", case_parse_about, ROLE_HEADER, 0, "about TEXT" },
	{ "kernel", case_parse_kernel, ROLE_HEADER, 0,
	  "kernel [min=X.Y] [observed=X.Y]" },
	{ "tun", case_parse_tun, ROLE_STEP, STEP_TUN,
	  "tun NAME [tap] [pi] [multi-queue] [mtu=N] [txqlen=N] "
	  "[addr=CIDR]... [peer=IP]... [ipv6=on|off]" },
	{ "sysctl", case_parse_sysctl, ROLE_STEP, STEP_SYSCTL,
	  "sysctl net.KEY=VALUE" },
	{ "open", case_parse_open, ROLE_STEP, STEP_OPEN,
	  "open QUEUE device=TUN [attach=now|later]" },
	{ "attach", case_parse_queue_op, ROLE_STEP, STEP_ATTACH,
	  "attach QUEUE" },
	{ "detach", case_parse_queue_op, ROLE_STEP, STEP_DETACH,
	  "detach QUEUE" },
	{ "close", case_parse_queue_op, ROLE_STEP, STEP_CLOSE, "close QUEUE" },
	{ "dup", case_parse_dup, ROLE_STEP, STEP_DUP, "dup QUEUE as NEWQUEUE" },
	{ "reader", case_parse_reader, ROLE_STEP, STEP_READER,
	  "reader NAME queue=QUEUE [bufsize=N] [drain=all|one] [nonblock] "
	  "[KEY=VALUE...]" },
	{ "link", case_parse_link, ROLE_STEP, STEP_LINK,
	  "link TUN up|down|delete" },
	{ "mtu", case_parse_mtu, ROLE_STEP, STEP_MTU, "mtu TUN N" },
	{ "send", case_parse_send, ROLE_STEP, STEP_SEND,
	  "send icmp-echo|udp into=QUEUE|from-ns [to=IP] [from=IP] [count=N] "
	  "[size=N] [flood|interval=DUR] [port=N]" },
	{ "write", case_parse_write, ROLE_STEP, STEP_WRITE,
	  "write QUEUE hex=BYTES [count=N]" },
	{ "pingpong", case_parse_pingpong, ROLE_STEP, STEP_PINGPONG,
	  "pingpong QUEUE count=N [size=N]" },
	{ "sleep", case_parse_sleep, ROLE_STEP, STEP_SLEEP, "sleep DUR" },
	{ "rearm", case_parse_rearm, ROLE_STEP, STEP_REARM,
	  "rearm READER how=mod|readd" },
	{ "backends", case_parse_backends, ROLE_HEADER, 0, "backends NAME..." },
	{ "expect", case_parse_expect, ROLE_EXPECT, STEP_EXPECT,
	  "expect SUBJECT PREDICATE [ARGS]" },
	{ "xfail", case_parse_xfail, ROLE_XFAIL, 0,
	  "xfail BACKEND...: REASON" },
};

#define CASE_N_DIRECTIVES (sizeof(case_directives) / sizeof(case_directives[0]))

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

/* Look up and run the directive of a non-empty line. */
static int case_line_dispatch(struct case_parser *p)
{
	const struct case_word *w = &p->w[0];
	const struct case_directive *d = NULL;
	struct case_best best = { "", 0 };
	struct step *s = NULL;

	for (size_t i = 0; i < CASE_N_DIRECTIVES && !d; i++)
		if (!strcmp(w->s, case_directives[i].name))
			d = &case_directives[i];
	if (!d) {
		case_fail(p, w->col, "unknown directive '%.48s'", w->s);
		for (size_t i = 0; i < CASE_N_DIRECTIVES; i++)
			case_best_try(&best, w->s, strlen(w->s),
				      case_directives[i].name);
		if (best.name[0])
			return case_hint(p, "did you mean '%s'?", best.name);
		return case_hint(p, "directives: case about tun sysctl open "
				    "attach detach close dup reader link mtu "
				    "send write pingpong sleep expect xfail");
	}
	if (!p->case_line && d->parse != case_parse_case) {
		case_fail(p, w->col, "expected 'case NAME' before '%s'",
			  d->name);
		return case_hint(p, "a case file starts with: case NAME");
	}
	p->label = d->name;
	p->usage = d->usage;
	if ((d->role == ROLE_STEP || d->role == ROLE_EXPECT) &&
	    !(s = case_step_add(p, d->kind)))
		return -1;
	if (d->parse(p, s))
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
		return case_fail(p, 1,
				 "line is %zu bytes long; the limit is "
				 "%d",
				 len, CASE_LINE_MAX);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f)
			return case_fail(p, (unsigned)i + 1,
					 "binary data in "
					 "case file (byte 0x%02x)",
					 ch);
	}
	memcpy(p->buf, line, len);
	p->buf[len] = '\0';
	p->raw = line;
	p->raw_len = len;
	for (p->n = 0, i = 0; i < len && p->buf[i] != '#';) {
		struct case_word *w = &p->w[p->n];
		char *eq;

		if (case_is_blank(p->buf[i])) {
			i++;
			continue;
		}
		w->s = p->buf + i;
		w->col = (unsigned)i + 1;
		while (i < len && !case_is_blank(p->buf[i]))
			i++;
		p->buf[i++] = '\0';
		eq = strchr(w->s, '=');
		w->val = eq ? eq + 1 : NULL;
		w->klen = eq ? (size_t)(eq - w->s) : strlen(w->s);
		p->n++;
	}
	return 0;
}

/* The hard deadline: windows, sleeps, send pacing, pingpongs, plus slack. */
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
		else if (s->kind == STEP_PINGPONG) /* 1 s for a lost reply */
			ns += NS_PER_S +
			      (uint64_t)s->u.send.count * CASE_PINGPONG_RT_NS;
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

/* Fill a file-level diagnostic "MSG[: strerror(err)]". */
static void case_load_fail(struct case_diag *d, const char *msg, int err)
{
	*d = (struct case_diag){ 0 };
	snprintf(d->msg, sizeof(d->msg), "%s%s%s", msg, err ? ": " : "",
		 err ? strerror(err) : "");
}

/* Why a file of this mode is no case file. */
static const char *case_not_regular(mode_t mode)
{
	return S_ISFIFO(mode)	? "is a FIFO, not a regular file"
	       : S_ISSOCK(mode) ? "is a socket, not a regular file"
				: "is a device, not a regular file";
}

/* Read a whole case file into a new buffer: 0 or -1 with *diag set. */
static int case_read_file(const char *path, char **out, size_t *out_len,
			  struct case_diag *diag)
{
	size_t len = 0;
	char *buf = NULL;
	struct stat st;
	ssize_t n = 1;
	int fd, ret = -1;

	/* never open a socket (ENXIO) or a device (opening may act) */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) {
		case_load_fail(diag, case_not_regular(st.st_mode), 0);
		return -1;
	}
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		case_load_fail(diag, "cannot open", errno);
		return -1;
	}
	if (fstat(fd, &st)) {
		case_load_fail(diag, "cannot stat", errno);
		goto close_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		case_load_fail(diag, "is a directory", 0);
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		case_load_fail(diag, case_not_regular(st.st_mode), 0);
		goto close_fd;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		case_load_fail(diag, "cannot read", errno);
		goto close_fd;
	}
	/* one byte over the limit tells "too large" from "exactly 4 MiB" */
	buf = malloc(CASE_FILE_MAX + 1);
	while (buf && len <= CASE_FILE_MAX && n > 0) {
		n = read(fd, buf + len, CASE_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n > 0)
			len += (size_t)n;
	}
	if (!buf || n < 0) {
		case_load_fail(diag, "cannot read", buf ? errno : ENOMEM);
	} else if (len > CASE_FILE_MAX) {
		case_load_fail(diag, "file too large (more than 4 MiB)", 0);
	} else {
		*out = buf;
		*out_len = len;
		buf = NULL;
		ret = 0;
	}
	free(buf);
close_fd:
	close(fd);
	return ret;
}

struct case_file *case_load(const char *path, struct case_diag *diag)
{
	struct case_file *c = NULL;
	char *buf;
	size_t len;

	if (case_read_file(path, &buf, &len, diag) == 0) {
		c = case_parse(path, buf, len, diag);
		free(buf);
	}
	return c;
}

struct case_file **case_load_all(const char *path, size_t *n,
				 struct case_diag *diag)
{
	struct case_file **cs = NULL;
	struct variant_text *v = NULL;
	size_t nv = 0, i;
	char *buf;
	size_t len;

	if (case_read_file(path, &buf, &len, diag))
		return NULL;
	if (variant_expand(buf, len, &v, &nv, diag))
		goto free_buf;
	cs = calloc(nv, sizeof(*cs));
	for (i = 0; cs && i < nv; i++) {
		cs[i] = case_parse(path, v[i].text, v[i].len, diag);
		if (!cs[i])
			break;
		if (v[i].label[0]) {
			size_t l = strlen(cs[i]->name);

			snprintf(cs[i]->name + l, sizeof(cs[i]->name) - l,
				 "/%s", v[i].label);
		}
	}
	if (!cs || i < nv) {
		if (cs && v[i].label[0]) {
			size_t l = strlen(diag->msg);

			snprintf(diag->msg + l, sizeof(diag->msg) - l,
				 " (variant %s)", v[i].label);
		}
		while (cs && i-- > 0)
			case_free(cs[i]);
		free(cs);
		cs = NULL;
	} else {
		*n = nv;
	}
	variant_free(v, nv);
free_buf:
	free(buf);
	return cs;
}

void case_diag_format(const char *path, const struct case_diag *d, char *buf,
		      size_t size)
{
	int n;

	if (!size)
		return;
	if (!d->line)
		n = snprintf(buf, size, "%s: error: %s\n", path, d->msg);
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

bool case_runs_on(const struct case_file *c, const char *backend)
{
	for (size_t i = 0; i < c->n_only; i++)
		if (!strcmp(c->only[i], backend))
			return true;
	return !c->n_only;
}

bool expect_xfails(const struct expect *e, const char *backend)
{
	return expect_xfail_reason(e, backend) != NULL;
}

const char *expect_xfail_reason(const struct expect *e, const char *backend)
{
	for (size_t i = 0; i < e->n_xfail; i++)
		if (!strcmp(e->xfail[i], backend))
			return e->xfail_reasons[e->xfail_reason_of[i]];
	return NULL;
}

const char *proto_name(enum proto p)
{
	static const char *const names[] = { "any", "icmp-echo", "icmp-reply",
					     "udp", "other" };

	return (unsigned)p <= PROTO_OTHER ? names[p] : "?";
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
