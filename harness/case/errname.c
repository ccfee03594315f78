// SPDX-License-Identifier: MIT
/*
 * errno names as the case language and the exec protocol write them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errname.h"

/* Any name strerrorname_np() knows (EIO, EAGAIN, ...); not "ok". */
int parse_errno_name(const char *s, int *err)
{
	for (int i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);

		if (n && !strcmp(n, s)) {
			*err = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The C name of an errno ("EIO"); "ok" for 0, "errno N" if unknown. */
const char *errno_name(int err)
{
	static __thread char buf[24];
	const char *n;

	if (!err)
		return "ok";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}
