// SPDX-License-Identifier: MIT
/* Expectation evaluation on synthetic timelines: no kernel involved. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#define MS 1000000ull

static struct tl_event ev[64];
static size_t n_ev;

static void add(int reader, enum tuncheck_event_type t, uint64_t at_ms,
		enum proto p, int err)
{
	ev[n_ev++] = (struct tl_event){ .t_ns = at_ms * MS,
					.reader = reader,
					.type = t,
					.proto = p,
					.err = err,
					.len = 84 };
}

static int setup(void **state)
{
	(void)state;
	n_ev = 0;
	return 0;
}

static enum expect_state eval(struct expect *e, struct expect_eval *x,
			      uint64_t start_ms, uint64_t now_ms)
{
	memset(x, 0, sizeof(*x));
	x->e = e;
	x->reader = 0;
	x->start_ns = start_ms * MS;
	return expect_evaluate(x, ev, n_ev, now_ms * MS);
}

static void test_reads_pass_early_and_move_cursor(void **state)
{
	struct expect e = { .kind = EXPECT_READS,
			    .proto = PROTO_ICMP_REPLY,
			    .count = 2,
			    .window_ns = 1000 * MS };
	struct expect_eval x;

	(void)state;
	add(0, TUNCHECK_EV_READY, 0, PROTO_OTHER, 0);
	add(0, TUNCHECK_EV_READ, 1, PROTO_ICMP_REPLY, 0);
	add(1, TUNCHECK_EV_READ, 2, PROTO_ICMP_REPLY, 0); /* other reader */
	add(0, TUNCHECK_EV_READ, 3, PROTO_OTHER, 0);	  /* not matching */
	assert_int_equal(eval(&e, &x, 0, 4), EXPECT_PENDING);
	add(0, TUNCHECK_EV_READ, 5, PROTO_ICMP_REPLY, 0);
	add(0, TUNCHECK_EV_READ, 6, PROTO_ICMP_REPLY, 0);
	/* decided long before the window ends, cursor after the 2nd match */
	assert_int_equal(eval(&e, &x, 0, 6), EXPECT_PASS);
	assert_int_equal(x.next_cursor, 5);
}

static void test_reads_fail_names_the_shortfall(void **state)
{
	struct expect e = { .kind = EXPECT_READS,
			    .proto = PROTO_UDP,
			    .count = 10,
			    .window_ns = 100 * MS };
	struct expect_eval x;

	(void)state;
	for (int i = 0; i < 9; i++)
		add(0, TUNCHECK_EV_READ, 1 + i, PROTO_UDP, 0);
	assert_int_equal(eval(&e, &x, 0, 99), EXPECT_PENDING);
	assert_int_equal(eval(&e, &x, 0, 100), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "9 udp read"));
	assert_non_null(strstr(x.observed, "1 missing"));
	assert_non_null(strstr(x.expected, "10 udp read within 100ms"));
	/* decided early once the controller saw everything settle */
	memset(&x, 0, sizeof(x));
	x.e = &e;
	x.settled = true;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 50 * MS), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "all quiet, queue empty"));
	/* but never turns a met expectation into a failure */
	add(0, TUNCHECK_EV_READ, 11, PROTO_UDP, 0);
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 50 * MS), EXPECT_PASS);
}

static void test_reads_conserve_counts_kernel_drops(void **state)
{
	struct expect e = { .kind = EXPECT_READS,
			    .proto = PROTO_UDP,
			    .count = 10,
			    .window_ns = 100 * MS,
			    .conserve = true };
	struct expect_eval x;

	(void)state;
	for (int i = 0; i < 7; i++)
		add(0, TUNCHECK_EV_READ, 1 + i, PROTO_UDP, 0);
	memset(&x, 0, sizeof(x));
	x.e = &e;
	x.dropped = 3;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 10 * MS), EXPECT_PASS);
	assert_non_null(strstr(x.observed, "7 read + 3 dropped"));
	/* drops of other packets may make it more than the gap */
	x.dropped = 4;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 10 * MS), EXPECT_PASS);
	/* drops that do not cover the gap are still a failure */
	x.dropped = 2;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 100 * MS), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "1 unaccounted for"));
	/* without conserve, drops never excuse a missing packet */
	e.conserve = false;
	x.dropped = 3;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 100 * MS), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "3 missing (the kernel counted 3"));
	/* conserve=80%: 7 read of 10 is too few, drops or not */
	e.conserve = true;
	e.conserve_pct = 80;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 100 * MS), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "conserve needs at least 8 read"));
	e.conserve_pct = 70;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 100 * MS), EXPECT_PASS);
}

