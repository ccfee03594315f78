// SPDX-License-Identifier: MIT
/*
 * The `fault` directive: from this step on, some system calls of a reader
 * (its thread and any program it starts) or of the controller fail with
 * an errno, return short, or are delayed (harness/job/fault.c injects
 * them with seccomp user notification).
 *
 *   fault WHO CALLS errno=E|short=N|delay=DUR [nth=N | every=K [from=N]
 *         [to=M] | percent=P [seed=S]] [queue=Q]
 */
#include <string.h>

#include "parser.h"

const char *const fault_call_names[FAULT_CALL_N] = {
	[FAULT_READ] = "read",
	[FAULT_READV] = "readv",
	[FAULT_WRITE] = "write",
	[FAULT_WRITEV] = "writev",
	[FAULT_IOCTL] = "ioctl",
	[FAULT_POLL] = "poll",
	[FAULT_PPOLL] = "ppoll",
	[FAULT_SELECT] = "select",
	[FAULT_PSELECT6] = "pselect6",
	[FAULT_EPOLL_WAIT] = "epoll_wait",
	[FAULT_EPOLL_PWAIT] = "epoll_pwait",
	[FAULT_EPOLL_PWAIT2] = "epoll_pwait2",
};

/* `wait`: every call a wait primitive may use */
#define FAULT_WAIT_CALLS                                                       \
	(1u << FAULT_POLL | 1u << FAULT_PPOLL | 1u << FAULT_SELECT |           \
	 1u << FAULT_PSELECT6 | 1u << FAULT_EPOLL_WAIT |                       \
	 1u << FAULT_EPOLL_PWAIT | 1u << FAULT_EPOLL_PWAIT2)

enum {
	FT_ERRNO,
	FT_SHORT,
	FT_DELAY,
	FT_NTH,
	FT_EVERY,
	FT_FROM,
	FT_TO,
	FT_PERCENT,
	FT_SEED,
	FT_QUEUE,
	FT_N
};
static const struct case_opt case_fault_opts[FT_N] = {
	[FT_ERRNO] = { "errno", "E", T_ERRNO, AT(u.fault.err) },
	[FT_SHORT] = { "short", "N", T_NUM, AT(u.fault.short_len), .min = 0,
		       .max = 65535 },
	[FT_DELAY] = { "delay", "DUR", T_DUR, AT(u.fault.delay_ns) },
	[FT_NTH] = { "nth", "N", T_NUM, AT(u.fault.nth), .min = 1,
		     .max = CASE_COUNT_MAX },
	[FT_EVERY] = { "every", "K", T_NUM, AT(u.fault.every), .min = 1,
		       .max = CASE_COUNT_MAX },
	[FT_FROM] = { "from", "N", T_NUM, AT(u.fault.from), .min = 1,
		      .max = CASE_COUNT_MAX },
	[FT_TO] = { "to", "M", T_NUM, AT(u.fault.to), .min = 1,
		    .max = CASE_COUNT_MAX },
	[FT_PERCENT] = { "percent", "P", T_NUM, AT(u.fault.percent), .min = 1,
			 .max = 100 },
	[FT_SEED] = { "seed", "S", T_NUM, AT(u.fault.seed), .min = 0,
		      .max = 2147483647 },
	[FT_QUEUE] = { "queue", "QUEUE", T_QUEUE, AT(name2) },
};

