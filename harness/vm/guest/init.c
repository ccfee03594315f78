// SPDX-License-Identifier: MIT
/*
 * tuncheck-init: PID 1 of a kernel-matrix guest, linked statically and
 * embedded in the initramfs the host builds (harness/vm/initramfs.c).
 *
 * It loads the modules listed in /modules.list (in dependency order),
 * mounts the host's root read-only over 9p, moves /dev, /proc and /sys
 * under it and makes it the root the way switch_root does (a chroot()ed
 * process may not create user namespaces: current_chrooted() in
 * create_user_ns()), then runs the guest tuncheck as the caller's uid
 * with the arguments in /tuncheck.conf, and powers off.  What it sees
 * goes to the console and, as records, to the result port.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../channel.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

#define ROOT "/newroot"

static int port = -1;
static char port_path[300]; /* a virtio port opens once at a time */
static char port_env[320];
static char notes[CHANNEL_TEXT_MAX];

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("tuncheck-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A note for the host's report, kept until the port is open. */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	size_t l = strlen(notes);
	va_list ap;

	if (l && l + 2 < sizeof(notes))
		strcpy(notes + l, "; "), l += 2;
	va_start(ap, fmt);
	vsnprintf(notes + l, sizeof(notes) - l, fmt, ap);
	va_end(ap);
}

