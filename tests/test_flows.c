// SPDX-License-Identifier: MIT
/* Unit tests for flows_tally(): sticky flows, readers, wakes, a split. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "flows.h"

/* A UDP read of flow (sport) by reader r. */
static struct tl_event ev_read(int r, uint16_t sport)
{
	struct tl_event e = { .reader = r,
			      .type = TUNCHECK_EV_READ,
			      .proto = PROTO_UDP };

	e.pkt.family = AF_INET;
	inet_pton(AF_INET, "198.18.0.1", e.pkt.src);
	inet_pton(AF_INET, "198.18.0.2", e.pkt.dst);
	e.pkt.sport = sport;
	e.pkt.dport = 9;
	return e;
}

static void test_sticky(void **state)
{
	struct tl_event ev[] = {
		ev_read(0, 1000),
		ev_read(1, 1001),
		ev_read(0, 1000),
		{ .reader = 2, .type = TUNCHECK_EV_WAKE },
		ev_read(1, 1001),
		ev_read(3, 1002), /* reader 3 not asked */
		{ .reader = 0,
		  .type = TUNCHECK_EV_READ,
		  .proto = PROTO_ICMP_ECHO },
	};
	struct flows_tally t;

	(void)state;
	flows_tally(ev, 0, sizeof(ev) / sizeof(ev[0]), 0x7, &t);
	assert_int_equal(t.reads, 4);
	assert_int_equal(t.n_flows, 2);
	assert_int_equal(t.per_reader[0], 2);
	assert_int_equal(t.per_reader[1], 2);
	assert_int_equal(t.read_by, 0x3);
	assert_int_equal(t.woke, 0x4); /* r2 woke and read nothing */
	assert_string_equal(t.split, "");
	/* from index 2 on: what came after a cursor only */
	flows_tally(ev, 2, sizeof(ev) / sizeof(ev[0]), 0x7, &t);
	assert_int_equal(t.reads, 2);
}

static void test_split(void **state)
{
	struct tl_event ev[] = { ev_read(0, 1000), ev_read(1, 1001),
				 ev_read(1, 1000) };
	struct flows_tally t;

	(void)state;
	flows_tally(ev, 0, 3, 0x3, &t);
	assert_string_equal(t.split, "flow 198.18.0.1:1000 -> 198.18.0.2:9 "
				     "read by r0 and r1");
	/* another destination port is another flow */
	ev[2].pkt.dport = 10;
	flows_tally(ev, 0, 3, 0x3, &t);
	assert_string_equal(t.split, "");
	assert_int_equal(t.n_flows, 3);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