/* CALLS: names joined with '+' (read+readv), or `wait` for them all. */
static int fault_calls(struct case_parser *p, const struct case_word *w,
		       uint32_t *out)
{
	const char *s = w->s;

	*out = 0;
	while (*s) {
		size_t n = strcspn(s, "+");
		unsigned col = w->col + (unsigned)(s - w->s);
		struct case_best best = { "", 0 };
		int k = -1;

		if (n == 4 && !strncmp(s, "wait", 4))
			*out |= FAULT_WAIT_CALLS;
		for (int i = 0;
		     i < FAULT_CALL_N && !(n == 4 && !strncmp(s, "wait", 4));
		     i++) {
			if (strlen(fault_call_names[i]) == n &&
			    !strncmp(s, fault_call_names[i], n))
				k = i;
			case_best_try(&best, s, n, fault_call_names[i]);
		}
		if (k >= 0)
			*out |= 1u << k;
		else if (!(n == 4 && !strncmp(s, "wait", 4))) {
			case_fail(p, col,
				  "fault: '%.*s' is not a call a fault "
				  "can hit",
				  (int)(n > 32 ? 32 : n), s);
			return best.name[0]
				       ? case_hint(p, "did you mean '%s'?",
						   best.name)
				       : case_hint(p,
						   "read readv write writev "
						   "ioctl poll ppoll select "
						   "pselect6 epoll_wait "
						   "epoll_pwait epoll_pwait2, "
						   "or wait (every wait)");
		}
		s += n + (s[n] == '+');
	}
	return 0;
}

/* See the head comment. */
int case_parse_fault(struct case_parser *p, struct step *s)
{
	unsigned seen[FT_N] = { 0 };
	struct fault_shape {
		int opt;
		const char *name;
	};
	int actions = 0;

	if (case_need_bare(p, 1, "who: a reader or controller") ||
	    case_need_bare(p, 2, "the calls: read, write, wait, ..."))
		return -1;
	s->u.fault.controller = !strcmp(p->w[1].s, "controller");
	if (!s->u.fault.controller &&
	    case_sym_use_word(p, 1, SYM_READER, s->name, &s->ref.reader))
		return -1;
	if (s->u.fault.controller)
		case_name_copy(s->name, "controller");
	if (fault_calls(p, &p->w[2], &s->u.fault.calls) ||
	    case_args(p, 3, case_fault_opts, FT_N, ~0u, seen, s, NULL))
		return -1;
	for (int i = FT_ERRNO; i <= FT_DELAY; i++)
		actions += seen[i] != 0;
	if (actions != 1)
		return case_fail(p, p->w[0].col,
				 "fault: give one of errno=E, short=N, "
				 "delay=DUR");
	s->u.fault.action = seen[FT_ERRNO]   ? FAULT_ERRNO
			    : seen[FT_SHORT] ? FAULT_SHORT
					     : FAULT_DELAY;
	if (seen[FT_ERRNO] && !s->u.fault.err)
		return case_fail(p, p->w[0].col,
				 "fault: errno=ok is not a fault");
	if (seen[FT_SHORT] &&
	    (s->u.fault.calls & ~(1u << FAULT_READ | 1u << FAULT_WRITE)))
		return case_fail(p, p->w[2].col,
				 "fault: short= applies to read and write "
				 "only");
	if ((seen[FT_NTH] != 0) + (seen[FT_EVERY] != 0) +
		    (seen[FT_PERCENT] != 0) >
	    1)
		return case_fail(p, p->w[0].col,
				 "fault: give one of nth=, every=, percent=");
	if ((seen[FT_FROM] || seen[FT_TO]) && !seen[FT_EVERY])
		return case_fail(p, p->w[0].col,
				 "fault: from= and to= go with every=");
	if (seen[FT_SEED] && !seen[FT_PERCENT])
		return case_fail(p, p->w[0].col,
				 "fault: seed= goes with percent=");
	if (seen[FT_EVERY] && !seen[FT_FROM])
		s->u.fault.from = 1;
	if (seen[FT_TO] && s->u.fault.to < s->u.fault.from)
		return case_fail(p, p->w[0].col,
				 "fault: to=%ld comes before from=%ld",
				 s->u.fault.to, s->u.fault.from);
	if (!seen[FT_NTH] && !seen[FT_EVERY] && !seen[FT_PERCENT])
		s->u.fault.nth = 1;
	if (!s->u.fault.controller && seen[FT_QUEUE])
		return case_fail(p, p->w[0].col,
				 "fault: a reader's faults hit its own queue: "
				 "queue= is for controller");
	if (s->u.fault.controller && !seen[FT_QUEUE] &&
	    (s->u.fault.calls & FAULT_FD_CALLS))
		return case_fail(p, p->w[0].col,
				 "fault: controller read/write/ioctl need "
				 "queue=QUEUE (whose fd)");
	return 0;
}
