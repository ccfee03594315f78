/* SPDX-License-Identifier: MIT */
/*
 * A kernel of the matrix, as --kernel names it: the host's own, or a
 * bzImage with its modules directory, its release read from the image's
 * setup header (the string `uname -r` will print in the guest).
 */
#ifndef TUNCHECK_VM_KERNEL_H
#define TUNCHECK_VM_KERNEL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define VM_KERNELS_MAX 8

struct vm_kernel {
	bool host; /* "host": the kernel tuncheck runs on */
	char image[PATH_MAX];
	char moddir[PATH_MAX]; /* lib/modules/RELEASE, "" = none found */
	char release[128];     /* from the image's header */
	char label[64];	       /* the kernel's name in reports */
	char broken[256];      /* why it cannot be booted, "" = it can */
	char summary[512];     /* after vm_run: how it went */
};

/*
 * Resolve --kernel SPEC: "host", or IMAGE[:MODULES] (MODULES either
 * lib/modules/RELEASE or a root holding it; default: next to the image,
 * as Debian's packages and `make modules_install INSTALL_MOD_PATH=`
 * leave them).  -1 with why set when the option is unusable (no such
 * file): refused before any job.  An image that exists but is not a
 * bzImage is accepted with k->broken set: a per-kernel verdict.
 */
int vm_kernel_parse(const char *spec, struct vm_kernel *k, char *why,
		    size_t size);

/*
 * The release in a bzImage's header (buf: its first bytes, at least 1 KiB
 * when the file is that long): 0, or -1 when it is not a bzImage.  Pure.
 */
int vm_kernel_release(const unsigned char *buf, size_t len, char *rel,
		      size_t size);

#endif
