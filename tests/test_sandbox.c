// SPDX-License-Identifier: MIT
/*
 * Integration tests for netns/: a forked child enters a real sandbox,
 * creates TUN devices and configures them over netlink, and reports what
 * it saw through a pipe; the parent asserts.  Skipped where
 * sandbox_probe() says jobs cannot run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "link.h"
#include "sandbox.h"
#include "tun.h"

/* What a child saw; every field is a return value or a reading. */
struct result {
	unsigned long host_ns; /* inode of the host's /proc/self/ns/net */
	int enter, entered, ns_changed, setns_before, setns_after;
	int ifindex, mtu, addr4, addr6, up, get, bind6;
	struct link_info li;
	int bad_mtu, mq_ifindex, mq_q0, mq_q1, mq_detach, mq_attach;
	int sq_detach, sysctl_net, sysctl_host, del, get_deleted;
	char why[512], err[320];
};

static char probe_why[512];
static int probe_ret;

/* The child's test body: everything after sandbox_enter(). */
static void test_child_body(struct result *r)
{
	const struct tun_opts o = { 0 }, mq = { .multi_queue = true };
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	uint8_t a4[4] = { 198, 18, 0, 1 };
	struct stat st;
	struct nl *nl;
	int fd, q0, q1;

	r->entered = sandbox_is_entered();
	r->ns_changed = stat("/proc/self/ns/net", &st) == 0 &&
			st.st_ino != r->host_ns;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	r->setns_before = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	r->setns_after = sandbox_lock(r->why, sizeof(r->why));
	if (!r->setns_after)
		r->setns_after = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);

	nl = nl_open();
	if (!nl)
		return;
	r->ifindex = tun_device_create("tct0", &o);
	r->mtu = link_set_mtu(nl, r->ifindex, 1280);
	r->addr4 = addr_add(nl, r->ifindex, AF_INET, a4, 24);
	inet_pton(AF_INET6, "2001:db8::1", &sa.sin6_addr);
	r->addr6 = addr_add(nl, r->ifindex, AF_INET6, &sa.sin6_addr, 64);
	r->up = link_set_up(nl, r->ifindex, true);
	r->get = link_get(nl, r->ifindex, &r->li);
	/* usable at once thanks to IFA_F_NODAD: not tentative */
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	r->bind6 = bind(fd, (void *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	close(fd);
	r->bad_mtu = link_set_mtu(nl, r->ifindex, 10);
	snprintf(r->err, sizeof(r->err), "%s", nl_error(nl));

	r->mq_ifindex = tun_device_create("tct1", &mq);
	q0 = tun_queue_open();
	q1 = tun_queue_open();
	r->mq_q0 = tun_queue_setiff(q0, "tct1", &mq);
	r->mq_q1 = tun_queue_setiff(q1, "tct1", &mq);
	r->mq_detach = tun_queue_detach(q1);
	r->mq_attach = tun_queue_attach(q1);
	close(q0);
	close(q1);
	fd = tun_queue_open();
	tun_queue_setiff(fd, "tct0", &o);
	r->sq_detach = tun_queue_detach(fd);
	close(fd);

	r->sysctl_net = sysctl_set("net.ipv6.conf.tct0.disable_ipv6", "1");
	r->sysctl_host = sysctl_set("kernel.tuncheck_none", "1");
	r->del = link_delete(nl, r->mq_ifindex);
	r->get_deleted = link_get(nl, r->mq_ifindex, &(struct link_info){ 0 });
	nl_close(nl);
}

/* Run the body in a child inside a sandbox; its report. */
static void test_run_child(struct result *r)
{
	struct stat st;
	int p[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		r->host_ns = st.st_ino;
		r->enter = sandbox_enter(r->why, sizeof(r->why));
		if (!r->enter)
			test_child_body(r);
		_exit(write(p[1], r, sizeof(*r)) == sizeof(*r) ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(read(p[0], r, sizeof(*r)), sizeof(*r));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_outside(void **state)
{
	(void)state;
	assert_false(sandbox_is_entered());
	assert_int_equal(tun_queue_open(), -EPERM);
	assert_int_equal(tun_device_create("tct9", &(struct tun_opts){ 0 }),
			 -EPERM);
	assert_int_equal(if_nametoindex("tct9"), 0);
}

static void test_enter_and_configure(void **state)
{
	struct result r;

	(void)state;
	if (probe_ret < 0) {
		print_message("sandbox_probe: %s\n", probe_why);
		skip();
	}
	test_run_child(&r);
	assert_int_equal(r.enter, 0);
	assert_true(r.entered);
	assert_true(r.ns_changed);
	assert_int_equal(r.setns_before, 0);
	assert_int_equal(r.setns_after, -EPERM);
	assert_true(r.ifindex > 1);
	assert_int_equal(r.mtu, 0);
	assert_int_equal(r.addr4, 0);
	assert_int_equal(r.addr6, 0);
	assert_int_equal(r.up, 0);
	assert_int_equal(r.get, 0);
	assert_int_equal(r.li.ifindex, r.ifindex);
	assert_true(r.li.flags & IFF_UP);
	assert_int_equal(r.li.mtu, 1280);
	assert_true(r.li.has_stats);
	assert_int_equal(r.bind6, 0);
	assert_int_equal(r.bad_mtu, -EINVAL);
	assert_non_null(strstr(r.err, "RTM_NEWLINK ifindex "));
	assert_non_null(strstr(r.err, ": Invalid argument (kernel: "));
	/* the sandbox's devices never show on the host */
	assert_int_equal(if_nametoindex("tct0"), 0);
	assert_false(sandbox_is_entered());
}

static void test_queues_and_sysctls(void **state)
{
	struct result r;

	(void)state;
	if (probe_ret < 0)
		skip();
	test_run_child(&r);
	assert_int_equal(r.enter, 0);
	assert_true(r.mq_ifindex > 1);
	assert_int_equal(r.mq_q0, 0);
	assert_int_equal(r.mq_q1, 0);
	assert_int_equal(r.mq_detach, 0);
	assert_int_equal(r.mq_attach, 0);
	assert_int_equal(r.sq_detach, -EINVAL);
	assert_int_equal(r.sysctl_net, 0);
	assert_int_equal(r.sysctl_host, -EPERM);
	assert_int_equal(r.del, 0);
	assert_int_equal(r.get_deleted, -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside),
		cmocka_unit_test(test_enter_and_configure),
		cmocka_unit_test(test_queues_and_sysctls),
	};

	probe_ret = sandbox_probe(probe_why, sizeof(probe_why));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
