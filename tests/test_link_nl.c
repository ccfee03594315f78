// SPDX-License-Identifier: MIT
/*
 * Unit tests for netns/link.c's request path with the libmnl socket calls
 * and userns_entered() mocked (-Wl,--wrap): what is sent, how replies,
 * ACKs, extack and sequence errors come back through nl_error().
 */
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "link.h"
#include "userns.h"

enum { PORTID = 4242, MSG_MAX = 1024 };

static struct {
	bool entered;
	int opened, closed, bus, flags, cap_ack, ext_ack, send_errno;
	uint8_t sent[MSG_MAX];
	size_t sent_len;
	struct {
		uint8_t data[MSG_MAX];
		size_t len;
		int seq_delta;
	} reply[4];
	int n_reply, next_reply;
} mock;
static char sock_dummy;
static uint8_t want[8192]; /* builders take MNL_SOCKET_BUFFER_SIZE */

bool __real_userns_entered(void);
bool __wrap_userns_entered(void);
struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags);
int __wrap_mnl_socket_setsockopt(const struct mnl_socket *s, int type,
				 void *buf, socklen_t len);
int __wrap_mnl_socket_bind(struct mnl_socket *s, unsigned groups, pid_t pid);
unsigned __wrap_mnl_socket_get_portid(const struct mnl_socket *s);
ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *s, const void *buf,
				 size_t len);
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *s, void *buf,
				   size_t size);
int __wrap_mnl_socket_close(struct mnl_socket *s);

/* The real answer can only add "entered", never take it away. */
bool __wrap_userns_entered(void)
{
	return mock.entered || __real_userns_entered();
}

struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags)
{
	mock.opened++;
	mock.bus = bus;
	mock.flags = flags;
	return (struct mnl_socket *)&sock_dummy;
}

int __wrap_mnl_socket_setsockopt(const struct mnl_socket *s, int type,
				 void *buf, socklen_t len)
{
	assert_ptr_equal(s, &sock_dummy);
	assert_int_equal(len, sizeof(int));
	if (type == NETLINK_CAP_ACK)
		mock.cap_ack = *(int *)buf;
	if (type == NETLINK_EXT_ACK)
		mock.ext_ack = *(int *)buf;
	return 0;
}

int __wrap_mnl_socket_bind(struct mnl_socket *s, unsigned groups, pid_t pid)
{
	assert_ptr_equal(s, &sock_dummy);
	assert_int_equal(groups, 0);
	assert_int_equal(pid, MNL_SOCKET_AUTOPID);
	return 0;
}

unsigned __wrap_mnl_socket_get_portid(const struct mnl_socket *s)
{
	(void)s;
	return PORTID;
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *s, const void *buf,
				 size_t len)
{
	(void)s;
	if (mock.send_errno) {
		errno = mock.send_errno;
		return -1;
	}
	assert_true(len <= MSG_MAX);
	memcpy(mock.sent, buf, len);
	mock.sent_len = len;
	return (ssize_t)len;
}

/* The next queued reply, addressed to us, seq of the last request. */
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *s, void *buf,
				   size_t size)
{
	const struct nlmsghdr *req = (const void *)mock.sent;
	struct nlmsghdr *nlh = buf;
	size_t len;

	(void)s;
	if (mock.next_reply == mock.n_reply) {
		errno = EAGAIN;
		return -1;
	}
	len = mock.reply[mock.next_reply].len;
	assert_true(len <= size);
	memcpy(buf, mock.reply[mock.next_reply].data, len);
	nlh->nlmsg_seq = req->nlmsg_seq + mock.reply[mock.next_reply].seq_delta;
	nlh->nlmsg_pid = PORTID;
	mock.next_reply++;
	return (ssize_t)len;
}

int __wrap_mnl_socket_close(struct mnl_socket *s)
{
	assert_ptr_equal(s, &sock_dummy);
	mock.closed++;
	return 0;
}

/* Append an attribute to a reply by hand. */
static void test_put(struct nlmsghdr *nlh, unsigned short type,
		     const void *data, size_t len)
{
	char *end = (char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len);
	struct rtattr *rta = (void *)end;

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Queue a capped NLMSG_ERROR (err 0: an ACK) with optional extack. */
static void test_queue_ack(int err, const char *ext, int seq_delta)
{
	struct nlmsghdr *nlh = (void *)mock.reply[mock.n_reply].data;
	struct nlmsgerr *e = NLMSG_DATA(nlh);

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	e->error = err;
	e->msg.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	if (ext) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		test_put(nlh, NLMSGERR_ATTR_MSG, ext, strlen(ext) + 1);
	}
	mock.reply[mock.n_reply].seq_delta = seq_delta;
	mock.reply[mock.n_reply++].len = nlh->nlmsg_len;
}

/* Queue an RTM_NEWLINK for ifindex with IFF_UP and mtu. */
static void test_queue_newlink(int ifindex, uint32_t mtu)
{
	struct nlmsghdr *nlh = (void *)mock.reply[mock.n_reply].data;
	struct ifinfomsg *ifi = NLMSG_DATA(nlh);

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	test_put(nlh, IFLA_MTU, &mtu, 4);
	mock.reply[mock.n_reply++].len = nlh->nlmsg_len;
}