/* Everything dropped is no pass: bare conserve needs one read. */
static void test_reads_conserve_not_vacuous(void **state)
{
	struct expect e = { .kind = EXPECT_READS,
			    .proto = PROTO_UDP,
			    .count = 5,
			    .window_ns = 100 * MS,
			    .conserve = true };
	struct expect_eval x;

	(void)state;
	memset(&x, 0, sizeof(x));
	x.e = &e;
	x.dropped = 5;
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 100 * MS), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "0 udp read + 5 dropped"));
	assert_non_null(strstr(x.observed, "needs at least 1 read"));
}

/* The reads that did not count are named by class and length. */
static void test_reads_names_other_reads(void **state)
{
	struct expect e = { .kind = EXPECT_READS,
			    .proto = PROTO_UDP,
			    .count = 1,
			    .len = 22,
			    .window_ns = 100 * MS };
	struct expect_eval x;

	(void)state;
	add(0, TUNCHECK_EV_READ, 1, PROTO_UDP, 0);
	ev[n_ev - 1].len = 28;
	add(0, TUNCHECK_EV_READ, 2, PROTO_ICMP_REPLY, 0);
	ev[n_ev - 1].len = 84;
	add(0, TUNCHECK_EV_READ, 3, PROTO_ICMP_REPLY, 0);
	ev[n_ev - 1].len = 84;
	assert_int_equal(eval(&e, &x, 0, 100), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "0 udp read, 1 missing"));
	assert_non_null(strstr(x.observed, "also read 1 udp of 28 bytes, "
					   "2 icmp-reply of 84 bytes"));
}

static void test_blocked_fails_at_first_event_in_window(void **state)
{
	struct expect e = { .kind = EXPECT_BLOCKED, .window_ns = 200 * MS };
	struct expect_eval x;

	(void)state;
	add(0, TUNCHECK_EV_READY, 1, PROTO_OTHER, 0); /* registering is fine */
	assert_int_equal(eval(&e, &x, 10, 100), EXPECT_PENDING);
	assert_int_equal(eval(&e, &x, 10, 210), EXPECT_PASS);
	/* a read caused by the previous step, before the window: counts */
	add(0, TUNCHECK_EV_READ, 5, PROTO_UDP, 0);
	assert_int_equal(eval(&e, &x, 10, 100), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "at 5ms before the window"));
	/* ...unless an earlier expectation already accounted for it */
	x.cursor = 2;
	add(0, TUNCHECK_EV_ERROR, 50, PROTO_OTHER, EBADFD);
	assert_int_equal(expect_evaluate(&x, ev, n_ev, 60 * MS), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "EBADFD"));
	assert_int_equal(x.at_ns, 50 * MS);
}

static void test_no_wake_tolerates_errors_not_wakes(void **state)
{
	struct expect e = { .kind = EXPECT_NO_WAKE, .window_ns = 200 * MS };
	struct expect_eval x;

	(void)state;
	add(0, TUNCHECK_EV_ERROR, 20, PROTO_OTHER, EIO);
	assert_int_equal(eval(&e, &x, 10, 300), EXPECT_PASS);
	add(0, TUNCHECK_EV_WAKE, 30, PROTO_OTHER, 0);
	assert_int_equal(eval(&e, &x, 10, 40), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "wake"));
}

static void test_wakes_min_max(void **state)
{
	struct expect e = { .kind = EXPECT_WAKES,
			    .count = 2,
			    .max = -1,
			    .window_ns = 100 * MS };
	struct expect_eval x;

	(void)state;
	add(0, TUNCHECK_EV_WAKE, 1, PROTO_OTHER, 0);
	assert_int_equal(eval(&e, &x, 0, 50), EXPECT_PENDING);
	assert_int_equal(eval(&e, &x, 0, 100), EXPECT_FAIL);
	add(0, TUNCHECK_EV_WAKE, 2, PROTO_OTHER, 0);
	assert_int_equal(eval(&e, &x, 0, 50), EXPECT_PASS);
	e.max = 2;
	add(0, TUNCHECK_EV_WAKE, 3, PROTO_OTHER, 0);
	assert_int_equal(eval(&e, &x, 0, 50), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "3 wakeups"));
}

