// SPDX-License-Identifier: MIT
/*
 * pcapng files of what crossed a job's tun fds, for Wireshark, tshark and
 * tcpdump: one section, one interface (raw IP, or Ethernet for a tap),
 * then one Enhanced Packet Block per packet, with its direction
 * (epb_flags: inbound = written into the tun, the interface received it;
 * outbound = read from the tun, the interface sent it) and a comment
 * saying who wrote or read it, at which case line, and what write()
 * returned.  Timestamps in nanoseconds, taken under the file's lock, so
 * the packets are in time order.
 *
 * Written here, not with libpcap: libpcap writes only pcap files, which
 * have no direction and no comment (it reads pcapng, and the unit test
 * reads our files back with it).  The format is a few fixed blocks
 * (pcapng, draft-ietf-opsawg-pcapng).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

#define CAPTURE_SNAPLEN 262144
#define COMMENT_MAX	200

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u

#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW	  101

struct capture {
	int fd;
	pthread_mutex_t lock;
	uint64_t max, written; /* bytes in the file; max 0 = no cap */
	bool full, broken, tap;
	unsigned char *blk; /* one block, built under the lock */
};

/* Block builder: fields appended at *off, 32-bit aligned. */
static void put(unsigned char *b, size_t *off, const void *p, size_t n)
{
	memcpy(b + *off, p, n);
	*off += n;
	while (*off % 4)
		b[(*off)++] = 0;
}

static void put32(unsigned char *b, size_t *off, uint32_t v)
{
	put(b, off, &v, 4);
}

/* An option: code, length, value padded to 4. */
static void put_opt(unsigned char *b, size_t *off, uint16_t code, const void *v,
		    uint16_t len)
{
	uint16_t h[2] = { code, len };

	memcpy(b + *off, h, 4);
	*off += 4;
	put(b, off, v, len);
}

/* Close the block begun at 0: its length at both ends; write it whole. */
static int block_write(struct capture *c, size_t len)
{
	uint32_t total = (uint32_t)len + 4;
	size_t done = 0;

	memcpy(c->blk + 4, &total, 4);
	memcpy(c->blk + len, &total, 4);
	while (done < total) {
		ssize_t n = write(c->fd, c->blk + done, total - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* EFBIG past --max-file-size, a full disk */
		done += (size_t)n;
	}
	c->written += total;
	return 0;
}

struct capture *capture_open(int fd, bool tap, uint64_t max_bytes)
{
	static const char app[] = "tuncheck", ifname[] = "tun";
	const uint32_t bom = 0x1A2B3C4D;
	const uint16_t version[2] = { 1, 0 },
		       link[2] = { tap ? LINKTYPE_ETHERNET : LINKTYPE_RAW, 0 };
	const int64_t unknown = -1;
	const unsigned char ns = 9; /* if_tsresol: 10^-9 s */
	struct capture *c = calloc(1, sizeof(*c));
	size_t off = 0;

	if (!c || !(c->blk = malloc(CAPTURE_SNAPLEN + COMMENT_MAX + 64))) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	c->max = max_bytes;
	c->tap = tap;
	pthread_mutex_init(&c->lock, NULL);
	/* the section and the interface now: a job that writes and reads
	 * nothing, or is killed first, still leaves a valid capture */
	put32(c->blk, &off, BT_SHB);
	put32(c->blk, &off, 0);
	put32(c->blk, &off, bom);
	put(c->blk, &off, version, 4);
	put(c->blk, &off, &unknown, 8);
	put_opt(c->blk, &off, 4, app, sizeof(app) - 1); /* shb_userappl */
	put32(c->blk, &off, 0);				/* opt_endofopt */
	if (block_write(c, off) < 0)
		goto fail;
	off = 0;
	put32(c->blk, &off, BT_IDB);
	put32(c->blk, &off, 0);
	put(c->blk, &off, link, 4);
	put32(c->blk, &off, CAPTURE_SNAPLEN);
	put_opt(c->blk, &off, 2, ifname, sizeof(ifname) - 1); /* if_name */
	put_opt(c->blk, &off, 9, &ns, 1);		      /* if_tsresol */
	put32(c->blk, &off, 0);
	if (block_write(c, off) < 0)
		goto fail;
	return c;
fail:
	/* the fd stays the caller's: the job closes nothing it did not open */
	pthread_mutex_destroy(&c->lock);
	free(c->blk);
	free(c);
	return NULL;
}

/*
 * The packet's length on the wire, from its IP header, when a read cut it
 * short (a buffer smaller than the packet: tun_put_user() copies what
 * fits): pcapng's original length, so Wireshark says "cut short".
 */
static uint32_t wire_len(const struct capture *c, const unsigned char *p,
			 size_t len)
{
	size_t ip = c->tap ? 14 : 0, tot = 0;

	if (c->tap && (len < 14 || p[12] != 0x08 || p[13] != 0x00) &&
	    (len < 14 || p[12] != 0x86 || p[13] != 0xdd))
		return (uint32_t)len;
	if (len >= ip + 4 && p[ip] >> 4 == 4)
		tot = (size_t)p[ip + 2] << 8 | p[ip + 3];
	else if (len >= ip + 6 && p[ip] >> 4 == 6)
		tot = ((size_t)p[ip + 4] << 8 | p[ip + 5]) + 40;
	tot += ip;
	return (uint32_t)(tot > len ? tot : len);
}

void capture_packet(struct capture *c, const void *buf, size_t len, size_t skip,
		    enum capture_dir dir, const char *comment)
{
	struct timespec ts;
	uint64_t t;
	uint32_t caplen, flags = (uint32_t)dir;
	size_t off = 0, clen = comment ? strnlen(comment, COMMENT_MAX) : 0;

	if (!c || len < skip)
		return;
	buf = (const unsigned char *)buf + skip;
	len -= skip;
	caplen = (uint32_t)(len < CAPTURE_SNAPLEN ? len : CAPTURE_SNAPLEN);
	pthread_mutex_lock(&c->lock);
	/* stamped under the lock: packets are in the file in time order */
	clock_gettime(CLOCK_REALTIME, &ts);
	t = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	put32(c->blk, &off, BT_EPB);
	put32(c->blk, &off, 0);
	put32(c->blk, &off, 0); /* interface 0 */
	put32(c->blk, &off, (uint32_t)(t >> 32));
	put32(c->blk, &off, (uint32_t)t);
	put32(c->blk, &off, caplen);
	put32(c->blk, &off, wire_len(c, buf, len));
	put(c->blk, &off, buf, caplen);
	put_opt(c->blk, &off, 2, &flags, 4); /* epb_flags: direction */
	if (clen)
		put_opt(c->blk, &off, 1, comment, (uint16_t)clen);
	put32(c->blk, &off, 0);
	/* a backend flooding the tun must not fill the disk: stop at max */
	if (c->broken || (c->max && c->written + off + 4 > c->max))
		c->full = true;
	else if (block_write(c, off) < 0)
		c->broken = c->full = true; /* a torn block ends the file */
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
	close(c->fd);
	pthread_mutex_destroy(&c->lock);
	free(c->blk);
	free(c);
}
