// SPDX-License-Identifier: MIT
/* The parent side of the process model (see runner.h and DESIGN.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.h"
#include "runner.h"
#include "timeline.h"

#define SETUP_SLACK_NS 5000000000ull /* sandbox entry on a loaded machine */

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

void runner_skip_all(struct job_spec *jobs, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++) {
		jobs[i].res.v = VERDICT_SKIP;
		snprintf(jobs[i].res.cls, sizeof(jobs[i].res.cls), "skip");
		snprintf(jobs[i].res.observed, sizeof(jobs[i].res.observed),
			 "%s", why);
		jobs[i].done = 1;
	}
}

/* Apply one protocol line from a job (see job.c's head comment). */
static void runner_line(struct job_spec *js, char *line)
{
	struct job_result *r = &js->res;
	char kind[16], *tab, *tab2;
	unsigned long long at;
	int v;

	if (sscanf(line, "step %u", &r->step) == 1)
		return;
	if (!strncmp(line, "note ", 5)) {
		size_t l = strlen(r->notes);

		snprintf(r->notes + l, sizeof(r->notes) - l, "%s%s",
			 l ? "; " : "", line + 5);
		return;
	}
	if (sscanf(line, "verdict %15s %u %llu %23s", kind, &r->line, &at,
		   r->cls) != 4 ||
	    (v = verdict_parse(kind)) < 0)
		return;
	r->v = (enum verdict)v;
	r->at_ns = at;
	tab = strchr(line, '\t');
	tab2 = tab ? strchr(tab + 1, '\t') : NULL;
	if (tab2) {
		*tab2 = 0;
		snprintf(r->expected, sizeof(r->expected), "%s", tab + 1);
		snprintf(r->observed, sizeof(r->observed), "%s", tab2 + 1);
	}
	js->done = 2; /* verdict seen; reaped later */
}

/* Read what the job wrote; returns false at EOF. */
static bool runner_read(struct job_spec *js)
{
	ssize_t n = read(js->out_fd, js->buf + js->buf_len,
			 sizeof(js->buf) - 1 - js->buf_len);
	char *nl, *p = js->buf;

	if (n == 0)
		js->out_eof = true;
	if (n <= 0)
		return n < 0 && errno == EINTR;
	js->buf_len += (size_t)n;
	js->buf[js->buf_len] = 0;
	while ((nl = strchr(p, '\n'))) {
		*nl = 0;
		runner_line(js, p);
		p = nl + 1;
	}
	js->buf_len -= (size_t)(p - js->buf);
	memmove(js->buf, p, js->buf_len);
	if (js->buf_len == sizeof(js->buf) - 1)
		js->buf_len = 0; /* an overlong line: drop it */
	return true;
}

/* Append the fdinfo of every epoll and io_uring fd of pid, flattened. */
static void runner_snapshot_pollers(pid_t pid, char *out, size_t cap,
				    size_t *off)
{
	char path[320], link[64], line[160];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && *off < cap) {
		ssize_t n;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (!strstr(link, "[eventpoll]") && !strstr(link, "[io_uring]"))
			continue;
		*off += (size_t)snprintf(out + *off, cap - *off,
					 "; fd %s %s:", de->d_name, link + 11);
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid,
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f) && *off < cap) {
			line[strcspn(line, "\n")] = 0;
			/* epoll: the "tfd:" lines; io_uring: SQ/CQ heads, tails */
			if (!strncmp(line, "tfd:", 4) || strstr(line, "Head") ||
			    strstr(line, "Tail") ||
			    strstr(line, "CachedCqTail"))
				*off += (size_t)snprintf(out + *off, cap - *off,
							 " [%s]", line);
		}
		fclose(f);
	}
	closedir(d);
}

/* On timeout: each thread's wchan and syscall, before the kill. */
static void runner_snapshot(struct job_spec *js)
{
	char path[320], val[128], *out = js->res.blocked;
	size_t off = 0, cap = sizeof(js->res.blocked);
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", js->pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && off < cap) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		off += (size_t)snprintf(out + off, cap - off, "%stid %s",
					off ? "; " : "", de->d_name);
		for (int k = 0; k < 2 && off < cap; k++) {
			snprintf(path, sizeof(path), "/proc/%d/task/%s/%s",
				 js->pid, de->d_name, k ? "syscall" : "wchan");
			f = fopen(path, "re");
			if (!f)
				continue;
			if (fgets(val, sizeof(val), f)) {
				val[strcspn(val, "\n")] = 0;
				if (k)
					val[strcspn(val, " ")] =
						0; /* number only */
				off += (size_t)snprintf(out + off, cap - off,
							" %s=%s",
							k ? "syscall" : "wchan",
							val);
			}
			fclose(f);
		}
	}
	closedir(d);
	runner_snapshot_pollers(js->pid, out, cap, &off);
}

/* Reap a job whose process ended and settle its verdict. */
static void runner_reap(struct job_spec *js, uint64_t started)
{
	struct job_result *r = &js->res;
	int status = 0;

	while (runner_read(js))
		;
	/* whatever the job left in its group (an exec backend's children) */
	kill(-js->pid, SIGKILL);
	while (waitpid(js->pid, &status, 0) < 0 && errno == EINTR)
		;
	r->wall_ns = now_ns() - started;
	if (js->done == 2 || r->v == VERDICT_TIMEOUT)
		goto out;
	r->v = VERDICT_ERROR;
	r->line = r->step;
	snprintf(r->expected, sizeof(r->expected), "a verdict from the job");
	snprintf(r->cls, sizeof(r->cls), "%s",
		 WIFSIGNALED(status) ? "crash" : "error");
	if (WIFSIGNALED(status))
		snprintf(r->observed, sizeof(r->observed),
			 "job crashed (SIG%s) during the step at line %u",
			 sigabbrev_np(WTERMSIG(status))
				 ? sigabbrev_np(WTERMSIG(status))
				 : "?",
			 r->step);
	else
		snprintf(r->observed, sizeof(r->observed),
			 "job exited with status %d during the step at line %u "
			 "without a verdict",
			 WEXITSTATUS(status), r->step);
out:
	close(js->out_fd);
	close(js->pidfd);
	js->done = 3;
}

