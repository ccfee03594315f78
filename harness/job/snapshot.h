/* SPDX-License-Identifier: MIT */
/*
 * Where a hung job is stuck: each thread's wchan and system call number,
 * and the fdinfo of every epoll and io_uring fd, as one line of text.
 * Taken by the job itself (its watchdog thread, asked by the runner at the
 * hard deadline), since a job's non-dumpable process hides /proc/PID/syscall
 * and /proc/PID/fd from an unprivileged runner.
 */
#ifndef TUNCHECK_SNAPSHOT_H
#define TUNCHECK_SNAPSHOT_H

#include <stddef.h>

/* Describe this process's threads and pollers into out (no newlines). */
void snapshot_self(char *out, size_t cap);

#endif
