// SPDX-License-Identifier: MIT
/*
 * Can jobs run here?  A throw-away child enters a sandbox, locks it down
 * and creates a TUN device; its report becomes one line with the cause
 * and the fix (see sandbox.h, sandbox_probe).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lockdown.h"
#include "sandbox.h"
#include "tun.h"

static const char TUN_DEV[] = "/dev/net/tun";
static const char PROBE_DEV[] = "tcprobe0";

/* What the probe child reports through its pipe. */
enum probe_stage { PROBE_ENTER, PROBE_OPEN, PROBE_SETIFF, PROBE_OK };
struct probe_report {
	int stage, err;
	unsigned gaps;
	char why[480];
};

/* In the probe's sandbox: its view, open a queue, create a device; report. */
static void probe_child(int out)
{
	static struct probe_report r;
	const struct tun_opts o = { 0 };
	struct lockdown_limits l;
	int fd;

	r.stage = PROBE_ENTER;
	r.err = -sandbox_view(r.why, sizeof(r.why));
	if (!r.err) {
		lockdown_limits_default(&l);
		r.err = -sandbox_lock(&l, r.why, sizeof(r.why));
	}
	r.gaps = sandbox_gaps();
	if (r.err)
		goto report;
	r.stage = PROBE_OPEN;
	fd = tun_queue_open();
	if (fd < 0) {
		r.err = -fd;
		goto report;
	}
	r.stage = PROBE_SETIFF;
	r.err = -tun_queue_setiff(fd, PROBE_DEV, &o);
	/* persistent, exit() does not wait for unregister_netdevice */
	if (!r.err)
		r.err = -tun_queue_persist(fd, true);
	if (!r.err)
		r.stage = PROBE_OK;
report:
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(0);
}

/* A user:group name for messages, numeric if unknown. */
static void probe_owner_name(const struct stat *st, char *buf, size_t size)
{
	const struct passwd *pw = getpwuid(st->st_uid);
	const struct group *gr = getgrgid(st->st_gid);
	char u[32], g[32];

	snprintf(u, sizeof(u), "%u", (unsigned)st->st_uid);
	snprintf(g, sizeof(g), "%u", (unsigned)st->st_gid);
	snprintf(buf, size, "%s:%s", pw ? pw->pw_name : u,
		 gr ? gr->gr_name : g);
}

/* Turn the child's report into one line with the cause and the fix. */
static int probe_explain(const struct probe_report *r, const struct stat *st,
			 char *why, size_t size)
{
	char owner[80];

	switch (r->stage) {
	case PROBE_OK:
		return 0;
	case PROBE_ENTER:
		snprintf(why, size, "%s", r->why);
		break;
	case PROBE_OPEN:
		probe_owner_name(st, owner, sizeof(owner));
		if (r->err == EACCES)
			snprintf(
				why, size,
				"%s is mode %04o owner %s, not accessible to uid %u: make it 0666 (udev does on most distributions: chmod 0666 %s)",
				TUN_DEV, (unsigned)(st->st_mode & 07777), owner,
				(unsigned)getuid(), TUN_DEV);
		else if (r->err == EPERM)
			snprintf(
				why, size,
				"open(%s): %s — a device cgroup or container policy denies it (docker/podman: --device %s)",
				TUN_DEV, strerror(r->err), TUN_DEV);
		else
			snprintf(
				why, size,
				"open(%s): %s — is the tun module loaded? (modprobe tun)",
				TUN_DEV, strerror(r->err));
		break;
	default:
		snprintf(
			why, size, "TUNSETIFF %s in a new namespace: %s%s",
			PROBE_DEV, strerror(r->err),
			r->err == EPERM
				? " — CAP_NET_ADMIN in the new namespace was denied (an LSM policy?)"
			: r->err == ENOTTY || r->err == EBADFD
				? " — /dev/net/tun is not the tun device (char 10:200)"
				: "");
		break;
	}
	return r->err ? -r->err : -EIO;
}

/* From the host: can a child enter a sandbox and create a TUN there? */
int sandbox_probe(char *why, size_t size, unsigned *gaps)
{
	struct probe_report r = { .stage = PROBE_ENTER };
	struct sandbox sb;
	struct stat st;
	int p[2], status = 0, ret;
	ssize_t n = 0;
	pid_t pid;

	if (stat(TUN_DEV, &st) < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			snprintf(
				why, size,
				"%s is missing: load the tun module (modprobe tun) or create it (mknod %s c 10 200)",
				TUN_DEV, TUN_DEV);
		else
			snprintf(why, size, "stat(%s): %s", TUN_DEV,
				 strerror(-ret));
		return ret;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(
			why, size,
			"%s is not a character device: recreate it (mknod %s c 10 200)",
			TUN_DEV, TUN_DEV);
		return -ENODEV;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(why, size, "pipe2: %s", strerror(-ret));
		return ret;
	}
	fflush(NULL);
	pid = sandbox_spawn(&sb, r.why, sizeof(r.why));
	if (pid == 0) {
		close(p[0]);
		probe_child(p[1]);
	}
	close(p[1]);
	p[1] = -1;
	if (pid < 0) {
		/* entering the namespaces failed: why says so, with the fix */
		r.err = -pid;
		n = sizeof(r);
		goto report;
	}
	do
		n = read(p[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sandbox_kill(&sb);
	sandbox_reap_init(&sb, true);
report:
	if (n == sizeof(r)) {
		r.why[sizeof(r.why) - 1] = '\0';
		*gaps = r.gaps;
		ret = probe_explain(&r, &st, why, size);
	} else if (WIFSIGNALED(status)) {
		ret = -ECHILD;
		snprintf(
			why, size,
			"the sandbox probe child was killed by signal %d (%s) — a seccomp profile killing unshare?",
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else {
		ret = -ECHILD;
		snprintf(
			why, size,
			"the sandbox probe child exited with status %d without a report",
			WEXITSTATUS(status));
	}
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return ret;
}
