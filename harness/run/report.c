// SPDX-License-Identifier: MIT
/* TAP output in job order, a progress line, and the final matrix. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "expect.h"
#include "html.h"
#include "report.h"

#ifndef TUNCHECK_VERSION
#define TUNCHECK_VERSION "unknown"
#endif

const char *report_version(void)
{
	return TUNCHECK_VERSION;
}

/* The run's metadata (report_meta_set): JUnit and JSON carry it. */
static struct {
	time_t start;
	char options[1024];
} meta;

void report_meta_set(int argc, char **argv)
{
	size_t off = 0;

	meta.start = time(NULL);
	for (int i = 0; i < argc && off < sizeof(meta.options); i++)
		off += (size_t)snprintf(meta.options + off,
					sizeof(meta.options) - off, "%s%s",
					i ? " " : "", argv[i]);
}

const char *report_meta_command(time_t *start)
{
	*start = meta.start ? meta.start : time(NULL);
	return meta.options;
}

/* "2026-11-29T06:40:00": UTC, as the Ant schema wants it (no zone). */
static const char *report_timestamp(char *buf, size_t size)
{
	struct tm tm;
	time_t t = meta.start ? meta.start : time(NULL);

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	return buf;
}

void report_begin(struct report *r, size_t n)
{
	r->printed = r->done = 0;
	fprintf(r->tap, "TAP version 13\n1..%zu\n", n);
	fflush(r->tap);
}

/* YAML-safe: double-quoted with backslash escapes. */
static void yaml_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "  %s: \"", key);
	for (; *s; s++) {
		if (*s == '\n' || *s == '\t') {
			fputs(*s == '\n' ? "\\n" : "\\t", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputs("\"\n", f);
}

/*
 * Text on a TAP test point's line: ASCII only (prove warns "Wide
 * character" otherwise; an em dash becomes "--"), one line.
 */
void tap_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!strncmp(s, "\xe2\x80\x94", 3)) {
			fputs("--", f);
			s += 2;
		} else if (c >= 0x80 || c < 0x20) {
			/* one ? per character: skip UTF-8 continuations */
			if (c < 0x80 || c >= 0xc0)
				fputc(c == '\n' || c == '\t' ? ' ' : '?', f);
		} else {
			fputc(c, f);
		}
	}
}

