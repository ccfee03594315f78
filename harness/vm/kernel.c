// SPDX-License-Identifier: MIT
/* --kernel SPEC: the host, or a bzImage and where its modules are. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel.h"

/*
 * Documentation/arch/x86/boot.rst: "HdrS" at 0x202, and at 0x20e the
 * offset (from 0x200) of the kernel_version string, "6.1.0-50-amd64
 * (debian-kernel@...) #1 SMP ...": its first word is the release.
 */
int vm_kernel_release(const unsigned char *buf, size_t len, char *rel,
		      size_t size)
{
	size_t off, i;

	if (len < 0x210 || memcmp(buf + 0x202, "HdrS", 4))
		return -1;
	off = 0x200 + (size_t)(buf[0x20e] | buf[0x20f] << 8);
	if (off >= len)
		return -1;
	for (i = 0; off + i < len && i + 1 < size; i++) {
		unsigned char c = buf[off + i];

		if (c <= ' ' || c > '~')
			break;
		rel[i] = (char)c;
	}
	rel[i] = 0;
	return i ? 0 : -1;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* MODULES as given: lib/modules/RELEASE itself, or a root holding it. */
static void find_moddir(struct vm_kernel *k, const char *given)
{
	char dir[PATH_MAX], *slash;
	char cand[3][PATH_MAX + 160];

	snprintf(dir, sizeof(dir), "%s", k->image);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	if (given) {
		snprintf(cand[0], sizeof(cand[0]), "%s", given);
		snprintf(cand[1], sizeof(cand[1]), "%s/lib/modules/%s", given,
			 k->release);
		cand[2][0] = 0;
	} else {
		/* Debian: boot/vmlinuz-R beside lib/modules/R */
		snprintf(cand[0], sizeof(cand[0]), "%s/../lib/modules/%s", dir,
			 k->release);
		snprintf(cand[1], sizeof(cand[1]), "%s/lib/modules/%s", dir,
			 k->release);
		snprintf(cand[2], sizeof(cand[2]), "/lib/modules/%s",
			 k->release);
	}
	for (int i = 0; i < 3; i++) {
		char dep[sizeof(cand[i]) + 16];

		snprintf(dep, sizeof(dep), "%.4200s/modules.dep", cand[i]);
		if (cand[i][0] && !access(dep, R_OK) &&
		    realpath(cand[i], k->moddir))
			return;
	}
	k->moddir[0] = 0;
}

int vm_kernel_parse(const char *spec, struct vm_kernel *k, char *why,
		    size_t size)
{
	static unsigned char buf[65536];
	char img[PATH_MAX];
	const char *colon = strchr(spec, ':');
	const char *mods = colon ? colon + 1 : NULL;
	struct utsname u;
	ssize_t len;
	int fd;

	memset(k, 0, sizeof(*k));
	if (!strcmp(spec, "host")) {
		k->host = true;
		uname(&u);
		snprintf(k->release, sizeof(k->release), "%s", u.release);
		snprintf(k->label, sizeof(k->label), "host:%.58s", u.release);
		return 0;
	}
	snprintf(img, sizeof(img), "%.*s",
		 (int)(colon ? (size_t)(colon - spec) : strlen(spec)), spec);
	if (!realpath(img, k->image)) {
		snprintf(why, size, "'%s': %s", img, strerror(errno));
		return -1;
	}
	if (mods && !is_dir(mods)) {
		snprintf(why, size, "'%s': not a modules directory", mods);
		return -1;
	}
	fd = open(k->image, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, size, "'%s': %s", img, strerror(errno));
		return -1;
	}
	len = read(fd, buf, sizeof(buf));
	close(fd);
	if (len < 0 || vm_kernel_release(buf, (size_t)len, k->release,
					 sizeof(k->release)) < 0) {
		/* a per-kernel verdict: the other kernels still run */
		snprintf(k->broken, sizeof(k->broken),
			 "%.180s is not a bootable x86 bzImage (no HdrS "
			 "header)",
			 img);
		snprintf(k->release, sizeof(k->release), "%s",
			 strrchr(k->image, '/') + 1);
	} else {
		find_moddir(k, mods);
	}
	snprintf(k->label, sizeof(k->label), "%.63s", k->release);
	return 0;
}
