// SPDX-License-Identifier: MIT
/* Option parsers shared by the commands: every value checked up front. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "outcomes.h"
#include "lockdown.h"
#include "outdir.h"
#include "parser.h"
#include "registry.h"
#include "sandbox.h"

void die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tuncheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* -j N (1..256); NULL: the default, one job per CPU. */
/* MemAvailable from /proc/meminfo, in MiB; 0 if unknown. */
static unsigned long opt_mem_available_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long kib = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return kib / 1024;
}

/*
 * The default -j: jobs mostly sleep out their windows, so what bounds
 * them is what each holds, not the CPUs: memory (JOB_MEM_MIB each),
 * descriptors in the runner (JOB_FDS each) and processes (JOB_PROCS
 * each: the job, its sandbox's PID 1, its threads), capped at JOBS_MAX
 * and never below the CPU count.
 */
#define JOB_MEM_MIB 64
#define JOB_FDS	    8
#define JOB_PROCS   16
#define JOBS_MAX    32
static unsigned opt_jobs_default(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long n = JOBS_MAX, mem = opt_mem_available_mib();
	struct rlimit fds, procs;

	if (mem && mem / JOB_MEM_MIB < n)
		n = mem / JOB_MEM_MIB;
	if (!getrlimit(RLIMIT_NOFILE, &fds) && fds.rlim_cur != RLIM_INFINITY &&
	    fds.rlim_cur / JOB_FDS < n)
		n = fds.rlim_cur / JOB_FDS;
	/* for root the kernel does not apply RLIMIT_NPROC */
	if (getuid() && !getrlimit(RLIMIT_NPROC, &procs) &&
	    procs.rlim_cur != RLIM_INFINITY && procs.rlim_cur / JOB_PROCS < n)
		n = procs.rlim_cur / JOB_PROCS;
	if (cpus > 0 && (unsigned long)cpus > n)
		n = (unsigned long)cpus;
	return n ? (unsigned)n : 1;
}

unsigned opt_jobs_for(unsigned parallel, bool given,
		      const struct tuncheck_backend_ops *const *ops, size_t nb)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned cap = cpus > 0 ? 4 * (unsigned)cpus : 4;

	if (given)
		return parallel;
	/* an exec program's start costs CPU (an interpreter, a runtime):
	 * a start that took seconds would miss its `ready` */
	for (size_t i = 0; i < nb; i++)
		if (backend_is_exec(ops[i]) && parallel > cap)
			return cap;
	return parallel;
}

unsigned opt_jobs(const char *arg)
{
	unsigned long n;
	char *end;

	if (!arg)
		return opt_jobs_default();
	n = strtoul(arg, &end, 10);
	if (*end || !n || n > 256)
		die(2, "-j: '%s' is not a job count (1..256)", arg);
	return (unsigned)n;
}

/* A size with an optional K, M or G suffix (powers of 1024); 0 = none. */
uint64_t opt_size(const char *flag, const char *arg)
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

/*
 * --env KEY=VALUE: into the environment every exec backend inherits (the
 * jobs get the runner's).  TUNCHECK_* are the protocol's own: refused.
 */
void opt_env(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char key[128];
	size_t n = eq ? (size_t)(eq - arg) : 0;

	for (size_t i = 0; i < n; i++)
		if (!(arg[i] == '_' || (arg[i] >= '0' && arg[i] <= '9' && i) ||
		      ((arg[i] | 0x20) >= 'a' && (arg[i] | 0x20) <= 'z')))
			n = 0;
	if (!n || n >= sizeof(key))
		die(2, "--env: '%s': use KEY=VALUE (KEY: letters, digits, _)",
		    arg);
	memcpy(key, arg, n);
	key[n] = 0;
	if (!strncmp(key, "TUNCHECK_", 9))
		die(2,
		    "--env: %s: TUNCHECK_* variables are the exec "
		    "protocol's own",
		    key);
	if (setenv(key, eq + 1, 1) < 0)
		die(1, "--env: %s", strerror(errno));
}

