// SPDX-License-Identifier: MIT
/*
 * tuncheck: run declarative TUN I/O cases against pluggable backends, each
 * job in its own user+network namespace.  Commands: run, check, list.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "registry.h"
#include "bench.h"
#include "capture.h"
#include "case.h"
#include "expect.h"
#include "outdir.h"
#include "paths.h"
#include "report.h"
#include "runner.h"
#include "sandbox.h"

#define MAX_BACKENDS	 32
#define PCAP_MAX_DEFAULT (16ull << 20) /* --pcap-max: bytes per job */

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tuncheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(FILE *f)
{
	fputs("usage: tuncheck run [options] PATH...   run cases (files or directories)\n"
	      "       tuncheck check PATH...           parse case files only\n"
	      "       tuncheck list [PATH...]          list backends and cases\n"
	      "       tuncheck compare [-j N] [--log-dir DIR] A B [PATH...]\n"
	      "                                        run backends A and B side by side (default: cases)\n"
	      "       tuncheck bench [-b BACKEND]... [--count N]\n"
	      "                                        round trips, wakeups, wake latency and per-job\n"
	      "                                        overhead, each beside a raw reference loop\n"
	      "run options:\n"
	      "  -b, --backend NAME|./PLUGIN.so|'exec:PROGRAM [ARGS]'\n"
	      "                                  backend to run (repeatable; default: all built-ins)\n"
	      "  -j, --jobs N                    jobs in parallel (default: CPUs)\n"
	      "      --log-dir DIR               write each job's event timeline there\n"
	      "      --junit FILE                also write a JUnit XML report\n"
	      "      --json FILE                 also write every result as JSON\n"
	      "      --pcap-dir DIR              one pcap per job: packets read and written\n"
	      "      --pcap-max SIZE             cap each pcap file (default 16M; 0: none)\n"
	      "per-job limits (README: Sandbox; 0: none):\n"
	      "      --max-memory SIZE           address space (default 4G)\n"
	      "      --max-procs N               processes and threads (default 128)\n"
	      "      --max-files N               open files (default 1024)\n"
	      "      --max-file-size SIZE        any file a job writes (default 64M)\n"
	      "      --inject drop-read=N|no-wake  test-only fault in the event stream\n"
	      "Directories are searched for *.case, skipping selftest/ unless named.\n"
	      "Exit: 0 as expected, 1 a failure, 2 usage or case error, 4 all skipped,\n"
	      "128+N stopped by signal N (130 SIGINT, 143 SIGTERM).\n",
	      f);
}

/* Collect the case files argv names (paths.c), or die with the reason. */
static void cases_collect(struct paths_list *p, char **argv, int argc)
{
	char err[2 * PATH_MAX];
	int ret = paths_list_collect(p, argv, argc, err, sizeof(err));

	if (ret < 0)
		die(ret == -ENOMEM ? 1 : 2, "%s", err);
}

/*
 * Parse every file, expanding variants; print every diagnostic; NULL if any
 * failed.  On success p is rewritten to hold one path per case returned
 * (a file with variants appears once per variant), so p->n counts cases.
 */
static struct case_file **cases_load(struct paths_list *p, bool quiet)
{
	struct paths_list out = { 0 };
	struct case_file **cs = NULL;
	size_t n = 0;
	bool bad = false;

	for (size_t i = 0; i < p->n; i++) {
		struct case_diag d = { 0 };
		struct case_file **one;
		size_t k = 0;
		char msg[1024];

		one = case_load_all(p->v[i], &k, &d);
		if (!one) {
			case_diag_format(p->v[i], &d, msg, sizeof(msg));
			fputs(msg, stderr);
			bad = true;
			continue;
		}
		cs = realloc(cs, (n + k + 1) * sizeof(*cs));
		if (!cs)
			die(1, "out of memory");
		for (size_t j = 0; j < k; j++) {
			cs[n++] = one[j];
			if (paths_list_add(&out, p->v[i]) < 0)
				die(1, "out of memory");
			if (!quiet)
				printf("%s: ok (%s, %zu steps)\n", p->v[i],
				       one[j]->name, one[j]->n_steps);
		}
		free(one);
	}
	if (bad) {
		for (size_t i = 0; i < n; i++)
			case_free(cs[i]);
		free(cs);
		paths_list_free(&out);
		return NULL;
	}
	if (!cs)
		cs = calloc(1, sizeof(*cs));
	paths_list_free(p);
	*p = out;
	return cs;
}

