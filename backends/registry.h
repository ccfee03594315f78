/* SPDX-License-Identifier: MIT */
/*
 * The one selection point for backends: built-ins, exec programs and
 * plugins alike.  The runner never loads plugin code: a plugin is probed
 * in a sandboxed child, which reports its name and ABI over a pipe, and
 * each job loads it again inside its own sandbox (backend_bind).
 */
#ifndef TUNCHECK_HARNESS_BACKEND_H
#define TUNCHECK_HARNESS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <tuncheck/backend.h>

#define BACKEND_NAME_MAX 63

size_t backend_builtin_count(void);
const struct tuncheck_backend_ops *backend_builtin(size_t i);

/*
 * A built-in by name, `exec:PROGRAM [ARGS]`, or a plugin when spec
 * contains a '/' (probed in a sandboxed child: dlopen, entry symbol, ABI
 * version, ops and name checked there; a crash or hang costs the probe).
 * For a plugin the result only carries its name and about line until a
 * job binds it.  NULL with a message in err on failure.
 */
const struct tuncheck_backend_ops *backend_select(const char *spec, char *err,
						  size_t size);

/*
 * In a job, after its sandbox is locked: the ops to run.  A plugin is
 * loaded here (its constructors run here, sandboxed); anything else is
 * returned as is.  NULL with a message in err.
 */
const struct tuncheck_backend_ops *
backend_bind(const struct tuncheck_backend_ops *ops, char *err, size_t size);

/* A name a case's xfail line can list and a report can print safely. */
bool backend_name_valid(const char *name);

/*
 * --like NAME=BUILTIN: backend NAME (an outside one) is expected to
 * behave as the built-in BUILTIN, so the cases' xfail and backends lines
 * naming BUILTIN apply to it too.  0, or -1 with err set.
 */
int backend_like_add(const char *spec, char *err, size_t size);
/* The built-in NAME is like (--like), or NULL. */
const char *backend_like(const char *name);

#endif
