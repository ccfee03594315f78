// SPDX-License-Identifier: MIT
/*
 * The directives that do I/O on a queue from the controller: `ioctl` (one
 * TUN ioctl, tunioctl.h) and `read` (one read or readv).  Their results
 * are checked by the `expect step` line after them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "tunioctl.h"

/* A named bit set as an argument (the whole word w->s). */
int case_bits_word(struct case_parser *p, const struct case_word *w,
		   const char *v, const struct bit_table *t, int zero_ok,
		   uint32_t *out)
{
	size_t bad, badlen;
	char list[400];

	if (!bits_parse(t, v, zero_ok, out, &bad, &badlen))
		return 0;
	if (*v >= '0' && *v <= '9')
		case_fail(p, w->col + (unsigned)(v - w->s),
			  "'%.48s' is not a %smask", v,
			  zero_ok ? "" : "non-zero ");
	else
		case_fail(p, w->col + (unsigned)(v - w->s + (long)bad),
			  "%.*s: unknown %s '%.*s'",
			  w->val ? (int)w->klen : (int)strlen(p->label),
			  w->val ? w->s : p->label, t->what,
			  (int)(badlen > 48 ? 48 : badlen), v + bad);
	return case_hint(p, "%ss: %s, joined by +, or a number", t->what,
			 bits_list(t, list, sizeof(list)));
}

/* "02:00:00:00:00:01": 0 or -1. */
int case_mac_parse(const char *s, size_t len, uint8_t mac[6])
{
	unsigned v[6];
	char tmp[18];
	int n = 0;

	if (len != 17)
		return -1;
	memcpy(tmp, s, 17);
	tmp[17] = 0;
	if (sscanf(tmp, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &n) != 6 ||
	    n != 17)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/* TUNSETTXFILTER's none | MAC[,MAC]... */
static int case_ioctl_macs(struct case_parser *p, const struct case_word *w,
			   struct step *s)
{
	const char *v = w->s;

	if (!strcmp(v, "none"))
		return 0;
	while (*v) {
		size_t n = strcspn(v, ",");

		if (s->u.ioctl.n_macs == 8)
			return case_fail(p, w->col + (unsigned)(v - w->s),
					 "TUNSETTXFILTER: more than 8 "
					 "addresses");
		if (case_mac_parse(v, n,
				   s->u.ioctl.macs[s->u.ioctl.n_macs++])) {
			case_fail(p, w->col + (unsigned)(v - w->s),
				  "'%.*s' is not a MAC address",
				  (int)(n > 24 ? 24 : n), v);
			return case_hint(p, "e.g. 02:00:00:00:00:01, or none");
		}
		v += n + (v[n] == ',');
	}
	return 0;
}

/* The argument of an ioctl (word 3). */
static int case_ioctl_arg(struct case_parser *p, const struct tun_ioctl_def *d,
			  struct step *s)
{
	const struct case_word *w = &p->w[3];
	uint32_t bits;
	long n;
	int k;

	s->u.ioctl.has_arg = true;
	switch (d->arg) {
	case TA_TUNFLAGS:
	case TA_OFFLOAD:
		if (case_bits_word(p, w, w->s,
				   d->arg == TA_OFFLOAD ? &bits_offload
							: &bits_tun,
				   1, &bits))
			return -1;
		s->u.ioctl.arg = bits;
		return 0;
	case TA_BOOL:
		if ((k = case_choose(p, w, w->s, "0|1|off|on")) < 0)
			return -1;
		s->u.ioctl.arg = (unsigned long)(k & 1);
		return 0;
	case TA_NUM:
		if (case_num(p, w, -1, 0x7fffffff, &n))
			return -1;
		s->u.ioctl.arg = (unsigned long)n;
		return 0;
	case TA_MACS:
		return case_ioctl_macs(p, w, s);
	case TA_NONE:
		break;
	}
	return case_fail(p, w->col, "%s takes no argument", d->name);
}

/* ioctl Q NAME [ARG] */
int case_parse_ioctl(struct case_parser *p, struct step *s)
{
	struct case_best best = { "", 0 };
	const struct tun_ioctl_def *d = NULL;
	const struct case_word *w = &p->w[2];

	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
	    case_need_bare(p, 2, "an ioctl name such as TUNGETIFF"))
		return -1;
	for (int i = 0; i < TI_N && !d; i++) {
		if (!strcmp(w->s, tun_ioctls[i].name)) {
			d = &tun_ioctls[i];
			s->u.ioctl.req = i;
		}
		case_best_try(&best, w->s, strlen(w->s), tun_ioctls[i].name);
	}
	if (!d) {
		case_fail(p, w->col, "ioctl: unknown ioctl '%.48s'", w->s);
		if (best.name[0])
			return case_hint(p, "did you mean '%s'?", best.name);
		return case_hint(p, "TUNGETIFF TUNGETFEATURES TUNSETIFF "
				    "TUNSETQUEUE TUNSETPERSIST TUNSETCARRIER "
				    "TUNSETSNDBUF ... (README: ioctl)");
	}
	if (p->n > 3) {
		if (p->w[3].val && d->arg != TA_NONE) {
			case_fail(p, p->w[3].col,
				  "%s: the argument is a bare word", d->name);
			return case_hint(p, "usage: ioctl QUEUE %s %s", d->name,
					 d->meta);
		}
		if (case_ioctl_arg(p, d, s))
			return -1;
	} else if (d->arg != TA_NONE && !d->optional) {
		case_missing(p, d->meta);
		return case_hint(p, "usage: ioctl QUEUE %s %s", d->name,
				 d->meta);
	}
	return case_end(p, 4);
}

enum { RDS_SIZE, RDS_IOV, RDS_NONBLOCK, RDS_WITHIN, RDS_N };
static const struct case_opt case_read_opts[RDS_N] = {
	[RDS_SIZE] = { "size", "N", T_NUM, AT(u.read.size), .min = 0,
		       .max = 1 << 20 },
	[RDS_IOV] = { "iov", "N", T_NUM, AT(u.read.iov), .min = 1, .max = 64 },
	[RDS_NONBLOCK] = { "nonblock", NULL, T_FLAG, AT(u.read.nonblock) },
	[RDS_WITHIN] = { "within", "DUR", T_DUR, AT(u.read.window_ns) },
};

/* read Q [size=N] [iov=N] [nonblock] [within=DUR] */
int case_parse_read(struct case_parser *p, struct step *s)
{
	unsigned seen[RDS_N] = { 0 };

	s->u.read.size = 65536;
	s->u.read.window_ns = 2 * NS_PER_S;
	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
	    case_args(p, 2, case_read_opts, RDS_N, ~0u, seen, s, NULL))
		return -1;
	if (seen[RDS_NONBLOCK] && seen[RDS_WITHIN])
		return case_fail(
			p, case_col_later(seen[RDS_NONBLOCK], seen[RDS_WITHIN]),
			"read: a nonblock read does not wait: "
			"within= is for blocking reads");
	if (seen[RDS_IOV] && s->u.read.iov > s->u.read.size)
		return case_fail(p, seen[RDS_IOV],
				 "read: iov=%u parts for %zu bytes",
				 s->u.read.iov, s->u.read.size);
	return 0;
}
