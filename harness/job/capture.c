// SPDX-License-Identifier: MIT
/*
 * pcap files of what crossed a job's tun fds, readable by Wireshark.
 *
 * libpcap is loaded with dlopen() when a run asks for captures, not linked:
 * on Debian it brings eight more libraries (D-Bus, systemd, gcrypt, three
 * compressors...) into every process, and each job's forks copy all their
 * mappings, about 0.1 ms per job (tuncheck bench, per-job overhead).
 * systemd loads its optional libraries the same way.
 */
#include <dlfcn.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "capture.h"

#ifndef PCAP_SONAME
#define PCAP_SONAME "libpcap.so.0.8" /* Debian's; the Makefile says */
#endif

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

/* The libpcap functions we use, resolved by capture_load(). */
static struct {
	pcap_t *(*open_dead)(int, int);
	pcap_dumper_t *(*dump_fopen)(pcap_t *, FILE *);
	void (*dump)(u_char *, const struct pcap_pkthdr *, const u_char *);
	int (*dump_flush)(pcap_dumper_t *);
	void (*dump_close)(pcap_dumper_t *);
	void (*close)(pcap_t *);
} pcap;

int capture_load(char *why, size_t size)
{
	static const char *const names[] = {
		"pcap_open_dead",  "pcap_dump_fopen", "pcap_dump",
		"pcap_dump_flush", "pcap_dump_close", "pcap_close",
	};
	void *fn[sizeof(names) / sizeof(*names)];
	void *lib;

	if (pcap.close)
		return 0;
	lib = dlopen(PCAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(why, size, "cannot load libpcap: %s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		fn[i] = dlsym(lib, names[i]);
		if (!fn[i]) {
			snprintf(why, size, "%s has no %s", PCAP_SONAME,
				 names[i]);
			dlclose(lib);
			return -1;
		}
	}
	/* POSIX: function pointers convert to and from void * (dlsym) */
	memcpy(&pcap.open_dead, &fn[0], sizeof(fn[0]));
	memcpy(&pcap.dump_fopen, &fn[1], sizeof(fn[1]));
	memcpy(&pcap.dump, &fn[2], sizeof(fn[2]));
	memcpy(&pcap.dump_flush, &fn[3], sizeof(fn[3]));
	memcpy(&pcap.dump_close, &fn[4], sizeof(fn[4]));
	memcpy(&pcap.close, &fn[5], sizeof(fn[5]));
	return 0;
}

struct capture *capture_open(int fd, bool tap, uint64_t max_bytes)
{
	struct capture *c;
	FILE *f;

	if (!pcap.close)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->max = max_bytes;
	c->written = 24; /* the file header */
	c->dead = pcap.open_dead(tap ? DLT_EN10MB : DLT_RAW, CAPTURE_SNAPLEN);
	f = c->dead ? fdopen(fd, "w") : NULL;
	c->dump = f ? pcap.dump_fopen(c->dead, f) : NULL;
	if (!c->dump) {
		if (f)
			fclose(f);
		if (c->dead)
			pcap.close(c->dead);
		free(c);
		return NULL;
	}
	/* the header now: a job that writes and reads nothing, or is
	 * killed first, still leaves a valid (empty) capture */
	pcap.dump_flush(c->dump);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void capture_packet(struct capture *c, const void *buf, size_t len, size_t skip)
{
	struct pcap_pkthdr h = { 0 };

	if (!c || len < skip)
		return;
	buf = (const unsigned char *)buf + skip;
	len -= skip;
	gettimeofday(&h.ts, NULL);
	h.len = (bpf_u_int32)len;
	h.caplen = (bpf_u_int32)(len < CAPTURE_SNAPLEN ? len : CAPTURE_SNAPLEN);
	pthread_mutex_lock(&c->lock);
	/* a backend flooding the tun must not fill the disk: stop at max */
	if (c->max && c->written + CAPTURE_RECORD_HDR + h.caplen > c->max) {
		c->full = true;
	} else {
		c->written += CAPTURE_RECORD_HDR + h.caplen;
		pcap.dump((u_char *)c->dump, &h, buf);
		/* the job may be killed at any moment: keep the file whole */
		pcap.dump_flush(c->dump);
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
	pcap.dump_close(c->dump);
	pcap.close(c->dead);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
