// SPDX-License-Identifier: MIT
/*
 * run --kernel: the job list once per kernel, each block run on its
 * kernel (the host's runner, or a guest through vm.c), all reported as
 * one run; and the guest's side (run --guest): every result also sent
 * over the result port.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kernels.h"
#include "outcomes.h"
#include "report.h"
#include "vm.h"

/* The options that stay on the host (outputs, the kernels themselves). */
bool kernels_host_only(const char *opt)
{
	static const char *const host[] = { "--kernel", "--accel", "--junit",
					    "--json", "--html" };

	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		size_t l = strlen(host[i]);

		if (!strncmp(opt, host[i], l) && (!opt[l] || opt[l] == '='))
			return true;
	}
	return false;
}

/*
 * How long a guest may take to reach its init, or stay silent after: the
 * defaults, or (for the selftests) the environment's whole seconds.
 */
static unsigned env_seconds(const char *name, unsigned dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long s = v ? strtoul(v, &end, 10) : 0;

	return v && *v && !*end && s > 0 && s < 86400 ? (unsigned)s : dflt;
}

static const struct outcomes *kernels_oc;

void kernels_outcomes(const struct outcomes *oc)
{
	kernels_oc = oc;
}

/* See kernels.h: --expect's skip lines, settled before anything runs. */
void kernels_outcomes_skip(struct job_spec *jobs, size_t n)
{
	for (size_t i = 0; i < n && kernels_oc; i++) {
		const struct outcome *o = outcomes_find(
			kernels_oc, jobs[i].c->name, jobs[i].ops->name);

		if (o && o->skip && jobs[i].state != JOB_SETTLED) {
			runner_skip_all(&jobs[i], 1, o->reason);
			snprintf(jobs[i].res.notes, sizeof(jobs[i].res.notes),
				 "skipped by %s", o->where);
		}
	}
}

/*
 * --expect's xfail lines, on a finished job: a failure of the class they
 * name is documented (xfail), a pass where they document one is xpass.
 */
void kernels_outcome_apply(struct job_spec *js)
{
	const struct outcome *o =
		kernels_oc
			? outcomes_find(kernels_oc, js->c->name, js->ops->name)
			: NULL;
	struct job_result *r = &js->res;
	size_t l = strlen(r->observed);

	if (!o || o->skip)
		return;
	if (r->v == VERDICT_FAIL &&
	    (!o->cls[0] || outcome_class_in(o->cls, strlen(o->cls), r->cls))) {
		r->v = VERDICT_XFAIL;
		snprintf(r->observed + l, sizeof(r->observed) - l,
			 " — documented (%s): %s", o->where, o->reason);
	} else if (r->v == VERDICT_PASS) {
		r->v = VERDICT_XPASS;
		snprintf(r->expected, sizeof(r->expected),
			 "the failure %s documents", o->where);
		snprintf(r->observed, sizeof(r->observed),
			 "the job passed (documented: %s)", o->reason);
	}
}

/* A block's job idx finished: report it at its place in the whole run. */
struct block {
	struct report *rep;
	struct job_spec *all;
	size_t n_all, first;
	int port; /* guest: also send it to the host, -1 = not a guest */
};

static void block_done(struct job_spec *jobs, size_t n, size_t idx, void *arg)
{
	struct block *b = arg;

	(void)jobs;
	(void)n;
	if (b->all[b->first + idx].state == JOB_SETTLED)
		kernels_outcome_apply(&b->all[b->first + idx]);
	if (b->port >= 0 && vm_guest_send_job(b->port, &b->all[idx], idx) < 0)
		fprintf(stderr, "tuncheck: result port: lost job %zu\n", idx);
	report_job_done(b->all, b->n_all, b->first + idx, b->rep);
}

/*
 * The host kernel's block: the ordinary runner, or skips with the reason.
 * A guest also tells the host which sandbox layers its kernel lacks.
 */
static int run_here(struct job_spec *jobs, size_t n, struct runner_opts *ro,
		    struct block *b)
{
	char why[512], gaps[600];
	int ret;

	/* jobs settled before running (--expect's skip): reported now */
	for (size_t i = 0; i < n; i++)
		if (jobs[i].state == JOB_SETTLED)
			block_done(jobs, n, i, b);
	if (sandbox_check(why, sizeof(why), gaps, sizeof(gaps)) < 0) {
		if (b->port >= 0)
			vm_guest_send_note(b->port, why);
		fprintf(stderr, "tuncheck: cannot run jobs here: %s\n", why);
		runner_skip_all(jobs, n, why);
		for (size_t i = 0; i < n; i++)
			block_done(jobs, n, i, b);
		return 0;
	}
	if (b->port >= 0 && gaps[0])
		vm_guest_send_note(b->port, gaps);
	ro->on_done = block_done;
	ro->arg = b;
	ret = runner_run(jobs, n, ro);
	if (ret < 0)
		die(1, "runner: %s", strerror(-ret));
	return 0;
}

