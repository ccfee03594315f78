/* SPDX-License-Identifier: MIT */
/*
 * The kernel matrix: run the same jobs on another kernel, booted under
 * QEMU with the host's root shared read-only over 9p, an initramfs built
 * here (initramfs.c), and the results coming back over a virtio-serial
 * port (channel.h).  A kernel that cannot boot, panics, hangs or lacks
 * what the guest needs settles its jobs as errors with the reason and
 * the console's tail; the other kernels go on.
 */
#ifndef TUNCHECK_VM_H
#define TUNCHECK_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "initramfs.h"
#include "kernel.h"
#include "runner.h"

enum vm_accel { VM_ACCEL_AUTO, VM_ACCEL_KVM, VM_ACCEL_TCG };

struct vm_opts {
	enum vm_accel accel;
	bool kvm_stalled;  /* set by vm_run once KVM did not come up */
	char *const *argv; /* the guest tuncheck's argv (absolute argv[0]) */
	unsigned mem_mib;  /* guest memory */
	unsigned boot_s;   /* no sign of the guest's init by then: hung */
	unsigned idle_s;   /* no record for this long after that: hung */
	void (*on_done)(struct job_spec *jobs, size_t n, size_t idx, void *arg);
	void *arg;
};

/*
 * Run jobs[0..n) in a guest on kernel k: every job is settled when it
 * returns (reported by the guest, or an error naming the kernel's
 * failure).  0, or -errno when the host could not even try (no QEMU).
 */
int vm_run(struct vm_kernel *k, struct vm_opts *o, struct job_spec *jobs,
	   size_t n);

/* The modules k's guest will load (initramfs_modules on its moddir). */
int vm_kernel_modules(const struct vm_kernel *k, struct mod_list *m);

/* Guest side: the result port (from the init's environment), or -1. */
int vm_guest_port(void);
/* Guest side: send a job's result / the start record; 0 or -errno. */
int vm_guest_send_job(int port, const struct job_spec *js, size_t idx);
int vm_guest_send_start(int port, size_t njobs, const char *note);
int vm_guest_send_note(int port, const char *text);

#endif
