// SPDX-License-Identifier: MIT
/* The guest's initramfs: module closure from modules.dep, cpio newc out. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initramfs.h"

/* What the guest loads, in this order (tun last: its absence is a verdict). */
static const char *const wanted[] = {
	"virtio_pci", "virtio_console", "9pnet_virtio", "9p", "tun",
};

/* "kernel/fs/9p/9p.ko.xz" is module "9p"; '-' and '_' are the same. */
static bool mod_is(const char *path, size_t len, const char *name)
{
	const char *base = path;
	size_t i;

	for (i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	len -= (size_t)(base - path);
	for (i = 0; name[i]; i++) {
		char a = i < len ? base[i] : 0, b = name[i];

		if ((a == '-' ? '_' : a) != (b == '-' ? '_' : b))
			return false;
	}
	return i + 3 <= len && !strncmp(base + i, ".ko", 3) &&
	       (i + 3 == len || base[i + 3] == '.');
}

/* The modules.dep line "PATH: DEPS" whose module is name, or NULL. */
static const char *dep_line(const char *dep, const char *name)
{
	for (const char *l = dep; l && *l;) {
		const char *colon = strchr(l, ':'), *nl = strchr(l, '\n');

		if (colon && (!nl || colon < nl) &&
		    mod_is(l, (size_t)(colon - l), name))
			return l;
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static bool in_builtin(const char *builtin, const char *name)
{
	for (const char *l = builtin; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (mod_is(l, len, name))
			return true;
		l = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool listed(const struct mod_list *m, const char *p, size_t len)
{
	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->path[i]) == len && !strncmp(m->path[i], p, len))
			return true;
	return false;
}

/* The module at dep's line l, after its dependencies (depth-first). */
static int add_line(const char *dep, const char *l, struct mod_list *m,
		    int depth)
{
	const char *colon = strchr(l, ':'), *end = strchr(l, '\n');
	const char *p = colon + 1;

	if (!end)
		end = l + strlen(l);
	if (listed(m, l, (size_t)(colon - l)) || depth > 16)
		return 0;
	while (p < end) {
		const char *q;
		char name[128];
		size_t len;

		while (p < end && *p == ' ')
			p++;
		for (q = p; q < end && *q != ' ';)
			q++;
		len = (size_t)(q - p);
		if (len) {
			const char *sub = NULL;

			/* the dependency's own line: match the exact path */
			for (const char *s = dep; s && *s;) {
				const char *c = strchr(s, ':');

				if (c && (size_t)(c - s) == len &&
				    !strncmp(s, p, len)) {
					sub = s;
					break;
				}
				s = strchr(s, '\n');
				s = s ? s + 1 : NULL;
			}
			if (sub) {
				int r = add_line(dep, sub, m, depth + 1);

				if (r < 0)
					return r;
			} else if (!listed(m, p, len)) {
				/* listed as a dependency only: load it as is */
				if (m->n == MODS_MAX)
					return -ENOSPC;
				snprintf(name, sizeof(name), "%.*s", (int)len,
					 p);
				m->path[m->n++] = strdup(name);
			}
		}
		p = q;
	}
	if (m->n == MODS_MAX)
		return -ENOSPC;
	m->path[m->n] = strndup(l, (size_t)(colon - l));
	return m->path[m->n++] ? 0 : -ENOMEM;
}

int initramfs_modules(const char *dep, const char *builtin,
		      struct mod_list *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		const char *l = dep ? dep_line(dep, wanted[i]) : NULL;
		size_t ml = strlen(out->missing);
		int r;

		if (builtin && in_builtin(builtin, wanted[i]))
			continue;
		if (l) {
			r = add_line(dep, l, out, 0);
			if (r < 0)
				return r;
		} else {
			snprintf(out->missing + ml, sizeof(out->missing) - ml,
				 "%s%s", ml ? " " : "", wanted[i]);
		}
	}
	return 0;
}

void initramfs_modules_free(struct mod_list *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->path[i]);
	m->n = 0;
}

static int write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t w = write(fd, c, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		c += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One cpio newc entry: header, name, data, each padded to 4 bytes. */
static int cpio_entry(int fd, const char *name, unsigned mode, const void *data,
		      size_t len)
{
	static unsigned ino = 1;
	static const char zero[4];
	char hdr[160];
	size_t nl = strlen(name) + 1;
	int r;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		 ino++, mode, 0, 0, 1, 0, len, 0, 0, 0, 0, nl, 0);
	if ((r = write_all(fd, hdr, 110)) < 0 ||
	    (r = write_all(fd, name, nl)) < 0 ||
	    (r = write_all(fd, zero, (4 - (110 + nl) % 4) % 4)) < 0 ||
	    (len && (r = write_all(fd, data, len)) < 0) ||
	    (r = write_all(fd, zero, (4 - len % 4) % 4)) < 0)
		return r;
	return 0;
}

void *initramfs_slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(buf = malloc((size_t)st.st_size + 1)))
		goto out;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r <= 0) {
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)r;
	}
	buf[got] = 0;
	*len = got;
out:
	close(fd);
	return buf;
}

int initramfs_write(int fd, const void *init, size_t init_len, const char *conf,
		    size_t conf_len, const char *moddir,
		    const struct mod_list *m, char *why, size_t size)
{
	static const char *const dirs[] = { "dev", "proc", "sys", "newroot",
					    "modules" };
	char list[MODS_MAX * 80] = "", name[128], path[4096];
	size_t ll = 0;
	int r = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !r; i++)
		r = cpio_entry(fd, dirs[i], S_IFDIR | 0755, NULL, 0);
	if (!r)
		r = cpio_entry(fd, "init", S_IFREG | 0755, init, init_len);
	if (!r)
		r = cpio_entry(fd, "tuncheck.conf", S_IFREG | 0644, conf,
			       conf_len);
	for (size_t i = 0; i < m->n && !r; i++) {
		const char *base = strrchr(m->path[i], '/');
		size_t len = 0;
		void *data;

		base = base ? base + 1 : m->path[i];
		snprintf(path, sizeof(path), "%s/%s", moddir, m->path[i]);
		data = initramfs_slurp(path, &len);
		if (!data) {
			snprintf(why, size, "module %s: %s", path,
				 strerror(errno ? errno : EIO));
			return -ENOENT;
		}
		snprintf(name, sizeof(name), "modules/%02zu-%s", i, base);
		r = cpio_entry(fd, name, S_IFREG | 0644, data, len);
		free(data);
		ll += (size_t)snprintf(list + ll, sizeof(list) - ll, "/%s\n",
				       name);
	}
	if (!r)
		r = cpio_entry(fd, "modules.list", S_IFREG | 0644, list, ll);
	if (!r)
		r = cpio_entry(fd, "TRAILER!!!", 0, NULL, 0);
	if (r < 0)
		snprintf(why, size, "writing the initramfs: %s", strerror(-r));
	return r;
}
