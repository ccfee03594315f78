// SPDX-License-Identifier: MIT
/*
 * exec: a backend that is any program, in any language.  The reader thread
 * forks it with the queue fd as fd 3, a pipe on its stdin (the harness
 * writes "close" there for the case's close step), a pipe on its stdout
 * (events, one per line) and one on its stderr (its last line goes into a
 * failure message).  It stays in the job's process group and dies with the
 * reader thread (PR_SET_PDEATHSIG), so it never outlives its job.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"
#include "exec.h"
#include "registry.h"

#define EXEC_ARGV_MAX 32
#define EXEC_LINE_MAX (2 * EXEC_READ_MAX + 64)
#define EXEC_ENV_OWN  8 /* TUNCHECK_* variables we set */

extern char **environ;

static int (*exec_child_hook)(void);

void backend_exec_child_hook(int (*hook)(void))
{
	exec_child_hook = hook;
}

static void (*exec_spawn_hook)(struct tuncheck_reader *r, pid_t pid);

void backend_exec_spawn_hook(void (*hook)(struct tuncheck_reader *r, pid_t pid))
{
	exec_spawn_hook = hook;
}

struct exec_backend {
	struct tuncheck_backend_ops ops;
	struct exec_backend *next; /* every one made, for backend_exec_free */
	char name[BACKEND_NAME_MAX + 1];
	char about[160];
	char *words;
	char *argv[EXEC_ARGV_MAX + 1];
};

/* One running program (r->backend_data; lives as long as the job). */
struct exec_child {
	pthread_mutex_t lock; /* in_fd, against the close hook */
	pid_t pid;
	int in_fd, out_fd, err_fd;
	char *buf;	   /* stdout, up to a line */
	uint8_t *pkt;	   /* a READ's bytes */
	unsigned line;	   /* stdout lines seen */
	char errtail[160]; /* last line of its stderr */
	size_t errlen;
	bool err_nl;   /* the next stderr byte starts a new line */
	uint32_t caps; /* what `ready 2 ...` declared (TUNCHECK_READY_*) */
};

/* ---- the program ------------------------------------------------------- */

/* One "KEY=value" string, allocated; NULL when out of memory. */
static char *__attribute__((format(printf, 1, 2)))
exec_var(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/*
 * The program's environment: ours without stale TUNCHECK_* variables,
 * then EXEC_ENV_OWN of its own (allocated, at the end).  NULL if no memory.
 */
static char **exec_env(const struct tuncheck_reader *r)
{
	size_t n = 0, k = 0, plen = 1;
	char **env, *params;
	bool bad = false;

	while (environ[n])
		n++;
	for (size_t i = 0; i < r->n_params; i++)
		plen += strlen(r->params[i]) + 1;
	env = calloc(n + EXEC_ENV_OWN + 1, sizeof(*env));
	params = calloc(1, plen);
	if (!env || !params) {
		free(env);
		free(params);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TUNCHECK_", 9))
			env[k++] = environ[i];
	for (size_t i = 0; i < r->n_params; i++)
		strcat(strcat(params, i ? " " : ""), r->params[i]);
	env[k++] = exec_var("TUNCHECK_FD=%d", EXEC_FD);
	env[k++] = exec_var("TUNCHECK_BUFSIZE=%zu", r->bufsize);
	env[k++] = exec_var("TUNCHECK_DRAIN=%s",
			    r->drain == TUNCHECK_DRAIN_ONE ? "one" : "all");
	env[k++] = exec_var("TUNCHECK_NONBLOCK=%d", !!r->nonblock);
	env[k++] = exec_var("TUNCHECK_ERRORS=%s",
			    r->retry_errors ? "retry" : "return");
	env[k++] = exec_var("TUNCHECK_PARAMS=%s", params);
	env[k++] = exec_var("TUNCHECK_PROTOCOL=%d", EXEC_PROTOCOL);
	env[k++] = exec_var("TUNCHECK_RETRY_US=%u", r->retry_us);
	free(params);
	for (size_t i = k - EXEC_ENV_OWN; i < k; i++)
		bad |= !env[i];
	if (!bad)
		return env;
	for (size_t i = k - EXEC_ENV_OWN; i < k; i++)
		free(env[i]);
	free(env);
	return NULL;
}

/* Free what exec_env() allocated: the last EXEC_ENV_OWN entries. */
static void exec_env_free(char **env)
{
	size_t n = 0;

	while (env[n])
		n++;
	for (size_t i = n - EXEC_ENV_OWN; i < n; i++)
		free(env[i]);
	free(env);
}

/*
 * In the forked child (async-signal-safe calls only): die with the reader
 * thread, default SIGPIPE, no blocked signals, stdin/stdout/stderr = the
 * pipes, fd 3 = the queue; then exec.  No setsid(): the job's process
 * group kill must reach it.
 */
static void __attribute__((noreturn))
exec_child(const struct exec_backend *be, int fds[4], char **env, pid_t parent)
{
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* above every target first, so no dup2() overwrites a source */
	for (int i = 0; i < 4; i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)) < 0)
			_exit(127);
	for (int i = 0; i < 4; i++)
		if (dup2(fds[i], i) < 0)
			_exit(127);
	/* nothing else of the job's or the caller's: fds 0-3 only */
	close_range(4, ~0U, 0);
	if (exec_child_hook) {
		int r = exec_child_hook();

		if (r < 0 && r != -EOPNOTSUPP)
			_exit(127);
	}
	execvpe(be->argv[0], be->argv, env);
	dprintf(2, "exec %s: %s\n", be->argv[0], strerrorname_np(errno));
	_exit(127);
}

