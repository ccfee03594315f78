/* SPDX-License-Identifier: MIT */
/* For the fuzz targets of decoders of untrusted bytes (protocol, channel). */
#ifndef TUNCHECK_FUZZ_TEXT_H
#define TUNCHECK_FUZZ_TEXT_H

#include <stddef.h>
#include <string.h>

/* A decoded string: NUL inside its field, no control byte; else trap. */
static inline void fuzz_text_check(const char *s, size_t size)
{
	const char *end = memchr(s, 0, size);

	if (!end)
		__builtin_trap();
	for (; s < end; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			__builtin_trap();
}

#endif
