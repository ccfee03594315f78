// SPDX-License-Identifier: MIT
/*
 * Backend selection: the built-in table, exec programs, and plugins, which
 * are only ever loaded inside a sandbox (see backend.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "registry.h"
#include "builtin.h"
#include "exec.h"
#include "sandbox.h"

#define PROBE_TIMEOUT_MS 5000 /* sandbox, dlopen and entry in the probe */

static tuncheck_backend_entry_fn const builtins[] = {
	backend_read_entry,	     backend_epoll_lt_entry,
	backend_epoll_et_entry,	     backend_poll_entry,
	backend_select_entry,	     backend_uring_read_entry,
	backend_uring_poll_entry,    backend_poll_eventfd_entry,
	backend_epoll_eventfd_entry, backend_read_signal_entry,
	backend_uring_cancel_entry,
};

/* A probed plugin, as the runner knows it: never its code. */
struct backend_plugin {
	struct tuncheck_backend_ops ops; /* name and about only */
	char path[PATH_MAX];
	char name[BACKEND_NAME_MAX + 1];  /* its own, as probed */
	char alias[BACKEND_NAME_MAX + 1]; /* -b ALIAS=PATH, "" = none */
	char about[160];
	struct backend_plugin *next;
};

/* What the probe child sends back. */
struct backend_probe_report {
	int ok;
	char name[BACKEND_NAME_MAX + 1];
	char about[160];
	char err[512];
};

static struct backend_plugin *plugins;

size_t backend_builtin_count(void)
{
	return sizeof(builtins) / sizeof(builtins[0]);
}

const struct tuncheck_backend_ops *backend_builtin(size_t i)
{
	return i < backend_builtin_count() ? builtins[i]() : NULL;
}

bool backend_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > BACKEND_NAME_MAX)
		return false;
	for (; *name; name++)
		if (!strchr("._+-", *name) && !(*name >= '0' && *name <= '9') &&
		    !((*name | 0x20) >= 'a' && (*name | 0x20) <= 'z'))
			return false;
	return true;
}

/* name with anything unprintable shown as '?', cut to fit buf. */
static const char *backend_name_shown(const char *name, char *buf, size_t size)
{
	size_t i = 0;

	for (; name[i] && i + 1 < size; i++)
		buf[i] = name[i] > 0x20 && name[i] < 0x7f ? name[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* Check an ops table from any source; NULL-safe. */
static const struct tuncheck_backend_ops *
backend_check(const struct tuncheck_backend_ops *ops, const char *spec,
	      char *err, size_t size)
{
	char shown[BACKEND_NAME_MAX + 2];

	if (!ops) {
		snprintf(err, size, "%s: entry returned no ops table", spec);
		return NULL;
	}
	/* ABI 2 is ABI 3 without gate, retry_us and flags: still taken */
	if (ops->abi_version != TUNCHECK_BACKEND_ABI && ops->abi_version != 2) {
		snprintf(err, size,
			 "%s: built for backend ABI %u, this tuncheck speaks "
			 "ABI %u: rebuild it against tuncheck %u's "
			 "<tuncheck/backend.h>",
			 spec, ops->abi_version, TUNCHECK_BACKEND_ABI,
			 TUNCHECK_BACKEND_ABI);
		return NULL;
	}
	if (!ops->name || !*ops->name || !ops->run) {
		snprintf(err, size, "%s: ops table incomplete (%s missing)",
			 spec, !ops->run ? "run" : "name");
		return NULL;
	}
	if (!backend_name_valid(ops->name)) {
		snprintf(err, size,
			 "%s: backend name '%s' is not valid: 1 to %d of "
			 "A-Z a-z 0-9 . _ + -",
			 spec,
			 backend_name_shown(ops->name, shown, sizeof(shown)),
			 BACKEND_NAME_MAX);
		return NULL;
	}
	return ops;
}

/* dlopen path and check its entry's ops: in a sandbox only. */
static const struct tuncheck_backend_ops *backend_load(const char *path,
						       char *err, size_t size)
{
	tuncheck_backend_entry_fn entry;
	void *h;

	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, size, "%s: dlopen failed: %s", path, dlerror());
		return NULL;
	}
	*(void **)&entry = dlsym(h, TUNCHECK_BACKEND_ENTRY);
	if (!entry) {
		snprintf(err, size,
			 "%s: no symbol %s (export it with "
			 "TUNCHECK_BACKEND_ENTRY's name)",
			 path, TUNCHECK_BACKEND_ENTRY);
		dlclose(h);
		return NULL;
	}
	return backend_check(entry(), path, err, size);
}

