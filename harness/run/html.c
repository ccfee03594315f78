// SPDX-License-Identifier: MIT
/*
 * --html (html.h): the page.  A header with the run's totals, the legend,
 * the matrix (cases with a failure first), then one section per job in
 * the same order of importance (failures, xfails, passes, skips), each
 * with its result and its timeline.  Everything inline: a file that opens
 * anywhere, no network, no script.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "html.h"
#include "report.h"

#define LOG_SHOWN   (16 << 10) /* bytes of a job's raw log on the page */
#define COLUMNS_MAX 128

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1f2328}"
	"h1{font-size:1.4em}h3{font-size:1.05em;margin:.2em 0}"
	"table.matrix{border-collapse:collapse;font-size:12px}"
	".matrix th,.matrix td{border:1px solid #d0d7de;padding:2px 6px}"
	".matrix th.case{text-align:left;font-weight:normal}"
	".matrix a{text-decoration:none;color:inherit;display:block}"
	".v-pass{background:#dafbe1}.v-xfail{background:#fff1c2}"
	".v-skip{background:#eef1f4;color:#6e7781}"
	".v-fail,.v-error,.v-timeout,.v-xpass,.v-interrupted"
	"{background:#ffd7d5;font-weight:bold}"
	"section.job{border:1px solid #d0d7de;border-radius:6px;"
	"padding:.6em .8em;margin:1em 0;max-width:980px}"
	"section.job:target{outline:3px solid #0969da}"
	/* a cell's link shows its job alone; "#" (back) shows all again */
	"body:has(section.job:target)>:not(section.job:target,.defs)"
	"{display:none}"
	".back{float:right;font-size:12px}"
	"dl{display:grid;grid-template-columns:9em 1fr;margin:.3em 0;"
	"font-size:13px}dt{color:#57606a}dd{margin:0;white-space:pre-wrap;"
	"word-break:break-word}"
	"pre{font-size:12px;background:#f6f8fa;padding:.5em;overflow:auto;"
	"max-height:24em}"
	".nolog{color:#6e7781;font-style:italic}"
	"svg .lane{fill:#ffffff}svg .lane.odd{fill:#f6f8fa}"
	"svg text{font:11px system-ui,sans-serif;fill:#1f2328}"
	"svg .lbl{font-weight:bold}svg .tick{fill:#6e7781;text-anchor:middle}"
	"svg .grid{stroke:#d8dee4;stroke-dasharray:2 3}"
	"svg .readable{fill:#fbd38d;opacity:.55}"
	"svg .asleep{fill:url(#hatch);stroke:#cf222e;stroke-width:1}"
	"svg .step line{stroke:#57606a}svg .step text{font-size:9px;"
	"fill:#57606a}"
	"svg .pkt path{fill:#bc4c00}svg .pkt.bad path{fill:#cf222e;"
	"stroke:#000}"
	"svg .ready circle{fill:none;stroke:#0969da;stroke-width:2}"
	"svg .wake path{fill:none;stroke:#0969da;stroke-width:2}"
	"svg .read rect{fill:#1a7f37}"
	"svg .error path{stroke:#cf222e;stroke-width:2.5}"
	"svg .return rect{fill:#1f2328}svg .fault path{fill:#8250df}"
	"svg .expect rect{opacity:.85}svg .expect text{font-size:9px}"
	"svg .expect.pass rect{fill:#1a7f37}svg .expect.xfail rect"
	"{fill:#d4a72c}svg .expect.fail rect,svg .expect.xpass rect"
	"{fill:#cf222e}svg .expect.skip rect{fill:#8c959f}";

/* The hatch pattern of the lost-wakeup window, defined once per page. */
static const char defs[] =
	"<svg class=\"defs\" width=\"0\" height=\"0\" "
	"style=\"position:absolute\">"
	"<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
	"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	"<rect width=\"6\" height=\"6\" fill=\"#ffd7d5\"/>"
	"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#cf222e\" "
	"stroke-width=\"3\"/></pattern></defs></svg>";