/* -v: the job's output as TAP comments, one "#   | line" per line. */
static void report_output(FILE *f, const struct job_spec *js)
{
	const char *s = js->res.output;

	if (!*s)
		return;
	fprintf(f, "# output of %s [%s]:\n", js->c->name, js->ops->name);
	while (*s) {
		size_t n = strcspn(s, "\n");

		fprintf(f, "#   | %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
}

static void report_tap_one(struct report *r, const struct job_spec *js,
			   size_t num)
{
	const struct job_result *res = &js->res;
	bool bad = verdict_unexpected(res->v);
	char d[32];

	/* an expected failure is TAP's "not ok # TODO" */
	fprintf(r->tap, "%s %zu - %s [%s]",
		bad || res->v == VERDICT_XFAIL ? "not ok" : "ok", num,
		js->c->name, js->ops->name);
	if (js->rep)
		fprintf(r->tap, " run %u", js->rep);
	if (js->kernel)
		fprintf(r->tap, " on %s", js->kernel);
	if (res->v == VERDICT_SKIP) {
		fputs(" # SKIP ", r->tap);
		tap_text(r->tap, res->observed);
	} else if (res->v == VERDICT_XFAIL) {
		fputs(" # TODO xfail: ", r->tap);
		tap_text(r->tap, res->observed);
	}
	fputc('\n', r->tap);
	if (res->notes[0])
		fprintf(r->tap, "# %s [%s]: %s\n", js->c->name, js->ops->name,
			res->notes);
	if (r->verbose)
		report_output(r->tap, js);
	if (!bad)
		return;
	fputs("  ---\n", r->tap);
	yaml_str(r->tap, "verdict", verdict_name(res->v));
	yaml_str(r->tap, "class", res->cls);
	yaml_str(r->tap, "file", js->c->path);
	fprintf(r->tap, "  line: %u\n", res->line);
	yaml_str(r->tap, "backend", js->ops->name);
	if (js->kernel)
		yaml_str(r->tap, "kernel", js->kernel);
	yaml_str(r->tap, "expected", res->expected);
	yaml_str(r->tap, "observed", res->observed);
	yaml_str(r->tap, "at", fmt_duration(res->at_ns, d, sizeof(d)));
	if (res->blocked[0])
		yaml_str(r->tap, "blocked_in", res->blocked);
	if (res->output[0])
		yaml_str(r->tap, "output", res->output);
	fputs("  ...\n", r->tap);
}

/*
 * The progress line on the terminal: done/total, failures so far, and
 * the job running longest (what the run waits for).
 */
static void report_progress(struct report *r, const struct job_spec *jobs,
			    size_t n)
{
	const struct job_spec *slow = NULL;
	char d[32];

	for (size_t i = 0; i < n; i++)
		if (jobs[i].state == JOB_RUNNING &&
		    (!slow || jobs[i].started_ns < slow->started_ns))
			slow = &jobs[i];
	fprintf(r->term, "\r\033[K[%zu/%zu] %zu failed", r->done, n, r->failed);
	if (slow)
		fprintf(r->term, "; running longest: %s [%s] %s", slow->c->name,
			slow->ops->name,
			fmt_duration(now_ns() - slow->started_ns, d,
				     sizeof(d)));
	fflush(r->term);
}

void report_job_done(struct job_spec *jobs, size_t n, size_t idx, void *arg)
{
	struct report *r = arg;
	const struct job_spec *js = &jobs[idx];
	bool bad = verdict_unexpected(js->res.v);

	r->done++;
	r->failed += bad;
	/* erased first, redrawn below: failure lines and TAP lines on the
	 * same terminal go on lines of their own */
	if (r->progress)
		fputs("\r\033[K", r->term);
	if (bad && r->term)
		fprintf(r->term,
			"%s:%u: %s [%s]%s%s: %s: expected %s; observed %s\n",
			js->c->path, js->res.line, js->c->name, js->ops->name,
			js->kernel ? " on " : "", js->kernel ? js->kernel : "",
			verdict_name(js->res.v), js->res.expected,
			js->res.observed);
	while (r->printed < n && jobs[r->printed].state == JOB_SETTLED) {
		report_tap_one(r, &jobs[r->printed], r->printed + 1);
		r->printed++;
	}
	fflush(r->tap);
	if (r->progress)
		report_progress(r, jobs, n);
}

/* s as a JSON string into f. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* An xfail's documented reason, from its observed text, or "". */
const char *report_xfail_reason(const struct job_result *r)
{
	const char *d = strstr(r->observed, "documented");
	const char *c = d ? strstr(d, ": ") : NULL;

	return r->v == VERDICT_XFAIL && c ? c + 2 : "";
}

void report_count(const struct job_spec *jobs, size_t n,
		  size_t count[VERDICT_COUNT])
{
	memset(count, 0, VERDICT_COUNT * sizeof(count[0]));
	for (size_t i = 0; i < n; i++)
		if (jobs[i].res.v < VERDICT_COUNT)
			count[jobs[i].res.v]++;
}

int report_json(FILE *f, const struct job_spec *jobs, size_t n)
{
	size_t count[VERDICT_COUNT];
	struct utsname u = { 0 };
	char host[256] = "", ts[32];

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	report_count(jobs, n, count);
	fputs("{\"tuncheck\": 1, \"version\": ", f);
	json_str(f, TUNCHECK_VERSION);
	fputs(", \"started\": ", f);
	json_str(f, report_timestamp(ts, sizeof(ts)));
	fputs(", \"host\": ", f);
	json_str(f, host);
	fputs(", \"host_kernel\": ", f);
	json_str(f, u.release);
	fputs(", \"command\": ", f);
	json_str(f, meta.options);
	fprintf(f, ",\n \"summary\": {\"jobs\": %zu", n);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(f, ", \"%s\": %zu", verdict_name(v), count[v]);
	fputs("},\n \"jobs\": [", f);
	for (size_t i = 0; i < n; i++) {
		const struct job_result *r = &jobs[i].res;
		const char *slash = strchr(jobs[i].c->name, '/');

		fputs(i ? ",\n  {" : "\n  {", f);
		fputs("\"case\": ", f);
		json_str(f, jobs[i].c->name);
		fputs(", \"variant\": ", f);
		json_str(f, slash ? slash + 1 : "");
		fputs(", \"file\": ", f);
		json_str(f, jobs[i].c->path);
		fputs(", \"backend\": ", f);
		json_str(f, jobs[i].ops->name);
		fprintf(f, ", \"run\": %u", jobs[i].rep);
		fputs(", \"kernel\": ", f);
		if (jobs[i].kernel)
			json_str(f, jobs[i].kernel);
		else
			fputs("null", f);
		fputs(", \"verdict\": ", f);
		json_str(f, verdict_name(r->v));
		fputs(", \"class\": ", f);
		json_str(f, r->cls);
		fprintf(f, ", \"line\": %u, \"at_ns\": %llu, \"wall_ns\": %llu",
			r->line, (unsigned long long)r->at_ns,
			(unsigned long long)r->wall_ns);
		fputs(", \"expected\": ", f);
		json_str(f, r->expected);
		fputs(", \"observed\": ", f);
		json_str(f, r->observed);
		fputs(", \"xfail_reason\": ", f);
		json_str(f, report_xfail_reason(r));
		fputs(", \"notes\": ", f);
		json_str(f, r->notes);
		fputs(", \"blocked_in\": ", f);
		json_str(f, r->blocked);
		fputs(", \"output\": ", f);
		json_str(f, r->output);
		fputc('}', f);
	}
	fputs("\n]}\n", f);
	return fclose(f) ? -errno : 0;
}

/*
 * One testsuite with what Ant's schema asks of it (timestamp, hostname,
 * time, properties, system-out and -err); each testcase named "CASE
 * [BACKEND]", a failure or error typed by its class (a timeout:
 * "timeout"), an xfail as <skipped type="xfail">, as pytest writes it,
 * and every failure, error or skip saying the case's file:line.
 */
int report_junit(FILE *f, const struct job_spec *jobs, size_t n)
{
	size_t fails = 0, errors = 0, skips = 0;
	uint64_t wall = 0;
	char host[256] = "", ts[32];

	gethostname(host, sizeof(host) - 1);
	for (size_t i = 0; i < n; i++) {
		enum verdict v = jobs[i].res.v;

		fails += v == VERDICT_FAIL || v == VERDICT_XPASS;
		errors += v == VERDICT_ERROR || v == VERDICT_TIMEOUT;
		skips += v == VERDICT_SKIP || v == VERDICT_INTERRUPTED ||
			 v == VERDICT_XFAIL;
		wall += jobs[i].res.wall_ns;
	}
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites>\n<testsuite name=\"tuncheck\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
		"time=\"%.3f\" timestamp=\"%s\" hostname=\"",
		n, fails, errors, skips, (double)wall / 1e9,
		report_timestamp(ts, sizeof(ts)));
	report_xml_str(f, host);
	fputs("\">\n  <properties><property name=\"command\" value=\"", f);
	report_xml_str(f, meta.options);
	fputs("\"/><property name=\"version\" value=\"", f);
	report_xml_str(f, TUNCHECK_VERSION);
	fputs("\"/></properties>\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct job_result *r = &jobs[i].res;
		const char *tag =
			r->v == VERDICT_FAIL || r->v == VERDICT_XPASS
				? "failure"
			: r->v == VERDICT_ERROR || r->v == VERDICT_TIMEOUT
				? "error"
			: r->v == VERDICT_SKIP || r->v == VERDICT_INTERRUPTED ||
					r->v == VERDICT_XFAIL
				? "skipped"
				: NULL;
		const char *type = r->v == VERDICT_TIMEOUT ? "timeout"
				   : r->v == VERDICT_XFAIL ? "xfail"
				   : r->cls[0]		   ? r->cls
							   : verdict_name(r->v);

		fputs("  <testcase classname=\"", f);
		report_xml_str(f, jobs[i].c->name);
		fputs("\" name=\"", f);
		report_xml_str(f, jobs[i].c->name);
		report_xml_str(f, " [");
		report_xml_str(f, jobs[i].ops->name);
		report_xml_str(f, "]");
		if (jobs[i].kernel) {
			report_xml_str(f, " on ");
			report_xml_str(f, jobs[i].kernel);
		}
		if (jobs[i].rep)
			fprintf(f, " run %u", jobs[i].rep);
		fprintf(f, "\" time=\"%.3f\">", (double)r->wall_ns / 1e9);
		if (tag) {
			fprintf(f, "<%s type=\"", tag);
			report_xml_str(f, type);
			fputs("\" message=\"", f);
			report_xml_str(f, r->observed);
			fputs("\">", f);
			report_xml_str(f, jobs[i].c->path);
			fprintf(f, ":%u: %s [%s] ", r->line, verdict_name(r->v),
				r->cls);
			report_xml_str(f, "expected ");
			report_xml_str(f, r->expected);
			report_xml_str(f, "; observed ");
			report_xml_str(f, r->observed);
			fprintf(f, "</%s>", tag);
		}
		if (r->output[0] && tag) {
			fputs("<system-out>", f);
			report_xml_str(f, r->output);
			fputs("</system-out>", f);
		}
		fputs("</testcase>\n", f);
	}
	fputs("  <system-out></system-out>\n  <system-err></system-err>\n"
	      "</testsuite>\n</testsuites>\n",
	      f);
	return fclose(f) ? -errno : 0;
}

void report_bail_out(struct report *r, const char *why)
{
	fprintf(r->tap, "Bail out! %s\n", why);
	fflush(r->tap);
}

bool report_strict;

int report_exit_status(const struct job_spec *jobs, size_t n)
{
	size_t skipped = 0;

	for (size_t i = 0; i < n; i++) {
		enum verdict v = jobs[i].res.v;

		if (verdict_unexpected(v))
			return 1;
		skipped += v == VERDICT_SKIP;
	}
	if (skipped && report_strict)
		return 1; /* --strict: a skip is a failure */
	return n && skipped == n ? 4 : 0;
}
