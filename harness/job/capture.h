/* SPDX-License-Identifier: MIT */
/* One pcapng file per job (--pcap-dir): direction and a comment per packet. */
#ifndef TUNCHECK_CAPTURE_H
#define TUNCHECK_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

/* epb_flags' direction, seen from the tun interface. */
enum capture_dir {
	CAPTURE_IN = 1,	 /* written into the fd: the interface received it */
	CAPTURE_OUT = 2, /* read from the fd: the interface sent it */
};

/*
 * Start a pcapng on an already open fd (opened before the sandbox locks
 * the file system; closed by capture_close; on error left open); tap selects
 * Ethernet framing, else raw IP.  The file never grows past max_bytes (0:
 * no cap).  NULL on error.
 */
struct capture *capture_open(int fd, bool tap, uint64_t max_bytes);
/* Record one packet; thread-safe; skip: the bytes before the IP header or
 * the Ethernet frame (a tun_pi, a virtio_net_hdr), not recorded; comment:
 * who wrote or read it, its case line, the write's result (or NULL). */
void capture_packet(struct capture *c, const void *buf, size_t len, size_t skip,
		    enum capture_dir dir, const char *comment);
/* True once a packet was left out because of the cap; NULL-safe. */
bool capture_full(struct capture *c);
void capture_close(struct capture *c);

#endif
