// SPDX-License-Identifier: MIT
/*
 * The directives about readers: `reader` (start one), `rearm` (have its
 * backend redo its registration) and `wait` (let a reader that waits
 * only when told, wait=step, wait N more times).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "tuncheck/backend.h"

enum {
	RD_QUEUE,
	RD_BUFSIZE,
	RD_DRAIN,
	RD_NONBLOCK,
	RD_WAIT,
	RD_RETRY,
	RD_PARAM,
	RD_N
};
static const struct case_opt case_reader_opts[RD_N] = {
	[RD_QUEUE] = { "queue", "QUEUE", T_QUEUE, AT(name2) },
	[RD_BUFSIZE] = { "bufsize", "N", T_NUM, AT(u.reader.bufsize), .min = 1,
			 .max = 262144 },
	[RD_DRAIN] = { "drain", "all|one", T_CHOICE, AT(u.reader.drain) },
	[RD_NONBLOCK] = { "nonblock", NULL, T_FLAG, AT(u.reader.nonblock) },
	[RD_WAIT] = { "wait", "auto|step", T_CHOICE, AT(u.reader.wait_step) },
	[RD_RETRY] = { "retry", "DUR", T_DUR, AT(u.reader.retry_ns) },
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

/* -o KEY[=VALUE]: words every reader line takes, replacing its own. */
#define READER_EXTRA_MAX 16
static char *reader_extra[READER_EXTRA_MAX];
static size_t reader_n_extra;

int case_reader_option_add(const char *word)
{
	size_t k = strcspn(word, "=");

	if (!k || k > 32 || strcspn(word, " \t\n\r#") != strlen(word) ||
	    !strncmp(word, "queue", k < 5 ? 5 : k) ||
	    reader_n_extra == READER_EXTRA_MAX)
		return -1;
	reader_extra[reader_n_extra] = strdup(word);
	if (!reader_extra[reader_n_extra])
		return -1;
	reader_n_extra++;
	return 0;
}

void case_reader_options_reset(void)
{
	for (size_t i = 0; i < reader_n_extra; i++)
		free(reader_extra[i]);
	reader_n_extra = 0;
}

/*
 * The -o words into this line: a word of the line with the same key is
 * dropped (the command line wins), then the word is added at the end
 * (its column: just past the line, for error messages).
 */
static void case_reader_extras(struct case_parser *p)
{
	for (size_t e = 0; e < reader_n_extra; e++) {
		char *x = reader_extra[e];
		size_t k = strcspn(x, "="), o = 2;

		for (size_t i = 2; i < p->n; i++)
			if (!(p->w[i].klen == k && !strncmp(p->w[i].s, x, k)))
				p->w[o++] = p->w[i];
		p->n = o;
		if (p->n < sizeof(p->w) / sizeof(p->w[0]))
			p->w[p->n++] = (struct case_word){
				.s = x,
				.val = x[k] ? x + k + 1 : NULL,
				.klen = k,
				.col = (unsigned)p->raw_len + 2,
			};
	}
}

/* reader R queue=Q [bufsize=N] [drain=all|one] [nonblock] [wait=auto|step]
 * [retry=DUR] [KEY=VALUE...] */
int case_parse_reader(struct case_parser *p, struct step *s)
{
	unsigned seen[RD_N] = { 0 };

	case_reader_extras(p);
	s->u.reader.bufsize = 65536;
	s->u.reader.drain = TUNCHECK_DRAIN_ALL;
	if (case_sym_define(p, 1, SYM_READER, s->name, &s->ref.reader) ||
	    case_args(p, 2, case_reader_opts, RD_N, ~0u, seen, s,
		      case_reader_custom))
		return -1;
	return case_opt_need(p, case_reader_opts, seen, RD_QUEUE);
}

enum { RA_HOW, RA_N };
static const struct case_opt case_rearm_opts[RA_N] = {
	[RA_HOW] = { "how", "mod|readd", T_CHOICE, AT(u.rearm.how) },
};

/* rearm R how=mod|readd: the reader's backend redoes its registration */
int case_parse_rearm(struct case_parser *p, struct step *s)
{
	unsigned seen[RA_N] = { 0 };

	if (case_sym_use_word(p, 1, SYM_READER, s->name, &s->ref.reader) ||
	    case_args(p, 2, case_rearm_opts, RA_N, ~0u, seen, s, NULL) ||
	    case_opt_need(p, case_rearm_opts, seen, RA_HOW))
		return -1;
	s->u.rearm.how++; /* choice index 0/1 -> TUNCHECK_REARM_MOD/READD */
	return 0;
}

enum { WT_COUNT, WT_N };
static const struct case_opt case_wait_opts[WT_N] = {
	[WT_COUNT] = { "count", "N|all", T_CUSTOM, .size = 0 },
};

/* wait count=N (1 to 1000000) or count=all (-1: no more gating). */
static int case_wait_custom(struct case_parser *p, const struct case_word *w,
			    int k, struct step *s)
{
	long n;

	(void)k;
	if (!strcmp(w->val, "all")) {
		s->u.wait.count = -1;
		return 0;
	}
	if (case_num(p, w, 1, CASE_COUNT_MAX, &n))
		return -1;
	s->u.wait.count = n;
	return 0;
}

/* wait R [count=N|all]: R must have been started with wait=step */
int case_parse_wait(struct case_parser *p, struct step *s)
{
	unsigned seen[WT_N] = { 0 };
	const struct step *r = NULL;

	s->u.wait.count = 1;
	if (case_sym_use_word(p, 1, SYM_READER, s->name, &s->ref.reader) ||
	    case_args(p, 2, case_wait_opts, WT_N, ~0u, seen, s,
		      case_wait_custom))
		return -1;
	for (size_t i = 0; i < p->c->n_steps; i++)
		if (p->c->steps[i].kind == STEP_READER &&
		    p->c->steps[i].ref.reader == s->ref.reader)
			r = &p->c->steps[i];
	if (r && !r->u.reader.wait_step) {
		case_fail(p, p->w[1].col,
			  "wait: reader %s waits on its own (wait=auto)",
			  s->name);
		return case_hint(p,
				 "start it with: reader %s queue=... "
				 "wait=step",
				 s->name);
	}
	return 0;
}
