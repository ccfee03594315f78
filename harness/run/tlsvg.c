// SPDX-License-Identifier: MIT
/*
 * A job's timeline log drawn as one SVG (html.h).  Lane 0 is the
 * controller: its steps, the packets it wrote or sent, expectations on
 * kernel state.  Each reader has a lane: its ready, wakes, reads, errors,
 * faults and return; its queue's readability as the controller polled it
 * (shaded); where the queue stayed readable while the reader reported
 * nothing, the lost-wakeup window (hatched red); its expectations'
 * windows, coloured by outcome.
 *
 * The log comes from the job, which hosts plugin code: lines are parsed
 * with bounds, one that does not parse is skipped, every text is escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define ITEMS_MAX 150000 /* parsed per job (a 4 MiB log holds fewer) */
#define LANES_MAX (1 + CASE_MAX_READERS)
#define LEFT	  130.0 /* lane labels */
#define PLOT	  800.0
#define TOP	  26.0 /* time axis */
#define LANE_H	  46.0
#define ASLEEP_MS 20.0 /* readable this long with no event: shaded */
#define GROUP_PX  3.0  /* events of a kind closer than this: one mark */

enum item_kind {
	I_STEP,
	I_PKT,
	I_READY,
	I_WAKE,
	I_READ,
	I_ERROR,
	I_RETURN,
	I_FAULT,
	I_READABLE, /* aux: 1 yes, 0 no, -1 end of sampling */
	I_EXPECT,
};

struct item {
	double t, from; /* ms since the job started; from: I_EXPECT */
	int lane, aux;	/* aux: line (step, expect), ok (pkt), readable */
	enum item_kind kind;
	unsigned count; /* tl_group: events this mark stands for */
	double t_last;	/* and the last one's time */
	char text[80];	/* what the log says, for the tooltip */
};

struct tl {
	struct item *it;
	size_t n, cap, dropped;
	double tmax;
	char lane_name[LANES_MAX][48];
	char queue[LANES_MAX][32]; /* each reader's queue */
	int lanes;
};

/* "r3" -> lane 4, else -1 */
static int reader_lane(const char *who)
{
	char *end;
	long r;

	if (who[0] != 'r')
		return -1;
	r = strtol(who + 1, &end, 10);
	return *end || end == who + 1 || r < 0 || r >= CASE_MAX_READERS
		       ? -1
		       : (int)r + 1;
}

/* The reader lane whose queue is q, else the controller's. */
static int queue_lane(const struct tl *tl, const char *q)
{
	for (int l = 1; l < LANES_MAX; l++)
		if (tl->queue[l][0] && !strcmp(tl->queue[l], q))
			return l;
	return 0;
}

/* One `ctl ...` line into *it; false when it is not drawn. */
static bool parse_ctl(struct tl *tl, const char *rest, struct item *it)
{
	char a[48], b[48], c[48];
	unsigned line;
	double from;
	int r;

	if (sscanf(rest, "step line=%u", &line) == 1) {
		it->kind = I_STEP;
		it->aux = (int)line;
		return true;
	}
	if (sscanf(rest, "reader r%d name=%47s queue=%31s", &r, a, b) == 3 &&
	    r >= 0 && r < CASE_MAX_READERS) {
		snprintf(tl->lane_name[r + 1], sizeof(tl->lane_name[0]),
			 "%.22s (%.20s)", a, b);
		snprintf(tl->queue[r + 1], sizeof(tl->queue[0]), "%.31s", b);
		if (r + 2 > tl->lanes)
			tl->lanes = r + 2;
		return false;
	}
	if (!strncmp(rest, "write ", 6) || !strncmp(rest, "send ", 5)) {
		it->kind = I_PKT;
		it->aux = !strstr(rest, "errno=");
		return true;
	}
	if (sscanf(rest, "readable %47s %47s", a, b) == 2) {
		it->kind = I_READABLE;
		it->lane = queue_lane(tl, a);
		it->aux = !strcmp(b, "yes") ? 1 : !strcmp(b, "no") ? 0 : -1;
		return true;
	}
	if (sscanf(rest, "expect line=%u %47s %47s from=%lfms", &line, a, c,
		   &from) == 4) {
		it->kind = I_EXPECT;
		it->aux = (int)line;
		it->from = from;
		it->lane = reader_lane(a) > 0 ? reader_lane(a) : 0;
		snprintf(it->text, sizeof(it->text), "%s", c);
		return true;
	}
	return false;
}