static void test_returns_with_errno(void **state)
{
	struct expect e = { .kind = EXPECT_RETURNS,
			    .err = EBADFD,
			    .window_ns = 100 * MS };
	struct expect_eval x;

	(void)state;
	assert_int_equal(eval(&e, &x, 0, 100), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "still blocked"));
	add(0, TUNCHECK_EV_RETURN, 20, PROTO_OTHER, EBADF);
	assert_int_equal(eval(&e, &x, 0, 30), EXPECT_FAIL); /* wrong errno */
	assert_non_null(strstr(x.observed, "EBADF"));
	e.err = EBADF;
	assert_int_equal(eval(&e, &x, 0, 30), EXPECT_PASS);
	e.any_err = true;
	e.err = 0;
	assert_int_equal(eval(&e, &x, 0, 30), EXPECT_PASS);
}

static void test_error_errno(void **state)
{
	struct expect e = { .kind = EXPECT_ERROR,
			    .err = EIO,
			    .window_ns = 100 * MS };
	struct expect_eval x;

	(void)state;
	add(0, TUNCHECK_EV_ERROR, 5, PROTO_OTHER, EAGAIN);
	assert_int_equal(eval(&e, &x, 0, 100), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "EAGAIN"));
	add(0, TUNCHECK_EV_ERROR, 6, PROTO_OTHER, EIO);
	assert_int_equal(eval(&e, &x, 0, 10), EXPECT_PASS);
	assert_int_equal(x.next_cursor, 2);
}

static void test_fmt_duration(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(fmt_duration(2000000000ull, b, sizeof(b)), "2s");
	assert_string_equal(fmt_duration(200 * MS, b, sizeof(b)), "200ms");
	assert_string_equal(fmt_duration(350000, b, sizeof(b)), "350us");
}

/* every/some/none: the whole window decides; the failing wake is named. */
static void test_wake_values(void **state)
{
	struct expect e = { .kind = EXPECT_WAKES,
			    .count = 1,
			    .max = -1,
			    .window_ns = 100 * MS,
			    .every = 0x8,
			    .none = 0x1 };
	struct expect_eval x;

	(void)state;
	add(0, TUNCHECK_EV_WAKE, 20, PROTO_OTHER, 0);
	ev[n_ev - 1].value = 0x8;
	assert_int_equal(eval(&e, &x, 10, 50), EXPECT_PENDING);
	assert_int_equal(eval(&e, &x, 10, 120), EXPECT_PASS);
	add(0, TUNCHECK_EV_WAKE, 30, PROTO_OTHER, 0);
	ev[n_ev - 1].value = 0x9; /* err+in: has a none bit */
	assert_int_equal(eval(&e, &x, 10, 50), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "in+err, which has some of in"));
	e = (struct expect){ .kind = EXPECT_WAKES,
			     .count = 1,
			     .max = -1,
			     .window_ns = 100 * MS,
			     .some = 0x10 };
	assert_int_equal(eval(&e, &x, 10, 120), EXPECT_FAIL);
	assert_non_null(strstr(x.observed, "none with hup"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_wake_values, setup),
		cmocka_unit_test_setup(test_reads_pass_early_and_move_cursor,
				       setup),
		cmocka_unit_test_setup(test_reads_fail_names_the_shortfall,
				       setup),
		cmocka_unit_test_setup(test_reads_conserve_not_vacuous, setup),
		cmocka_unit_test_setup(test_reads_names_other_reads, setup),
		cmocka_unit_test_setup(test_reads_conserve_counts_kernel_drops,
				       setup),
		cmocka_unit_test_setup(
			test_blocked_fails_at_first_event_in_window, setup),
		cmocka_unit_test_setup(test_no_wake_tolerates_errors_not_wakes,
				       setup),
		cmocka_unit_test_setup(test_wakes_min_max, setup),
		cmocka_unit_test_setup(test_returns_with_errno, setup),
		cmocka_unit_test_setup(test_error_errno, setup),
		cmocka_unit_test(test_fmt_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
