// SPDX-License-Identifier: MIT
/*
 * The terminal's summary (report.h): the cases x backends matrix on
 * stderr, one column per backend, each kernel's outcome in a cell when
 * they differ; on a terminal too narrow for it, one line per case naming
 * only what is not a pass; coloured on a terminal (NO_COLOR respected);
 * then the repeats (--repeat) that disagree and the totals.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report.h"

/* A matrix cell: the verdict and, when it is not a pass, its class. */
static const char *cell(const struct job_result *r, char *buf, size_t size)
{
	static const char *const cells[VERDICT_COUNT] = {
		"ok", "FAIL", "xf", "XPASS", "skip", "ERROR", "TIMEOUT", "INT",
	};
	const char *c = r->v < VERDICT_COUNT ? cells[r->v] : "?";

	if (r->v == VERDICT_PASS || r->v == VERDICT_SKIP ||
	    r->v == VERDICT_XPASS || !r->cls[0] ||
	    !strcmp(r->cls, verdict_name(r->v)))
		return c;
	snprintf(buf, size, "%s:%s", c, r->cls);
	return buf;
}

/* The job of case c on backend b and kernel k (any kernel: NULL), or NULL. */
static const struct job_spec *find_job(const struct job_spec *jobs, size_t n,
				       size_t from, const struct case_file *c,
				       const char *backend, const char *kernel)
{
	for (size_t j = from; j < n; j++)
		if (jobs[j].c == c && !strcmp(jobs[j].ops->name, backend) &&
		    jobs[j].kernel == kernel)
			return &jobs[j];
	return NULL;
}

/* The run's kernels, in order (one block of jobs each), and which ran nothing. */
struct kview {
	const char *ks[16];
	const struct job_spec *broken[16]; /* every job a "kernel" error */
	size_t nk;
};

static void kview_make(struct kview *kv, const struct job_spec *jobs, size_t n)
{
	kv->nk = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = kv->nk;

		if (!jobs[i].kernel)
			continue;
		if (!k || kv->ks[k - 1] != jobs[i].kernel) {
			if (k == 16)
				break;
			kv->ks[k] = jobs[i].kernel;
			kv->broken[k] = &jobs[i];
			kv->nk = ++k;
		}
		if (jobs[i].res.v != VERDICT_ERROR ||
		    strcmp(jobs[i].res.cls, "kernel"))
			kv->broken[k - 1] = NULL;
	}
}

/*
 * The cell of case row i and backend b: its verdict, or with several
 * kernels each kernel's, "*"-marked and joined by "|" when they differ
 * (kernels that ran nothing are said once, under the matrix).
 */
static const char *matrix_cell(const struct kview *kv,
			       const struct job_spec *jobs, size_t n, size_t i,
			       const char *backend, char *buf, size_t size)
{
	const struct job_spec *first = NULL, *js[16];
	bool differ = false, seen = false;
	char one[48];
	size_t o = 0;

	if (kv->nk < 2) {
		first = find_job(jobs, n, i, jobs[i].c, backend,
				 jobs[i].kernel);
		return first ? cell(&first->res, buf, size) : "-";
	}
	for (size_t k = 0; k < kv->nk; k++) {
		js[k] = kv->broken[k] ? NULL
				      : find_job(jobs, n, 0, jobs[i].c, backend,
						 kv->ks[k]);
		if (kv->broken[k])
			continue;
		if (!seen) {
			first = js[k];
			seen = true;
			continue;
		}
		differ |= !js[k] != !first ||
			  (js[k] && (js[k]->res.v != first->res.v ||
				     strcmp(js[k]->res.cls, first->res.cls)));
	}
	if (!differ)
		return first ? cell(&first->res, buf, size) : "-";
	for (size_t k = 0; k < kv->nk && o + 1 < size; k++)
		if (!kv->broken[k])
			o += (size_t)snprintf(
				buf + o, size - o, "%s%s", o ? "|" : "*",
				js[k] ? cell(&js[k]->res, one, sizeof(one))
				      : "-");
	return buf;
}

