// SPDX-License-Identifier: MIT
/* The case parser: every directive, every diagnostic, case_load, helpers. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "case.h"
#include <tuncheck/backend.h>
#include "tuncheck/backend.h"

#define MS 1000000ull

static struct case_file *parse(const char *text, struct case_diag *d)
{
	memset(d, 0, sizeof(*d));
	return case_parse("t.case", text, strlen(text), d);
}

static void assert_v4(const struct case_addr *a, const char *want)
{
	struct in_addr v;

	assert_int_equal(inet_pton(AF_INET, want, &v), 1);
	assert_int_equal(a->family, AF_INET);
	assert_memory_equal(&a->a.v4, &v, sizeof(v));
}

static void assert_v6(const struct case_addr *a, const char *want)
{
	struct in6_addr v;

	assert_int_equal(inet_pton(AF_INET6, want, &v), 1);
	assert_int_equal(a->family, AF_INET6);
	assert_memory_equal(&a->a.v6, &v, sizeof(v));
}

static const char every_directive[] =
	/*  1 */
	"# leading comment\n"
	/*  2 */ "case     every-directive   # trailing comment\n"
	/*  3 */ "about    First line of the about text.\n"
	/*  4 */ "about    Second line, with a # kept verbatim.  \n"
	/*  5 */ "tun      t0 tap pi multi-queue mtu=1400 txqlen=500 "
	"addr=198.18.0.1/24 addr=2001:db8::1/64\n"
	/*  6 */ "tun      t1 addr=198.18.1.1/24 peer=198.18.1.9 ipv6=on\n"
	/*  7 */ "sysctl   net.ipv4.ip_forward=1\n"
	/*  8 */ "open     q0 device=t0\n"
	/*  9 */ "open     q1 device=t0 attach=later\n"
	/* 10 */ "reader   r0 queue=q0 bufsize=2048 drain=one nonblock "
	"batch=8 mode=fast\n"
	/* 11 */ "attach   q1\n"
	/* 12 */ "dup      q1 as q2\n"
	/* 13 */ "detach   q2\n"
	/* 14 */ "link     t0 up\n"
	/* 15 */ "mtu      t0 1500\n"
	/* 16 */ "send     icmp-echo into=q0 to=198.18.0.1 "
	"from=198.18.0.2 count=4 size=100 interval=10ms\n"
	/* 17 */ "expect   send ok\n"
	/* 18 */ "send     udp from-ns to=2001:db8::2 count=3 flood "
	"port=5000\n"
	/* 19 */ "expect   send errno=ENETUNREACH count=2\n"
	/* 20 */ "write    q1 hex=4500DEadbeef count=2\n"
	/* 21 */ "expect   send errno=EBADFD\n"
	/* 22 */ "\texpect r0 reads icmp-reply count=4 within=1.5s conserve\n"
	/* 23 */ "xfail    epoll-lt epoll-et: no wakeup (registration is "
	"dead)\n"
	/* 24 */ "\n"
	/* 25 */ "# a comment between xfail lines\n"
	/* 26 */ "xfail    io_uring : second reason\n"
	/* 27 */ "expect   r0 blocked for=100ms\n"
	/* 28 */ "expect   r0 no-wake for=500us\n"
	/* 29 */ "expect   r0 wakes min=1 max=3 within=1s\n"
	/* 30 */ "expect   r0 returns within=200ms\n"
	/* 31 */ "expect   r0 returns within=200ms errno=ok\n"
	/* 32 */ "expect   r0 error errno=EIO within=1s\n"
	/* 33 */ "expect   q0 readable\n"
	/* 34 */ "expect   q1 not-readable within=50ms\n"
	/* 35 */ "expect   t0 link up\n"
	/* 36 */ "link     t1 down\n"
	/* 37 */ "expect   t1 link down\n"
	/* 38 */ "sleep    250ms\n"
	/* 39 */ "close    q0\n"
	/* 40 */ "link     t1 delete";

static void test_every_directive(void **state)
{
	static const enum step_kind kinds[] = {
		STEP_TUN,    STEP_TUN,	  STEP_SYSCTL, STEP_OPEN,   STEP_OPEN,
		STEP_READER, STEP_ATTACH, STEP_DUP,    STEP_DETACH, STEP_LINK,
		STEP_MTU,    STEP_SEND,	  STEP_EXPECT, STEP_SEND,   STEP_EXPECT,
		STEP_WRITE,  STEP_EXPECT, STEP_EXPECT, STEP_EXPECT, STEP_EXPECT,
		STEP_EXPECT, STEP_EXPECT, STEP_EXPECT, STEP_EXPECT, STEP_EXPECT,
		STEP_EXPECT, STEP_EXPECT, STEP_LINK,   STEP_EXPECT, STEP_SLEEP,
		STEP_CLOSE,  STEP_LINK,
	};
	static const unsigned lines[] = { 5,  6,  7,  8,  9,  10, 11, 12,
					  13, 14, 15, 16, 17, 18, 19, 20,
					  21, 22, 27, 28, 29, 30, 31, 32,
					  33, 34, 35, 36, 37, 38, 39, 40 };
	static const uint8_t hex[] = { 0x45, 0x00, 0xde, 0xad, 0xbe, 0xef };
	struct case_diag d;
	struct case_file *c = parse(every_directive, &d);
	const struct step *s;
	const struct expect *e;

	(void)state;
	if (!c)
		fail_msg("%u:%u: %s (%s)", d.line, d.col, d.msg, d.hint);
	assert_string_equal(c->path, "t.case");
	assert_string_equal(c->name, "every-directive");
	assert_string_equal(c->about, "First line of the about text.\n"
				      "Second line, with a # kept verbatim.");
	assert_int_equal(c->n_steps, sizeof(kinds) / sizeof(kinds[0]));
	for (size_t i = 0; i < c->n_steps; i++) {
		assert_int_equal(c->steps[i].kind, kinds[i]);
		assert_int_equal(c->steps[i].line, lines[i]);
	}

	/* names resolved once: indices in declaration order per kind */
	{
		static const int refs[][5] = {
			/* dev, queue, reader, dup, expect subject */
			{ 0, -1, -1, -1, -1 },	{ 1, -1, -1, -1, -1 },
			{ -1, -1, -1, -1, -1 }, { 0, 0, -1, -1, -1 },
			{ 0, 1, -1, -1, -1 },	{ -1, 0, 0, -1, -1 },
			{ -1, 1, -1, -1, -1 },	{ -1, 1, -1, 2, -1 },
			{ -1, 2, -1, -1, -1 },	{ 0, -1, -1, -1, -1 },
			{ 0, -1, -1, -1, -1 },	{ -1, 0, -1, -1, -1 },
		};

		for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
			const struct step *r = &c->steps[i];

			assert_int_equal(r->ref.dev, refs[i][0]);
			assert_int_equal(r->ref.queue, refs[i][1]);
			assert_int_equal(r->ref.reader, refs[i][2]);
			assert_int_equal(r->ref.dup, refs[i][3]);
		}
		assert_int_equal(c->steps[12].u.expect.subject_ref, -1);
		assert_int_equal(c->steps[15].ref.queue, 1); /* write q1 */
		assert_int_equal(c->steps[17].u.expect.subject_ref, 0); /* r0 */
		assert_int_equal(c->steps[25].u.expect.subject_ref, 1); /* q1 */
		assert_int_equal(c->steps[28].u.expect.subject_ref, 1); /* t1 */
		assert_int_equal(c->steps[30].ref.queue, 0); /* close q0 */
		assert_int_equal(c->steps[31].ref.dev, 1);   /* link t1 */
	}

	s = &c->steps[0]; /* tun t0 */
	assert_string_equal(s->name, "t0");
	assert_true(s->u.tun.tap && s->u.tun.pi && s->u.tun.multi_queue);
	assert_true(s->u.tun.ipv6);
	assert_int_equal(s->u.tun.mtu, 1400);
	assert_int_equal(s->u.tun.txqlen, 500);
	assert_int_equal(s->u.tun.n_addr, 2);
	assert_v4(&s->u.tun.addr[0], "198.18.0.1");
	assert_int_equal(s->u.tun.addr[0].prefix, 24);
	assert_v6(&s->u.tun.addr[1], "2001:db8::1");
	assert_int_equal(s->u.tun.addr[1].prefix, 64);
	assert_v4(&s->u.tun.peer4, "198.18.0.2");
	assert_v6(&s->u.tun.peer6, "2001:db8::2");
	assert_ptr_equal(case_find_tun(c, "t0"), s);

	s = &c->steps[1]; /* tun t1 */
	assert_v4(&s->u.tun.peer4, "198.18.1.9");
	assert_int_equal(s->u.tun.peer6.family, 0);
	assert_true(s->u.tun.ipv6);
	assert_false(s->u.tun.tap);
	assert_int_equal(s->u.tun.mtu, 0);
	assert_ptr_equal(case_find_tun(c, "t1"), s);
	assert_null(case_find_tun(c, "q0"));

	s = &c->steps[2];
	assert_string_equal(s->u.sysctl.key, "net.ipv4.ip_forward");
	assert_string_equal(s->u.sysctl.value, "1");

	s = &c->steps[3];
	assert_string_equal(s->name, "q0");
	assert_string_equal(s->name2, "t0");
	assert_true(s->u.open.attach);
	assert_false(c->steps[4].u.open.attach);

	s = &c->steps[5]; /* reader */
	assert_string_equal(s->name, "r0");
	assert_string_equal(s->name2, "q0");
	assert_int_equal(s->u.reader.bufsize, 2048);
	assert_int_equal(s->u.reader.drain, TUNCHECK_DRAIN_ONE);
	assert_true(s->u.reader.nonblock);
	assert_int_equal(s->u.reader.n_params, 2);
	assert_string_equal(s->u.reader.params[0], "batch=8");
	assert_string_equal(s->u.reader.params[1], "mode=fast");

	assert_string_equal(c->steps[6].name, "q1");
	assert_string_equal(c->steps[7].name, "q1");
	assert_string_equal(c->steps[7].name2, "q2");
	assert_string_equal(c->steps[8].name, "q2");
	assert_int_equal(c->steps[9].u.link.op, LINK_UP);
	assert_int_equal(c->steps[10].u.mtu.mtu, 1500);

	s = &c->steps[11]; /* send into */
	assert_int_equal(s->u.send.proto, PROTO_ICMP_ECHO);
	assert_false(s->u.send.from_ns);
	assert_string_equal(s->name2, "q0");
	assert_v4(&s->u.send.to, "198.18.0.1");
	assert_v4(&s->u.send.from, "198.18.0.2");
	assert_int_equal(s->u.send.count, 4);
	assert_int_equal(s->u.send.size, 100);
	assert_int_equal(s->u.send.interval_ns, 10 * MS);
	assert_int_equal(s->u.send.port, 9);
	assert_int_equal(c->steps[12].u.expect.kind, EXPECT_SEND);
	assert_int_equal(c->steps[12].u.expect.err, 0);

	s = &c->steps[13]; /* send from-ns */
	assert_int_equal(s->u.send.proto, PROTO_UDP);
	assert_true(s->u.send.from_ns);
	assert_v6(&s->u.send.to, "2001:db8::2");
	assert_int_equal(s->u.send.from.family, 0);
	assert_int_equal(s->u.send.interval_ns, 0);
	assert_int_equal(s->u.send.port, 5000);
	e = &c->steps[14].u.expect;
	assert_int_equal(e->err, ENETUNREACH);
	assert_int_equal(e->count, 2);

	s = &c->steps[15]; /* write */
	assert_string_equal(s->name, "q1");
	assert_int_equal(s->u.write.len, sizeof(hex));
	assert_memory_equal(s->u.write.bytes, hex, sizeof(hex));
	assert_int_equal(s->u.write.count, 2);
	e = &c->steps[16].u.expect;
	assert_int_equal(e->err, EBADFD);
	assert_int_equal(e->count, 0); /* all of them */

	e = &c->steps[17].u.expect; /* reads + two xfail lines */
	assert_int_equal(e->kind, EXPECT_READS);
	assert_string_equal(e->subject, "r0");
	assert_int_equal(e->proto, PROTO_ICMP_REPLY);
	assert_int_equal(e->count, 4);
	assert_int_equal(e->window_ns, 1500 * MS);
	assert_true(e->conserve);
	assert_int_equal(e->n_xfail, 3);
	assert_string_equal(e->xfail[0], "epoll-lt");
	assert_string_equal(e->xfail[1], "epoll-et");
	assert_string_equal(e->xfail[2], "io_uring");
	/* each backend keeps the reason of its own xfail line */
	assert_string_equal(expect_xfail_reason(e, "epoll-et", NULL),
			    "no wakeup (registration is dead)");
	assert_string_equal(expect_xfail_reason(e, "io_uring", NULL),
			    "second reason");
	assert_null(expect_xfail_reason(e, "read", NULL));
	assert_true(expect_xfails(e, "epoll-et"));
	assert_false(expect_xfails(e, "read"));

	e = &c->steps[18].u.expect;
	assert_int_equal(e->kind, EXPECT_BLOCKED);
	assert_int_equal(e->window_ns, 100 * MS);
	assert_int_equal(e->n_xfail, 0);
	e = &c->steps[19].u.expect;
	assert_int_equal(e->kind, EXPECT_NO_WAKE);
	assert_int_equal(e->window_ns, 500000);
	e = &c->steps[20].u.expect;
	assert_int_equal(e->kind, EXPECT_WAKES);
	assert_int_equal(e->count, 1);
	assert_int_equal(e->max, 3);
	e = &c->steps[21].u.expect;
	assert_int_equal(e->kind, EXPECT_RETURNS);
	assert_true(e->any_err);
	e = &c->steps[22].u.expect;
	assert_false(e->any_err);
	assert_int_equal(e->err, 0);
	e = &c->steps[23].u.expect;
	assert_int_equal(e->kind, EXPECT_ERROR);
	assert_int_equal(e->err, 5); /* EIO */
	e = &c->steps[24].u.expect;
	assert_int_equal(e->kind, EXPECT_READABLE);
	assert_false(e->negate);
	assert_int_equal(e->window_ns, 0);
	e = &c->steps[25].u.expect;
	assert_true(e->negate);
	assert_string_equal(e->subject, "q1");
	assert_int_equal(e->window_ns, 50 * MS);
	e = &c->steps[26].u.expect;
	assert_int_equal(e->kind, EXPECT_LINK);
	assert_false(e->negate);
	assert_true(c->steps[28].u.expect.negate);
	assert_int_equal(c->steps[27].u.link.op, LINK_DOWN);
	assert_int_equal(c->steps[29].u.sleep.ns, 250 * MS);
	assert_string_equal(c->steps[30].name, "q0");
	assert_int_equal(c->steps[31].u.link.op, LINK_DELETE);

	/* windows 4.0505 s + sleep 0.25 s + pacing 4 x 10 ms + 2 s slack */
	assert_int_equal(c->deadline_ns, 6340500000ull);
	case_free(c);
}

