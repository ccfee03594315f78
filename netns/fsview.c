// SPDX-License-Identifier: MIT
/*
 * The job's file system view (see fsview.h), in the manner of bubblewrap:
 * make every mount private, then read-only (mount_setattr, or one remount
 * per mount on kernels before 5.12), then mount what the job may write.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fsview.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLONE /* glibc 2.36's <sys/mount.h> has them; older not */
#define OPEN_TREE_CLONE	  1
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

#define FSVIEW_EXPOSE_MAX 32

static const char *const fsview_tmpfs[] = { "/tmp", "/run", "/dev/shm" };

/* Host paths under a private tmpfs that jobs still need (fsview_expose). */
static char *fsview_exposed[FSVIEW_EXPOSE_MAX];
static size_t fsview_n_exposed;

int fsview_expose(const char *path)
{
	char *real = realpath(path, NULL);

	if (!real)
		return -errno;
	for (size_t i = 0; i < fsview_n_exposed; i++)
		if (!strcmp(fsview_exposed[i], real)) {
			free(real);
			return 0;
		}
	if (fsview_n_exposed == FSVIEW_EXPOSE_MAX) {
		free(real);
		return -ENOSPC;
	}
	fsview_exposed[fsview_n_exposed++] = real;
	return 0;
}

/*
 * dir/NAME, the entry right below dir that leads to path, into buf; false
 * when path is not below dir.
 */
static bool fsview_top_entry(const char *dir, const char *path, char *buf,
			     size_t size)
{
	size_t n = strlen(dir);

	if (strncmp(path, dir, n) || path[n] != '/' || !path[n + 1])
		return false;
	n += 1 + strcspn(path + n + 1, "/");
	if (n >= size)
		return false;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return true;
}

/*
 * Before dir is covered by a private tmpfs: a detached copy of each
 * exposed entry below it (open_tree, Linux 5.2), in fds[]/names[].
 */
static size_t fsview_grab(const char *dir, int *fds, char names[][PATH_MAX])
{
	size_t n = 0;

	for (size_t i = 0; i < fsview_n_exposed; i++) {
		char top[PATH_MAX];
		bool seen = false;
		int fd;

		if (!fsview_top_entry(dir, fsview_exposed[i], top, sizeof(top)))
			continue;
		for (size_t k = 0; k < n; k++)
			seen |= !strcmp(names[k], top);
		if (seen)
			continue;
		fd = (int)syscall(SYS_open_tree, AT_FDCWD, top,
				  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					  AT_RECURSIVE);
		if (fd < 0)
			continue;
		fds[n] = fd;
		snprintf(names[n++], PATH_MAX, "%s", top);
	}
	return n;
}

/* Put the grabbed entries back, read-only, at their old paths. */
static void fsview_restore(const int *fds, char names[][PATH_MAX], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (fstat(fds[i], &st) == 0) {
			if (S_ISDIR(st.st_mode))
				mkdir(names[i], 0755);
			else
				close(open(names[i],
					   O_WRONLY | O_CREAT | O_CLOEXEC,
					   0644));
			syscall(SYS_move_mount, fds[i], "", AT_FDCWD, names[i],
				MOVE_MOUNT_F_EMPTY_PATH);
		}
		close(fds[i]);
	}
}

/* mount_setattr(2) through syscall(): glibc 2.36 has no wrapper. */
static int fsview_setattr(const char *path, unsigned flags, uint64_t set,
			  uint64_t clr)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr };

	if (syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &a, sizeof(a)) <
	    0)
		return -errno;
	return 0;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void fsview_unescape(char *s)
{
	char *o = s;

	for (; *s; s++, o++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				    (s[3] - '0'));
			s += 3;
		} else {
			*o = *s;
		}
	}
	*o = '\0';
}

