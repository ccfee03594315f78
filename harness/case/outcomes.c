// SPDX-License-Identifier: MIT
/* --expect FILE: per-backend outcomes outside the cases (outcomes.h). */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcomes.h"

/* The failure classes an xfail may name (observe.c's list). */
static const char *const outcome_classes[] = {
	"count",   "wakeups", "woke",	     "hang",	    "errno", "state",
	"counter", "value",   "lost-wakeup", "error-storm", "flows",
};

/* Is s[0..n) one failure class? */
static bool outcome_class_one(const char *s, size_t n)
{
	for (size_t i = 0;
	     i < sizeof(outcome_classes) / sizeof(outcome_classes[0]); i++)
		if (strlen(outcome_classes[i]) == n &&
		    !strncmp(s, outcome_classes[i], n))
			return true;
	return false;
}

bool outcome_class_list(const char *s, size_t n)
{
	while (n) {
		size_t k = strcspn(s, "|");

		if (k > n)
			k = n;
		if (!outcome_class_one(s, k))
			return false;
		s += k;
		n -= k;
		if (n) {
			s++;
			n--;
			if (!n)
				return false; /* a trailing '|' */
		}
	}
	return true;
}

bool outcome_class_in(const char *s, size_t n, const char *cls)
{
	size_t c = strlen(cls);

	while (n) {
		size_t k = strcspn(s, "|");

		if (k > n)
			k = n;
		if (k == c && !strncmp(s, cls, c))
			return true;
		s += k + (k < n);
		n -= k + (k < n);
	}
	return false;
}

static int outcome_fail(struct case_diag *d, unsigned line, unsigned col,
			const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int outcome_fail(struct case_diag *d, unsigned line, unsigned col,
			const char *hint, const char *fmt, ...)
{
	va_list ap;

	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	snprintf(d->hint, sizeof(d->hint), "%s", hint ? hint : "");
	return -1;
}

static bool outcome_name_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("_.+-", s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
		    !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
			return false;
	return n > 0;
}

/* One line (NUL-terminated, no '\n'): 0, 1 when blank, -1 with d set. */
static int outcome_line(struct outcome *out, char *line, unsigned ln,
			struct case_diag *d)
{
	static const char usage[] = "xfail CASE-GLOB BACKEND... : [CLASS:] "
				    "REASON, or skip CASE-GLOB BACKEND... : "
				    "REASON";
	char *colon = strstr(line, " :"), *p = line, *why;
	size_t n;

	p += strspn(p, " \t");
	if (!*p || *p == '#')
		return 1;
	memset(out, 0, sizeof(*out));
	n = strcspn(p, " \t");
	if (n == 5 && !strncmp(p, "xfail", 5))
		out->skip = false;
	else if (n == 4 && !strncmp(p, "skip", 4))
		out->skip = true;
	else
		return outcome_fail(d, ln, (unsigned)(p - line) + 1, usage,
				    "expected xfail or skip, not '%.*s'",
				    (int)(n > 24 ? 24 : n), p);
	if (!colon)
		return outcome_fail(d, ln, (unsigned)strlen(line) + 1, usage,
				    "missing ' : REASON'");
	*colon = 0;
	p += n;
	p += strspn(p, " \t");
	n = strcspn(p, " \t");
	if (!n || n >= sizeof(out->glob))
		return outcome_fail(d, ln, (unsigned)(p - line) + 1, usage,
				    "a case name or glob is missing");
	memcpy(out->glob, p, n);
	for (p += n, p += strspn(p, " \t"); *p; p += strspn(p, " \t")) {
		n = strcspn(p, " \t");
		if (out->n_backends == OUTCOME_BACKENDS_MAX)
			return outcome_fail(d, ln, (unsigned)(p - line) + 1,
					    NULL, "more than %d backends",
					    OUTCOME_BACKENDS_MAX);
		if (!outcome_name_ok(p, n) || n >= sizeof(out->backend[0]))
			return outcome_fail(d, ln, (unsigned)(p - line) + 1,
					    "backend names: letters, digits, "
					    "_ . + -",
					    "'%.*s' is not a backend name",
					    (int)(n > 40 ? 40 : n), p);
		memcpy(out->backend[out->n_backends++], p, n);
		p += n;
	}
	if (!out->n_backends)
		return outcome_fail(d, ln, (unsigned)(colon - line) + 1, usage,
				    "name at least one backend");
	why = colon + 2;
	why += strspn(why, " \t");
	n = strcspn(why, ":");
	/* "lost-wakeup: ..." or "lost-wakeup|error-storm: ..." */
	if (!out->skip && why[n] == ':' && n < sizeof(out->cls) &&
	    outcome_class_list(why, n))
		memcpy(out->cls, why, n);
	if (!*why)
		return outcome_fail(d, ln, (unsigned)(why - line) + 1, usage,
				    "the reason is missing");
	snprintf(out->reason, sizeof(out->reason), "%s", why);
	return 0;
}

int outcomes_parse(struct outcomes *o, const char *path, const char *text,
		   size_t len, struct case_diag *d)
{
	unsigned ln = 0;

	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t l = nl ? (size_t)(nl - text - at) : len - at;
		char line[1024];
		struct outcome one, *v;
		int r;

		ln++;
		if (l >= sizeof(line))
			return outcome_fail(d, ln, 1, NULL,
					    "line longer than %zu bytes",
					    sizeof(line) - 1);
		memcpy(line, text + at, l);
		line[l] = 0;
		at += l + 1;
		if (memchr(line, 0, l))
			return outcome_fail(d, ln, 1, NULL, "binary data");
		r = outcome_line(&one, line, ln, d);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		snprintf(one.where, sizeof(one.where), "%.80s:%u", path, ln);
		v = realloc(o->v, (o->n + 1) * sizeof(*v));
		if (!v)
			return outcome_fail(d, ln, 1, NULL, "out of memory");
		o->v = v;
		o->v[o->n++] = one;
	}
	return 0;
}

int outcomes_load(struct outcomes *o, const char *path, struct case_diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;
	int ret;

	if (fd < 0)
		return outcome_fail(d, 0, 0, NULL, "cannot open: %s",
				    strerror(errno));
	do {
		if (len + 4096 > cap) {
			char *nb = cap < (1u << 20) ? realloc(buf, cap += 65536)
						    : NULL;

			if (!nb) {
				free(buf);
				close(fd);
				return outcome_fail(d, 0, 0, NULL,
						    "larger than 1 MiB, or "
						    "out of memory");
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		len += r > 0 ? (size_t)r : 0;
	} while (r > 0);
	close(fd);
	if (r < 0) {
		free(buf);
		return outcome_fail(d, 0, 0, NULL, "cannot read: %s",
				    strerror(errno));
	}
	ret = outcomes_parse(o, path, buf ? buf : "", len, d);
	free(buf);
	return ret;
}

const struct outcome *outcomes_find(const struct outcomes *o,
				    const char *case_name, const char *backend)
{
	for (size_t i = 0; i < o->n; i++) {
		if (fnmatch(o->v[i].glob, case_name, 0))
			continue;
		for (size_t b = 0; b < o->v[i].n_backends; b++)
			if (!strcmp(o->v[i].backend[b], backend))
				return &o->v[i];
	}
	return NULL;
}

void outcomes_free(struct outcomes *o)
{
	free(o->v);
	o->v = NULL;
	o->n = 0;
}
