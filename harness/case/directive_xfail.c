// SPDX-License-Identifier: MIT
/*
 * The `xfail` directive: the backends (and kernels) for which the
 * expectation on the line before is a documented failure, and why.
 */
#include <stdio.h>
#include <string.h>

#include "parser.h"

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
		if (w->val && w->klen == 6 && !strncmp(w->s, "kernel", 6)) {
			struct case_word kw = *w;

			if (e->n_reasons == CASE_MAX_XFAIL_LINES)
				ret = case_fail(p, w->col,
						"xfail: more than %d xfail "
						"lines",
						CASE_MAX_XFAIL_LINES);
			else
				ret = case_krange(
					p, &kw, &e->xfail_kernel[e->n_reasons]);
		} else if (w->s[0]) {
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
