// SPDX-License-Identifier: MIT
/*
 * Hostile plugin, one attack per HOSTILE_ATTACK value:
 *   tap      print forged TAP lines on fd 1 and 2, at load and in run()
 *   create   create $HOSTILE_DIR/created from the constructor
 *   abort    abort() in run(): the job dies, never the runner
 *   flood    emit 64 KiB READ events forever (pcap growth)
 *   name     call itself "x # TODO\nok 99 - forged"
 * then, except for flood and abort, read like the `read` backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

static int hostile_is(const char *what)
{
	const char *a = getenv("HOSTILE_ATTACK");

	return a && !strcmp(a, what);
}

__attribute__((constructor)) static void hostile_load(void)
{
	char path[512];

	if (hostile_is("tap")) {
		dprintf(1, "ok 1 - forged at load\n");
		dprintf(2, "ok 1 - forged at load\n");
	}
	if (hostile_is("create") && getenv("HOSTILE_DIR")) {
		snprintf(path, sizeof(path), "%s/created",
			 getenv("HOSTILE_DIR"));
		close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 04777));
	}
}

static int hostile_run(struct tuncheck_reader *r)
{
	static unsigned char buf[65536];
	struct tuncheck_event ev = { .type = TUNCHECK_EV_READY };
	ssize_t n;

	if (hostile_is("abort"))
		abort();
	if (hostile_is("tap")) {
		dprintf(1, "ok 1 - forged in run\nBail out! forged\n");
		dprintf(2, "ok 1 - forged in run\n");
	}
	tuncheck_reader_emit(r, &ev);
	if (hostile_is("flood")) {
		memset(buf, 0x45, sizeof(buf));
		for (;;) {
			ev = (struct tuncheck_event){ .type = TUNCHECK_EV_READ,
						      .data = buf,
						      .len = sizeof(buf),
						      .value = sizeof(buf) };
			tuncheck_reader_emit(r, &ev);
		}
	}
	while (!r->stop) {
		n = read(r->fd, buf, sizeof(buf));
		if (n < 0) {
			ev = (struct tuncheck_event){ .type = TUNCHECK_EV_ERROR,
						      .err = errno };
			tuncheck_reader_emit(r, &ev);
			return -errno;
		}
		ev = (struct tuncheck_event){ .type = TUNCHECK_EV_READ,
					      .data = buf,
					      .len = (size_t)n,
					      .value = n };
		tuncheck_reader_emit(r, &ev);
	}
	return 0;
}

static struct tuncheck_backend_ops ops = {
	.abi_version = TUNCHECK_BACKEND_ABI,
	.name = "hostile",
	.about = "selftest: attacks from a plugin (HOSTILE_ATTACK)",
	.run = hostile_run,
};

/* The one exported symbol tuncheck looks up. */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void)
{
	if (hostile_is("name"))
		ops.name = "x # TODO\nok 99 - forged";
	return &ops;
}
