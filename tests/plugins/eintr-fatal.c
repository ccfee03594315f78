// SPDX-License-Identifier: MIT
/*
 * A blocking read() loop that gives up on EINTR instead of retrying: the
 * backend the fault selftests need (selftests.tsv, cases/faults/
 * eintr-read.case): it passes the case without the fault, fails with it.
 */
#include <errno.h>
#include <unistd.h>

#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

static int eintr_run(struct tuncheck_reader *r)
{
	struct tuncheck_event ev = { .type = TUNCHECK_EV_READY };
	char buf[65536];

	tuncheck_reader_emit(r, &ev);
	while (!r->stop) {
		ssize_t n = read(r->fd, buf, sizeof(buf));

		if (n < 0) {
			ev = (struct tuncheck_event){ .type = TUNCHECK_EV_ERROR,
						      .err = errno,
						      .value = -1 };
			tuncheck_reader_emit(r, &ev);
			return -ev.err; /* EINTR included: no retry */
		}
		ev = (struct tuncheck_event){ .type = TUNCHECK_EV_READ,
					      .data = buf,
					      .len = (size_t)n,
					      .value = n };
		tuncheck_reader_emit(r, &ev);
	}
	return 0;
}

static const struct tuncheck_backend_ops ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "eintr-fatal",
	.about = "selftest: blocking read() that returns on EINTR",
	.run = eintr_run,
};

/* The one exported symbol tuncheck looks up. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	return &ops;
}
