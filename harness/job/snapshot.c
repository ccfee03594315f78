// SPDX-License-Identifier: MIT
/* A hung job's threads and pollers, from /proc/self (see snapshot.h). */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "snapshot.h"

/* Append printf output at *off, never past cap. */
static void __attribute__((format(printf, 4, 5)))
snapshot_add(char *out, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *off, cap - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < cap - *off ? (size_t)n : cap - *off;
}

/* Append the fdinfo of every epoll and io_uring fd, flattened. */
static void snapshot_pollers(char *out, size_t cap, size_t *off)
{
	char path[320], link[64], line[160];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return;
	while ((de = readdir(d)) && *off < cap) {
		ssize_t n;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (!strstr(link, "[eventpoll]") && !strstr(link, "[io_uring]"))
			continue;
		snapshot_add(out, cap, off, "; fd %s %s:", de->d_name,
			     link + 11);
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%s",
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f) && *off < cap) {
			line[strcspn(line, "\n")] = 0;
			/* epoll: the "tfd:" lines; io_uring: SQ/CQ heads, tails */
			if (!strncmp(line, "tfd:", 4) || strstr(line, "Head") ||
			    strstr(line, "Tail"))
				snapshot_add(out, cap, off, " [%s]", line);
		}
		fclose(f);
	}
	closedir(d);
}

/* Append each thread's wchan and syscall number. */
static void snapshot_threads(char *out, size_t cap, size_t *off)
{
	char path[320], val[128];
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");

	if (!d)
		return;
	while ((de = readdir(d)) && *off < cap) {
		if (de->d_name[0] == '.')
			continue;
		snapshot_add(out, cap, off, "%stid %s", *off ? "; " : "",
			     de->d_name);
		for (int k = 0; k < 2; k++) {
			FILE *f;

			snprintf(path, sizeof(path), "/proc/self/task/%s/%s",
				 de->d_name, k ? "syscall" : "wchan");
			f = fopen(path, "re");
			if (!f)
				continue;
			if (fgets(val, sizeof(val), f)) {
				val[strcspn(val, k ? " \n" : "\n")] = 0;
				snapshot_add(out, cap, off, " %s=%s",
					     k ? "syscall" : "wchan", val);
			}
			fclose(f);
		}
	}
	closedir(d);
}

void snapshot_self(char *out, size_t cap)
{
	size_t off = 0;

	out[0] = '\0';
	/*
	 * A non-dumpable task's /proc files belong to the host's root, so
	 * even the task itself may not read its syscall or fd entries; this
	 * moment (the job is about to be killed) is the only one it is lifted.
	 */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	snapshot_threads(out, cap, &off);
	snapshot_pollers(out, cap, &off);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
