// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for variant expansion: any case text expands into at
 * most VARIANT_MAX_COMBOS texts with distinct labels, or one diagnostic;
 * never a crash or a leak.  Built and run by ci/fuzz.sh (make fuzz).
 */
#include <stdint.h>
#include <string.h>

#include "variant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct case_diag d = { 0 };
	struct variant_text *v = NULL;
	size_t n = 0;

	if (variant_expand((const char *)data, size, &v, &n, &d) < 0) {
		if (!d.msg[0])
			__builtin_trap(); /* a failure always says why */
		return 0;
	}
	if (!n || n > VARIANT_MAX_COMBOS)
		__builtin_trap();
	for (size_t i = 0; i < n; i++) {
		if (!v[i].text || v[i].text[v[i].len] != '\0')
			__builtin_trap();
		for (size_t k = i + 1; k < n; k++)
			if (!strcmp(v[i].label, v[k].label))
				__builtin_trap(); /* jobs would share a name */
	}
	variant_free(v, n);
	return 0;
}
