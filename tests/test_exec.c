// SPDX-License-Identifier: MIT
/*
 * The exec protocol: line parsing, backend naming, and whole runs of small
 * shell programs from tests/plugins/ (no sandbox: the queue is a pipe).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "errname.h"
#include "exec.h"

static uint8_t pkt[EXEC_READ_MAX];

/* Parse a copy of text; returns exec_line_parse()'s result. */
static int parse(const char *text, struct tuncheck_event *ev, char *why)
{
	char line[256];

	snprintf(line, sizeof(line), "%s", text);
	why[0] = 0;
	return exec_line_parse(line, ev, pkt, why, 160);
}

static void test_parse_events(void **state)
{
	struct tuncheck_event ev;
	char why[160];

	(void)state;
	assert_int_equal(parse("ready", &ev, why), 1);
	assert_int_equal(ev.type, TUNCHECK_EV_READY);
	assert_int_equal(ev.value, 0);
	/* protocol 2: a version, then capabilities */
	assert_int_equal(parse("ready 2", &ev, why), 1);
	assert_int_equal(ev.value, 0);
	assert_int_equal(parse("ready 1", &ev, why), 1);
	assert_int_equal(parse("ready 2 no-wakes", &ev, why), 1);
	assert_int_equal(ev.value, TUNCHECK_READY_NO_WAKES);
	assert_int_equal(parse("ready 2 rearm no-wakes", &ev, why), 1);
	assert_int_equal(ev.value, TUNCHECK_READY_NO_WAKES | EXEC_READY_REARM);
	assert_int_equal(parse("ready 2 rearm", &ev, why), 1);
	assert_int_equal(ev.value, EXEC_READY_REARM);
	assert_int_equal(parse("wake", &ev, why), 1);
	assert_int_equal(ev.type, TUNCHECK_EV_WAKE);
	assert_int_equal(ev.value, 0);
	assert_int_equal(parse("wake 0x19\r", &ev, why), 1);
	assert_int_equal(ev.value, 0x19);
	assert_int_equal(parse("read 3 4500fF", &ev, why), 1);
	assert_int_equal(ev.type, TUNCHECK_EV_READ);
	assert_int_equal(ev.len, 3);
	assert_memory_equal(ev.data, "\x45\x00\xff", 3);
	memset(pkt, 0xaa, 4);
	assert_int_equal(parse("read 4", &ev, why), 1);
	assert_memory_equal(ev.data, "\0\0\0\0", 4);
	assert_int_equal(parse("error EBADFD", &ev, why), 1);
	assert_int_equal(ev.type, TUNCHECK_EV_ERROR);
	assert_int_equal(ev.err, EBADFD);
	assert_int_equal(parse("return", &ev, why), 1);
	assert_int_equal(ev.type, TUNCHECK_EV_RETURN);
	assert_int_equal(ev.err, 0);
	assert_int_equal(parse("return ok", &ev, why), 1);
	assert_int_equal(ev.err, 0);
	assert_int_equal(parse("return EIO", &ev, why), 1);
	assert_int_equal(ev.err, EIO);
	/* other tables' names, numbers, and errors without an errno */
	assert_int_equal(parse("error ENOTSUP", &ev, why), 1);
	assert_int_equal(ev.err, EOPNOTSUPP);
	assert_int_equal(parse("error EWOULDBLOCK", &ev, why), 1);
	assert_int_equal(ev.err, EAGAIN);
	assert_int_equal(parse("error 95", &ev, why), 1);
	assert_int_equal(ev.err, 95);
	assert_int_equal(parse("return 5", &ev, why), 1);
	assert_int_equal(ev.err, EIO);
	assert_int_equal(parse("error - UNKNOWN: bad thing", &ev, why), 1);
	assert_int_equal(ev.type, TUNCHECK_EV_ERROR);
	assert_int_equal(ev.err, TUNCHECK_ERR_NONE);
	assert_string_equal(errno_name(ev.err), "no-errno");
	assert_int_equal(parse("", &ev, why), 0);
	assert_int_equal(parse("  # note", &ev, why), 0);
}

