/* SPDX-License-Identifier: MIT */
/*
 * The TUN ioctls an `ioctl` step can make, by their UAPI names, with the
 * argument each takes and what it reads back.  The job maps them to
 * request codes (harness/job/ioctl.c); the parser only needs this table.
 */
#ifndef TUNCHECK_TUNIOCTL_H
#define TUNCHECK_TUNIOCTL_H

#include <stdbool.h>

#include "bits.h"

enum tun_ioctl {
	TI_GETIFF,
	TI_GETFEATURES,
	TI_SETIFF,
	TI_SETQUEUE,
	TI_SETPERSIST,
	TI_SETCARRIER,
	TI_SETSNDBUF,
	TI_GETSNDBUF,
	TI_SETOFFLOAD,
	TI_SETTXFILTER,
	TI_SETVNETHDRSZ,
	TI_GETVNETHDRSZ,
	TI_SETIFINDEX,
	TI_SETOWNER,
	TI_SETGROUP,
	TI_SETLINK,
	TI_SETNOCSUM,
	TI_N
};

enum tun_ioctl_arg {
	TA_NONE,     /* no argument */
	TA_TUNFLAGS, /* tun flags (bits_tun); TUNSETIFF: optional */
	TA_BOOL,     /* 0|1|on|off */
	TA_NUM,	     /* a number */
	TA_OFFLOAD,  /* offload flags (bits_offload), 0 for none */
	TA_MACS,     /* none, or MAC[,MAC]... (up to 8) */
};

struct tun_ioctl_def {
	const char *name; /* "TUNSETIFF" */
	enum tun_ioctl_arg arg;
	bool optional; /* the argument may be left out */
	bool reads;    /* reads a value back (expect step value=) */
	const struct bit_table *bits; /* names of that value, or NULL */
	const char *meta;	      /* the argument in usage hints */
};

extern const struct tun_ioctl_def tun_ioctls[TI_N];

#endif