int kernels_run_guest(struct job_spec *jobs, size_t n, struct runner_opts *ro,
		      struct report *rep)
{
	struct block b = { rep, jobs, n, 0, vm_guest_port() };

	if (b.port < 0)
		die(1, "--guest: result port %s: %s",
		    getenv("TUNCHECK_VM_PORT") ? getenv("TUNCHECK_VM_PORT")
					       : "(no TUNCHECK_VM_PORT)",
		    strerror(errno));
	vm_guest_send_start(b.port, n, NULL);
	run_here(jobs, n, ro, &b);
	close(b.port);
	return 0;
}

int kernels_run(struct kernels *ks, struct job_spec *jobs, size_t nj,
		struct runner_opts *ro, struct report *rep)
{
	size_t total = nj * ks->n;
	struct vm_opts vo = {
		.accel = ks->accel,
		.argv = ks->guest_argv,
		.mem_mib = 1024,
		.boot_s = env_seconds("TUNCHECK_VM_BOOT_S", 90),
		.idle_s = env_seconds("TUNCHECK_VM_IDLE_S", 120),
	};

	if (!ks->n) {
		struct block b = { rep, jobs, nj, 0, -1 };

		return run_here(jobs, nj, ro, &b);
	}
	/* a signal stops the run between and inside guests too */
	runner_catch_signals();
	for (size_t k = 0; k < ks->n; k++) {
		struct vm_kernel *kern = &ks->k[k];
		struct block b = { rep, jobs, total, k * nj, -1 };

		if (ro->interrupted || runner_stopped()) {
			ro->interrupted = runner_stopped();
			runner_interrupt(jobs + k * nj, total - k * nj,
					 ro->interrupted);
			break;
		}
		if (rep->term)
			fprintf(rep->term, "%skernel %s: %s\n",
				rep->progress ? "\r\033[K" : "", kern->label,
				kern->host ? "the host's, natively"
					   : "booting under QEMU");
		if (kern->host) {
			run_here(jobs + k * nj, nj, ro, &b);
			snprintf(kern->summary, sizeof(kern->summary),
				 "natively");
			continue;
		}
		vo.on_done = block_done;
		vo.arg = &b;
		for (size_t i = 0; i < nj; i++)
			if (jobs[k * nj + i].state == JOB_SETTLED)
				block_done(jobs + k * nj, nj, i, &b);
		if (vm_run(kern, &vo, jobs + k * nj, nj) < 0)
			die(1, "kernel %s: cannot run QEMU", kern->label);
		if (rep->term)
			fprintf(rep->term, "%skernel %s: %s\n",
				rep->progress ? "\r\033[K" : "", kern->label,
				kern->summary);
	}
	if (runner_stopped())
		ro->interrupted = runner_stopped();
	return 0;
}

void kernels_add(struct kernels *ks, const char *spec)
{
	char why[512];

	if (ks->n == VM_KERNELS_MAX)
		die(2, "--kernel: at most %d kernels", VM_KERNELS_MAX);
	if (vm_kernel_parse(spec, &ks->k[ks->n], why, sizeof(why)) < 0)
		die(2, "--kernel %s", why);
	/* two kernels of one release still get distinct names */
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i].label, ks->k[ks->n].label)) {
			size_t l = strlen(ks->k[ks->n].label);

			snprintf(ks->k[ks->n].label + (l > 58 ? 58 : l),
				 sizeof(ks->k[0].label) - (l > 58 ? 58 : l),
				 "#%zu", ks->n + 1);
		}
	ks->n++;
}

void kernels_option(struct kernels *ks, int opt, const char *arg)
{
	if (opt == 'K')
		kernels_add(ks, arg);
	else if (!strcmp(arg, "auto"))
		ks->accel = VM_ACCEL_AUTO;
	else if (!strcmp(arg, "kvm"))
		ks->accel = VM_ACCEL_KVM;
	else if (!strcmp(arg, "tcg"))
		ks->accel = VM_ACCEL_TCG;
	else
		die(2, "--accel: '%s': use auto, kvm or tcg", arg);
}

void kernels_guest_argv(struct kernels *ks, char **fwd, size_t nfwd,
			char **paths, size_t npaths)
{
	static char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t a = 0;

	if (l <= 0)
		die(1, "--kernel: cannot find tuncheck's own binary");
	exe[l] = 0;
	ks->guest_argv = calloc(nfwd + npaths + 5, sizeof(char *));
	if (!ks->guest_argv)
		die(1, "out of memory");
	ks->guest_argv[a++] = exe;
	ks->guest_argv[a++] = "run";
	ks->guest_argv[a++] = "--guest";
	for (size_t i = 0; i < nfwd; i++)
		ks->guest_argv[a++] = fwd[i];
	ks->guest_argv[a++] = "--";
	for (size_t i = 0; i < npaths; i++)
		ks->guest_argv[a++] = paths[i];
	ks->guest_argv[a] = NULL;
}
