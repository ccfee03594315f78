/* SPDX-License-Identifier: MIT */
/* run --kernel, host and guest sides (harness/vm does the booting). */
#ifndef TUNCHECK_CLI_KERNELS_H
#define TUNCHECK_CLI_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "runner.h"
#include "vm.h"

struct kernels {
	struct vm_kernel k[VM_KERNELS_MAX];
	size_t n;
	enum vm_accel accel;
	char **guest_argv;
};

struct outcomes;
/* --expect's outcomes, applied to every job as it finishes. */
void kernels_outcomes(const struct outcomes *oc);
/* --expect's skip lines (kernels_outcomes' set): those jobs settled as
 * skipped, before any runs. */
void kernels_outcomes_skip(struct job_spec *jobs, size_t n);
/* --expect's xfail lines on one finished job (kernels_outcomes' set). */
void kernels_outcome_apply(struct job_spec *js);

/* --kernel SPEC: resolved now, refused (exit 2) when unusable. */
void kernels_add(struct kernels *ks, const char *spec);
/* --kernel ('K') or --accel ('A') of any command that takes them. */
void kernels_option(struct kernels *ks, int opt, const char *arg);
/* An option the guest's tuncheck must not be given. */
bool kernels_host_only(const char *opt);
/* The guest's command: run --guest, the forwarded options, the paths. */
void kernels_guest_argv(struct kernels *ks, char **fwd, size_t nfwd,
			char **paths, size_t npaths);
/* jobs: nj jobs, repeated for each kernel (ks->n * nj entries). */
int kernels_run(struct kernels *ks, struct job_spec *jobs, size_t nj,
		struct runner_opts *ro, struct report *rep);
/* Guest side: run every job here, each result also to the result port. */
int kernels_run_guest(struct job_spec *jobs, size_t n, struct runner_opts *ro,
		      struct report *rep);

#endif
