/* SPDX-License-Identifier: MIT */
/*
 * The guest -> host result channel of the kernel matrix: records on a
 * virtio-serial port, which QEMU writes into a file the host watches.
 * Both the guest's init (a separate static program) and the guest's
 * tuncheck write them; the host decodes them with channel_decode().
 *
 * A record is this header, then len bytes of payload.  Everything the
 * guest sends is checked by the host: the guest runs code under test.
 */
#ifndef TUNCHECK_VM_CHANNEL_H
#define TUNCHECK_VM_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#define CHANNEL_PORT	 "tuncheck.results" /* the virtserialport's name */
#define CHANNEL_MAGIC	 0x4d565454u	    /* "TTVM" */
#define CHANNEL_TEXT_MAX 4096

enum channel_type {
	CH_INIT = 1, /* init is up: text = its boot notes (modules, tun) */
	CH_START,    /* guest tuncheck: text = "RELEASE\tJOBS" */
	CH_JOB,	     /* one job's result: struct channel_job */
	CH_EXIT,     /* init: the guest tuncheck's wait status (int32) */
	CH_NOTE,     /* init or tuncheck: a remark for the report */
};

struct channel_hdr {
	uint32_t magic, type, len;
};

/* A job's result as the guest's tuncheck reports it. */
struct channel_job {
	uint32_t idx; /* position in the job list both sides build */
	char case_name[128], backend[64];
	int32_t verdict;
	uint32_t line, step;
	uint64_t at_ns, wall_ns;
	char cls[24];
	char expected[256];
	char observed[1024];
	char notes[512];
	char blocked[2048];
};

/* A decoded record: its type and payload (pointing into the buffer). */
struct channel_rec {
	uint32_t type, len;
	const unsigned char *p;
};

/*
 * Host side: the record at the start of buf[0..len) into *r.  Its size in
 * bytes (consume that many), 0 when it is not all there yet, or -EPROTO
 * when it is not ours (bad magic, a payload larger than any record): the
 * rest of the stream cannot be trusted.  Pure.
 */
long channel_decode(const void *buf, size_t len, struct channel_rec *r);
/* Terminate s (size bytes) and replace control bytes (UTF-8 kept). */
void channel_clean(char *s, size_t size);
/*
 * A CH_JOB payload into *cj, every string cleaned: 0, or -EPROTO when the
 * payload has the wrong size or the verdict is not one (verdict.h).
 */
int channel_job_decode(const struct channel_rec *r, struct channel_job *cj);

#endif