static void test_defaults(void **state)
{
	struct case_diag d;
	struct case_file *c = parse("case c\r\n"
				    "tun t0 addr=198.18.0.1/24\r\n"
				    "open q0 device=t0\n"
				    "reader r0 queue=q0\n"
				    "send udp into=q0\n"
				    "write q0 hex=\n",
				    &d);

	(void)state;
	assert_non_null(c);
	assert_null(c->about);
	assert_false(c->steps[0].u.tun.ipv6);
	assert_int_equal(c->steps[0].u.tun.peer6.family, 0);
	assert_v4(&c->steps[0].u.tun.peer4, "198.18.0.2");
	assert_int_equal(c->steps[2].u.reader.bufsize, 65536);
	assert_int_equal(c->steps[2].u.reader.drain, TUNCHECK_DRAIN_ALL);
	assert_false(c->steps[2].u.reader.nonblock);
	assert_int_equal(c->steps[3].u.send.count, 1);
	assert_int_equal(c->steps[3].u.send.size, 56);
	assert_int_equal(c->steps[3].u.send.port, 9);
	assert_int_equal(c->steps[3].u.send.interval_ns, 0);
	assert_int_equal(c->steps[3].u.send.to.family, 0);
	assert_int_equal(c->steps[4].u.write.len, 0);
	assert_int_equal(c->steps[4].u.write.count, 1);
	assert_int_equal(c->deadline_ns, 2000 * MS);
	case_free(c);
}

static void test_deadline_capped(void **state)
{
	struct case_diag d;
	struct case_file *c = parse("case c\ntun t0\nopen q0 device=t0\n"
				    "send udp into=q0 count=1000 interval=1s\n",
				    &d);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->deadline_ns, 60000 * MS);
	case_free(c);
}

/* One malformed case and the diagnostic it must give. */
struct bad_case {
	const char *name, *text;
	size_t len;
	unsigned line, col;
	const char *msg, *hint; /* substrings; hint NULL: not checked */
};

/* Lines 1-4 of most malformed cases: the error is on line 5. */
#define H                                                                      \
	"case c\ntun t0 addr=198.18.0.1/24\nopen q0 device=t0\n"               \
	"reader r0 queue=q0\n"
#define T(s) s, sizeof(s) - 1

