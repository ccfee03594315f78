/* SPDX-License-Identifier: MIT */
/*
 * The parent side: one process per job in its own process group, at most
 * `parallel` at once, each bounded by a hard deadline (pidfd + poll, then
 * SIGKILL of the group).  Results arrive as the job streams them.
 */
#ifndef TUNCHECK_RUNNER_H
#define TUNCHECK_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "case.h"
#include "job.h"
#include "protocol.h"
#include "sandbox.h"

#define RUNNER_LOG_MAX (4 << 20) /* bytes of a job's log kept for --html */

struct job_result {
	enum verdict v;
	unsigned line;	  /* case line the verdict is about, 0 = none */
	unsigned step;	  /* line of the last step started */
	uint64_t at_ns;	  /* when, from job start */
	uint64_t wall_ns; /* job wall time, fork to reap */
	char cls[24];	  /* failure class: count, lost-wakeup, hang, ... */
	char expected[256];
	char observed[1024];
	char notes[512];    /* the job's notes, joined with "; " */
	char blocked[2048]; /* on timeout: threads blocked in, pollers */
	/* the end of what the job's code printed (a plugin's stdout and
	 * stderr, an exec program's stderr and `#` lines), cleaned */
	char output[2048];
	bool has_counts, has_bench;
	struct proto_counts counts; /* event totals (compare) */
	struct proto_bench bench;   /* pingpong's figures (bench) */
};

/* Where a job is; runner_run moves it along, in this order. */
enum job_state {
	JOB_PENDING, /* not started */
	JOB_RUNNING, /* forked, no verdict yet */
	JOB_VERDICT, /* its verdict arrived; not reaped yet */
	JOB_SETTLED, /* reaped, or settled without running (skipped) */
};

struct job_spec {
	const struct case_file *c;
	const struct tuncheck_backend_ops *ops;
	const char *kernel; /* --kernel's name for it, NULL = no --kernel */
	unsigned rep;	    /* --repeat: its run, 1..N; 0 = not repeated */
	struct job_result res;
	/* runner state */
	pid_t pid;
	int pidfd, out_fd;
	int snap_fd;  /* write a byte: the job answers "blocked ..." */
	int stdio_fd; /* the job's stdout+stderr (a memfd or its .out), -1 */
	int log_fd;   /* keep_log: its timeline log (memfd or .log), -1 */
	char *log;    /* keep_log: that log once reaped (malloc), or NULL */
	size_t log_len;
	bool log_cut; /* longer than RUNNER_LOG_MAX: the rest is not kept */
	uint64_t started_ns; /* when it was forked (CLOCK_MONOTONIC) */
	uint64_t deadline;
	uint64_t kill_at; /* after asking for a snapshot, 0 = not asked */
	unsigned char buf[2 * PROTO_MSG_MAX];
	size_t buf_len;
	enum job_state state;
	bool out_eof;
	bool out_bad;	   /* a malformed message: the rest is ignored */
	struct sandbox sb; /* its processes (sb.pid == pid); PID 1 is
			      reaped after the job, once sb.init > 0 */
};

struct runner_opts {
	unsigned parallel;
	struct job_opts job;
	const char *log_dir;	   /* one timeline file per job, or NULL */
	const char *pcap_dir;	   /* one pcap file per job, or NULL */
	bool keep_log;		   /* --html: read every job's log back */
	bool exitfirst;		   /* -x: no new job after a failure */
	int log_dirfd, pcap_dirfd; /* outdir_open()ed, when the name is set */
	/* Set by runner_run when SIGINT, SIGTERM or SIGHUP stopped the run. */
	int interrupted;
	/* Called in the parent each time a job ends (any order). */
	void (*on_done)(struct job_spec *jobs, size_t n, size_t idx, void *arg);
	void *arg;
};

/* The job's file name in an output directory (outdir_job_name). */
const char *runner_job_name(const struct job_spec *js, const char *ext,
			    char *buf, size_t size);

/*
 * Run every job; returns 0 or -errno if the runner itself failed.  On
 * SIGINT, SIGTERM or SIGHUP it kills every running job's process group,
 * marks each unfinished job VERDICT_INTERRUPTED and returns 0 with
 * o->interrupted set to the signal.
 */
int runner_run(struct job_spec *jobs, size_t n, struct runner_opts *o);

/*
 * From now on SIGINT, SIGTERM and SIGHUP stop the run instead of killing
 * the process (runner_run does this itself; the kernel matrix calls it
 * before booting guests); runner_stopped() is the signal, 0 = none.
 */
void runner_catch_signals(void);
int runner_stopped(void);
/*
 * Settle every unsettled job as interrupted by sig (running ones are
 * killed and reaped first).  No on_done: the run ends with "Bail out!".
 */
void runner_interrupt(struct job_spec *jobs, size_t n, int sig);

/*
 * Settle jobs without running them: verdict skip with this reason (no
 * sandbox possible here, or a `backends` line excluding the backend).
 * runner_run leaves settled jobs alone.
 */
void runner_skip_all(struct job_spec *jobs, size_t n, const char *why);

#endif
