// SPDX-License-Identifier: MIT
/*
 * The kernel matrix's pure parts: the release in a bzImage header, the
 * module closure from modules.dep (dependencies first, built-ins left
 * out, absences named), the cpio archive the guest unpacks, and the
 * decoding of what a guest sends back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "channel.h"
#include "initramfs.h"
#include "kernel.h"
#include "verdict.h"

/* A setup header: "HdrS" at 0x202, kernel_version at 0x200 + off. */
static void make_header(unsigned char *buf, size_t len, const char *version)
{
	size_t off = 0x400;

	memset(buf, 0, len);
	memcpy(buf + 0x202, "HdrS", 4);
	buf[0x20e] = (unsigned char)((off - 0x200) & 0xff);
	buf[0x20f] = (unsigned char)((off - 0x200) >> 8);
	memcpy(buf + off, version, strlen(version));
}

static void test_release(void **state)
{
	unsigned char buf[4096];
	char rel[64];

	(void)state;
	make_header(buf, sizeof(buf),
		    "6.1.0-50-amd64 (debian-kernel@lists.debian.org) #1 SMP");
	assert_int_equal(vm_kernel_release(buf, sizeof(buf), rel, sizeof(rel)),
			 0);
	assert_string_equal(rel, "6.1.0-50-amd64");
	/* the version string must lie inside what was read */
	assert_int_equal(vm_kernel_release(buf, 0x400, rel, sizeof(rel)), -1);
	/* no "HdrS": not a bzImage */
	buf[0x202] = 'X';
	assert_int_equal(vm_kernel_release(buf, sizeof(buf), rel, sizeof(rel)),
			 -1);
	/* an empty version */
	make_header(buf, sizeof(buf), "");
	assert_int_equal(vm_kernel_release(buf, sizeof(buf), rel, sizeof(rel)),
			 -1);
	assert_int_equal(vm_kernel_release(buf, 16, rel, sizeof(rel)), -1);
}

static size_t index_of(const struct mod_list *m, const char *path)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->path[i], path))
			return i;
	fail_msg("%s not in the list", path);
	return 0;
}

static void test_modules(void **state)
{
	/* 6.1's shape: 9p needs netfs and 9pnet; virtio_pci two helpers */
	const char dep[] =
		"kernel/fs/netfs/netfs.ko:\n"
		"kernel/net/9p/9pnet.ko:\n"
		"kernel/fs/9p/9p.ko: kernel/fs/netfs/netfs.ko "
		"kernel/net/9p/9pnet.ko\n"
		"kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko "
		"kernel/drivers/virtio/virtio_ring.ko "
		"kernel/drivers/virtio/virtio.ko\n"
		"kernel/drivers/virtio/virtio.ko:\n"
		"kernel/drivers/virtio/virtio_ring.ko:\n"
		"kernel/drivers/virtio/virtio_pci.ko: "
		"kernel/drivers/virtio/virtio_pci_modern_dev.ko "
		"kernel/drivers/virtio/virtio_ring.ko "
		"kernel/drivers/virtio/virtio.ko\n"
		"kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
		"kernel/drivers/char/virtio_console.ko: "
		"kernel/drivers/virtio/virtio_ring.ko "
		"kernel/drivers/virtio/virtio.ko\n"
		"kernel/drivers/net/tun.ko.xz:\n"
		"kernel/drivers/net/tunnel4.ko:\n";
	const char builtin[] = "kernel/drivers/char/virtio_console.ko\n";
	struct mod_list m;

	(void)state;
	assert_int_equal(initramfs_modules(dep, NULL, &m), 0);
	assert_string_equal(m.missing, "");
	/* each once, every dependency before its user */
	assert_true(index_of(&m, "kernel/drivers/virtio/virtio.ko") <
		    index_of(&m, "kernel/drivers/virtio/virtio_pci.ko"));
	assert_true(index_of(&m, "kernel/drivers/virtio/virtio_ring.ko") <
		    index_of(&m, "kernel/drivers/virtio/virtio_pci.ko"));
	assert_true(index_of(&m, "kernel/net/9p/9pnet.ko") <
		    index_of(&m, "kernel/fs/9p/9p.ko"));
	assert_true(index_of(&m, "kernel/fs/netfs/netfs.ko") <
		    index_of(&m, "kernel/fs/9p/9p.ko"));
	index_of(&m, "kernel/drivers/net/tun.ko.xz");
	index_of(&m, "kernel/drivers/char/virtio_console.ko");
	/* tunnel4 is not tun; the 10 modules above, none twice */
	assert_int_equal(m.n, 10);
	initramfs_modules_free(&m);

	/* built in: left out; absent: named */
	assert_int_equal(initramfs_modules(dep, builtin, &m), 0);
	assert_int_equal(m.n, 9);
	initramfs_modules_free(&m);
	assert_int_equal(
		initramfs_modules("kernel/fs/9p/9p.ko:\n", builtin, &m), 0);
	assert_string_equal(m.missing, "virtio_pci 9pnet_virtio tun");
	initramfs_modules_free(&m);
	/* no modules directory at all: everything is missing */
	assert_int_equal(initramfs_modules(NULL, NULL, &m), 0);
	assert_string_equal(m.missing,
			    "virtio_pci virtio_console 9pnet_virtio 9p tun");
	assert_int_equal(m.n, 0);
}