static const struct bad_case bad_cases[] = {
	{ "unknown directive", T(H "tunn t1\n"), 5, 1,
	  "unknown directive 'tunn'", "did you mean 'tun'?" },
	{ "unknown directive, no match", T(H "frobnicate\n"), 5, 1,
	  "unknown directive 'frobnicate'",
	  "directives: case about kernel tun sysctl open attach detach close dup "
	  "reader link mtu send write read ioctl pingpong sleep rearm wait fault backends expect xfail" },
	/* found by fuzz_case: `expect snmp` with nothing after it */
	{ "snmp without a name", T(H "expect snmp\n"), 5, 13,
	  "expect snmp needs a counter such as Ip.InHdrErrors", NULL },
	/* fault: who, calls, one action, one schedule, queue= rules */
	{ "fault without calls", T(H "fault r0\n"), 5, 10, "fault", NULL },
	{ "fault on an unknown reader", T(H "fault r9 read errno=EIO\n"), 5, 7,
	  "r9", NULL },
	{ "fault call misspelt", T(H "fault r0 reed errno=EIO\n"), 5, 10,
	  "fault: 'reed' is not a call a fault can hit",
	  "did you mean 'read'?" },
	{ "fault second call misspelt", T(H "fault r0 read+pol errno=EIO\n"), 5,
	  15, "fault: 'pol' is not a call a fault can hit", NULL },
	{ "fault without action", T(H "fault r0 read nth=2\n"), 5, 1,
	  "fault: give one of errno=E, short=N, delay=DUR", NULL },
	{ "fault with two actions", T(H "fault r0 read errno=EIO delay=1ms\n"),
	  5, 1, "fault: give one of errno=E, short=N, delay=DUR", NULL },
	{ "fault errno=ok", T(H "fault r0 read errno=ok\n"), 5, 1,
	  "fault: errno=ok is not a fault", NULL },
	{ "fault bad errno", T(H "fault r0 read errno=EFOO\n"), 5, 15, "EFOO",
	  NULL },
	{ "fault short on poll", T(H "fault r0 read+poll short=4\n"), 5, 10,
	  "fault: short= applies to read and write only", NULL },
	{ "fault two schedules", T(H "fault r0 read errno=EIO nth=1 every=2\n"),
	  5, 1, "fault: give one of nth=, every=, percent=", NULL },
	{ "fault from without every", T(H "fault r0 read errno=EIO from=3\n"),
	  5, 1, "fault: from= and to= go with every=", NULL },
	{ "fault to before from",
	  T(H "fault r0 read errno=EIO every=1 from=5 to=2\n"), 5, 1,
	  "fault: to=2 comes before from=5", NULL },
	{ "fault seed without percent", T(H "fault r0 read errno=EIO seed=3\n"),
	  5, 1, "fault: seed= goes with percent=", NULL },
	{ "fault percent out of range",
	  T(H "fault r0 read errno=EIO percent=101\n"), 5, 25, "percent",
	  NULL },
	{ "fault reader with queue=", T(H "fault r0 read errno=EIO queue=q0\n"),
	  5, 1, "queue= is for controller", NULL },
	{ "fault controller write without queue=",
	  T(H "fault controller write errno=EIO\n"), 5, 1,
	  "fault: controller read/write/ioctl need queue=QUEUE", NULL },
	{ "unknown argument", T(H "send udp into=q0 cuont=3\n"), 5, 18,
	  "send: unknown argument 'cuont=3'",
	  "did you mean 'count'? accepted: into=QUEUE" },
	{ "unknown bare word", T(H "reader r1 queue=q0 fast\n"), 5, 20,
	  "reader: unknown argument 'fast'",
	  "accepted: queue=QUEUE bufsize=N" },
	{ "missing into/from-ns", T(H "send udp count=3\n"), 5, 18,
	  "send needs into=QUEUE or from-ns", "usage: send icmp-echo|udp" },
	{ "from-ns without to", T(H "send udp from-ns\n"), 5, 18,
	  "send needs to=IP with from-ns", NULL },
	{ "into and from-ns", T(H "send udp into=q0 from-ns to=198.18.0.2\n"),
	  5, 18, "send takes into=QUEUE or from-ns, not both", NULL },
	{ "missing positional", T(H "open\n"), 5, 6, "open needs a queue name",
	  "usage: open QUEUE device=TUN" },
	{ "missing required key", T(H "open q1\n"), 5, 9,
	  "open needs device=TUN", NULL },
	{ "extra argument", T(H "detach q0 now\n"), 5, 11,
	  "detach: unexpected argument 'now'", "usage: detach QUEUE" },
	{ "duplicate key", T(H "send udp into=q0 count=1 count=2\n"), 5, 26,
	  "send: duplicate 'count' (first at column 18)", NULL },
	{ "bad number", T(H "send udp into=q0 count=12x\n"), 5, 18,
	  "count: '12x' is not a number", NULL },
	{ "number out of range", T(H "tun t1 mtu=40\n"), 5, 8,
	  "mtu: 40 is out of range (68..65535)", NULL },
	{ "number overflow",
	  T(H "send udp into=q0 size=99999999999999999999\n"), 5, 18,
	  "size: 99999999999999999999 is out of range (0..65000)", NULL },
	{ "positional number", T(H "mtu t0 big\n"), 5, 8,
	  "mtu: 'big' is not a number", NULL },
	{ "duration without unit", T(H "sleep 200\n"), 5, 7,
	  "sleep: '200' has no unit", "add a unit: 200ms, 1s" },
	{ "bad duration", T(H "expect r0 blocked for=fast\n"), 5, 19,
	  "for: 'fast' is not a duration", "e.g. 500us, 200ms, 1.5s" },
	{ "unknown unit", T(H "sleep 5m\n"), 5, 7,
	  "sleep: unknown unit in '5m'", "units: ns, us, ms, s" },
	{ "zero duration", T(H "sleep 0ms\n"), 5, 7, "sleep: '0ms' is not > 0",
	  NULL },
	{ "duration too long", T(H "expect r0 no-wake for=61s\n"), 5, 19,
	  "for: '61s' is longer than 60s", NULL },
	{ "unknown errno", T(H "expect r0 error errno=EIOO within=1s\n"), 5, 17,
	  "unknown errno name 'EIOO'", "did you mean EIO?" },
	{ "unknown errno, no match",
	  T(H "expect r0 error errno=EFROBNICATE within=1s\n"), 5, 17,
	  "unknown errno name 'EFROBNICATE'", "e.g. EIO, EAGAIN, EBADFD" },
	{ "errno=ok for error", T(H "expect r0 error errno=ok within=1s\n"), 5,
	  17, "expect error needs an errno name, not ok", NULL },
	{ "address without prefix", T(H "tun t1 addr=198.18.0.1\n"), 5, 8,
	  "addr: '198.18.0.1' has no prefix length",
	  "e.g. addr=198.18.0.1/24" },
	{ "bad IPv4 address", T(H "tun t1 addr=198.18.0.300/24\n"), 5, 8,
	  "addr: '198.18.0.300/24' is not an IPv4 address", NULL },
	{ "bad IPv6 address", T(H "tun t1 addr=2001:db8::x/64\n"), 5, 8,
	  "is not an IPv6 address", NULL },
	{ "bad prefix", T(H "tun t1 addr=2001:db8::1/129\n"), 5, 8,
	  "addr: prefix '/129' is not in 1..128", NULL },
	{ "prefix where an address goes",
	  T(H "send udp into=q0 to=198.18.0.2/24\n"), 5, 18,
	  "to: '198.18.0.2/24' is a prefix, not an address", NULL },
	{ "too many addresses",
	  T(H "tun t1 addr=198.18.1.1/24 addr=198.18.2.1/24 "
	      "addr=198.18.3.1/24 "
	      "addr=198.18.4.1/24 addr=198.18.5.1/24\n"),
	  5, 84, "tun: more than 4 addresses", NULL },
	{ "ipv6=off with an IPv6 address",
	  T(H "tun t1 ipv6=off addr=2001:db8::1/64\n"), 5, 8,
	  "ipv6=off but the device has an IPv6 address", NULL },
	{ "bad on/off", T(H "tun t1 ipv6=yes\n"), 5, 8,
	  "ipv6: 'yes' is not one of: off, on", NULL },
	{ "duplicate name", T(H "open q0 device=t0\n"), 5, 6,
	  "queue 'q0' already defined at line 3", NULL },
	{ "duplicate name of another kind", T(H "reader t0 queue=q0\n"), 5, 8,
	  "device 't0' already defined at line 2", NULL },
	{ "undefined queue", T(H "attach q9\n"), 5, 8, "no queue named 'q9'",
	  "open it first: open NAME device=TUN" },
	{ "undefined device", T(H "open q1 device=t9\n"), 5, 9,
	  "no device named 't9'", "declare it first" },
	{ "undefined reader", T(H "expect r9 blocked for=1s\n"), 5, 8,
	  "no reader named 'r9'", "start it first" },
	{ "wrong kind", T(H "expect q0 blocked for=1s\n"), 5, 8,
	  "'q0' is a queue, not a reader", NULL },
	{ "wrong kind for link", T(H "expect r0 link up\n"), 5, 8,
	  "'r0' is a reader, not a device", NULL },
	{ "invalid name", T(H "tun 1abc\n"), 5, 5,
	  "'1abc' is not a valid device name", "names start with a letter" },
	{ "device name too long", T(H "tun abcdefghijklmnop\n"), 5, 5,
	  "is 16 bytes long; the limit is 15", NULL },
	{ "flag with a value", T(H "tun t1 tap=1\n"), 5, 8,
	  "tun: 'tap' takes no value", "write just 'tap'" },
	{ "key without value", T(H "tun t1 mtu\n"), 5, 8,
	  "tun: 'mtu' needs a value", "write mtu=N" },
	{ "empty key", T(H "reader r1 queue=q0 =x\n"), 5, 20,
	  "reader: empty key in '=x'", NULL },
	{ "sysctl outside net", T(H "sysctl kernel.panic=1\n"), 5, 8,
	  "'kernel.panic' is not a net.* key", NULL },
	{ "sysctl without value", T(H "sysctl net.ipv4.ip_forward\n"), 5, 8,
	  "is not KEY=VALUE", NULL },
	{ "odd hex", T(H "write q0 hex=abc\n"), 5, 10,
	  "hex: odd number of digits (3)", NULL },
	{ "hex separator", T(H "write q0 hex=ab:cd\n"), 5, 10,
	  "hex: ':' at offset 2 is not a hex digit", NULL },
	{ "write without hex", T(H "write q0 count=2\n"), 5, 18,
	  "write needs hex=BYTES", NULL },
	{ "bad link operation", T(H "link t0 sideways\n"), 5, 9,
	  "link: 'sideways' is not one of: up, down, delete", NULL },
	{ "link operation typo", T(H "link t0 dwon\n"), 5, 9, "is not one of",
	  "did you mean 'down'?" },
	{ "bad protocol", T(H "send tcp into=q0\n"), 5, 6,
	  "send: 'tcp' is not one of: icmp-echo, udp", NULL },
	{ "port for icmp", T(H "send icmp-echo into=q0 port=7\n"), 5, 24,
	  "port= is for udp only", NULL },
	{ "flood and interval", T(H "send udp into=q0 flood interval=1ms\n"), 5,
	  24, "flood and interval= exclude each other", NULL },
	{ "mixed families",
	  T(H "send udp into=q0 to=198.18.0.1 from=2001:db8::2\n"), 5, 32,
	  "different address families", NULL },
	{ "dup without as", T(H "dup q0 to q1\n"), 5, 8,
	  "dup: expected 'as', got 'to'", "usage: dup QUEUE as NEWQUEUE" },
	{ "unknown predicate", T(H "expect r0 raeds any count=1 within=1s\n"),
	  5, 11, "expect: unknown predicate 'raeds'", "did you mean 'reads'?" },
	{ "argument of another predicate",
	  T(H "expect r0 blocked for=1s count=2\n"), 5, 26,
	  "expect blocked: unknown argument 'count=2'", "accepted: for=DUR" },
	{ "reads without count", T(H "expect r0 reads udp within=1s\n"), 5, 31,
	  "expect reads needs count=N", "usage: expect READER reads PROTO" },
	{ "bad reads protocol", T(H "expect r0 reads tcp count=1 within=1s\n"),
	  5, 17, "expect reads: 'tcp' is not one of: any, icmp-echo", NULL },
	{ "wakes max below min", T(H "expect r0 wakes min=3 max=1 within=1s\n"),
	  5, 23, "expect wakes: max=1 is less than min=3", NULL },
	{ "expect send without send", T(H "expect send ok\n"), 5, 8,
	  "expect send: no send or write step before this line", NULL },
	{ "expect send without outcome", T(H "write q0 hex=45\nexpect send\n"),
	  6, 13, "expect send needs ok or errno=E", NULL },
	{ "expect send count with ok",
	  T(H "write q0 hex=45\nexpect send ok count=2\n"), 6, 16,
	  "expect send: count= needs errno=E", NULL },
	{ "steps before case", T("tun t0\ncase c\n"), 1, 1,
	  "expected 'case NAME' before 'tun'",
	  "a case file starts with: case NAME" },
	{ "steps before case, after comments", T("# c\n\n  open q0\n"), 3, 3,
	  "expected 'case NAME' before 'open'", NULL },
	{ "second case", T(H "case d\n"), 5, 1,
	  "second 'case' line (the case began at line 1)", NULL },
	{ "case without name", T("case\n"), 1, 6, "case needs a name", NULL },
	{ "about after a step", T(H "about late\n"), 5, 1,
	  "about must come before the first step (line 2)", NULL },
	{ "no steps", T("# nothing\ncase c\nabout only words\n"), 2, 1,
	  "case 'c' has no steps", NULL },
	{ "xfail without expect", T(H "xfail epoll-lt: why\n"), 5, 1,
	  "xfail must follow an expect line", "right after the expectation" },
	{ "xfail after another step",
	  T(H "expect r0 blocked for=1s\nsleep 1s\nxfail epoll-lt: why\n"), 7,
	  1, "xfail must follow an expect line", NULL },
	{ "xfail without reason",
	  T(H "expect r0 blocked for=1s\nxfail epoll-lt:\n"), 6, 17,
	  "xfail needs a reason after ':'", NULL },
	{ "xfail without colon",
	  T(H "expect r0 blocked for=1s\nxfail epoll-lt why\n"), 6, 20,
	  "xfail needs ': REASON' after the backends", NULL },
	{ "xfail without backend",
	  T(H "expect r0 blocked for=1s\nxfail : why\n"), 6, 7,
	  "xfail needs at least one backend before ':'", NULL },
	{ "xfail listed twice",
	  T(H "expect r0 blocked for=1s\nxfail a b a: x\n"), 6, 11,
	  "xfail: backend 'a' is already listed", NULL },
	{ "case with two names", T("case a b\n"), 1, 8,
	  "case: unexpected argument 'b'", "usage: case NAME" },
	{ "second peer of a family",
	  T(H "tun t1 peer=198.18.1.2 peer=198.18.1.3\n"), 5, 24,
	  "tun: a second IPv4 peer", NULL },
	{ "too many reader parameters",
	  T(H "reader r1 queue=q0 a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9\n"), 5,
	  52, "reader: more than 8 backend parameters", NULL },
	{ "expect send ok and errno",
	  T(H "write q0 hex=45\nexpect send ok errno=EIO\n"), 6, 16,
	  "expect send: ok and errno= exclude each other", NULL },
	{ "expect link extra word", T(H "expect t0 link up now\n"), 5, 19,
	  "expect link: unknown argument 'now'", "accepted: kernel=A.B-C.D" },
	{ "reserved name", T(H "open send device=t0\n"), 5, 6,
	  "'send' is reserved", NULL },
	{ "dup onto an existing name", T(H "dup q0 as r0\n"), 5, 11,
	  "reader 'r0' already defined at line 4", NULL },
	{ "key=value where a protocol goes",
	  T(H "expect r0 reads count=4 within=1s\n"), 5, 17,
	  "expect reads needs a protocol here, not 'count=4'",
	  "usage: expect READER reads PROTO" },
	{ "key=value where a duration goes", T(H "sleep for=1s\n"), 5, 7,
	  "sleep needs a duration here, not 'for=1s'", NULL },
	{ "key=value where a name goes", T(H "tun mtu=9000\n"), 5, 5,
	  "tun needs a device name here, not 'mtu=9000'", NULL },
	{ "empty file", T(""), 1, 1, "empty case file: expected 'case NAME'",
	  NULL },
	{ "only comments", T("# one\n   # two\n\n\t\n"), 1, 1,
	  "empty case file: expected 'case NAME'", NULL },
	{ "NUL byte", T("case c\ntun t0\0\n"), 2, 7,
	  "binary data in case file (byte 0x00)", NULL },
	{ "binary garbage", T("case garbage\ntun t0\001\002\377\000\033[2J\n"),
	  2, 7, "binary data in case file (byte 0x01)", NULL },
	{ "DEL byte", T("case c\x7f\n"), 1, 7,
	  "binary data in case file (byte 0x7f)", NULL },
};

