// SPDX-License-Identifier: MIT
/*
 * One function per directive of the case language, each reading its
 * positional words and handing the rest to case_args() with its option
 * table; the table of directives at the end is the language's list of
 * directives (usage and hints come from it).
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

/* case NAME: must be the first line, exactly once. */
int case_parse_case(struct case_parser *p, struct step *s)
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
	TUN_PERSIST,
	TUN_NO_CARRIER,
	TUN_PEER_MAC,
	TUN_NEIGH,
	TUN_VNET_HDR,
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
	/* choice index 1 = no: transient */
	[TUN_PERSIST] = { "persist", "yes|no", T_CHOICE, AT(u.tun.transient) },
	[TUN_NO_CARRIER] = { "no-carrier", NULL, T_FLAG, AT(u.tun.no_carrier) },
	[TUN_PEER_MAC] = { "peer-mac", "MAC", T_CUSTOM, .size = 0 },
	[TUN_NEIGH] = { "neigh", "static|answer|none", T_CHOICE,
			AT(u.tun.neigh) },
	[TUN_VNET_HDR] = { "vnet-hdr", NULL, T_FLAG, AT(u.tun.vnet_hdr) },
};

/* tun addr= (up to CASE_MAX_ADDRS) and peer= (one per family). */
static int case_tun_custom(struct case_parser *p, const struct case_word *w,
			   int k, struct step *s)
{
	struct case_addr a, *dst;

	if (k == TUN_PEER_MAC) {
		if (!case_mac_parse(w->val, strlen(w->val), s->u.tun.peer_mac))
			return 0;
		case_fail_value(p, w, "'%.24s' is not a MAC address", w->val);
		return case_hint(p, "e.g. peer-mac=02:74:63:00:00:01");
	}
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
	static const uint8_t peer_mac[6] = { 0x02, 0x74, 0x63, 0, 0, 0x01 };
	unsigned seen[TUN_N] = { 0 };
	bool has6 = false;

	memcpy(s->u.tun.peer_mac, peer_mac, 6);
	if (case_sym_define(p, 1, SYM_DEVICE, s->name, &s->ref.dev) ||
	    case_args(p, 2, case_tun_opts, TUN_N, ~0u, seen, s,
		      case_tun_custom))
		return -1;
	if (!s->u.tun.tap && (seen[TUN_PEER_MAC] || seen[TUN_NEIGH]))
		return case_fail(p,
				 seen[TUN_PEER_MAC] ? seen[TUN_PEER_MAC]
						    : seen[TUN_NEIGH],
				 "tun: peer-mac= and neigh= are for a tap");
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
	if (case_sym_define(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
	    case_args(p, 2, case_open_opts, OPEN_N, ~0u, seen, s, NULL))
		return -1;
	return case_opt_need(p, case_open_opts, seen, OPEN_DEVICE);
}

enum { AT_HOW, AT_N };
static const struct case_opt case_attach_opts[AT_N] = {
	[AT_HOW] = { "how", "setiff|setqueue", T_CHOICE, AT(u.attach.how) },
};

/* attach Q [how=setiff|setqueue] */
static int case_parse_attach(struct case_parser *p, struct step *s)
{
	unsigned seen[AT_N] = { 0 };

	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
	    case_args(p, 2, case_attach_opts, AT_N, ~0u, seen, s, NULL))
		return -1;
	if (seen[AT_HOW])
		s->u.attach.how++; /* 1 TUNSETIFF, 2 TUNSETQUEUE; 0 default */
	return 0;
}

/* detach Q, close Q: one existing queue. */
static int case_parse_queue_op(struct case_parser *p, struct step *s)
{
	return case_sym_use_word(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
			       case_end(p, 2)
		       ? -1
		       : 0;
}

/* dup Q as Q2 */
static int case_parse_dup(struct case_parser *p, struct step *s)
{
	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
	    case_need_bare(p, 2, "'as NEWQUEUE'"))
		return -1;
	if (strcmp(p->w[2].s, "as")) {
		case_fail(p, p->w[2].col, "dup: expected 'as', got '%.48s'",
			  p->w[2].s);
		return case_hint(p, "usage: %s", p->usage);
	}
	return case_sym_define(p, 3, SYM_QUEUE, s->name2, &s->ref.dup) ||
			       case_end(p, 4)
		       ? -1
		       : 0;
}

/* link T up|down|delete | link T carrier|multicast|arp on|off |
 * link T txqlen N (the order of enum link_op) */
static int case_parse_link(struct case_parser *p, struct step *s)
{
	long n;
	int k;

	if (case_sym_use_word(p, 1, SYM_DEVICE, s->name, &s->ref.dev) ||
	    case_need_bare(p, 2,
			   "up, down, delete, carrier, multicast, arp or "
			   "txqlen") ||
	    (k = case_choose(p, &p->w[2], p->w[2].s,
			     "up|down|delete|carrier|multicast|arp|txqlen")) <
		    0)
		return -1;
	s->u.link.op = (enum link_op)k;
	if (k < LINK_CARRIER)
		return case_end(p, 3);
	if (k == LINK_TXQLEN) {
		if (case_need_bare(p, 3, "a queue length") ||
		    case_num(p, &p->w[3], 1, 100000, &n))
			return -1;
		s->u.link.txqlen = (unsigned)n;
		return case_end(p, 4);
	}
	if (case_need_bare(p, 3, "on or off") ||
	    (k = case_choose(p, &p->w[3], p->w[3].s, "off|on")) < 0)
		return -1;
	s->u.link.on = k;
	return case_end(p, 4);
}