/* Parse a newc archive back: entry i's name and size. */
static const char *cpio_entry(const char *a, size_t len, size_t i, char *name,
			      size_t *size)
{
	size_t o = 0;

	for (;;) {
		unsigned long fs, ns;
		char f[9] = { 0 };

		if (o + 110 > len || memcmp(a + o, "070701", 6))
			return NULL;
		memcpy(f, a + o + 54, 8);
		fs = strtoul(f, NULL, 16);
		memcpy(f, a + o + 94, 8);
		ns = strtoul(f, NULL, 16);
		if (!i--) {
			snprintf(name, 64, "%s", a + o + 110);
			*size = fs;
			return a + o + ((110 + ns + 3) & ~3ul);
		}
		o += (110 + ns + 3) & ~3ul;
		o += (fs + 3) & ~3ul;
	}
}

static void test_cpio(void **state)
{
	char dir[] = "/tmp/test_vm.XXXXXX", path[128], why[256], name[64];
	const char conf[] = "uid=1\0gid=1\0cwd=/\0\0/bin/true\0";
	struct mod_list m = { 0 };
	size_t size, len;
	const char *data;
	char *a;
	int fd;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tun.ko", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("ELF-ish", f);
	fclose(f);
	m.path[m.n++] = strdup("tun.ko");
	fd = memfd_create("cpio", 0);
	assert_true(fd >= 0);
	assert_int_equal(initramfs_write(fd, "INIT!", 5, conf, sizeof(conf),
					 dir, &m, why, sizeof(why)),
			 0);
	len = (size_t)lseek(fd, 0, SEEK_END);
	a = malloc(len);
	assert_int_equal(pread(fd, a, len, 0), (ssize_t)len);
	assert_int_equal(len % 4, 0);
	/* dev proc sys newroot modules, then init, conf, the module */
	data = cpio_entry(a, len, 5, name, &size);
	assert_non_null(data);
	assert_string_equal(name, "init");
	assert_int_equal(size, 5);
	assert_memory_equal(data, "INIT!", 5);
	data = cpio_entry(a, len, 6, name, &size);
	assert_string_equal(name, "tuncheck.conf");
	assert_int_equal(size, sizeof(conf));
	data = cpio_entry(a, len, 7, name, &size);
	assert_string_equal(name, "modules/00-tun.ko");
	assert_memory_equal(data, "ELF-ish", 7);
	data = cpio_entry(a, len, 8, name, &size);
	assert_string_equal(name, "modules.list");
	assert_memory_equal(data, "/modules/00-tun.ko\n", size);
	assert_non_null(cpio_entry(a, len, 9, name, &size));
	assert_string_equal(name, "TRAILER!!!");
	free(a);
	close(fd);

	/* a module that is not there: refused, named */
	free(m.path[0]);
	m.path[0] = strdup("gone.ko");
	fd = memfd_create("cpio", 0);
	assert_int_equal(initramfs_write(fd, "I", 1, conf, sizeof(conf), dir,
					 &m, why, sizeof(why)),
			 -ENOENT);
	assert_non_null(strstr(why, "gone.ko"));
	close(fd);
	initramfs_modules_free(&m);
	unlink(path);
	rmdir(dir);
}

/* A record as a guest writes it: header, then payload. */
static size_t put_rec(unsigned char *buf, uint32_t type, const void *p,
		      uint32_t len)
{
	struct channel_hdr h = { CHANNEL_MAGIC, type, len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, len);
	return sizeof(h) + len;
}

static void test_channel(void **state)
{
	static unsigned char buf[3 * sizeof(struct channel_job)];
	static struct channel_job cj, out;
	struct channel_rec r;
	size_t len;
	int32_t st = 0;

	(void)state;
	memset(&cj, 'A', sizeof(cj)); /* no string terminated */
	cj.idx = 7;
	cj.verdict = VERDICT_XFAIL;
	cj.observed[3] = '\n';
	len = put_rec(buf, CH_JOB, &cj, sizeof(cj));
	len += put_rec(buf + len, CH_EXIT, &st, sizeof(st));
	/* a partial record: not all there yet */
	assert_int_equal(channel_decode(buf,
					len - 1 - sizeof(st) -
						sizeof(struct channel_hdr),
					&r),
			 0);
	assert_int_equal(channel_decode(buf, 5, &r), 0);
	assert_int_equal(channel_decode(buf, len, &r),
			 (long)(sizeof(struct channel_hdr) + sizeof(cj)));
	assert_int_equal(channel_job_decode(&r, &out), 0);
	assert_int_equal(out.idx, 7);
	assert_int_equal(strlen(out.case_name), sizeof(out.case_name) - 1);
	assert_int_equal(out.observed[3], '?');
	assert_int_equal(strlen(out.blocked), sizeof(out.blocked) - 1);
	assert_int_equal(
		channel_decode(buf + sizeof(struct channel_hdr) + sizeof(cj),
			       len - sizeof(struct channel_hdr) - sizeof(cj),
			       &r),
		(long)(sizeof(struct channel_hdr) + 4));
	assert_int_equal(r.type, CH_EXIT);
	/* a job record of the wrong size, or a verdict out of range */
	r.type = CH_JOB;
	assert_int_equal(channel_job_decode(&r, &out), -EPROTO);
	cj.verdict = VERDICT_COUNT;
	put_rec(buf, CH_JOB, &cj, sizeof(cj));
	channel_decode(buf, sizeof(buf), &r);
	assert_int_equal(channel_job_decode(&r, &out), -EPROTO);
	/* not ours: bad magic, or longer than any record */
	buf[0] ^= 1;
	assert_int_equal(channel_decode(buf, sizeof(buf), &r), -EPROTO);
	buf[0] ^= 1;
	((struct channel_hdr *)(void *)buf)->len = sizeof(cj) + 1;
	assert_int_equal(channel_decode(buf, sizeof(buf), &r), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_cpio),
		cmocka_unit_test(test_channel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