static void test_bad_case(void **state)
{
	const struct bad_case *b = *state;
	struct case_diag d = { 0 };
	struct case_file *c = case_parse("bad.case", b->text, b->len, &d);

	if (c) {
		case_free(c);
		fail_msg("'%s' parsed without error", b->name);
	}
	if (!strstr(d.msg, b->msg))
		fail_msg("message '%s' lacks '%s'", d.msg, b->msg);
	if (b->hint && !strstr(d.hint, b->hint))
		fail_msg("hint '%s' lacks '%s'", d.hint, b->hint);
	assert_int_equal(d.line, b->line);
	assert_int_equal(d.col, b->col);
}

static void test_long_line(void **state)
{
	size_t len = 7 + (1u << 20) + 1;
	char *t = malloc(len);
	struct case_file *c;
	struct case_diag d;
	struct timespec a, b;
	double secs;

	(void)state;
	assert_non_null(t);
	memcpy(t, "case c\n", 7);
	memset(t + 7, 'x', 1u << 20);
	t[len - 1] = '\n';
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_null(case_parse("long.case", t, len, &d));
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) +
	       (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 1);
	assert_string_equal(d.msg,
			    "line is 1048576 bytes long; the limit is 4096");
	assert_true(secs < 0.5);
	/* a line of exactly the limit is fine */
	memcpy(t + 7, "sleep 1s", 8);
	memset(t + 15, ' ', CASE_LINE_MAX - 8);
	c = case_parse("ok.case", t, 7 + CASE_LINE_MAX, &d);
	assert_non_null(c);
	case_free(c);
	free(t);
}

static void test_too_many_steps(void **state)
{
	size_t n = CASE_MAX_STEPS + 1, len = 7 + n * 9;
	char *t = malloc(len + 1);
	struct case_diag d;

	(void)state;
	assert_non_null(t);
	memcpy(t, "case c\n", 7);
	for (size_t i = 0; i < n; i++)
		memcpy(t + 7 + i * 9, "sleep 1s\n", 9);
	assert_null(case_parse("big.case", t, len, &d));
	assert_int_equal(d.line, CASE_MAX_STEPS + 2);
	assert_string_equal(d.msg, "too many steps; the limit is 10000");
	free(t);
}

/*
 * The 17th tun, open or dup, and reader is refused at its name: the job's
 * tables have CASE_MAX_* slots, and a case check accepts never overflows.
 */
static void test_object_limits(void **state)
{
	static const struct {
		const char *head, *pre, *post, *msg;
	} t[] = {
		{ "case c\n", "tun t", "\n",
		  "at most 16 devices in a case (this is the 17th)" },
		{ "case c\ntun t0\n", "open q", " device=t0\n",
		  "at most 16 queues in a case (this is the 17th)" },
		{ "case c\ntun t0\nopen q0 device=t0\n", "dup q0 as d", "\n",
		  "at most 16 queues in a case (this is the 17th)" },
		{ "case c\ntun t0\nopen q0 device=t0\n", "reader r",
		  " queue=q0\n",
		  "at most 16 readers in a case (this is the 17th)" },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		unsigned head_lines = 0, limit_line;
		char text[4096], line[64];
		struct case_diag d = { 0 };
		struct case_file *c;
		size_t len, n;

		for (const char *h = t[k].head; *h; h++)
			head_lines += *h == '\n';
		/* a dup adds to q0: one line fewer reaches the limit */
		n = k == 2 ? 15 : 16;
		snprintf(text, sizeof(text), "%s", t[k].head);
		for (size_t i = 0; i < n; i++) {
			snprintf(line, sizeof(line), "%s%zu%s", t[k].pre, i,
				 t[k].post);
			strcat(text, line);
		}
		len = strlen(text);
		c = case_parse("lim.case", text, len, &d);
		assert_non_null(c); /* exactly at the limit: fine */
		case_free(c);
		snprintf(line, sizeof(line), "%s%zu%s", t[k].pre, n, t[k].post);
		strcat(text, line);
		assert_null(case_parse("lim.case", text, strlen(text), &d));
		limit_line = head_lines + (unsigned)n + 1;
		assert_int_equal(d.line, limit_line);
		assert_string_equal(d.msg, t[k].msg);
	}
}

/* A FIFO is refused at once, never opened for a blocking read. */
static void test_load_fifo(void **state)
{
	char dir[] = "/tmp/test_case.XXXXXX", path[64];
	struct case_diag d = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.case", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(case_load(path, &d));
	assert_string_equal(d.msg, "is a FIFO, not a regular file");
	assert_null(case_load("/dev/null", &d));
	assert_string_equal(d.msg, "is a device, not a regular file");
	unlink(path);
	rmdir(dir);
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_case.XXXXXX";
	int fd = mkstemp(path);
	struct case_file *c;
	struct case_diag d = { 0 };
	size_t len;

	(void)state;
	assert_true(fd >= 0);
	len = sizeof(every_directive) - 1;
	assert_int_equal(write(fd, every_directive, len), (ssize_t)len);
	close(fd);
	c = case_load(path, &d);
	assert_non_null(c);
	assert_string_equal(c->path, path);
	assert_int_equal(c->n_steps, 32);
	case_free(c);
	unlink(path);
}

static void test_load_errors(void **state)
{
	char path[] = "/tmp/test_case.XXXXXX", buf[512];
	struct case_diag d = { 0 };
	int fd;

	(void)state;
	assert_null(case_load("/tmp", &d));
	assert_int_equal(d.line, 0);
	assert_string_equal(d.msg, "is a directory");
	case_diag_format("/tmp", &d, buf, sizeof(buf));
	assert_string_equal(buf, "/tmp: error: is a directory\n");

	assert_null(case_load("/nonexistent/x.case", &d));
	assert_int_equal(d.line, 0);
	assert_string_equal(d.msg, "cannot open: No such file or directory");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CASE_FILE_MAX + 1), 0);
	close(fd);
	assert_null(case_load(path, &d));
	assert_string_equal(d.msg, "file too large (more than 4 MiB)");
	unlink(path);
}

static void test_load_eacces(void **state)
{
	char path[] = "/tmp/test_case.XXXXXX";
	struct case_diag d = { 0 };
	int fd;

	(void)state;
	if (geteuid() == 0)
		skip(); /* root reads mode 0000 files */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(path, 0), 0);
	assert_null(case_load(path, &d));
	assert_string_equal(d.msg, "cannot open: Permission denied");
	unlink(path);
}

static void test_diag_format(void **state)
{
	struct case_diag d = { .line = 5, .col = 18 };
	char buf[512], tiny[12];

	(void)state;
	strcpy(d.msg, "send: unknown argument 'cuont=3'");
	strcpy(d.hint, "did you mean 'count'?");
	case_diag_format("a.case", &d, buf, sizeof(buf));
	assert_string_equal(buf, "a.case:5:18: error: send: unknown argument "
				 "'cuont=3'\n  hint: did you mean 'count'?\n");
	d.hint[0] = '\0';
	case_diag_format("a.case", &d, buf, sizeof(buf));
	assert_string_equal(buf, "a.case:5:18: error: send: unknown argument "
				 "'cuont=3'\n");
	case_diag_format("a.case", &d, tiny, sizeof(tiny));
	assert_string_equal(tiny, "a.case:5:18");
	d.line = d.col = 0;
	case_diag_format("a.case", &d, buf, sizeof(buf));
	assert_string_equal(buf, "a.case: error: send: unknown argument "
				 "'cuont=3'\n");
}

