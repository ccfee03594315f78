// SPDX-License-Identifier: MIT
/* tuncheck bench: see the comment on cmd_bench. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "bench.h"
#include "cli.h"

/*
 * bench [-b BACKEND]... [--count N]: per backend, round trips per second,
 * wakeups per packet and wake latency, then the per-job overhead, each
 * beside a raw reference loop (bench.c).  Exit 0, 1 if a measurement
 * failed, 2 usage, 4 no sandbox here.
 */
int cmd_bench(int argc, char **argv)
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
			return CMD_HELP;
		default:
			return CMD_USAGE;
		}
	}
	if (optind < argc)
		die(2, "bench: unexpected argument '%s'", argv[optind]);
	opt_backends_default(ops, &nb);
	return bench_main(ops, nb, count, 1);
}
