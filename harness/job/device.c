// SPDX-License-Identifier: MIT
/*
 * Devices and queues of a job: create, open, attach, detach, dup, close,
 * link, mtu; and the namespace's sysctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "packet.h"
#include "controller.h"
#include "job.h"
#include "link.h"
#include "tun.h"

/* The ioctl flags a `tun` step asks for, for TUNSETIFF. */
struct tun_opts device_opts(const struct step *t)
{
	return (struct tun_opts){
		.tap = t->u.tun.tap,
		.pi = t->u.tun.pi,
		.multi_queue = t->u.tun.multi_queue,
		.no_carrier = t->u.tun.no_carrier,
		.vnet_hdr = t->u.tun.vnet_hdr,
	};
}

unsigned dev_layout(const struct dev *d)
{
	return (d->decl->u.tun.pi ? PKT_PI : 0) |
	       (d->decl->u.tun.tap ? PKT_ETH : 0) |
	       (d->decl->u.tun.vnet_hdr ? PKT_VNET : 0);
}

/*
 * A tap: learn its MAC (frames sent into it go there), and with
 * neigh=static give the kernel the peer's, so traffic to the peer needs
 * no ARP or ND (permanent neighbour entries, as `ip neigh replace`).
 */
static int dev_configure_tap(struct job *j, struct dev *d)
{
	const struct step *s = d->decl;
	const struct case_addr *peers[] = { &s->u.tun.peer4, &s->u.tun.peer6 };
	struct link_info li;
	int ret = link_get(j->nl, d->ifindex, &li);

	if (ret < 0 || !li.has_addr)
		return job_fail_step(j, ret < 0 ? ret : EINVAL,
				     "%s: no Ethernet address: %s", s->name,
				     ret < 0 ? nl_error(j->nl) : "none");
	memcpy(d->mac, li.addr, 6);
	for (size_t i = 0; s->u.tun.neigh == NEIGH_STATIC && i < 2; i++) {
		if (!peers[i]->family)
			continue;
		ret = neigh_add(j->nl, d->ifindex, peers[i]->family,
				&peers[i]->a, s->u.tun.peer_mac);
		if (ret < 0)
			return job_fail_step(j, ret, "%s", nl_error(j->nl));
	}
	return 0;
}

/* A device that now exists as ifindex: configured as its tun line says
 * (no IPv6 unless asked, MTU, txqlen, addresses); counters start at 0. */
static int dev_configure(struct job *j, struct dev *d, int ifindex)
{
	const struct step *s = d->decl;
	char key[128];
	int ret;

	d->ifindex = ifindex;
	d->dropped_accounted = 0;
	memset(d->stats_base, 0, sizeof(d->stats_base));
	/* off unless asked; on explicitly, since the namespace's default
	 * may be off from an earlier device */
	snprintf(key, sizeof(key), "net.ipv6.conf.%s.disable_ipv6", s->name);
	ret = sysctl_set(key, s->u.tun.ipv6 ? "0" : "1");
	if (ret < 0)
		return job_fail_step(j, ret, "sysctl %s: %s", key,
				     strerror(-ret));
	if (s->u.tun.mtu &&
	    (ret = link_set_mtu(j->nl, d->ifindex, s->u.tun.mtu)) < 0)
		return job_fail_step(j, ret, "%s", nl_error(j->nl));
	if (s->u.tun.txqlen &&
	    (ret = link_set_txqlen(j->nl, d->ifindex, s->u.tun.txqlen)) < 0)
		return job_fail_step(j, ret, "%s", nl_error(j->nl));
	for (size_t i = 0; i < s->u.tun.n_addr; i++) {
		const struct case_addr *a = &s->u.tun.addr[i];

		ret = addr_add(j->nl, d->ifindex, a->family, &a->a, a->prefix);
		if (ret < 0)
			return job_fail_step(j, ret, "%s", nl_error(j->nl));
	}
	return s->u.tun.tap ? dev_configure_tap(j, d) : 0;
}

int dev_created(struct job *j, struct dev *d)
{
	unsigned ifindex = if_nametoindex(d->decl->name);

	if (!ifindex)
		return job_fail_step(j, errno, "%s after TUNSETIFF: %s",
				     d->decl->name, strerror(errno));
	return (int)ifindex == d->ifindex ? 0
					  : dev_configure(j, d, (int)ifindex);
}

int step_tun(struct job *j, const struct step *s)
{
	const struct tun_opts o = device_opts(s);
	/* the slot first: the parser's indices count it even if this fails
	 * (a case may go on after an `expect step`) */
	struct dev *d = &j->devs[j->n_devs++];
	int ret;

	*d = (struct dev){ .decl = s, .ifindex = 0 };
	/* before the device exists: no SLAAC, RS or MLD unless asked */
	if (!s->u.tun.ipv6)
		sysctl_set("net.ipv6.conf.default.disable_ipv6", "1");
	/* one link type per file: the first device's */
	if (j->o->pcap_fd >= 0 && !j->pcap && !j->pcap_tried) {
		j->pcap_tried = true; /* a failed open is not retried */
		j->pcap = capture_open(j->o->pcap_fd, s->u.tun.tap,
				       j->o->pcap_max);
	}
	/* persist=no: the first TUNSETIFF creates it, as programs do */
	if (s->u.tun.transient)
		return 0;
	ret = tun_device_create(s->name, &o);
	if (ret < 0)
		return job_fail_step(j, ret, "create tun %s: %s", s->name,
				     strerror(-ret));
	return dev_configure(j, d, ret);
}