static void test_parse_duration(void **state)
{
	static const struct {
		const char *s;
		uint64_t ns; /* 0: must be rejected */
	} v[] = {
		{ "200ms", 200 * MS },
		{ "1.5s", 1500 * MS },
		{ "500us", 500000 },
		{ "10ns", 10 },
		{ "1.25ms", 1250000 },
		{ "0.000000001s", 1 },
		{ "60s", 60000 * MS },
		{ "60000ms", 60000 * MS },
		{ "60.000000001s", 0 },
		{ "61s", 0 },
		{ "99999999999999999s", 0 },
		{ "0.5ns", 0 },
		{ "0s", 0 },
		{ "200", 0 },
		{ "", 0 },
		{ "ms", 0 },
		{ "1.s", 0 },
		{ ".5s", 0 },
		{ "-1s", 0 },
		{ "5m", 0 },
		{ "1 s", 0 },
		{ "1sec", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t ns = 42;
		int ret = parse_duration(v[i].s, &ns);

		if (v[i].ns && (ret || ns != v[i].ns))
			fail_msg("'%s': ret %d, %llu ns", v[i].s, ret,
				 (unsigned long long)ns);
		if (!v[i].ns && (ret != -EINVAL || ns != 42))
			fail_msg("'%s' accepted", v[i].s);
	}
}

static void test_errno_names(void **state)
{
	int err = -1;

	(void)state;
	assert_int_equal(parse_errno_name("EIO", &err), 0);
	assert_int_equal(err, 5);
	assert_int_equal(parse_errno_name("EBADFD", &err), 0);
	assert_int_equal(err, EBADFD);
	assert_int_equal(parse_errno_name("EAGAIN", &err), 0);
	assert_int_equal(err, EAGAIN);
	assert_int_equal(parse_errno_name("EHWPOISON", &err), 0);
	assert_int_equal(err, EHWPOISON);
	err = -1;
	assert_int_equal(parse_errno_name("eio", &err), -EINVAL);
	assert_int_equal(parse_errno_name("", &err), -EINVAL);
	assert_int_equal(parse_errno_name("ok", &err), -EINVAL);
	assert_int_equal(parse_errno_name("EIO ", &err), -EINVAL);
	/* the aliases other errno tables print */
	assert_int_equal(parse_errno_name("ENOTSUP", &err), 0);
	assert_int_equal(err, EOPNOTSUPP);
	assert_int_equal(parse_errno_name("EDEADLOCK", &err), 0);
	assert_int_equal(err, EDEADLK);
	/* numbers: parse_errno only (the exec protocol), 1..4094 */
	assert_int_equal(parse_errno_name("5", &err), -EINVAL);
	assert_int_equal(parse_errno("5", &err), 0);
	assert_int_equal(err, 5);
	err = -1; /* a refused input leaves it alone */
	assert_int_equal(parse_errno("4095", &err), -EINVAL);
	assert_int_equal(parse_errno("-5", &err), -EINVAL);
	assert_int_equal(err, -1);
	assert_string_equal(errno_name(5), "EIO");
	assert_string_equal(errno_name(EBADFD), "EBADFD");
	assert_string_equal(errno_name(0), "ok");
	assert_string_equal(errno_name(4000), "errno 4000");
}

static void test_proto_names(void **state)
{
	(void)state;
	assert_string_equal(proto_name(PROTO_ANY), "any");
	assert_string_equal(proto_name(PROTO_ICMP_ECHO), "icmp-echo");
	assert_string_equal(proto_name(PROTO_ICMP_REPLY), "icmp-reply");
	assert_string_equal(proto_name(PROTO_UDP), "udp");
	assert_string_equal(proto_name(PROTO_OTHER), "other");
}

static void test_diag_untouched_on_success(void **state)
{
	struct case_diag d = { .line = 77, .col = 88, .msg = "keep" };
	struct case_file *c = case_parse(NULL, "case c\nsleep 1s", 15, &d);

	(void)state;
	assert_non_null(c);
	assert_string_equal(c->path, "");
	assert_int_equal(d.line, 77);
	assert_int_equal(d.col, 88);
	assert_string_equal(d.msg, "keep");
	case_free(c);
	case_free(NULL);
}

#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* -o words: added to every reader line, replacing the line's own key. */
static void test_reader_options(void **state)
{
	struct case_diag d;
	struct case_file *c;

	(void)state;
	assert_int_equal(case_reader_option_add("nonblock"), 0);
	assert_int_equal(case_reader_option_add("bufsize=512"), 0);
	assert_int_equal(case_reader_option_add("errors=retry"), 0);
	assert_int_equal(case_reader_option_add("queue=q1"), -1);
	assert_int_equal(case_reader_option_add("=x"), -1);
	assert_int_equal(case_reader_option_add("a b"), -1);
	c = parse("case c\ntun t0 addr=198.18.0.1/24\nopen q0 device=t0\n"
		  "reader r0 queue=q0 bufsize=64 errors=return\n",
		  &d);
	if (!c)
		fail_msg("%u:%u: %s", d.line, d.col, d.msg);
	assert_int_equal(c->steps[2].u.reader.nonblock, 1);
	assert_int_equal(c->steps[2].u.reader.bufsize, 512);
	assert_int_equal(c->steps[2].u.reader.n_params, 1);
	assert_string_equal(c->steps[2].u.reader.params[0], "errors=retry");
	case_free(c);
	/* a bad -o word fails the case, past the end of the reader line */
	case_reader_options_reset();
	assert_int_equal(case_reader_option_add("bufsize=0"), 0);
	assert_null(parse(H, &d));
	assert_int_equal(d.line, 4);
	assert_int_equal(d.col, strlen("reader r0 queue=q0") + 2);
	case_reader_options_reset();
	c = parse(H, &d);
	assert_non_null(c);
	assert_int_equal(c->steps[2].u.reader.bufsize, 65536);
	case_free(c);
}

static void test_kernel_directive(void **state)
{
	const char ok[] = "case k\nkernel min=5.4 observed=5.10,6.18\n"
			  "sleep 1ms\n";
	const char bad[] = "case k\nkernel observed=6\nsleep 1ms\n";
	const char *const bad_lists[] = {
		"case k\nkernel observed=6.1,\nsleep 1ms\n",
		"case k\nkernel observed=6.1,,6.2\nsleep 1ms\n",
		"case k\nkernel observed=1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8,1.9\n"
		"sleep 1ms\n",
	};
	struct case_diag d = { 0 };
	struct case_file *c;

	(void)state;
	c = case_parse("k.case", ok, strlen(ok), &d);
	assert_non_null(c);
	assert_int_equal(c->kmin[0], 5);
	assert_int_equal(c->kmin[1], 4);
	assert_int_equal(c->n_kobserved, 2);
	assert_int_equal(c->kobserved[0][0], 5);
	assert_int_equal(c->kobserved[0][1], 10);
	assert_int_equal(c->kobserved[1][0], 6);
	assert_int_equal(c->kobserved[1][1], 18);
	case_free(c);
	assert_null(case_parse("k.case", bad, strlen(bad), &d));
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.msg, "not a kernel version"));
	for (size_t i = 0; i < 3; i++) {
		assert_null(case_parse("k.case", bad_lists[i],
				       strlen(bad_lists[i]), &d));
		assert_int_equal(d.line, 2);
	}
}

/* expect step: the previous step's result; only after a step that acts. */
static void test_expect_step(void **state)
{
	struct case_diag d;
	struct case_file *c = parse(H "detach q0\nexpect step errno=EINVAL\n"
				      "attach q0\nexpect step ok\n",
				    &d);

	(void)state;
	if (!c)
		fail_msg("%u:%u: %s (%s)", d.line, d.col, d.msg, d.hint);
	assert_int_equal(c->steps[4].u.expect.kind, EXPECT_STEP);
	assert_int_equal(c->steps[4].u.expect.err, EINVAL);
	assert_int_equal(c->steps[6].u.expect.err, 0);
	case_free(c);
	/* several expect step lines share the step before them */
	c = parse(H "ioctl q0 TUNGETIFF\nexpect step ok has=tun\n"
		    "expect step ok lacks=tap kernel=6.1-\n",
		  &d);
	if (!c)
		fail_msg("%u:%u: %s (%s)", d.line, d.col, d.msg, d.hint);
	case_free(c);
	c = parse(H "sleep 10ms\nexpect step ok\n", &d);
	assert_null(c);
	assert_int_equal(d.line, 6);
	assert_non_null(strstr(d.msg, "not a step that acts"));
	c = parse(H "expect step ok\n", &d); /* after `reader` */
	assert_null(c);
	c = parse(H "detach q0\nexpect step ok errno=EIO\n", &d);
	assert_null(c);
	assert_non_null(strstr(d.msg, "exclude each other"));
	c = parse(H "detach q0\nexpect step\n", &d);
	assert_null(c);
	c = parse("case c\ntun step\n", &d);
	assert_null(c);
	assert_string_equal(d.msg, "'step' is reserved (expect step)");
}

#define OK(text)                                                               \
	({                                                                     \
		struct case_file *c_ = parse(text, &d);                        \
		if (!c_)                                                       \
			fail_msg("%u:%u: %s (%s)", d.line, d.col, d.msg,       \
				 d.hint);                                      \
		c_;                                                            \
	})

/* Parse text that must fail at line:col with msg containing `part`. */
static void bad(const char *text, unsigned line, unsigned col, const char *part)
{
	struct case_diag d;
	struct case_file *c = parse(text, &d);

	if (c)
		fail_msg("parsed, but should fail: %s", text);
	if (d.line != line || (col && d.col != col) || !strstr(d.msg, part))
		fail_msg("want %u:%u '%s', got %u:%u '%s'", line, col, part,
			 d.line, d.col, d.msg);
}

