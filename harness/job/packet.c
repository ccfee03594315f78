// SPDX-License-Identifier: MIT
/*
 * Packets written to and read from a tun fd: pure functions over bytes,
 * every field accessed bytewise in network order (no alignment needs).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "packet.h"

enum {
	PACKET_ETH_LEN = 14,
	PACKET_IP4_LEN = 20,
	PACKET_IP6_LEN = 40,
	PACKET_L4_LEN = 8, /* ICMP echo and UDP headers are both 8 bytes */
	PACKET_TTL = 64,
};

/* Where the parts of a parsed IPv4/IPv6 packet lie inside the buffer. */
struct packet_view {
	int family;
	const uint8_t *ip; /* IP header */
	size_t iphl;	   /* IP header length */
	uint8_t l4proto;   /* protocol / next header, 0 = no L4 to look at */
	const uint8_t *l4; /* upper-layer header */
	size_t l4len;	   /* bytes from l4 to the end of the IP packet */
	bool fragment;	   /* IPv4 MF or offset set: L4 checksum unverifiable */
};

/* Store a 16-bit value in network order. */
void packet_u16_put(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Load a 16-bit value stored in network order. */
uint16_t packet_u16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sum buf as big-endian 16-bit words (odd tail padded with zero), folded. */
uint32_t packet_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += packet_u16_get(p + i);
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

/* Fold a running sum to 16 bits and complement it: the checksum field. */
uint16_t packet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The ICMP protocol number for an address family. */
static uint8_t packet_icmp_proto(int family)
{
	return family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

/* Sum of the IPv4 or IPv6 pseudo-header for an upper-layer checksum. */
static uint32_t packet_pseudo_sum(int family, const uint8_t *ip,
				  uint8_t l4proto, size_t l4len)
{
	bool v4 = family == AF_INET;

	return packet_csum_add(0, ip + (v4 ? 12 : 8), v4 ? 8 : 32) + l4proto +
	       (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
}

/* PI + IP header + 8-byte L4 header l4hdr (checksum field 0) + pattern. */
static size_t packet_build(uint8_t *buf, size_t size,
			   const struct case_addr *src,
			   const struct case_addr *dst, bool udp,
			   const uint8_t l4hdr[PACKET_L4_LEN], uint16_t ip_id,
			   size_t payload, bool pi)
{
	bool v4 = src->family == AF_INET;
	size_t off = pi ? PACKET_PI_LEN : 0;
	size_t iphl = v4 ? PACKET_IP4_LEN : PACKET_IP6_LEN;
	size_t l4len = PACKET_L4_LEN + payload, i;
	uint8_t proto, *ip, *l4;
	int csum_off = udp ? 6 : 2;
	uint16_t csum;

	if (src->family != dst->family ||
	    (src->family != AF_INET && src->family != AF_INET6))
		return 0;
	if (payload > 0xffff || (v4 ? iphl : 0) + l4len > 0xffff ||
	    off + iphl + l4len > size)
		return 0;
	proto = udp ? IPPROTO_UDP : packet_icmp_proto(src->family);
	memset(buf, 0, off + iphl);
	if (pi)
		packet_u16_put(buf + 2, v4 ? ETH_P_IP : ETH_P_IPV6);
	ip = buf + off;
	l4 = ip + iphl;
	if (v4) {
		ip[0] = 0x45;
		packet_u16_put(ip + 2, (uint16_t)(iphl + l4len));
		packet_u16_put(ip + 4, ip_id);
		ip[8] = PACKET_TTL;
		ip[9] = proto;
		memcpy(ip + 12, &src->a.v4, 4);
		memcpy(ip + 16, &dst->a.v4, 4);
		packet_u16_put(ip + 10,
			       packet_csum_fold(packet_csum_add(0, ip, iphl)));
	} else {
		ip[0] = 0x60;
		packet_u16_put(ip + 4, (uint16_t)l4len);
		ip[6] = proto;
		ip[7] = PACKET_TTL;
		memcpy(ip + 8, &src->a.v6, 16);
		memcpy(ip + 24, &dst->a.v6, 16);
	}
	memcpy(l4, l4hdr, PACKET_L4_LEN);
	if (udp)
		packet_u16_put(l4 + 4, (uint16_t)l4len);
	for (i = 0; i < payload; i++)
		l4[PACKET_L4_LEN + i] = (uint8_t)i;
	csum = packet_csum_fold(packet_csum_add(
		(v4 && !udp) ? 0
			     : packet_pseudo_sum(src->family, ip, proto, l4len),
		l4, l4len));
	if (udp && csum == 0)
		csum = 0xffff; /* 0 means "no checksum" on the wire */
	packet_u16_put(l4 + csum_off, csum);
	return off + iphl + l4len;
}

/* ICMP echo request: type 8 (ICMPv6 128), code 0, id, seq. */
size_t packet_build_echo(void *buf, size_t size, const struct case_addr *src,
			 const struct case_addr *dst, uint16_t id, uint16_t seq,
			 size_t payload, bool pi)
{
	uint8_t hdr[PACKET_L4_LEN] = { src->family == AF_INET6 ? 128 : 8 };

	packet_u16_put(hdr + 4, id);
	packet_u16_put(hdr + 6, seq);
	return packet_build(buf, size, src, dst, false, hdr, seq, payload, pi);
}

/* UDP datagram sport -> dport; length and checksum filled by the builder. */
size_t packet_build_udp(void *buf, size_t size, const struct case_addr *src,
			const struct case_addr *dst, uint16_t sport,
			uint16_t dport, size_t payload, bool pi)
{
	uint8_t hdr[PACKET_L4_LEN] = { 0 };

	packet_u16_put(hdr, sport);
	packet_u16_put(hdr + 2, dport);
	return packet_build(buf, size, src, dst, true, hdr, 0, payload, pi);
}

size_t packet_hdr_len(unsigned layout)
{
	return (layout & PKT_PI ? PACKET_PI_LEN : 0) +
	       (layout & PKT_VNET ? PACKET_VNET_LEN : 0) +
	       (layout & PKT_ETH ? PACKET_ETH_LEN : 0);
}

static uint16_t packet_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

bool packet_vnet_parse(const uint8_t *b, size_t len, struct packet_vnet *out)
{
	memset(out, 0, sizeof(*out));
	if (len < PACKET_VNET_LEN)
		return false;
	/* virtio 1.0 little endian, as tun_put_user() writes it on x86 */
	out->has = true;
	out->flags = b[0];
	out->gso_type = b[1];
	out->hdr_len = packet_le16(b + 2);
	out->gso_size = packet_le16(b + 4);
	out->csum_start = packet_le16(b + 6);
	out->csum_offset = packet_le16(b + 8);
	return true;
}

/*
 * Step *b past the tun_pi and Ethernet headers layout says are there:
 * PACKET_L3_IP (IPv4/IPv6 follows, or no Ethernet header to say), _ARP,
 * _OTHER (another ethertype), or _SHORT (the headers do not fit).
 */
int packet_l3(const uint8_t **b, size_t *len, unsigned layout)
{
	uint16_t type;

	if (*len < packet_hdr_len(layout))
		return PACKET_L3_SHORT;
	if (layout & PKT_PI) {
		*b += PACKET_PI_LEN;
		*len -= PACKET_PI_LEN;
	}
	if (layout & PKT_VNET) {
		*b += PACKET_VNET_LEN;
		*len -= PACKET_VNET_LEN;
	}
	if (!(layout & PKT_ETH))
		return PACKET_L3_IP;
	type = packet_u16_get(*b + 12);
	*b += PACKET_ETH_LEN;
	*len -= PACKET_ETH_LEN;
	return type == ETH_P_IP || type == ETH_P_IPV6 ? PACKET_L3_IP
	       : type == ETH_P_ARP		      ? PACKET_L3_ARP
						      : PACKET_L3_OTHER;
}

size_t packet_wrap(uint8_t *buf, size_t iplen, unsigned layout,
		   const uint8_t dst[6], const uint8_t src[6])
{
	size_t hl = packet_hdr_len(layout);
	const uint8_t *ip = buf + hl;
	uint16_t type = iplen && ip[0] >> 4 == 6 ? ETH_P_IPV6 : ETH_P_IP;
	uint8_t *p = buf;

	if (layout & PKT_PI) {
		memset(p, 0, PACKET_PI_LEN);
		packet_u16_put(p + 2, type);
		p += PACKET_PI_LEN;
	}
	if (layout & PKT_VNET) {
		/* no checksum to finish, no segmentation: all zero */
		memset(p, 0, PACKET_VNET_LEN);
		p += PACKET_VNET_LEN;
	}
	if (layout & PKT_ETH) {
		memcpy(p, dst, 6);
		memcpy(p + 6, src, 6);
		packet_u16_put(p + 12, type);
	}
	return hl + iplen;
}

/*
 * Locate the IP and L4 headers, trusting nothing: false for anything that
 * is not a well-formed IPv4/IPv6 packet fitting in len.  Bytes after the
 * IP total/payload length are ignored.  Extension headers are not walked.
 */
static bool packet_parse(const uint8_t *buf, size_t len, unsigned layout,
			 struct packet_view *v)
{
	size_t total;

	if (packet_l3(&buf, &len, layout) != PACKET_L3_IP || len < 1)
		return false;
	memset(v, 0, sizeof(*v));
	v->ip = buf;
	if (buf[0] >> 4 == 4) {
		if (len < PACKET_IP4_LEN)
			return false;
		v->family = AF_INET;
		v->iphl = (size_t)(buf[0] & 0x0f) * 4;
		total = packet_u16_get(buf + 2);
		if (v->iphl < PACKET_IP4_LEN || total < v->iphl || total > len)
			return false;
		v->fragment = packet_u16_get(buf + 6) & 0x3fff;
		/* A non-first fragment carries no L4 header. */
		if (!(packet_u16_get(buf + 6) & 0x1fff))
			v->l4proto = buf[9];
	} else if (buf[0] >> 4 == 6) {
		if (len < PACKET_IP6_LEN)
			return false;
		v->family = AF_INET6;
		v->iphl = PACKET_IP6_LEN;
		total = PACKET_IP6_LEN + (size_t)packet_u16_get(buf + 4);
		if (total > len)
			return false;
		v->l4proto = buf[6];
	} else {
		return false;
	}
	v->l4 = buf + v->iphl;
	v->l4len = total - v->iphl;
	return true;
}

/* IPv4 flags/offset or an IPv6 fragment header: enum case_frag. */
static int packet_frag(const uint8_t *ip, size_t len, int family)
{
	uint16_t off = 0;
	bool more = false;

	if (family == AF_INET) {
		off = packet_u16_get(ip + 6) & 0x1fff;
		more = packet_u16_get(ip + 6) & 0x2000;
	} else if (ip[6] == 44 && len >= PACKET_IP6_LEN + 8) {
		off = packet_u16_get(ip + PACKET_IP6_LEN + 2) >> 3;
		more = packet_u16_get(ip + PACKET_IP6_LEN + 2) & 1;
	}
	return !off ? (more ? FRAG_FIRST : FRAG_NONE)
		    : (more ? FRAG_MIDDLE : FRAG_LAST);
}

void packet_info(const void *buf, size_t len, unsigned layout,
		 struct packet_info *out)
{
	const uint8_t *b = buf;
	struct packet_view v;
	bool v6;

	memset(out, 0, sizeof(*out));
	out->icmp_type = -1;
	out->pi_flags = -1;
	out->frag = -1;
	out->proto = packet_classify(buf, len, layout);
	if (layout & PKT_PI && len >= PACKET_PI_LEN) {
		uint16_t f;

		/* struct tun_pi: flags in host order, proto big endian */
		memcpy(&f, b, sizeof(f));
		out->pi_flags = f;
	}
	if (layout & PKT_VNET) {
		size_t off = layout & PKT_PI ? PACKET_PI_LEN : 0;

		if (len >= off)
			packet_vnet_parse(b + off, len - off, &out->vnet);
	}
	if (packet_l3(&b, &len, layout) != PACKET_L3_IP)
		return;
	/* the addresses even of a packet cut short */
	if (len >= PACKET_IP4_LEN && b[0] >> 4 == 4) {
		out->family = AF_INET;
		memcpy(out->src, b + 12, 4);
		memcpy(out->dst, b + 16, 4);
	} else if (len >= PACKET_IP6_LEN && b[0] >> 4 == 6) {
		out->family = AF_INET6;
		memcpy(out->src, b + 8, 16);
		memcpy(out->dst, b + 24, 16);
	} else {
		return;
	}
	out->frag = (int8_t)packet_frag(b, len, out->family);
	if (!packet_parse(b, len, 0, &v) || v.l4len < 1)
		return;
	v6 = v.family == AF_INET6;
	if (v.l4proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
		out->icmp_type = v.l4[0];
	/* a UDP flow's ports (expect flows), not of a later fragment */
	if (v.l4proto == IPPROTO_UDP && v.l4len >= 4 &&
	    out->frag <= FRAG_FIRST) {
		out->sport = packet_u16_get(v.l4);
		out->dport = packet_u16_get(v.l4 + 2);
	}
}

const char *packet_describe(const struct packet_info *p, char *buf, size_t size)
{
	static const char *const frags[] = { "", ", first fragment",
					     ", middle fragment",
					     ", last fragment" };
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], t[16] = "", f[96] = "";
	size_t l;

	if (p->icmp_type >= 0)
		snprintf(t, sizeof(t), ", type %d", p->icmp_type);
	if (p->pi_flags >= 0)
		snprintf(f, sizeof(f), ", pi 0x%x", (unsigned)p->pi_flags);
	l = strlen(f);
	if (p->vnet.has)
		snprintf(f + l, sizeof(f) - l,
			 ", vnet gso %u size %u hdr-len %u csum %u %u+%u",
			 p->vnet.gso_type, p->vnet.gso_size, p->vnet.hdr_len,
			 p->vnet.flags & 3, p->vnet.csum_start,
			 p->vnet.csum_offset);
	if (!p->family) {
		snprintf(buf, size, "%s, not IP%s", proto_name(p->proto), f);
		return buf;
	}
	inet_ntop(p->family, p->src, a, sizeof(a));
	inet_ntop(p->family, p->dst, b, sizeof(b));
	snprintf(buf, size, "%s %s -> %s%s%s%s", proto_name(p->proto), a, b, t,
		 f, p->frag > 0 ? frags[p->frag] : "");
	return buf;
}

/* An address filter: family 0 matches anything. */
static bool packet_addr_is(const struct case_addr *a, int family,
			   const uint8_t *have)
{
	if (!a->family)
		return true;
	if (a->family != family)
		return false;
	return !memcmp(have, &a->a, a->family == AF_INET ? 4 : 16);
}

/* gso=, csum=, gso-size=, hdr-len=, csum-start=, csum-offset= */
static bool packet_vnet_matches(const struct expect *e,
				const struct packet_vnet *v)
{
	static const uint8_t gso_value[] = { 0, 1, 3, 4, 5 };
	const unsigned f = e->vnet_set;

	if (!f)
		return true;
	return v->has &&
	       (!(f & 1u << VF_GSO) ||
		(e->gso >= 0 && e->gso < (int)sizeof(gso_value) &&
		 gso_value[e->gso] == (v->gso_type & 0x7f))) &&
	       (!(f & 1u << VF_CSUM) || e->csum == (v->flags & 3)) &&
	       (!(f & 1u << VF_GSO_SIZE) || e->gso_size == v->gso_size) &&
	       (!(f & 1u << VF_HDR_LEN) || e->hdr_len == v->hdr_len) &&
	       (!(f & 1u << VF_CSUM_START) || e->csum_start == v->csum_start) &&
	       (!(f & 1u << VF_CSUM_OFFSET) ||
		e->csum_offset == v->csum_offset);
}

bool packet_matches(const struct expect *e, const struct packet_info *p)
{
	return packet_vnet_matches(e, &p->vnet) &&
	       packet_addr_is(&e->src, p->family, p->src) &&
	       packet_addr_is(&e->dst, p->family, p->dst) &&
	       (e->icmp_type < 0 || e->icmp_type == p->icmp_type) &&
	       (e->pi_flags < 0 || e->pi_flags == p->pi_flags) &&
	       (e->frag < 0 || e->frag == p->frag);
}

/* Echo request/reply, UDP or other, from the first headers only. */
enum proto packet_classify(const void *buf, size_t len, unsigned layout)
{
	const uint8_t *b = buf;
	size_t l = len;
	struct packet_view v;
	bool v6;

	if (packet_l3(&b, &l, layout) == PACKET_L3_ARP)
		return PROTO_ARP;
	if (!packet_parse(buf, len, layout, &v) || v.l4len < PACKET_L4_LEN)
		return PROTO_OTHER;
	v6 = v.family == AF_INET6;
	if (v.l4proto == IPPROTO_UDP)
		return PROTO_UDP;
	if (v.l4proto != packet_icmp_proto(v.family))
		return PROTO_OTHER;
	if (v.l4[0] == (v6 ? 128 : 8))
		return PROTO_ICMP_ECHO;
	if (v.l4[0] == (v6 ? 129 : 0))
		return PROTO_ICMP_REPLY;
	/* neighbour discovery: RS, RA, NS, NA, redirect (RFC 4861) */
	if (v6 && v.l4[0] >= 133 && v.l4[0] <= 137)
		return PROTO_ND;
	return PROTO_OTHER;
}

/*
 * Verify the IPv4 header checksum and the ICMP, ICMPv6 or UDP checksum.
 * Other upper layers are not checked; neither is the L4 checksum of an
 * IPv4 fragment, which covers bytes this packet does not hold.
 */
bool packet_csum_ok(const void *buf, size_t len, unsigned layout)
{
	struct packet_view v;
	size_t l4len;
	uint32_t sum;

	if (!packet_parse(buf, len, layout, &v))
		return false;
	if (v.family == AF_INET &&
	    packet_csum_fold(packet_csum_add(0, v.ip, v.iphl)) != 0)
		return false;
	if (v.fragment || (v.l4proto != IPPROTO_UDP &&
			   v.l4proto != packet_icmp_proto(v.family)))
		return true;
	if (v.l4len < PACKET_L4_LEN)
		return false;
	l4len = v.l4len;
	if (v.l4proto == IPPROTO_UDP) {
		l4len = packet_u16_get(v.l4 + 4);
		if (l4len < PACKET_L4_LEN || l4len > v.l4len)
			return false;
		if (packet_u16_get(v.l4 + 6) == 0)
			return v.family == AF_INET; /* IPv4: no checksum */
	}
	sum = 0;
	if (v.l4proto != IPPROTO_ICMP)
		sum = packet_pseudo_sum(v.family, v.ip, v.l4proto, l4len);
	return packet_csum_fold(packet_csum_add(sum, v.l4, l4len)) == 0;
}
