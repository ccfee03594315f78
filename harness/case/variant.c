// SPDX-License-Identifier: MIT
/* Expansion of `variant` lines (see variant.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variant.h"

struct variant_key {
	char name[CASE_NAME_MAX];
	char values[VARIANT_MAX_COMBOS][VARIANT_VALUE_MAX + 1];
	size_t n;
};

static int variant_fail(struct case_diag *d, unsigned line, unsigned col,
			const char *msg, const char *hint)
{
	d->line = line;
	d->col = col;
	snprintf(d->msg, sizeof(d->msg), "%s", msg);
	snprintf(d->hint, sizeof(d->hint), "%s", hint);
	return -1;
}

/* Length of s[0..len) before a NUL or a byte of stop (a bounded strcspn). */
static size_t variant_span(const char *s, size_t len, const char *stop)
{
	size_t i = 0;

	while (i < len && s[i] && !strchr(stop, s[i]))
		i++;
	return i;
}

/* Length of the blanks (spaces, tabs) starting s[0..len). */
static size_t variant_blanks(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Length of s[0..len) before its first newline. */
static size_t variant_line_len(const char *s, size_t len)
{
	const char *nl = memchr(s, '\n', len);

	return nl ? (size_t)(nl - s) : len;
}

static bool variant_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Parse "variant KEY=V1,V2" (the part after the word) into k. */
static int variant_parse_line(const char *s, size_t len, unsigned line,
			      unsigned col, struct variant_key *k,
			      struct case_diag *d)
{
	static const char usage[] = "usage: variant KEY=VALUE,VALUE... "
				    "(then ${KEY} anywhere below)";
	size_t i = variant_blanks(s, len), nl = 0;
	const unsigned base = col; /* column of s[0] */

	col += (unsigned)i;
	while (i + nl < len && variant_name_char(s[i + nl]))
		nl++;
	if (!nl || nl >= sizeof(k->name) || i + nl >= len || s[i + nl] != '=')
		return variant_fail(d, line, col,
				    "variant: expected KEY=VALUES", usage);
	memcpy(k->name, s + i, nl);
	k->name[nl] = 0;
	i += nl + 1;
	while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '#') {
		size_t vl = variant_span(s + i, len - i, ", \t#\n");

		char msg[200];

		if (!vl)
			return variant_fail(d, line, base + (unsigned)i,
					    "variant: an empty value", usage);
		if (vl > VARIANT_VALUE_MAX) {
			snprintf(msg, sizeof(msg),
				 "variant: value '%.20s...' is %zu bytes long; "
				 "the limit is %d",
				 s + i, vl, VARIANT_VALUE_MAX);
			return variant_fail(d, line, base + (unsigned)i, msg,
					    usage);
		}
		if (k->n == VARIANT_MAX_COMBOS) {
			snprintf(msg, sizeof(msg),
				 "variant: more than %d values for %s",
				 VARIANT_MAX_COMBOS, k->name);
			return variant_fail(d, line, base + (unsigned)i, msg,
					    usage);
		}
		memcpy(k->values[k->n], s + i, vl);
		k->values[k->n][vl] = 0;
		for (size_t j = 0; j < k->n; j++)
			if (!strcmp(k->values[j], k->values[k->n]))
				return variant_fail(
					d, line, col + (unsigned)nl + 1,
					"variant: a value given twice",
					"each value names one case: "
					"list it once");
		k->n++;
		i += vl;
		if (i < len && s[i] == ',')
			i++;
	}
	if (!k->n)
		return variant_fail(d, line, col, "variant: no values", usage);
	return 0;
}

/* Append s[0..len) to the growing buffer v. */
static int variant_put(struct variant_text *v, size_t *cap, const char *s,
		       size_t len)
{
	if (v->len + len + 1 > *cap) {
		size_t c = (v->len + len + 1) * 2;
		char *t = realloc(v->text, c);

		if (!t)
			return -1;
		v->text = t;
		*cap = c;
	}
	memcpy(v->text + v->len, s, len);
	v->len += len;
	v->text[v->len] = 0;
	return 0;
}

/* Write one combination's text: variant lines become comments. */
static int variant_render(const char *text, size_t len,
			  const struct variant_key *keys, size_t nk,
			  const size_t *pick, struct variant_text *v,
			  struct case_diag *d)
{
	size_t cap = 0, i = 0;
	unsigned line = 1, col = 1;

	if (variant_put(v, &cap, "", 0))
		return -1;
	while (i < len) {
		const char *p = text + i;
		size_t k;

		if (p[0] == '$' && i + 1 < len && p[1] == '{') {
			size_t nl = variant_span(p + 2, len - i - 2, "}\n");

			for (k = 0; k < nk; k++)
				if (strlen(keys[k].name) == nl &&
				    !strncmp(keys[k].name, p + 2, nl))
					break;
			if (k == nk || i + 2 + nl >= len || p[2 + nl] != '}')
				return variant_fail(d, line, col,
						    "undefined variant "
						    "parameter in '${...}'",
						    "declare it: variant KEY="
						    "V1,V2");
			if (variant_put(v, &cap, keys[k].values[pick[k]],
					strlen(keys[k].values[pick[k]])))
				return -1;
			i += 3 + nl;
			col += 3 + (unsigned)nl;
			continue;
		}
		if (variant_put(v, &cap, p, 1))
			return -1;
		if (*p == '\n') {
			line++;
			col = 0;
		}
		col++;
		i++;
	}
	return 0;
}

