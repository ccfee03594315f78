// SPDX-License-Identifier: MIT
/* Unit tests for harness/job/packet.c: checksums, builders, classifier. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "packet.h"

#define BIG 70000

static uint8_t big[BIG];

/* A case_addr from text, which must parse. */
static struct case_addr test_addr(int family, const char *s)
{
	struct case_addr a;

	memset(&a, 0, sizeof(a));
	a.family = family;
	assert_int_equal(inet_pton(family, s, &a.a), 1);
	return a;
}

/* Read a big-endian 16-bit field. */
static uint16_t test_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Write a big-endian 16-bit field. */
static void test_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * RFC 1624 incremental update of checksum field at csum for a 16-bit word
 * changing from old to new: HC' = ~(~HC + ~m + m').  Independent of the
 * code under test's own checksum loop.
 */
static void test_csum_update(uint8_t *csum, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~test_get16(csum);

	s += (uint16_t)~old;
	s += new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	test_put16(csum, (uint16_t)~s);
}

/* Flipping bit 0 of any byte in [from, to) must break some checksum. */
static void test_flip_each(uint8_t *buf, size_t len, bool pi, size_t from,
			   size_t to)
{
	size_t i;

	assert_true(packet_csum_ok(buf, len, pi));
	for (i = from; i < to; i++) {
		buf[i] ^= 0x01;
		if (packet_csum_ok(buf, len, pi))
			fail_msg("byte %zu flipped, checksums still ok", i);
		buf[i] ^= 0x01;
	}
	assert_true(packet_csum_ok(buf, len, pi));
}

