// SPDX-License-Identifier: MIT
/*
 * rtnetlink messages, pure: the builders make every request nl_request()
 * sends, the parsers read its replies.  No socket here, so the unit tests
 * cover the real bytes.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "link.h"

/* Oldest IFLA_STATS64 we accept: up to rx_nohandler (Linux 4.6). */
#define LINK_STATS64_MIN (offsetof(struct rtnl_link_stats64, rx_nohandler) + 8)

/* Header of a request: always NLM_F_REQUEST|NLM_F_ACK.  The whole buffer
 * is cleared: libmnl 1.0.4's mnl_attr_put() leaves padding bytes as is. */
static struct nlmsghdr *link_msg_begin(void *buf, uint16_t type, uint16_t flags,
				       uint32_t seq)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

/* ifinfomsg for one link, change mask empty. */
static struct ifinfomsg *link_msg_ifinfo(struct nlmsghdr *nlh, int ifindex)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return ifi;
}

/* RTM_NEWLINK on an existing link (as `ip link set`); up < 0 and LINK_KEEP
 * leave that property alone. */
size_t link_msg_setlink(void *buf, uint32_t seq, int ifindex, int up,
			unsigned mtu, unsigned txqlen)
{
	struct nlmsghdr *nlh = link_msg_begin(buf, RTM_NEWLINK, 0, seq);
	struct ifinfomsg *ifi = link_msg_ifinfo(nlh, ifindex);

	if (up >= 0) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = up ? IFF_UP : 0;
	}
	if (mtu != LINK_KEEP)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (txqlen != LINK_KEEP)
		mnl_attr_put_u32(nlh, IFLA_TXQLEN, txqlen);
	return nlh->nlmsg_len;
}

/* RTM_NEWLINK changing one ifi_flags bit (IFF_MULTICAST, IFF_NOARP). */
size_t link_msg_setflag(void *buf, uint32_t seq, int ifindex, unsigned flag,
			bool on)
{
	struct nlmsghdr *nlh = link_msg_begin(buf, RTM_NEWLINK, 0, seq);
	struct ifinfomsg *ifi = link_msg_ifinfo(nlh, ifindex);

	ifi->ifi_change = flag;
	ifi->ifi_flags = on ? flag : 0;
	return nlh->nlmsg_len;
}

/* RTM_NEWLINK with IFLA_CARRIER (dev_change_carrier). */
size_t link_msg_setcarrier(void *buf, uint32_t seq, int ifindex, bool on)
{
	struct nlmsghdr *nlh = link_msg_begin(buf, RTM_NEWLINK, 0, seq);

	link_msg_ifinfo(nlh, ifindex);
	mnl_attr_put_u8(nlh, IFLA_CARRIER, on);
	return nlh->nlmsg_len;
}

/* RTM_NEWNEIGH: a permanent entry addr -> mac on ifindex (as
 * `ip neigh replace ... nud permanent`); 0 on a bad family. */
size_t neigh_msg_new(void *buf, uint32_t seq, int ifindex, int family,
		     const void *addr, const uint8_t mac[6])
{
	struct nlmsghdr *nlh;
	struct ndmsg *nd;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	nlh = link_msg_begin(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE,
			     seq);
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = (uint8_t)family;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, family == AF_INET ? 4 : 16, addr);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return nlh->nlmsg_len;
}

/* RTM_DELLINK by index. */
size_t link_msg_dellink(void *buf, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh = link_msg_begin(buf, RTM_DELLINK, 0, seq);

	link_msg_ifinfo(nlh, ifindex);
	return nlh->nlmsg_len;
}

/* RTM_GETLINK by index: one RTM_NEWLINK reply, then the ACK. */
size_t link_msg_getlink(void *buf, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh = link_msg_begin(buf, RTM_GETLINK, 0, seq);

	link_msg_ifinfo(nlh, ifindex);
	return nlh->nlmsg_len;
}

/* RTM_GETLINK by IFLA_IFNAME; 0 if the name cannot be a device name. */
size_t link_msg_getlink_name(void *buf, uint32_t seq, const char *name)
{
	struct nlmsghdr *nlh = link_msg_begin(buf, RTM_GETLINK, 0, seq);

	link_msg_ifinfo(nlh, 0);
	if (!name[0] || strlen(name) >= IFNAMSIZ ||
	    !mnl_attr_put_strz_check(nlh, MNL_SOCKET_BUFFER_SIZE, IFLA_IFNAME,
				     name))
		return 0;
	return nlh->nlmsg_len;
}

/* RTM_NEWADDR, local == address; IPv6 gets IFA_F_NODAD so it is usable at
 * once.  0 on a bad family or prefix. */
