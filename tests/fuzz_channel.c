// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the host's side of the kernel matrix's result
 * channel: any bytes a guest could write to its port are decoded record
 * by record, as vm.c's drain() does, never read past, and every job
 * record that is accepted has terminated strings without control bytes
 * and a verdict in range.  Built and run by ci/fuzz.sh (make fuzz).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_text.h"
#include "channel.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct channel_job cj;
	struct channel_rec r;
	size_t off = 0;
	long used;

	while ((used = channel_decode(data + off, size - off, &r)) > 0) {
		if ((size_t)used > size - off ||
		    r.p + r.len > data + off + (size_t)used)
			__builtin_trap();
		off += (size_t)used;
		if (channel_job_decode(&r, &cj) < 0)
			continue;
		if (cj.verdict < 0 || cj.verdict >= VERDICT_COUNT)
			__builtin_trap();
		fuzz_text_check(cj.case_name, sizeof(cj.case_name));
		fuzz_text_check(cj.backend, sizeof(cj.backend));
		fuzz_text_check(cj.cls, sizeof(cj.cls));
		fuzz_text_check(cj.expected, sizeof(cj.expected));
		fuzz_text_check(cj.observed, sizeof(cj.observed));
		fuzz_text_check(cj.notes, sizeof(cj.notes));
		fuzz_text_check(cj.blocked, sizeof(cj.blocked));
	}
	return 0;
}
