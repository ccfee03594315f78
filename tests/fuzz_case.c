// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the case parser: any bytes in, a case or one
 * diagnostic out, never a crash, a leak or a hang.  Not built by default:
 *
 *   clang -std=gnu11 -D_GNU_SOURCE -g -O1 \
 *         -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -Iinclude -Iharness/case -o build/fuzz_case \
 *         tests/fuzz_case.c $(ls harness/case/[a-z]*.c)
 *   mkdir -p build/fuzz-corpus
 *   find cases -name '*.case' -exec cp {} build/fuzz-corpus/ ';'
 *   build/fuzz_case -max_len=8192 -timeout=5 build/fuzz-corpus
 *
 * or simply: make fuzz FUZZ_TIME=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse one input; check the diagnostic is well-formed when it fails. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct case_diag d = { 0 };
	struct case_file *c;
	char buf[1024];

	c = case_parse("fuzz.case", (const char *)data, size, &d);
	if (c) {
		case_free(c);
		return 0;
	}
	if (!d.msg[0] || memchr(d.msg, '\0', sizeof(d.msg)) == NULL)
		__builtin_trap();
	case_diag_format("fuzz.case", &d, buf, sizeof(buf));
	return 0;
}