/* Start the program on r->fd: 0 or -errno. */
static int exec_spawn(const struct exec_backend *be, struct tuncheck_reader *r,
		      struct exec_child *c)
{
	int in[2], out[2], err[2], ret = 0;
	char **env = exec_env(r);
	pid_t parent = getpid();

	if (!env)
		return -ENOMEM;
	if (pipe2(in, O_CLOEXEC) < 0) {
		ret = -errno;
		goto free_env;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		ret = -errno;
		goto close_in;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		ret = -errno;
		goto close_out;
	}
	c->pid = fork();
	if (c->pid == 0) {
		int fds[4] = { in[0], out[1], err[1], r->fd };

		exec_child(be, fds, env, parent);
	}
	if (c->pid < 0)
		ret = -errno;
	else
		c->err_fd = err[0];
	if (c->pid > 0 && exec_spawn_hook)
		exec_spawn_hook(r, c->pid);
	close(err[1]);
	if (ret < 0)
		close(err[0]);
close_out:
	close(out[1]);
	if (ret < 0)
		close(out[0]);
	else
		c->out_fd = out[0];
close_in:
	close(in[0]);
	if (ret < 0)
		close(in[1]);
	else
		c->in_fd = in[1];
free_env:
	exec_env_free(env);
	return ret;
}

/*
 * Keep the last line of the program's stderr (for a failure message) and
 * copy all of it to the job's stderr (--log-dir's .out file, else
 * /dev/null); close it at EOF.
 */
static void exec_stderr(struct exec_child *c)
{
	char buf[512];
	ssize_t n = read(c->err_fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(c->err_fd);
		c->err_fd = -1;
		return;
	}
	/* a full or capped log is no reason to stop: events matter more */
	(void)!write(STDERR_FILENO, buf, (size_t)n);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			c->err_nl = true;
			continue;
		}
		if (c->err_nl)
			c->errlen = 0;
		c->err_nl = false;
		if (c->errlen < sizeof(c->errtail) - 1)
			c->errtail[c->errlen++] = buf[i];
	}
	c->errtail[c->errlen] = 0;
}

/* The backend broke: kill the program and end the job with `error`. */
static void __attribute__((noreturn, format(printf, 3, 4)))
exec_fail(struct tuncheck_reader *r, struct exec_child *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	kill(c->pid, SIGKILL);
	free(c->buf);
	free(c->pkt);
	c->buf = NULL;
	c->pkt = NULL;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->errlen && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, "; stderr: %s",
			 c->errtail);
	r->fail(r, msg);
	abort(); /* fail does not return */
}

/* One complete stdout line: emit its event; 1 after `return`, else 0. */
static int exec_line(struct tuncheck_reader *r, struct exec_child *c,
		     char *line, uint8_t *pkt, int *result)
{
	struct tuncheck_event ev;
	char why[160];
	int ret;

	c->line++;
	/* a comment is the program's own diagnostics: into the job's log */
	if (line[strspn(line, " \t")] == '#')
		dprintf(STDERR_FILENO, "%s\n", line);
	ret = exec_line_parse(line, &ev, pkt, why, sizeof(why));
	if (ret < 0)
		exec_fail(r, c, "backend protocol: line %u: %s", c->line, why);
	if (!ret)
		return 0;
	if (ev.type == TUNCHECK_EV_RETURN) {
		*result = -ev.err;
		return 1;
	}
	if (ev.type == TUNCHECK_EV_WAKE && (c->caps & TUNCHECK_READY_NO_WAKES))
		exec_fail(r, c,
			  "backend protocol: line %u: 'wake' from a backend "
			  "that declared no-wakes",
			  c->line);
	if (ev.type == TUNCHECK_EV_READY) {
		pthread_mutex_lock(&c->lock);
		c->caps = (uint32_t)ev.value;
		pthread_mutex_unlock(&c->lock);
		ev.value &= ~(int64_t)EXEC_READY_REARM;
	}
	tuncheck_reader_emit(r, &ev);
	return 0;
}

