/* SPDX-License-Identifier: MIT */
/* Entry points of the built-in backends (same ABI as plugins). */
#ifndef TUNCHECK_BUILTIN_H
#define TUNCHECK_BUILTIN_H

#include <tuncheck/backend.h>

const struct tuncheck_backend_ops *backend_read_entry(void);
const struct tuncheck_backend_ops *backend_epoll_lt_entry(void);
const struct tuncheck_backend_ops *backend_epoll_et_entry(void);
const struct tuncheck_backend_ops *backend_poll_entry(void);
const struct tuncheck_backend_ops *backend_select_entry(void);
const struct tuncheck_backend_ops *backend_uring_read_entry(void);
const struct tuncheck_backend_ops *backend_uring_poll_entry(void);
const struct tuncheck_backend_ops *backend_poll_eventfd_entry(void);
const struct tuncheck_backend_ops *backend_epoll_eventfd_entry(void);
const struct tuncheck_backend_ops *backend_read_signal_entry(void);
const struct tuncheck_backend_ops *backend_uring_cancel_entry(void);

#endif
