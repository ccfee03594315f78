// SPDX-License-Identifier: MIT
/* Sysctls of the sandbox's own namespaces (declared in link.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "link.h"
#include "userns.h"

/* Write /proc/sys/KEY, dots as slashes; only net.* and only inside the
 * sandbox. */
int sysctl_set(const char *key, const char *value)
{
	char path[256];
	size_t vlen = strlen(value);
	ssize_t n;
	int fd, len, ret = 0;

	/*
	 * Outside net/ the tables are the host's: test_perm() (under
	 * proc_sys_permission) lets euid GLOBAL_ROOT_UID write them, which a
	 * root caller still is in its user namespace (uid_map "0 0 1").
	 */
	if (!userns_entered() || strncmp(key, "net.", 4))
		return -EPERM;
	len = snprintf(path, sizeof(path), "/proc/sys/%s", key);
	if (!key[0] || strchr(key, '/') || strstr(key, "..") || key[0] == '.' ||
	    len < 0 || (size_t)len >= sizeof(path))
		return -EINVAL;
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, vlen);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != vlen)
		ret = -EIO;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}