static int cmd_check(int argc, char **argv)
{
	struct paths_list p = { 0 };
	struct case_file **cs;

	if (argc < 1)
		die(2, "check: name at least one case file or directory");
	cases_collect(&p, argv, argc);
	if (!p.n)
		die(2, "check: no .case files found");
	cs = cases_load(&p, false);
	if (cs)
		for (size_t i = 0; i < p.n; i++)
			case_free(cs[i]);
	free(cs);
	paths_list_free(&p);
	return cs ? 0 : 2;
}

static int cmd_list(int argc, char **argv)
{
	struct paths_list p = { 0 };
	struct case_file **cs;

	puts("backends:");
	for (size_t i = 0; i < backend_builtin_count(); i++)
		printf("  %-14s %s\n", backend_builtin(i)->name,
		       backend_builtin(i)->about);
	if (argc < 1)
		return 0;
	cases_collect(&p, argv, argc);
	cs = cases_load(&p, true);
	if (!cs) {
		paths_list_free(&p);
		return 2;
	}
	puts("cases:");
	for (size_t i = 0; i < p.n; i++) {
		const char *about = cs[i]->about ? cs[i]->about : "";

		printf("  %-40s %-38s %.*s\n", cs[i]->name, p.v[i],
		       (int)strcspn(about, "\n"), about);
		case_free(cs[i]);
	}
	free(cs);
	paths_list_free(&p);
	return 0;
}

/* -j N (1..256); NULL: the default, one job per CPU. */
static unsigned opt_jobs(const char *arg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long n;
	char *end;

	if (!arg)
		return cpus > 0 ? (unsigned)cpus : 1;
	n = strtoul(arg, &end, 10);
	if (*end || !n || n > 256)
		die(2, "-j: '%s' is not a job count (1..256)", arg);
	return (unsigned)n;
}

/* A size with an optional K, M or G suffix (powers of 1024); 0 = none. */
static uint64_t opt_size(const char *flag, const char *arg)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end != arg && *end && !end[1])
		shift = *end == 'K' || *end == 'k'   ? 10
			: *end == 'M' || *end == 'm' ? 20
			: *end == 'G' || *end == 'g' ? 30
						     : -1;
	else if (*end)
		shift = -1;
	if (errno || end == arg || arg[0] == '-' || shift < 0 ||
	    v > (~0ULL >> shift))
		die(2,
		    "%s: '%s' is not a size (a number, optionally with K, M "
		    "or G; 0 for no limit)",
		    flag, arg);
	return (uint64_t)v << shift;
}

/* A count for a limit option: 0..max (0 = no limit). */
static unsigned long opt_count(const char *flag, const char *arg,
			       unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > max)
		die(2, "%s: '%s' is not a count (0..%lu, 0 for no limit)", flag,
		    arg, max);
	return v;
}

/* The sandbox probe, and the layers this kernel lacks said once. */
static int sandbox_check(char *why, size_t size)
{
	unsigned gaps = 0;
	char text[512];

	if (sandbox_probe(why, size, &gaps) < 0)
		return -1;
	if (lockdown_prepare(text, sizeof(text)) < 0)
		fprintf(stderr, "tuncheck: %s: each job compiles its filter\n",
			text);
	if (gaps)
		fprintf(stderr,
			"tuncheck: sandbox: this kernel lacks %s; jobs run "
			"without that layer\n",
			sandbox_gaps_describe(gaps, text, sizeof(text)));
	return 0;
}

/* -b twice for one backend would run and name its jobs twice: refuse. */
static void opt_backend_unique(const struct tuncheck_backend_ops **ops,
			       size_t nb)
{
	for (size_t i = 0; i + 1 < nb; i++)
		if (!strcmp(ops[i]->name, ops[nb - 1]->name))
			die(2, "backend '%s' given twice", ops[nb - 1]->name);
}

/* -b SPEC: append the selected backend to ops, or die with the reason. */
static void opt_backend(const struct tuncheck_backend_ops **ops, size_t *nb,
			const char *spec)
{
	char err[512];

	if (*nb == MAX_BACKENDS)
		die(2, "too many --backend options");
	ops[*nb] = backend_select(spec, err, sizeof(err));
	if (!ops[(*nb)++])
		die(2, "%s", err);
	opt_backend_unique(ops, *nb);
}

