/* SPDX-License-Identifier: MIT */
/*
 * The job -> runner channel: typed messages on a pipe.  The job (any of
 * its threads) sends; the runner decodes.  One module writes and reads
 * them, so both sides share one definition and nothing is formatted as
 * text to be parsed back.
 *
 * A message is a header (type, payload length) and its payload, sent with
 * one write() of at most PIPE_BUF bytes, so messages of different threads
 * never interleave.  The job runs untrusted code: the runner checks every
 * header and terminates every string it decodes.
 */
#ifndef TUNCHECK_PROTOCOL_H
#define TUNCHECK_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROTO_TEXT_MAX	   2048 /* note, blocked: bytes with the NUL */
#define PROTO_CLS_MAX	   24
#define PROTO_EXPECTED_MAX 256
#define PROTO_OBSERVED_MAX 1024

enum proto_type {
	MSG_STEP = 1, /* the step at this case line started */
	MSG_NOTE,     /* a remark for the report */
	MSG_BLOCKED,  /* after a snapshot request: where threads are */
	MSG_BENCH,    /* pingpong's figures */
	MSG_COUNTS,   /* the job's event totals, before its verdict */
	MSG_VERDICT,  /* the last message */
};

struct proto_bench {
	double rt_per_s;       /* round trips per second */
	double wakes_per_pkt;  /* backend wakes per reply */
	double p50_us, p99_us; /* write -> wake latency */
	int64_t n;	       /* round trips */
};

struct proto_counts {
	uint64_t wakes, reads; /* WAKE and READ events, all readers */
	int32_t first_err;     /* errno of the first ERROR event, 0 = none */
};

struct proto_verdict {
	int32_t verdict; /* enum verdict */
	uint32_t line;	 /* case line the verdict is about, 0 = none */
	uint64_t at_ns;	 /* from job start */
	char cls[PROTO_CLS_MAX];
	char expected[PROTO_EXPECTED_MAX];
	char observed[PROTO_OBSERVED_MAX];
};

struct proto_msg {
	enum proto_type type;
	union {
		uint32_t step;
		char text[PROTO_TEXT_MAX]; /* NOTE, BLOCKED */
		struct proto_bench bench;
		struct proto_counts counts;
		struct proto_verdict verdict;
	} u;
};

/* Bytes a decoder may need for one message: size its buffer at least so. */
#define PROTO_MSG_MAX (8 + sizeof(((struct proto_msg *)0)->u))

/* Job side: send m (one write()); 0 or -errno. */
int proto_send(int fd, const struct proto_msg *m);
/* Job side: a NOTE or BLOCKED message from printf arguments; 0 or -errno. */
int proto_sendf(int fd, enum proto_type type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Runner side: decode the message at the start of buf[0..len) into *m.
 * Returns its size in bytes (consume that many), 0 when it is not all
 * there yet, or -EPROTO when the header is not one a job sends (unknown
 * type, wrong payload size): the stream cannot be trusted after that.
 */
ssize_t proto_decode(const void *buf, size_t len, struct proto_msg *m);

#endif
