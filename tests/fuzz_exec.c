// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the exec protocol's line parser (exec_line_parse):
 * any bytes in, an event, a blank line or one reason out, never a crash,
 * an out-of-bounds access or a READ longer than EXEC_READ_MAX.  Built and
 * run by ci/fuzz.sh (make fuzz), seeds in tests/fuzz-corpus/exec/.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

#define FUZZ_WHY 160 /* what exec_line gives the parser */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/*
 * A READ event: its length was given in decimal digits (orig is the line
 * before parsing), its bytes are in buf, a `read LEN HEX` of them parses
 * back.
 */
static void fuzz_exec_read(const struct tuncheck_event *ev, const uint8_t *buf,
			   char *orig)
{
	static const char hex[] = "0123456789abcdef";
	struct tuncheck_event again;
	char *line, why[FUZZ_WHY];
	uint8_t *copy;
	char *save, *w;
	int n;

	w = strtok_r(orig, " \t\r", &save);
	w = w ? strtok_r(NULL, " \t\r", &save) : NULL;
	fuzz_check(w && strspn(w, "0123456789") == strlen(w));
	fuzz_check(ev->len <= EXEC_READ_MAX);
	fuzz_check(ev->data == buf);
	fuzz_check(ev->value == (int64_t)ev->len && !ev->err);
	line = malloc(2 * ev->len + 32);
	copy = malloc(EXEC_READ_MAX);
	fuzz_check(line && copy);
	n = snprintf(line, 32, "read %zu ", ev->len);
	for (size_t i = 0; i < ev->len; i++) {
		line[n + 2 * (int)i] = hex[buf[i] >> 4];
		line[n + 2 * (int)i + 1] = hex[buf[i] & 15];
	}
	line[n + 2 * (int)ev->len] = 0;
	fuzz_check(exec_line_parse(line, &again, copy, why, sizeof(why)) == 1);
	fuzz_check(again.type == TUNCHECK_EV_READ && again.len == ev->len);
	fuzz_check(!memcmp(copy, buf, ev->len));
	free(copy);
	free(line);
}

/* Parse one input as one stdout line; check what comes out. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tuncheck_event ev;
	char *line, *orig, *why;
	uint8_t *buf;
	int ret;

	/* exact sizes, so that ASan sees any access past them */
	line = malloc(size + 1);
	buf = malloc(EXEC_READ_MAX);
	why = malloc(FUZZ_WHY);
	orig = malloc(size + 1);
	fuzz_check(line && buf && why && orig);
	memcpy(line, data, size);
	line[size] = 0;
	memcpy(orig, line, size + 1);
	memset(why, 0, FUZZ_WHY);
	ret = exec_line_parse(line, &ev, buf, why, FUZZ_WHY);
	fuzz_check(ret == 1 || ret == 0 || ret == -EINVAL);
	if (ret < 0)
		fuzz_check(why[0] && memchr(why, 0, FUZZ_WHY));
	if (ret == 0)
		fuzz_check(!ev.type && !ev.data && !ev.len);
	if (ret == 1) {
		switch (ev.type) {
		case TUNCHECK_EV_READY:
			fuzz_check(!ev.err && !ev.data && !ev.len);
			break;
		case TUNCHECK_EV_WAKE:
			fuzz_check(ev.value >= 0 && !ev.err && !ev.data);
			break;
		case TUNCHECK_EV_READ:
			fuzz_exec_read(&ev, buf, orig);
			break;
		case TUNCHECK_EV_ERROR:
			/* a name, a number (1..4094), or `error -` */
			fuzz_check(ev.err > 0 && ev.err <= TUNCHECK_ERR_NONE);
			break;
		case TUNCHECK_EV_RETURN:
			fuzz_check(ev.err >= 0 && !ev.data);
			fuzz_check(ev.err || !ev.value);
			break;
		default:
			fuzz_check(0);
		}
	}
	free(orig);
	free(why);
	free(buf);
	free(line);
	return 0;
}
