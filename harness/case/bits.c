// SPDX-License-Identifier: MIT
/*
 * Named bit sets (bits.h).  The values are the kernel's UAPI constants,
 * spelled out so the parser stays free of kernel headers' quirks; the
 * unit tests compare them with <linux/if_tun.h>, <net/if.h>, <poll.h>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"

#define TABLE(w, a)                                                            \
	{                                                                      \
		w, a, sizeof(a) / sizeof((a)[0])                               \
	}

/* poll(2) and epoll bits, as wake values report them */
static const struct bit_name wake_v[] = {
	{ "in", 0x1 },	 { "pri", 0x2 },   { "out", 0x4 },	{ "err", 0x8 },
	{ "hup", 0x10 }, { "nval", 0x20 }, { "rdhup", 0x2000 },
};

/* IFF_* of <linux/if_tun.h>: TUNSETIFF/TUNGETIFF flags, TUNGETFEATURES */
static const struct bit_name tun_v[] = {
	{ "tun", 0x0001 },	    { "tap", 0x0002 },
	{ "napi", 0x0010 },	    { "napi-frags", 0x0020 },
	{ "no-carrier", 0x0040 },   { "multi-queue", 0x0100 },
	{ "attach-queue", 0x0200 }, { "detach-queue", 0x0400 },
	{ "persist", 0x0800 },	    { "no-pi", 0x1000 },
	{ "one-queue", 0x2000 },    { "vnet-hdr", 0x4000 },
	{ "tun-excl", 0x8000 },
};

/* TUN_F_* of <linux/if_tun.h>: TUNSETOFFLOAD */
static const struct bit_name offload_v[] = {
	{ "csum", 0x01 },    { "tso4", 0x02 }, { "tso6", 0x04 },
	{ "tso-ecn", 0x08 }, { "ufo", 0x10 },  { "uso4", 0x20 },
	{ "uso6", 0x40 },
};

/* IFF_* of <linux/if.h>: a link's ifi_flags */
static const struct bit_name link_v[] = {
	{ "up", 0x1 },		 { "broadcast", 0x2 },
	{ "debug", 0x4 },	 { "loopback", 0x8 },
	{ "pointopoint", 0x10 }, { "notrailers", 0x20 },
	{ "running", 0x40 },	 { "noarp", 0x80 },
	{ "promisc", 0x100 },	 { "allmulti", 0x200 },
	{ "master", 0x400 },	 { "slave", 0x800 },
	{ "multicast", 0x1000 }, { "portsel", 0x2000 },
	{ "automedia", 0x4000 }, { "dynamic", 0x8000 },
	{ "lower-up", 0x10000 }, { "dormant", 0x20000 },
	{ "echo", 0x40000 },
};

const struct bit_table bits_wake = TABLE("wake bit", wake_v);
const struct bit_table bits_tun = TABLE("tun flag", tun_v);
const struct bit_table bits_offload = TABLE("offload flag", offload_v);
const struct bit_table bits_link = TABLE("link flag", link_v);

int bits_parse(const struct bit_table *t, const char *s, int zero_ok,
	       uint32_t *out, size_t *bad, size_t *badlen)
{
	const char *v = s;
	uint32_t bits = 0;

	*bad = 0;
	*badlen = strlen(s);
	if (*s >= '0' && *s <= '9') {
		char *end;
		unsigned long n = strtoul(s, &end, 0);

		if (*end || n > 0xffffffffUL || (!n && !zero_ok))
			return -1;
		*out = (uint32_t)n;
		return 0;
	}
	while (*v) {
		size_t n = strcspn(v, "+"), i;

		for (i = 0; i < t->n; i++)
			if (strlen(t->v[i].name) == n &&
			    !strncmp(v, t->v[i].name, n))
				break;
		if (i == t->n || !n) {
			*bad = (size_t)(v - s);
			*badlen = n;
			return -1;
		}
		bits |= t->v[i].bit;
		v += n + (v[n] == '+');
	}
	if (v == s)
		return -1;
	*out = bits;
	return 0;
}

const char *bits_format(const struct bit_table *t, uint32_t v, char *buf,
			size_t size)
{
	size_t off = 0;

	if (!size)
		return buf;
	buf[0] = 0;
	for (size_t i = 0; i < t->n && off < size; i++)
		if (v & t->v[i].bit) {
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
						off ? "+" : "", t->v[i].name);
			v &= ~t->v[i].bit;
		}
	if (v && off < size)
		snprintf(buf + off, size - off, "%s0x%x", off ? "+" : "",
			 (unsigned)v);
	else if (!off)
		snprintf(buf, size, "0");
	return buf;
}

const char *bits_list(const struct bit_table *t, char *buf, size_t size)
{
	size_t off = 0;

	if (size)
		buf[0] = 0;
	for (size_t i = 0; i < t->n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s",
					i ? " " : "", t->v[i].name);
	return buf;
}

/* struct rtnl_link_stats64, field by field, in order (all __u64) */
const char *const stats64_names[STATS64_N] = {
	"rx_packets",	    "tx_packets",	   "rx_bytes",
	"tx_bytes",	    "rx_errors",	   "tx_errors",
	"rx_dropped",	    "tx_dropped",	   "multicast",
	"collisions",	    "rx_length_errors",	   "rx_over_errors",
	"rx_crc_errors",    "rx_frame_errors",	   "rx_fifo_errors",
	"rx_missed_errors", "tx_aborted_errors",   "tx_carrier_errors",
	"tx_fifo_errors",   "tx_heartbeat_errors", "tx_window_errors",
	"rx_compressed",    "tx_compressed",	   "rx_nohandler",
};