/* "PATH: cannot probe the plugin: no sandbox here: " + why, into err. */
static void backend_probe_nosandbox(const char *path, char *err, size_t size)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", err);
	snprintf(err, size,
		 "%.150s: cannot probe the plugin: no sandbox here: %.300s",
		 path, why);
}

/* The probe child: sandbox, load, report, exit. */
static void __attribute__((noreturn))
backend_probe_child(const char *path, int out)
{
	static struct backend_probe_report r;
	const struct tuncheck_backend_ops *ops;
	struct lockdown_limits l;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* nothing the plugin prints reaches the TAP stream or terminal */
	if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(3);
	lockdown_limits_default(&l);
	if (sandbox_view(r.err, sizeof(r.err)) < 0 ||
	    sandbox_lock(&l, r.err, sizeof(r.err)) < 0)
		backend_probe_nosandbox(path, r.err, sizeof(r.err));
	else if ((ops = backend_load(path, r.err, sizeof(r.err)))) {
		r.ok = 1;
		snprintf(r.name, sizeof(r.name), "%s", ops->name);
		snprintf(r.about, sizeof(r.about), "%s",
			 ops->about ? ops->about : "");
	}
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(3);
	_exit(0);
}

/*
 * Probe the plugin at path in a sandboxed child; on success r holds its
 * name.  A crash or hang there is the plugin's: 0 or -1 with err set.
 */
static int backend_probe(const char *path, struct backend_probe_report *r,
			 char *err, size_t size)
{
	struct pollfd pfd = { .events = POLLIN };
	struct sandbox sb;
	int p[2], st = 0;
	pid_t pid;
	ssize_t n = 0;
	bool hung;

	memset(r, 0, sizeof(*r));
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, size, "%s: pipe: %s", path, strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = sandbox_spawn(&sb, err, size);
	if (pid < 0) {
		backend_probe_nosandbox(path, err, size);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		close(p[0]);
		backend_probe_child(path, p[1]);
	}
	close(p[1]);
	pfd.fd = p[0];
	hung = poll(&pfd, 1, PROBE_TIMEOUT_MS) == 0;
	if (!hung)
		n = read(p[0], r, sizeof(*r));
	close(p[0]);
	/* the probe is a session of its own; its namespaces die with it */
	if (hung)
		sandbox_kill(&sb);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	sandbox_kill(&sb);
	sandbox_reap_init(&sb, true);
	if (n == (ssize_t)sizeof(*r)) {
		r->err[sizeof(r->err) - 1] = r->name[sizeof(r->name) - 1] = 0;
		r->about[sizeof(r->about) - 1] = 0;
		if (r->ok)
			return 0;
		snprintf(err, size, "%s", r->err);
	} else if (hung) {
		snprintf(err, size,
			 "%s: backend hung at load (no answer from "
			 "dlopen and %s within %d s)",
			 path, TUNCHECK_BACKEND_ENTRY, PROBE_TIMEOUT_MS / 1000);
	} else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
		snprintf(err, size, "%s: backend crashed at load (SIG%s)", path,
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st))
						    : "?");
	} else {
		snprintf(err, size, "%s: the load probe failed (status 0x%x)",
			 path, st);
	}
	return -1;
}

/*
 * The words of an exec spec that name files (the program, a script it
 * is given): kept visible in the jobs' private /tmp, /run, /dev/shm.
 */
