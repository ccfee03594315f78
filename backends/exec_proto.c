// SPDX-License-Identifier: MIT
/*
 * The exec protocol's lines (README: The exec protocol): one line of a
 * program's stdout into an event, checked.  Pure, so unit-tested and
 * fuzzed (tests/test_exec.c, tests/fuzz_exec.c) apart from the program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "exec.h"

/* One hex digit's value, or -1. */
static int exec_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* `read LEN [HEX]`: the length, and the bytes if given (else zeros). */
static int exec_parse_read(char **w, size_t n, struct tuncheck_event *ev,
			   uint8_t *buf, char *why, size_t size)
{
	char *end;
	unsigned long len;
	size_t hex;

	if (n < 2) {
		snprintf(why, size, "read: needs a length");
		return -EINVAL;
	}
	errno = 0;
	len = strtoul(w[1], &end, 10);
	/* digits only: strtoul takes "\v-1", "+1" and wraps negatives */
	if (*end || errno || strspn(w[1], "0123456789") != strlen(w[1]) ||
	    len > EXEC_READ_MAX) {
		snprintf(why, size, "read: '%.20s' is not a length (0..%d)",
			 w[1], EXEC_READ_MAX);
		return -EINVAL;
	}
	memset(buf, 0, len);
	hex = n > 2 ? strlen(w[2]) : 0;
	if (n > 2 && hex != 2 * len) {
		snprintf(why, size,
			 "read: length %lu but the hex has %zu%s bytes", len,
			 hex / 2, hex % 2 ? ".5" : "");
		return -EINVAL;
	}
	for (size_t i = 0; i < hex; i += 2) {
		int hi = exec_hex_digit(w[2][i]),
		    lo = exec_hex_digit(w[2][i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(why, size,
				 "read: '%.2s' at offset %zu is not hex",
				 w[2] + i, i);
			return -EINVAL;
		}
		buf[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	ev->type = TUNCHECK_EV_READ;
	ev->data = buf;
	ev->len = len;
	ev->value = (int64_t)len;
	return 1;
}

/* `wake [REVENTS]`: revents in decimal or 0x hex, 0 when not given. */
static int exec_parse_wake(char **w, size_t n, struct tuncheck_event *ev,
			   char *why, size_t size)
{
	char *end;

	ev->type = TUNCHECK_EV_WAKE;
	if (n < 2)
		return 1;
	errno = 0;
	ev->value = strtoll(w[1], &end, 0);
	if (*end || errno || ev->value < 0) {
		snprintf(why, size, "wake: '%.20s' is not a revents mask",
			 w[1]);
		return -EINVAL;
	}
	return 1;
}

/*
 * `ready [VERSION [CAPABILITY...]]`: v1 is a bare `ready`; v2 may declare
 * no-wakes (it cannot see its wakeups) and rearm (it takes `rearm mod`
 * and `rearm readd` on stdin).
 */
static int exec_parse_ready(char **w, size_t n, struct tuncheck_event *ev,
			    char *why, size_t size)
{
	ev->type = TUNCHECK_EV_READY;
	if (n < 2)
		return 1;
	if (strcmp(w[1], "1") && strcmp(w[1], "2")) {
		snprintf(why, size,
			 "ready: protocol version '%.20s' is not one this "
			 "tuncheck speaks (1, %d)",
			 w[1], EXEC_PROTOCOL);
		return -EINVAL;
	}
	for (size_t i = 2; i < n; i++) {
		if (w[1][0] == '1') {
			snprintf(why, size,
				 "ready: protocol 1 has no capabilities "
				 "('%.20s'); say 'ready 2 %.20s'",
				 w[i], w[i]);
			return -EINVAL;
		}
		if (!strcmp(w[i], "no-wakes")) {
			ev->value |= TUNCHECK_READY_NO_WAKES;
		} else if (!strcmp(w[i], "rearm")) {
			ev->value |= EXEC_READY_REARM;
		} else {
			snprintf(why, size,
				 "ready: unknown capability '%.20s' "
				 "(no-wakes, rearm)",
				 w[i]);
			return -EINVAL;
		}
	}
	return 1;
}

/* See exec.h: one line of the protocol, split in place. */
int exec_line_parse(char *line, struct tuncheck_event *ev, uint8_t *buf,
		    char *why, size_t size)
{
	size_t max, n = 0;
	char *w[5], *save, *tok;

	memset(ev, 0, sizeof(*ev));
	for (tok = strtok_r(line, " \t\r", &save); tok && n < 5;
	     tok = strtok_r(NULL, " \t\r", &save))
		w[n++] = tok;
	if (!n || w[0][0] == '#')
		return 0;
	/* `error - MESSAGE`: a runtime's error without an errno */
	if (!strcmp(w[0], "error") && n > 1 && !strcmp(w[1], "-")) {
		ev->type = TUNCHECK_EV_ERROR;
		ev->value = -1;
		ev->err = TUNCHECK_ERR_NONE;
		return 1;
	}
	max = !strcmp(w[0], "ready") ? 4 : !strcmp(w[0], "read") ? 3 : 2;
	if (n > max) {
		snprintf(why, size, "%s: unexpected argument '%.20s'", w[0],
			 w[max]);
		return -EINVAL;
	}
	if (!strcmp(w[0], "ready"))
		return exec_parse_ready(w, n, ev, why, size);
	if (!strcmp(w[0], "wake"))
		return exec_parse_wake(w, n, ev, why, size);
	if (!strcmp(w[0], "read"))
		return exec_parse_read(w, n, ev, buf, why, size);
	if (strcmp(w[0], "error") && strcmp(w[0], "return")) {
		snprintf(why, size, "unknown event '%.20s'", w[0]);
		return -EINVAL;
	}
	ev->type = w[0][0] == 'e' ? TUNCHECK_EV_ERROR : TUNCHECK_EV_RETURN;
	ev->value = -1;
	if (n < 2 && ev->type == TUNCHECK_EV_ERROR) {
		snprintf(why, size,
			 "error: needs an errno (EBADFD, 77) or '- MESSAGE'");
		return -EINVAL;
	}
	if (n < 2 || (ev->type == TUNCHECK_EV_RETURN && !strcmp(w[1], "ok"))) {
		ev->value = 0;
		return 1;
	}
	if (parse_errno(w[1], &ev->err) < 0)
		ev->err = 0;
	if (!ev->err) {
		snprintf(why, size,
			 "%s: '%.20s' is not an errno name (EBADFD, ENOTSUP) "
			 "or number",
			 w[0], w[1]);
		return -EINVAL;
	}
	return 1;
}
