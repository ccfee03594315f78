// SPDX-License-Identifier: MIT
/* Backend selection: the built-in table, and plugins through dlopen. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "builtin.h"
#include "exec.h"

static tuncheck_backend_entry_fn const builtins[] = {
	backend_read_entry,	     backend_epoll_lt_entry,
	backend_epoll_et_entry,	     backend_poll_entry,
	backend_select_entry,	     backend_uring_read_entry,
	backend_uring_poll_entry,    backend_poll_eventfd_entry,
	backend_epoll_eventfd_entry, backend_read_signal_entry,
	backend_uring_cancel_entry,
};

size_t backend_builtin_count(void)
{
	return sizeof(builtins) / sizeof(builtins[0]);
}

const struct tuncheck_backend_ops *backend_builtin(size_t i)
{
	return i < backend_builtin_count() ? builtins[i]() : NULL;
}

/* Check an ops table from any source; NULL-safe. */
static const struct tuncheck_backend_ops *
backend_check(const struct tuncheck_backend_ops *ops, const char *spec,
	      char *err, size_t size)
{
	if (!ops) {
		snprintf(err, size, "%s: entry returned no ops table", spec);
		return NULL;
	}
	if (ops->abi_version != TUNCHECK_BACKEND_ABI) {
		snprintf(err, size,
			 "%s: backend ABI version %u, tuncheck speaks %u "
			 "(rebuild it against this tuncheck's header)",
			 spec, ops->abi_version, TUNCHECK_BACKEND_ABI);
		return NULL;
	}
	if (!ops->name || !*ops->name || !ops->run) {
		snprintf(err, size, "%s: ops table incomplete (%s missing)",
			 spec, !ops->run ? "run" : "name");
		return NULL;
	}
	return ops;
}

static const struct tuncheck_backend_ops *backend_load(const char *path,
						       char *err, size_t size)
{
	tuncheck_backend_entry_fn entry;
	void *h;

	if (access(path, R_OK) < 0) {
		snprintf(err, size, "%s: backend plugin not found (%m)", path);
		return NULL;
	}
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

const struct tuncheck_backend_ops *backend_select(const char *spec, char *err,
						  size_t size)
{
	if (!strncmp(spec, "exec:", 5)) {
		const struct tuncheck_backend_ops *ops =
			backend_exec_new(spec, err, size);

		return ops ? backend_check(ops, spec, err, size) : NULL;
	}
	if (strchr(spec, '/'))
		return backend_load(spec, err, size);
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
