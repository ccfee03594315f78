// SPDX-License-Identifier: MIT
/* Case files for the commands: collected, loaded, checked, freed. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "registry.h"

/* Collect the case files argv names (paths.c), or die with the reason. */
void cases_collect(struct paths_list *p, char **argv, int argc)
{
	char err[2 * PATH_MAX];
	int ret = paths_list_collect(p, argv, argc, err, sizeof(err));

	if (ret < 0)
		die(ret == -ENOMEM ? 1 : 2, "%s", err);
}

char cases_first_error[512];

/*
 * Parse every file, expanding variants; print every diagnostic; NULL if any
 * failed.  On success p is rewritten to hold one path per case returned
 * (a file with variants appears once per variant), so p->n counts cases.
 */
struct case_file **cases_load(struct paths_list *p, bool quiet)
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
			if (!cases_first_error[0])
				snprintf(cases_first_error,
					 sizeof(cases_first_error), "%.*s",
					 (int)strcspn(msg, "\n"), msg);
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

/* Two cases of one name would share reports and files: refuse. */
void cases_unique(struct case_file **cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (!strcmp(cs[i]->name, cs[k]->name))
				die(2,
				    "case name '%s' is used by both %s and %s: "
				    "rename one",
				    cs[i]->name, cs[i]->path, cs[k]->path);
}

void cases_free(struct case_file **cs, struct paths_list *p)
{
	for (size_t i = 0; cs && i < p->n; i++)
		case_free(cs[i]);
	free(cs);
	paths_list_free(p);
}

struct case_file **cases_open(struct paths_list *p, char **paths, int n,
			      const char *cmd)
{
	struct case_file **cs;

	cases_collect(p, paths, n);
	if (!p->n)
		die(2, "%s: no .case files found", cmd);
	cs = cases_load(p, true);
	if (!cs) {
		paths_list_free(p);
		return NULL;
	}
	cases_unique(cs, p->n);
	return cs;
}

bool cases_runs_on(const struct case_file *c, const char *backend)
{
	const char *like = backend_like(backend);

	return case_runs_on(c, backend) || (like && case_runs_on(c, like));
}
