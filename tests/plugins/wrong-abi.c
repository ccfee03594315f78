// SPDX-License-Identifier: MIT
/* Broken plugin: built for ABI 1 (tuncheck 1), before r->ops. */
#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

/* Never called: the plugin fails at load. */
static int wrong_run(struct tuncheck_reader *r)
{
	(void)r;
	return 0;
}

static const struct tuncheck_backend_ops ops = {
	.abi_version = 1,
	.name = "wrong-abi",
	.run = wrong_run,
};

/* The one exported symbol tuncheck looks up. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &ops;
}
