// SPDX-License-Identifier: MIT
/* The job -> runner messages (see protocol.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"

struct proto_hdr {
	uint32_t type;
	uint32_t len; /* payload bytes after the header */
};

_Static_assert(sizeof(struct proto_hdr) + sizeof(((struct proto_msg *)0)->u) <=
		       PIPE_BUF,
	       "a message must fit one atomic pipe write");

/* The payload size of a fixed-size type, 0 for text, -1 if unknown. */
static long proto_fixed_len(uint32_t type)
{
	switch ((enum proto_type)type) {
	case MSG_STEP:
		return sizeof(uint32_t);
	case MSG_NOTE:
	case MSG_BLOCKED:
		return 0;
	case MSG_BENCH:
		return sizeof(struct proto_bench);
	case MSG_COUNTS:
		return sizeof(struct proto_counts);
	case MSG_VERDICT:
		return sizeof(struct proto_verdict);
	}
	return -1;
}

int proto_send(int fd, const struct proto_msg *m)
{
	unsigned char buf[PROTO_MSG_MAX];
	struct proto_hdr h = { .type = m->type };
	long fixed = proto_fixed_len(m->type);
	ssize_t n;

	if (fixed < 0)
		return -EINVAL;
	h.len = fixed ? (uint32_t)fixed
		      : (uint32_t)strnlen(m->u.text, PROTO_TEXT_MAX - 1) + 1;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &m->u, h.len);
	if (!fixed)
		buf[sizeof(h) + h.len - 1] = 0;
	do
		n = write(fd, buf, sizeof(h) + h.len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(h) + h.len ? 0 : -EIO;
}

int proto_sendf(int fd, enum proto_type type, const char *fmt, ...)
{
	struct proto_msg m = { .type = type };
	va_list ap;

	if (proto_fixed_len(type) != 0)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(m.u.text, sizeof(m.u.text), fmt, ap);
	va_end(ap);
	return proto_send(fd, &m);
}

/* Terminate a decoded string and blank its control characters: text a
 * job sends ends up in TAP, JUnit and JSON. */
static void proto_clean(char *s, size_t size)
{
	s[size - 1] = 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

ssize_t proto_decode(const void *buf, size_t len, struct proto_msg *m)
{
	struct proto_hdr h;
	long fixed;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	fixed = proto_fixed_len(h.type);
	if (fixed < 0 || (fixed && h.len != (uint32_t)fixed) ||
	    (!fixed && (h.len < 1 || h.len > PROTO_TEXT_MAX)))
		return -EPROTO;
	if (len < sizeof(h) + h.len)
		return 0;
	memset(m, 0, sizeof(*m));
	m->type = (enum proto_type)h.type;
	memcpy(&m->u, (const unsigned char *)buf + sizeof(h), h.len);
	switch (m->type) {
	case MSG_NOTE:
	case MSG_BLOCKED:
		proto_clean(m->u.text, h.len);
		break;
	case MSG_VERDICT:
		proto_clean(m->u.verdict.cls, sizeof(m->u.verdict.cls));
		proto_clean(m->u.verdict.expected,
			    sizeof(m->u.verdict.expected));
		proto_clean(m->u.verdict.observed,
			    sizeof(m->u.verdict.observed));
		break;
	case MSG_STEP:
	case MSG_BENCH:
	case MSG_COUNTS:
		break;
	}
	return (ssize_t)(sizeof(h) + h.len);
}