/*
 * A directory option (--log-dir, --pcap-dir): created if missing, and
 * proven writable before the first job; its fd into *fd.
 */
static const char *opt_dir(const char *flag, const char *arg, int *fd)
{
	char why[512];

	*fd = outdir_open(arg, why, sizeof(why));
	if (*fd < 0)
		die(2, "%s %s", flag, why);
	return arg;
}

/* A report file option (--junit, --json): opened before the first job. */
static FILE *opt_report(const char *flag, const char *arg)
{
	FILE *f = fopen(arg, "we");

	if (!f)
		die(2, "%s %s: %s", flag, arg, strerror(errno));
	return f;
}

/* Two cases of one name would share reports and files: refuse. */
static void cases_unique(struct case_file **cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (!strcmp(cs[i]->name, cs[k]->name))
				die(2,
				    "case name '%s' is used by both %s and %s: "
				    "rename one",
				    cs[i]->name, cs[i]->path, cs[k]->path);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "inject", required_argument, NULL, 'I' },
		{ "junit", required_argument, NULL, 'J' },
		{ "json", required_argument, NULL, 'O' },
		{ "pcap-dir", required_argument, NULL, 'P' },
		{ "pcap-max", required_argument, NULL, 'C' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "max-procs", required_argument, NULL, 'N' },
		{ "max-files", required_argument, NULL, 'F' },
		{ "max-file-size", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct tuncheck_backend_ops *ops[MAX_BACKENDS];
	struct runner_opts ro = { .job = { .log_fd = -1, .pcap_fd = -1 } };
	const char *junit = NULL, *json = NULL;
	FILE *junit_f = NULL, *json_f = NULL;
	struct report rep = { .tap = stdout, .term = stderr };
	struct paths_list p = { 0 };
	struct case_file **cs;
	struct job_spec *jobs;
	size_t nb = 0, nj = 0;
	char why[512];
	int c, ret;

	ro.parallel = opt_jobs(NULL);
	lockdown_limits_default(&ro.job.limits);
	ro.job.pcap_max = PCAP_MAX_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			opt_backend(ops, &nb, optarg);
			break;
		case 'C':
			ro.job.pcap_max = opt_size("--pcap-max", optarg);
			break;
		case 'M':
			ro.job.limits.memory = opt_size("--max-memory", optarg);
			break;
		case 'S':
			ro.job.limits.file_size =
				opt_size("--max-file-size", optarg);
			break;
		case 'N':
			ro.job.limits.procs =
				opt_count("--max-procs", optarg, 1000000);
			break;
		case 'F':
			ro.job.limits.files =
				opt_count("--max-files", optarg, 1048576);
			break;
		case 'j':
			ro.parallel = opt_jobs(optarg);
			break;
		case 'L':
			ro.log_dir =
				opt_dir("--log-dir", optarg, &ro.log_dirfd);
			break;
		case 'I':
			if (job_inject_parse(optarg, &ro.job.inject) < 0)
				die(2,
				    "--inject: '%s': use drop-read=N (N>=2) or no-wake",
				    optarg);
			break;
		case 'J':
			junit = optarg;
			junit_f = opt_report("--junit", optarg);
			break;
		case 'O':
			json = optarg;
			json_f = opt_report("--json", optarg);
			break;
		case 'P':
			ro.pcap_dir =
				opt_dir("--pcap-dir", optarg, &ro.pcap_dirfd);
			if (capture_load(why, sizeof(why)) < 0)
				die(2, "--pcap-dir: %s", why);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc)
		die(2, "run: name case files or directories (e.g. cases)");
	if (!nb)
		for (size_t i = 0; i < backend_builtin_count(); i++)
			ops[nb++] = backend_builtin(i);
	cases_collect(&p, argv + optind, argc - optind);
	if (!p.n)
		die(2, "run: no .case files found");
	cs = cases_load(&p, true);
	if (!cs) {
		paths_list_free(&p);
		return 2;
	}
	cases_unique(cs, p.n);
	jobs = calloc(p.n * nb, sizeof(*jobs));
	if (!jobs)
		die(1, "out of memory");
	for (size_t i = 0; i < p.n; i++)
		for (size_t b = 0; b < nb; b++) {
			/* a `backends` line limits the case to those */
			if (!case_runs_on(cs[i], ops[b]->name))
				continue;
			jobs[nj].c = cs[i];
			jobs[nj++].ops = ops[b];
		}
	rep.progress = isatty(STDERR_FILENO);
	report_begin(&rep, nj);
	if (sandbox_check(why, sizeof(why)) < 0) {
		fprintf(stderr, "tuncheck: cannot run jobs here: %s\n", why);
		runner_skip_all(jobs, nj, why);
		for (size_t i = 0; i < nj; i++)
			report_job_done(jobs, nj, i, &rep);
	} else {
		ro.on_done = report_job_done;
		ro.arg = &rep;
		ret = runner_run(jobs, nj, &ro);
		if (ret < 0)
			die(1, "runner: %s", strerror(-ret));
	}
	if (ro.interrupted) {
		snprintf(why, sizeof(why), "interrupted by SIG%s",
			 sigabbrev_np(ro.interrupted));
		report_bail_out(&rep, why);
	}
	report_matrix(&rep, jobs, nj);
	if (junit_f && (ret = report_junit(junit_f, jobs, nj)) < 0)
		die(1, "--junit %s: %s", junit, strerror(-ret));
	if (json_f && (ret = report_json(json_f, jobs, nj)) < 0)
		die(1, "--json %s: %s", json, strerror(-ret));
	ret = ro.interrupted ? 128 + ro.interrupted
			     : report_exit_status(jobs, nj);
	for (size_t i = 0; i < p.n; i++)
		case_free(cs[i]);
	free(cs);
	free(jobs);
	paths_list_free(&p);
	return ret;
}

