// SPDX-License-Identifier: MIT
/*
 * One kernel of the matrix: build its initramfs, boot it under QEMU
 * (KVM when it comes up, software emulation otherwise), watch the result
 * file the virtio-serial port writes, settle every job.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "expect.h"
#include "initramfs.h"
#include "timeline.h"
#include "vm.h"

/* tuncheck-init, linked statically, embedded by the Makefile */
extern const unsigned char vm_init_start[], vm_init_end[];
__asm__(".section .rodata\n"
	".balign 16\n"
	".global vm_init_start\nvm_init_start:\n"
	".incbin \"" VM_INIT_PATH "\"\n"
	".global vm_init_end\nvm_init_end:\n"
	".previous\n");

#define SEC	1000000000ull
#define OUT_MAX (256ll << 20) /* console or result file: a runaway guest */

/* One boot's working state: its files in a private directory. */
struct boot {
	char dir[64];
	char initrd[96], console[96], results[96], qlog[96];
	pid_t qemu;
	int res_fd;
	unsigned char buf[2 * sizeof(struct channel_job) + 64];
	size_t len;
	bool init_seen, started, exited;
	int32_t status;
	size_t reported;
	char notes[CHANNEL_TEXT_MAX];
};

/* File content (the last `max` bytes), printable, into out. */
static void tail(const char *path, size_t max, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[4096];
	off_t end;
	ssize_t n;
	size_t o = 0;

	out[0] = 0;
	if (fd < 0)
		return;
	if (max > sizeof(buf))
		max = sizeof(buf);
	end = lseek(fd, 0, SEEK_END);
	lseek(fd, end > (off_t)max ? end - (off_t)max : 0, SEEK_SET);
	n = read(fd, buf, max);
	close(fd);
	for (ssize_t i = 0; i < n && o + 2 < size; i++) {
		char c = buf[i];

		if (c == '\r')
			continue;
		if (c == '\n')
			c = '|';
		else if ((unsigned char)c < ' ' || (unsigned char)c > '~')
			continue;
		/* squeeze the line separators */
		if (c == '|' && o && out[o - 1] == '|')
			continue;
		out[o++] = c;
	}
	out[o] = 0;
}

/* NUL-separated /tuncheck.conf: uid, gid, cwd, "", argv. */
static size_t make_conf(char *buf, size_t size, char *const *argv)
{
	char cwd[4096];
	size_t o;

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	o = (size_t)snprintf(buf, size, "uid=%u%cgid=%u%ccwd=%s%c%c", getuid(),
			     0, getgid(), 0, cwd, 0, 0);
	for (size_t i = 0; argv[i] && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%c", argv[i], 0);
	return o < size ? o : size;
}

/* DIR/NAME whole (modules.dep), NUL-terminated: malloc()ed, or NULL. */
static char *read_text(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return initramfs_slurp(path, &len);
}

int vm_kernel_modules(const struct vm_kernel *k, struct mod_list *m)
{
	char *dep = NULL, *builtin = NULL;
	int r;

	if (k->moddir[0]) {
		dep = read_text(k->moddir, "modules.dep");
		builtin = read_text(k->moddir, "modules.builtin");
	}
	r = initramfs_modules(dep, builtin, m);
	free(dep);
	free(builtin);
	return r;
}

static int build_initrd(struct vm_kernel *k, struct vm_opts *o, struct boot *b,
			char *why, size_t size)
{
	static char conf[65536];
	struct mod_list m = { 0 };
	size_t conf_len = make_conf(conf, sizeof(conf), o->argv);
	int fd, r = vm_kernel_modules(k, &m);

	if (r < 0) {
		snprintf(why, size, "too many modules to load");
		return r;
	}
	if (m.missing[0]) {
		size_t l = strlen(b->notes);

		snprintf(b->notes + l, sizeof(b->notes) - l,
			 "%smodules not found%s%.1024s: %s", l ? "; " : "",
			 k->moddir[0] ? " in " : " (no modules directory)",
			 k->moddir, m.missing);
	}
	fd = open(b->initrd, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, size, "%s: %s", b->initrd, strerror(errno));
		initramfs_modules_free(&m);
		return -errno;
	}
	r = initramfs_write(fd, vm_init_start,
			    (size_t)(vm_init_end - vm_init_start), conf,
			    conf_len, k->moddir, &m, why, size);
	close(fd);
	initramfs_modules_free(&m);
	return r;
}