/* One `rN ...` line into *it. */
static bool parse_reader(const char *rest, struct item *it)
{
	static const struct {
		const char *word;
		enum item_kind kind;
	} kinds[] = {
		{ "ready", I_READY },	{ "wake", I_WAKE },
		{ "read", I_READ },	{ "error", I_ERROR },
		{ "return", I_RETURN }, { "fault", I_FAULT },
	};
	size_t w = strcspn(rest, " ");

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].word) == w &&
		    !strncmp(rest, kinds[i].word, w)) {
			it->kind = kinds[i].kind;
			return true;
		}
	return false;
}

/* The log, line by line, into tl (at most ITEMS_MAX items). */
static void tl_parse(struct tl *tl, const char *log)
{
	const char *p = log;

	tl->lanes = 1;
	snprintf(tl->lane_name[0], sizeof(tl->lane_name[0]), "controller");
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[256], who[16];
		struct item it = { 0 };
		int off = 0;

		snprintf(line, sizeof(line), "%.*s",
			 (int)(len < sizeof(line) ? len : sizeof(line) - 1), p);
		p = nl ? nl + 1 : NULL;
		if (sscanf(line, "%lfms %15s %n", &it.t, who, &off) != 2 ||
		    !off || !(it.t >= 0 && it.t <= 1e9)) /* NaN too */
			continue;
		snprintf(it.text, sizeof(it.text), "%s", line + off);
		if (!strcmp(who, "ctl")) {
			if (!parse_ctl(tl, line + off, &it))
				continue;
		} else if ((it.lane = reader_lane(who)) > 0) {
			if (!parse_reader(line + off, &it))
				continue;
			if (it.lane + 1 > tl->lanes)
				tl->lanes = it.lane + 1;
			if (!tl->lane_name[it.lane][0])
				snprintf(tl->lane_name[it.lane],
					 sizeof(tl->lane_name[0]), "%s", who);
		} else {
			continue;
		}
		if (tl->n == tl->cap) {
			tl->dropped++;
			continue;
		}
		if (it.t > tl->tmax)
			tl->tmax = it.t;
		tl->it[tl->n++] = it;
	}
}

static double X(const struct tl *tl, double t)
{
	return LEFT + PLOT * t / tl->tmax;
}

static double Y(int lane)
{
	return TOP + LANE_H * lane;
}

/* The case's line l, escaped, or nothing. */
static void src_line(FILE *f, const struct src_lines *src, int l)
{
	if (src && l > 0 && (size_t)l <= src->n) {
		fputs(": ", f);
		report_xml_str(f, src->line[l - 1]);
	}
}

/* A tooltip: <title>TEXT at T ms</title>. */
static void title(FILE *f, const struct item *it, const struct src_lines *src)
{
	fputs("<title>", f);
	if (it->kind == I_STEP || it->kind == I_EXPECT) {
		fprintf(f, "line %d", it->aux);
		src_line(f, src, it->aux);
		if (it->kind == I_EXPECT) {
			fputs(" \xe2\x80\x94 ", f);
			report_xml_str(f, it->text);
			fprintf(f, " (%.3f to %.3f ms)", it->from, it->t);
		}
	} else {
		if (it->count > 1)
			fprintf(f, "%u events, the first: ", it->count);
		report_xml_str(f, it->text);
	}
	if (it->count > 1)
		fprintf(f, " from %.3f to %.3f ms</title>", it->t, it->t_last);
	else
		fprintf(f, " at %.3f ms</title>", it->t);
}

/*
 * A flood is thousands of reads and packets: the events of one kind in
 * one lane closer than GROUP_PX make one mark, whose tooltip counts them
 * (a packet the kernel refused makes its group's mark red).
 */
static void tl_group(struct tl *tl)
{
	long pending[LANES_MAX][I_EXPECT + 1];
	size_t out = 0;

	for (int l = 0; l < LANES_MAX; l++)
		for (int k = 0; k <= I_EXPECT; k++)
			pending[l][k] = -1;
	for (size_t i = 0; i < tl->n; i++) {
		struct item it = tl->it[i];
		long *p = &pending[it.lane][it.kind];
		bool dense = it.kind == I_PKT || it.kind == I_WAKE ||
			     it.kind == I_READ || it.kind == I_ERROR;

		if (dense && *p >= 0 &&
		    X(tl, it.t) - X(tl, tl->it[*p].t) < GROUP_PX) {
			tl->it[*p].count++;
			tl->it[*p].t_last = it.t;
			tl->it[*p].aux &= it.aux;
			continue;
		}
		it.count = 1;
		it.t_last = it.t;
		if (dense)
			*p = (long)out;
		tl->it[out++] = it;
	}
	tl->n = out;
}