/*
 * Blank out the `variant` lines' keyword so the parser sees comments: in
 * a copy of the input, before substitution, so that a value spelling
 * "variant" never comments out a line.  NULL when out of memory.
 */
static char *variant_comment_out(const char *text, size_t len)
{
	char *t = malloc(len + 1);

	if (!t)
		return NULL;
	memcpy(t, text, len);
	t[len] = 0;
	for (size_t i = 0; i < len;) {
		size_t ll = variant_line_len(t + i, len - i),
		       s = variant_blanks(t + i, ll);

		if (s + 8 <= ll && !strncmp(t + i + s, "variant", 7) &&
		    (t[i + s + 7] == ' ' || t[i + s + 7] == '\t'))
			t[i + s] = '#';
		i += ll + 1;
	}
	return t;
}

/*
 * keys[nk] against the keys before it: a new name, and every label
 * ("K1=V1,K2=V2") still fits variant_text.label, so no two cases share a
 * name after truncation.  0 or -1 with *d filled.
 */
static int variant_key_check(const struct variant_key *keys, size_t nk,
			     unsigned line, unsigned col, struct case_diag *d)
{
	size_t lab = 0;

	for (size_t k = 0; k < nk; k++)
		if (!strcmp(keys[k].name, keys[nk].name))
			return variant_fail(d, line, col,
					    "variant: key declared twice",
					    "give all its values on one line");
	for (size_t k = 0; k <= nk; k++) {
		size_t vmax = 0;

		for (size_t j = 0; j < keys[k].n; j++)
			if (strlen(keys[k].values[j]) > vmax)
				vmax = strlen(keys[k].values[j]);
		lab += (k ? 1 : 0) + strlen(keys[k].name) + 1 + vmax;
	}
	if (lab >= sizeof(((struct variant_text *)0)->label)) {
		char msg[200];

		snprintf(msg, sizeof(msg),
			 "variant: the longest case name suffix KEY=VALUE,... "
			 "would be %zu characters; the limit is %zu",
			 lab, sizeof(((struct variant_text *)0)->label) - 1);
		return variant_fail(d, line, col, msg,
				    "shorten the keys or the longest values");
	}
	return 0;
}

int variant_expand(const char *text, size_t len, struct variant_text **out,
		   size_t *n, struct case_diag *d)
{
	struct variant_key keys[VARIANT_MAX_KEYS];
	size_t nk = 0, total = 1, pick[VARIANT_MAX_KEYS] = { 0 };
	struct variant_text *v;
	char *commented;
	unsigned line = 1;

	memset(keys, 0, sizeof(keys));
	for (size_t i = 0; i < len; line++) {
		size_t ll = variant_line_len(text + i, len - i),
		       s = variant_blanks(text + i, ll);

		if (s + 8 <= ll && !strncmp(text + i + s, "variant", 7) &&
		    (text[i + s + 7] == ' ' || text[i + s + 7] == '\t')) {
			if (nk == VARIANT_MAX_KEYS)
				return variant_fail(d, line, (unsigned)s + 1,
						    "too many variant lines",
						    "at most 4 keys");
			if (variant_parse_line(text + i + s + 7, ll - s - 7,
					       line, (unsigned)s + 8, &keys[nk],
					       d))
				return -1;
			if (variant_key_check(keys, nk, line, (unsigned)s + 1,
					      d))
				return -1;
			total *= keys[nk++].n;
			if (total > VARIANT_MAX_COMBOS)
				return variant_fail(d, line, (unsigned)s + 1,
						    "too many variant "
						    "combinations",
						    "at most 32 per case");
		}
		i += ll + 1;
	}
	v = calloc(total, sizeof(*v));
	commented = v ? variant_comment_out(text, len) : NULL;
	if (!commented) {
		free(v);
		return variant_fail(d, 0, 0, "out of memory", "");
	}
	for (size_t c = 0; c < total; c++) {
		size_t off = 0;

		if (variant_render(commented, len, keys, nk, pick, &v[c], d)) {
			variant_free(v, total);
			free(commented);
			return -1;
		}
		for (size_t k = 0; k < nk; k++)
			off += (size_t)snprintf(
				v[c].label + off,
				off < sizeof(v[c].label)
					? sizeof(v[c].label) - off
					: 0,
				"%s%s=%s", k ? "," : "", keys[k].name,
				keys[k].values[pick[k]]);
		/* next combination, last key fastest */
		for (size_t k = nk; k-- > 0;) {
			if (++pick[k] < keys[k].n)
				break;
			pick[k] = 0;
		}
	}
	free(commented);
	*out = v;
	*n = total;
	return 0;
}

void variant_free(struct variant_text *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].text);
	free(v);
}
