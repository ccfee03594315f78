// SPDX-License-Identifier: MIT
/*
 * tuncheck compare A B [PATH...]: both backends over the same cases, one
 * row per case, from each job's typed result.  compare --kernel A
 * --kernel B [-b BACKEND]... [PATH...]: the same backends on two kernels.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "expect.h"
#include "kernels.h"
#include "outcomes.h"
#include "registry.h"
#include "report.h"
#include "runner.h"

/* One side of a compare row: the verdict and what the timeline showed. */
struct compare_side {
	enum verdict v;
	char cls[24]; /* failure class (fail, xfail: lost-wakeup, hang, ...) */
	long wakes, reads;
	int err;     /* errno of the first ERROR event, 0 = none */
	uint64_t ns; /* job wall time, fork to reap */
};

/* A job's side of a row, from its typed result (protocol.h). */
static void compare_side_load(const struct job_spec *js,
			      struct compare_side *sd)
{
	*sd = (struct compare_side){ .v = js->res.v, .ns = js->res.wall_ns };
	memcpy(sd->cls, js->res.cls, sizeof(sd->cls));
	if (!js->res.has_counts)
		return;
	sd->wakes = (long)js->res.counts.wakes;
	sd->reads = (long)js->res.counts.reads;
	sd->err = js->res.counts.first_err;
}

/* One side of a row: verdict, wakes, reads, first errno, time. */
static void compare_side_print(const struct compare_side *sd)
{
	char d[32], v[48];
	bool failed = sd->v == VERDICT_FAIL || sd->v == VERDICT_XFAIL;

	snprintf(v, sizeof(v), "%s%s%s", verdict_name(sd->v),
		 failed && sd->cls[0] ? ":" : "", failed ? sd->cls : "");
	printf("%-18s %6ld %6ld %-9s %8s", v, sd->wakes, sd->reads,
	       sd->err ? errno_name(sd->err) : "-",
	       fmt_duration(sd->ns, d, sizeof(d)));
}

/*
 * What is compared: the outcome, a failure by its class whether
 * documented or not (xfail and fail of one class are the same behaviour).
 */
static bool compare_same(const struct compare_side *a,
			 const struct compare_side *b)
{
	bool fa = a->v == VERDICT_FAIL || a->v == VERDICT_XFAIL,
	     fb = b->v == VERDICT_FAIL || b->v == VERDICT_XFAIL;

	if (fa && fb)
		return !strcmp(a->cls, b->cls);
	return a->v == b->v;
}

/* Print the side-by-side table; returns the number of outcomes differing. */
static size_t compare_print(const struct job_spec *jobs, size_t n_cases)
{
	int w = 4;
	size_t differ = 0, other = 0, skipped = 0;

	for (size_t i = 0; i < n_cases; i++)
		if ((int)strlen(jobs[2 * i].c->name) > w)
			w = (int)strlen(jobs[2 * i].c->name);
	printf("%-*s  A = %-46s | B = %s\n", w, "", jobs[0].ops->name,
	       jobs[1].ops->name);
	printf("%-*s  verdict:class       wakes  reads errno         time "
	       "| verdict:class       wakes  reads errno         time\n",
	       w, "case");
	for (size_t i = 0; i < n_cases; i++) {
		struct compare_side a, b;

		compare_side_load(&jobs[2 * i], &a);
		compare_side_load(&jobs[2 * i + 1], &b);
		printf("%-*s  ", w, jobs[2 * i].c->name);
		compare_side_print(&a);
		printf(" | ");
		compare_side_print(&b);
		if (a.v == VERDICT_SKIP || b.v == VERDICT_SKIP) {
			/* not run on one side: no comparison, said apart */
			skipped += a.v != b.v;
			if (a.v != b.v)
				printf("  -- skipped on %s",
				       a.v == VERDICT_SKIP ? "A" : "B");
		} else if (!compare_same(&a, &b)) {
			differ++;
			printf("  <> %s", a.v == b.v ? "class" : "verdict");
		} else if (a.wakes != b.wakes || a.reads != b.reads ||
			   a.err != b.err) {
			other++;
			printf("  ~%s%s%s", a.wakes != b.wakes ? " wakes" : "",
			       a.reads != b.reads ? " reads" : "",
			       a.err != b.err ? " errno" : "");
		}
		putchar('\n');
	}
	printf("%zu case%s: %zu with a different outcome (<>: verdict, or "
	       "failure class; xfail and fail of one class are the same), "
	       "%zu skipped on one side (--), %zu differing only in wakes, "
	       "reads or errno (~)\n",
	       n_cases, n_cases == 1 ? "" : "s", differ, skipped, other);
	return differ;
}

/* One side of a kernel row: "pass", "fail:lost-wakeup", ... */
static const char *kernel_side(const struct job_result *r, char *buf,
			       size_t size)
{
	snprintf(buf, size, "%s%s%s", verdict_name(r->v),
		 r->v != VERDICT_PASS && r->cls[0] &&
				 strcmp(r->cls, verdict_name(r->v))
			 ? ":"
			 : "",
		 r->v != VERDICT_PASS && strcmp(r->cls, verdict_name(r->v))
			 ? r->cls
			 : "");
	return buf;
}