/* RFC 1071 section 3 example, odd tail, chaining, and an IPv4 header. */
static void test_csum_vectors(void **state)
{
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03,
				       0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	/* Well-known header 192.168.0.1 -> 192.168.0.199, checksum b861. */
	static const uint8_t ip[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
				      0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
				      0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t ipc[sizeof(ip)];

	(void)state;
	/* 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf0 + 2 = ddf2. */
	assert_int_equal(packet_csum_add(0, rfc, sizeof(rfc)), 0xddf2);
	assert_int_equal(packet_csum_fold(0xddf2), 0x220d);
	assert_int_equal(packet_csum_fold(0x2ddf0), 0x220d);
	assert_int_equal(packet_csum_add(packet_csum_add(0, rfc, 4), rfc + 4,
					 4),
			 0xddf2);
	/* Odd tail is padded with a zero low byte: 0102 + 0300. */
	assert_int_equal(packet_csum_add(0, odd, sizeof(odd)), 0x0402);
	assert_int_equal(packet_csum_add(0, odd, 0), 0);
	assert_int_equal(packet_csum_fold(0), 0xffff);
	/* 1ffff folds to 10000, which needs a second fold to 0001. */
	assert_int_equal(packet_csum_fold(0x1ffff), 0xfffe);
	assert_int_equal(packet_csum_add(0xffffffff, rfc, 0), 0xffff);
	assert_int_equal(packet_csum_fold(packet_csum_add(0, ip, sizeof(ip))),
			 0xb861);
	memcpy(ipc, ip, sizeof(ip));
	test_put16(ipc + 10, 0xb861);
	assert_int_equal(packet_csum_fold(packet_csum_add(0, ipc, sizeof(ipc))),
			 0);
}

/* IPv4 echo: header bytes, hand-computed checksums, every byte covered. */
static void test_echo4(void **state)
{
	struct case_addr s = test_addr(AF_INET, "198.18.0.1");
	struct case_addr d = test_addr(AF_INET, "198.18.0.2");
	struct case_addr d2 = test_addr(AF_INET, "198.19.255.254");
	uint8_t b[128];
	size_t n, i;

	(void)state;
	/* Header sum 4500+001c+0001+4001+c612+0001+c612+0002 -> ~1147. */
	n = packet_build_echo(b, sizeof(b), &s, &d, 0, 1, 0, false);
	assert_int_equal(n, 28);
	assert_int_equal(test_get16(b + 10), 0xeeb8);
	/* ICMP 0800 + 0000 + 0001 -> ~0801. */
	assert_int_equal(test_get16(b + 22), 0xf7fe);

	n = packet_build_echo(b, sizeof(b), &s, &d2, 0x1234, 7, 56, false);
	assert_int_equal(n, 84);
	assert_int_equal(b[0], 0x45);
	assert_int_equal(test_get16(b + 2), 84);
	assert_int_equal(test_get16(b + 4), 7); /* IP id = seq */
	assert_int_equal(b[8], 64);
	assert_int_equal(b[9], 1);
	assert_memory_equal(b + 12, "\xc6\x12\x00\x01", 4);
	assert_memory_equal(b + 16, "\xc6\x13\xff\xfe", 4);
	assert_int_equal(b[20], 8);
	assert_int_equal(b[21], 0);
	assert_int_equal(test_get16(b + 24), 0x1234);
	assert_int_equal(test_get16(b + 26), 7);
	for (i = 0; i < 56; i++)
		assert_int_equal(b[28 + i], (uint8_t)i);
	assert_int_equal(packet_classify(b, n, false), PROTO_ICMP_ECHO);
	test_flip_each(b, n, false, 0, n);
}

/* IPv6 echo with PI: header bytes, pseudo-header checksum. */
static void test_echo6(void **state)
{
	struct case_addr s = test_addr(AF_INET6, "2001:db8::1");
	struct case_addr d = test_addr(AF_INET6, "2001:db8::2");
	uint8_t b[256];
	size_t n, i;

	(void)state;
	/*
	 * 2001+0db8+0001 + 2001+0db8+0002 + len 0008 + nh 003a
	 * + 8000 + 0000 + 0001 = dbb8 -> 2447.
	 */
	n = packet_build_echo(b, sizeof(b), &s, &d, 0, 1, 0, false);
	assert_int_equal(n, 48);
	assert_int_equal(test_get16(b + 42), 0x2447);

	n = packet_build_echo(b, sizeof(b), &s, &d, 0xbeef, 3, 64, true);
	assert_int_equal(n, 4 + 40 + 8 + 64);
	assert_memory_equal(b, "\x00\x00\x86\xdd", 4);
	assert_int_equal(b[4], 0x60);
	assert_int_equal(test_get16(b + 8), 72);
	assert_int_equal(b[10], 58);
	assert_int_equal(b[11], 64);
	assert_memory_equal(b + 12, &s.a.v6, 16);
	assert_memory_equal(b + 28, &d.a.v6, 16);
	assert_int_equal(b[44], 128);
	assert_int_equal(b[45], 0);
	assert_int_equal(test_get16(b + 48), 0xbeef);
	assert_int_equal(test_get16(b + 50), 3);
	for (i = 0; i < 64; i++)
		assert_int_equal(b[52 + i], (uint8_t)i);
	assert_int_equal(packet_classify(b, n, true), PROTO_ICMP_ECHO);
	/* IPv6 has no header checksum: flow label, next header and hop
	 * limit are not covered; payload length and addresses are. */
	test_flip_each(b, n, true, 4 + 4, 4 + 6);
	test_flip_each(b, n, true, 4 + 8, n);
}

/* UDP over IPv4: header, length, checksum 0 = none, 0 sent as ffff. */
static void test_udp4(void **state)
{
	struct case_addr s = test_addr(AF_INET, "198.18.0.1");
	struct case_addr d = test_addr(AF_INET, "198.19.0.9");
	uint8_t b[128];
	uint16_t c0;
	size_t n;

	(void)state;
	n = packet_build_udp(b, sizeof(b), &s, &d, 40000, 9, 32, false);
	assert_int_equal(n, 20 + 8 + 32);
	assert_int_equal(b[0], 0x45);
	assert_int_equal(test_get16(b + 2), n);
	assert_int_equal(b[9], 17);
	assert_memory_equal(b + 16, "\xc6\x13\x00\x09", 4);
	assert_int_equal(test_get16(b + 20), 40000);
	assert_int_equal(test_get16(b + 22), 9);
	assert_int_equal(test_get16(b + 24), 40);
	assert_int_not_equal(test_get16(b + 26), 0);
	assert_int_equal(packet_classify(b, n, false), PROTO_UDP);
	test_flip_each(b, n, false, 0, n);
	test_put16(b + 26, 0);
	assert_true(packet_csum_ok(b, n, false));

	/*
	 * The sum with sport 0 is S, checksum ~S; sport = ~S makes the sum
	 * ffff, i.e. a computed checksum of 0, which must go out as ffff.
	 */
	n = packet_build_udp(b, sizeof(b), &s, &d, 0, 9, 5, false);
	c0 = test_get16(b + 26);
	n = packet_build_udp(b, sizeof(b), &s, &d, c0, 9, 5, false);
	assert_int_equal(n, 33);
	assert_int_equal(test_get16(b + 26), 0xffff);
	assert_true(packet_csum_ok(b, n, false));
}

/* UDP over IPv6, odd payload: checksum mandatory, 0 is an error. */
static void test_udp6(void **state)
{
	struct case_addr s = test_addr(AF_INET6, "2001:db8::a");
	struct case_addr d = test_addr(AF_INET6, "2001:db8:1::b");
	uint8_t b[128];
	size_t n;

	(void)state;
	n = packet_build_udp(b, sizeof(b), &s, &d, 5353, 9, 13, false);
	assert_int_equal(n, 40 + 8 + 13);
	assert_int_equal(b[0], 0x60);
	assert_int_equal(test_get16(b + 4), 21);
	assert_int_equal(b[6], 17);
	assert_int_equal(b[7], 64);
	assert_int_equal(test_get16(b + 40), 5353);
	assert_int_equal(test_get16(b + 42), 9);
	assert_int_equal(test_get16(b + 44), 21);
	assert_int_equal(b[48 + 12], 12);
	assert_int_equal(packet_classify(b, n, false), PROTO_UDP);
	test_flip_each(b, n, false, 4, 6);
	test_flip_each(b, n, false, 8, n);
	test_put16(b + 46, 0);
	assert_false(packet_csum_ok(b, n, false));
}

/* The tun_pi prefix: flags 0, proto in network order, then the packet. */
static void test_pi(void **state)
{
	struct case_addr s = test_addr(AF_INET, "198.18.0.1");
	struct case_addr d = test_addr(AF_INET, "198.18.0.2");
	uint8_t a[128], b[128];
	size_t n;

	(void)state;
	memset(b, 0xaa, sizeof(b));
	n = packet_build_udp(b, sizeof(b), &s, &d, 1, 2, 10, true);
	assert_int_equal(n, PACKET_PI_LEN + 38);
	assert_memory_equal(b, "\x00\x00\x08\x00", 4);
	assert_int_equal(
		packet_build_udp(a, sizeof(a), &s, &d, 1, 2, 10, false), 38);
	assert_memory_equal(a, b + PACKET_PI_LEN, 38);
	assert_int_equal(packet_classify(b, n, true), PROTO_UDP);
	assert_true(packet_csum_ok(b, n, true));
	assert_int_equal(packet_classify(b, n, false), PROTO_OTHER);
	assert_false(packet_csum_ok(b, n, false));
	assert_int_equal(packet_classify(b, 3, true), PROTO_OTHER);
	assert_false(packet_csum_ok(b, 3, true));
}

/* Exact fit works; one byte less, or past the IP length limits, gives 0. */
static void test_too_small(void **state)
{
	struct case_addr s4 = test_addr(AF_INET, "198.18.0.1");
	struct case_addr d4 = test_addr(AF_INET, "198.18.0.2");
	struct case_addr s6 = test_addr(AF_INET6, "2001:db8::1");
	struct case_addr d6 = test_addr(AF_INET6, "2001:db8::2");

	(void)state;
	assert_int_equal(packet_build_echo(big, 83, &s4, &d4, 1, 1, 56, false),
			 0);
	assert_int_equal(packet_build_echo(big, 84, &s4, &d4, 1, 1, 56, false),
			 84);
	assert_int_equal(packet_build_echo(big, 87, &s4, &d4, 1, 1, 56, true),
			 0);
	assert_int_equal(packet_build_echo(big, 88, &s4, &d4, 1, 1, 56, true),
			 88);
	assert_int_equal(packet_build_udp(big, 0, &s6, &d6, 1, 2, 0, false), 0);
	assert_int_equal(packet_build_udp(big, 47, &s6, &d6, 1, 2, 0, false),
			 0);
	assert_int_equal(packet_build_udp(big, 48, &s6, &d6, 1, 2, 0, false),
			 48);
	/* IPv4 total length and IPv6 payload length are 16 bits. */
	assert_int_equal(packet_build_udp(big, BIG, &s4, &d4, 1, 2, 65507,
					  false),
			 65535);
	assert_true(packet_csum_ok(big, 65535, false));
	assert_int_equal(
		packet_build_udp(big, BIG, &s4, &d4, 1, 2, 65508, false), 0);
	assert_int_equal(packet_build_echo(big, BIG, &s6, &d6, 1, 2, 65527,
					   false),
			 65575);
	assert_true(packet_csum_ok(big, 65575, false));
	assert_int_equal(
		packet_build_echo(big, BIG, &s6, &d6, 1, 2, 65528, false), 0);
	assert_int_equal(packet_build_echo(big, BIG, &s6, &d6, 1, 2,
					   SIZE_MAX - 8, false),
			 0);
}

/* Mixed families and unknown families build nothing. */
static void test_families(void **state)
{
	struct case_addr s4 = test_addr(AF_INET, "198.18.0.1");
	struct case_addr s6 = test_addr(AF_INET6, "2001:db8::1");
	struct case_addr u = s4;
	uint8_t b[128];

	(void)state;
	u.family = AF_UNIX;
	assert_int_equal(
		packet_build_echo(b, sizeof(b), &s4, &s6, 1, 1, 8, false), 0);
	assert_int_equal(
		packet_build_udp(b, sizeof(b), &s6, &s4, 1, 1, 8, false), 0);
	assert_int_equal(
		packet_build_echo(b, sizeof(b), &u, &u, 1, 1, 8, false), 0);
	u.family = 0;
	assert_int_equal(packet_build_udp(b, sizeof(b), &u, &u, 1, 1, 8, true),
			 0);
	/* Sanity: the same call with matching families does build. */
	assert_int_equal(
		packet_build_echo(b, sizeof(b), &s6, &s6, 1, 1, 8, false), 56);
}

/* Echo replies (type 0 / 129), with the checksum fixed up incrementally. */
static void test_classify_reply(void **state)
{
	struct case_addr s4 = test_addr(AF_INET, "198.18.0.1");
	struct case_addr d4 = test_addr(AF_INET, "198.18.0.2");
	struct case_addr s6 = test_addr(AF_INET6, "2001:db8::1");
	struct case_addr d6 = test_addr(AF_INET6, "2001:db8::2");
	uint8_t b[128];
	size_t n;

	(void)state;
	n = packet_build_echo(b, sizeof(b), &s4, &d4, 9, 9, 20, false);
	b[20] = 0;
	assert_false(packet_csum_ok(b, n, false));
	test_csum_update(b + 22, 0x0800, 0x0000);
	assert_true(packet_csum_ok(b, n, false));
	assert_int_equal(packet_classify(b, n, false), PROTO_ICMP_REPLY);

	n = packet_build_echo(b, sizeof(b), &s6, &d6, 9, 9, 20, true);
	b[44] = 129;
	assert_false(packet_csum_ok(b, n, true));
	test_csum_update(b + 46, 0x8000, 0x8100);
	assert_true(packet_csum_ok(b, n, true));
	assert_int_equal(packet_classify(b, n, true), PROTO_ICMP_REPLY);

	b[44] = 1; /* destination unreachable */
	assert_int_equal(packet_classify(b, n, true), PROTO_OTHER);
}

/* Truncations and bad header fields are OTHER and never checksum-ok. */
static void test_classify_truncated(void **state)
{
	struct case_addr s4 = test_addr(AF_INET, "198.18.0.1");
	struct case_addr d4 = test_addr(AF_INET, "198.18.0.2");
	struct case_addr s6 = test_addr(AF_INET6, "2001:db8::1");
	struct case_addr d6 = test_addr(AF_INET6, "2001:db8::2");
	uint8_t b[128];
	size_t n, len;

	(void)state;
	n = packet_build_echo(b, sizeof(b), &s4, &d4, 1, 1, 16, false);
	for (len = 0; len < n; len++) {
		assert_int_equal(packet_classify(b, len, false), PROTO_OTHER);
		assert_false(packet_csum_ok(b, len, false));
	}
	/* Trailing bytes past the IP total length are ignored. */
	assert_int_equal(packet_classify(b, n + 10, false), PROTO_ICMP_ECHO);
	assert_true(packet_csum_ok(b, n + 10, false));

	/* Total length 24 (header fixed up): only 4 bytes of ICMP. */
	test_csum_update(b + 10, test_get16(b + 2), 24);
	test_put16(b + 2, 24);
	assert_int_equal(packet_classify(b, n, false), PROTO_OTHER);

	n = packet_build_echo(b, sizeof(b), &s4, &d4, 1, 1, 16, false);
	b[0] = 0x44; /* IHL 4 */
	assert_int_equal(packet_classify(b, n, false), PROTO_OTHER);
	b[0] = 0x42; /* IHL 2 would put "ICMP" at the TTL byte: set it to 8 */
	b[8] = 8;
	assert_int_equal(packet_classify(b, n, false), PROTO_OTHER);
	b[8] = 64;
	b[0] = 0x4f; /* IHL 15: 60 > total length 44 */
	assert_int_equal(packet_classify(b, n, false), PROTO_OTHER);
	b[0] = 0x55; /* version 5 */
	assert_int_equal(packet_classify(b, n, false), PROTO_OTHER);

	/*
	 * A first fragment (MF) is classified by its ICMP header, but its
	 * ICMP checksum covers bytes it does not hold, so is not checked.
	 */
	b[0] = 0x45;
	test_csum_update(b + 10, 0x0000, 0x2000);
	test_put16(b + 6, 0x2000);
	b[n - 1] ^= 0xff;
	assert_true(packet_csum_ok(b, n, false));
	assert_int_equal(packet_classify(b, n, false), PROTO_ICMP_ECHO);
	test_csum_update(b + 10, 0x2000, 0x0000);
	test_put16(b + 6, 0x0000);
	assert_false(packet_csum_ok(b, n, false));
	b[n - 1] ^= 0xff;

	/* A non-first fragment has no ICMP header to classify. */
	test_csum_update(b + 10, 0x0000, 0x0001);
	test_put16(b + 6, 0x0001);
	assert_true(packet_csum_ok(b, n, false));
	assert_int_equal(packet_classify(b, n, false), PROTO_OTHER);

	n = packet_build_udp(b, sizeof(b), &s6, &d6, 1, 2, 16, true);
	for (len = 0; len < n; len++) {
		assert_int_equal(packet_classify(b, len, true), PROTO_OTHER);
		assert_false(packet_csum_ok(b, len, true));
	}
	assert_int_equal(packet_classify(b, n, true), PROTO_UDP);
}

/* Hop-by-Hop + ICMPv6 (MLD) and bare ND are OTHER; HBH is not walked. */
static void test_classify_mld(void **state)
{
	struct case_addr s = test_addr(AF_INET6, "2001:db8::1");
	struct case_addr d = test_addr(AF_INET6, "2001:db8::2");
	uint8_t b[40 + 8 + 24];

	(void)state;
	memset(b, 0, sizeof(b));
	b[0] = 0x60;
	test_put16(b + 4, 8 + 24);
	b[6] = 0; /* Hop-by-Hop */
	b[7] = 1;
	memcpy(b + 8, &s.a.v6, 16);
	memcpy(b + 24, &d.a.v6, 16);
	b[40] = 58;				       /* next: ICMPv6 */
	memcpy(b + 42, "\x05\x02\x00\x00\x01\x00", 6); /* router alert, PadN */
	b[48] = 143;				       /* MLDv2 report */
	assert_int_equal(packet_classify(b, sizeof(b), false), PROTO_OTHER);
	b[48] = 128; /* an echo request behind HBH is still not walked to */
	assert_int_equal(packet_classify(b, sizeof(b), false), PROTO_OTHER);

	/* Neighbor solicitation directly after the fixed header: class nd,
	 * as are RS, RA, NA and redirect (133..137); 132 (MLD done) not */
	b[6] = 58;
	b[7] = 255;
	b[40] = 135;
	assert_int_equal(packet_classify(b, sizeof(b), false), PROTO_ND);
	b[40] = 133;
	assert_int_equal(packet_classify(b, sizeof(b), false), PROTO_ND);
	b[40] = 137;
	assert_int_equal(packet_classify(b, sizeof(b), false), PROTO_ND);
	b[40] = 132;
	assert_int_equal(packet_classify(b, sizeof(b), false), PROTO_OTHER);
	b[40] = 128;
	assert_int_equal(packet_classify(b, sizeof(b), false), PROTO_ICMP_ECHO);
}

/* xorshift32: a fixed, portable pseudo-random sequence. */
static uint32_t test_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Random buffers of 0..100 bytes, each in its own exact-size allocation
 * (so SANITIZE=address catches any over-read), half starting like IPv4
 * or IPv6: never crash, always a valid enum.
 */
static void test_classify_garbage(void **state)
{
	uint32_t seed = 0x7c3d1e55;
	size_t counts[PROTO_OTHER + 1] = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		size_t len = test_rand(&seed) % 101, j;
		uint8_t *b = malloc(len ? len : 1);
		bool pi = i & 1;
		enum proto p;

		assert_non_null(b);
		for (j = 0; j < len; j++)
			b[j] = (uint8_t)test_rand(&seed);
		if (len > (pi ? 4u : 0u) && (i & 2))
			b[pi ? 4 : 0] = (i & 4) ? 0x45 : 0x60;
		p = packet_classify(b, len, pi);
		assert_true(p == PROTO_ICMP_ECHO || p == PROTO_ICMP_REPLY ||
			    p == PROTO_UDP || p == PROTO_OTHER);
		counts[p]++;
		if (len > (pi ? 4u : 0u) && b[pi ? 4 : 0] >> 4 != 4 &&
		    b[pi ? 4 : 0] >> 4 != 6) {
			assert_int_equal(p, PROTO_OTHER);
			assert_false(packet_csum_ok(b, len, pi));
		} else {
			(void)packet_csum_ok(b, len, pi);
		}
		free(b);
	}
	assert_true(counts[PROTO_OTHER] > 0);
}