/* The sequence number of the last request sent. */
static uint32_t test_sent_seq(void)
{
	return ((const struct nlmsghdr *)mock.sent)->nlmsg_seq;
}

static int setup(void **state)
{
	memset(&mock, 0, sizeof(mock));
	mock.entered = true;
	*state = nl_open();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	nl_close(*state);
	assert_int_equal(mock.closed, 1);
	mock.entered = false;
	return 0;
}

static void test_open(void **state)
{
	(void)state;
	assert_int_equal(mock.opened, 1);
	assert_int_equal(mock.bus, NETLINK_ROUTE);
	assert_true(mock.flags & SOCK_CLOEXEC);
	assert_int_equal(mock.cap_ack, 1);
	assert_int_equal(mock.ext_ack, 1);
}

static void test_mtu_ack(void **state)
{
	size_t len;

	test_queue_ack(0, NULL, 0);
	assert_int_equal(link_set_mtu(*state, 2, 1400), 0);
	len = link_msg_setlink(want, test_sent_seq(), 2, -1, 1400, LINK_KEEP);
	assert_int_equal(mock.sent_len, len);
	assert_memory_equal(mock.sent, want, len);
	assert_int_equal(mock.next_reply, 1);
}

static void test_mtu_extack(void **state)
{
	test_queue_ack(-EINVAL, "MTU too small", 0);
	assert_int_equal(link_set_mtu(*state, 2, 10), -EINVAL);
	assert_string_equal(
		nl_error(*state),
		"RTM_NEWLINK ifindex 2: Invalid argument (kernel: MTU too small)");
}

static void test_addr_exists(void **state)
{
	const uint8_t a[4] = { 198, 18, 0, 1 };
	size_t len;

	test_queue_ack(-EEXIST, "Address already assigned", 0);
	assert_int_equal(addr_add(*state, 3, AF_INET, a, 24), -EEXIST);
	assert_string_equal(
		nl_error(*state),
		"RTM_NEWADDR ifindex 3: File exists (kernel: Address already assigned)");
	len = addr_msg_newaddr(want, test_sent_seq(), 3, AF_INET, a, 24);
	assert_int_equal(mock.sent_len, len);
	assert_memory_equal(mock.sent, want, len);
}

static void test_get_then_ack(void **state)
{
	struct link_info li;

	test_queue_newlink(2, 1400);
	test_queue_ack(0, NULL, 0);
	memset(&li, 0, sizeof(li));
	assert_int_equal(link_get(*state, 2, &li), 0);
	assert_int_equal(mock.next_reply, 2);
	assert_int_equal(li.ifindex, 2);
	assert_int_equal(li.flags, IFF_UP);
	assert_int_equal(li.mtu, 1400);
}

static void test_get_without_reply(void **state)
{
	struct link_info li;

	test_queue_ack(0, NULL, 0);
	assert_int_equal(link_get(*state, 5, &li), -ENODATA);
	assert_string_equal(nl_error(*state),
			    "RTM_GETLINK ifindex 5: No data available");
}

static void test_index_by_name(void **state)
{
	size_t len;

	test_queue_newlink(7, 1500);
	test_queue_ack(0, NULL, 0);
	assert_int_equal(link_index(*state, "t0"), 7);
	len = link_msg_getlink_name(want, test_sent_seq(), "t0");
	assert_int_equal(mock.sent_len, len);
	assert_memory_equal(mock.sent, want, len);
	assert_int_equal(link_index(*state, "0123456789abcdef"), -EINVAL);
}

static void test_wrong_seq(void **state)
{
	test_queue_ack(0, NULL, 1);
	assert_int_equal(link_delete(*state, 4), -EPROTO);
	assert_string_equal(nl_error(*state),
			    "RTM_DELLINK ifindex 4: Protocol error");
}

static void test_send_fails(void **state)
{
	mock.send_errno = ENOBUFS;
	assert_int_equal(link_set_up(*state, 6, true), -ENOBUFS);
	assert_string_equal(nl_error(*state),
			    "RTM_NEWLINK ifindex 6: No buffer space available");
}

static void test_sysctl_host_keys(void **state)
{
	(void)state;
	/*
	 * The sandbox is faked here and the host's /proc/sys is real: only
	 * keys that do not exist, so a regression gets ENOENT, never a write.
	 */
	assert_int_equal(sysctl_set("kernel.tuncheck_none", "x"), -EPERM);
	assert_int_equal(sysctl_set("vm.tuncheck_none", "0"), -EPERM);
	assert_int_equal(sysctl_set("net..tuncheck_none", "0"), -EINVAL);
	assert_int_equal(sysctl_set("net.tuncheck/../../vm/none", "0"),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_open),	       T(test_mtu_ack),
		T(test_mtu_extack),    T(test_addr_exists),
		T(test_get_then_ack),  T(test_get_without_reply),
		T(test_index_by_name), T(test_wrong_seq),
		T(test_send_fails),    T(test_sysctl_host_keys),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