static void backend_exec_expose(const char *words)
{
	char word[PATH_MAX];

	while (*words) {
		size_t n = strcspn(words, " \t");

		if (n && n < sizeof(word)) {
			memcpy(word, words, n);
			word[n] = '\0';
			if (strchr(word, '/') && access(word, F_OK) == 0)
				sandbox_expose(word);
		}
		words += n;
		words += strspn(words, " \t");
	}
}

/* A plugin by path: probed, then known by its name only. */
static const struct tuncheck_backend_ops *
backend_plugin_select(const char *spec, char *err, size_t size)
{
	struct backend_probe_report r;
	struct backend_plugin *pl;
	char path[PATH_MAX];

	if (!realpath(spec, path)) {
		snprintf(err, size, "%s: backend plugin not found (%s)", spec,
			 strerror(errno));
		return NULL;
	}
	if (access(path, R_OK) < 0) {
		snprintf(err, size, "%s: backend plugin not readable (%s)",
			 spec, strerror(errno));
		return NULL;
	}
	/* a plugin below /tmp stays visible in the job's private /tmp */
	sandbox_expose(path);
	if (backend_probe(path, &r, err, size) < 0)
		return NULL;
	pl = calloc(1, sizeof(*pl));
	if (!pl) {
		snprintf(err, size, "%s: out of memory", spec);
		return NULL;
	}
	snprintf(pl->path, sizeof(pl->path), "%s", path);
	snprintf(pl->name, sizeof(pl->name), "%s", r.name);
	snprintf(pl->about, sizeof(pl->about), "plugin %.60s: %.90s", spec,
		 r.about);
	pl->ops = (struct tuncheck_backend_ops){
		.abi_version = TUNCHECK_BACKEND_ABI,
		.name = pl->name,
		.about = pl->about,
	};
	pl->next = plugins;
	plugins = pl;
	return &pl->ops;
}

/*
 * -b NAME=exec:PROG or -b NAME=./x.so: the backend under another name
 * (variants of one program, two builds of one plugin).  NULL when spec
 * has no such prefix (then it is an ordinary spec).
 */
static const struct tuncheck_backend_ops *
backend_select_named(const char *spec, char *err, size_t size, bool *named)
{
	const char *eq = strchr(spec, '=');
	char name[BACKEND_NAME_MAX + 1];
	const struct tuncheck_backend_ops *ops;
	struct backend_plugin *pl;
	size_t n = eq ? (size_t)(eq - spec) : 0;

	*named = eq && strncmp(spec, "exec:", 5) &&
		 (!strchr(spec, '/') || strchr(spec, '/') > eq);
	if (!*named)
		return NULL;
	if (n >= sizeof(name))
		n = 0; /* too long: refused as invalid below */
	memcpy(name, spec, n);
	name[n] = 0;
	if (!backend_name_valid(name)) {
		snprintf(err, size,
			 "-b %.60s: '%.40s' is not a backend name (1 to %d of "
			 "A-Z a-z 0-9 . _ + -)",
			 spec, name, BACKEND_NAME_MAX);
		return NULL;
	}
	if (!strncmp(eq + 1, "exec:", 5)) {
		ops = backend_exec_new(eq + 1, err, size);
		if (ops) {
			backend_exec_rename(ops, name);
			backend_exec_expose(eq + 6);
		}
		return ops ? backend_check(ops, spec, err, size) : NULL;
	}
	if (!strchr(eq + 1, '/')) {
		snprintf(err, size,
			 "-b %.60s: NAME= goes before exec:PROGRAM or a plugin "
			 "path (with a '/')",
			 spec);
		return NULL;
	}
	ops = backend_plugin_select(eq + 1, err, size);
	if (!ops)
		return NULL;
	pl = plugins; /* the one just made */
	memcpy(pl->alias, name, sizeof(pl->alias));
	pl->ops.name = pl->alias;
	return ops;
}