/* packet_info(): addresses, ICMP type, tun_pi flags, fragments; and the
 * filters of an expectation against it. */
static void test_info_and_filters(void **state)
{
	struct case_addr s4 = test_addr(AF_INET, "198.18.0.1");
	struct case_addr d4 = test_addr(AF_INET, "198.18.0.2");
	struct case_addr s6 = test_addr(AF_INET6, "2001:db8::1");
	struct case_addr d6 = test_addr(AF_INET6, "2001:db8::2");
	struct expect e = { 0 };
	struct packet_info pk;
	uint8_t b[256];
	uint16_t f = 1; /* TUN_PKT_STRIP, host order */
	size_t n;

	(void)state;
	case_expect_any(&e);
	n = packet_build_echo(b, sizeof(b), &s4, &d4, 1, 1, 8, true);
	packet_info(b, n, true, &pk);
	assert_int_equal(pk.proto, PROTO_ICMP_ECHO);
	assert_int_equal(pk.family, AF_INET);
	assert_int_equal(pk.icmp_type, 8);
	assert_int_equal(pk.pi_flags, 0);
	assert_int_equal(pk.frag, FRAG_NONE);
	assert_memory_equal(pk.dst, &d4.a.v4, 4);
	assert_true(packet_matches(&e, &pk));
	e.dst = d4;
	e.icmp_type = 8;
	e.pi_flags = 0;
	e.frag = FRAG_NONE;
	assert_true(packet_matches(&e, &pk));
	e.src = d4; /* the wrong way round */
	assert_false(packet_matches(&e, &pk));
	e.src = s4;
	e.icmp_type = 0;
	assert_false(packet_matches(&e, &pk));
	e.icmp_type = 8;
	/* cut short after pi + IPv4 header: addresses, TUN_PKT_STRIP */
	memcpy(b, &f, 2);
	packet_info(b, 24, true, &pk);
	assert_int_equal(pk.proto, PROTO_OTHER);
	assert_int_equal(pk.pi_flags, 1);
	assert_int_equal(pk.icmp_type, -1);
	assert_memory_equal(pk.src, &s4.a.v4, 4);
	e.icmp_type = -1;
	e.pi_flags = 1;
	assert_true(packet_matches(&e, &pk));
	/* an IPv4 first fragment (MF, offset 0), then a last (offset 185) */
	n = packet_build_echo(b, sizeof(b), &s4, &d4, 1, 1, 8, false);
	b[6] = 0x20;
	b[7] = 0;
	packet_info(b, n, false, &pk);
	assert_int_equal(pk.frag, FRAG_FIRST);
	assert_int_equal(pk.pi_flags, -1);
	b[6] = 0x00;
	b[7] = 185;
	packet_info(b, n, false, &pk);
	assert_int_equal(pk.frag, FRAG_LAST);
	assert_int_equal(pk.icmp_type, -1); /* no L4 header in a later one */
	/* IPv6: family, addresses, ICMPv6 type; an IPv4 filter never matches */
	n = packet_build_echo(b, sizeof(b), &s6, &d6, 1, 1, 8, false);
	packet_info(b, n, false, &pk);
	assert_int_equal(pk.family, AF_INET6);
	assert_int_equal(pk.icmp_type, 128);
	assert_memory_equal(pk.dst, &d6.a.v6, 16);
	memset(&e, 0, sizeof(e));
	e.icmp_type = e.pi_flags = e.frag = -1;
	e.gso = e.csum = e.gso_size = e.hdr_len = e.csum_start = e.csum_offset =
		-1;
	e.dst = d6;
	assert_true(packet_matches(&e, &pk));
	e.dst = d4;
	assert_false(packet_matches(&e, &pk));
	/* not IP at all */
	memset(b, 0, 40);
	packet_info(b, 40, false, &pk);
	assert_int_equal(pk.family, 0);
	assert_int_equal(pk.frag, -1);
	assert_false(packet_matches(&e, &pk));
}

