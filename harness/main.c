// SPDX-License-Identifier: MIT
/*
 * tuncheck: run declarative TUN I/O cases against pluggable backends, each
 * job in its own user+network namespace.  Commands: run, check, list.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "case.h"
#include "report.h"
#include "runner.h"
#include "sandbox.h"

#define MAX_BACKENDS 32

struct paths {
	char **v;
	size_t n, cap;
};

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
	      "run options:\n"
	      "  -b, --backend NAME|./PLUGIN.so  backend to run (repeatable; default: all built-ins)\n"
	      "  -j, --jobs N                    jobs in parallel (default: CPUs)\n"
	      "      --log-dir DIR               write each job's event timeline there\n"
	      "      --inject drop-read=N|no-wake  test-only fault in the event stream\n"
	      "Directories are searched for *.case, skipping selftest/ unless named.\n"
	      "Exit: 0 as expected, 1 a failure, 2 usage or case error, 4 all skipped.\n",
	      f);
}

static void paths_add(struct paths *p, const char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
		if (!p->v)
			die(1, "out of memory");
	}
	p->v[p->n++] = strdup(s);
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* Collect *.case below dir, sorted; skip selftest/ (cases that must fail). */
static void paths_walk(struct paths *p, const char *dir)
{
	struct dirent **de;
	int n = scandir(dir, &de, NULL, alphasort);

	if (n < 0)
		die(2, "%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, de[i]->d_name);
		if (de[i]->d_name[0] != '.' && !stat(path, &st)) {
			if (S_ISDIR(st.st_mode) && strcmp(de[i]->d_name, "selftest"))
				paths_walk(p, path);
			else if (S_ISREG(st.st_mode) && has_suffix(path, ".case"))
				paths_add(p, path);
		}
		free(de[i]);
	}
	free(de);
}

static void paths_collect(struct paths *p, char **argv, int argc)
{
	for (int i = 0; i < argc; i++) {
		struct stat st;

		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode) &&
		    !has_suffix(argv[i], ".case"))
			paths_walk(p, argv[i]);
		else
			paths_add(p, argv[i]); /* case_load reports errors */
	}
}

/* Parse every file; print every diagnostic; NULL if any failed. */
static struct case_file **cases_load(const struct paths *p, bool quiet)
{
	struct case_file **cs = calloc(p->n + 1, sizeof(*cs));
	bool bad = false;

	if (!cs)
		die(1, "out of memory");
	for (size_t i = 0; i < p->n; i++) {
		struct case_diag d = { 0 };
		char msg[1024];

		cs[i] = case_load(p->v[i], &d);
		if (!cs[i]) {
			case_diag_format(p->v[i], &d, msg, sizeof(msg));
			fputs(msg, stderr);
			bad = true;
		} else if (!quiet) {
			printf("%s: ok (%s, %zu steps)\n", p->v[i], cs[i]->name,
			       cs[i]->n_steps);
		}
	}
	if (!bad)
		return cs;
	for (size_t i = 0; i < p->n; i++)
		case_free(cs[i]);
	free(cs);
	return NULL;
}

static int cmd_check(int argc, char **argv)
{
	struct paths p = { 0 };
	struct case_file **cs;

	if (argc < 1)
		die(2, "check: name at least one case file or directory");
	paths_collect(&p, argv, argc);
	if (!p.n)
		die(2, "check: no .case files found");
	cs = cases_load(&p, false);
	if (cs)
		for (size_t i = 0; i < p.n; i++)
			case_free(cs[i]);
	free(cs);
	paths_free(&p);
	return cs ? 0 : 2;
}

static int cmd_list(int argc, char **argv)
{
	struct paths p = { 0 };
	struct case_file **cs;

	puts("backends:");
	for (size_t i = 0; i < backend_builtin_count(); i++)
		printf("  %-10s %s\n", backend_builtin(i)->name,
		       backend_builtin(i)->about);
	if (argc < 1)
		return 0;
	paths_collect(&p, argv, argc);
	cs = cases_load(&p, true);
	if (!cs) {
		paths_free(&p);
		return 2;
	}
	puts("cases:");
	for (size_t i = 0; i < p.n; i++) {
		const char *about = cs[i]->about ? cs[i]->about : "";

		printf("  %-28s %-40s %.*s\n", cs[i]->name, p.v[i],
		       (int)strcspn(about, "\n"), about);
		case_free(cs[i]);
	}
	free(cs);
	paths_free(&p);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "log-dir", required_argument, NULL, 'L' },
		{ "inject", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct tuncheck_backend_ops *ops[MAX_BACKENDS];
	struct runner_opts ro = { .job = { .log_fd = -1 } };
	struct report rep = { .tap = stdout, .term = stderr };
	struct paths p = { 0 };
	struct case_file **cs;
	struct job_spec *jobs;
	size_t nb = 0, nj = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char err[512], why[512];
	int c, ret;

	ro.parallel = cpus > 0 ? (unsigned)cpus : 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (nb == MAX_BACKENDS)
				die(2, "too many --backend options");
			ops[nb] = backend_select(optarg, err, sizeof(err));
			if (!ops[nb++])
				die(2, "%s", err);
			break;
		case 'j':
			ro.parallel = (unsigned)strtoul(optarg, NULL, 10);
			if (!ro.parallel || ro.parallel > 256)
				die(2, "-j: '%s' is not a job count (1..256)", optarg);
			break;
		case 'L':
			ro.log_dir = optarg;
			if (mkdir(optarg, 0755) < 0 && errno != EEXIST)
				die(2, "--log-dir %s: %s", optarg, strerror(errno));
			break;
		case 'I':
			if (job_inject_parse(optarg, &ro.job.inject) < 0)
				die(2, "--inject: '%s': use drop-read=N (N>=2) or no-wake",
				    optarg);
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
	paths_collect(&p, argv + optind, argc - optind);
	if (!p.n)
		die(2, "run: no .case files found");
	cs = cases_load(&p, true);
	if (!cs) {
		paths_free(&p);
		return 2;
	}
	jobs = calloc(p.n * nb, sizeof(*jobs));
	if (!jobs)
		die(1, "out of memory");
	for (size_t i = 0; i < p.n; i++)
		for (size_t b = 0; b < nb; b++) {
			jobs[nj].c = cs[i];
			jobs[nj++].ops = ops[b];
		}
	rep.progress = isatty(STDERR_FILENO);
	report_begin(&rep, nj);
	if (sandbox_probe(why, sizeof(why)) < 0) {
		fprintf(stderr, "tuncheck: cannot run jobs here: %s\n", why);
		runner_skip_all(jobs, nj, why);
		for (size_t i = 0; i < nj; i++)
			jobs[i].done = 3;
		for (size_t i = 0; i < nj; i++)
			report_job_done(jobs, nj, i, &rep);
	} else {
		ro.on_done = report_job_done;
		ro.arg = &rep;
		ret = runner_run(jobs, nj, &ro);
		if (ret < 0)
			die(1, "runner: %s", strerror(-ret));
	}
	report_matrix(&rep, jobs, nj);
	ret = report_exit_status(jobs, nj);
	for (size_t i = 0; i < p.n; i++)
		case_free(cs[i]);
	free(cs);
	free(jobs);
	paths_free(&p);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* a closed reader pipe must not kill the parent mid-report */
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 2, argv + 2);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "tuncheck: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
