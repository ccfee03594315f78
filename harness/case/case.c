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

#include "errname.h"
#include "parser.h"
#include "variant.h"
#include "tuncheck/backend.h"

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
	s->ref.dev = s->ref.queue = s->ref.reader = s->ref.dup = -1;
	if (kind == STEP_EXPECT)
		s->u.expect.subject_ref = -1;
	return s;
}

/* The hint after an unknown word: every directive, from the table. */
static int case_hint_directives(struct case_parser *p)
{
	char list[512] = "";
	size_t off = 0;

	for (size_t i = 0; i < case_n_directives && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, " %s",
					case_directives[i].name);
	return case_hint(p, "directives:%s", list);
}

/* Look up and run the directive of a non-empty line. */
static int case_line_dispatch(struct case_parser *p)
{
	const struct case_word *w = &p->w[0];
	const struct case_directive *d = NULL;
	struct case_best best = { "", 0 };
	struct step *s = NULL;

	for (size_t i = 0; i < case_n_directives && !d; i++)
		if (!strcmp(w->s, case_directives[i].name))
			d = &case_directives[i];
	if (!d) {
		case_fail(p, w->col, "unknown directive '%.48s'", w->s);
		for (size_t i = 0; i < case_n_directives; i++)
			case_best_try(&best, w->s, strlen(w->s),
				      case_directives[i].name);
		if (best.name[0])
			return case_hint(p, "did you mean '%s'?", best.name);
		return case_hint_directives(p);
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
		else if (s->kind == STEP_READ && !s->u.read.nonblock)
			ns += s->u.read.window_ns;
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

/* v * k, saturated; UINT64_MAX ("never") stays so. */
static uint64_t scale_ns(uint64_t v, double k)
{
	double r = (double)v * k;

	return v == UINT64_MAX || r >= 1.8e19 ? UINT64_MAX : (uint64_t)r;
}

void case_scale_times(struct case_file *c, double k)
{
	for (size_t i = 0; i < c->n_steps; i++) {
		struct step *s = &c->steps[i];

		if (s->kind == STEP_EXPECT) {
			s->u.expect.window_ns =
				scale_ns(s->u.expect.window_ns, k);
			s->u.expect.quiet_ns = scale_ns(
				s->u.expect.quiet_ns ? s->u.expect.quiet_ns
						     : CASE_QUIET_DEFAULT_NS,
				k);
		} else if (s->kind == STEP_READ) {
			s->u.read.window_ns = scale_ns(s->u.read.window_ns, k);
		} else if (s->kind == STEP_SLEEP) {
			s->u.sleep.ns = scale_ns(s->u.sleep.ns, k);
		}
	}
	c->deadline_ns = scale_ns(c->deadline_ns, k);
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
	/* any xfail line naming it, whatever its kernel range */
	return expect_xfail_reason(e, backend, NULL) != NULL;
}

/* a < b for versions {major, minor} */
static bool kver_less(const unsigned a[2], const unsigned b[2])
{
	return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

bool case_krange_has(const struct case_krange *r, const unsigned v[2])
{
	return !(r->from[0] && kver_less(v, r->from)) &&
	       !(r->until[0] && !kver_less(v, r->until));
}

const char *expect_xfail_reason(const struct expect *e, const char *backend,
				const unsigned kernel[2])
{
	for (size_t i = 0; i < e->n_xfail; i++) {
		unsigned line = e->xfail_reason_of[i];

		if (!strcmp(e->xfail[i], backend) &&
		    (!kernel ||
		     case_krange_has(&e->xfail_kernel[line], kernel)))
			return e->xfail_reasons[line];
	}
	return NULL;
}

const char *proto_name(enum proto p)
{
	static const char *const names[] = { "any", "icmp-echo", "icmp-reply",
					     "udp", "other",	 "arp",
					     "nd" };

	return (unsigned)p <= PROTO_ND ? names[p] : "?";
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