static void test_parse_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "wkae", "unknown event 'wkae'" },
		{ "ready now", "ready: protocol version 'now' is not one this "
			       "tuncheck speaks (1, 2)" },
		{ "ready 3", "ready: protocol version '3' is not one this "
			     "tuncheck speaks (1, 2)" },
		{ "ready 1 no-wakes", "ready: protocol 1 has no capabilities "
				      "('no-wakes'); say 'ready 2 no-wakes'" },
		{ "ready 2 no-wake", "ready: unknown capability 'no-wake' "
				     "(no-wakes, rearm)" },
		{ "ready 2 rearm no-wakes x",
		  "ready: unexpected argument 'x'" },
		{ "wake -1", "wake: '-1' is not a revents mask" },
		{ "wake 1 2", "wake: unexpected argument '2'" },
		{ "read", "read: needs a length" },
		{ "read -1", "read: '-1' is not a length (0..65536)" },
		{ "read 65537", "read: '65537' is not a length (0..65536)" },
		/* found by fuzz_exec: blanks strtoul skips hid the sign */
		{ "read \f-18446744073709551615",
		  "read: '\f-184467440737095516' is not a length (0..65536)" },
		{ "read \v-0", "read: '\v-0' is not a length (0..65536)" },
		{ "read +4", "read: '+4' is not a length (0..65536)" },
		{ "read 4 dead", "read: length 4 but the hex has 2 bytes" },
		{ "read 2 abc", "read: length 2 but the hex has 1.5 bytes" },
		{ "read 2 ab0g", "read: '0g' at offset 2 is not hex" },
		{ "read 1 ab cd", "read: unexpected argument 'cd'" },
		{ "error",
		  "error: needs an errno (EBADFD, 77) or '- MESSAGE'" },
		{ "error EBADFX",
		  "error: 'EBADFX' is not an errno name (EBADFD, "
		  "ENOTSUP) or number" },
		{ "return 0", "return: '0' is not an errno name (EBADFD, "
			      "ENOTSUP) or number" },
		{ "error 4095", "error: '4095' is not an errno name (EBADFD, "
				"ENOTSUP) or number" },
		{ "error 07", "error: '07' is not an errno name (EBADFD, "
			      "ENOTSUP) or number" },
	};
	struct tuncheck_event ev;
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i][0], &ev, why), -EINVAL);
		assert_string_equal(why, bad[i][1]);
	}
}

static void test_new(void **state)
{
	const struct tuncheck_backend_ops *ops;
	char err[512] = "";

	(void)state;
	ops = backend_exec_new("exec:sh tests/plugins/events.sh", err,
			       sizeof(err));
	assert_non_null(ops);
	assert_string_equal(ops->name, "exec-events.sh");
	assert_int_equal(ops->abi_version, TUNCHECK_BACKEND_ABI);
	assert_non_null(ops->run);
	assert_non_null(ops->close);
	ops = backend_exec_new("exec:true", err, sizeof(err));
	assert_non_null(ops);
	assert_string_equal(ops->name, "exec-true");
	assert_null(backend_exec_new("exec:  ", err, sizeof(err)));
	assert_non_null(strstr(err, "name a program"));
	assert_null(backend_exec_new("exec:./tests/plugins/nope.sh", err,
				     sizeof(err)));
	assert_string_equal(err, "exec:./tests/plugins/nope.sh: cannot run "
				 "'./tests/plugins/nope.sh': No such file or "
				 "directory");
}

/* ---- whole runs: emit and fail hooks that record ---------------------- */

static struct tuncheck_event seen[16];
static uint8_t seen_data[16][4];
static size_t n_seen;
static char fail_msg[512];
static jmp_buf fail_jmp;
static const struct tuncheck_backend_ops *run_ops;

/* Record an event; on READY, do the case's close step at once. */
static int rec_emit(struct tuncheck_reader *r, const struct tuncheck_event *ev)
{
	if (n_seen < 16) {
		seen[n_seen] = *ev;
		memcpy(seen_data[n_seen], ev->data ? ev->data : "",
		       ev->len < 4 ? ev->len : 4);
		n_seen++;
	}
	if (ev->type == TUNCHECK_EV_READY && r->params && run_ops->close)
		assert_int_equal(run_ops->close(r), 0);
	return 0;
}

static void rec_fail(struct tuncheck_reader *r, const char *msg)
{
	(void)r;
	snprintf(fail_msg, sizeof(fail_msg), "%s", msg);
	longjmp(fail_jmp, 1);
}

