// SPDX-License-Identifier: MIT
/*
 * errno names as the case language and the exec protocol write them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <tuncheck/backend.h>

#include "errname.h"

/* Names other tables use for the same numbers (Go's, Python's, musl's). */
static const struct {
	const char *name;
	int err;
} errno_aliases[] = {
	{ "ENOTSUP", EOPNOTSUPP },
	{ "EWOULDBLOCK", EAGAIN },
	{ "EDEADLOCK", EDEADLK },
};

/* Any name strerrorname_np() knows (EIO, EAGAIN, ...), or an alias. */
int parse_errno_name(const char *s, int *err)
{
	for (int i = 1; i < TUNCHECK_ERR_NONE; i++) {
		const char *n = strerrorname_np(i);

		if (n && !strcmp(n, s)) {
			*err = i;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(errno_aliases) / sizeof(errno_aliases[0]);
	     i++)
		if (!strcmp(errno_aliases[i].name, s)) {
			*err = errno_aliases[i].err;
			return 0;
		}
	return -EINVAL;
}

int parse_errno(const char *s, int *err)
{
	unsigned long v;
	char *end;

	if (!parse_errno_name(s, err))
		return 0;
	if (*s < '1' || *s > '9')
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (*end || v >= TUNCHECK_ERR_NONE)
		return -EINVAL;
	*err = (int)v;
	return 0;
}

/* The C name of an errno ("EIO"); "ok" for 0, "errno N" if unknown. */
const char *errno_name(int err)
{
	static __thread char buf[24];
	const char *n;

	if (!err)
		return "ok";
	if (err == TUNCHECK_ERR_NONE)
		return "no-errno";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}
