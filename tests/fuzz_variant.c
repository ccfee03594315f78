// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for variant expansion: any bytes in, the expanded texts
 * or one diagnostic out, never a crash or a leak.  The raw bytes (not
 * NUL-terminated) go to variant_expand(); when they expand, the same
 * bytes go through case_load_all() (from a memfd) and every case it
 * returns must have a non-empty name, unique among them.  Built and run
 * by ci/fuzz.sh (make fuzz).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "case.h"
#include "variant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A diagnostic must carry a message. */
static void fuzz_diag_check(const struct case_diag *d)
{
	if (!d->msg[0] || !memchr(d->msg, 0, sizeof(d->msg)))
		__builtin_trap();
}

/* Load the bytes as a file through case_load_all(); check the names. */
static void fuzz_load_all(const uint8_t *data, size_t size)
{
	struct case_diag d = { 0 };
	struct case_file **cs;
	char path[64];
	size_t n = 0;
	int fd;

	fd = memfd_create("fuzz.case", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cs = case_load_all(path, &n, &d);
	close(fd);
	if (!cs) {
		fuzz_diag_check(&d);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!cs[i]->name[0])
			__builtin_trap();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cs[i]->name, cs[j]->name))
				__builtin_trap(); /* two cases, one name */
	}
	for (size_t i = 0; i < n; i++)
		case_free(cs[i]);
	free(cs);
}

/* Expand one input; the texts keep their line count and a label each. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct case_diag d = { 0 };
	struct variant_text *v;
	size_t n = 0;

	if (variant_expand((const char *)data, size, &v, &n, &d)) {
		fuzz_diag_check(&d);
		return 0;
	}
	if (!n || n > VARIANT_MAX_COMBOS)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (!v[i].text || v[i].text[v[i].len] ||
		    (n > 1 && !v[i].label[0]))
			__builtin_trap();
	variant_free(v, n);
	fuzz_load_all(data, size);
	return 0;
}
