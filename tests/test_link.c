// SPDX-License-Identifier: MIT
/*
 * Unit tests for netns/link_msg.c (message builders and parsers) and the
 * refusals of nl_open() and sysctl_set() outside a sandbox.  Messages are
 * read and written here by hand, with the kernel's RTA_* macros, so the
 * tests do not share libmnl's view of the bytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "link.h"
#include "userns.h"

#define REQ_ACK (NLM_F_REQUEST | NLM_F_ACK)

/* 8-aligned so a test can place an attribute at a 4-but-not-8 offset. */
static uint64_t buf64[8192 / 8];
static uint8_t *const buf = (uint8_t *)buf64;

/* The attribute of type `type` after a fixed header of hlen bytes, or NULL;
 * fails the test if one appears twice. */
static const struct rtattr *test_attr(const void *msg, size_t hlen,
				      unsigned short type)
{
	const struct nlmsghdr *nlh = msg;
	const char *p = (const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(hlen);
	const struct rtattr *rta = (const void *)p;
	int len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(hlen));
	const struct rtattr *found = NULL;

	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == type) {
			assert_null(found);
			found = rta;
		}
	assert_int_equal(len, 0);
	return found;
}

/* The u32 payload of a present attribute. */
static uint32_t test_attr_u32(const void *msg, size_t hlen, unsigned short type)
{
	const struct rtattr *rta = test_attr(msg, hlen, type);
	uint32_t v;

	assert_non_null(rta);
	assert_int_equal(RTA_PAYLOAD(rta), 4);
	memcpy(&v, RTA_DATA(rta), 4);
	return v;
}

/* Common header checks; returns the ifinfomsg. */
static const struct ifinfomsg *test_link_hdr(size_t len, uint16_t type,
					     uint32_t seq, int ifindex)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);

	assert_int_equal(len, nlh->nlmsg_len);
	assert_true(len >= NLMSG_LENGTH(sizeof(*ifi)));
	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlh->nlmsg_flags, REQ_ACK);
	assert_int_equal(nlh->nlmsg_seq, seq);
	assert_int_equal(ifi->ifi_family, AF_UNSPEC);
	assert_int_equal(ifi->ifi_index, ifindex);
	return ifi;
}

static void test_setlink_up_down(void **state)
{
	const struct ifinfomsg *ifi;
	size_t len;

	(void)state;
	len = link_msg_setlink(buf, 7, 2, 1, LINK_KEEP, LINK_KEEP);
	ifi = test_link_hdr(len, RTM_NEWLINK, 7, 2);
	assert_int_equal(len, NLMSG_LENGTH(sizeof(*ifi)));
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, IFF_UP);

	memset(buf, 0xff, 64);
	len = link_msg_setlink(buf, 8, 3, 0, LINK_KEEP, LINK_KEEP);
	ifi = test_link_hdr(len, RTM_NEWLINK, 8, 3);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, 0);
	assert_int_equal(ifi->ifi_type, 0);
}

static void test_setlink_mtu_txqlen(void **state)
{
	const struct ifinfomsg *ifi;
	size_t len;

	(void)state;
	len = link_msg_setlink(buf, 9, 4, -1, 1280, LINK_KEEP);
	ifi = test_link_hdr(len, RTM_NEWLINK, 9, 4);
	assert_int_equal(ifi->ifi_change, 0);
	assert_int_equal(test_attr_u32(buf, sizeof(*ifi), IFLA_MTU), 1280);
	assert_null(test_attr(buf, sizeof(*ifi), IFLA_TXQLEN));

	/* txqlen 0 is a value, not "keep" */
	len = link_msg_setlink(buf, 10, 4, -1, LINK_KEEP, 0);
	ifi = test_link_hdr(len, RTM_NEWLINK, 10, 4);
	assert_int_equal(test_attr_u32(buf, sizeof(*ifi), IFLA_TXQLEN), 0);
	assert_null(test_attr(buf, sizeof(*ifi), IFLA_MTU));
}

