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
#include <dirent.h>
#include <sched.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#if __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#endif
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "link.h"
#include "lockdown.h"
#include "sandbox.h"
#include "userns.h"
#include "tun.h"

/* What a child saw; every field is a return value or a reading. */
struct result {
	unsigned long host_ns; /* inode of the host's /proc/self/ns/net */
	int enter, entered, ns_changed, setns_before, setns_after;
	int ifindex, mtu, addr4, addr6, up, get, bind6;
	struct link_info li;
	int bad_mtu, mq_ifindex, mq_q0, mq_q1, mq_detach, mq_attach;
	int sq_detach, sysctl_net, sysctl_host, del, get_deleted;
	/* containment, read after sandbox_lock() */
	int pid, procs, dumpable, tty, host_write, host_chmod, host_utime;
	int tmp_create, devnull, sysrq, kernel_sysctl, tiocsti, tiocsti_hi;
	int mount, unshare, clone_ns, nproc, uid, euid, setuid0, exec_caps;
	int rseq;
	char why[512], err[320];
};

/* A host file the child must not be able to change (not under /tmp). */
static char host_file[] = "/var/tmp/tuncheck-test-sandbox-XXXXXX";

static char probe_why[512];
static int probe_ret;

/* The job's test body: everything after sandbox_view(). */
static void test_child_body(struct result *r)
{
	const struct tun_opts o = { 0 }, mq = { .multi_queue = true };
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	uint8_t a4[4] = { 198, 18, 0, 1 };
	struct lockdown_limits lim;
	struct stat st;
	struct nl *nl;
	int fd, q0, q1;

	r->entered = userns_entered();
	r->ns_changed = stat("/proc/self/ns/net", &st) == 0 &&
			st.st_ino != r->host_ns;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	r->setns_before = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	lockdown_limits_default(&lim);
	r->setns_after = sandbox_lock(&lim, r->why, sizeof(r->why));
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

/* -errno of a -1/errno call, 0 on success (closing a returned fd). */
static int errno_of(long ret, bool is_fd)
{
	if (ret < 0)
		return -errno;
	if (is_fd)
		close((int)ret);
	return 0;
}

/*
 * A program an exec backend runs keeps the job's capabilities (a root
 * caller's job is uid 1: through the ambient set).  1 when the program
 * saw CAP_NET_ADMIN effective, 0 when not, -1 when it did not run.
 */
static int test_exec_caps(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		sandbox_exec_child();
		execl("/bin/sh", "sh", "-c",
		      "m=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)"
		      " && [ $(( 0x$m >> 12 & 1 )) = 1 ]",
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) > 1)
		return -1;
	return WEXITSTATUS(st) == 0;
}

/*
 * The job's main thread is registered for rseq as glibc believes (the
 * vfork() in sandbox_spawn() drops it; sandbox_spawn() registers it
 * again): registering glibc's area once more is EBUSY.  0 when it was
 * not registered, -EBUSY when it was (or glibc uses no rseq).
 */
static int test_rseq(void)
{
#ifdef RSEQ_SIG
	if (__rseq_size)
		return errno_of(syscall(SYS_rseq,
					(char *)__builtin_thread_pointer() +
						__rseq_offset,
					__rseq_size < 32 ? 32 : __rseq_size, 0,
					RSEQ_SIG),
				false);
#endif
	return -EBUSY;
}

/* After sandbox_lock(): what a hostile backend would try. */
static void test_child_contained(struct result *r)
{
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	struct lockdown_limits lim;
	struct dirent *de;
	struct rlimit rl;
	char c = 'x';
	DIR *d;

	lockdown_limits_default(&lim);
	if (sandbox_lock(&lim, r->why, sizeof(r->why)) < 0)
		return;
	r->pid = getpid();
	d = opendir("/proc");
	while (d && (de = readdir(d)))
		r->procs += de->d_name[0] >= '1' && de->d_name[0] <= '9';
	if (d)
		closedir(d);
	r->dumpable = prctl(PR_GET_DUMPABLE);
	r->tty = errno_of(open("/dev/tty", O_RDONLY | O_CLOEXEC), true);
	r->host_write = errno_of(open(host_file, O_WRONLY | O_CLOEXEC), true);
	r->host_chmod = errno_of(chmod(host_file, 04777), false);
	r->host_utime = errno_of(utimensat(AT_FDCWD, host_file, ts, 0), false);
	r->tmp_create =
		errno_of(open("/tmp/tuncheck-test-sandbox-private",
			      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600),
			 true);
	r->devnull = errno_of(open("/dev/null", O_WRONLY | O_CLOEXEC), true);
	r->sysrq = errno_of(open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC),
			    true);
	r->kernel_sysctl = errno_of(
		open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC), true);
	r->tiocsti = errno_of(ioctl(0, TIOCSTI, &c), false);
	/* the kernel reads cmd as 32 bits: high bits must not slip past */
	r->tiocsti_hi = errno_of(
		syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, &c), false);
	r->mount = errno_of(mount("tmpfs", "/tmp", "tmpfs", 0, NULL), false);
	r->unshare = errno_of(unshare(CLONE_NEWNS), false);
	r->clone_ns = errno_of(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0,
				       NULL, NULL, 0),
			       false);
	if (getrlimit(RLIMIT_NPROC, &rl) == 0)
		r->nproc = (int)rl.rlim_cur;
	r->uid = (int)getuid();
	r->euid = (int)geteuid();
	r->setuid0 = errno_of(setuid(0), false);
	r->exec_caps = test_exec_caps();
	r->rseq = test_rseq();
}

/*
 * Run the body in a job inside a sandbox: its report; its sandbox in sb
 * (the job reaped, PID 1 not yet).
 */