int queue_attach(struct job *j, struct queue *q, int how)
{
	const struct step *t = q->dev->decl;
	const struct tun_opts o = device_opts(t);
	bool setiff = how == 1 || (how == 0 && !q->ever_attached);
	int ret;

	ret = setiff ? tun_queue_setiff(q->fd, t->name, &o)
		     : tun_queue_attach(q->fd);
	if (ret < 0)
		return job_fail_step(j, ret, "%s %s to %s: %s",
				     setiff ? "TUNSETIFF" : "TUNSETQUEUE",
				     q->name, t->name, strerror(-ret));
	q->ever_attached = true;
	return setiff ? dev_created(j, q->dev) : 0;
}

int step_open(struct job *j, const struct step *s)
{
	/* the slot first, unusable (closed) until the fd is there */
	struct queue *q = &j->queues[j->n_queues++];
	int fd;

	*q = (struct queue){ .fd = -1,
			     .closed = true,
			     .reader = -1,
			     .dev = job_dev(j, s->ref.dev) };
	snprintf(q->name, sizeof(q->name), "%s", s->name);
	fd = tun_queue_open();
	if (fd < 0)
		return job_fail_step(j, fd, "open /dev/net/tun for %s: %s",
				     s->name, strerror(-fd));
	q->fd = fd;
	q->closed = false;
	return s->u.open.attach ? queue_attach(j, q, 0) : 0;
}

int step_dup(struct job *j, const struct step *s)
{
	struct queue *q = job_queue(j, s->ref.queue);
	/* the slot first, unusable (closed) until the fd is there */
	struct queue *d = &j->queues[j->n_queues++];
	int fd = fcntl(q->fd, F_DUPFD_CLOEXEC, 3);

	*d = (struct queue){ .fd = -1, .closed = true, .reader = -1 };
	snprintf(d->name, sizeof(d->name), "%s", s->name2);
	if (fd < 0)
		return job_fail_step(j, errno, "dup %s: %s", q->name,
				     strerror(errno));
	d->fd = fd;
	d->dev = q->dev;
	d->ever_attached = q->ever_attached;
	d->closed = false;
	return 0;
}

/* Close from the controller: the backend's own close hook if it has one. */
int step_close(struct job *j, const struct step *s)
{
	struct queue *q = job_queue(j, s->ref.queue);
	int ret = 0;

	if (q->reader >= 0 && j->ops->close)
		ret = j->ops->close(&j->readers[q->reader].r);
	else if (close(q->fd) < 0)
		ret = -errno;
	q->closed = true;
	if (ret < 0)
		return job_fail_step(j, ret, "close %s: %s", q->name,
				     strerror(-ret));
	return 0;
}

int step_link(struct job *j, const struct step *s)
{
	struct dev *d = job_dev(j, s->ref.dev);
	int ret;

	switch (s->u.link.op) {
	case LINK_UP:
	case LINK_DOWN:
		ret = link_set_up(j->nl, d->ifindex, s->u.link.op == LINK_UP);
		break;
	case LINK_CARRIER:
		ret = link_set_carrier(j->nl, d->ifindex, s->u.link.on);
		break;
	case LINK_MULTICAST:
		ret = link_set_flag(j->nl, d->ifindex, IFF_MULTICAST,
				    s->u.link.on);
		break;
	case LINK_ARP:
		ret = link_set_flag(j->nl, d->ifindex, IFF_NOARP,
				    !s->u.link.on);
		break;
	case LINK_TXQLEN:
		ret = link_set_txqlen(j->nl, d->ifindex, s->u.link.txqlen);
		break;
	default:
		ret = link_delete(j->nl, d->ifindex);
		break;
	}
	return ret < 0 ? job_fail_step(j, ret, "%s", nl_error(j->nl)) : 0;
}

int step_detach(struct job *j, const struct step *s)
{
	int ret = tun_queue_detach(job_queue(j, s->ref.queue)->fd);

	return ret < 0 ? job_fail_step(j, ret, "detach %s: %s", s->name,
				       strerror(-ret))
		       : 0;
}

int step_mtu(struct job *j, const struct step *s)
{
	int ret = link_set_mtu(j->nl, job_dev(j, s->ref.dev)->ifindex,
			       s->u.mtu.mtu);

	return ret < 0 ? job_fail_step(j, ret, "%s", nl_error(j->nl)) : 0;
}

int step_sysctl(struct job *j, const struct step *s)
{
	int ret = sysctl_set(s->u.sysctl.key, s->u.sysctl.value);

	return ret < 0 ? job_fail_step(j, ret, "sysctl %s=%s: %s",
				       s->u.sysctl.key, s->u.sysctl.value,
				       strerror(-ret))
		       : 0;
}
