// SPDX-License-Identifier: MIT
/* The ARP and neighbour-discovery answers of a tap's peer (neigh.c). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "controller.h"
#include "packet.h"

static const uint8_t dev_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0x74, 0x63, 0, 0, 0x09 };

/* A reader on a tap whose peer is 198.18.0.2 / 2001:db8::2; answers go
 * into a pipe. */
static void fixture(struct step *t, struct dev *d, struct reader_rt *rt,
		    int fds[2], int neigh, unsigned layout)
{
	memset(t, 0, sizeof(*t));
	t->u.tun.tap = true;
	t->u.tun.neigh = neigh;
	memcpy(t->u.tun.peer_mac, peer_mac, 6);
	t->u.tun.peer4.family = AF_INET;
	inet_pton(AF_INET, "198.18.0.2", &t->u.tun.peer4.a.v4);
	t->u.tun.peer6.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::2", &t->u.tun.peer6.a.v6);
	memset(d, 0, sizeof(*d));
	d->decl = t;
	memset(rt, 0, sizeof(*rt));
	rt->dev = d;
	rt->layout = layout;
	assert_int_equal(pipe(fds), 0);
	rt->r.fd = fds[1];
}

/* An ARP who-has from the device for `target`. */
static size_t arp_request(uint8_t *f, const char *target)
{
	static const uint8_t head[] = { 0, 1, 8, 0, 6, 4, 0, 1 };

	memset(f, 0xff, 6);
	memcpy(f + 6, dev_mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, head, 8);
	memcpy(f + 22, dev_mac, 6);
	inet_pton(AF_INET, "198.18.0.1", f + 28);
	memset(f + 32, 0, 6);
	inet_pton(AF_INET, target, f + 38);
	return 42;
}

static void test_arp_reply(void **state)
{
	struct step t;
	struct dev d;
	struct reader_rt rt;
	uint8_t f[64], r[128];
	int fds[2];
	ssize_t n;

	(void)state;
	fixture(&t, &d, &rt, fds, NEIGH_ANSWER, PKT_ETH);
	neigh_answer(&rt, f, arp_request(f, "198.18.0.2"));
	n = read(fds[0], r, sizeof(r));
	assert_int_equal(n, 42);
	assert_memory_equal(r, dev_mac, 6);	 /* to the asker */
	assert_memory_equal(r + 6, peer_mac, 6); /* from the peer */
	assert_int_equal(r[13], 0x06);
	assert_int_equal(r[21], 2); /* reply */
	assert_memory_equal(r + 22, peer_mac, 6);
	assert_memory_equal(r + 28, f + 38, 4); /* peer's address */
	assert_memory_equal(r + 32, dev_mac, 6);
	assert_memory_equal(r + 38, f + 28, 4);
	assert_int_equal(packet_classify(r, (size_t)n, PKT_ETH), PROTO_ARP);
	/* another address, or neigh=static: no answer */
	neigh_answer(&rt, f, arp_request(f, "198.18.0.3"));
	t.u.tun.neigh = NEIGH_STATIC;
	neigh_answer(&rt, f, arp_request(f, "198.18.0.2"));
	close(fds[1]);
	assert_int_equal(read(fds[0], r, sizeof(r)), 0);
	close(fds[0]);
}

static void test_na_reply(void **state)
{
	struct step t;
	struct dev d;
	struct reader_rt rt;
	uint8_t f[128] = { 0 }, r[128], *ip = f + 4 + 14, *ns = ip + 40;
	struct packet_info pk;
	int fds[2];
	ssize_t n;

	(void)state;
	fixture(&t, &d, &rt, fds, NEIGH_ANSWER, PKT_ETH | PKT_PI);
	/* pi, Ethernet, IPv6 2001:db8::1 -> ff02::1:ff00:2, NS for ::2 */
	memcpy(f + 4 + 6, dev_mac, 6);
	f[4 + 12] = 0x86;
	f[4 + 13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = 32;
	ip[6] = 58;
	ip[7] = 255;
	inet_pton(AF_INET6, "2001:db8::1", ip + 8);
	inet_pton(AF_INET6, "ff02::1:ff00:2", ip + 24);
	ns[0] = 135;
	inet_pton(AF_INET6, "2001:db8::2", ns + 8);
	neigh_answer(&rt, f, 4 + 14 + 40 + 32);
	n = read(fds[0], r, sizeof(r));
	assert_int_equal(n, 4 + 14 + 40 + 32);
	assert_memory_equal(r + 4, dev_mac, 6);
	assert_memory_equal(r + 10, peer_mac, 6);
	/* a well-formed advertisement: checksums verify, type 136, to ::1 */
	assert_true(packet_csum_ok(r, (size_t)n, PKT_ETH | PKT_PI));
	packet_info(r, (size_t)n, PKT_ETH | PKT_PI, &pk);
	assert_int_equal(pk.proto, PROTO_ND);
	assert_int_equal(pk.icmp_type, 136);
	assert_memory_equal(pk.dst, ip + 8, 16);
	assert_memory_equal(r + 4 + 14 + 40 + 26, peer_mac, 6);
	/* DAD (unspecified source): nobody to answer */
	memset(ip + 8, 0, 16);
	neigh_answer(&rt, f, 4 + 14 + 40 + 32);
	close(fds[1]);
	assert_int_equal(read(fds[0], r, sizeof(r)), 0);
	close(fds[0]);
}

/* Frames built for a tap: Ethernet, then IP; classified through it. */
static void test_wrap_classify(void **state)
{
	struct case_addr s = { .family = AF_INET }, d = { .family = AF_INET };
	uint8_t b[256];
	size_t hl = packet_hdr_len(PKT_ETH), n;

	(void)state;
	inet_pton(AF_INET, "198.18.0.2", &s.a.v4);
	inet_pton(AF_INET, "198.18.0.1", &d.a.v4);
	n = packet_build_echo(b + hl, sizeof(b) - hl, &s, &d, 1, 1, 8, false);
	n = packet_wrap(b, n, PKT_ETH, dev_mac, peer_mac);
	assert_int_equal(n, 14 + 36);
	assert_memory_equal(b, dev_mac, 6);
	assert_memory_equal(b + 6, peer_mac, 6);
	assert_int_equal(b[12] << 8 | b[13], 0x0800);
	assert_int_equal(packet_classify(b, n, PKT_ETH), PROTO_ICMP_ECHO);
	assert_true(packet_csum_ok(b, n, PKT_ETH));
	/* the same bytes as a tun packet are garbage */
	assert_int_equal(packet_classify(b, n, 0), PROTO_OTHER);
	assert_int_equal(packet_classify(b, 10, PKT_ETH), PROTO_OTHER);
	assert_int_equal(packet_hdr_len(PKT_ETH | PKT_PI), 18);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_reply),
		cmocka_unit_test(test_na_reply),
		cmocka_unit_test(test_wrap_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