/* IFLA_CARRIER as a u8; one ifi_flags bit with its change mask. */
static void test_setcarrier_setflag(void **state)
{
	const struct ifinfomsg *ifi;
	const struct rtattr *rta;
	size_t len;

	(void)state;
	len = link_msg_setcarrier(buf, 11, 5, false);
	ifi = test_link_hdr(len, RTM_NEWLINK, 11, 5);
	assert_int_equal(ifi->ifi_change, 0);
	rta = test_attr(buf, sizeof(*ifi), IFLA_CARRIER);
	assert_non_null(rta);
	assert_int_equal(RTA_PAYLOAD(rta), 1);
	assert_int_equal(*(const uint8_t *)RTA_DATA(rta), 0);
	len = link_msg_setcarrier(buf, 12, 5, true);
	ifi = test_link_hdr(len, RTM_NEWLINK, 12, 5);
	assert_int_equal(*(const uint8_t *)RTA_DATA(
				 test_attr(buf, sizeof(*ifi), IFLA_CARRIER)),
			 1);

	len = link_msg_setflag(buf, 13, 6, IFF_NOARP, false);
	ifi = test_link_hdr(len, RTM_NEWLINK, 13, 6);
	assert_int_equal(len, NLMSG_LENGTH(sizeof(*ifi)));
	assert_int_equal(ifi->ifi_change, IFF_NOARP);
	assert_int_equal(ifi->ifi_flags, 0);
	len = link_msg_setflag(buf, 14, 6, IFF_MULTICAST, true);
	ifi = test_link_hdr(len, RTM_NEWLINK, 14, 6);
	assert_int_equal(ifi->ifi_change, IFF_MULTICAST);
	assert_int_equal(ifi->ifi_flags, IFF_MULTICAST);
}

/* RTM_NEWNEIGH: a permanent entry, NDA_DST and NDA_LLADDR. */
static void test_neigh_new(void **state)
{
	static const uint8_t mac[6] = { 2, 0x74, 0x63, 0, 0, 1 };
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct ndmsg *nd = NLMSG_DATA(nlh);
	const struct rtattr *rta;
	uint8_t a4[4] = { 198, 18, 0, 2 }, a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	size_t len;

	(void)state;
	len = neigh_msg_new(buf, 21, 7, AF_INET, a4, mac);
	assert_int_equal(len, nlh->nlmsg_len);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWNEIGH);
	assert_int_equal(nlh->nlmsg_flags,
			 REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(nd->ndm_family, AF_INET);
	assert_int_equal(nd->ndm_ifindex, 7);
	assert_int_equal(nd->ndm_state, NUD_PERMANENT);
	rta = test_attr(buf, sizeof(*nd), NDA_DST);
	assert_non_null(rta);
	assert_int_equal(RTA_PAYLOAD(rta), 4);
	assert_memory_equal(RTA_DATA(rta), a4, 4);
	rta = test_attr(buf, sizeof(*nd), NDA_LLADDR);
	assert_non_null(rta);
	assert_memory_equal(RTA_DATA(rta), mac, 6);
	len = neigh_msg_new(buf, 22, 7, AF_INET6, a6, mac);
	rta = test_attr(buf, sizeof(*nd), NDA_DST);
	assert_int_equal(RTA_PAYLOAD(rta), 16);
	assert_int_equal(neigh_msg_new(buf, 23, 7, AF_PACKET, a4, mac), 0);
}

static void test_dellink_getlink(void **state)
{
	const struct ifinfomsg *ifi;
	size_t len;

	(void)state;
	len = link_msg_dellink(buf, 11, 5);
	ifi = test_link_hdr(len, RTM_DELLINK, 11, 5);
	assert_int_equal(len, NLMSG_LENGTH(sizeof(*ifi)));
	len = link_msg_getlink(buf, 12, 6);
	ifi = test_link_hdr(len, RTM_GETLINK, 12, 6);
	assert_int_equal(len, NLMSG_LENGTH(sizeof(*ifi)));
}