/* --expect FILE: its lines into oc, or file:line:col: error, exit 2. */
void opt_expect(struct outcomes *oc, const char *path)
{
	struct case_diag d = { 0 };
	char msg[1024];

	if (outcomes_load(oc, path, &d) < 0) {
		case_diag_format(path, &d, msg, sizeof(msg));
		fputs(msg, stderr);
		exit(2);
	}
}

/* -o KEY[=VALUE]: a word for every reader line (case_reader_option_add). */
void opt_reader(const char *arg)
{
	if (case_reader_option_add(arg) < 0)
		die(2,
		    "-o: '%s': use a reader word, KEY or KEY=VALUE (nonblock, "
		    "bufsize=512, errors=retry; not queue=; at most 16)",
		    arg);
}

/* A count for a limit option: 0..max (0 = no limit). */
unsigned long opt_count(const char *flag, const char *arg, unsigned long max)
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
int sandbox_check(char *why, size_t size, char *said, size_t said_size)
{
	unsigned gaps = 0;
	char text[512];

	if (said)
		said[0] = 0;
	if (sandbox_probe(why, size, &gaps) < 0)
		return -1;
	if (lockdown_prepare(text, sizeof(text)) < 0)
		fprintf(stderr, "tuncheck: %s: each job compiles its filter\n",
			text);
	if (gaps) {
		fprintf(stderr,
			"tuncheck: sandbox: this kernel lacks %s; jobs run "
			"without that layer\n",
			sandbox_gaps_describe(gaps, text, sizeof(text)));
		if (said)
			snprintf(said, said_size,
				 "sandbox: this kernel lacks %s; jobs run "
				 "without that layer",
				 text);
	}
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
void opt_backend(const struct tuncheck_backend_ops **ops, size_t *nb,
		 const char *spec)
{
	char err[512];

	if (*nb == MAX_BACKENDS)
		die(2, "too many --backend options");
	ops[*nb] = backend_select(spec, err, sizeof(err));
	if (!ops[*nb] && !strchr(spec, '/') && !strchr(spec, ':') &&
	    !strchr(spec, '=')) {
		/* a misspelt built-in: the closest name, as for directives */
		struct case_best best = { .name = "" };

		for (size_t i = 0; i < backend_builtin_count(); i++)
			case_best_try(&best, spec, strlen(spec),
				      backend_builtin(i)->name);
		if (best.name[0])
			die(2, "%s; did you mean '%s'?", err, best.name);
	}
	if (!ops[(*nb)++])
		die(2, "%s", err);
	opt_backend_unique(ops, *nb);
}

void opt_backends_default(const struct tuncheck_backend_ops **ops, size_t *nb)
{
	if (*nb)
		return;
	for (size_t i = 0; i < backend_builtin_count(); i++)
		ops[(*nb)++] = backend_builtin(i);
}

/*
 * A directory option (--log-dir, --pcap-dir): created if missing, and
 * proven writable before the first job; its fd into *fd.
 */
const char *opt_dir(const char *flag, const char *arg, int *fd)
{
	char why[512];

	*fd = outdir_open(arg, why, sizeof(why));
	if (*fd < 0)
		die(2, "%s %s", flag, why);
	return arg;
}

double opt_scale(const char *flag, const char *arg)
{
	char *end;
	double k;

	errno = 0;
	k = strtod(arg, &end);
	if (errno || end == arg || *end || !(k >= 0.1 && k <= 100))
		die(2,
		    "%s '%s': a factor from 0.1 to 100 (3: three times "
		    "every window)",
		    flag, arg);
	return k;
}

/* A report file option (--junit, --json): opened before the first job. */
FILE *opt_report(const char *flag, const char *arg)
{
	FILE *f = fopen(arg, "we");

	if (!f)
		die(2, "%s %s: %s", flag, arg, strerror(errno));
	return f;
}
