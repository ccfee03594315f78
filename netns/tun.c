// SPDX-License-Identifier: MIT
/*
 * TUN/TAP devices and queue fds.  Everything here refuses to act outside
 * the sandbox, so a TUNSETIFF can never create a device on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "userns.h"
#include "tun.h"

static const char TUN_PATH[] = "/dev/net/tun";

/* Open a fresh, unattached queue fd. */
int tun_queue_open(void)
{
	int fd;

	if (!userns_entered())
		return -EPERM;
	fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* ioctl with a struct ifreq; 0 or -errno. */
static int tun_queue_ioctl(int fd, unsigned long req, struct ifreq *ifr)
{
	return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

unsigned tun_opts_flags(const struct tun_opts *o)
{
	unsigned f = o->tap ? IFF_TAP : IFF_TUN;

	if (!o->pi)
		f |= IFF_NO_PI;
	if (o->multi_queue)
		f |= IFF_MULTI_QUEUE;
	if (o->no_carrier)
		f |= IFF_NO_CARRIER;
	if (o->vnet_hdr)
		f |= IFF_VNET_HDR;
	return f;
}

/* TUNSETIFF with these flags: create device `name` or attach to it. */
int tun_queue_setiff_flags(int fd, const char *name, unsigned flags)
{
	struct ifreq ifr;

	if (!userns_entered())
		return -EPERM;
	if (!name[0] || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	ifr.ifr_flags = (short)flags;
	return tun_queue_ioctl(fd, TUNSETIFF, &ifr);
}

/* TUNSETIFF: create device `name` or attach to it with the same flags. */
int tun_queue_setiff(int fd, const char *name, const struct tun_opts *o)
{
	return tun_queue_setiff_flags(fd, name, tun_opts_flags(o));
}

int tun_queue_ioctl_raw(int fd, unsigned long req, void *arg)
{
	int ret;

	if (!userns_entered())
		return -EPERM;
	ret = ioctl(fd, req, arg);
	return ret < 0 ? -errno : ret;
}

/* TUNSETPERSIST on the device fd is attached to. */
int tun_queue_persist(int fd, bool on)
{
	if (!userns_entered())
		return -EPERM;
	return ioctl(fd, TUNSETPERSIST, (unsigned long)on) < 0 ? -errno : 0;
}

/* Re-enable a queue of a multi-queue device (TUNSETQUEUE). */
int tun_queue_attach(int fd)
{
	struct ifreq ifr;

	if (!userns_entered())
		return -EPERM;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_ATTACH_QUEUE;
	return tun_queue_ioctl(fd, TUNSETQUEUE, &ifr);
}

/* Disable a queue of a multi-queue device; the fd stays open. */
int tun_queue_detach(int fd)
{
	struct ifreq ifr;

	if (!userns_entered())
		return -EPERM;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_DETACH_QUEUE;
	return tun_queue_ioctl(fd, TUNSETQUEUE, &ifr);
}

/* Create a persistent device through a throw-away queue; its ifindex. */
int tun_device_create(const char *name, const struct tun_opts *o)
{
	unsigned ifindex;
	int fd, ret;

	fd = tun_queue_open();
	if (fd < 0)
		return fd;
	ret = tun_queue_setiff(fd, name, o);
	if (ret < 0)
		goto close_fd;
	/*
	 * Closing the last queue of a non-persistent device unregisters it
	 * synchronously (__tun_detach -> unregister_netdevice, then
	 * netdev_run_todo waits for RCU), tens of ms.  Persistent, the
	 * device goes with the namespace, in cleanup_net's workqueue.
	 */
	ret = tun_queue_persist(fd, true);
	if (ret < 0)
		goto close_fd;
	ifindex = if_nametoindex(name);
	ret = ifindex ? (int)ifindex : -errno;
close_fd:
	close(fd);
	return ret;
}