/* The time axis: at most 10 ticks, 1, 2 or 5 x 10^k ms apart. */
static void axis(FILE *f, const struct tl *tl, double height)
{
	static const double m[] = { 1, 2, 5 };
	double step = 0;

	for (double s = 0.001; !step; s *= 10)
		for (size_t i = 0; i < 3 && !step; i++)
			if (tl->tmax / (s * m[i]) <= 10)
				step = s * m[i];
	for (double t = 0; t <= tl->tmax; t += step)
		fprintf(f,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" "
			"x=\"%.1f\" y=\"%.1f\">%g ms</text>",
			X(tl, t), TOP - 4, X(tl, t), height - 6, X(tl, t),
			TOP - 10, t);
}

/* The queue readable from a to b in lane: shaded, and from the last
 * event of a reader on that queue (or a) to b hatched when that lasted
 * ASLEEP_MS or more. */
static void readable_span(FILE *f, const struct tl *tl, int lane, double a,
			  double b, double last)
{
	double asleep = last > a ? last : a;

	if (b < a)
		return;
	fprintf(f,
		"<rect class=\"readable\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%.1f\"><title>queue readable (the controller's "
		"poll(): POLLIN) from %.3f to %.3f ms</title></rect>",
		X(tl, a), Y(lane) + 4, X(tl, b) - X(tl, a) + 0.5, LANE_H - 8, a,
		b);
	if (b - asleep >= ASLEEP_MS)
		fprintf(f,
			"<rect class=\"asleep\" x=\"%.1f\" y=\"%.1f\" "
			"width=\"%.1f\" height=\"%.1f\"><title>lost wakeup: "
			"the queue was readable and no reader on it reported "
			"anything from %.3f to %.3f ms</title></rect>",
			X(tl, asleep), Y(lane) + 4, X(tl, b) - X(tl, asleep),
			LANE_H - 8, asleep, b);
}

/* The latest event of any reader on lane's queue (lane's own when it has
 * none), among last[] (each lane's latest so far); -1 if none. */
static double queue_last(const struct tl *tl, const double *last, int lane)
{
	double t = last[lane];

	for (int l = 1; l < LANES_MAX && tl->queue[lane][0]; l++)
		if (!strcmp(tl->queue[l], tl->queue[lane]) && last[l] > t)
			t = last[l];
	return t;
}

/*
 * The readable spans, in one pass over the items in log order (close to
 * time order), before tl_group merges events: each span is judged by the
 * events logged before its end.  A span still open ends at the last line.
 */
static void draw_readable(FILE *f, const struct tl *tl, double end)
{
	double since[LANES_MAX], last[LANES_MAX];

	for (int l = 0; l < LANES_MAX; l++)
		since[l] = last[l] = -1;
	for (size_t i = 0; i < tl->n; i++) {
		const struct item *it = &tl->it[i];

		if (it->kind >= I_READY && it->kind <= I_RETURN &&
		    it->t > last[it->lane])
			last[it->lane] = it->t;
		if (it->kind != I_READABLE)
			continue;
		if (it->aux == 1 && since[it->lane] < 0)
			since[it->lane] = it->t;
		if (it->aux != 1 && since[it->lane] >= 0) {
			readable_span(f, tl, it->lane, since[it->lane], it->t,
				      queue_last(tl, last, it->lane));
			since[it->lane] = -1;
		}
	}
	for (int l = 0; l < LANES_MAX; l++)
		if (since[l] >= 0)
			readable_span(f, tl, l, since[l], end,
				      queue_last(tl, last, l));
}

/* One event's mark: its shape by kind, its tooltip; *label_x: where the
 * last step number was written (numbers closer than 14 px are left out) */
