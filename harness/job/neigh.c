// SPDX-License-Identifier: MIT
/*
 * The peer of a tap, as far as address resolution goes: with neigh=answer,
 * an ARP request or a neighbour solicitation for the peer's address that a
 * reader reads gets its answer written back into the same queue (RFC 826,
 * RFC 4861 4.4), from the peer's MAC.  The kernel then sends the traffic
 * that was waiting on resolution.
 */
#include <string.h>
#include <unistd.h>

#include <linux/if_ether.h>

#include "capture.h"
#include "controller.h"
#include "packet.h"

#define ARP_LEN	 28 /* Ethernet/IPv4 ARP */
#define NA_LEN	 32 /* ICMPv6 NA with a target link-layer address option */
#define IP6_HLEN 40

/* tun_pi (if any) and the Ethernet header of an answer to frame `req`. */
static uint8_t *answer_head(uint8_t *out, unsigned layout, const uint8_t *req,
			    const uint8_t mac[6], uint16_t type)
{
	if (layout & PKT_PI) {
		memset(out, 0, PACKET_PI_LEN);
		packet_u16_put(out + 2, type);
		out += PACKET_PI_LEN;
	}
	memcpy(out, req + 6, 6); /* to whoever asked */
	memcpy(out + 6, mac, 6);
	packet_u16_put(out + 12, type);
	return out + 14;
}

/* An ARP request for peer4: the reply's length in out, or 0. */
static size_t answer_arp(uint8_t *out, unsigned layout, const uint8_t *eth,
			 size_t len, const struct step *t)
{
	const uint8_t *a = eth + 14;
	uint8_t *r;

	if (len < 14 + ARP_LEN || packet_u16_get(a) != 1 ||
	    packet_u16_get(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4 ||
	    packet_u16_get(a + 6) != 1 || t->u.tun.peer4.family != AF_INET ||
	    memcmp(a + 24, &t->u.tun.peer4.a.v4, 4))
		return 0;
	r = answer_head(out, layout, eth, t->u.tun.peer_mac, ETH_P_ARP);
	memcpy(r, a, 6);	  /* htype, ptype, hlen, plen */
	packet_u16_put(r + 6, 2); /* reply */
	memcpy(r + 8, t->u.tun.peer_mac, 6);
	memcpy(r + 14, &t->u.tun.peer4.a.v4, 4);
	memcpy(r + 18, a + 8, 10); /* the asker's MAC and address */
	return (size_t)(r + ARP_LEN - out);
}

/* A neighbour solicitation for peer6: the advertisement's length, or 0. */
static size_t answer_ns(uint8_t *out, unsigned layout, const uint8_t *eth,
			size_t len, const struct step *t)
{
	static const uint8_t unspecified[16];
	const uint8_t *ip = eth + 14, *ns = ip + IP6_HLEN;
	uint8_t *r, *na;
	uint32_t sum;

	if (len < 14 + IP6_HLEN + 24 || ip[0] >> 4 != 6 || ip[6] != 58 ||
	    ns[0] != 135 || t->u.tun.peer6.family != AF_INET6 ||
	    memcmp(ns + 8, &t->u.tun.peer6.a.v6, 16) ||
	    !memcmp(ip + 8, unspecified, 16)) /* DAD: nobody to answer */
		return 0;
	r = answer_head(out, layout, eth, t->u.tun.peer_mac, ETH_P_IPV6);
	memset(r, 0, IP6_HLEN + NA_LEN);
	r[0] = 0x60;
	packet_u16_put(r + 4, NA_LEN);
	r[6] = 58;  /* ICMPv6 */
	r[7] = 255; /* hop limit, as ND requires */
	memcpy(r + 8, &t->u.tun.peer6.a.v6, 16);
	memcpy(r + 24, ip + 8, 16); /* back to the solicitor */
	na = r + IP6_HLEN;
	na[0] = 136;
	na[4] = 0x60; /* solicited, override */
	memcpy(na + 8, &t->u.tun.peer6.a.v6, 16);
	na[24] = 2; /* target link-layer address */
	na[25] = 1;
	memcpy(na + 26, t->u.tun.peer_mac, 6);
	sum = packet_csum_add(0, r + 8, 32) + 58 + NA_LEN;
	packet_u16_put(na + 2,
		       packet_csum_fold(packet_csum_add(sum, na, NA_LEN)));
	return (size_t)(na + NA_LEN - out);
}

void neigh_answer(struct reader_rt *rt, const void *buf, size_t len)
{
	const struct step *t = rt->dev->decl;
	const uint8_t *eth = buf;
	uint8_t out[PACKET_PI_LEN + 14 + IP6_HLEN + NA_LEN];
	size_t n;

	/* a vnet-hdr tap's frames are not parsed here: no answers */
	if (!(rt->layout & PKT_ETH) || (rt->layout & PKT_VNET) ||
	    t->u.tun.neigh != NEIGH_ANSWER)
		return;
	if (rt->layout & PKT_PI) {
		if (len < PACKET_PI_LEN)
			return;
		eth += PACKET_PI_LEN;
		len -= PACKET_PI_LEN;
	}
	if (len < 14)
		return;
	n = packet_u16_get(eth + 12) == ETH_P_ARP
		    ? answer_arp(out, rt->layout, eth, len, t)
		    : answer_ns(out, rt->layout, eth, len, t);
	/* the reader's own queue; a refused write is the kernel's answer to
	 * the peer, nothing the reader should hear about */
	if (n && rt->job && rt->job->pcap)
		capture_packet(rt->job->pcap, out, n,
			       packet_hdr_len(rt->layout & (PKT_PI | PKT_VNET)),
			       CAPTURE_IN,
			       "the peer's neighbour answer, written by the "
			       "controller");
	if (n && write(rt->r.fd, out, n) < 0)
		return;
}