/* One side of a compare row: the verdict and what the timeline showed. */
struct compare_side {
	enum verdict v;
	long wakes, reads;
	int err;     /* errno of the first ERROR event, 0 = none */
	uint64_t ns; /* job wall time, fork to reap */
};

/* A job's side of a row, from its typed result (protocol.h). */
static void compare_side_load(const struct job_spec *js,
			      struct compare_side *sd)
{
	*sd = (struct compare_side){ .v = js->res.v, .ns = js->res.wall_ns };
	if (!js->res.has_counts)
		return;
	sd->wakes = (long)js->res.counts.wakes;
	sd->reads = (long)js->res.counts.reads;
	sd->err = js->res.counts.first_err;
}

/* One side of a row: verdict, wakes, reads, first errno, time. */
static void compare_side_print(const struct compare_side *sd)
{
	char d[32];

	printf("%-8s %6ld %6ld %-9s %8s", verdict_name(sd->v), sd->wakes,
	       sd->reads, sd->err ? errno_name(sd->err) : "-",
	       fmt_duration(sd->ns, d, sizeof(d)));
}

/* Print the side-by-side table; returns the number of verdicts differing. */
static size_t compare_print(const struct job_spec *jobs, size_t n_cases)
{
	int w = 4;
	size_t differ = 0, other = 0;

	for (size_t i = 0; i < n_cases; i++)
		if ((int)strlen(jobs[2 * i].c->name) > w)
			w = (int)strlen(jobs[2 * i].c->name);
	printf("%-*s  A = %-36s | B = %s\n", w, "", jobs[0].ops->name,
	       jobs[1].ops->name);
	printf("%-*s  verdict   wakes  reads errno         time "
	       "| verdict   wakes  reads errno         time\n",
	       w, "case");
	for (size_t i = 0; i < n_cases; i++) {
		struct compare_side a, b;

		compare_side_load(&jobs[2 * i], &a);
		compare_side_load(&jobs[2 * i + 1], &b);
		printf("%-*s  ", w, jobs[2 * i].c->name);
		compare_side_print(&a);
		printf(" | ");
		compare_side_print(&b);
		if (a.v != b.v) {
			differ++;
			printf("  <> verdict");
		} else if (a.wakes != b.wakes || a.reads != b.reads ||
			   a.err != b.err) {
			other++;
			printf("  ~%s%s%s", a.wakes != b.wakes ? " wakes" : "",
			       a.reads != b.reads ? " reads" : "",
			       a.err != b.err ? " errno" : "");
		}
		putchar('\n');
	}
	printf("%zu case%s: %zu with a different verdict (<>), %zu differing "
	       "only in wakes, reads or errno (~)\n",
	       n_cases, n_cases == 1 ? "" : "s", differ, other);
	return differ;
}

