/* SPDX-License-Identifier: MIT */
/*
 * The exec protocol: a backend that is any program.  It inherits the queue
 * fd as fd 3 and prints one event per line on stdout (see README.md,
 * "Backends from outside").
 */
#ifndef TUNCHECK_BACKEND_EXEC_H
#define TUNCHECK_BACKEND_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <tuncheck/backend.h>

#define EXEC_FD		 3     /* the queue fd, in the program */
#define EXEC_READ_MAX	 65536 /* longest packet a `read` line may carry */
#define EXEC_PROTOCOL	 2     /* newest protocol version spoken */
/* READY's value from `ready 2 rearm`: exec's own, never emitted */
#define EXEC_READY_REARM (1u << 16)

/*
 * "exec:PROGRAM [ARGS]" (split on blanks) into an allocated ops table
 * named "exec-<basename>", or NULL with a message in err.  It stays
 * allocated (and reachable) until backend_exec_free().
 */
const struct tuncheck_backend_ops *backend_exec_new(const char *spec, char *err,
						    size_t size);

/* -b NAME=exec:...: the backend made by backend_exec_new() renamed. */
void backend_exec_rename(const struct tuncheck_backend_ops *ops,
			 const char *name);

/* Free an exec backend's table (not one in use by a running job). */
void backend_exec_free(const struct tuncheck_backend_ops *ops);

/*
 * Called in each forked child right before it execs the program (only
 * async-signal-safe work): the job passes its sandbox's nesting step.
 * Returns 0 or -errno; -EOPNOTSUPP is not an error.
 */
void backend_exec_child_hook(int (*hook)(void));

/* Called in the reader thread with the program's pid once it is forked. */
void backend_exec_spawn_hook(void (*hook)(struct tuncheck_reader *r,
					  pid_t pid));

/* Is ops an exec backend's table? */
bool backend_is_exec(const struct tuncheck_backend_ops *ops);

/*
 * Parse one protocol line (split in place) into ev; a READ's bytes go to
 * buf (EXEC_READ_MAX bytes; zeros when the line gives only a length).
 * 1 = an event, 0 = a blank or comment line, -EINVAL with the reason in
 * why.  `return` gives a RETURN event with err set (0 = ok); `ready 2
 * CAPABILITY...` a READY whose value holds TUNCHECK_READY_NO_WAKES and
 * EXEC_READY_REARM as declared.
 */
int exec_line_parse(char *line, struct tuncheck_event *ev, uint8_t *buf,
		    char *why, size_t size);

#endif