/*
 * Two kernels side by side: one row per (case, backend), "<>" where the
 * outcome differs, then each difference's evidence.  Returns how many.
 */
static size_t compare_kernels_print(const struct kernels *ks,
				    const struct job_spec *jobs, size_t nj)
{
	size_t differ = 0;
	int w = 4;
	char a[64], b[64];

	for (size_t i = 0; i < nj; i++) {
		int l = (int)(strlen(jobs[i].c->name) +
			      strlen(jobs[i].ops->name) + 3);

		w = l > w ? l : w;
	}
	for (size_t k = 0; k < 2; k++)
		printf("%s = %s: %s\n", k ? "B" : "A", ks->k[k].label,
		       ks->k[k].summary);
	printf("%-*s  %-28s | %s\n", w, "case [backend]", "A", "B");
	for (size_t i = 0; i < nj; i++) {
		const struct job_result *ra = &jobs[i].res,
					*rb = &jobs[nj + i].res;
		bool d = ra->v != rb->v || strcmp(ra->cls, rb->cls);
		char name[256];

		snprintf(name, sizeof(name), "%s [%s]", jobs[i].c->name,
			 jobs[i].ops->name);
		printf("%-*s  %-28s | %-28s%s\n", w, name,
		       kernel_side(ra, a, sizeof(a)),
		       kernel_side(rb, b, sizeof(b)), d ? " <>" : "");
		differ += d;
	}
	if (differ)
		puts("\ndifferences (expected; observed):");
	for (size_t i = 0; i < nj; i++) {
		const struct job_spec *s[2] = { &jobs[i], &jobs[nj + i] };

		if (s[0]->res.v == s[1]->res.v &&
		    !strcmp(s[0]->res.cls, s[1]->res.cls))
			continue;
		printf("  %s [%s] (%s):\n", s[0]->c->name, s[0]->ops->name,
		       s[0]->c->path);
		for (size_t k = 0; k < 2; k++)
			printf("    %s %-10s line %u: %s; %s\n", k ? "B" : "A",
			       kernel_side(&s[k]->res, a, sizeof(a)),
			       s[k]->res.line,
			       s[k]->res.expected[0] ? s[k]->res.expected : "-",
			       s[k]->res.observed[0] ? s[k]->res.observed
						     : "-");
	}
	printf("%zu jobs on each kernel: %zu with a different outcome (<>)\n",
	       nj, differ);
	return differ;
}

/* compare --kernel A --kernel B: every backend of ops on both kernels. */
static int compare_kernels(struct kernels *ks,
			   const struct tuncheck_backend_ops **ops, size_t nb,
			   char **fwd, size_t nfwd, char **paths, size_t np,
			   struct runner_opts *ro)
{
	struct report rep = { .tap = fopen("/dev/null", "we") };
	struct paths_list p = { 0 };
	struct case_file **cs;
	struct job_spec *jobs;
	size_t nj = 0, differ;

	if (ks->n != 2)
		die(2, "compare: name two kernels (--kernel A --kernel B)");
	if (!rep.tap)
		die(1, "/dev/null: cannot open");
	opt_backends_default(ops, &nb);
	cs = cases_open(&p, paths, (int)np, "compare");
	if (!cs)
		return 2;
	kernels_guest_argv(ks, fwd, nfwd, paths, np);
	jobs = calloc(2 * p.n * nb, sizeof(*jobs));
	if (!jobs)
		die(1, "out of memory");
	for (size_t i = 0; i < p.n; i++)
		for (size_t b = 0; b < nb; b++)
			if (cases_runs_on(cs[i], ops[b]->name)) {
				jobs[nj].c = cs[i];
				jobs[nj++].ops = ops[b];
			}
	kernels_outcomes_skip(jobs, nj);
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < nj; i++) {
			if (k)
				jobs[k * nj + i] = jobs[i];
			jobs[k * nj + i].kernel = ks->k[k].label;
		}
	report_begin(&rep, 2 * nj);
	kernels_run(ks, jobs, nj, ro, &rep);
	fclose(rep.tap);
	differ = compare_kernels_print(ks, jobs, nj);
	for (size_t i = 0; i < p.n; i++)
		case_free(cs[i]);
	free(cs);
	free(jobs);
	free(ks->guest_argv);
	paths_list_free(&p);
	return ro->interrupted ? 128 + ro->interrupted : differ ? 1 : 0;
}

/*
 * compare A B [PATH...]: both backends over the same cases, one row per
 * case.  Wakes, reads and the first errno come with each job's result
 * (MSG_COUNTS); --log-dir keeps the timelines too.  Exit 1 when any
 * verdict differs, 0 when none does, 2 usage, 4 nothing could run.
 */
