// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the runner's side of the job protocol: any bytes a
 * hostile job could write into its pipe are decoded message by message,
 * as runner_read() does, never read past, and every string that comes
 * out is terminated and free of control characters.  Built and run by
 * ci/fuzz.sh (make fuzz).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "fuzz_text.h"
#include "protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg m;
	size_t off = 0;
	ssize_t used;

	while ((used = proto_decode(data + off, size - off, &m)) > 0) {
		if ((size_t)used > size - off)
			__builtin_trap();
		off += (size_t)used;
		switch (m.type) {
		case MSG_NOTE:
		case MSG_BLOCKED:
			fuzz_text_check(m.u.text, sizeof(m.u.text));
			break;
		case MSG_VERDICT:
			fuzz_text_check(m.u.verdict.cls,
					sizeof(m.u.verdict.cls));
			fuzz_text_check(m.u.verdict.expected,
					sizeof(m.u.verdict.expected));
			fuzz_text_check(m.u.verdict.observed,
					sizeof(m.u.verdict.observed));
			break;
		case MSG_STEP:
		case MSG_BENCH:
		case MSG_COUNTS:
			break;
		default:
			__builtin_trap();
		}
	}
	return 0;
}