static void test_getlink_name(void **state)
{
	const struct rtattr *rta;
	size_t len;

	(void)state;
	len = link_msg_getlink_name(buf, 13, "t0");
	test_link_hdr(len, RTM_GETLINK, 13, 0);
	rta = test_attr(buf, sizeof(struct ifinfomsg), IFLA_IFNAME);
	assert_non_null(rta);
	assert_int_equal(RTA_PAYLOAD(rta), 3);
	assert_memory_equal(RTA_DATA(rta), "t0", 3);
	assert_int_equal(link_msg_getlink_name(buf, 1, "0123456789abcdef"), 0);
	assert_int_not_equal(link_msg_getlink_name(buf, 1, "0123456789abcde"),
			     0);
	assert_int_equal(link_msg_getlink_name(buf, 1, ""), 0);
}

/* Check an RTM_NEWADDR; returns its ifaddrmsg. */
static const struct ifaddrmsg *test_newaddr(size_t len, int family,
					    const void *addr, size_t alen,
					    unsigned prefix)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct ifaddrmsg *ifa = NLMSG_DATA(nlh);
	const struct rtattr *rta;

	assert_int_equal(len, nlh->nlmsg_len);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWADDR);
	assert_int_equal(nlh->nlmsg_flags, REQ_ACK | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(ifa->ifa_family, family);
	assert_int_equal(ifa->ifa_prefixlen, prefix);
	assert_int_equal(ifa->ifa_index, 9);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	rta = test_attr(buf, sizeof(*ifa), IFA_LOCAL);
	assert_non_null(rta);
	assert_int_equal(RTA_PAYLOAD(rta), alen);
	assert_memory_equal(RTA_DATA(rta), addr, alen);
	rta = test_attr(buf, sizeof(*ifa), IFA_ADDRESS);
	assert_non_null(rta);
	assert_int_equal(RTA_PAYLOAD(rta), alen);
	assert_memory_equal(RTA_DATA(rta), addr, alen);
	return ifa;
}

static void test_newaddr_v4(void **state)
{
	uint8_t a[4];
	size_t len;

	(void)state;
	assert_int_equal(inet_pton(AF_INET, "198.18.0.1", a), 1);
	len = addr_msg_newaddr(buf, 20, 9, AF_INET, a, 24);
	test_newaddr(len, AF_INET, "\xc6\x12\x00\x01", 4, 24);
	assert_null(test_attr(buf, sizeof(struct ifaddrmsg), IFA_FLAGS));
}