/* A vnet-hdr read: the virtio_net_hdr (after a tun_pi, if any), parsed
 * little endian, skipped for the rest, matched by gso= csum= ... */
static void test_vnet(void **state)
{
	static const uint8_t hdr[PACKET_VNET_LEN] = {
		1, 5, 28, 0, 0xe8, 0x03, 20, 0, 6, 0 /* NEEDS_CSUM UDP_L4 */
	};
	struct case_addr s4 = test_addr(AF_INET, "198.18.0.2");
	struct case_addr d4 = test_addr(AF_INET, "198.18.0.1");
	struct expect e = { 0 };
	struct packet_info pk;
	struct packet_vnet v;
	uint8_t b[256];
	size_t n, off = PACKET_PI_LEN + PACKET_VNET_LEN;

	(void)state;
	case_expect_any(&e);
	assert_int_equal(packet_hdr_len(PKT_VNET), 10);
	assert_int_equal(packet_hdr_len(PKT_PI | PKT_VNET | PKT_ETH), 28);
	assert_false(packet_vnet_parse(hdr, 9, &v));
	assert_false(v.has);
	assert_true(packet_vnet_parse(hdr, sizeof(hdr), &v));
	assert_int_equal(v.gso_size, 1000);
	/* pi, vnet, IPv4 UDP */
	n = packet_build_udp(b + off, sizeof(b) - off, &s4, &d4, 40000, 9, 20,
			     false);
	n = packet_wrap(b, n, PKT_PI | PKT_VNET, NULL, NULL);
	assert_int_equal(n, off + 20 + 8 + 20);
	/* packet_wrap writes a zero header: no checksum, no GSO */
	packet_info(b, n, PKT_PI | PKT_VNET, &pk);
	assert_int_equal(pk.proto, PROTO_UDP);
	assert_true(pk.vnet.has);
	assert_int_equal(pk.vnet.gso_type, 0);
	assert_int_equal(pk.vnet.flags, 0);
	assert_true(packet_csum_ok(b, n, PKT_PI | PKT_VNET));
	assert_true(packet_matches(&e, &pk)); /* no vnet filter: any */
	e.gso = 0;			      /* none */
	e.csum = 0;
	e.vnet_set = 1u << VF_GSO | 1u << VF_CSUM;
	assert_true(packet_matches(&e, &pk));
	memcpy(b + PACKET_PI_LEN, hdr, sizeof(hdr));
	packet_info(b, n, PKT_PI | PKT_VNET, &pk);
	assert_int_equal(pk.proto, PROTO_UDP);
	assert_memory_equal(pk.src, &s4.a.v4, 4);
	assert_int_equal(pk.vnet.flags, 1);
	assert_int_equal(pk.vnet.gso_type, 5);
	assert_int_equal(pk.vnet.hdr_len, 28);
	assert_int_equal(pk.vnet.csum_start, 20);
	assert_int_equal(pk.vnet.csum_offset, 6);
	assert_false(packet_matches(&e, &pk));
	e.gso = 4;  /* index of udp-l4 in CASE_GSO_TYPES: value 5 */
	e.csum = 1; /* partial */
	e.gso_size = 1000;
	e.hdr_len = 28;
	e.csum_start = 20;
	e.csum_offset = 6;
	e.vnet_set = 0x3f;
	assert_true(packet_matches(&e, &pk));
	e.gso_size = 999;
	assert_false(packet_matches(&e, &pk));
	e.gso_size = 1000;
	e.gso = 1; /* tcpv4 */
	assert_false(packet_matches(&e, &pk));
	/* the ECN bit does not change the type */
	b[PACKET_PI_LEN + 1] = 0x81;
	packet_info(b, n, PKT_PI | PKT_VNET, &pk);
	assert_true(packet_matches(&e, &pk));
	/* a vnet filter never matches a read without the header */
	packet_info(b + off, n - off, 0, &pk);
	assert_false(pk.vnet.has);
	assert_false(packet_matches(&e, &pk));
	/* cut inside the header: no header, no IP */
	packet_info(b, PACKET_PI_LEN + 6, PKT_PI | PKT_VNET, &pk);
	assert_false(pk.vnet.has);
	assert_int_equal(pk.family, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_vectors),
		cmocka_unit_test(test_echo4),
		cmocka_unit_test(test_echo6),
		cmocka_unit_test(test_udp4),
		cmocka_unit_test(test_udp6),
		cmocka_unit_test(test_pi),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_classify_reply),
		cmocka_unit_test(test_classify_truncated),
		cmocka_unit_test(test_classify_mld),
		cmocka_unit_test(test_classify_garbage),
		cmocka_unit_test(test_info_and_filters),
		cmocka_unit_test(test_vnet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