/*
 * Relay the program's events until `return` (1, *result set) or the end
 * of its stdout (0).
 */
static int exec_events(struct tuncheck_reader *r, struct exec_child *c,
		       char *buf, uint8_t *pkt, int *result)
{
	size_t len = 0;

	for (;;) {
		struct pollfd p[2] = { { .fd = c->out_fd, .events = POLLIN },
				       { .fd = c->err_fd, .events = POLLIN } };
		char *nl, *s = buf;
		ssize_t n;

		if (poll(p, c->err_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (c->err_fd >= 0 && p[1].revents)
			exec_stderr(c);
		if (!p[0].revents)
			continue;
		n = read(c->out_fd, buf + len, EXEC_LINE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf[len] = 0; /* a last line without newline counts */
			return len ? exec_line(r, c, buf, pkt, result) : 0;
		}
		len += (size_t)n;
		buf[len] = 0;
		while ((nl = memchr(s, '\n', len - (size_t)(s - buf)))) {
			*nl = 0;
			if (exec_line(r, c, s, pkt, result))
				return 1;
			s = nl + 1;
		}
		len -= (size_t)(s - buf);
		memmove(buf, s, len);
		if (len == EXEC_LINE_MAX)
			exec_fail(r, c,
				  "backend protocol: line %u: longer "
				  "than %d bytes",
				  c->line + 1, EXEC_LINE_MAX);
	}
}

/* The program's stdout ended without `return`: how did it end? */
static int exec_reap(struct tuncheck_reader *r, struct exec_child *c)
{
	int st = 0;

	while (c->err_fd >= 0)
		exec_stderr(c);
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st)) {
		const char *sig = sigabbrev_np(WTERMSIG(st));

		exec_fail(r, c, "backend crashed (SIG%s)", sig ? sig : "?");
	}
	if (WEXITSTATUS(st))
		exec_fail(r, c,
			  "backend exited with status %d without "
			  "'return'",
			  WEXITSTATUS(st));
	return 0; /* exit 0 without `return`: it returned ok */
}