/* What each mark means, drawn with the timeline's own classes. */
static const char legend[] =
	"<svg class=\"legend\" width=\"980\" height=\"30\" "
	"xmlns=\"http://www.w3.org/2000/svg\">"
	"<g class=\"step\"><line x1=\"6\" y1=\"6\" x2=\"6\" y2=\"22\"/></g>"
	"<text x=\"12\" y=\"19\">step (case line)</text>"
	"<g class=\"pkt\"><path d=\"M120 18 l-4 -7 h8 z\"/></g>"
	"<text x=\"128\" y=\"19\">packet written/sent</text>"
	"<g class=\"ready\"><circle cx=\"262\" cy=\"15\" r=\"4\"/></g>"
	"<text x=\"270\" y=\"19\">ready</text>"
	"<g class=\"wake\"><path d=\"M320 22 v-14 m-4 4 l4 -4 l4 4\"/></g>"
	"<text x=\"328\" y=\"19\">wake</text>"
	"<g class=\"read\"><rect x=\"372\" y=\"9\" width=\"3\" "
	"height=\"10\"/></g><text x=\"380\" y=\"19\">read</text>"
	"<g class=\"error\"><path d=\"M418 11 l8 8 m0 -8 l-8 8\"/></g>"
	"<text x=\"430\" y=\"19\">error</text>"
	"<g class=\"return\"><rect x=\"472\" y=\"11\" width=\"8\" "
	"height=\"8\"/></g><text x=\"484\" y=\"19\">return</text>"
	"<rect class=\"readable\" x=\"530\" y=\"8\" width=\"18\" "
	"height=\"14\"/><text x=\"552\" y=\"19\">queue readable</text>"
	"<rect class=\"asleep\" x=\"645\" y=\"8\" width=\"18\" "
	"height=\"14\"/><text x=\"667\" y=\"19\">reader silent: "
	"lost wakeup</text>"
	"<g class=\"expect xfail\"><rect x=\"812\" y=\"12\" width=\"18\" "
	"height=\"6\"/></g><text x=\"834\" y=\"19\">expectation "
	"window</text>"
	"</svg>";

static bool unexpected(enum verdict v)
{
	return verdict_unexpected(v) || v == VERDICT_INTERRUPTED;
}

/* Failures first, then documented failures, passes, skips. */
static int rank(enum verdict v)
{
	return unexpected(v)	    ? 0
	       : v == VERDICT_XFAIL ? 1
	       : v == VERDICT_PASS  ? 2
				    : 3;
}

