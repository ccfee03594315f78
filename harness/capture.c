// SPDX-License-Identifier: MIT
/* pcap files of what crossed a job's tun fds, readable by Wireshark. */
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "capture.h"

#define CAPTURE_SNAPLEN 262144
#define PI_LEN		4

#define CAPTURE_RECORD_HDR 16 /* struct pcap_sf_pkthdr on disk */

struct capture {
	pcap_t *dead;
	pcap_dumper_t *dump;
	pthread_mutex_t lock;
	uint64_t max, written; /* bytes in the file; max 0 = no cap */
	bool full;
};

struct capture *capture_open(int fd, bool tap, uint64_t max_bytes)
{
	struct capture *c = calloc(1, sizeof(*c));
	FILE *f;

	if (!c)
		return NULL;
	c->max = max_bytes;
	c->written = 24; /* the file header */
	c->dead = pcap_open_dead(tap ? DLT_EN10MB : DLT_RAW, CAPTURE_SNAPLEN);
	f = c->dead ? fdopen(fd, "w") : NULL;
	c->dump = f ? pcap_dump_fopen(c->dead, f) : NULL;
	if (!c->dump) {
		if (f)
			fclose(f);
		if (c->dead)
			pcap_close(c->dead);
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void capture_packet(struct capture *c, const void *buf, size_t len, bool pi)
{
	struct pcap_pkthdr h = { 0 };

	if (!c || (pi && len < PI_LEN))
		return;
	if (pi) {
		buf = (const unsigned char *)buf + PI_LEN;
		len -= PI_LEN;
	}
	gettimeofday(&h.ts, NULL);
	h.len = (bpf_u_int32)len;
	h.caplen = (bpf_u_int32)(len < CAPTURE_SNAPLEN ? len : CAPTURE_SNAPLEN);
	pthread_mutex_lock(&c->lock);
	/* a backend flooding the tun must not fill the disk: stop at max */
	if (c->max && c->written + CAPTURE_RECORD_HDR + h.caplen > c->max) {
		c->full = true;
	} else {
		c->written += CAPTURE_RECORD_HDR + h.caplen;
		pcap_dump((u_char *)c->dump, &h, buf);
		/* the job may be killed at any moment: keep the file whole */
		pcap_dump_flush(c->dump);
	}
	pthread_mutex_unlock(&c->lock);
}

bool capture_full(struct capture *c)
{
	bool full;

	if (!c)
		return false;
	pthread_mutex_lock(&c->lock);
	full = c->full;
	pthread_mutex_unlock(&c->lock);
	return full;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_dump_close(c->dump);
	pcap_close(c->dead);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
