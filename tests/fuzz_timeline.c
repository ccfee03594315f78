// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the --html timeline (harness/run/tlsvg.c): any
 * bytes a job could write into its log are drawn without a crash, and
 * nothing of them comes out as markup: every '<' in the SVG starts one of
 * the elements tlsvg itself writes.  Built and run by ci/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tags[] = {
	"svg ",	  "/svg>",  "rect ",   "/rect>",  "g ",
	"/g>",	  "line ",  "path ",   "circle ", "text ",
	"/text>", "title>", "/title>", "p ",	  "/p>",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct case_file c = { .path = "x.case", .name = "x" };
	static const struct tuncheck_backend_ops ops = { .name = "b" };
	struct job_spec js = { .c = &c, .ops = &ops };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	js.log = malloc(size + 1);
	if (!js.log)
		return 0;
	memcpy(js.log, data, size);
	js.log[size] = 0;
	js.log_len = size;
	f = open_memstream(&out, &len);
	if (!f) {
		free(js.log);
		return 0;
	}
	tlsvg_draw(f, &js, NULL);
	fclose(f);
	for (const char *p = strchr(out, '<'); p; p = strchr(p + 1, '<')) {
		size_t i = 0;

		while (i < sizeof(tags) / sizeof(tags[0]) &&
		       strncmp(p + 1, tags[i], strlen(tags[i])))
			i++;
		if (i == sizeof(tags) / sizeof(tags[0]))
			__builtin_trap(); /* markup from the log */
	}
	free(out);
	free(js.log);
	return 0;
}