int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "backend", required_argument, NULL, 'b' },
		{ "like", required_argument, NULL, 'Y' },
		{ "expect", required_argument, NULL, 'X' },
		{ "env", required_argument, NULL, 'E' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "accel", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct runner_opts ro = { .job = { .log_fd = -1, .pcap_fd = -1 } };
	const struct tuncheck_backend_ops *ops[MAX_BACKENDS];
	static struct kernels ks;
	static struct outcomes oc;
	char *fwd[2 * MAX_BACKENDS + 2 * 64 + 4];
	size_t nb = 0, nfwd = 0;
	char err[512], why[512];
	char *dflt[] = { "cases" };
	struct paths_list p = { 0 };
	struct case_file **cs;
	struct job_spec *jobs;
	int c, ret = 0;
	size_t differ;
	bool jobs_given = false;

	/* what compare --kernel forwards to each kernel's run */
#define FWD(opt, arg)                                                          \
	do {                                                                   \
		if (nfwd + 2 > sizeof(fwd) / sizeof(fwd[0]))                   \
			die(2, "compare: too many options");                   \
		fwd[nfwd++] = opt;                                             \
		fwd[nfwd++] = arg;                                             \
	} while (0)
	ro.parallel = opt_jobs(NULL);
	lockdown_limits_default(&ro.job.limits);
	ro.job.pcap_max = PCAP_MAX_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:j:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ro.parallel = opt_jobs(optarg);
			jobs_given = true;
			FWD("-j", optarg);
			break;
		case 'b':
			opt_backend(ops, &nb, optarg);
			FWD("-b", optarg);
			break;
		case 'K':
		case 'A':
			kernels_option(&ks, c, optarg);
			break;
		case 'o':
			opt_reader(optarg);
			FWD("-o", optarg);
			break;
		case 'Y':
			if (backend_like_add(optarg, err, sizeof(err)) < 0)
				die(2, "%s", err);
			FWD("--like", optarg);
			break;
		case 'X':
			opt_expect(&oc, optarg);
			FWD("--expect", optarg);
			break;
		case 'E':
			opt_env(optarg);
			FWD("--env", optarg);
			break;
		case 'L':
			ro.log_dir =
				opt_dir("--log-dir", optarg, &ro.log_dirfd);
			break;
		case 'h':
			return CMD_HELP;
		default:
			return CMD_USAGE;
		}
	}
	kernels_outcomes(&oc);
	if (ks.n) {
		if (ro.log_dir)
			die(2, "compare --kernel: --log-dir is not supported "
			       "yet");
		return compare_kernels(
			&ks, ops, nb, fwd, nfwd,
			optind < argc ? argv + optind : dflt,
			optind < argc ? (size_t)(argc - optind) : 1, &ro);
	}
	if (nb)
		die(2, "compare: -b goes with --kernel; without it, name the "
		       "two backends: compare read epoll-lt");
	if (argc - optind < 2)
		die(2,
		    "compare: name two backends, e.g. compare read epoll-lt");
	for (int i = 0; i < 2; i++) {
		ops[i] = backend_select(argv[optind + i], err, sizeof(err));
		if (!ops[i])
			die(2, "%s", err);
	}
	if (!strcmp(ops[0]->name, ops[1]->name))
		die(2, "compare: A and B are both '%s'", ops[0]->name);
	ro.parallel = opt_jobs_for(ro.parallel, jobs_given, ops, 2);
	optind += 2;
	cs = optind < argc
		     ? cases_open(&p, argv + optind, argc - optind, "compare")
		     : cases_open(&p, dflt, 1, "compare");
	if (!cs)
		return 2;
	jobs = calloc(2 * p.n, sizeof(*jobs));
	if (!jobs)
		die(1, "out of memory");
	for (size_t i = 0; i < 2 * p.n; i++) {
		jobs[i].c = cs[i / 2];
		jobs[i].ops = ops[i % 2];
		if (!cases_runs_on(jobs[i].c, jobs[i].ops->name)) {
			runner_skip_all(&jobs[i], 1,
					"the case's backends line "
					"excludes this backend");
		}
	}
	kernels_outcomes_skip(jobs, 2 * p.n);
	if (sandbox_check(why, sizeof(why), NULL, 0) < 0) {
		fprintf(stderr, "tuncheck: cannot run jobs here: %s\n", why);
		runner_skip_all(jobs, 2 * p.n, why);
		ret = 4;
	} else if ((ret = runner_run(jobs, 2 * p.n, &ro)) < 0) {
		die(1, "runner: %s", strerror(-ret));
	}
	for (size_t i = 0; i < 2 * p.n; i++)
		kernels_outcome_apply(&jobs[i]);
	differ = compare_print(jobs, p.n);
	if (ro.interrupted)
		ret = 128 + ro.interrupted;
	for (size_t i = 0; i < p.n; i++)
		case_free(cs[i]);
	free(cs);
	free(jobs);
	outcomes_free(&oc);
	paths_list_free(&p);
	return ret ? ret : differ ? 1 : 0;
}