/* Per kernel: each (case, backend) whose outcome differs, with evidence. */
static void report_kernel_diffs(FILE *f, const struct kview *kv,
				const struct job_spec *jobs, size_t n)
{
	size_t shown = 0;
	char buf[256], one[48];

	if (kv->nk)
		fputc('\n', f);
	for (size_t k = 0; k < kv->nk; k++)
		if (kv->broken[k])
			fprintf(f, "kernel %s ran no job: %s\n", kv->ks[k],
				kv->broken[k]->res.observed);
	if (kv->nk < 2)
		return;
	fputs("kernels:", f);
	for (size_t k = 0, o = 0; k < kv->nk; k++)
		if (!kv->broken[k])
			fprintf(f, "%s %s", o++ ? " |" : "", kv->ks[k]);
	fputc('\n', f);
	for (size_t i = 0; i < n && jobs[i].kernel == kv->ks[0]; i++) {
		const char *c = matrix_cell(kv, jobs, n, i, jobs[i].ops->name,
					    buf, sizeof(buf));

		if (c[0] != '*')
			continue;
		if (!shown++)
			fputs("differences between kernels:\n", f);
		fprintf(f, "  %s [%s]:\n", jobs[i].c->name, jobs[i].ops->name);
		for (size_t k = 0; k < kv->nk; k++) {
			const struct job_spec *js =
				find_job(jobs, n, 0, jobs[i].c,
					 jobs[i].ops->name, kv->ks[k]);

			if (!js || kv->broken[k])
				continue;
			fprintf(f, "    %-24s %s", kv->ks[k],
				cell(&js->res, one, sizeof(one)));
			if (js->res.v != VERDICT_PASS)
				fprintf(f,
					" (line %u: expected %s; observed %s)",
					js->res.line, js->res.expected,
					js->res.observed);
			fputc('\n', f);
		}
	}
	if (!shown)
		fputs("no differences between kernels\n", f);
}

/* Colours on a terminal, unless NO_COLOR is set (no-color.org). */
static bool colour_on(FILE *f)
{
	const char *no = getenv("NO_COLOR");

	return isatty(fileno(f)) && !(no && no[0]);
}

/* The terminal's width; 0: not a terminal (no limit). */
static size_t term_width(FILE *f)
{
	struct winsize ws;

	if (isatty(fileno(f)) && !ioctl(fileno(f), TIOCGWINSZ, &ws) &&
	    ws.ws_col)
		return ws.ws_col;
	return 0;
}

/* A cell, padded to width, in its verdict's colour. */
static void put_cell(FILE *f, const char *c, size_t width, bool colour)
{
	const char *sgr = !strncmp(c, "ok", 2)	   ? "32"
			  : !strncmp(c, "xf", 2)   ? "33"
			  : !strncmp(c, "skip", 4) ? "2"
			  : !strcmp(c, "-")	   ? "2"
						   : "1;31";

	if (colour)
		fprintf(f, "\033[%sm%-*s\033[0m", sgr, (int)width, c);
	else
		fprintf(f, "%-*s", (int)width, c);
}

/*
 * Too narrow for the table: one line per case, "ok N" for its passes and
 * each other outcome with the backends that had it, wrapped at width.
 */
static void matrix_narrow(FILE *f, const struct kview *kv,
			  const struct job_spec *jobs, size_t n,
			  const char *const *backends, size_t nb, size_t width,
			  bool colour)
{
	char buf[256], cells[64][64];

	for (size_t i = 0; i < n && jobs[i].kernel == jobs[0].kernel; i++) {
		size_t col, ok = 0, any = 0;
		bool done[64] = { false };

		if (i && jobs[i].c == jobs[i - 1].c)
			continue;
		for (size_t b = 0; b < nb; b++) {
			snprintf(cells[b], sizeof(cells[b]), "%s",
				 matrix_cell(kv, jobs, n, i, backends[b], buf,
					     sizeof(buf)));
			ok += !strcmp(cells[b], "ok");
		}
		fprintf(f, "%s:", jobs[i].c->name);
		col = strlen(jobs[i].c->name) + 1;
		if (ok) {
			fputc(' ', f);
			put_cell(f, "ok", 0, colour);
			fprintf(f, " %zu", ok);
			col += 5 + (ok > 9); /* " ok N" */
			any++;
		}
		for (size_t b = 0; b < nb; b++) {
			if (done[b] || !strcmp(cells[b], "ok") ||
			    !strcmp(cells[b], "-"))
				continue;
			if (col + strlen(cells[b]) + 3 > width) {
				fputs("\n   ", f);
				col = 3;
			}
			fputs(any++ ? ", " : " ", f);
			put_cell(f, cells[b], 0, colour);
			col += strlen(cells[b]) + 2;
			for (size_t o = b; o < nb; o++) {
				if (done[o] || strcmp(cells[o], cells[b]))
					continue;
				done[o] = true;
				if (col + strlen(backends[o]) + 1 > width) {
					fputs("\n    ", f);
					col = 4;
				}
				fprintf(f, " %s", backends[o]);
				col += strlen(backends[o]) + 1;
			}
		}
		fputc('\n', f);
	}
}