/* ioctl Q NAME [ARG] and what expect step reads back after it. */
static void test_ioctl_step(void **state)
{
	struct case_diag d;
	struct case_file *c;
	const struct step *s;

	(void)state;
	c = OK(H "ioctl q0 TUNGETIFF\nexpect step ok has=tun+no-pi "
		 "lacks=persist\n"
		 "ioctl q0 TUNSETQUEUE attach-queue\nexpect step errno=EINVAL\n"
		 "ioctl q0 TUNSETCARRIER off\n"
		 "ioctl q0 TUNSETTXFILTER 02:00:00:00:00:01,02:00:00:00:00:0a\n"
		 "ioctl q0 TUNSETOFFLOAD csum+tso6\n"
		 "ioctl q0 TUNGETSNDBUF\nexpect step ok value=4096\n"
		 "ioctl q0 TUNSETIFF\n");
	s = &c->steps[3];
	assert_int_equal(s->kind, STEP_IOCTL);
	assert_false(s->u.ioctl.has_arg);
	assert_int_equal(c->steps[4].u.expect.has, 0x1001);
	assert_int_equal(c->steps[4].u.expect.lacks, 0x0800);
	assert_int_equal(c->steps[4].u.expect.value, -1);
	assert_int_equal(c->steps[5].u.ioctl.arg, 0x200);
	assert_int_equal(c->steps[7].u.ioctl.arg, 0);
	assert_true(c->steps[7].u.ioctl.has_arg);
	assert_int_equal(c->steps[8].u.ioctl.n_macs, 2);
	assert_int_equal(c->steps[8].u.ioctl.macs[1][5], 0x0a);
	assert_int_equal(c->steps[9].u.ioctl.arg, 0x05);
	assert_int_equal(c->steps[11].u.expect.value, 4096);
	assert_false(c->steps[12].u.ioctl.has_arg);
	case_free(c);
	bad(H "ioctl q0 TUNGETIF\n", 5, 10, "unknown ioctl 'TUNGETIF'");
	bad(H "ioctl q0 TUNSETPERSIST\n", 5, 0, "needs on|off");
	bad(H "ioctl q0 TUNGETIFF 1\n", 5, 20, "takes no argument");
	bad(H "ioctl q0 TUNSETQUEUE attach-queue+bogus\n", 5, 35,
	    "unknown tun flag 'bogus'");
	bad(H "ioctl q0 TUNSETOFFLOAD tso\n", 5, 24,
	    "unknown offload flag 'tso'");
	bad(H "ioctl q0 TUNSETTXFILTER 02:00:00:00:00\n", 5, 25,
	    "not a MAC address");
	bad(H "ioctl q0 TUNSETSNDBUF n=1\n", 5, 23, "bare word");
	/* values only after a step that reads them */
	bad(H "ioctl q0 TUNSETSNDBUF 1\nexpect step ok value=1\n", 6, 16,
	    "reads no value back");
	bad(H "ioctl q0 TUNGETSNDBUF\nexpect step ok has=tun\n", 6, 16,
	    "reads back no named flags");
	bad(H "ioctl q0 TUNGETIFF\nexpect step ok len=1\n", 6, 16,
	    "follow a read step");
	bad(H "ioctl q0 TUNGETIFF\nexpect step errno=EIO value=1\n", 6, 0,
	    "values need ok");
	bad(H "ioctl q0 TUNGETIFF\nexpect step ok has=tun lacks=tun\n", 6, 0,
	    "share a bit");
}

/* read Q ...; write iov=; expect step len= class= after a read. */
static void test_read_step(void **state)
{
	struct case_diag d;
	struct case_file *c;

	(void)state;
	c = OK(H "read q0\nexpect step errno=EINTR\n"
		 "read q0 size=0 nonblock\nexpect step ok len=0\n"
		 "read q0 iov=3 size=90 within=100ms\n"
		 "expect step ok len=84 class=icmp-reply\n"
		 "write q0 hex=4500 size=8388608 iov=4\n");
	assert_int_equal(c->steps[3].u.read.size, 65536);
	assert_int_equal(c->steps[3].u.read.window_ns, 2000 * MS);
	assert_false(c->steps[3].u.read.nonblock);
	assert_true(c->steps[5].u.read.nonblock);
	assert_int_equal(c->steps[5].u.read.size, 0);
	assert_int_equal(c->steps[6].u.expect.len, 0);
	assert_int_equal(c->steps[7].u.read.iov, 3);
	assert_int_equal(c->steps[8].u.expect.proto, PROTO_ICMP_REPLY);
	assert_int_equal(c->steps[9].u.write.len, 8388608);
	assert_int_equal(c->steps[9].u.write.iov, 4);
	/* 2 s (slack) + 2 s (read) + 100 ms (read) */
	assert_int_equal(c->deadline_ns, 4100 * MS);
	case_free(c);
	bad(H "read q0 nonblock within=1s\n", 5, 18, "does not wait");
	bad(H "read q0 size=2 iov=3\n", 5, 16, "iov=3 parts for 2 bytes");
	bad(H "write q0 hex=4500 iov=3\n", 5, 19, "parts for fewer bytes");
	bad(H "read q0\nexpect step ok class=bogus\n", 6, 16, "not one of");
	bad(H "expect r0 reads any count=1 within=1s len=0\n", 5, 39,
	    "len=0 counts no packet");
}

/* Packet filters on reads and on expect step after a read. */
static void test_packet_filters(void **state)
{
	struct case_diag d;
	struct case_file *c;
	const struct expect *e;

	(void)state;
	c = OK(H "expect r0 reads other count=1 within=1s icmp-type=133 "
		 "dst=ff02::2\n"
		 "read q0\nexpect step ok pi-flags=strip src=198.18.0.1 "
		 "frag=middle\n"
		 "expect r0 reads udp count=1 within=1s\n");
	e = &c->steps[3].u.expect;
	assert_int_equal(e->icmp_type, 133);
	assert_int_equal(e->dst.family, AF_INET6);
	assert_int_equal(e->src.family, 0);
	assert_int_equal(e->pi_flags, -1);
	assert_int_equal(e->frag, -1);
	e = &c->steps[5].u.expect;
	assert_int_equal(e->pi_flags, 1);
	assert_int_equal(e->frag, FRAG_MIDDLE);
	assert_v4(&e->src, "198.18.0.1");
	e = &c->steps[6].u.expect;
	assert_int_equal(e->icmp_type, -1);
	case_free(c);
	bad(H "expect r0 reads any count=1 within=1s icmp-type=256\n", 5, 39,
	    "out of range");
	bad(H "expect r0 reads any count=1 within=1s pi-flags=cut\n", 5, 39,
	    "not a number");
	bad(H "expect r0 reads any count=1 within=1s frag=all\n", 5, 39,
	    "not one of");
	bad(H "expect r0 reads any count=1 within=1s dst=198.18.0.0/24\n", 5,
	    39, "");
	bad(H "detach q0\nexpect step ok dst=198.18.0.1\n", 6, 16,
	    "follow a read step");
	bad(H "read q0\nexpect step errno=EAGAIN frag=first\n", 6, 0,
	    "values need ok");
	bad(H "expect r0 wakes min=1 within=1s dst=198.18.0.1\n", 5, 33, "dst");
}

/* reader wait=step retry=DUR, and the wait step. */
static void test_wait_step(void **state)
{
	struct case_diag d;
	struct case_file *c;

	(void)state;
	c = OK("case c\ntun t0\nopen q0 device=t0\n"
	       "reader r0 queue=q0 wait=step retry=5ms errors=retry\n"
	       "wait r0\nwait r0 count=3\nwait r0 count=all\n");
	assert_true(c->steps[2].u.reader.wait_step);
	assert_int_equal(c->steps[2].u.reader.retry_ns, 5 * MS);
	assert_int_equal(c->steps[2].u.reader.n_params, 1); /* errors= */
	assert_int_equal(c->steps[3].kind, STEP_WAIT);
	assert_int_equal(c->steps[3].u.wait.count, 1);
	assert_int_equal(c->steps[4].u.wait.count, 3);
	assert_int_equal(c->steps[5].u.wait.count, -1);
	assert_int_equal(c->steps[5].ref.reader, 0);
	case_free(c);
	bad(H "wait r0\n", 5, 6, "waits on its own (wait=auto)");
	bad(H "wait q0\n", 5, 6, "");
	bad("case c\ntun t0\nopen q0 device=t0\nreader r0 queue=q0 "
	    "wait=step\nwait r0 count=0\n",
	    5, 9, "out of range");
	bad("case c\ntun t0\nopen q0 device=t0\nreader r0 queue=q0 "
	    "wait=later\n",
	    4, 20, "not one of");
}

/* kernel= on expect and xfail lines: the kernels they hold on. */
static void test_kernel_ranges(void **state)
{
	struct case_diag d;
	struct case_file *c;
	const struct expect *e;
	unsigned v5_10[2] = { 5, 10 }, v6_1[2] = { 6, 1 }, v6_18[2] = { 6, 18 };

	(void)state;
	c = OK(H "expect t0 link up kernel=5.13-6.2\n"
		 "xfail epoll-et kernel=-6.1: state: old kernels\n"
		 "xfail read: state: everywhere\n"
		 "expect r0 wakes min=1 within=1s kernel=6.0-\n");
	e = &c->steps[3].u.expect;
	assert_false(case_krange_has(&e->kernel, v5_10));
	assert_true(case_krange_has(&e->kernel, v6_1));
	assert_false(case_krange_has(&e->kernel, v6_18));
	assert_string_equal(expect_xfail_reason(e, "epoll-et", v5_10),
			    "state: old kernels");
	assert_null(expect_xfail_reason(e, "epoll-et", v6_1));
	assert_non_null(expect_xfail_reason(e, "epoll-et", NULL));
	assert_non_null(expect_xfail_reason(e, "read", v6_18));
	assert_true(expect_xfails(e, "epoll-et"));
	e = &c->steps[4].u.expect;
	assert_true(case_krange_has(&e->kernel, v6_18));
	assert_false(case_krange_has(&e->kernel, v5_10));
	case_free(c);
	bad(H "expect t0 link up kernel=6.2-5.13\n", 5, 19,
	    "not a kernel range");
	bad(H "expect t0 link up kernel=6\n", 5, 19, "not a kernel range");
	bad(H "expect t0 link up kernel=-\n", 5, 19, "not a kernel range");
	bad(H "expect t0 link up\nxfail read kernel=x: reason\n", 6, 12,
	    "not a kernel range");
}