/* mtu T N */
static int case_parse_mtu(struct case_parser *p, struct step *s)
{
	long n;

	if (case_sym_use_word(p, 1, SYM_DEVICE, s->name, &s->ref.dev) ||
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
	SEND_GSO,
	SEND_FLOWS,
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
	[SEND_GSO] = { "gso", "N", T_NUM, AT(u.send.gso), .min = 1,
		       .max = 65535 },
	[SEND_FLOWS] = { "flows", "N", T_NUM, AT(u.send.flows), .min = 1,
			 .max = 256 },
};

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
	s->u.send.flows = 1;
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
	if (seen[SEND_FLOWS] &&
	    (s->u.send.proto != PROTO_UDP || !seen[SEND_FROM_NS]))
		return case_fail(p, seen[SEND_FLOWS],
				 "send: flows= (one socket each) is for udp "
				 "from-ns only");
	if (seen[SEND_GSO] &&
	    (s->u.send.proto != PROTO_UDP || !seen[SEND_FROM_NS]))
		return case_fail(p, seen[SEND_GSO],
				 "send: gso= (UDP_SEGMENT) is for udp from-ns "
				 "only");
	if (s->u.send.to.family && s->u.send.from.family &&
	    s->u.send.to.family != s->u.send.from.family)
		return case_fail(p, seen[SEND_FROM],
				 "send: from= and to= are "
				 "of different address families");
	return 0;
}

enum { WR_HEX, WR_COUNT, WR_SIZE, WR_IOV, WR_N };
static const struct case_opt case_write_opts[WR_N] = {
	[WR_HEX] = { "hex", "BYTES", T_CUSTOM, .size = 0 },
	[WR_COUNT] = { "count", "N", T_NUM, AT(u.write.count), .min = 1,
		       .max = CASE_COUNT_MAX },
	[WR_SIZE] = { "size", "N", T_NUM, AT(u.write.size), .min = 1,
		      .max = CASE_WRITE_MAX },
	[WR_IOV] = { "iov", "N", T_NUM, AT(u.write.iov), .min = 1, .max = 64 },
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

/* write Q hex=BYTES [size=N] [count=N] [iov=N]: size= pads with zeros */
static int case_parse_write(struct case_parser *p, struct step *s)
{
	unsigned seen[WR_N] = { 0 };
	size_t size;
	uint8_t *b;

	s->u.write.count = 1;
	p->have_send = true;
	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
	    case_args(p, 2, case_write_opts, WR_N, ~0u, seen, s,
		      case_write_custom))
		return -1;
	if (!seen[WR_SIZE] && case_opt_need(p, case_write_opts, seen, WR_HEX))
		return -1;
	if (seen[WR_IOV] &&
	    s->u.write.iov >
		    (seen[WR_SIZE] ? (size_t)s->u.write.size : s->u.write.len))
		return case_fail(p, seen[WR_IOV],
				 "write: iov=%u parts for fewer bytes",
				 s->u.write.iov);
	if (!seen[WR_SIZE])
		return 0;
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
	if (case_sym_use_word(p, 1, SYM_QUEUE, s->name, &s->ref.queue) ||
	    case_args(p, 2, case_pingpong_opts, PP_N, ~0u, seen, s, NULL))
		return -1;
	case_name_copy(s->name2, s->name);
	return case_opt_need(p, case_pingpong_opts, seen, PP_COUNT);
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

/* observed=X.Y[,X.Y]...: every kernel the expectations were seen on */
static int case_kobserved(struct case_parser *p, const struct case_word *w)
{
	const char *v = w->val;
	char one[32];

	p->c->n_kobserved = 0;
	while (*v) {
		size_t l = strcspn(v, ",");

		if (p->c->n_kobserved == CASE_KOBSERVED_MAX)
			return case_fail_value(p, w, "more than %d kernels",
					       CASE_KOBSERVED_MAX);
		snprintf(one, sizeof(one), "%.*s", (int)(l < 31 ? l : 31), v);
		if (l >= sizeof(one) ||
		    case_kver(one, p->c->kobserved[p->c->n_kobserved]))
			return case_fail_value(p, w,
					       "'%.32s' is not a kernel "
					       "version like 6.18",
					       one);
		p->c->n_kobserved++;
		v += l;
		if (*v == ',' && *++v == 0)
			return case_fail_value(p, w, "a trailing ','");
	}
	return 0;
}

/* kernel [min=X.Y] [observed=X.Y[,X.Y]...] */
int case_parse_kernel(struct case_parser *p, struct step *s)
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
		bool obs = w->klen == 8 && !strncmp(w->s, "observed", 8);
		unsigned *v = w->klen == 3 && !strncmp(w->s, "min", 3)
				      ? p->c->kmin
				      : NULL;

		if (obs && w->val) {
			if (case_kobserved(p, w))
				return -1;
			continue;
		}
		if (!v || !w->val) {
			case_fail(p, w->col, "kernel: unknown argument '%.48s'",
				  w->s);
			return case_hint(p, "usage: kernel [min=X.Y] "
					    "[observed=X.Y[,X.Y]...]");
		}
		if (case_kver(w->val, v))
			return case_fail_value(p, w,
					       "'%.32s' is not a kernel "
					       "version like 6.18",
					       w->val);
	}
	return 0;
}

