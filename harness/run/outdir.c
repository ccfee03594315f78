// SPDX-License-Identifier: MIT
/* Output directories and per-job files (see outdir.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"

int outdir_open(const char *path, char *why, size_t size)
{
	char probe[64];
	int fd, f, ret;

	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		snprintf(why, size, "%s: cannot create: %s", path,
			 strerror(-ret));
		return ret;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, size, "%s: %s", path,
			 ret == -ENOTDIR ? "not a directory" : strerror(-ret));
		return ret;
	}
	/* root ignores modes, not a read-only mount: really try */
	snprintf(probe, sizeof(probe), ".tuncheck-probe-%d", (int)getpid());
	f = openat(fd, probe,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f < 0) {
		ret = -errno;
		snprintf(why, size, "%s: not writable: %s", path,
			 strerror(-ret));
		close(fd);
		return ret;
	}
	close(f);
	unlinkat(fd, probe, 0);
	return fd;
}

/* Append s to buf at *off, encoded; false when it does not fit. */
static int outdir_encode(const char *s, char *buf, size_t size, size_t *off)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || strchr("._-=,", c);

		if (*off + (keep ? 1 : 3) >= size)
			return 0;
		if (keep)
			buf[(*off)++] = (char)c;
		else
			*off += (size_t)snprintf(buf + *off, size - *off,
						 "%%%02X", c);
	}
	buf[*off] = '\0';
	return 1;
}

const char *outdir_job_name(const char *case_name, const char *backend,
			    const char *ext, char *buf, size_t size)
{
	size_t off = 0;

	if (!size)
		return NULL;
	buf[0] = '\0';
	if (!outdir_encode(case_name, buf, size, &off) || off + 1 >= size)
		return NULL;
	buf[off++] = '@';
	buf[off] = '\0';
	if (!outdir_encode(backend, buf, size, &off) ||
	    off + strlen(ext) + 2 > size)
		return NULL;
	snprintf(buf + off, size - off, ".%s", ext);
	return buf;
}

int outdir_create(int dirfd, const char *name)
{
	int fd;

	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, name,
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	return fd < 0 ? -errno : fd;
}
