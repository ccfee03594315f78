// SPDX-License-Identifier: MIT
/* Expansion of `variant` lines (see variant.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variant.h"

struct variant_key {
	char name[CASE_NAME_MAX];
	char values[VARIANT_MAX_COMBOS][32];
	size_t n;
};

/* strcspn() over at most max bytes: s need not be NUL-terminated. */
static size_t variant_cspn(const char *s, size_t max, const char *stop)
{
	size_t n = 0;

	while (n < max && s[n] && !strchr(stop, s[n]))
		n++;
	return n;
}

static int variant_fail(struct case_diag *d, unsigned line, unsigned col,
			const char *msg, const char *hint)
{
	d->line = line;
	d->col = col;
	snprintf(d->msg, sizeof(d->msg), "%s", msg);
	snprintf(d->hint, sizeof(d->hint), "%s", hint);
	return -1;
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
	size_t i = 0, nl = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
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
		size_t vl = variant_cspn(s + i, len - i, ", \t#\n");

		if (!vl || vl >= sizeof(k->values[0]) ||
		    k->n == VARIANT_MAX_COMBOS)
			return variant_fail(d, line, col + (unsigned)nl + 1,
					    "variant: empty, overlong or too "
					    "many values",
					    usage);
		/* two jobs of one name: refuse a value given twice */
		for (size_t j = 0; j < k->n; j++)
			if (strlen(k->values[j]) == vl &&
			    !strncmp(k->values[j], s + i, vl))
				return variant_fail(
					d, line, col + (unsigned)nl + 1,
					"variant: a value given twice", usage);
		memcpy(k->values[k->n], s + i, vl);
		k->values[k->n++][vl] = 0;
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
			size_t nl = variant_cspn(p + 2, len - i - 2, "}\n");

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

/* Blank out the `variant` lines' keyword so the parser sees comments. */
static void variant_comment_out(char *text, size_t len)
{
	for (size_t i = 0; i < len;
	     i = i + variant_cspn(text + i, len - i, "\n") + 1) {
		size_t s = i;

		while (s < len && (text[s] == ' ' || text[s] == '\t'))
			s++;

		if (len - s >= 8 && !strncmp(text + s, "variant", 7) &&
		    (text[s + 7] == ' ' || text[s + 7] == '\t'))
			text[s] = '#';
	}
}

int variant_expand(const char *text, size_t len, struct variant_text **out,
		   size_t *n, struct case_diag *d)
{
	struct variant_key keys[VARIANT_MAX_KEYS];
	size_t nk = 0, total = 1, pick[VARIANT_MAX_KEYS] = { 0 };
	struct variant_text *v;
	unsigned line = 1;

	memset(keys, 0, sizeof(keys));
	for (size_t i = 0; i < len; line++) {
		size_t ll = variant_cspn(text + i, len - i, "\n"), s = 0;

		while (s < ll && (text[i + s] == ' ' || text[i + s] == '\t'))
			s++;
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
	if (!v)
		return variant_fail(d, 0, 0, "out of memory", "");
	for (size_t c = 0; c < total; c++) {
		size_t off = 0;

		if (variant_render(text, len, keys, nk, pick, &v[c], d)) {
			variant_free(v, total);
			return -1;
		}
		variant_comment_out(v[c].text, v[c].len);
		for (size_t k = 0; k < nk && off < sizeof(v[c].label); k++)
			off += (size_t)snprintf(v[c].label + off,
						sizeof(v[c].label) - off,
						"%s%s=%s", k ? "," : "",
						keys[k].name,
						keys[k].values[pick[k]]);
		/* a cut label could name two combinations alike */
		if (off >= sizeof(v[c].label)) {
			variant_free(v, total);
			return variant_fail(d, 0, 0,
					    "variant names longer than 63 "
					    "characters",
					    "use shorter keys or values");
		}
		/* next combination, last key fastest */
		for (size_t k = nk; k-- > 0;) {
			if (++pick[k] < keys[k].n)
				break;
			pick[k] = 0;
		}
	}
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