/* --repeat: each job whose runs did not all end alike, with the tally. */
static void matrix_repeats(FILE *f, const struct job_spec *jobs, size_t n)
{
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		size_t tally[VERDICT_COUNT] = { 0 }, runs = 0;
		bool differ = false;

		if (jobs[i].rep != 1)
			continue;
		for (size_t k = i; k < n; k++) {
			if (jobs[k].c != jobs[i].c ||
			    jobs[k].ops != jobs[i].ops ||
			    jobs[k].kernel != jobs[i].kernel)
				continue;
			runs++;
			tally[jobs[k].res.v < VERDICT_COUNT ? jobs[k].res.v
							    : 0]++;
			differ |= jobs[k].res.v != jobs[i].res.v ||
				  strcmp(jobs[k].res.cls, jobs[i].res.cls);
		}
		if (!differ)
			continue;
		if (!shown++)
			fputs("\nrepeats that did not all end alike:\n", f);
		fprintf(f, "  %s [%s]%s%s:", jobs[i].c->name, jobs[i].ops->name,
			jobs[i].kernel ? " on " : "",
			jobs[i].kernel ? jobs[i].kernel : "");
		for (int v = 0; v < VERDICT_COUNT; v++)
			if (tally[v])
				fprintf(f, " %s %zu of %zu", verdict_name(v),
					tally[v], runs);
		fputc('\n', f);
	}
}

void report_matrix(struct report *r, const struct job_spec *jobs, size_t n)
{
	const char *backends[64];
	size_t nb = 0, count[VERDICT_COUNT], w = 4, cw[64], total;
	FILE *f = r->term;
	struct kview kv;
	char buf[256];
	bool colour = colour_on(f);
	size_t width = term_width(f);

	if (r->progress)
		fputs("\r\033[K", f);
	kview_make(&kv, jobs, n);
	report_count(jobs, n, count);
	for (size_t i = 0; i < n; i++) {
		size_t b = 0;

		while (b < nb && strcmp(backends[b], jobs[i].ops->name))
			b++;
		if (b == nb && nb < 64) {
			backends[nb] = jobs[i].ops->name;
			cw[nb++] = strlen(jobs[i].ops->name);
		}
		if (strlen(jobs[i].c->name) > w)
			w = strlen(jobs[i].c->name);
	}
	/* each column as wide as its widest cell */
	for (size_t i = 0; i < n && jobs[i].kernel == jobs[0].kernel; i++)
		for (size_t b = 0; b < nb; b++) {
			size_t l =
				strlen(matrix_cell(&kv, jobs, n, i, backends[b],
						   buf, sizeof(buf)));

			if (l > cw[b])
				cw[b] = l;
		}
	total = w;
	for (size_t b = 0; b < nb; b++)
		total += 1 + cw[b];
	fputc('\n', f);
	if (width && total >= width) {
		matrix_narrow(f, &kv, jobs, n, backends, nb, width, colour);
	} else {
		fprintf(f, "%-*s", (int)w, "case");
		for (size_t b = 0; b < nb; b++)
			fprintf(f, " %-*s", (int)cw[b], backends[b]);
		fputc('\n', f);
		for (size_t i = 0; i < n; i++) {
			/* with kernels: the rows of the first kernel's block */
			if (jobs[i].kernel != jobs[0].kernel)
				break;
			if (i && jobs[i].c == jobs[i - 1].c)
				continue;
			fprintf(f, "%-*s", (int)w, jobs[i].c->name);
			for (size_t b = 0; b < nb; b++) {
				fputc(' ', f);
				put_cell(f,
					 matrix_cell(&kv, jobs, n, i,
						     backends[b], buf,
						     sizeof(buf)),
					 cw[b], colour);
			}
			fputc('\n', f);
		}
	}
	report_kernel_diffs(f, &kv, jobs, n);
	matrix_repeats(f, jobs, n);
	fprintf(f, "\n%zu jobs:", n);
	for (int v = 0; v < VERDICT_COUNT; v++)
		if (count[v])
			fprintf(f, " %zu %s", count[v], verdict_name(v));
	fputc('\n', f);
}
