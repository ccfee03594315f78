// SPDX-License-Identifier: MIT
/*
 * tuncheck: run declarative TUN I/O cases against pluggable backends, each
 * job in its own sandbox.  The command table below is the list of
 * commands: dispatch and the usage text both come from it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "sandbox.h"

struct command {
	const char *name;
	const char *args;
	const char *summary;
	int (*fn)(int argc, char **argv);
	const char *options; /* its option lines, or NULL */
};

static const char run_options[] =
	"  -b, --backend NAME|./PLUGIN.so|'exec:PROGRAM [ARGS]'\n"
	"                                  backend to run (repeatable; default: all built-ins)\n"
	"  -b NAME=exec:PROGRAM|NAME=./PLUGIN.so  the same, under another name\n"
	"      --env KEY=VALUE             in every exec backend's environment\n"
	"      --expect FILE               outcomes of outside backends (xfail, skip)\n"
	"  -o KEY[=VALUE]                  add (or replace) a word on every reader\n"
	"                                  line: -o nonblock, -o errors=retry\n"
	"      --like NAME=BUILTIN         expect of backend NAME what the cases\n"
	"                                  document for the built-in BUILTIN\n"
	"  -j, --jobs N                    jobs in parallel (default: from\n"
	"                                  memory, fds and processes free)\n"
	"      --log-dir DIR               write each job's event timeline there\n"
	"  -v, --verbose                   show every job's output (a plugin's\n"
	"                                  stdout and stderr, an exec program's\n"
	"                                  stderr and # lines) as TAP comments\n"
	"      --junit FILE                also write a JUnit XML report\n"
	"      --json FILE                 also write every result as JSON\n"
	"      --html FILE                 also write a page: the matrix and\n"
	"                                  every job's timeline as a picture\n"
	"      --pcap-dir DIR              one pcap per job: packets read and written\n"
	"  choosing and repeating jobs:\n"
	"  -k PATTERN                      only cases whose name matches: a glob\n"
	"                                  with * ? [, else a substring (repeatable)\n"
	"      --shard I/N                 only the I-th of N slices of the jobs\n"
	"      --last-failed               only the jobs that failed last time\n"
	"      --repeat N                  run every job N times\n"
	"  -x, --exitfirst                 start no job after the first failure\n"
	"      --strict                    a skipped job is a failure (exit 1)\n"
	"      --timeout-scale K           every window, sleep and deadline times\n"
	"                                  K (0.1 to 100: slow, emulated machines)\n"
	"      --pcap-max SIZE             cap each pcap file (default 16M; 0: none)\n"
	"  per-job limits (README: Sandbox; 0: none):\n"
	"      --max-memory SIZE           address space (default 4G; none in ASan builds)\n"
	"      --max-procs N               processes and threads (default 128)\n"
	"      --max-files N               open files (default 1024)\n"
	"      --max-file-size SIZE        any file a job writes (default 64M)\n"
	"      --inject drop-read=N|no-wake  test-only fault in the event stream\n"
	"  kernel matrix (README: Kernels):\n"
	"      --kernel host|IMAGE[:MODULES]  run every job on this kernel too\n"
	"                                  (repeatable; an IMAGE boots under QEMU)\n"
	"      --accel auto|kvm|tcg        QEMU's accelerator (default auto: KVM\n"
	"                                  when it comes up, else software)\n";

static const struct command commands[] = {
	{ "run", "[options] [PATH...]",
	  "run cases (files or directories; default: cases)", cmd_run,
	  run_options },
	{ "check", "PATH...", "parse case files only", cmd_check, NULL },
	{ "list", "[--kernel SPEC]... [PATH...]",
	  "list backends, kernels and cases (default: cases)", cmd_list, NULL },
	{ "compare",
	  "[-j N] [--log-dir DIR] [--like N=B] [--expect F] [--env K=V] [-o W] "
	  "A B [PATH...]",
	  "run backends A and B side by side (default: cases)", cmd_compare,
	  NULL },
	{ "compare", "[-j N] [-b BACKEND]... --kernel A --kernel B [PATH...]",
	  "the same cases on kernels A and B side by side", cmd_compare, NULL },
	{ "bench", "[-b BACKEND]... [--count N]",
	  "round trips, wakeups, wake latency and per-job overhead, each "
	  "beside a raw reference loop",
	  cmd_bench, NULL },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The usage text, made from the table, on f; `cmd` NULL: every command. */
static void usage(FILE *f, const char *cmd)
{
	const char *lead = "usage:";

	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct command *c = &commands[i];

		if (cmd && strcmp(cmd, c->name))
			continue;
		fprintf(f, "%-6s tuncheck %s %s\n         %s\n", lead, c->name,
			c->args, c->summary);
		lead = "";
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct command *c = &commands[i];

		if (c->options && (!cmd || !strcmp(cmd, c->name)))
			fprintf(f, "%s options:\n%s", c->name, c->options);
	}
	fputs("Directories are searched for *.case, skipping selftest/ unless "
	      "named.\n"
	      "Exit: 0 as expected, 1 a failure, 2 usage or case error, 4 all "
	      "skipped,\n"
	      "128+N stopped by signal N (130 SIGINT, 143 SIGTERM).\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr, NULL);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("tuncheck %s\n", report_version());
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout, argc > 2 ? argv[2] : NULL);
		return 0;
	}
	/* a closed reader pipe must not kill the parent mid-report */
	signal(SIGPIPE, SIG_IGN);
	/* the run's directory stays visible in each job's private /tmp */
	sandbox_expose(".");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		int ret;

		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].fn(argc - 1, argv + 1);
		if (ret == CMD_HELP || ret == CMD_USAGE)
			usage(ret == CMD_HELP ? stdout : stderr, argv[1]);
		return ret == CMD_HELP ? 0 : ret == CMD_USAGE ? 2 : ret;
	}
	fprintf(stderr, "tuncheck: unknown command '%s'\n", argv[1]);
	usage(stderr, NULL);
	return 2;
}