/*
 * compare A B [PATH...]: both backends over the same cases, one row per
 * case.  Wakes, reads and the first errno come with each job's result
 * (PROTO_COUNTS); --log-dir keeps the timelines too.  Exit 1 when any
 * verdict differs, 0 when none does, 2 usage, 4 nothing could run.
 */
static int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct runner_opts ro = { .job = { .log_fd = -1, .pcap_fd = -1 } };
	const struct tuncheck_backend_ops *ops[2];
	char err[512], why[512];
	char *dflt[] = { "cases" };
	struct paths_list p = { 0 };
	struct case_file **cs;
	struct job_spec *jobs;
	int c, ret = 0;
	size_t differ;

	ro.parallel = opt_jobs(NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ro.parallel = opt_jobs(optarg);
			break;
		case 'L':
			ro.log_dir =
				opt_dir("--log-dir", optarg, &ro.log_dirfd);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
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
	optind += 2;
	if (optind < argc)
		cases_collect(&p, argv + optind, argc - optind);
	else
		cases_collect(&p, dflt, 1);
	if (!p.n)
		die(2, "compare: no .case files found");
	cs = cases_load(&p, true);
	if (!cs) {
		paths_list_free(&p);
		return 2;
	}
	cases_unique(cs, p.n);
	jobs = calloc(2 * p.n, sizeof(*jobs));
	if (!jobs)
		die(1, "out of memory");
	for (size_t i = 0; i < 2 * p.n; i++) {
		jobs[i].c = cs[i / 2];
		jobs[i].ops = ops[i % 2];
		if (!case_runs_on(jobs[i].c, jobs[i].ops->name)) {
			runner_skip_all(&jobs[i], 1,
					"the case's backends line "
					"excludes this backend");
		}
	}
	lockdown_limits_default(&ro.job.limits);
	ro.job.pcap_max = PCAP_MAX_DEFAULT;
	if (sandbox_check(why, sizeof(why)) < 0) {
		fprintf(stderr, "tuncheck: cannot run jobs here: %s\n", why);
		runner_skip_all(jobs, 2 * p.n, why);
		ret = 4;
	} else if ((ret = runner_run(jobs, 2 * p.n, &ro)) < 0) {
		die(1, "runner: %s", strerror(-ret));
	}
	differ = compare_print(jobs, p.n);
	if (ro.interrupted)
		ret = 128 + ro.interrupted;
	for (size_t i = 0; i < p.n; i++)
		case_free(cs[i]);
	free(cs);
	free(jobs);
	paths_list_free(&p);
	return ret ? ret : differ ? 1 : 0;
}

/*
 * bench [-b BACKEND]... [--count N]: per backend, round trips per second,
 * wakeups per packet and wake latency, then the per-job overhead, each
 * beside a raw reference loop (bench.c).  Exit 0, 1 if a measurement
 * failed, 2 usage, 4 no sandbox here.
 */
static int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct tuncheck_backend_ops *ops[MAX_BACKENDS];
	long count = BENCH_COUNT_DEFAULT;
	char *end;
	size_t nb = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			opt_backend(ops, &nb, optarg);
			break;
		case 'n':
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || count < 1 ||
			    count > BENCH_COUNT_MAX)
				die(2,
				    "--count: '%s' is not a round-trip count "
				    "(1..%d)",
				    optarg, BENCH_COUNT_MAX);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die(2, "bench: unexpected argument '%s'", argv[optind]);
	if (!nb)
		for (size_t i = 0; i < backend_builtin_count(); i++)
			ops[nb++] = backend_builtin(i);
	return bench_main(ops, nb, count, 1);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* a closed reader pipe must not kill the parent mid-report */
	signal(SIGPIPE, SIG_IGN);
	/* the run's directory stays visible in each job's private /tmp */
	sandbox_expose(".");
	/* sandboxes' PID 1s outlive their jobs by the teardown: ours to reap */
	sandbox_reaper();
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 2, argv + 2);
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "tuncheck: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
