// SPDX-License-Identifier: MIT
/* Broken plugin: an ops table without run(). */
#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

static const struct tuncheck_backend_ops ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "no-run",
};

/* Returns a table without run(). */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &ops;
}
