// SPDX-License-Identifier: MIT
/*
 * tuncheck run [options] PATH...: every case on every backend, one job
 * each; TAP on stdout, the matrix on stderr, JUnit and JSON on request.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "html.h"
#include "kernels.h"
#include "outcomes.h"
#include "registry.h"
#include "report.h"
#include "runner.h"
#include "select.h"

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "inject", required_argument, NULL, 'I' },
		{ "junit", required_argument, NULL, 'J' },
		{ "json", required_argument, NULL, 'O' },
		{ "html", required_argument, NULL, 'H' },
		{ "pcap-dir", required_argument, NULL, 'P' },
		{ "pcap-max", required_argument, NULL, 'C' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "max-procs", required_argument, NULL, 'N' },
		{ "max-files", required_argument, NULL, 'F' },
		{ "max-file-size", required_argument, NULL, 'S' },
		{ "env", required_argument, NULL, 'E' },
		{ "like", required_argument, NULL, 'Y' },
		{ "expect", required_argument, NULL, 'X' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "accel", required_argument, NULL, 'A' },
		{ "guest", no_argument, NULL, 'G' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "strict", no_argument, NULL, 's' },
		{ "shard", required_argument, NULL, 'D' },
		{ "keyword", required_argument, NULL, 'k' },
		{ "exitfirst", no_argument, NULL, 'x' },
		{ "last-failed", no_argument, NULL, 'l' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "timeout-scale", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct kernels ks;
	static struct outcomes oc;
	/* static: reachable on every early return (help, a bad case) */
	static char **fwd;
	size_t nfwd = 0, nk;
	bool guest = false, jobs_given = false;
	int prev;
	const struct tuncheck_backend_ops *ops[MAX_BACKENDS];
	struct runner_opts ro = { .job = { .log_fd = -1, .pcap_fd = -1 } };
	const char *junit = NULL, *json = NULL, *html = NULL;
	FILE *junit_f = NULL, *json_f = NULL, *html_f = NULL;
	struct report rep = { .tap = stdout, .term = stderr };
	struct paths_list p = { 0 };
	struct case_file **cs;
	struct job_spec *jobs;
	size_t nb = 0, nj = 0;
	struct shard shard = { 0 };
	unsigned long repeat = 1;
	double tscale = 1;
	char why[512];
	int c, ret;

	report_meta_set(argc, argv);
	ro.parallel = opt_jobs(NULL);
	lockdown_limits_default(&ro.job.limits);
	ro.job.pcap_max = PCAP_MAX_DEFAULT;
	fwd = calloc((size_t)argc + 1, sizeof(char *));
	if (!fwd)
		die(1, "out of memory");
	optind = 1;
	while ((prev = optind, c = getopt_long(argc, argv, "+b:j:o:k:vxh", opts,
					       NULL)) != -1) {
		/* what a guest's tuncheck is given: the same, less host-only */
		if (c != '?' && !kernels_host_only(argv[prev]))
			for (int a = prev; a < optind; a++)
				fwd[nfwd++] = argv[a];
		switch (c) {
		case 'K':
		case 'A':
			kernels_option(&ks, c, optarg);
			break;
		case 'E':
			opt_env(optarg);
			break;
		case 'v':
			rep.verbose = true;
			break;
		case 's':
			report_strict = true;
			break;
		case 'D':
			select_shard_parse(optarg, &shard);
			break;
		case 'k':
			select_keyword_add(optarg);
			break;
		case 'x':
			ro.exitfirst = true;
			break;
		case 'l':
			select_last_failed();
			break;
		case 'R':
			repeat = opt_count("--repeat", optarg, 1000);
			break;
		case 'T':
			tscale = opt_scale("--timeout-scale", optarg);
			break;
		case 'o':
			opt_reader(optarg);
			break;
		case 'X':
			opt_expect(&oc, optarg);
			break;
		case 'Y':
			if (backend_like_add(optarg, why, sizeof(why)) < 0)
				die(2, "%s", why);
			break;
		case 'G':
			guest = true;
			nfwd--;
			break;
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
			jobs_given = true;
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
		case 'H':
			html = optarg;
			html_f = opt_report("--html", optarg);
			ro.keep_log = true;
			break;
		case 'P':
			ro.pcap_dir =
				opt_dir("--pcap-dir", optarg, &ro.pcap_dirfd);
			break;
		case 'h':
			return CMD_HELP;
		default:
			return CMD_USAGE;
		}
	}
	/* no path: ./cases, as compare and list do */
	if (optind >= argc) {
		static char *dflt[] = { "cases", NULL };

		argv = dflt;
		argc = 1;
		optind = 0;
	}
	for (size_t k = 0; k < ks.n; k++)
		if (!ks.k[k].host && (ro.log_dir || ro.pcap_dir))
			die(2,
			    "--log-dir and --pcap-dir are not supported with "
			    "--kernel IMAGE yet (the guest's root is "
			    "read-only)");
	nk = ks.n ? ks.n : 1;
	if (ks.n)
		kernels_guest_argv(&ks, fwd, nfwd, argv + optind,
				   (size_t)(argc - optind));
	opt_backends_default(ops, &nb);
	ro.parallel = opt_jobs_for(ro.parallel, jobs_given, ops, nb);
	cs = cases_open(&p, argv + optind, argc - optind, "run");
	if (!cs) {
		/* refused before the first job; a TAP consumer (prove) still
		 * gets a stream that says why instead of "No plan found" */
		printf("TAP version 13\n1..0\nBail out! ");
		tap_text(stdout, cases_first_error);
		putchar('\n');
		return 2;
	}
	jobs = calloc(p.n * nb * nk * repeat, sizeof(*jobs));
	if (!jobs)
		die(1, "out of memory");
	for (size_t i = 0, k = 0; i < p.n; i++) {
		if (tscale != 1)
			case_scale_times(cs[i], tscale);
		if (!select_case(cs[i]->name))
			continue;
		for (size_t b = 0; b < nb; b++) {
			/* a `backends` line limits the case to those */
			if (!cases_runs_on(cs[i], ops[b]->name) ||
			    !select_failed_before(cs[i]->name, ops[b]->name))
				continue;
			/* --shard I/N: every Nth (case, backend), the same
			 * slice on every machine; its repeats go with it */
			if (!select_in_shard(&shard, k++))
				continue;
			for (unsigned r = 0; r < repeat; r++) {
				jobs[nj].c = cs[i];
				jobs[nj].rep = repeat > 1 ? r + 1 : 0;
				jobs[nj++].ops = ops[b];
			}
		}
	}
	if (!nj)
		die(2, "no job to run: %s",
		    select_keywords_given() ? "no case matches -k"
					    : "the selection is empty");
	kernels_outcomes(&oc);
	kernels_outcomes_skip(jobs, nj);
	/* with --kernel, the same list once per kernel */
	for (size_t k = 0; k < ks.n; k++)
		for (size_t i = 0; i < nj; i++) {
			if (k)
				jobs[k * nj + i] = jobs[i];
			jobs[k * nj + i].kernel = ks.k[k].label;
		}
	rep.progress = isatty(STDERR_FILENO) && !guest;
	if (guest) /* the host reports; the console only hears of trouble */
		rep.term = NULL;
	report_begin(&rep, nj * nk);
	if (guest)
		kernels_run_guest(jobs, nj, &ro, &rep);
	else
		kernels_run(&ks, jobs, nj, &ro, &rep);
	nj *= nk;
	if (ro.interrupted) {
		snprintf(why, sizeof(why), "interrupted by SIG%s",
			 sigabbrev_np(ro.interrupted));
		report_bail_out(&rep, why);
	}
	if (rep.term)
		report_matrix(&rep, jobs, nj);
	if (junit_f && (ret = report_junit(junit_f, jobs, nj)) < 0)
		die(1, "--junit %s: %s", junit, strerror(-ret));
	if (json_f && (ret = report_json(json_f, jobs, nj)) < 0)
		die(1, "--json %s: %s", json, strerror(-ret));
	if (html_f && (ret = report_html(html_f, jobs, nj)) < 0)
		die(1, "--html %s: %s", html, strerror(-ret));
	ret = ro.interrupted ? 128 + ro.interrupted
			     : report_exit_status(jobs, nj);
	if (!guest)
		select_save_failures(jobs, nj);
	if (report_strict && !ro.interrupted) {
		size_t skipped = 0;

		for (size_t i = 0; i < nj; i++)
			skipped += jobs[i].res.v == VERDICT_SKIP;
		if (skipped)
			fprintf(stderr,
				"tuncheck: --strict: %zu skipped job%s count "
				"as failures\n",
				skipped, skipped == 1 ? "" : "s");
	}
	for (size_t i = 0; i < nj; i++)
		free(jobs[i].log);
	for (size_t i = 0; i < p.n; i++)
		case_free(cs[i]);
	free(cs);
	free(jobs);
	free(fwd);
	outcomes_free(&oc);
	free(ks.guest_argv);
	paths_list_free(&p);
	return ret;
}
