/* SPDX-License-Identifier: MIT */
/*
 * Inside a job: the controller's state, shared by the files of job/ that
 * carry out the case's steps: devices and queues (device.c), readers
 * (reader.c), traffic (traffic.c), expectations (observe.c), with the
 * services of controller.c (messages, verdict, failures, look-ups);
 * job.c enters the sandbox and runs the steps in order.
 */
#ifndef TUNCHECK_CONTROLLER_H
#define TUNCHECK_CONTROLLER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "case.h"
#include "expect.h"
#include "packet.h"
#include "tun.h"
#include "verdict.h"
#include "protocol.h"
#include "timeline.h"
#include <tuncheck/backend.h>

struct job_opts; /* job.h */

#define SEND_ERRS_MAX 16 /* distinct errnos of one send step */

struct dev {
	const struct step *decl;
	int ifindex; /* 0 while it does not exist (persist=no, not yet) */
	uint64_t dropped_accounted;
	/* counters at the previous `expect T counter` on each (0: created) */
	uint64_t stats_base[STATS64_N];
	uint8_t mac[6]; /* a tap's own address (IFLA_ADDRESS) */
};

/* The TUNSETIFF options a `tun` step asks for (tun.h). */
struct tun_opts device_opts(const struct step *t);
/* What comes before the IP header on d's queues (packet.h PKT_*). */
unsigned dev_layout(const struct dev *d);

#define SNMP_BASES_MAX 32

/* An `expect snmp` counter's value when it was last expected. */
struct snmp_base {
	char name[48];
	uint64_t v;
};

struct queue {
	char name[CASE_NAME_MAX];
	int fd;
	struct dev *dev;
	bool ever_attached, closed;
	int reader; /* index of the reader on it, -1 = none */
};

struct reader_rt {
	struct tuncheck_reader r;
	struct job *job;
	const struct step *decl;
	int index;
	unsigned layout;       /* PKT_PI, PKT_ETH: its device's */
	const struct dev *dev; /* its queue's device */
	pthread_t thread;
	/* per expectation kind: first timeline index that counts */
	size_t cursor[EXPECT_LINK + 1];
	unsigned n_reads;    /* for drop-read injection */
	uint32_t ready_caps; /* READY's value: TUNCHECK_READY_* (atomic) */
	pid_t tid;	     /* its thread, and the program it started */
	pid_t exec_pid;	     /* (exec backends), for fault.c (atomic) */
	/* wait=step: waits the `wait` steps granted and not yet used; -1:
	 * no gating (wait=auto, or after `wait R count=all`) */
	pthread_mutex_t gate_lock;
	pthread_cond_t gate_cond;
	long grants;
	const char *params[CASE_MAX_PARAMS];
};

struct send_result {
	long total, ok;
	int errs[SEND_ERRS_MAX]; /* distinct errnos seen, with counts */
	long err_count[SEND_ERRS_MAX];
	size_t n_errs;
	unsigned line;
};

struct job {
	const struct case_file *c;
	const struct tuncheck_backend_ops *ops;
	const struct job_opts *o;
	int out_fd;
	struct nl *nl;
	struct timeline tl;
	uint64_t start_ns;
	struct dev devs[CASE_MAX_DEVICES];
	struct queue queues[CASE_MAX_QUEUES];
	struct reader_rt readers[CASE_MAX_READERS];
	size_t n_devs, n_queues, n_readers;
	struct send_result last_send;
	struct snmp_base snmp[SNMP_BASES_MAX];
	size_t n_snmp;
	/* the previous step's result, for `expect step` */
	struct {
		int err; /* positive errno, 0 = it succeeded */
		unsigned line;
		const struct step *step; /* the step itself */
		bool has_value;		 /* an ioctl read back `value` */
		long value;
		long len;		/* a read step's length, -1 = none */
		struct packet_info pkt; /* and what its packet says */
		char why[512];
	} last_step;
	bool xpass;
	unsigned xpass_line;
	char err[512];		    /* why a step could not run */
	const char *cls;	    /* failure class for the matrix */
	struct capture *pcap;	    /* --pcap-dir, from the first device on */
	bool pcap_tried;	    /* capture_open was called (once only) */
	struct proto_counts counts; /* every reader's, atomically */
	size_t flows_cursor;	    /* expect flows counts from here */
	/* called by job_finish before it sends the verdict (may itself end
	 * the job with another verdict) */
	void (*on_finish)(struct job *j, enum verdict v, unsigned line);
};

/* The running kernel's major.minor, and its release string. */
void kernel_version(unsigned v[2], char *rel, size_t size);
/* Send one message to the runner; a broken channel ends the job. */
void job_send(struct job *j, const struct proto_msg *m);
/* A NOTE for the report. */
void job_note(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Time t (CLOCK_MONOTONIC ns) since the job started, as "12.345ms". */
const char *job_ms(const struct job *j, uint64_t t, char *buf, size_t size);
/* A timeline log line at time t (CLOCK_MONOTONIC ns): "12.345ms TEXT". */
void job_log(struct job *j, uint64_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Send the event totals and the verdict, and end the process. */
void job_finish(struct job *j, enum verdict v, unsigned line, uint64_t at,
		const char *expected, const char *observed)
	__attribute__((noreturn));
/* A step could not run: the reason into j->err; returns -err. */
int job_fail_step(struct job *j, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The object a step refers to (struct step's ref, resolved by the
 * parser); NULL only if the job's tables and the parser disagree. */
struct dev *job_dev(struct job *j, int ref);
struct queue *job_queue(struct job *j, int ref);
struct reader_rt *job_reader(struct job *j, int ref);

/* Steps (one per directive that acts); 0 or -errno with j->err set. */
int step_tun(struct job *j, const struct step *s);
int step_open(struct job *j, const struct step *s);
int step_dup(struct job *j, const struct step *s);
int step_close(struct job *j, const struct step *s);
int step_link(struct job *j, const struct step *s);
int step_detach(struct job *j, const struct step *s);
int step_mtu(struct job *j, const struct step *s);
int step_sysctl(struct job *j, const struct step *s);
/* how: 0 TUNSETIFF the first time, TUNSETQUEUE after; 1 TUNSETIFF,
 * 2 TUNSETQUEUE (struct step's u.attach.how). */
int queue_attach(struct job *j, struct queue *q, int how);
/* After a TUNSETIFF on a queue of d: if it created the device (first time,
 * or after a delete), configure it as its tun line says. */
int dev_created(struct job *j, struct dev *d);
int step_ioctl(struct job *j, const struct step *s);
/* A tap with neigh=answer: if frame buf (read by rt) asks for the peer's
 * MAC (ARP request, neighbour solicitation), write the answer into rt's
 * queue, as the peer would (neigh.c). */
void neigh_answer(struct reader_rt *rt, const void *buf, size_t len);
int step_read(struct job *j, const struct step *s);
int step_reader(struct job *j, const struct step *s);
int step_rearm(struct job *j, const struct step *s);
/* exec's spawn hook: the program reader r started (fault.c needs it). */
void job_reader_spawned(struct tuncheck_reader *r, pid_t pid);
int step_wait(struct job *j, const struct step *s);
int step_send(struct job *j, const struct step *s);
int step_write(struct job *j, const struct step *s);
int step_pingpong(struct job *j, const struct step *s);
/* An expectation: waits, then passes or ends the job with its verdict. */
void step_expect(struct job *j, const struct step *s);
/* Expectations on kernel state (state.c): poll bits, carrier, operstate,
 * link flags, counters. */
enum expect_state expect_state_of(struct job *j, const struct expect *e,
				  struct expect_eval *x);

#endif