/* Run spec on a pipe's write end as the queue; 1 if it called fail. */
static int run_spec(const char *spec, bool close_on_ready, int *ret, int q[2])
{
	static const char *const params[] = { "a=1", "b=2" };
	static struct tuncheck_reader r;
	char err[512];

	run_ops = backend_exec_new(spec, err, sizeof(err));
	assert_non_null(run_ops);
	assert_int_equal(pipe(q), 0);
	r = (struct tuncheck_reader){
		.ops = run_ops,
		.fd = q[1],
		.bufsize = 1500,
		.drain = TUNCHECK_DRAIN_ONE,
		.params = close_on_ready ? params : NULL,
		.n_params = close_on_ready ? 2 : 0,
		.emit = rec_emit,
		.fail = rec_fail,
	};
	n_seen = 0;
	fail_msg[0] = 0;
	if (setjmp(fail_jmp)) {
		free(r.backend_data); /* the job would have ended */
		return 1;
	}
	*ret = run_ops->run(&r);
	free(r.backend_data);
	return 0;
}

static void test_run_events_and_close(void **state)
{
	char buf[128] = "";
	int q[2], ret = -1;
	ssize_t n;

	(void)state;
	assert_int_equal(
		run_spec("exec:./tests/plugins/events.sh", true, &ret, q), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(n_seen, 4);
	assert_int_equal(seen[0].type, TUNCHECK_EV_READY);
	assert_int_equal(seen[1].type, TUNCHECK_EV_WAKE);
	assert_int_equal(seen[1].value, 1);
	assert_int_equal(seen[2].type, TUNCHECK_EV_READ);
	assert_int_equal(seen[2].len, 2);
	assert_memory_equal(seen_data[2], "\xab\xcd", 2);
	assert_int_equal(seen[3].type, TUNCHECK_EV_ERROR);
	assert_int_equal(seen[3].err, EAGAIN);
	/* fd 3 was the queue; both copies are closed now: EOF after it */
	n = read(q[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	assert_string_equal(buf, "3 1500 one return a=1 b=2\n");
	assert_int_equal(read(q[0], buf, sizeof(buf)), 0);
	close(q[0]);
}

/*
 * ABI 2: no slot table, no count limit.  Twelve exec backends, each run
 * through its own table, return the errno their own arguments name.
 */
static void test_many_backends(void **state)
{
	static const char *const names[] = { "EPERM",  "ENOENT",  "ESRCH",
					     "EINTR",  "EIO",	  "ENXIO",
					     "E2BIG",  "ENOEXEC", "EBADF",
					     "ECHILD", "ENOMEM",  "EACCES" };
	static const int errs[] = { EPERM, ENOENT, ESRCH,  EINTR,
				    EIO,   ENXIO,  E2BIG,  ENOEXEC,
				    EBADF, ECHILD, ENOMEM, EACCES };
	const struct tuncheck_backend_ops *ops[12];
	char spec[128], err[512];
	int q[2];

	(void)state;
	for (int i = 0; i < 12; i++) {
		snprintf(spec, sizeof(spec),
			 "exec:sh tests/plugins/return-arg.sh %s", names[i]);
		ops[i] = backend_exec_new(spec, err, sizeof(err));
		assert_non_null(ops[i]);
	}
	for (int i = 11; i >= 0; i--) {
		struct tuncheck_reader r = {
			.ops = ops[i],
			.bufsize = 1500,
			.emit = rec_emit,
			.fail = rec_fail,
		};

		assert_int_equal(pipe(q), 0);
		r.fd = q[1];
		run_ops = ops[i];
		n_seen = 0;
		assert_int_equal(ops[i]->run(&r), -errs[i]);
		free(r.backend_data);
		close(q[0]);
		backend_exec_free(ops[i]);
	}
}

static void test_run_garbage(void **state)
{
	int q[2], ret;

	(void)state;
	assert_int_equal(
		run_spec("exec:./tests/plugins/garbage.sh", false, &ret, q), 1);
	assert_string_equal(fail_msg,
			    "backend protocol: line 3: unknown event 'wkae'");
	assert_int_equal(n_seen, 1);
	close(q[0]);
	close(q[1]);
}

static void test_run_crash(void **state)
{
	int q[2], ret;

	(void)state;
	assert_int_equal(
		run_spec("exec:./tests/plugins/crash.sh", false, &ret, q), 1);
	assert_string_equal(fail_msg, "backend crashed (SIGSEGV)");
	close(q[0]);
	close(q[1]);
}

static void test_run_exit_status(void **state)
{
	int q[2], ret;

	(void)state;
	assert_int_equal(run_spec("exec:sh -c", false, &ret, q), 1);
	assert_non_null(strstr(
		fail_msg,
		"backend exited with status 2 without 'return'; stderr: "));
	close(q[0]);
	close(q[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_events),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_run_events_and_close),
		cmocka_unit_test(test_many_backends),
		cmocka_unit_test(test_run_garbage),
		cmocka_unit_test(test_run_crash),
		cmocka_unit_test(test_run_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