/* A case file's lines (at most 1 MiB of it), for the tooltips. */
static void src_load(struct src_lines *s, const char *path)
{
	FILE *f;
	size_t len, cap = 0;

	free(s->buf);
	free(s->line);
	*s = (struct src_lines){ .path = path };
	f = fopen(path, "re");
	if (!f)
		return;
	s->buf = malloc((1 << 20) + 1);
	len = s->buf ? fread(s->buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (!s->buf)
		return;
	s->buf[len] = 0;
	for (char *p = s->buf; p && *p;) {
		char *nl = strchr(p, '\n');

		if (s->n == cap) {
			char **l = realloc(s->line, (cap + 256) * sizeof(*l));

			if (!l)
				return;
			s->line = l;
			cap += 256;
		}
		s->line[s->n++] = p;
		if (nl)
			*nl = 0;
		p = nl ? nl + 1 : NULL;
	}
}

/* The column of a job: its backend, and its kernel when there are some. */
struct column {
	const char *backend, *kernel;
};

static size_t columns(const struct job_spec *jobs, size_t n, struct column *col)
{
	size_t nc = 0;

	for (size_t i = 0; i < n; i++) {
		size_t c = 0;

		while (c < nc && (strcmp(col[c].backend, jobs[i].ops->name) ||
				  col[c].kernel != jobs[i].kernel))
			c++;
		if (c == nc && nc < COLUMNS_MAX)
			col[nc++] = (struct column){ jobs[i].ops->name,
						     jobs[i].kernel };
	}
	return nc;
}

/* One matrix cell: the verdict and class, linking to the job. */
static void matrix_cell(FILE *f, const struct job_spec *jobs, size_t n,
			const struct case_file *c, const struct column *col)
{
	for (size_t i = 0; i < n; i++) {
		const struct job_result *r = &jobs[i].res;

		if (jobs[i].c != c || jobs[i].kernel != col->kernel ||
		    strcmp(jobs[i].ops->name, col->backend))
			continue;
		fprintf(f, "<td class=\"v-%s\"><a href=\"#j%zu\" title=\"",
			verdict_name(r->v), i);
		report_xml_str(f, r->observed);
		fprintf(f, "\">%s", verdict_name(r->v));
		if (r->cls[0] && strcmp(r->cls, verdict_name(r->v)) &&
		    r->v != VERDICT_PASS && r->v != VERDICT_SKIP) {
			fputc(':', f);
			report_xml_str(f, r->cls);
		}
		fputs("</a></td>", f);
		return;
	}
	fputs("<td></td>", f);
}

/* A matrix row: a case, and the worst rank among its jobs. */
struct row {
	const struct case_file *c;
	int rank;
};

/* The cases in the order they first appear, each with its worst rank;
 * malloc()ed, *nr of them (NULL when out of memory). */
static struct row *rows_make(const struct job_spec *jobs, size_t n, size_t *nr)
{
	struct row *r = calloc(n + 1, sizeof(*r));
	size_t at = 0;

	*nr = 0;
	for (size_t i = 0; r && i < n; i++) {
		/* a case's jobs mostly come together: look it up on change */
		if (!*nr || r[at].c != jobs[i].c) {
			for (at = 0; at < *nr && r[at].c != jobs[i].c; at++)
				;
			if (at == *nr)
				r[(*nr)++] = (struct row){ jobs[i].c, 3 };
		}
		if (rank(jobs[i].res.v) < r[at].rank)
			r[at].rank = rank(jobs[i].res.v);
	}
	return r;
}

static void matrix(FILE *f, const struct job_spec *jobs, size_t n)
{
	static struct column col[COLUMNS_MAX];
	size_t nc = columns(jobs, n, col), nr;
	struct row *rows = rows_make(jobs, n, &nr);

	fputs("<table class=\"matrix\"><thead><tr><th>case</th>", f);
	for (size_t c = 0; c < nc; c++) {
		fputs("<th>", f);
		report_xml_str(f, col[c].backend);
		if (col[c].kernel) {
			fputs("<br>", f);
			report_xml_str(f, col[c].kernel);
		}
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>", f);
	for (int want = 0; want <= 3 && rows; want++)
		for (size_t i = 0; i < nr; i++) {
			const struct case_file *c = rows[i].c;

			if (rows[i].rank != want)
				continue;
			fputs("<tr class=\"case\"><th class=\"case\">", f);
			report_xml_str(f, c->name);
			fputs("</th>", f);
			for (size_t k = 0; k < nc; k++)
				matrix_cell(f, jobs, n, c, &col[k]);
			fputs("</tr>", f);
		}
	fputs("</tbody></table>", f);
	free(rows);
}

/* One <dt>/<dd> pair when the value is not empty. */
static void field(FILE *f, const char *name, const char *value)
{
	if (!value || !value[0])
		return;
	fprintf(f, "<dt>%s</dt><dd>", name);
	report_xml_str(f, value);
	fputs("</dd>", f);
}

static void job_section(FILE *f, const struct job_spec *js, size_t idx,
			const struct src_lines *src)
{
	const struct job_result *r = &js->res;
	char where[600], wall[32];

	fprintf(f,
		"<section class=\"job\" id=\"j%zu\"><h3><span "
		"class=\"v-%s\">&nbsp;%s&nbsp;</span> ",
		idx, verdict_name(r->v), verdict_name(r->v));
	fputs("<a class=\"back\" href=\"#\">all jobs</a>", f);
	report_xml_str(f, js->c->name);
	fputs(" @ ", f);
	report_xml_str(f, js->ops->name);
	if (js->kernel) {
		fputs(" on ", f);
		report_xml_str(f, js->kernel);
	}
	if (js->rep)
		fprintf(f, " run %u", js->rep);
	fputs("</h3><dl>", f);
	snprintf(where, sizeof(where), "%s:%u", js->c->path, r->line);
	field(f, "case line", r->line ? where : js->c->path);
	if (r->line && src && (size_t)r->line <= src->n)
		field(f, "it says", src->line[r->line - 1]);
	if (r->v != VERDICT_PASS)
		field(f, "class", r->cls);
	field(f, "expected", r->expected);
	field(f, "observed", r->observed);
	field(f, "xfail reason", report_xfail_reason(r));
	field(f, "notes", r->notes);
	field(f, "blocked in", r->blocked);
	snprintf(wall, sizeof(wall), "%.1f ms", (double)r->wall_ns / 1e6);
	field(f, "wall time", r->wall_ns ? wall : NULL);
	field(f, "output (end)", r->output);
	fputs("</dl>", f);
	tlsvg_draw(f, js, src);
	if (js->log) {
		fprintf(f,
			"<details><summary>timeline log (%zu bytes%s)"
			"</summary><pre>",
			js->log_len,
			js->log_len > LOG_SHOWN ? "; its last 16 KiB here, "
						  "all of it with --log-dir"
						: "");
		report_xml_str(f, js->log_len > LOG_SHOWN
					  ? js->log + js->log_len - LOG_SHOWN
					  : js->log);
		fputs("</pre></details>", f);
	}
	fputs("</section>\n", f);
}

/* The title block: when, where, what, and the totals. */
static void header(FILE *f, const struct job_spec *jobs, size_t n)
{
	size_t count[VERDICT_COUNT];
	struct utsname u = { 0 };
	char when[64];
	time_t start;
	const char *cmd = report_meta_command(&start);
	struct tm tm;

	uname(&u);
	gmtime_r(&start, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	report_count(jobs, n, count);
	fputs("<h1>tuncheck report</h1><p>", f);
	report_xml_str(f, when);
	fputs(" &middot; Linux ", f);
	report_xml_str(f, u.release);
	fputs(" &middot; <code>", f);
	report_xml_str(f, cmd);
	fprintf(f, "</code></p><p class=\"totals\">%zu jobs:", n);
	for (int v = 0; v < VERDICT_COUNT; v++)
		if (count[v])
			fprintf(f,
				" <span class=\"v-%s\">&nbsp;%zu %s&nbsp;</span>",
				verdict_name((enum verdict)v), count[v],
				verdict_name((enum verdict)v));
	fputs("</p>", f);
}

int report_html(FILE *f, const struct job_spec *jobs, size_t n)
{
	struct src_lines src = { 0 };
	int ret = 0;

	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		"charset=\"utf-8\"><title>tuncheck report</title><style>%s"
		"</style></head><body>%s",
		css, defs);
	header(f, jobs, n);
	fputs(legend, f);
	fputs("<h2>Matrix</h2>", f);
	matrix(f, jobs, n);
	fputs("<h2>Jobs</h2><p>Failures first. Hover a mark for what it "
	      "is, when, and the case line behind it.</p>\n",
	      f);
	for (int want = 0; want <= 3; want++)
		for (size_t i = 0; i < n; i++) {
			if (rank(jobs[i].res.v) != want)
				continue;
			if (!src.path || strcmp(src.path, jobs[i].c->path))
				src_load(&src, jobs[i].c->path);
			job_section(f, &jobs[i], i, &src);
		}
	fputs("</body></html>\n", f);
	free(src.buf);
	free(src.line);
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	return ret;
}