static void test_run_child(struct result *r, void (*body)(struct result *r),
			   struct sandbox *sb)
{
	char why[512];
	struct stat st;
	int p[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = sandbox_spawn(sb, why, sizeof(why));
	if (pid < 0)
		print_message("sandbox_spawn: %s\n", why);
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		r->host_ns = st.st_ino;
		r->enter = sandbox_view(r->why, sizeof(r->why));
		if (!r->enter)
			body(r);
		_exit(write(p[1], r, sizeof(*r)) == sizeof(*r) ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(read(p[0], r, sizeof(*r)), sizeof(*r));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* test_run_child, PID 1 ended and reaped too. */
static void test_run(struct result *r, void (*body)(struct result *r))
{
	struct sandbox sb;

	test_run_child(r, body, &sb);
	sandbox_kill(&sb);
	assert_int_equal(sandbox_reap_init(&sb, true), 1);
}

/* A daemon that would outlive the job: double fork, setsid, sleep. */
static void test_child_daemon(struct result *r)
{
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		if (fork() == 0)
			for (;;)
				pause();
		_exit(0);
	}
	r->pid = waitpid(pid, NULL, 0) == pid ? getpid() : -errno;
}

/*
 * The job is the caller's child (PID 2 inside), and so is PID 1, which
 * outlives it until sandbox_kill(); the daemon dies with PID 1 and
 * nothing else is left to reap.
 */
static void test_init_reaped(void **state)
{
	struct sandbox sb;
	struct result r;

	(void)state;
	if (probe_ret < 0)
		skip();
	test_run_child(&r, test_child_daemon, &sb);
	assert_int_equal(r.pid, 2);
	assert_int_equal(sandbox_reap_init(&sb, false), 0);
	sandbox_kill(&sb);
	assert_int_equal(sandbox_reap_init(&sb, true), 1);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(sandbox_reap_init(&sb, true), -ECHILD);
}

static void test_outside(void **state)
{
	(void)state;
	assert_int_equal(tun_queue_open(), -EPERM);
	assert_int_equal(tun_device_create("tct9", &(struct tun_opts){ 0 }),
			 -EPERM);
	assert_int_equal(if_nametoindex("tct9"), 0);
	/* even on an fd: the check comes first (else EBADF here) */
	assert_int_equal(tun_queue_persist(-1, true), -EPERM);
	assert_int_equal(tun_queue_attach(-1), -EPERM);
	assert_int_equal(tun_queue_detach(-1), -EPERM);
}

static void test_enter_and_configure(void **state)
{
	struct result r;

	(void)state;
	if (probe_ret < 0) {
		print_message("sandbox_probe: %s\n", probe_why);
		skip();
	}
	test_run(&r, test_child_body);
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
}

static void test_queues_and_sysctls(void **state)
{
	struct result r;

	(void)state;
	if (probe_ret < 0)
		skip();
	test_run(&r, test_child_body);
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

/*
 * A job's containment: its own PID namespace and no terminal; the host's
 * files (a throwaway one here) unchanged in content, mode and times, even
 * for a root caller; terminal injection, mounts and new namespaces refused.
 */
static void test_containment(void **state)
{
	struct stat before, after;
	struct result r;
	int fd;

	(void)state;
	if (probe_ret < 0)
		skip();
	fd = mkstemp(host_file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "host", 4), 4);
	close(fd);
	assert_int_equal(stat(host_file, &before), 0);
	test_run(&r, test_child_contained);
	assert_int_equal(stat(host_file, &after), 0);
	unlink(host_file);
	assert_string_equal(r.why, "");
	assert_int_equal(r.pid, 2); /* PID 1 is the sandbox's reaper */
	assert_true(r.procs <= 3);  /* 1, 2 and maybe a dying one */
	assert_int_equal(r.dumpable, 0);
	assert_int_equal(r.tty, -ENXIO); /* no controlling terminal */
	assert_true(r.host_write == -EROFS || r.host_write == -EACCES);
	assert_true(r.host_chmod == -EROFS || r.host_chmod == -EACCES);
	assert_true(r.host_utime == -EROFS || r.host_utime == -EACCES);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_size, 4);
	assert_int_equal(r.tmp_create, 0); /* a private /tmp */
	assert_int_equal(access("/tmp/tuncheck-test-sandbox-private", F_OK),
			 -1);
	assert_int_equal(r.devnull, 0);
	/* ENOENT: a kernel without CONFIG_MAGIC_SYSRQ */
	assert_true(r.sysrq == -EROFS || r.sysrq == -EACCES ||
		    r.sysrq == -ENOENT);
	assert_true(r.kernel_sysctl == -EROFS || r.kernel_sysctl == -EACCES);
	assert_int_equal(r.tiocsti, -EPERM);
	assert_int_equal(r.tiocsti_hi, -EPERM);
	assert_int_equal(r.mount, -EPERM);
	assert_int_equal(r.unshare, -EPERM);
	assert_int_equal(r.clone_ns, -EPERM);
	assert_int_equal(r.nproc, 128);
	/* a root caller's job is uid 1 (host 65534), for RLIMIT_NPROC to
	 * apply, and cannot become 0 again; others stay 0 */
	assert_int_equal(r.uid, getuid() == 0 ? 1 : 0);
	assert_int_equal(r.euid, r.uid);
	assert_int_equal(r.setuid0, getuid() == 0 ? -EPERM : 0);
	assert_int_equal(r.exec_caps, 1);
	assert_int_equal(r.rseq, -EBUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside),
		cmocka_unit_test(test_enter_and_configure),
		cmocka_unit_test(test_queues_and_sysctls),
		cmocka_unit_test(test_containment),
		cmocka_unit_test(test_init_reaped),
	};
	unsigned gaps;

	probe_ret = sandbox_probe(probe_why, sizeof(probe_why), &gaps);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