static void draw_item(FILE *f, const struct tl *tl, const struct item *it,
		      const struct src_lines *src, double *label_x)
{
	double x = X(tl, it->t), y = Y(it->lane) + LANE_H / 2;
	const char *cls;
	double lo;

	switch (it->kind) {
	case I_STEP:
		fprintf(f,
			"<g class=\"step\"><line x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>",
			x, Y(0) + 6, x, Y(0) + LANE_H - 14);
		if (x - *label_x >= 14) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%d</text>", x,
				Y(0) + LANE_H - 4, it->aux);
			*label_x = x;
		}
		break;
	case I_PKT:
		fprintf(f,
			"<g class=\"%s\"><path d=\"M%.1f %.1f l-4 -7 h8 z\"/>",
			it->aux ? "pkt" : "pkt bad", x, y + 2);
		break;
	case I_READY:
		fprintf(f,
			"<g class=\"ready\"><circle cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"4\"/>",
			x, y);
		break;
	case I_WAKE:
		fprintf(f,
			"<g class=\"wake\"><path d=\"M%.1f %.1f v-14 "
			"m-4 4 l4 -4 l4 4\"/>",
			x, y + 2);
		break;
	case I_READ:
		fprintf(f,
			"<g class=\"read\"><rect x=\"%.1f\" y=\"%.1f\" "
			"width=\"3\" height=\"10\"/>",
			x - 1.5, y + 3);
		break;
	case I_ERROR:
		fprintf(f,
			"<g class=\"error\"><path d=\"M%.1f %.1f l8 8 m0 -8 "
			"l-8 8\"/>",
			x - 4, y - 4);
		break;
	case I_RETURN:
		fprintf(f,
			"<g class=\"return\"><rect x=\"%.1f\" y=\"%.1f\" "
			"width=\"8\" height=\"8\"/>",
			x - 4, y - 4);
		break;
	case I_FAULT:
		fprintf(f,
			"<g class=\"fault\"><path d=\"M%.1f %.1f l5 5 "
			"l-5 5 l-5 -5 z\"/>",
			x, y - 14);
		break;
	case I_EXPECT:
		/* a reads expectation met by a read before it started */
		lo = it->from < it->t ? it->from : it->t;
		cls = strcmp(it->text, "pass") && strcmp(it->text, "fail") &&
				      strcmp(it->text, "xfail") &&
				      strcmp(it->text, "xpass")
			      ? "skip"
			      : it->text;
		fprintf(f,
			"<g class=\"expect %s\"><rect x=\"%.1f\" y=\"%.1f\" "
			"width=\"%.1f\" height=\"6\"/><text x=\"%.1f\" "
			"y=\"%.1f\">line %d%s%s</text>",
			cls, X(tl, lo), Y(it->lane) + LANE_H - 8,
			X(tl, it->t) - X(tl, lo) + 1, X(tl, lo),
			Y(it->lane) + LANE_H - 10, it->aux,
			strcmp(it->text, "pass") ? " " : "",
			strcmp(it->text, "pass") ? cls : "");
		break;
	default:
		return;
	}
	title(f, it, src);
	fputs("</g>", f);
}

void tlsvg_draw(FILE *f, const struct job_spec *js, const struct src_lines *src)
{
	struct tl tl = { .tmax = 1 };
	double height, label_x = -100, end;

	/* one item per line at most */
	for (const char *p = js->log; p && *p && tl.cap < ITEMS_MAX; p++)
		tl.cap += *p == '\n';
	tl.cap++;
	tl.it = js->log ? calloc(tl.cap, sizeof(*tl.it)) : NULL;
	if (!tl.it || !js->log) {
		fputs("<p class=\"nolog\">no timeline: the job logged nothing "
		      "(skipped, never started, or ran in a --kernel guest)</p>",
		      f);
		free(tl.it);
		return;
	}
	tl_parse(&tl, js->log);
	end = tl.tmax; /* the last line's time */
	tl.tmax *= 1.02;
	height = Y(tl.lanes) + 8;
	fprintf(f,
		"<svg class=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">",
		LEFT + PLOT + 20, height, LEFT + PLOT + 20, height);
	for (int l = 0; l < tl.lanes; l++) {
		fprintf(f,
			"<rect class=\"lane%s\" x=\"0\" y=\"%.1f\" "
			"width=\"%.1f\" height=\"%.1f\"/><text class=\"lbl\" "
			"x=\"4\" y=\"%.1f\">",
			l % 2 ? " odd" : "", Y(l), LEFT + PLOT + 20, LANE_H,
			Y(l) + LANE_H / 2 + 4);
		report_xml_str(f, tl.lane_name[l][0] ? tl.lane_name[l] : "?");
		fputs("</text>", f);
	}
	axis(f, &tl, height);
	draw_readable(f, &tl, end);
	tl_group(&tl);
	for (size_t i = 0; i < tl.n; i++)
		draw_item(f, &tl, &tl.it[i], src, &label_x);
	fputs("</svg>", f);
	if (tl.dropped || js->log_cut)
		fprintf(f, "<p class=\"nolog\">%zu more events not drawn%s</p>",
			tl.dropped,
			js->log_cut ? " (the log passed 4 MiB: the rest was "
				      "not kept)"
				    : "");
	free(tl.it);
}