/* reads conserve[=P%] and quiet=DUR|never. */
static void test_conserve_quiet(void **state)
{
	struct case_diag d;
	struct case_file *c;

	(void)state;
	c = OK(H "expect r0 reads udp count=10 within=1s conserve\n"
		 "expect r0 reads udp count=10 within=1s conserve=90% "
		 "quiet=never\n"
		 "expect r0 reads udp count=10 within=5s quiet=2s\n");
	assert_true(c->steps[3].u.expect.conserve);
	assert_int_equal(c->steps[3].u.expect.conserve_pct, 0);
	assert_int_equal(c->steps[3].u.expect.quiet_ns, 0);
	assert_int_equal(c->steps[4].u.expect.conserve_pct, 90);
	assert_true(c->steps[4].u.expect.quiet_ns == UINT64_MAX);
	assert_false(c->steps[5].u.expect.conserve);
	assert_int_equal(c->steps[5].u.expect.quiet_ns, 2000 * MS);
	case_free(c);
	bad(H "expect r0 reads udp count=1 within=1s conserve=0%\n", 5, 39,
	    "not a percentage");
	bad(H "expect r0 reads udp count=1 within=1s conserve=90\n", 5, 39,
	    "not a percentage");
	bad(H "expect r0 reads udp count=1 within=1s quiet=soon\n", 5, 39,
	    "quiet");
	bad(H "expect r0 wakes min=1 within=1s conserve\n", 5, 33, "conserve");
}

/* tun persist=/no-carrier, attach how=, link carrier|multicast|arp. */
static void test_device_lifetime(void **state)
{
	struct case_diag d;
	struct case_file *c;

	(void)state;
	c = OK("case c\ntun t0 persist=no no-carrier\ntun t1 persist=yes\n"
	       "open q0 device=t0 attach=later\nattach q0 how=setqueue\n"
	       "attach q0\nattach q0 how=setiff\n"
	       "link t0 carrier off\nlink t1 multicast on\nlink t0 arp on\n"
	       "expect t0 link gone\nexpect t1 link down\n");
	assert_true(c->steps[0].u.tun.transient);
	assert_true(c->steps[0].u.tun.no_carrier);
	assert_false(c->steps[1].u.tun.transient);
	assert_int_equal(c->steps[3].u.attach.how, 2);
	assert_int_equal(c->steps[4].u.attach.how, 0);
	assert_int_equal(c->steps[5].u.attach.how, 1);
	assert_int_equal(c->steps[6].u.link.op, LINK_CARRIER);
	assert_false(c->steps[6].u.link.on);
	assert_int_equal(c->steps[7].u.link.op, LINK_MULTICAST);
	assert_true(c->steps[7].u.link.on);
	assert_int_equal(c->steps[8].u.link.op, LINK_ARP);
	assert_int_equal(c->steps[9].u.expect.state, 2);
	assert_false(c->steps[9].u.expect.negate);
	assert_true(c->steps[10].u.expect.negate);
	case_free(c);
	bad("case c\ntun t0\nlink t0 carrier\n", 3, 17, "needs on or off");
	bad("case c\ntun t0\nlink t0 up on\n", 3, 12, "unexpected argument");
	bad("case c\ntun t0 persist=maybe\n", 2, 8, "not one of");
	bad(H "attach q0 how=tunsetiff\n", 5, 11, "not one of");
	bad("case c\ntun snmp\n", 2, 5, "'snmp' is reserved");
	c = OK("case c\ntun t0 tap\ntun t1 tap peer-mac=02:00:00:00:00:0b "
	       "neigh=answer\nexpect t1 link down\n");
	assert_int_equal(c->steps[0].u.tun.neigh, NEIGH_STATIC);
	assert_int_equal(c->steps[0].u.tun.peer_mac[0], 0x02);
	assert_int_equal(c->steps[0].u.tun.peer_mac[5], 0x01);
	assert_int_equal(c->steps[1].u.tun.neigh, NEIGH_ANSWER);
	assert_int_equal(c->steps[1].u.tun.peer_mac[5], 0x0b);
	case_free(c);
	bad("case c\ntun t0 neigh=none\n", 2, 8, "for a tap");
	bad("case c\ntun t0 tap peer-mac=02:00:00:00:00\n", 2, 12,
	    "not a MAC address");
	bad("case c\ntun t0 tap neigh=arp\n", 2, 12, "not one of");
}

/* carrier, operstate, flags, poll/writable, counter, snmp. */
static void test_state_expectations(void **state)
{
	struct case_diag d;
	struct case_file *c;

	(void)state;
	c = OK(H "expect t0 carrier on\nexpect t0 operstate lowerlayerdown "
		 "within=1s\n"
		 "expect t0 flags has=up+running+lower-up lacks=noarp\n"
		 "expect q0 poll events=in+out has=out lacks=err+nval\n"
		 "expect q0 writable\nexpect q0 not-writable within=1s\n"
		 "expect t0 counter tx_dropped min=3 max=3 within=1s\n"
		 "expect t0 counter rx_packets max=0\n"
		 "expect snmp Icmp6.InEchos min=1\n");
	assert_int_equal(c->steps[3].u.expect.kind, EXPECT_CARRIER);
	assert_int_equal(c->steps[3].u.expect.state, 1);
	assert_int_equal(c->steps[4].u.expect.state, 3);
	assert_int_equal(c->steps[5].u.expect.has, 0x10041);
	assert_int_equal(c->steps[5].u.expect.lacks, 0x80);
	assert_int_equal(c->steps[6].u.expect.events, 0x5);
	assert_int_equal(c->steps[6].u.expect.lacks, 0x28);
	assert_int_equal(c->steps[7].u.expect.has, 0x4);
	assert_int_equal(c->steps[8].u.expect.lacks, 0x4);
	assert_int_equal(c->steps[9].u.expect.kind, EXPECT_COUNTER);
	assert_int_equal(c->steps[9].u.expect.counter, 7);
	assert_int_equal(c->steps[9].u.expect.count, 3);
	assert_int_equal(c->steps[9].u.expect.max, 3);
	assert_int_equal(c->steps[10].u.expect.count, 0);
	assert_int_equal(c->steps[10].u.expect.max, 0);
	assert_int_equal(c->steps[11].u.expect.counter, -1);
	assert_string_equal(c->steps[11].u.expect.snmp, "Icmp6.InEchos");
	assert_int_equal(c->steps[11].u.expect.subject_ref, -1);
	case_free(c);
	c = OK(H "expect t0 addresses usable within=2s\n"
		 "expect t0 addresses pending\n");
	assert_int_equal(c->steps[3].u.expect.kind, EXPECT_ADDRS);
	assert_int_equal(c->steps[3].u.expect.state, 0);
	assert_int_equal(c->steps[3].u.expect.window_ns, 2000 * MS);
	assert_int_equal(c->steps[4].u.expect.state, 1);
	case_free(c);
	bad(H "expect t0 addresses ready\n", 5, 21, "not one of");
	bad(H "expect t0 operstate sideways\n", 5, 21, "not one of");
	bad(H "expect t0 flags\n", 5, 0, "needs has=BITS or lacks=BITS");
	bad(H "expect t0 flags has=up+fast\n", 5, 24, "unknown link flag");
	bad(H "expect q0 poll within=1s\n", 5, 0, "needs has=BITS");
	bad(H "expect t0 counter tx_drops min=1\n", 5, 19,
	    "unknown counter 'tx_drops'");
	bad(H "expect t0 counter tx_dropped\n", 5, 0, "needs min=N or max=N");
	bad(H "expect t0 counter tx_dropped min=0\n", 5, 30, "cannot fail");
	bad(H "expect t0 counter tx_dropped min=2 max=1\n", 5, 36, "less than");
	bad(H "expect snmp InEchos min=1\n", 5, 13, "not GROUP.NAME");
	bad(H "expect snmp Ip.In/Echos min=1\n", 5, 13, "not GROUP.NAME");
	bad(H "expect r0 carrier on\n", 5, 8, "");
}

/* wakes every=/some=/none=: poll bits by name or as a mask. */
static void test_wake_values(void **state)
{
	struct case_diag d;
	struct case_file *c =
		parse(H "expect r0 wakes min=1 within=1s every=err+hup "
			"some=in none=0x20\n"
			"expect r0 wakes min=0 within=1s\n",
		      &d);
	const struct expect *e;
	char buf[64];

	(void)state;
	if (!c)
		fail_msg("%u:%u: %s (%s)", d.line, d.col, d.msg, d.hint);
	e = &c->steps[3].u.expect;
	assert_int_equal(e->every, 0x18);
	assert_int_equal(e->some, 0x1);
	assert_int_equal(e->none, 0x20);
	e = &c->steps[4].u.expect;
	assert_int_equal(e->every | e->some | e->none, 0);
	case_free(c);
	assert_string_equal(wake_names(0x2019, buf, sizeof(buf)),
			    "in+err+hup+rdhup");
	assert_string_equal(wake_names(0x40008, buf, sizeof(buf)),
			    "err+0x40000");
	assert_string_equal(wake_names(0, buf, sizeof(buf)), "0");
	c = parse(H "expect r0 wakes min=1 within=1s every=err+fast\n", &d);
	assert_null(c);
	assert_int_equal(d.line, 5);
	assert_int_equal(d.col, 43); /* at fast */
	assert_string_equal(d.msg, "every: unknown wake bit 'fast'");
	c = parse(H "expect r0 wakes min=1 within=1s some=0\n", &d);
	assert_null(c);
	c = parse(H "expect r0 reads any count=1 within=1s every=err\n", &d);
	assert_null(c); /* only wakes takes values */
}

/* pingpong Q count=N [size=N]: stored as an icmp-echo send into Q. */
static void test_pingpong(void **state)
{
	struct case_diag d;
	struct case_file *c = parse(H "pingpong q0 count=1000 size=100\n"
				      "pingpong q0 count=1000000\n",
				    &d);
	const struct step *s;

	(void)state;
	if (!c)
		fail_msg("%u:%u: %s (%s)", d.line, d.col, d.msg, d.hint);
	s = &c->steps[3];
	assert_int_equal(s->kind, STEP_PINGPONG);
	assert_int_equal(s->line, 5);
	assert_string_equal(s->name2, "q0");
	assert_int_equal(s->u.send.proto, PROTO_ICMP_ECHO);
	assert_int_equal(s->u.send.count, 1000);
	assert_int_equal(s->u.send.size, 100);
	assert_int_equal(s->u.send.to.family, 0); /* device defaults */
	assert_int_equal(c->steps[4].u.send.count, 1000000);
	assert_int_equal(c->steps[4].u.send.size, 56);
	assert_int_equal(c->deadline_ns, 60000 * MS); /* capped */
	case_free(c);
	c = parse(H "pingpong q0 count=1000\n", &d);
	assert_non_null(c); /* slack 2 s, 1 s for a lost reply, 1 ms each */
	assert_int_equal(c->deadline_ns, 4000 * MS);
	case_free(c);
	assert_null(parse(H "pingpong q0 count=1000001\n", &d));
	assert_int_equal(d.line, 5);
	assert_int_equal(d.col, 13);
	assert_non_null(strstr(d.msg, "out of range (1..1000000)"));
	assert_null(parse(H "pingpong q0 size=8\n", &d));
	assert_non_null(strstr(d.msg, "pingpong needs count=N"));
	assert_null(parse(H "pingpong r0 count=1\n", &d));
	assert_non_null(strstr(d.msg, "'r0' is a reader, not a queue"));
}