size_t addr_msg_newaddr(void *buf, uint32_t seq, int ifindex, int family,
			const void *addr, unsigned prefix)
{
	size_t alen = family == AF_INET ? 4 : 16;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if ((family != AF_INET && family != AF_INET6) || prefix > alen * 8)
		return 0;
	nlh = link_msg_begin(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, seq);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	if (family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nlh->nlmsg_len;
}

/* RTM_GETROUTE: the route the kernel would use to reach addr, or (iif not
 * 0) for a packet to addr coming in on iif. */
size_t route_msg_get(void *buf, uint32_t seq, int family, const void *addr,
		     int iif)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	nlh = link_msg_begin(buf, RTM_GETROUTE, 0, seq);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, addr);
	if (iif) /* the input path's lookup, as for a packet from iif */
		mnl_attr_put_u32(nlh, RTA_IIF, (uint32_t)iif);
	return nlh->nlmsg_len;
}

/* Validate the IFLA_* attributes link_msg_parse() reads into tb[]. */
static int link_msg_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_MTU:
	case IFLA_TXQLEN:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_OPERSTATE:
	case IFLA_CARRIER:
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_validate(a, MNL_TYPE_BINARY) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_STATS64:
		/* rtnl_fill_stats: the struct grows at the end over time */
		if (mnl_attr_validate2(a, MNL_TYPE_BINARY, 0) < 0 ||
		    mnl_attr_get_payload_len(a) < LINK_STATS64_MIN)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

/* Parse one RTM_NEWLINK into out: 0, or -EINVAL if anything is malformed
 * (including attributes that do not fill the message exactly). */
int link_msg_parse(const void *buf, size_t len, struct link_info *out)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };
	const struct nlmsghdr *nlh = buf;
	const struct ifinfomsg *ifi;
	const struct nlattr *a;
	const char *tail;

	if (!mnl_nlmsg_ok(nlh, len > INT_MAX ? INT_MAX : (int)len) ||
	    nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EINVAL;
	tail = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
		if (link_msg_attr(a, tb) != MNL_CB_OK)
			return -EINVAL;
	if ((const char *)a != tail)
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	if (tb[IFLA_OPERSTATE])
		out->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	out->carrier = tb[IFLA_CARRIER] ? mnl_attr_get_u8(tb[IFLA_CARRIER]) != 0
					: -1;
	if (tb[IFLA_ADDRESS] &&
	    mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == sizeof(out->addr)) {
		memcpy(out->addr, mnl_attr_get_payload(tb[IFLA_ADDRESS]),
		       sizeof(out->addr));
		out->has_addr = true;
	}
	if (tb[IFLA_MTU])
		out->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_TXQLEN])
		out->txqlen = mnl_attr_get_u32(tb[IFLA_TXQLEN]);
	if (tb[IFLA_STATS64]) {
		size_t n = mnl_attr_get_payload_len(tb[IFLA_STATS64]);

		/* 8-byte fields at a 4-byte aligned offset: copy, never cast */
		memcpy(&out->stats, mnl_attr_get_payload(tb[IFLA_STATS64]),
		       n < sizeof(out->stats) ? n : sizeof(out->stats));
		out->has_stats = true;
	}
	return 0;
}

/* Keep NLMSGERR_ATTR_MSG if it is a proper string. */
static int link_msg_ack_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		tb[NLMSGERR_ATTR_MSG] = a;
	return MNL_CB_OK;
}

/* An NLMSG_ERROR: 0 for an ACK, the kernel's -errno, or -EBADMSG; ext gets
 * the extack message (TLVs after the nlmsgerr, see netlink_ack()). */
int link_msg_parse_ack(const void *buf, size_t len, char *ext, size_t size)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	const struct nlmsghdr *nlh = buf;
	const struct nlmsgerr *e;
	size_t off = sizeof(*e), plen;

	if (size)
		ext[0] = '\0';
	if (!mnl_nlmsg_ok(nlh, len > INT_MAX ? INT_MAX : (int)len) ||
	    nlh->nlmsg_type != NLMSG_ERROR)
		return -EBADMSG;
	plen = mnl_nlmsg_get_payload_len(nlh);
	e = mnl_nlmsg_get_payload(nlh);
	if (plen < sizeof(*e) || e->error > 0 || e->error < -4095)
		return -EBADMSG;
	/* without NLM_F_CAPPED the request's payload is echoed first */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(e->msg))
		off += MNL_ALIGN(e->msg.nlmsg_len - sizeof(e->msg));
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < plen) {
		mnl_attr_parse(nlh, off, link_msg_ack_attr, tb);
		if (tb[NLMSGERR_ATTR_MSG] && size)
			snprintf(ext, size, "%s",
				 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	}
	return e->error;
}
