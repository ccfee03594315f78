// SPDX-License-Identifier: MIT
/* Broken plugin: registers, reads one packet, then dies of SIGSEGV. */
#include <signal.h>
#include <unistd.h>

#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

static int *volatile nowhere;

/* READY, one blocking read, then a NULL store. */
static int crash_run(struct tuncheck_reader *r)
{
	struct tuncheck_event ev = { .type = TUNCHECK_EV_READY };
	char buf[2048];

	tuncheck_reader_emit(r, &ev);
	if (read(r->fd, buf, sizeof(buf)) < 0)
		return -1;
	signal(SIGSEGV, SIG_DFL); /* a plain crash, sanitizers or not */
	*nowhere = 1;
	return 0;
}

static const struct tuncheck_backend_ops ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "crash-read",
	.about = "selftest: SIGSEGV after the first read",
	.run = crash_run,
};

/* The one exported symbol tuncheck looks up. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &ops;
}
