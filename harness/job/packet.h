/* SPDX-License-Identifier: MIT */
/* Building and classifying IPv4/IPv6 packets: ICMP echo, UDP, checksums. */
#ifndef TUNCHECK_PACKET_H
#define TUNCHECK_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"

#define PACKET_PI_LEN 4 /* struct tun_pi: flags, proto (big endian) */

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

/* What a packet read from a tun fd is (pi: skip a tun_pi header first). */
enum proto packet_classify(const void *buf, size_t len, bool pi);

/* Verify IPv4 header and L4 checksums: true when all are correct. */
bool packet_csum_ok(const void *buf, size_t len, bool pi);

#endif