const struct tuncheck_backend_ops *backend_select(const char *spec, char *err,
						  size_t size)
{
	const struct tuncheck_backend_ops *named_ops;
	bool named;

	named_ops = backend_select_named(spec, err, size, &named);
	if (named)
		return named_ops;
	if (!strncmp(spec, "exec:", 5)) {
		const struct tuncheck_backend_ops *ops =
			backend_exec_new(spec, err, size);

		if (ops)
			backend_exec_expose(spec + 5);
		return ops ? backend_check(ops, spec, err, size) : NULL;
	}
	if (strchr(spec, '/'))
		return backend_plugin_select(spec, err, size);
	for (size_t i = 0; i < backend_builtin_count(); i++) {
		const struct tuncheck_backend_ops *ops = backend_builtin(i);

		if (!strcmp(ops->name, spec))
			return backend_check(ops, spec, err, size);
	}
	snprintf(err, size,
		 "unknown backend '%s' (tuncheck list shows them; "
		 "a plugin path must contain a '/')",
		 spec);
	return NULL;
}

const struct tuncheck_backend_ops *
backend_bind(const struct tuncheck_backend_ops *ops, char *err, size_t size)
{
	const struct tuncheck_backend_ops *real;
	struct backend_plugin *pl = plugins;

	while (pl && &pl->ops != ops)
		pl = pl->next;
	if (!pl)
		return ops;
	real = backend_load(pl->path, err, size);
	if (real && strcmp(real->name, pl->name)) {
		snprintf(err, size,
			 "%s: the plugin names itself '%s' now, '%s' when "
			 "probed",
			 pl->path, real->name, pl->name);
		return NULL;
	}
	if (real && pl->alias[0]) {
		/* -b ALIAS=PATH: its table under the alias (ABI 2's is
		 * shorter: no flags) */
		static struct tuncheck_backend_ops renamed;

		memcpy(&renamed, real,
		       real->abi_version >= 3
			       ? sizeof(renamed)
			       : offsetof(struct tuncheck_backend_ops, flags));
		renamed.name = pl->alias;
		return &renamed;
	}
	return real;
}

/* --like pairs, as the command line gave them (jobs inherit them). */
#define BACKEND_LIKE_MAX 32
static struct {
	char name[BACKEND_NAME_MAX + 1];
	const char *builtin;
} backend_likes[BACKEND_LIKE_MAX];
static size_t backend_n_likes;

int backend_like_add(const char *spec, char *err, size_t size)
{
	const char *eq = strchr(spec, '=');
	size_t n = eq ? (size_t)(eq - spec) : 0;

	if (!eq || n > BACKEND_NAME_MAX) {
		snprintf(err, size,
			 "--like %.80s: use NAME=BUILTIN (--like "
			 "minimal-poll=poll)",
			 spec);
		return -1;
	}
	if (backend_n_likes == BACKEND_LIKE_MAX) {
		snprintf(err, size, "--like: at most %d", BACKEND_LIKE_MAX);
		return -1;
	}
	memcpy(backend_likes[backend_n_likes].name, spec, n);
	backend_likes[backend_n_likes].name[n] = 0;
	if (!backend_name_valid(backend_likes[backend_n_likes].name)) {
		snprintf(err, size,
			 "--like %.80s: '%.*s' is not a backend name", spec,
			 (int)(n > 64 ? 64 : n), spec);
		return -1;
	}
	for (size_t i = 0; i < backend_builtin_count(); i++)
		if (!strcmp(backend_builtin(i)->name, eq + 1)) {
			backend_likes[backend_n_likes++].builtin =
				backend_builtin(i)->name;
			return 0;
		}
	snprintf(err, size,
		 "--like %.80s: '%.40s' is not a built-in backend (tuncheck "
		 "list shows them)",
		 spec, eq + 1);
	return -1;
}

const char *backend_like(const char *name)
{
	for (size_t i = 0; i < backend_n_likes; i++)
		if (!strcmp(backend_likes[i].name, name))
			return backend_likes[i].builtin;
	return NULL;
}
