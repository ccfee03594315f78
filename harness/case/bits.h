/* SPDX-License-Identifier: MIT */
/*
 * Named bit sets of the case language: poll/wake bits, TUN flags and
 * features (IFF_TUN, IFF_MULTI_QUEUE, ...), TUNSETOFFLOAD flags, link
 * flags (IFF_UP, IFF_RUNNING, IFF_LOWER_UP, ...).  Written as names joined
 * by '+' ("in+err") or as a number ("0x8"); printed the same way.
 */
#ifndef TUNCHECK_BITS_H
#define TUNCHECK_BITS_H

#include <stddef.h>
#include <stdint.h>

struct bit_name {
	const char *name;
	uint32_t bit;
};

struct bit_table {
	const char *what; /* "wake bit", "tun flag", ... for messages */
	const struct bit_name *v;
	size_t n;
};

extern const struct bit_table bits_wake, bits_tun, bits_offload, bits_link;

/*
 * Parse "a+b" or a number into *out.  0, or -1 with *bad and *badlen
 * naming the unknown name's offset and length in s (a bad number: the
 * whole string).  zero_ok: "0" is accepted (an empty set).
 */
int bits_parse(const struct bit_table *t, const char *s, int zero_ok,
	       uint32_t *out, size_t *bad, size_t *badlen);
/* "a+b+0x40000": known names, then what is left as hex; "0" if none. */
const char *bits_format(const struct bit_table *t, uint32_t v, char *buf,
			size_t size);
/* Every name of t, space separated, for hints. */
const char *bits_list(const struct bit_table *t, char *buf, size_t size);

/* The counters of IFLA_STATS64 (struct rtnl_link_stats64) by name, in
 * their order: up to rx_nohandler (Linux 4.6), which link.c requires. */
#define STATS64_N 24
extern const char *const stats64_names[STATS64_N];

#endif
