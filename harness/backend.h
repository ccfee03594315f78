/* SPDX-License-Identifier: MIT */
/* The one selection point for backends: built-ins and plugins alike. */
#ifndef TUNCHECK_HARNESS_BACKEND_H
#define TUNCHECK_HARNESS_BACKEND_H

#include <stddef.h>
#include <tuncheck/backend.h>

size_t backend_builtin_count(void);
const struct tuncheck_backend_ops *backend_builtin(size_t i);

/*
 * A built-in by name, or a plugin when spec contains a '/' (dlopen'ed,
 * entry symbol looked up, ABI version and ops checked).  NULL with a
 * message in err on failure.
 */
const struct tuncheck_backend_ops *backend_select(const char *spec, char *err,
						  size_t size);

#endif
