// SPDX-License-Identifier: MIT
/* tuncheck list [PATH...]: the built-in backends, then the cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "registry.h"

int cmd_list(int argc, char **argv)
{
	struct paths_list p = { 0 };
	struct case_file **cs;

	argc--; /* the command's name */
	argv++;
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
