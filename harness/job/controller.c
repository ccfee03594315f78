// SPDX-License-Identifier: MIT
/*
 * The controller's services to the files that carry out steps (see
 * controller.h): messages to the runner, the verdict that ends the job,
 * a step's failure, and finding what the case declared.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture.h"
#include "controller.h"
#include "job.h"

/* Send one message to the runner; a broken channel ends the job. */
void job_send(struct job *j, const struct proto_msg *m)
{
	if (proto_send(j->out_fd, m) < 0)
		_exit(3);
}

/* A NOTE for the report. */
void job_note(struct job *j, const char *fmt, ...)
{
	struct proto_msg m = { .type = MSG_NOTE };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m.u.text, sizeof(m.u.text), fmt, ap);
	va_end(ap);
	job_send(j, &m);
}

/*
 * One line of the job's timeline log (--log-dir, --html): the time since
 * the job started in microseconds, then the text; one write(), so lines
 * of different threads never interleave (README: Using it).
 */
const char *job_ms(const struct job *j, uint64_t t, char *buf, size_t size)
{
	uint64_t us = t > j->start_ns ? (t - j->start_ns) / 1000 : 0;

	snprintf(buf, size, "%llu.%03llums", (unsigned long long)(us / 1000),
		 (unsigned long long)(us % 1000));
	return buf;
}

void job_log(struct job *j, uint64_t t, const char *fmt, ...)
{
	char line[512], ms[32];
	int n;
	va_list ap;

	if (j->o->log_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s ", job_ms(j, t, ms, sizeof(ms)));
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(j->o->log_fd, line, (size_t)n) < 0) {
		/* a full disk or RLIMIT_FSIZE: the log is only evidence */
	}
}

/* The running kernel's major.minor. */
void kernel_version(unsigned v[2], char *rel, size_t size)
{
	struct utsname u;

	v[0] = v[1] = 0;
	if (uname(&u) == 0) {
		sscanf(u.release, "%u.%u", &v[0], &v[1]);
		snprintf(rel, size, "%s", u.release);
	}
}

/*
 * Send the event totals and the verdict, and end the process: blocked
 * threads die with it.
 */
void job_finish(struct job *j, enum verdict v, unsigned line, uint64_t at,
		const char *expected, const char *observed)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
	static struct proto_msg m;
	size_t no = j->c ? j->c->n_kobserved : 0;
	char obs[1400], rel[65] = "?", list[96] = "";
	unsigned k[2];
	bool seen = false;

	/* a mismatch on another kernel than the ones the case was seen on */
	kernel_version(k, rel, sizeof(rel));
	for (size_t i = 0, l = 0; i < no && l < sizeof(list); i++) {
		const unsigned *o = j->c->kobserved[i];

		seen |= k[0] == o[0] && k[1] == o[1];
		l += (size_t)snprintf(list + l, sizeof(list) - l, "%s%u.%u",
				      i ? ", " : "", o[0], o[1]);
	}
	if (no && !seen && (v == VERDICT_FAIL || v == VERDICT_XPASS)) {
		snprintf(obs, sizeof(obs),
			 "%s [expectations observed on Linux "
			 "%s; this is %s]",
			 observed ? observed : "", list, rel);
		observed = obs;
	}

	/* the job's last word first (fault.c: a verdict on a fault that
	 * never fired becomes SKIP; its notes) */
	if (j->on_finish)
		j->on_finish(j, v, line);
	/* the controller and a failing backend may race: first one wins */
	pthread_mutex_lock(&once);
	if (capture_full(j->pcap))
		job_note(j,
			 "pcap capped at %llu bytes (--pcap-max): "
			 "later packets not recorded",
			 (unsigned long long)j->o->pcap_max);
	m.type = MSG_COUNTS;
	m.u.counts = (struct proto_counts){
		.wakes = __atomic_load_n(&j->counts.wakes, __ATOMIC_RELAXED),
		.reads = __atomic_load_n(&j->counts.reads, __ATOMIC_RELAXED),
		.first_err =
			__atomic_load_n(&j->counts.first_err, __ATOMIC_RELAXED),
	};
	job_send(j, &m);
	m = (struct proto_msg){ .type = MSG_VERDICT };
	m.u.verdict.verdict = (int32_t)v;
	m.u.verdict.line = line;
	m.u.verdict.at_ns = at > j->start_ns ? at - j->start_ns : 0;
	snprintf(m.u.verdict.cls, sizeof(m.u.verdict.cls), "%s",
		 j->cls ? j->cls : verdict_name(v));
	/* longer texts are cut, as the report's fields would cut them */
	snprintf(m.u.verdict.expected, sizeof(m.u.verdict.expected), "%.*s",
		 (int)sizeof(m.u.verdict.expected) - 1,
		 expected ? expected : "");
	snprintf(m.u.verdict.observed, sizeof(m.u.verdict.observed), "%.*s",
		 (int)sizeof(m.u.verdict.observed) - 1,
		 observed ? observed : "");
	job_send(j, &m);
	_exit(0);
}

/* An index the parser resolved: the job made the object before any step
 * refers to it (steps run in order), so it is in range. */
struct dev *job_dev(struct job *j, int ref)
{
	return ref >= 0 && (size_t)ref < j->n_devs ? &j->devs[ref] : NULL;
}

struct queue *job_queue(struct job *j, int ref)
{
	return ref >= 0 && (size_t)ref < j->n_queues ? &j->queues[ref] : NULL;
}

struct reader_rt *job_reader(struct job *j, int ref)
{
	return ref >= 0 && (size_t)ref < j->n_readers ? &j->readers[ref] : NULL;
}

int job_fail_step(struct job *j, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}
