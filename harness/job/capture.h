/* SPDX-License-Identifier: MIT */
/* One pcap file per job (--pcap-dir), written with libpcap (dlopen). */
#ifndef TUNCHECK_CAPTURE_H
#define TUNCHECK_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

/*
 * Load libpcap (once, before the first job forks): 0, or -1 with the
 * reason in why.  Without it capture_open() fails.
 */
int capture_load(char *why, size_t size);

/*
 * Start a pcap on an already open fd (opened before the sandbox locks the
 * file system); tap selects Ethernet framing, else raw IP.  The file never
 * grows past max_bytes (0: no cap).  NULL on error.
 */
struct capture *capture_open(int fd, bool tap, uint64_t max_bytes);
/* Record one packet; thread-safe; skip: the bytes before the IP header or
 * the Ethernet frame (a tun_pi, a virtio_net_hdr), not recorded. */
void capture_packet(struct capture *c, const void *buf, size_t len,
		    size_t skip);
/* True once a packet was left out because of the cap; NULL-safe. */
bool capture_full(struct capture *c);
void capture_close(struct capture *c);

#endif