static pid_t qemu_start(const struct vm_kernel *k, const struct vm_opts *o,
			struct boot *b, bool kvm)
{
	const char *qemu = getenv("TUNCHECK_QEMU");
	const char *append = getenv("TUNCHECK_VM_APPEND");
	char mem[16], kern[PATH_MAX + 16], con[128], res[160], cmdline[512];
	char *argv[48];
	size_t a = 0;
	pid_t pid;
	int fd;

	snprintf(mem, sizeof(mem), "%u", o->mem_mib);
	snprintf(con, sizeof(con), "file:%s", b->console);
	snprintf(res, sizeof(res), "file,id=res,path=%s,append=on", b->results);
	snprintf(kern, sizeof(kern), "%s", k->image);
	argv[a++] = (char *)(qemu ? qemu : "qemu-system-x86_64");
	argv[a++] = "-nodefaults";
	argv[a++] = "-no-user-config";
	argv[a++] = "-display";
	argv[a++] = "none";
	argv[a++] = "-no-reboot"; /* panic=-1 reboots: QEMU exits */
	argv[a++] = "-m";
	argv[a++] = mem;
	argv[a++] = "-smp";
	argv[a++] = "2";
	argv[a++] = "-accel";
	argv[a++] = kvm ? "kvm" : "tcg,thread=multi";
	if (kvm) {
		argv[a++] = "-cpu";
		argv[a++] = "host";
	}
	argv[a++] = "-kernel";
	argv[a++] = kern;
	argv[a++] = "-initrd";
	argv[a++] = b->initrd;
	/* TUNCHECK_VM_APPEND: more kernel parameters (the selftests use it
	 * to make a kernel panic) */
	snprintf(cmdline, sizeof(cmdline),
		 "console=ttyS0 panic=-1 loglevel=4 rdinit=/init %.400s",
		 append ? append : "");
	argv[a++] = "-append";
	argv[a++] = cmdline;
	argv[a++] = "-serial";
	argv[a++] = con;
	argv[a++] = "-fsdev";
	argv[a++] = "local,id=hostroot,path=/,readonly=on,"
		    "security_model=none,multidevs=remap";
	argv[a++] = "-device";
	argv[a++] = "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot";
	argv[a++] = "-device";
	argv[a++] = "virtio-serial-pci";
	argv[a++] = "-chardev";
	argv[a++] = res;
	argv[a++] = "-device";
	argv[a++] = "virtserialport,chardev=res,name=" CHANNEL_PORT;
	argv[a] = NULL;
	pid = fork();
	if (pid)
		return pid;
	/* QEMU dies with us, and writes its complaints to qemu.log */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(b->qlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		dup2(fd, 0);
	execvp(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void settle(struct job_spec *jobs, size_t n, size_t i, struct vm_opts *o)
{
	jobs[i].state = JOB_SETTLED;
	if (o->on_done)
		o->on_done(jobs, n, i, o->arg);
}

/* A CH_JOB record into its job, after checking it is that job. */
static void take_job(struct boot *b, struct vm_opts *o, struct job_spec *jobs,
		     size_t n, const struct channel_rec *rec)
{
	static struct channel_job cj;
	struct job_result *r;

	if (channel_job_decode(rec, &cj) < 0 || cj.idx >= n ||
	    jobs[cj.idx].state == JOB_SETTLED ||
	    strcmp(cj.case_name, jobs[cj.idx].c->name) ||
	    strcmp(cj.backend, jobs[cj.idx].ops->name))
		return;
	r = &jobs[cj.idx].res;
	r->v = (enum verdict)cj.verdict;
	r->line = cj.line;
	r->step = cj.step;
	r->at_ns = cj.at_ns;
	r->wall_ns = cj.wall_ns;
	memcpy(r->cls, cj.cls, sizeof(r->cls));
	memcpy(r->expected, cj.expected, sizeof(r->expected));
	memcpy(r->observed, cj.observed, sizeof(r->observed));
	memcpy(r->notes, cj.notes, sizeof(r->notes));
	memcpy(r->blocked, cj.blocked, sizeof(r->blocked));
	b->reported++;
	settle(jobs, n, cj.idx, o);
}

/* Decode what arrived; false when the stream is not ours (stop reading). */
static bool drain(struct boot *b, struct vm_opts *o, struct job_spec *jobs,
		  size_t n)
{
	for (;;) {
		ssize_t r = read(b->res_fd, b->buf + b->len,
				 sizeof(b->buf) - b->len);
		struct channel_rec rec;
		size_t used = 0;
		long got;

		if (r <= 0)
			return true;
		b->len += (size_t)r;
		while ((got = channel_decode(b->buf + used, b->len - used,
					     &rec)) > 0) {
			used += (size_t)got;
			if (rec.type == CH_INIT || rec.type == CH_NOTE) {
				size_t l = strlen(b->notes);

				b->init_seen = true;
				if (rec.len &&
				    l + rec.len + 3 < sizeof(b->notes))
					snprintf(b->notes + l,
						 sizeof(b->notes) - l, "%s%.*s",
						 l ? "; " : "", (int)rec.len,
						 (const char *)rec.p);
				channel_clean(b->notes, sizeof(b->notes));
			} else if (rec.type == CH_START) {
				b->started = true;
			} else if (rec.type == CH_JOB) {
				take_job(b, o, jobs, n, &rec);
			} else if (rec.type == CH_EXIT && rec.len == 4) {
				memcpy(&b->status, rec.p, 4);
				b->exited = true;
			}
		}
		if (got < 0)
			return false;
		memmove(b->buf, b->buf + used, b->len - used);
		b->len -= used;
	}
}

/* Wait for QEMU to end, reading results; the reason it was cut short. */
static const char *watch(struct boot *b, struct vm_opts *o,
			 struct job_spec *jobs, size_t n, unsigned boot_s,
			 uint64_t *boot_ns)
{
	uint64_t t0 = now_ns(), last = t0;
	size_t seen = 0;
	bool ours = true;
	struct stat st_con;
	int st;

	for (;;) {
		pid_t w = waitpid(b->qemu, &st, WNOHANG);
		uint64_t now = now_ns();

		if (ours)
			ours = drain(b, o, jobs, n);
		if (b->reported != seen || (b->init_seen && !*boot_ns)) {
			if (b->init_seen && !*boot_ns)
				*boot_ns = now - t0;
			seen = b->reported;
			last = now;
		}
		if (w == b->qemu) {
			b->qemu = 0;
			if (ours)
				drain(b, o, jobs, n);
			return ours ? NULL : "the result stream was garbled";
		}
		if (runner_stopped())
			return "interrupted";
		/* a guest that floods its console or port: stop it */
		if (!stat(b->console, &st_con) && st_con.st_size > OUT_MAX)
			return "the guest's console passed 256 MiB";
		if (!fstat(b->res_fd, &st_con) && st_con.st_size > OUT_MAX)
			return "the guest's result stream passed 256 MiB";
		if (!b->init_seen && now - t0 > boot_s * SEC)
			return "no sign of the guest's init";
		if (b->init_seen && now - last > o->idle_s * SEC)
			return "no result for too long";
		poll(NULL, 0, 50);
	}
}

static void boot_cleanup(struct boot *b)
{
	if (b->qemu > 0) {
		kill(b->qemu, SIGKILL);
		waitpid(b->qemu, NULL, 0);
		b->qemu = 0;
	}
	if (b->res_fd >= 0)
		close(b->res_fd);
	b->res_fd = -1;
	unlink(b->initrd);
	unlink(b->console);
	unlink(b->results);
	unlink(b->qlog);
	rmdir(b->dir);
}

/* Every job not reported: an error naming the kernel and what happened. */
static void settle_rest(const struct vm_kernel *k, struct vm_opts *o,
			struct job_spec *jobs, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct job_result *r = &jobs[i].res;

		if (jobs[i].state == JOB_SETTLED)
			continue;
		r->v = VERDICT_ERROR;
		snprintf(r->cls, sizeof(r->cls), "kernel");
		snprintf(r->expected, sizeof(r->expected),
			 "the job to run on kernel %s", k->label);
		snprintf(r->observed, sizeof(r->observed), "%s", what);
		settle(jobs, n, i, o);
	}
}

/* Why the guest ended early, from what it said and the console's tail. */
static void explain(const struct boot *b, const char *cut, char *out,
		    size_t size)
{
	char con[1024], ql[512];

	tail(b->console, 900, con, sizeof(con));
	tail(b->qlog, 400, ql, sizeof(ql));
	if (ql[0] && !b->init_seen && !strstr(con, "Linux version"))
		snprintf(out, size, "QEMU did not boot it: %s", ql);
	else if (strstr(con, "Kernel panic"))
		snprintf(out, size, "the kernel panicked; console: ...%s",
			 strstr(con, "Kernel panic"));
	else
		snprintf(out, size, "%s%s%s; console: ...%s",
			 cut ? cut : "the guest stopped",
			 b->notes[0] ? "; guest: " : "", b->notes, con);
}

static int boot_once(struct vm_kernel *k, struct vm_opts *o,
		     struct job_spec *jobs, size_t n, bool kvm, char *why,
		     size_t size, uint64_t *boot_ns)
{
	struct boot b = { .res_fd = -1 };
	const char *tmp = getenv("TMPDIR");
	const char *cut;
	char what[1024 + CHANNEL_TEXT_MAX];
	int fd;

	snprintf(b.dir, sizeof(b.dir), "%.32s/tuncheck-vm.XXXXXX",
		 tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(b.dir)) {
		snprintf(why, size, "mkdtemp %s: %s", b.dir, strerror(errno));
		return -errno;
	}
	snprintf(b.initrd, sizeof(b.initrd), "%s/initrd", b.dir);
	snprintf(b.console, sizeof(b.console), "%s/console", b.dir);
	snprintf(b.results, sizeof(b.results), "%s/results", b.dir);
	snprintf(b.qlog, sizeof(b.qlog), "%s/qemu.log", b.dir);
	if (build_initrd(k, o, &b, why, size) < 0) {
		boot_cleanup(&b);
		return -EIO;
	}
	fd = open(b.results, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	b.res_fd = fd;
	if (fd < 0) {
		snprintf(why, size, "%s: %s", b.results, strerror(errno));
		boot_cleanup(&b);
		return -EIO;
	}
	b.qemu = qemu_start(k, o, &b, kvm);
	if (b.qemu < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		boot_cleanup(&b);
		return -EIO;
	}
	cut = watch(&b, o, jobs, n, kvm ? 15 : o->boot_s, boot_ns);
	if (runner_stopped()) {
		/* SIGINT, SIGTERM, SIGHUP: QEMU goes, the rest is interrupted */
		boot_cleanup(&b);
		runner_interrupt(jobs, n, runner_stopped());
		snprintf(k->summary, sizeof(k->summary), "interrupted");
		return 0;
	}
	if (kvm && !b.init_seen) {
		/* KVM that never reaches init (nested virtualization) */
		boot_cleanup(&b);
		return -EAGAIN;
	}
	/* tuncheck's own exit: 0 as expected, 1 failures, 4 all skipped */
	if (b.reported < n || !b.exited || !WIFEXITED(b.status) ||
	    (WEXITSTATUS(b.status) != 0 && WEXITSTATUS(b.status) != 1 &&
	     WEXITSTATUS(b.status) != 4)) {
		explain(&b, cut, what, sizeof(what));
		if (b.reported < n)
			settle_rest(k, o, jobs, n, what);
		else
			snprintf(k->summary, sizeof(k->summary), "%.500s",
				 what);
	}
	if (b.notes[0] && !k->summary[0])
		snprintf(k->summary, sizeof(k->summary), "guest: %s", b.notes);
	boot_cleanup(&b);
	return 0;
}

int vm_run(struct vm_kernel *k, struct vm_opts *o, struct job_spec *jobs,
	   size_t n)
{
	bool kvm = o->accel == VM_ACCEL_KVM ||
		   (o->accel == VM_ACCEL_AUTO && !o->kvm_stalled &&
		    !access("/dev/kvm", R_OK | W_OK));
	uint64_t t0 = now_ns(), boot_ns = 0;
	char why[512], d1[32], d2[32], head[160];
	int r;

	if (k->broken[0]) {
		settle_rest(k, o, jobs, n, k->broken);
		snprintf(k->summary, sizeof(k->summary), "%s", k->broken);
		return 0;
	}
	r = boot_once(k, o, jobs, n, kvm, why, sizeof(why), &boot_ns);
	if (runner_stopped())
		return 0;
	if (r == -EAGAIN && o->accel == VM_ACCEL_AUTO) {
		o->kvm_stalled = true;
		kvm = false;
		t0 = now_ns();
		r = boot_once(k, o, jobs, n, false, why, sizeof(why), &boot_ns);
	} else if (r == -EAGAIN) {
		snprintf(why, sizeof(why),
			 "KVM did not reach the guest's init "
			 "in 15 s (use --accel tcg)");
	}
	if (r < 0) {
		settle_rest(k, o, jobs, n, why);
		snprintf(k->summary, sizeof(k->summary), "%s", why);
		return 0;
	}
	snprintf(head, sizeof(head), "%s, init after %s, all in %s",
		 kvm		  ? "KVM"
		 : o->kvm_stalled ? "software emulation (KVM stalled)"
				  : "software emulation",
		 boot_ns ? fmt_duration(boot_ns, d1, sizeof(d1)) : "-",
		 fmt_duration(now_ns() - t0, d2, sizeof(d2)));
	if (k->summary[0]) {
		char rest[sizeof(k->summary)];

		memcpy(rest, k->summary, sizeof(rest));
		snprintf(k->summary, sizeof(k->summary), "%s; %.340s", head,
			 rest);
	} else {
		snprintf(k->summary, sizeof(k->summary), "%s", head);
	}
	return 0;
}

/* Guest side ----------------------------------------------------------- */

int vm_guest_port(void)
{
	const char *p = getenv("TUNCHECK_VM_PORT");

	if (!p) {
		errno = ENOENT;
		return -1;
	}
	return open(p, O_WRONLY | O_CLOEXEC);
}

static int send_rec(int port, uint32_t type, const void *p, size_t len)
{
	struct channel_hdr h = { CHANNEL_MAGIC, type, (uint32_t)len };

	if (write(port, &h, sizeof(h)) != sizeof(h) ||
	    write(port, p, len) != (ssize_t)len)
		return -errno;
	return 0;
}

int vm_guest_send_job(int port, const struct job_spec *js, size_t idx)
{
	static struct channel_job cj;
	const struct job_result *r = &js->res;

	memset(&cj, 0, sizeof(cj));
	cj.idx = (uint32_t)idx;
	snprintf(cj.case_name, sizeof(cj.case_name), "%s", js->c->name);
	snprintf(cj.backend, sizeof(cj.backend), "%s", js->ops->name);
	cj.verdict = r->v;
	cj.line = r->line;
	cj.step = r->step;
	cj.at_ns = r->at_ns;
	cj.wall_ns = r->wall_ns;
	memcpy(cj.cls, r->cls, sizeof(cj.cls));
	memcpy(cj.expected, r->expected, sizeof(cj.expected));
	memcpy(cj.observed, r->observed, sizeof(cj.observed));
	memcpy(cj.notes, r->notes, sizeof(cj.notes));
	memcpy(cj.blocked, r->blocked, sizeof(cj.blocked));
	return send_rec(port, CH_JOB, &cj, sizeof(cj));
}

int vm_guest_send_note(int port, const char *text)
{
	size_t l = strlen(text);

	return send_rec(port, CH_NOTE, text,
			l < CHANNEL_TEXT_MAX ? l : CHANNEL_TEXT_MAX - 1);
}

int vm_guest_send_start(int port, size_t njobs, const char *note)
{
	char text[CHANNEL_TEXT_MAX];
	int l = snprintf(text, sizeof(text), "%zu%s%s", njobs,
			 note && *note ? "\t" : "", note ? note : "");

	return send_rec(port, CH_START, text,
			(size_t)l < sizeof(text) ? (size_t)l : sizeof(text));
}
