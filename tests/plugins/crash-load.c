// SPDX-License-Identifier: MIT
/* Broken plugin: the entry function dereferences NULL (SIGSEGV at load). */
#include <signal.h>

#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

static int *volatile nowhere; /* volatile: the compiler cannot see NULL */

/* Crashes instead of returning the table. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	signal(SIGSEGV, SIG_DFL); /* a plain crash, sanitizers or not */
	*nowhere = 1;
	return NULL;
}
