// SPDX-License-Identifier: MIT
/* tuncheck check PATH...: parse case files only; exit 2 on any error. */
#include <stdlib.h>

#include "cli.h"

int cmd_check(int argc, char **argv)
{
	struct paths_list p = { 0 };
	struct case_file **cs;

	argc--; /* the command's name */
	argv++;
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
