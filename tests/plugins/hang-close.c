// SPDX-License-Identifier: MIT
/*
 * Broken plugin: a working blocking-read loop whose close hook sleeps
 * forever, so the controller thread itself hangs (hard deadline).
 */
#include <unistd.h>

#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

/* A plain blocking-read loop: READY, then READ per packet. */
static int hang_run(struct tuncheck_reader *r)
{
	struct tuncheck_event ev = { .type = TUNCHECK_EV_READY };
	char buf[2048];
	ssize_t n;

	tuncheck_reader_emit(r, &ev);
	while ((n = read(r->fd, buf, sizeof(buf))) >= 0) {
		ev = (struct tuncheck_event){ .type = TUNCHECK_EV_READ,
					      .data = buf,
					      .len = (size_t)n,
					      .value = n };
		tuncheck_reader_emit(r, &ev);
	}
	return 0;
}

/* Never returns: the controller thread hangs in the close step. */
static int hang_close(struct tuncheck_reader *r)
{
	(void)r;
	for (;;)
		pause();
	return 0;
}

static const struct tuncheck_backend_ops ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "hang-close",
	.about = "selftest: the close hook never returns",
	.run = hang_run,
	.close = hang_close,
};

/* The one exported symbol tuncheck looks up. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &ops;
}
