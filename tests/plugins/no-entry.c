// SPDX-License-Identifier: MIT
/* Broken plugin: exports its ops table under the wrong symbol name. */
#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *backend_entry(void);

/* Never called: the plugin fails at load. */
static int no_entry_run(struct tuncheck_reader *r)
{
	(void)r;
	return 0;
}

static const struct tuncheck_backend_ops ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "no-entry",
	.run = no_entry_run,
};

/* The wrong name: tuncheck looks for tuncheck_backend_entry. */
const struct tuncheck_backend_ops *backend_entry(void)
{
	return &ops;
}
