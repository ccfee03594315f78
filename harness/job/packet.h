/* SPDX-License-Identifier: MIT */
/* Building and classifying IPv4/IPv6 packets: ICMP echo, UDP, checksums. */
#ifndef TUNCHECK_PACKET_H
#define TUNCHECK_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"

#define PACKET_PI_LEN 4 /* struct tun_pi: flags, proto (big endian) */

/* What comes before the IP header in a read or write: a `layout`. */
#define PKT_PI	 1 /* a struct tun_pi (the device has `pi`) */
#define PKT_ETH	 2 /* an Ethernet header (a tap) */
#define PKT_VNET 4 /* a struct virtio_net_hdr, after tun_pi (`vnet-hdr`) */

#define PACKET_VNET_LEN 10 /* sizeof(struct virtio_net_hdr), little endian */

/* A struct virtio_net_hdr, as tun_put_user() writes it. */
struct packet_vnet {
	bool has;	  /* the read carried one (a vnet-hdr device) */
	uint8_t flags;	  /* VIRTIO_NET_HDR_F_NEEDS_CSUM 1, _DATA_VALID 2 */
	uint8_t gso_type; /* VIRTIO_NET_HDR_GSO_*: 0 none, 1 tcpv4, 3 udp,
			   * 4 tcpv6, 5 udp-l4; 0x80 ECN */
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
};

/* Parse the 10 bytes at b (len available): false if they do not fit. */
bool packet_vnet_parse(const uint8_t *b, size_t len, struct packet_vnet *out);

/* Bytes of the headers a layout puts before the IP header. */
size_t packet_hdr_len(unsigned layout);

enum { PACKET_L3_IP, PACKET_L3_ARP, PACKET_L3_OTHER, PACKET_L3_SHORT };
int packet_l3(const uint8_t **b, size_t *len, unsigned layout);

/*
 * Fill in the headers layout asks for in front of the iplen-byte IP packet
 * at buf + packet_hdr_len(layout): tun_pi (flags 0, the ethertype), the
 * Ethernet header dst, src, type.  Returns the whole length.
 */
size_t packet_wrap(uint8_t *buf, size_t iplen, unsigned layout,
		   const uint8_t dst[6], const uint8_t src[6]);

/* 16-bit values in network order. */
void packet_u16_put(uint8_t *p, uint16_t v);
uint16_t packet_u16_get(const uint8_t *p);

/* RFC 1071 ones' complement sum over buf, folded, starting from `sum`. */
uint32_t packet_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t packet_csum_fold(uint32_t sum);

/*
 * Build an ICMP (or ICMPv6, by src->family) echo request from src to dst
 * with `payload` bytes of pattern, into buf.  With pi, prefix a tun_pi
 * header.  Returns the total length, or 0 if it does not fit in size or
 * the families differ.
 */
size_t packet_build_echo(void *buf, size_t size, const struct case_addr *src,
			 const struct case_addr *dst, uint16_t id, uint16_t seq,
			 size_t payload, bool pi);
/* The same for a UDP datagram with checksum. */
size_t packet_build_udp(void *buf, size_t size, const struct case_addr *src,
			const struct case_addr *dst, uint16_t sport,
			uint16_t dport, size_t payload, bool pi);

/* What one packet read from a tun fd says, for expectations that look
 * past its class (src=, dst=, icmp-type=, pi-flags=, frag=). */
struct packet_info {
	enum proto proto;
	uint8_t family;	   /* AF_INET, AF_INET6, 0: not IP (or cut short) */
	int16_t icmp_type; /* ICMP/ICMPv6 type, -1: none */
	int32_t pi_flags;  /* tun_pi flags (TUN_PKT_STRIP), -1: no tun_pi */
	int8_t frag;	   /* enum case_frag, -1: not IP */
	uint8_t src[16], dst[16]; /* 4 bytes for IPv4 */
	uint16_t sport, dport;	  /* UDP: the ports, else 0 */
	struct packet_vnet vnet;  /* PKT_VNET: its virtio_net_hdr */
};

/* Fill *out from buf; the IP header is read even when the packet was cut
 * short (a truncated read), the rest only if complete. */
void packet_info(const void *buf, size_t len, unsigned layout,
		 struct packet_info *out);

/* "icmp-reply 198.18.0.1 -> 198.18.0.2, type 0, pi 0x1": for messages. */
const char *packet_describe(const struct packet_info *p, char *buf,
			    size_t size);

/* Does a packet match an expectation's packet filters (proto, len aside)? */
bool packet_matches(const struct expect *e, const struct packet_info *p);

/* What a packet read from a tun fd is, past the headers of layout (a
 * bool pi is the layout PKT_PI). */
enum proto packet_classify(const void *buf, size_t len, unsigned layout);

/* Verify IPv4 header and L4 checksums: true when all are correct. */
bool packet_csum_ok(const void *buf, size_t len, unsigned layout);

#endif