static void send_rec(uint32_t type, const void *p, size_t len)
{
	struct channel_hdr h = { CHANNEL_MAGIC, type, (uint32_t)len };

	if (port < 0)
		return;
	if (write(port, &h, sizeof(h)) != sizeof(h) ||
	    (len && write(port, p, len) != (ssize_t)len))
		say("result port: %s", strerror(errno));
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* Load /modules.list: one path per line, dependencies first. */
static void load_modules(void)
{
	FILE *f = fopen("/modules.list", "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t l = strcspn(line, "\n");
		const char *base;
		int fd, flags = 0;

		line[l] = 0;
		if (!l)
			continue;
		base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
		if (strstr(base, ".ko.") != NULL)
			flags = MODULE_INIT_COMPRESSED_FILE;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", flags) < 0 &&
			       errno != EEXIST)) {
			say("module %s: %s", base, strerror(errno));
			note("module %s: %s", base, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

/* The /dev name of the virtio-serial port called CHANNEL_PORT. */
static int open_port(void)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	char path[300], name[64];

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name",
			 e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		name[0] = 0;
		if (!fgets(name, sizeof(name), f))
			name[0] = 0;
		fclose(f);
		name[strcspn(name, "\n")] = 0;
		if (!strcmp(name, CHANNEL_PORT)) {
			snprintf(port_path, sizeof(port_path), "/dev/%s",
				 e->d_name);
			closedir(d);
			return open(port_path, O_WRONLY | O_CLOEXEC);
		}
	}
	closedir(d);
	return -1;
}

/* Wait for a device node (devtmpfs creates them asynchronously). */
static int wait_for(const char *path)
{
	for (int i = 0; i < 200; i++) {
		if (!access(path, F_OK))
			return 0;
		usleep(10000);
	}
	return -1;
}

static int mount_root(void)
{
	static const char *const opts[] = {
		"trans=virtio,version=9p2000.L,msize=262144,cache=loose",
		"trans=virtio,version=9p2000.L",
	};
	static const char *const moves[] = { "/dev", "/proc", "/sys" };
	char to[64];

	mkdir(ROOT, 0755);
	for (size_t i = 0; i < 2; i++)
		if (!mount("hostroot", ROOT, "9p", MS_RDONLY, opts[i]))
			goto mounted;
	say("mount 9p root: %s", strerror(errno));
	note("cannot mount the host root over 9p: %s", strerror(errno));
	return -1;
mounted:
	for (size_t i = 0; i < 3; i++) {
		snprintf(to, sizeof(to), ROOT "%s", moves[i]);
		if (mount(moves[i], to, NULL, MS_MOVE, NULL) < 0) {
			say("move %s: %s", moves[i], strerror(errno));
			note("cannot move %s: %s", moves[i], strerror(errno));
			return -1;
		}
	}
	mkdir(ROOT "/dev/shm", 01777);
	mount("tmpfs", ROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
	      "mode=1777");
	/* switch_root: the new root becomes the mount namespace's root */
	if (chdir(ROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0) {
		say("switch root: %s", strerror(errno));
		note("cannot switch to the host root: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* /tuncheck.conf: NUL-separated key=value records, "", then argv. */
struct conf {
	uid_t uid;
	gid_t gid;
	char cwd[4096];
	char *argv[256];
	char buf[65536];
};

static int read_conf(struct conf *c)
{
	int fd = open("/tuncheck.conf", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, c->buf, sizeof(c->buf) - 1);
	size_t argc = 0;
	char *p, *end;
	bool args = false;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	c->buf[n] = 0;
	for (p = c->buf, end = c->buf + n; p < end; p += strlen(p) + 1) {
		if (args) {
			if (argc < 255)
				c->argv[argc++] = p;
		} else if (!*p) {
			args = true;
		} else if (!strncmp(p, "uid=", 4)) {
			c->uid = (uid_t)strtoul(p + 4, NULL, 10);
		} else if (!strncmp(p, "gid=", 4)) {
			c->gid = (gid_t)strtoul(p + 4, NULL, 10);
		} else if (!strncmp(p, "cwd=", 4)) {
			snprintf(c->cwd, sizeof(c->cwd), "%s", p + 4);
		}
	}
	c->argv[argc] = NULL;
	return argc ? 0 : -1;
}

/* The caller's uid, the host's cwd, stdout to nowhere: exec tuncheck. */
static void run_child(const struct conf *c)
{
	char *const envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/",
		port_env,
		NULL,
	};
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	if (setgroups(0, NULL) < 0 || setgid(c->gid) < 0 || setuid(c->uid) < 0)
		say("drop to uid %u: %s", c->uid, strerror(errno));
	else if (chdir(c->cwd) < 0)
		say("chdir %s: %s", c->cwd, strerror(errno));
	else
		execve(c->argv[0], c->argv, envp);
	say("exec %s: %s", c->argv[0], strerror(errno));
	_exit(127);
}

int main(void)
{
	static struct conf c;
	int32_t status = -1;
	pid_t pid, w;
	int st, con;

	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	con = open("/dev/console", O_RDWR);
	if (con >= 0) {
		dup2(con, 1);
		dup2(con, 2);
	}
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (read_conf(&c) < 0) {
		say("no /tuncheck.conf");
		power_off();
	}
	load_modules();
	/* the port appears once virtio_console probed it */
	for (int i = 0; i < 200 && (port = open_port()) < 0; i++)
		usleep(10000);
	if (port < 0)
		say("no virtio port named " CHANNEL_PORT);
	if (wait_for("/dev/net/tun") < 0)
		note("no /dev/net/tun (the tun module did not load)");
	else
		chmod("/dev/net/tun", 0666); /* what udev does on a distro */
	/* guest only: unprivileged user namespaces (Debian's 5.10 knob) */
	con = open("/proc/sys/kernel/unprivileged_userns_clone", O_WRONLY);
	if (con >= 0) {
		if (write(con, "1", 1) != 1)
			note("unprivileged_userns_clone: %s", strerror(errno));
		close(con);
	}
	if (mount_root() < 0) {
		send_rec(CH_INIT, notes, strlen(notes));
		power_off();
	}
	send_rec(CH_INIT, notes, strlen(notes));
	/* the guest tuncheck opens the port itself, as the caller's uid
	 * (devtmpfs makes it root's, 0600): hand it over */
	if (port_path[0] && chown(port_path, c.uid, c.gid) < 0)
		say("chown %s: %s", port_path, strerror(errno));
	snprintf(port_env, sizeof(port_env), "TUNCHECK_VM_PORT=%s", port_path);
	if (port >= 0)
		close(port);
	pid = fork();
	if (pid == 0)
		run_child(&c);
	/* PID 1 reaps every orphan until tuncheck itself ends */
	while (pid > 0 && (w = wait(&st)) != -1)
		if (w == pid) {
			status = st;
			break;
		}
	port = port_path[0] ? open(port_path, O_WRONLY | O_CLOEXEC) : -1;
	send_rec(CH_EXIT, &status, sizeof(status));
	power_off();
}
