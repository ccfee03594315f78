/* SPDX-License-Identifier: MIT */
/*
 * The guest's initramfs, built on the fly for each kernel: an
 * uncompressed cpio (newc) archive holding tuncheck-init as /init, the
 * kernel modules the guest needs (with their dependencies, in load
 * order), and /tuncheck.conf (uid, gid, cwd, then the guest tuncheck's
 * argv).  Every kernel unpacks an uncompressed cpio (populate_rootfs).
 */
#ifndef TUNCHECK_VM_INITRAMFS_H
#define TUNCHECK_VM_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>

#define MODS_MAX 64

/* The modules to load, paths relative to the modules directory. */
struct mod_list {
	char *path[MODS_MAX];
	size_t n;
	char missing[256]; /* wanted modules neither built in nor found */
};

/*
 * Resolve the modules the guest needs (virtio PCI, virtio console, 9p
 * over virtio, tun) and their dependencies from modules.dep text, built-in
 * ones (modules.builtin text, may be NULL) left out.  Dependencies come
 * before their users.  Pure: 0, or -ENOSPC when more than MODS_MAX.
 */
int initramfs_modules(const char *dep, const char *builtin,
		      struct mod_list *out);
void initramfs_modules_free(struct mod_list *m);

/*
 * A regular file whole into memory, NUL-terminated (a module, a
 * modules.dep): malloc()ed with *len set, or NULL with errno set.
 */
void *initramfs_slurp(const char *path, size_t *len);

/*
 * Write the archive to fd: init (its bytes), conf (conf_len bytes,
 * NUL-separated records) and every module of m read from moddir.
 * 0 or -errno with why set.
 */
int initramfs_write(int fd, const void *init, size_t init_len, const char *conf,
		    size_t conf_len, const char *moddir,
		    const struct mod_list *m, char *why, size_t size);

#endif
