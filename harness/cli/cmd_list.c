// SPDX-License-Identifier: MIT
/*
 * tuncheck list [--kernel SPEC]... [PATH...]: the built-in backends, the
 * kernels as a run would boot them, then the cases.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kernels.h"
#include "registry.h"

/* What --kernel resolved to: release, image, modules, what is missing. */
static void list_kernels(const struct kernels *ks)
{
	puts("kernels:");
	for (size_t i = 0; i < ks->n; i++) {
		const struct vm_kernel *k = &ks->k[i];
		struct mod_list m = { 0 };

		printf("  %-24s ", k->label);
		if (k->host) {
			puts("the host's, run natively");
			continue;
		}
		if (k->broken[0]) {
			printf("cannot boot: %s\n", k->broken);
			continue;
		}
		printf("%s\n  %-24s modules: %s\n", k->image, "",
		       k->moddir[0] ? k->moddir : "(none found)");
		if (vm_kernel_modules(k, &m) == 0) {
			printf("  %-24s initramfs: %zu modules", "", m.n);
			if (m.missing[0])
				printf("; not found: %s", m.missing);
			putchar('\n');
		}
		initramfs_modules_free(&m);
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct kernels ks;
	struct paths_list p = { 0 };
	struct case_file **cs;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'K')
			kernels_add(&ks, optarg);
		else
			return c == 'h' ? CMD_HELP : CMD_USAGE;
	}
	argc -= optind;
	argv += optind;
	puts("backends:");
	for (size_t i = 0; i < backend_builtin_count(); i++)
		printf("  %-14s %s\n", backend_builtin(i)->name,
		       backend_builtin(i)->about);
	if (ks.n)
		list_kernels(&ks);
	/* no path: ./cases, as run and compare; none there: backends only */
	if (argc < 1) {
		static char *dflt[] = { "cases", NULL };

		if (access("cases", F_OK) < 0)
			return 0;
		argv = dflt;
		argc = 1;
	}
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