const char *runner_job_path(const char *dir, const struct job_spec *js,
			    const char *ext, char *buf, size_t size)
{
	char *f;

	snprintf(buf, size, "%s/", dir);
	f = buf + strlen(buf);
	snprintf(f, size - (size_t)(f - buf), "%s-%s.%s", js->c->name,
		 js->ops->name, ext);
	/* variant names and plugin paths carry slashes */
	for (; *f; f++)
		if (*f == '/')
			*f = '_';
	return buf;
}

/* A file for the job in dir, opened before the sandbox locks files away. */
static int runner_job_file(const char *dir, const struct job_spec *js,
			   const char *ext)
{
	char path[4096];

	if (!dir)
		return -1;
	runner_job_path(dir, js, ext, path, sizeof(path));
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

static void runner_child(struct job_spec *jobs, size_t n, size_t idx,
			 const struct runner_opts *o, int wfd)
{
	struct job_opts jo = o->job;

	setpgid(0, 0);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].pid > 0 && jobs[i].done < 3 && i != idx)
			close(jobs[i].out_fd);
	jo.log_fd = runner_job_file(o->log_dir, &jobs[idx], "log");
	jo.pcap_fd = runner_job_file(o->pcap_dir, &jobs[idx], "pcap");
	job_main(jobs[idx].c, jobs[idx].ops, &jo, wfd);
}

static int runner_start(struct job_spec *jobs, size_t n, size_t idx,
			const struct runner_opts *o)
{
	struct job_spec *js = &jobs[idx];
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	js->pid = fork();
	if (js->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (js->pid == 0) {
		close(p[0]);
		runner_child(jobs, n, idx, o, p[1]);
	}
	setpgid(js->pid, js->pid);
	close(p[1]);
	js->out_fd = p[0];
	/* a backend's own child may keep the pipe open after the job ends */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	js->pidfd = pidfd_open(js->pid);
	if (js->pidfd < 0)
		return -errno;
	js->deadline = now_ns() + js->c->deadline_ns + SETUP_SLACK_NS;
	js->done = 1;
	return 0;
}

/* The deadline passed: record where it was stuck, kill the group. */
static void runner_timeout(struct job_spec *js)
{
	struct job_result *r = &js->res;
	char d[32];

	runner_snapshot(js);
	kill(-js->pid, SIGKILL);
	r->v = VERDICT_TIMEOUT;
	snprintf(r->cls, sizeof(r->cls), "hang");
	r->line = r->step;
	snprintf(r->expected, sizeof(r->expected), "job done within %s",
		 fmt_duration(js->c->deadline_ns + SETUP_SLACK_NS, d,
			      sizeof(d)));
	snprintf(r->observed, sizeof(r->observed),
		 "hard deadline hit during the step at line %u", r->step);
}

int runner_run(struct job_spec *jobs, size_t n, const struct runner_opts *o)
{
	struct pollfd *pfd = calloc(2 * n + 1, sizeof(*pfd));
	size_t *who = calloc(2 * n + 1, sizeof(*who));
	uint64_t *started = calloc(n + 1, sizeof(*started));
	size_t next = 0, running = 0, finished = 0;
	int ret = 0;

	if (!pfd || !who || !started) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (jobs[i].done)
			finished++; /* pre-settled (skipped) */
	while (finished < n) {
		uint64_t now = now_ns(), soonest = UINT64_MAX;
		size_t np = 0;
		int timeout;

		while (running < o->parallel && next < n) {
			if (jobs[next].done) {
				next++;
				continue;
			}
			started[next] = now_ns();
			ret = runner_start(jobs, n, next, o);
			if (ret < 0)
				goto out;
			running++;
			next++;
		}
		for (size_t i = 0; i < next; i++) {
			struct job_spec *js = &jobs[i];

			if (js->done < 1 || js->done > 2 || !js->pid)
				continue;
			if (js->res.v != VERDICT_TIMEOUT && now >= js->deadline)
				runner_timeout(js);
			if (js->res.v != VERDICT_TIMEOUT &&
			    js->deadline < soonest)
				soonest = js->deadline;
			pfd[np] = (struct pollfd){ .fd = js->pidfd,
						   .events = POLLIN };
			who[np++] = i;
			if (js->out_eof)
				continue;
			pfd[np] = (struct pollfd){ .fd = js->out_fd,
						   .events = POLLIN };
			who[np++] = i;
		}
		timeout = soonest == UINT64_MAX
				  ? 1000
				  : (int)((soonest > now ? soonest - now : 0) /
						  1000000 +
					  1);
		if (poll(pfd, np, timeout) < 0 && errno != EINTR) {
			ret = -errno;
			goto out;
		}
		for (size_t k = 0; k < np; k++) {
			struct job_spec *js = &jobs[who[k]];

			if (!pfd[k].revents || js->done == 3)
				continue;
			if (pfd[k].fd == js->out_fd) {
				runner_read(js);
				continue;
			}
			runner_reap(js, started[who[k]]);
			running--;
			finished++;
			if (o->on_done)
				o->on_done(jobs, n, who[k], o->arg);
		}
	}
out:
	free(pfd);
	free(who);
	free(started);
	return ret;
}
