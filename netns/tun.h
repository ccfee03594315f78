/* SPDX-License-Identifier: MIT */
/* TUN/TAP devices and their queue fds (ioctls on /dev/net/tun). */
#ifndef TUNCHECK_TUN_H
#define TUNCHECK_TUN_H

#include <stdbool.h>

struct tun_opts {
	bool tap;	  /* IFF_TAP instead of IFF_TUN */
	bool pi;	  /* keep the 4-byte packet information header */
	bool multi_queue; /* IFF_MULTI_QUEUE */
	bool no_carrier;  /* IFF_NO_CARRIER: a new device starts without */
	bool vnet_hdr;	  /* IFF_VNET_HDR: a virtio_net_hdr per packet */
};

/*
 * Create device `name` as a persistent device (TUNSETPERSIST) through a
 * throw-away queue, so its lifetime is the namespace's and no job pays the
 * synchronous unregister on close.  Returns ifindex or -errno.
 */
int tun_device_create(const char *name, const struct tun_opts *o);

/* open("/dev/net/tun", O_RDWR|O_CLOEXEC): fd or -errno. */
int tun_queue_open(void);

/* TUNSETIFF: attach a never-attached fd to device `name`. 0 or -errno. */
int tun_queue_setiff(int fd, const char *name, const struct tun_opts *o);

/* TUNSETPERSIST on the device fd is attached to: 0 or -errno. */
int tun_queue_persist(int fd, bool on);

/* The TUNSETIFF flags of o (IFF_TUN/TAP, NO_PI, MULTI_QUEUE, ...). */
unsigned tun_opts_flags(const struct tun_opts *o);
/* TUNSETIFF with explicit flags: 0 or -errno. */
int tun_queue_setiff_flags(int fd, const char *name, unsigned flags);
/* Any ioctl on a queue fd, inside the sandbox only: its result or -errno. */
int tun_queue_ioctl_raw(int fd, unsigned long req, void *arg);

/* TUNSETQUEUE IFF_ATTACH_QUEUE / IFF_DETACH_QUEUE (multi-queue). */
int tun_queue_attach(int fd);
int tun_queue_detach(int fd);

#endif