/* ops->run of every exec backend: spawn, relay, reap. */
static int exec_run(const struct exec_backend *be, struct tuncheck_reader *r)
{
	struct exec_child *c = calloc(1, sizeof(*c));
	int ret = -ENOMEM, result = 0;

	if (!c)
		return -ENOMEM;
	c->buf = malloc(EXEC_LINE_MAX + 1);
	c->pkt = malloc(EXEC_READ_MAX);
	if (!c->buf || !c->pkt)
		goto free_c;
	pthread_mutex_init(&c->lock, NULL);
	c->in_fd = c->out_fd = c->err_fd = -1;
	ret = exec_spawn(be, r, c);
	if (ret < 0)
		goto free_c;
	/* from here on the close hook may look at c: it lives on */
	r->backend_data = c;
	ret = exec_events(r, c, c->buf, c->pkt, &result);
	if (ret > 0) {
		/* it said `return`: its fd 3 must be gone before RETURN */
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		ret = result;
	} else if (!ret) {
		ret = exec_reap(r, c);
	}
	pthread_mutex_lock(&c->lock);
	close(c->in_fd);
	c->in_fd = -1;
	pthread_mutex_unlock(&c->lock);
	close(c->out_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	free(c->buf);
	free(c->pkt);
	c->buf = NULL;
	c->pkt = NULL;
	return ret;
free_c:
	free(c->buf);
	free(c->pkt);
	free(c);
	return ret;
}

/*
 * Write one line on the program's stdin if it still reads it (and, with
 * need, only if its `ready` declared that capability): 0 or -errno.
 */
static int exec_tell(struct exec_child *c, const char *line, uint32_t need)
{
	int ret = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	if ((c->caps & need) == need && c->in_fd >= 0 &&
	    write(c->in_fd, line, strlen(line)) < 0 && errno != EPIPE)
		ret = -errno;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/*
 * ops->close: the harness closes its copy of the queue fd and writes
 * "close" on the program's stdin; the program must close its fd 3 (the
 * file is released when the last copy goes).  Does not wait for it.
 */
static int exec_close(struct tuncheck_reader *r)
{
	int ret = exec_tell(r->backend_data, "close\n", 0);

	if (close(r->fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

/*
 * ops->rearm: a program that declared `ready 2 rearm` gets `rearm mod` or
 * `rearm readd` on stdin (without waiting for it); any other has nothing
 * to redo, as a plugin without the hook.
 */
static int exec_rearm(struct tuncheck_reader *r, int how)
{
	return exec_tell(r->backend_data,
			 how == TUNCHECK_REARM_READD ? "rearm readd\n"
						     : "rearm mod\n",
			 EXEC_READY_REARM);
}

/* ---- selection --------------------------------------------------------- */

/* ops->run: the reader carries its table, embedded in its exec_backend. */
static int exec_run_ops(struct tuncheck_reader *r)
{
	const struct exec_backend *be =
		(const struct exec_backend *)((const char *)r->ops -
					      offsetof(struct exec_backend,
						       ops));

	return exec_run(be, r);
}

/* Is prog executable, as execvp() would find it?  0 or -errno. */
static int exec_find(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) < 0 ? -errno : 0;
	for (path = path ? path : "/usr/bin:/bin"; *path;) {
		size_t n = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s/%s", (int)n, n ? path : ".",
			 prog);
		if (!access(dir, X_OK))
			return 0;
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

/* "exec-" and the basename of the first word naming a file, or argv[0]. */
static void exec_name(struct exec_backend *be)
{
	const char *w = be->argv[0], *base;

	for (size_t i = 0; be->argv[i]; i++)
		if (strchr(be->argv[i], '/')) {
			w = be->argv[i];
			break;
		}
	base = strrchr(w, '/') ? strrchr(w, '/') + 1 : w;
	snprintf(be->name, sizeof(be->name), "exec-%s", base);
	/* a name a case's xfail line can list: letters, digits, _ . - */
	for (char *p = be->name; *p; p++)
		if (!strchr("_.-", *p) && !(*p >= '0' && *p <= '9') &&
		    !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
			*p = '_';
}

void backend_exec_rename(const struct tuncheck_backend_ops *ops,
			 const char *name)
{
	struct exec_backend *be = (struct exec_backend *)ops; /* ops first */

	snprintf(be->name, sizeof(be->name), "%s", name);
}

/* Every exec backend made and not freed: they live as long as the run. */
static struct exec_backend *exec_all;

/* See exec.h: checked and named; as many as a run names. */
const struct tuncheck_backend_ops *backend_exec_new(const char *spec, char *err,
						    size_t size)
{
	struct exec_backend *be;
	size_t n = 0;
	char *save, *tok;
	int ret;

	be = calloc(1, sizeof(*be));
	if (!be || !(be->words = strdup(spec + strlen("exec:"))))
		goto nomem;
	for (tok = strtok_r(be->words, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (n == EXEC_ARGV_MAX) {
			snprintf(err, size, "%s: more than %d words", spec,
				 EXEC_ARGV_MAX);
			goto free_be;
		}
		be->argv[n++] = tok;
	}
	if (!n) {
		snprintf(err, size,
			 "'%s': name a program, e.g. "
			 "exec:./reader.py or 'exec:python3 reader.py'",
			 spec);
		goto free_be;
	}
	ret = exec_find(be->argv[0]);
	if (ret < 0) {
		snprintf(err, size, "%s: cannot run '%s': %s", spec,
			 be->argv[0], strerror(-ret));
		goto free_be;
	}
	exec_name(be);
	snprintf(be->about, sizeof(be->about), "exec protocol: %s",
		 spec + strlen("exec:"));
	be->ops = (struct tuncheck_backend_ops){
		.abi_version = TUNCHECK_BACKEND_ABI,
		.name = be->name,
		.about = be->about,
		.run = exec_run_ops,
		.close = exec_close,
		.rearm = exec_rearm,
	};
	be->next = exec_all;
	exec_all = be;
	return &be->ops;
nomem:
	snprintf(err, size, "%s: out of memory", spec);
free_be:
	if (be)
		free(be->words);
	free(be);
	return NULL;
}

bool backend_is_exec(const struct tuncheck_backend_ops *ops)
{
	for (const struct exec_backend *be = exec_all; be; be = be->next)
		if (&be->ops == ops)
			return true;
	return false;
}

void backend_exec_free(const struct tuncheck_backend_ops *ops)
{
	for (struct exec_backend **p = &exec_all; *p; p = &(*p)->next)
		if (&(*p)->ops == ops) {
			struct exec_backend *be = *p;

			*p = be->next;
			free(be->words);
			free(be);
			return;
		}
}