static void test_rearm_and_backends(void **state)
{
	const char t[] = "case r\nbackends epoll-lt epoll-et\n"
			 "tun t0\nopen q0 device=t0\nreader r0 queue=q0\n"
			 "rearm r0 how=readd\nrearm r0 how=mod\n";
	struct case_diag d = { 0 };
	struct case_file *c = case_parse("r.case", t, strlen(t), &d);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->n_only, 2);
	assert_true(case_runs_on(c, "epoll-et"));
	assert_false(case_runs_on(c, "read"));
	assert_int_equal(c->steps[3].kind, STEP_REARM);
	assert_int_equal(c->steps[3].u.rearm.how, TUNCHECK_REARM_READD);
	assert_int_equal(c->steps[4].u.rearm.how, TUNCHECK_REARM_MOD);
	case_free(c);
	assert_null(case_parse("r.case", "case r\ntun t0\nrearm t0 how=mod\n",
			       30, &d));
	assert_int_equal(d.line, 3);
}

static void test_fault(void **state)
{
	const char t[] = H "fault r0 wait errno=EINTR every=3 from=2 to=9\n"
			   "fault controller write short=10 queue=q0\n"
			   "fault r0 read delay=20ms percent=50 seed=7\n"
			   "fault r0 read+readv errno=ENOTSUP\n";
	struct case_diag d = { 0 };
	struct case_file *c = case_parse("f.case", t, strlen(t), &d);
	const struct step *s;

	(void)state;
	if (!c)
		fail_msg("%u:%u: %s", d.line, d.col, d.msg);
	s = &c->steps[3];
	assert_int_equal(s->kind, STEP_FAULT);
	assert_false(s->u.fault.controller);
	assert_int_equal(s->ref.reader, 0);
	assert_int_equal(s->u.fault.action, FAULT_ERRNO);
	assert_int_equal(s->u.fault.err, EINTR);
	/* wait: every call a wait primitive may use */
	assert_true(s->u.fault.calls & (1u << FAULT_POLL));
	assert_true(s->u.fault.calls & (1u << FAULT_EPOLL_PWAIT2));
	assert_false(s->u.fault.calls & (1u << FAULT_READ));
	assert_int_equal(s->u.fault.every, 3);
	assert_int_equal(s->u.fault.from, 2);
	assert_int_equal(s->u.fault.to, 9);
	s = &c->steps[4];
	assert_true(s->u.fault.controller);
	assert_int_equal(s->ref.queue, 0);
	assert_int_equal(s->u.fault.action, FAULT_SHORT);
	assert_int_equal(s->u.fault.short_len, 10);
	assert_int_equal(s->u.fault.calls, 1u << FAULT_WRITE);
	assert_int_equal(s->u.fault.nth, 1); /* the default schedule */
	s = &c->steps[5];
	assert_int_equal(s->u.fault.action, FAULT_DELAY);
	assert_int_equal(s->u.fault.delay_ns, 20 * MS);
	assert_int_equal(s->u.fault.percent, 50);
	assert_int_equal(s->u.fault.seed, 7);
	s = &c->steps[6];
	assert_int_equal(s->u.fault.err, EOPNOTSUPP); /* an alias */
	case_free(c);
}

static void test_vnet_words(void **state)
{
	const char t[] = "case v\ntun t0 addr=198.18.0.1/24 vnet-hdr\n"
			 "open q0 device=t0\nreader r0 queue=q0\n"
			 "send udp from-ns to=198.18.0.2 size=4000 gso=1000\n"
			 "expect r0 reads udp count=1 within=1s gso=udp-l4 "
			 "gso-size=1000 hdr-len=28 csum=partial csum-start=20 "
			 "csum-offset=6\n"
			 "expect r0 reads udp count=1 within=1s\n";
	struct case_diag d = { 0 };
	struct case_file *c = case_parse("v.case", t, strlen(t), &d);
	const struct expect *e;

	(void)state;
	if (!c)
		fail_msg("%u:%u: %s", d.line, d.col, d.msg);
	assert_true(c->steps[0].u.tun.vnet_hdr);
	assert_int_equal(c->steps[3].u.send.gso, 1000);
	e = &c->steps[4].u.expect;
	assert_int_equal(e->gso, 4); /* the index in CASE_GSO_TYPES */
	assert_int_equal(e->csum, 1);
	assert_int_equal(e->gso_size, 1000);
	assert_int_equal(e->hdr_len, 28);
	assert_int_equal(e->csum_start, 20);
	assert_int_equal(e->csum_offset, 6);
	assert_int_equal(e->vnet_set, 0x3f);
	e = &c->steps[5].u.expect; /* no filter: any */
	assert_int_equal(e->vnet_set, 0);
	case_free(c);
	{
		const char b1[] = "case v\ntun t0 addr=198.18.0.1/24\n"
				  "send icmp-echo from-ns to=198.18.0.2 "
				  "gso=100\n";
		const char b2[] = "case v\ntun t0 addr=198.18.0.1/24\n"
				  "open q0 device=t0\nreader r0 queue=q0\n"
				  "expect r0 reads udp count=1 within=1s "
				  "gso=tso\n";

		assert_null(case_parse("v.case", b1, strlen(b1), &d));
		assert_non_null(strstr(d.msg, "gso= (UDP_SEGMENT) is for udp"));
		assert_null(case_parse("v.case", b2, strlen(b2), &d));
		assert_non_null(strstr(d.msg, "tso"));
	}
	assert_int_equal(d.line, 5);
}

static void test_link_txqlen(void **state)
{
	const char t[] = "case l\ntun t0\nlink t0 txqlen 1000\n";
	const char bad[] = "case l\ntun t0\nlink t0 txqlen 0\n";
	struct case_diag d = { 0 };
	struct case_file *c = case_parse("l.case", t, strlen(t), &d);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->steps[1].u.link.op, LINK_TXQLEN);
	assert_int_equal(c->steps[1].u.link.txqlen, 1000);
	case_free(c);
	assert_null(case_parse("l.case", bad, strlen(bad), &d));
	assert_int_equal(d.line, 3);
	assert_int_equal(d.col, 16);
}

static void test_flows_words(void **state)
{
	const char t[] = "case f\ntun t0 multi-queue addr=198.18.0.1/24\n"
			 "open q0 device=t0\nopen q1 device=t0\n"
			 "reader r0 queue=q0\nreader r1 queue=q1\n"
			 "send udp from-ns to=198.18.0.2 count=5 flows=16\n"
			 "expect flows r0+r1 count=80 within=2s spread=2 "
			 "isolated\n";
	static const char *const bad[][2] = {
		{ "expect flows r0 count=1 within=1s\n",
		  "name two readers or more" },
		{ "expect flows r0+r0 count=1 within=1s\n", "'r0' twice" },
		{ "expect flows r0+r9 count=1 within=1s\n", "r9" },
		{ "expect flows r0+r1 within=1s\n", "count" },
		{ "send icmp-echo from-ns to=198.18.0.2 flows=2\n",
		  "flows= (one socket each) is for udp from-ns only" },
	};
	struct case_diag d = { 0 };
	struct case_file *c = case_parse("f.case", t, strlen(t), &d);
	const struct expect *e;
	char text[512];

	(void)state;
	if (!c)
		fail_msg("%u:%u: %s", d.line, d.col, d.msg);
	assert_int_equal(c->steps[5].u.send.flows, 16);
	e = &c->steps[6].u.expect;
	assert_int_equal(e->kind, EXPECT_FLOWS);
	assert_int_equal(e->readers, 0x3);
	assert_int_equal(e->count, 80);
	assert_int_equal(e->spread, 2);
	assert_true(e->isolated);
	case_free(c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "case f\ntun t0 multi-queue addr=198.18.0.1/24\n"
			 "open q0 device=t0\nopen q1 device=t0\n"
			 "reader r0 queue=q0\nreader r1 queue=q1\n%s",
			 bad[i][0]);
		assert_null(case_parse("f.case", text, strlen(text), &d));
		if (!strstr(d.msg, bad[i][1]))
			fail_msg("'%s': got '%s'", bad[i][0], d.msg);
		assert_int_equal(d.line, 7);
	}
}

int main(void)
{
	static const struct CMUnitTest named[] = {
		cmocka_unit_test(test_flows_words),
		cmocka_unit_test(test_link_txqlen),
		cmocka_unit_test(test_vnet_words),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_every_directive),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_deadline_capped),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_too_many_steps),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_eacces),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_proto_names),
		cmocka_unit_test(test_diag_untouched_on_success),
		cmocka_unit_test(test_kernel_directive),
		cmocka_unit_test(test_reader_options),
		cmocka_unit_test(test_rearm_and_backends),
		cmocka_unit_test(test_pingpong),
		cmocka_unit_test(test_wake_values),
		cmocka_unit_test(test_expect_step),
		cmocka_unit_test(test_ioctl_step),
		cmocka_unit_test(test_read_step),
		cmocka_unit_test(test_conserve_quiet),
		cmocka_unit_test(test_packet_filters),
		cmocka_unit_test(test_wait_step),
		cmocka_unit_test(test_kernel_ranges),
		cmocka_unit_test(test_device_lifetime),
		cmocka_unit_test(test_state_expectations),
		cmocka_unit_test(test_object_limits),
		cmocka_unit_test(test_load_fifo),
	};
	enum { N_NAMED = sizeof(named) / sizeof(named[0]) };
	struct CMUnitTest tests[N_NAMED + N_BAD];

	/* the named tests, then one per malformed case, named after it */
	memcpy(tests, named, sizeof(named));
	for (size_t i = 0; i < N_BAD; i++)
		tests[N_NAMED + i] = (struct CMUnitTest){
			.name = bad_cases[i].name,
			.test_func = test_bad_case,
			.initial_state = (void *)&bad_cases[i],
		};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
