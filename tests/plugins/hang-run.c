// SPDX-License-Identifier: MIT
/* Broken plugin: run() sleeps forever without ever reporting ready. */
#include <unistd.h>

#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

/* Sleeps forever before READY. */
static int hang_run(struct tuncheck_reader *r)
{
	(void)r;
	for (;;)
		pause();
	return 0;
}

static const struct tuncheck_backend_ops ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "hang-run",
	.about = "selftest: run() never reports ready",
	.run = hang_run,
};

/* The one exported symbol tuncheck looks up. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &ops;
}
