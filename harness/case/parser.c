// SPDX-License-Identifier: MIT
/*
 * The case parser's machinery (see parser.h): the first error and its
 * hint, near-miss suggestions, names and the symbol table, value parsers,
 * and case_args(), which reads a line's KEY=VALUE and flag words through a
 * directive's table of typed options.
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

static const char *const case_sym_names[] = { "device", "queue", "reader" };
static const char *const case_sym_hints[] = {
	"declare it first: tun NAME ...",
	"open it first: open NAME device=TUN",
	"start it first: reader NAME queue=QUEUE",
};

/* Record the first error at column col of the current line; returns -1. */
int __attribute__((format(printf, 3, 4)))
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
int __attribute__((format(printf, 3, 4)))
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
int __attribute__((format(printf, 2, 3)))
case_hint(struct case_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->diag->hint, sizeof(p->diag->hint), fmt, ap);
	va_end(ap);
	return -1;
}

/* Word separators; '\r' too, for files edited on Windows. */
bool case_is_blank(char ch)
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

void case_best_try(struct case_best *b, const char *w, size_t len,
		   const char *cand)
{
	unsigned d = case_edit_distance(w, len, cand);

	if (d <= 2 && (!b->name[0] || d < b->d)) {
		snprintf(b->name, sizeof(b->name), "%s", cand);
		b->d = d;
	}
}

/* Error for something missing, at the column just past the last word. */
int case_missing(struct case_parser *p, const char *what)
{
	const struct case_word *w = &p->w[p->n - 1];

	case_fail(p, w->col + (unsigned)strlen(w->s) + 1, "%s needs %s",
		  p->label, what);
	return case_hint(p, "usage: %s", p->usage);
}

/* Check that word i exists (else "LABEL needs WHAT"). */
int case_need(struct case_parser *p, size_t i, const char *what)
{
	return i < p->n ? 0 : case_missing(p, what);
}

/* Word i must exist and be a bare word (not KEY=VALUE). */
int case_need_bare(struct case_parser *p, size_t i, const char *what)
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
int case_end(struct case_parser *p, size_t i)
{
	if (i >= p->n)
		return 0;
	case_fail(p, p->w[i].col, "%s: unexpected argument '%.48s'", p->label,
		  p->w[i].s);
	return case_hint(p, "usage: %s", p->usage);
}

/* Check a name: [A-Za-z][A-Za-z0-9_.-]*, shorter than max bytes. */
int case_name_check(struct case_parser *p, const char *s, unsigned col,
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
void case_name_copy(char *dst, const char *src)
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

/*
 * Declare word i as a new device, queue or reader; copy it to dst and its
 * index among those of its kind to *index.
 */
int case_sym_define(struct case_parser *p, size_t i, enum case_sym_kind kind,
		    char *dst, int *index)
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
	if (!strcmp(w->s, "send") || !strcmp(w->s, "step") ||
	    !strcmp(w->s, "snmp"))
		return case_fail(p, w->col, "'%s' is reserved (expect %s)",
				 w->s, w->s);
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
	v->index = (int)count;
	case_name_copy(dst, w->s);
	*index = v->index;
	return 0;
}

/* Refer to a declared name of the given kind; copy it to dst, its index
 * to *index. */
int case_sym_use(struct case_parser *p, const char *name, unsigned col,
		 enum case_sym_kind kind, char *dst, int *index)
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
	*index = v->index;
	return 0;
}

/* Word i as a declared name of the given kind. */
int case_sym_use_word(struct case_parser *p, size_t i, enum case_sym_kind kind,
		      char *dst, int *index)
{
	static const char *const what[] = { "a device name", "a queue name",
					    "a reader name" };

	return case_need_bare(p, i, what[kind]) ||
			       case_sym_use(p, p->w[i].s, p->w[i].col, kind,
					    dst, index)
		       ? -1
		       : 0;
}

/* Parse the decimal value of w (or bare w) into [min, max]. */
int case_num(struct case_parser *p, const struct case_word *w, long min,
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

/* NUMBER[.FRACTION]UNIT, exactly (no floating point), into nanoseconds. */
enum case_dur_err case_duration_scan(const char *s, uint64_t *ns)
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
int case_duration(struct case_parser *p, const struct case_word *w,
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
int case_choose(struct case_parser *p, const struct case_word *w, const char *v,
		const char *choices)
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
int case_addr_parse(struct case_parser *p, const struct case_word *w, bool cidr,
		    struct case_addr *a)
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

	if (!(mask & (n >= 32 ? ~0u : (1u << n) - 1)))
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
	/* meta "[...]": the value is optional (conserve, conserve=90%) */
	if (o[i].meta && o[i].meta[0] != '[' && !w->val) {
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
int case_opt_need(struct case_parser *p, const struct case_opt *o,
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
		return case_sym_use(
			p, w->val, w->col,
			o->type == T_QUEUE ? SYM_QUEUE : SYM_DEVICE, dst,
			o->type == T_QUEUE ? &s->ref.queue : &s->ref.dev);
	default:
		break;
	}
	case_store_int(dst, o->size, v);
	return 0;
}

/* Parse words first.. as options of o[] (those in mask) into step s. */
int case_args(struct case_parser *p, size_t first, const struct case_opt *o,
	      size_t n, unsigned mask, unsigned *seen, struct step *s,
	      case_custom_fn *custom)
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

/* The later of two columns where options were seen. */
unsigned case_col_later(unsigned a, unsigned b)
{
	return a > b ? a : b;
}

/* "6.18" -> {6, 18}: 0 or -1. */
int case_kver(const char *s, unsigned v[2])
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

/* kernel=A.B- | -C.D | A.B-C.D */
int case_krange(struct case_parser *p, const struct case_word *w,
		struct case_krange *r)
{
	const char *v = w->val, *dash = strchr(v, '-');
	char a[16] = "", b[16] = "";

	memset(r, 0, sizeof(*r));
	if (dash && (size_t)(dash - v) < sizeof(a) &&
	    strlen(dash + 1) < sizeof(b)) {
		memcpy(a, v, (size_t)(dash - v));
		strcpy(b, dash + 1);
	}
	if (!dash || (!a[0] && !b[0]) || (a[0] && case_kver(a, r->from)) ||
	    (b[0] && case_kver(b, r->until)) ||
	    (a[0] && b[0] &&
	     !(r->from[0] < r->until[0] ||
	       (r->from[0] == r->until[0] && r->from[1] < r->until[1])))) {
		case_fail_value(p, w, "'%.24s' is not a kernel range", v);
		return case_hint(p, "5.13- (from 5.13), -6.2 (before 6.2), "
				    "5.13-6.2 (from 5.13, before 6.2)");
	}
	return 0;
}