const struct case_directive case_directives[] = {
	{ "case", case_parse_case, ROLE_HEADER, 0, "case NAME" },
	{ "about", case_parse_about, ROLE_HEADER, 0, "about TEXT" },
	{ "kernel", case_parse_kernel, ROLE_HEADER, 0,
	  "kernel [min=X.Y] [observed=X.Y[,X.Y]...]" },
	{ "tun", case_parse_tun, ROLE_STEP, STEP_TUN,
	  "tun NAME [tap] [pi] [multi-queue] [mtu=N] [txqlen=N] "
	  "[addr=CIDR]... [peer=IP]... [ipv6=on|off] [persist=yes|no] "
	  "[no-carrier] [peer-mac=MAC] [neigh=static|answer|none] "
	  "[vnet-hdr]" },
	{ "sysctl", case_parse_sysctl, ROLE_STEP, STEP_SYSCTL,
	  "sysctl net.KEY=VALUE" },
	{ "open", case_parse_open, ROLE_STEP, STEP_OPEN,
	  "open QUEUE device=TUN [attach=now|later]" },
	{ "attach", case_parse_attach, ROLE_STEP, STEP_ATTACH,
	  "attach QUEUE [how=setiff|setqueue]" },
	{ "detach", case_parse_queue_op, ROLE_STEP, STEP_DETACH,
	  "detach QUEUE" },
	{ "close", case_parse_queue_op, ROLE_STEP, STEP_CLOSE, "close QUEUE" },
	{ "dup", case_parse_dup, ROLE_STEP, STEP_DUP, "dup QUEUE as NEWQUEUE" },
	{ "reader", case_parse_reader, ROLE_STEP, STEP_READER,
	  "reader NAME queue=QUEUE [bufsize=N] [drain=all|one] [nonblock] "
	  "[wait=auto|step] [retry=DUR] [KEY=VALUE...]" },
	{ "link", case_parse_link, ROLE_STEP, STEP_LINK,
	  "link TUN up|down|delete | link TUN carrier|multicast|arp on|off | "
	  "link TUN txqlen N" },
	{ "mtu", case_parse_mtu, ROLE_STEP, STEP_MTU, "mtu TUN N" },
	{ "send", case_parse_send, ROLE_STEP, STEP_SEND,
	  "send icmp-echo|udp into=QUEUE|from-ns [to=IP] [from=IP] [count=N] "
	  "[size=N] [flood|interval=DUR] [port=N] [gso=N] [flows=N]" },
	{ "write", case_parse_write, ROLE_STEP, STEP_WRITE,
	  "write QUEUE hex=BYTES [size=N] [count=N] [iov=N]" },
	{ "read", case_parse_read, ROLE_STEP, STEP_READ,
	  "read QUEUE [size=N] [iov=N] [nonblock] [within=DUR]" },
	{ "ioctl", case_parse_ioctl, ROLE_STEP, STEP_IOCTL,
	  "ioctl QUEUE NAME [ARG]" },
	{ "pingpong", case_parse_pingpong, ROLE_STEP, STEP_PINGPONG,
	  "pingpong QUEUE count=N [size=N]" },
	{ "sleep", case_parse_sleep, ROLE_STEP, STEP_SLEEP, "sleep DUR" },
	{ "rearm", case_parse_rearm, ROLE_STEP, STEP_REARM,
	  "rearm READER how=mod|readd" },
	{ "wait", case_parse_wait, ROLE_STEP, STEP_WAIT,
	  "wait READER [count=N|all]" },
	{ "fault", case_parse_fault, ROLE_STEP, STEP_FAULT,
	  "fault READER|controller CALL[+CALL...]|wait errno=E|short=N|"
	  "delay=DUR [nth=N|every=K [from=N] [to=M]|percent=P [seed=S]] "
	  "[queue=QUEUE]" },
	{ "backends", case_parse_backends, ROLE_HEADER, 0, "backends NAME..." },
	{ "expect", case_parse_expect, ROLE_EXPECT, STEP_EXPECT,
	  "expect SUBJECT PREDICATE [ARGS]" },
	{ "xfail", case_parse_xfail, ROLE_XFAIL, 0,
	  "xfail BACKEND... [kernel=A.B-C.D]: REASON" },
};

const size_t case_n_directives =
	sizeof(case_directives) / sizeof(case_directives[0]);