/* One mount read-only, keeping the flags a user namespace may not drop. */
static int fsview_remount_ro(const char *mp)
{
	unsigned long keep = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs sv;

	if (statvfs(mp, &sv) < 0)
		return -errno;
	keep |= (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
		(sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
		(sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) |
		(sv.f_flag & ST_NOATIME ? MS_NOATIME : 0) |
		(sv.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0) |
		(sv.f_flag & ST_RELATIME ? MS_RELATIME : 0);
	return mount(NULL, mp, NULL, keep, NULL) < 0 ? -errno : 0;
}

/*
 * Kernels without mount_setattr: remount every mount read-only, one by
 * one, from /proc/self/mountinfo.  0, or -errno of the first failure
 * (the others are still tried).
 */
static int fsview_remount_each(void)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0, r;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *save, *mp = NULL;

		/* id parent major:minor root MOUNTPOINT ... */
		strtok_r(line, " ", &save);
		for (int i = 0; i < 4; i++)
			mp = strtok_r(NULL, " ", &save);
		if (!mp)
			continue;
		fsview_unescape(mp);
		r = fsview_remount_ro(mp);
		if (r < 0 && r != -ENOENT && !ret)
			ret = r;
	}
	free(line);
	fclose(f);
	return ret;
}

/* The host tree read-only, recursively.  0 or -errno. */
static int fsview_readonly(void)
{
	int ret = fsview_setattr("/", AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0);

	if (ret == -ENOSYS || ret == -EINVAL)
		ret = fsview_remount_each();
	return ret;
}

/*
 * Private tmpfs where programs expect to write; missing dirs skipped.
 * What the run needs from below them (its directory, a plugin, an exec
 * program) stays visible, read-only; nothing else of the host's (an X11
 * socket in /tmp, the D-Bus socket in /run) does.
 */
static void fsview_scratch(void)
{
	static char names[FSVIEW_EXPOSE_MAX][PATH_MAX];
	int fds[FSVIEW_EXPOSE_MAX];
	struct stat st;
	size_t n;

	for (size_t i = 0; i < sizeof(fsview_tmpfs) / sizeof(*fsview_tmpfs);
	     i++) {
		if (stat(fsview_tmpfs[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		n = fsview_grab(fsview_tmpfs[i], fds, names);
		/* best effort: without it the directory is read-only */
		if (mount("tmpfs", fsview_tmpfs[i], "tmpfs",
			  MS_NOSUID | MS_NODEV, "mode=1777,size=64m") == 0)
			fsview_restore(fds, names, n);
		else
			for (size_t k = 0; k < n; k++)
				close(fds[k]);
	}
}

/* Bind path onto itself, writable: 0 or -errno. */
static int fsview_bind_rw(const char *path)
{
	if (mount(path, path, NULL, MS_BIND, NULL) < 0)
		return -errno;
	if (mount(NULL, path, NULL,
		  MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return -errno;
	return 0;
}

/*
 * A fresh /proc of our PID namespace, read-only but for /proc/sys/net
 * (the case's sysctls).  A root caller is uid 0 to the host's /proc/sys
 * and /proc/sysrq-trigger, so the rest must not be writable.  When the
 * kernel refuses a new proc mount (a container's masked /proc), the
 * host's stays, read-only: FSVIEW_GAP_PROC.
 */
static int fsview_proc(unsigned *gaps)
{
	int ret;

	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0) {
		*gaps |= FSVIEW_GAP_PROC;
		return fsview_bind_rw("/proc/sys/net");
	}
	ret = fsview_bind_rw("/proc/sys/net");
	if (ret < 0)
		return ret;
	if (mount(NULL, "/proc", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL) < 0)
		return -errno;
	return 0;
}

int fsview_build(unsigned *gaps, char *why, size_t size)
{
	int ret;

	*gaps = 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		ret = -errno;
		snprintf(why, size, "mount --make-rprivate /: %s",
			 strerror(-ret));
		return ret;
	}
	if (fsview_readonly() < 0)
		*gaps |= FSVIEW_GAP_RDONLY;
	fsview_scratch();
	ret = fsview_proc(gaps);
	if (ret < 0)
		snprintf(why, size, "mount /proc for the job: %s",
			 strerror(-ret));
	return ret;
}
