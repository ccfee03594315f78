// SPDX-License-Identifier: MIT
/*
 * The route netlink socket: nl_request() sends one request built by
 * link_msg.c, reads replies up to its ACK and keeps the call, the object,
 * the errno and the kernel's extack text for nl_error().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "link.h"
#include "userns.h"

/* Receive buffer as MNL_SOCKET_DUMP_SIZE (libmnl 1.0.5): no MSG_TRUNC. */
enum { NL_BUF_SIZE = 32768, NL_ERR_SIZE = 320, NL_EXT_SIZE = 160 };

struct nl {
	struct mnl_socket *sk;
	uint32_t seq, portid;
	char err[NL_ERR_SIZE];
	char ext[NL_EXT_SIZE];
	char buf[NL_BUF_SIZE];
};

/* State of one request while its replies are read. */
struct nl_req {
	struct nl *nl;
	struct link_info *out;
	bool got;
	int err;
	int route_type; /* addr_is_local(): the reply's rtm_type */
};

/* Open, bind and configure a route socket; only inside the sandbox. */
struct nl *nl_open(void)
{
	int on = 1;
	struct nl *nl;
	int err;

	if (!userns_entered()) {
		errno = EPERM;
		return NULL;
	}
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return NULL;
	nl->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sk)
		goto free_nl;
	if (mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &on, sizeof(on)) ||
	    mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &on, sizeof(on)) ||
	    mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID))
		goto close_sk;
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = 1;
	snprintf(nl->err, sizeof(nl->err), "no netlink error");
	return nl;

close_sk:
	err = errno;
	mnl_socket_close(nl->sk);
	errno = err;
free_nl:
	err = errno;
	free(nl);
	errno = err;
	return NULL;
}

/* Close and free; NULL is fine. */
void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sk);
	free(nl);
}

/* The last failed request, as "RTM_X object: strerror (kernel: ...)". */
const char *nl_error(const struct nl *nl)
{
	return nl ? nl->err : "netlink: no socket";
}

/* Name of a request type for messages. */
static const char *nl_type_name(uint16_t type)
{
	static const char *const names[] = {
		[RTM_NEWLINK] = "RTM_NEWLINK",
		[RTM_DELLINK] = "RTM_DELLINK",
		[RTM_GETLINK] = "RTM_GETLINK",
		[RTM_NEWADDR] = "RTM_NEWADDR",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "netlink request";
}

/* Record a failed request in nl->err; returns err. */
static int nl_fail(struct nl *nl, uint16_t type, const char *obj, int err)
{
	bool ext = nl->ext[0];

	snprintf(nl->err, sizeof(nl->err), "%s %s: %s%s%s%s",
		 nl_type_name(type), obj, strerror(-err),
		 ext ? " (kernel: " : "", nl->ext, ext ? ")" : "");
	return err;
}

/* NLMSG_ERROR: an ACK ends the request, an error fails it. */
static int nl_cb_error(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *r = data;
	int ret = link_msg_parse_ack(nlh, nlh->nlmsg_len, r->nl->ext,
				     sizeof(r->nl->ext));

	if (ret == 0)
		return MNL_CB_STOP;
	r->err = ret;
	errno = -ret;
	return MNL_CB_ERROR;
}

/* A data reply: RTM_NEWLINK for link_get()/link_index(); keep reading to
 * the ACK whatever happens, so no stale reply is left for the next request. */
static int nl_cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *r = data;

	if (nlh->nlmsg_type == RTM_NEWROUTE &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct rtmsg)) {
		r->route_type =
			((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))
				->rtm_type;
		return MNL_CB_OK;
	}
	if (!r->out || nlh->nlmsg_type != RTM_NEWLINK || r->err)
		return MNL_CB_OK;
	if (link_msg_parse(nlh, nlh->nlmsg_len, r->out) < 0)
		r->err = -EBADMSG;
	else
		r->got = true;
	return MNL_CB_OK;
}

/* Send the len-byte request in nl->buf, read replies up to its ACK (or a
 * dump's NLMSG_DONE), into r. */
static int nl_request_r(struct nl *nl, size_t len, const char *obj,
			struct nl_req *rq)
{
	static mnl_cb_t ctl[NLMSG_ERROR + 1] = {
		[NLMSG_ERROR] = nl_cb_error,
	};
	const struct nlmsghdr *nlh = (const void *)nl->buf;
	uint16_t type = nlh->nlmsg_type;
	uint32_t seq = nlh->nlmsg_seq;
	struct nl_req r = *rq;
	struct link_info *out = r.out;
	ssize_t n;
	int ret = MNL_CB_OK;

