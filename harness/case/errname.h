/* SPDX-License-Identifier: MIT */
/* errno names: "EBADFD" <-> 77, as strerrorname_np() spells them. */
#ifndef TUNCHECK_ERRNAME_H
#define TUNCHECK_ERRNAME_H

/*
 * Any name strerrorname_np() knows (EIO, EAGAIN, ...) or one of the
 * aliases other tables use (ENOTSUP, EWOULDBLOCK, EDEADLOCK): 0, else
 * -EINVAL.
 */
int parse_errno_name(const char *s, int *err);
/* The same, or a decimal errno (1..4094), as runtimes print them. */
int parse_errno(const char *s, int *err);
/*
 * The C name of an errno ("EIO"); "ok" for 0, "no-errno" for
 * TUNCHECK_ERR_NONE, "errno N" if unknown.
 */
const char *errno_name(int err);

#endif
