// SPDX-License-Identifier: MIT
/* Named bit sets: the spelled-out values against the kernel's headers,
 * parsing and printing. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>

#include "bits.h"

static uint32_t bit(const struct bit_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return t->v[i].bit;
	fail_msg("no bit '%s' in %s", name, t->what);
	return 0;
}

static void test_against_headers(void **state)
{
	(void)state;
	assert_int_equal(bit(&bits_wake, "in"), POLLIN);
	assert_int_equal(bit(&bits_wake, "pri"), POLLPRI);
	assert_int_equal(bit(&bits_wake, "out"), POLLOUT);
	assert_int_equal(bit(&bits_wake, "err"), POLLERR);
	assert_int_equal(bit(&bits_wake, "hup"), POLLHUP);
	assert_int_equal(bit(&bits_wake, "nval"), POLLNVAL);
	assert_int_equal(bit(&bits_wake, "rdhup"), POLLRDHUP);
	assert_int_equal(bit(&bits_tun, "tun"), IFF_TUN);
	assert_int_equal(bit(&bits_tun, "tap"), IFF_TAP);
	assert_int_equal(bit(&bits_tun, "napi"), IFF_NAPI);
	assert_int_equal(bit(&bits_tun, "napi-frags"), IFF_NAPI_FRAGS);
	assert_int_equal(bit(&bits_tun, "no-carrier"), IFF_NO_CARRIER);
	assert_int_equal(bit(&bits_tun, "multi-queue"), IFF_MULTI_QUEUE);
	assert_int_equal(bit(&bits_tun, "attach-queue"), IFF_ATTACH_QUEUE);
	assert_int_equal(bit(&bits_tun, "detach-queue"), IFF_DETACH_QUEUE);
	assert_int_equal(bit(&bits_tun, "persist"), IFF_PERSIST);
	assert_int_equal(bit(&bits_tun, "no-pi"), IFF_NO_PI);
	assert_int_equal(bit(&bits_tun, "one-queue"), IFF_ONE_QUEUE);
	assert_int_equal(bit(&bits_tun, "vnet-hdr"), IFF_VNET_HDR);
	assert_int_equal(bit(&bits_tun, "tun-excl"), IFF_TUN_EXCL);
	assert_int_equal(bit(&bits_offload, "csum"), TUN_F_CSUM);
	assert_int_equal(bit(&bits_offload, "tso4"), TUN_F_TSO4);
	assert_int_equal(bit(&bits_offload, "tso6"), TUN_F_TSO6);
	assert_int_equal(bit(&bits_offload, "tso-ecn"), TUN_F_TSO_ECN);
	assert_int_equal(bit(&bits_offload, "ufo"), TUN_F_UFO);
	assert_int_equal(bit(&bits_offload, "uso4"),
			 0x20); /* TUN_F_USO4, 6.2 */
	assert_int_equal(bit(&bits_offload, "uso6"), 0x40);
	assert_int_equal(bit(&bits_link, "up"), IFF_UP);
	assert_int_equal(bit(&bits_link, "pointopoint"), IFF_POINTOPOINT);
	assert_int_equal(bit(&bits_link, "running"), IFF_RUNNING);
	assert_int_equal(bit(&bits_link, "noarp"), IFF_NOARP);
	assert_int_equal(bit(&bits_link, "multicast"), IFF_MULTICAST);
	assert_int_equal(bit(&bits_link, "lower-up"), IFF_LOWER_UP);
	assert_int_equal(bit(&bits_link, "dormant"), IFF_DORMANT);
	assert_int_equal(bit(&bits_link, "echo"), IFF_ECHO);
}

/* stats64_names[i] is the i-th __u64 of struct rtnl_link_stats64. */
static void test_stats64_order(void **state)
{
#define AT(f, i)                                                               \
	assert_int_equal(offsetof(struct rtnl_link_stats64, f), (i)*8);        \
	assert_string_equal(stats64_names[i], #f)
	(void)state;
	AT(rx_packets, 0);
	AT(tx_packets, 1);
	AT(rx_bytes, 2);
	AT(tx_bytes, 3);
	AT(rx_errors, 4);
	AT(tx_errors, 5);
	AT(rx_dropped, 6);
	AT(tx_dropped, 7);
	AT(multicast, 8);
	AT(collisions, 9);
	AT(rx_length_errors, 10);
	AT(rx_over_errors, 11);
	AT(rx_crc_errors, 12);
	AT(rx_frame_errors, 13);
	AT(rx_fifo_errors, 14);
	AT(rx_missed_errors, 15);
	AT(tx_aborted_errors, 16);
	AT(tx_carrier_errors, 17);
	AT(tx_fifo_errors, 18);
	AT(tx_heartbeat_errors, 19);
	AT(tx_window_errors, 20);
	AT(rx_compressed, 21);
	AT(tx_compressed, 22);
	AT(rx_nohandler, 23);
#undef AT
}

static void test_parse_format(void **state)
{
	char buf[128];
	size_t bad, len;
	uint32_t v;

	(void)state;
	assert_int_equal(bits_parse(&bits_tun, "tun+no-pi", 0, &v, &bad, &len),
			 0);
	assert_int_equal(v, 0x1001);
	assert_string_equal(bits_format(&bits_tun, 0x1901, buf, sizeof(buf)),
			    "tun+multi-queue+persist+no-pi");
	assert_string_equal(bits_format(&bits_wake, 0x40008, buf, sizeof(buf)),
			    "err+0x40000");
	assert_string_equal(bits_format(&bits_link, 0, buf, sizeof(buf)), "0");
	assert_int_equal(bits_parse(&bits_wake, "0x28", 0, &v, &bad, &len), 0);
	assert_int_equal(v, 0x28);
	assert_int_equal(bits_parse(&bits_wake, "0", 0, &v, &bad, &len), -1);
	assert_int_equal(bits_parse(&bits_offload, "0", 1, &v, &bad, &len), 0);
	assert_int_equal(v, 0);
	assert_int_equal(
		bits_parse(&bits_wake, "in+bogus+out", 0, &v, &bad, &len), -1);
	assert_int_equal(bad, 3);
	assert_int_equal(len, 5);
	assert_int_equal(bits_parse(&bits_wake, "in++out", 0, &v, &bad, &len),
			 -1);
	assert_int_equal(bits_parse(&bits_wake, "", 0, &v, &bad, &len), -1);
	assert_int_equal(bits_parse(&bits_wake, "12x", 0, &v, &bad, &len), -1);
	bits_list(&bits_offload, buf, sizeof(buf));
	assert_string_equal(buf, "csum tso4 tso6 tso-ecn ufo uso4 uso6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_headers),
		cmocka_unit_test(test_stats64_order),
		cmocka_unit_test(test_parse_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
