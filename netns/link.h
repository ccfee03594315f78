/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink through libmnl: link state, MTU, addresses, counters.  Every
 * request is NLM_F_REQUEST|NLM_F_ACK with NETLINK_CAP_ACK/EXT_ACK; extack
 * text ends up in nl_error().  nl_open() refuses outside the sandbox.
 */
#ifndef TUNCHECK_LINK_H
#define TUNCHECK_LINK_H

#include <limits.h>
#include <linux/if_link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl;

/* Open a route netlink socket; NULL with errno=EPERM outside the sandbox. */
struct nl *nl_open(void);
void nl_close(struct nl *nl);
/* Last error text: call, object, errno and the kernel's extack message. */
const char *nl_error(const struct nl *nl);

struct link_info {
	int ifindex;
	unsigned flags;	   /* IFF_* from ifinfomsg */
	uint8_t operstate; /* IF_OPER_* */
	int carrier;	   /* IFLA_CARRIER: 0, 1, or -1 if not reported */
	bool has_addr;	   /* IFLA_ADDRESS of 6 bytes (Ethernet, a tap) */
	uint8_t addr[6];
	unsigned mtu, txqlen;
	bool has_stats;
	struct rtnl_link_stats64 stats;
};

int link_index(struct nl *nl, const char *name); /* ifindex or -errno */
int link_set_up(struct nl *nl, int ifindex, bool up);
/* Bring the namespace's loopback up: 0 or -errno (nl_error says why). */
int link_lo_up(struct nl *nl);
int link_set_mtu(struct nl *nl, int ifindex, unsigned mtu);
int link_set_txqlen(struct nl *nl, int ifindex, unsigned txqlen);
int link_delete(struct nl *nl, int ifindex);
/* IFLA_CARRIER: the driver's ndo_change_carrier (tun: 5.0+). */
int link_set_carrier(struct nl *nl, int ifindex, bool on);
/* Set or clear one ifi_flags bit the kernel lets change (IFF_MULTICAST,
 * IFF_NOARP, IFF_PROMISC, ...). */
int link_set_flag(struct nl *nl, int ifindex, unsigned flag, bool on);
int link_get(struct nl *nl, int ifindex, struct link_info *out);
/* Would a packet to addr coming in on ifindex be delivered locally (the
 * input route is RTN_LOCAL)?  1, 0 (no route, or not local), or -errno. */
int addr_is_local(struct nl *nl, int ifindex, int family, const void *addr);
/* A permanent neighbour entry: addr (4 or 16 bytes) is at mac. */
int neigh_add(struct nl *nl, int ifindex, int family, const void *addr,
	      const uint8_t mac[6]);
/* family AF_INET/AF_INET6, addr 4 or 16 bytes, IFA_F_NODAD for IPv6. */
int addr_add(struct nl *nl, int ifindex, int family, const void *addr,
	     unsigned prefix);

/*
 * Message builders, exported for the unit tests: each writes one complete
 * request into buf (MNL_SOCKET_BUFFER_SIZE bytes) and returns its length,
 * or 0 if the arguments cannot make a request.  link_msg_setlink() leaves
 * IFF_UP alone when up < 0 and MTU/txqlen alone when they are LINK_KEEP.
 */
#define LINK_KEEP UINT_MAX
size_t link_msg_setlink(void *buf, uint32_t seq, int ifindex, int up,
			unsigned mtu, unsigned txqlen);
size_t link_msg_setflag(void *buf, uint32_t seq, int ifindex, unsigned flag,
			bool on);
size_t link_msg_setcarrier(void *buf, uint32_t seq, int ifindex, bool on);
size_t neigh_msg_new(void *buf, uint32_t seq, int ifindex, int family,
		     const void *addr, const uint8_t mac[6]);
size_t route_msg_get(void *buf, uint32_t seq, int family, const void *addr,
		     int iif);
size_t link_msg_dellink(void *buf, uint32_t seq, int ifindex);
size_t link_msg_getlink(void *buf, uint32_t seq, int ifindex);
size_t link_msg_getlink_name(void *buf, uint32_t seq, const char *name);
size_t addr_msg_newaddr(void *buf, uint32_t seq, int ifindex, int family,
			const void *addr, unsigned prefix);
/* Parse an RTM_NEWLINK reply into out: 0 or -EINVAL. */
int link_msg_parse(const void *nlh, size_t len, struct link_info *out);
/*
 * Parse an NLMSG_ERROR: 0 for an ACK, the kernel's -errno, or -EBADMSG if
 * malformed; ext gets the extack message (NLMSGERR_ATTR_MSG) or "".
 */
int link_msg_parse_ack(const void *nlh, size_t len, char *ext, size_t size);

/*
 * Write /proc/sys/KEY (dots become slashes); refuses (-EPERM) outside the
 * sandbox and for keys outside net.*, which are the host's even in there.
 */
int sysctl_set(const char *key, const char *value);

#endif
