// SPDX-License-Identifier: MIT
/* The result channel's host side: records decoded and checked, purely. */
#include <errno.h>
#include <string.h>

#include "channel.h"
#include "verdict.h"

long channel_decode(const void *buf, size_t len, struct channel_rec *r)
{
	struct channel_hdr h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != CHANNEL_MAGIC || h.len > sizeof(struct channel_job))
		return -EPROTO;
	if (len - sizeof(h) < h.len)
		return 0;
	r->type = h.type;
	r->len = h.len;
	r->p = (const unsigned char *)buf + sizeof(h);
	return (long)(sizeof(h) + h.len);
}

void channel_clean(char *s, size_t size)
{
	s[size - 1] = 0;
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

int channel_job_decode(const struct channel_rec *r, struct channel_job *cj)
{
	if (r->type != CH_JOB || r->len != sizeof(*cj))
		return -EPROTO;
	memcpy(cj, r->p, sizeof(*cj));
	if (cj->verdict < 0 || cj->verdict >= VERDICT_COUNT)
		return -EPROTO;
	channel_clean(cj->case_name, sizeof(cj->case_name));
	channel_clean(cj->backend, sizeof(cj->backend));
	channel_clean(cj->cls, sizeof(cj->cls));
	channel_clean(cj->expected, sizeof(cj->expected));
	channel_clean(cj->observed, sizeof(cj->observed));
	channel_clean(cj->notes, sizeof(cj->notes));
	channel_clean(cj->blocked, sizeof(cj->blocked));
	return 0;
}
