// SPDX-License-Identifier: MIT
/*
 * The job -> runner messages: what the job sends is what the runner gets,
 * through a real pipe; a header no job sends, or a message cut short, is
 * never taken for one; control characters never reach a report.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "protocol.h"

/* Send m through a pipe and decode what comes out. */
static void roundtrip(const struct proto_msg *m, struct proto_msg *out)
{
	unsigned char buf[PROTO_MSG_MAX + 16];
	ssize_t n;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(proto_send(p[1], m), 0);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	close(p[0]);
	assert_true(n > 0);
	/* every prefix is "not yet", the whole is one message */
	for (ssize_t k = 0; k < n; k++)
		assert_int_equal(proto_decode(buf, (size_t)k, out), 0);
	assert_int_equal(proto_decode(buf, (size_t)n, out), n);
}

static void test_each_type(void **state)
{
	struct proto_msg m = { .type = MSG_STEP, .u.step = 42 }, out;

	(void)state;
	roundtrip(&m, &out);
	assert_int_equal(out.type, MSG_STEP);
	assert_int_equal(out.u.step, 42);

	m = (struct proto_msg){ .type = MSG_BENCH,
				.u.bench = { 1234.5, 1.25, 20.5, 40.75, 999 } };
	roundtrip(&m, &out);
	assert_int_equal(out.type, MSG_BENCH);
	assert_true(out.u.bench.rt_per_s == 1234.5);
	assert_true(out.u.bench.p99_us == 40.75);
	assert_int_equal(out.u.bench.n, 999);

	m = (struct proto_msg){ .type = MSG_COUNTS,
				.u.counts = { 7, 5, EBADFD } };
	roundtrip(&m, &out);
	assert_int_equal(out.u.counts.wakes, 7);
	assert_int_equal(out.u.counts.reads, 5);
	assert_int_equal(out.u.counts.first_err, EBADFD);

	m = (struct proto_msg){ .type = MSG_VERDICT };
	m.u.verdict.verdict = 3;
	m.u.verdict.line = 12;
	m.u.verdict.at_ns = 5000000000ull;
	strcpy(m.u.verdict.cls, "lost-wakeup");
	strcpy(m.u.verdict.expected, "4 read\twithin 1s");
	strcpy(m.u.verdict.observed, "0 read\nok 1 - forged");
	roundtrip(&m, &out);
	assert_int_equal(out.u.verdict.verdict, 3);
	assert_int_equal(out.u.verdict.line, 12);
	assert_int_equal(out.u.verdict.at_ns, 5000000000ull);
	assert_string_equal(out.u.verdict.cls, "lost-wakeup");
	/* a tab or newline would break TAP, JUnit, JSON: blanked */
	assert_string_equal(out.u.verdict.expected, "4 read within 1s");
	assert_string_equal(out.u.verdict.observed, "0 read ok 1 - forged");
}

static void test_text(void **state)
{
	char big[3 * PROTO_TEXT_MAX];
	struct proto_msg m = { .type = MSG_NOTE }, out;
	int p[2];
	unsigned char buf[PROTO_MSG_MAX + 16];
	ssize_t n;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(proto_sendf(p[1], MSG_BLOCKED, "%s", big), 0);
	n = read(p[0], buf, sizeof(buf));
	assert_int_equal(proto_decode(buf, (size_t)n, &out), n);
	assert_int_equal(out.type, MSG_BLOCKED);
	assert_int_equal(strlen(out.u.text), PROTO_TEXT_MAX - 1);
	/* a fixed-size type is not text */
	assert_int_equal(proto_sendf(p[1], MSG_STEP, "x"), -EINVAL);
	close(p[0]);
	close(p[1]);
	strcpy(m.u.text, "pcap capped\r\x1b[2J");
	roundtrip(&m, &out);
	assert_string_equal(out.u.text, "pcap capped  [2J");
}

/* What a job never sends: refused, never half-read. */
static void test_malformed(void **state)
{
	struct {
		uint32_t type, len;
		unsigned char pad[64];
	} h = { 0 };
	struct proto_msg out;

	(void)state;
	h.type = 99; /* unknown */
	h.len = 4;
	assert_int_equal(proto_decode(&h, sizeof(h), &out), -EPROTO);
	h.type = MSG_STEP; /* wrong size for the type */
	h.len = 3;
	assert_int_equal(proto_decode(&h, sizeof(h), &out), -EPROTO);
	h.type = MSG_VERDICT;
	h.len = 8;
	assert_int_equal(proto_decode(&h, sizeof(h), &out), -EPROTO);
	h.type = MSG_NOTE; /* text: 1 .. PROTO_TEXT_MAX bytes */
	h.len = 0;
	assert_int_equal(proto_decode(&h, sizeof(h), &out), -EPROTO);
	h.len = PROTO_TEXT_MAX + 1;
	assert_int_equal(proto_decode(&h, sizeof(h), &out), -EPROTO);
	/* text without its NUL: terminated by the decoder */
	h.len = 4;
	memcpy(h.pad, "abcd", 4);
	assert_int_equal(proto_decode(&h, 12, &out), 12);
	assert_string_equal(out.u.text, "abc");
	assert_int_equal(proto_send(1, &(struct proto_msg){ .type = 77 }),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_type),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