static void test_newaddr_v6(void **state)
{
	uint8_t a[16];
	size_t len;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", a), 1);
	len = addr_msg_newaddr(buf, 21, 9, AF_INET6, a, 64);
	test_newaddr(len, AF_INET6,
		     "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16, 64);
	assert_int_equal(test_attr_u32(buf, sizeof(struct ifaddrmsg),
				       IFA_FLAGS),
			 IFA_F_NODAD);
}

static void test_newaddr_bad(void **state)
{
	uint8_t a[16] = { 0 };

	(void)state;
	assert_int_equal(addr_msg_newaddr(buf, 1, 9, AF_INET, a, 33), 0);
	assert_int_equal(addr_msg_newaddr(buf, 1, 9, AF_INET6, a, 129), 0);
	assert_int_equal(addr_msg_newaddr(buf, 1, 9, AF_PACKET, a, 8), 0);
	assert_int_not_equal(addr_msg_newaddr(buf, 1, 9, AF_INET, a, 32), 0);
	assert_int_not_equal(addr_msg_newaddr(buf, 1, 9, AF_INET6, a, 128), 0);
}

/* Append an attribute to the message in buf by hand. */
static void test_put(unsigned short type, const void *data, size_t len)
{
	struct nlmsghdr *nlh = (void *)buf;
	struct rtattr *rta = (void *)(buf + NLMSG_ALIGN(nlh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* A synthetic RTM_NEWLINK for ifindex 3, with MTU/operstate/txqlen and a
 * stats block of stats_len bytes (none if 0). */
static size_t test_newlink(size_t stats_len)
{
	struct nlmsghdr *nlh = (void *)buf;
	struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	struct rtnl_link_stats64 st;
	uint32_t mtu = 1400, qlen = 77;
	uint8_t oper = IF_OPER_UP;

	memset(buf, 0, 4096);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi->ifi_index = 3;
	ifi->ifi_flags = IFF_UP | IFF_RUNNING | IFF_POINTOPOINT;
	test_put(IFLA_IFNAME, "t0", 3); /* 4-aligned, not 8: stats follow */
	test_put(IFLA_MTU, &mtu, 4);
	test_put(IFLA_OPERSTATE, &oper, 1);
	test_put(IFLA_TXQLEN, &qlen, 4);
	test_put(IFLA_CARRIER, &oper, 1); /* 6: any non-zero is on */
	test_put(IFLA_ADDRESS, "\x02\x00\x00\x00\x00\x07", 6);
	if (stats_len) {
		memset(&st, 0, sizeof(st));
		st.rx_packets = 0x1122334455667788ULL;
		st.tx_dropped = 5;
		st.rx_nohandler = 6;
		st.rx_otherhost_dropped = 9;
		test_put(IFLA_STATS64, &st, stats_len);
	}
	return nlh->nlmsg_len;
}

static void test_parse_newlink(void **state)
{
	struct link_info li;
	size_t len = test_newlink(sizeof(struct rtnl_link_stats64));

	(void)state;
	assert_int_equal(link_msg_parse(buf, len, &li), 0);
	assert_int_equal(li.ifindex, 3);
	assert_int_equal(li.flags, IFF_UP | IFF_RUNNING | IFF_POINTOPOINT);
	assert_int_equal(li.operstate, IF_OPER_UP);
	assert_int_equal(li.carrier, 1);
	assert_true(li.has_addr);
	assert_int_equal(li.addr[5], 7);
	assert_int_equal(li.mtu, 1400);
	assert_int_equal(li.txqlen, 77);
	assert_true(li.has_stats);
	assert_true(li.stats.rx_packets == 0x1122334455667788ULL);
	assert_int_equal(li.stats.tx_dropped, 5);
	assert_int_equal(li.stats.rx_nohandler, 6);
	assert_int_equal(li.stats.rx_otherhost_dropped, 9);

	/* no stats: has_stats false, the rest still there */
	len = test_newlink(0);
	memset(&li, 0xff, sizeof(li));
	assert_int_equal(link_msg_parse(buf, len, &li), 0);
	assert_false(li.has_stats);
	assert_int_equal(li.stats.rx_packets, 0);
	assert_int_equal(li.mtu, 1400);
}

static void test_parse_stats_sizes(void **state)
{
	size_t old = offsetof(struct rtnl_link_stats64, rx_nohandler) + 8;
	struct link_info li;
	size_t len;

	(void)state;
	/* an older kernel's shorter struct is fine, the tail stays 0 */
	len = test_newlink(old);
	assert_int_equal(link_msg_parse(buf, len, &li), 0);
	assert_true(li.has_stats);
	assert_int_equal(li.stats.rx_nohandler, 6);
	assert_int_equal(li.stats.rx_otherhost_dropped, 0);
	len = test_newlink(old - 8);
	assert_int_equal(link_msg_parse(buf, len, &li), -EINVAL);
}

static void test_parse_malformed(void **state)
{
	struct nlmsghdr *nlh = (void *)buf;
	struct link_info li;
	size_t len = test_newlink(sizeof(struct rtnl_link_stats64));
	uint16_t two = 2;

	(void)state;
	/* buffer shorter than nlmsg_len */
	assert_int_equal(link_msg_parse(buf, len - 4, &li), -EINVAL);
	assert_int_equal(link_msg_parse(buf, 8, &li), -EINVAL);
	/* nlmsg_len cutting the stats attribute in half */
	nlh->nlmsg_len = len - 100;
	assert_int_equal(link_msg_parse(buf, len, &li), -EINVAL);
	/* not an RTM_NEWLINK */
	len = test_newlink(0);
	nlh->nlmsg_type = RTM_NEWADDR;
	assert_int_equal(link_msg_parse(buf, len, &li), -EINVAL);
	/* shorter than an ifinfomsg */
	len = test_newlink(0);
	nlh->nlmsg_len = NLMSG_LENGTH(8);
	assert_int_equal(link_msg_parse(buf, len, &li), -EINVAL);
	/* IFLA_MTU of two bytes */
	len = test_newlink(0);
	test_put(IFLA_MTU, &two, 2);
	assert_int_equal(link_msg_parse(buf, nlh->nlmsg_len, &li), -EINVAL);
}

/* An NLMSG_ERROR for errno err in buf; capped or echoing a 24-byte
 * request; with msg as NLMSGERR_ATTR_MSG if not NULL. */
static size_t test_nlmsgerr(int err, bool capped, const char *msg)
{
	struct nlmsghdr *nlh = (void *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);

	memset(buf, 0, 4096);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	e->error = err;
	e->msg.nlmsg_len = NLMSG_LENGTH(8);
	if (capped) {
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	} else {
		/* echo 8 request bytes, 0xee to spot misparsing */
		memset(buf + nlh->nlmsg_len, 0xee, 8);
		nlh->nlmsg_len += 8;
	}
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		test_put(NLMSGERR_ATTR_MSG, msg, strlen(msg) + 1);
	}
	return nlh->nlmsg_len;
}

static void test_parse_ack(void **state)
{
	char ext[64];
	size_t len;

	(void)state;
	len = test_nlmsgerr(0, true, NULL);
	assert_int_equal(link_msg_parse_ack(buf, len, ext, sizeof(ext)), 0);
	assert_string_equal(ext, "");

	len = test_nlmsgerr(-EINVAL, true, "MTU too small");
	assert_int_equal(link_msg_parse_ack(buf, len, ext, sizeof(ext)),
			 -EINVAL);
	assert_string_equal(ext, "MTU too small");

	len = test_nlmsgerr(-EEXIST, false, "Address already assigned");
	assert_int_equal(link_msg_parse_ack(buf, len, ext, sizeof(ext)),
			 -EEXIST);
	assert_string_equal(ext, "Address already assigned");

	len = test_nlmsgerr(-ENODEV, true, NULL);
	strcpy(ext, "stale");
	assert_int_equal(link_msg_parse_ack(buf, len, ext, sizeof(ext)),
			 -ENODEV);
	assert_string_equal(ext, "");

	/* truncated: no room for the nlmsgerr */
	len = test_nlmsgerr(-EINVAL, true, NULL);
	((struct nlmsghdr *)buf)->nlmsg_len = NLMSG_LENGTH(8);
	assert_int_equal(link_msg_parse_ack(buf, len, ext, sizeof(ext)),
			 -EBADMSG);
	assert_int_equal(link_msg_parse_ack(buf, 12, ext, sizeof(ext)),
			 -EBADMSG);
}

static void test_nl_open_outside(void **state)
{
	(void)state;
	errno = 0;
	assert_null(nl_open());
	assert_int_equal(errno, EPERM);
	assert_string_equal(nl_error(NULL), "netlink: no socket");
}

static void test_sysctl_outside(void **state)
{
	(void)state;
	assert_int_equal(sysctl_set("net.ipv4.ip_forward", "0"), -EPERM);
	assert_int_equal(sysctl_set("net.ipv6.conf.all.disable_ipv6", "1"),
			 -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setlink_up_down),
		cmocka_unit_test(test_setlink_mtu_txqlen),
		cmocka_unit_test(test_setcarrier_setflag),
		cmocka_unit_test(test_neigh_new),
		cmocka_unit_test(test_dellink_getlink),
		cmocka_unit_test(test_getlink_name),
		cmocka_unit_test(test_newaddr_v4),
		cmocka_unit_test(test_newaddr_v6),
		cmocka_unit_test(test_newaddr_bad),
		cmocka_unit_test(test_parse_newlink),
		cmocka_unit_test(test_parse_stats_sizes),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_ack),
		cmocka_unit_test(test_nl_open_outside),
		cmocka_unit_test(test_sysctl_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