	nl->ext[0] = '\0';
	if (!len)
		return nl_fail(nl, type, obj, -EINVAL);
	if (mnl_socket_sendto(nl->sk, nl->buf, len) < 0)
		return nl_fail(nl, type, obj, -errno);
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nl_fail(nl, type, obj, -errno);
		ret = mnl_cb_run2(nl->buf, n, seq, nl->portid, nl_cb_data, &r,
				  ctl, NLMSG_ERROR + 1);
	} while (n < 0 || ret > MNL_CB_STOP);
	if (ret < 0 || r.err)
		return nl_fail(nl, type, obj, r.err ? r.err : -errno);
	if (out && !r.got)
		return nl_fail(nl, type, obj, -ENODATA);
	*rq = r;
	return 0;
}

static int nl_request(struct nl *nl, size_t len, const char *obj,
		      struct link_info *out)
{
	struct nl_req r = { .nl = nl, .out = out };

	return nl_request_r(nl, len, obj, &r);
}

int addr_is_local(struct nl *nl, int ifindex, int family, const void *addr)
{
	size_t len = route_msg_get(nl->buf, ++nl->seq, family, addr, ifindex);
	struct nl_req r = { .nl = nl, .route_type = -1 };
	int ret = nl_request_r(nl, len, "route", &r);

	/* no route; or the input path refuses (a link that is down) */
	if (ret == -ENETUNREACH || ret == -EHOSTUNREACH || ret == -ENETDOWN)
		return 0;
	return ret < 0 ? ret : r.route_type == RTN_LOCAL;
}

/* A request about one ifindex. */
static int nl_request_index(struct nl *nl, size_t len, int ifindex,
			    struct link_info *out)
{
	char obj[32];

	snprintf(obj, sizeof(obj), "ifindex %d", ifindex);
	return nl_request(nl, len, obj, out);
}

/* ifindex of `name` in our namespace, by RTM_GETLINK. */
int link_index(struct nl *nl, const char *name)
{
	struct link_info li;
	size_t len = link_msg_getlink_name(nl->buf, ++nl->seq, name);
	int ret = nl_request(nl, len, name, &li);

	return ret < 0 ? ret : li.ifindex;
}

/* Set or clear IFF_UP. */
int link_set_up(struct nl *nl, int ifindex, bool up)
{
	size_t len = link_msg_setlink(nl->buf, ++nl->seq, ifindex, up,
				      LINK_KEEP, LINK_KEEP);

	return nl_request_index(nl, len, ifindex, NULL);
}

int link_lo_up(struct nl *nl)
{
	int lo = link_index(nl, "lo");

	return lo < 0 ? lo : link_set_up(nl, lo, true);
}

/* Set IFLA_MTU; the kernel's range check answers through extack. */
int link_set_mtu(struct nl *nl, int ifindex, unsigned mtu)
{
	size_t len = link_msg_setlink(nl->buf, ++nl->seq, ifindex, -1, mtu,
				      LINK_KEEP);

	return nl_request_index(nl, len, ifindex, NULL);
}

/* Set IFLA_TXQLEN (tun resizes its rings, tun_queue_resize). */
int link_set_txqlen(struct nl *nl, int ifindex, unsigned txqlen)
{
	size_t len = link_msg_setlink(nl->buf, ++nl->seq, ifindex, -1,
				      LINK_KEEP, txqlen);

	return nl_request_index(nl, len, ifindex, NULL);
}

int link_set_carrier(struct nl *nl, int ifindex, bool on)
{
	size_t len = link_msg_setcarrier(nl->buf, ++nl->seq, ifindex, on);

	return nl_request_index(nl, len, ifindex, NULL);
}

int link_set_flag(struct nl *nl, int ifindex, unsigned flag, bool on)
{
	size_t len = link_msg_setflag(nl->buf, ++nl->seq, ifindex, flag, on);

	return nl_request_index(nl, len, ifindex, NULL);
}

/* Delete a link. */
int link_delete(struct nl *nl, int ifindex)
{
	size_t len = link_msg_dellink(nl->buf, ++nl->seq, ifindex);

	return nl_request_index(nl, len, ifindex, NULL);
}

/* Flags, operstate, MTU, txqlen and IFLA_STATS64 of one link. */
int link_get(struct nl *nl, int ifindex, struct link_info *out)
{
	size_t len = link_msg_getlink(nl->buf, ++nl->seq, ifindex);

	return nl_request_index(nl, len, ifindex, out);
}

int neigh_add(struct nl *nl, int ifindex, int family, const void *addr,
	      const uint8_t mac[6])
{
	size_t len =
		neigh_msg_new(nl->buf, ++nl->seq, ifindex, family, addr, mac);

	return nl_request_index(nl, len, ifindex, NULL);
}

/* Add an IPv4 or IPv6 address (NLM_F_EXCL: an existing one is EEXIST). */
int addr_add(struct nl *nl, int ifindex, int family, const void *addr,
	     unsigned prefix)
{
	size_t len = addr_msg_newaddr(nl->buf, ++nl->seq, ifindex, family, addr,
				      prefix);

	return nl_request_index(nl, len, ifindex, NULL);
}
