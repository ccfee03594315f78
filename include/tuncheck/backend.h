/* SPDX-License-Identifier: MIT */
/*
 * tuncheck backend ABI: the one way an I/O strategy plugs into tuncheck.
 *
 * A backend gets a queue fd (a /dev/net/tun file, attached or not) and runs
 * a reader loop on it, reporting what happens through tuncheck_reader_emit().
 * Built-in backends and out-of-tree plugins use exactly this header.  A
 * plugin exports one symbol, TUNCHECK_BACKEND_ENTRY, returning its ops table;
 * tuncheck refuses a table whose abi_version it does not speak (1).
 *
 * ABI 2 (tuncheck 2): struct tuncheck_reader carries the ops table it runs
 * (r->ops), so one backend may serve several tables (container_of) without
 * a function per table.  A plugin built for ABI 1 must be rebuilt.
 * ABI 3 (tuncheck 3): fields appended, so ABI 2 plugins still run:
 * r->gate() before each wait (wait=step), r->retry_us, ops->flags.
 */
#ifndef TUNCHECK_BACKEND_H
#define TUNCHECK_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TUNCHECK_BACKEND_ABI   3
#define TUNCHECK_BACKEND_ENTRY "tuncheck_backend_entry"

enum tuncheck_event_type {
	TUNCHECK_EV_READY = 1, /* fd registered; value = TUNCHECK_READY_* */
	TUNCHECK_EV_WAKE,      /* wait returned: value = revents / CQE res */
	TUNCHECK_EV_READ,      /* read returned data: data/len = the packet */
	TUNCHECK_EV_ERROR,     /* wait or read failed: err = positive errno */
	TUNCHECK_EV_RETURN,    /* reader loop ended (emitted by tuncheck) */
};

/*
 * ERROR's err for a failure that has no errno (a runtime's own error, as
 * exec's `error - MESSAGE` reports it); above every errno Linux uses.
 */
#define TUNCHECK_ERR_NONE 4095

/*
 * READY's value: what the backend can report (0 from ABI 1 on: all).
 * NO_WAKES: it cannot see its wakeups (a runtime that hides its poller):
 * it emits no WAKE, and a case's `wakes` expectations on its reader are
 * reported "not observable" instead of failing.
 */
#define TUNCHECK_READY_NO_WAKES 1u

struct tuncheck_event {
	enum tuncheck_event_type type;
	int err;	  /* positive errno for ERROR / RETURN, else 0 */
	int64_t value;	  /* revents for WAKE, result for RETURN */
	const void *data; /* READ: the bytes read (copied by emit) */
	size_t len;	  /* READ: their length */
};

/* Drain policy: read until EAGAIN after a wake, or one packet per wake. */
enum tuncheck_drain {
	TUNCHECK_DRAIN_ALL = 0,
	TUNCHECK_DRAIN_ONE = 1,
};

struct tuncheck_reader;

/*
 * What a reader loop is given.  Every field is filled in by tuncheck
 * before ops->run is called; the backend must not free anything here.
 */
struct tuncheck_reader {
	/* The table whose run() is called, as the kernel's file ops take
	 * the file: a backend with several tables finds its own here. */
	const struct tuncheck_backend_ops *ops;
	int fd;			   /* the queue fd to read */
	size_t bufsize;		   /* read buffer size the case asks for */
	enum tuncheck_drain drain; /* drain policy */
	int nonblock;		   /* case asked for O_NONBLOCK on fd */
	/*
	 * errors=retry: after a failed read (EBADFD before TUNSETIFF, say)
	 * emit ERROR and go back to waiting, as Go's runtime does, instead
	 * of ending the loop (errors=return, the default).
	 */
	int retry_errors;
	/* Case parameters not known to tuncheck, "key=value" each. */
	const char *const *params;
	size_t n_params;
	/* Report one event; safe from any thread; returns 0 or -errno. */
	int (*emit)(struct tuncheck_reader *r, const struct tuncheck_event *ev);
	/* Non-zero once tuncheck asked the loop to stop (job ending). */
	volatile int stop;
	void *backend_data; /* free for the backend's own use */
	void *harness_data; /* tuncheck's; do not touch */
	/*
	 * The backend itself broke (not the I/O it tests): end the job with
	 * verdict `error` and this message, e.g. "backend protocol: line 3:
	 * unknown event 'wkae'".  Does not return.
	 */
	void (*fail)(struct tuncheck_reader *r, const char *msg);
	/* ABI 3 from here on (an ABI 2 backend never reads them). */
	/*
	 * errors=retry: how long to pause before waiting again, in
	 * microseconds (the case's retry=DUR; 1000 by default).
	 */
	unsigned retry_us;
	/*
	 * Call right before each wait (epoll_wait, poll, a blocking read, an
	 * io_uring submit-and-wait): it returns at once, unless the case
	 * said `reader ... wait=step`, where it blocks until a `wait` step
	 * lets this reader wait once more.  Returns non-zero when the loop
	 * should end instead.  A backend whose ops set TUNCHECK_GATED calls
	 * it; others cannot run a case that uses wait=step.
	 */
	int (*gate)(struct tuncheck_reader *r);
};

struct tuncheck_backend_ops {
	uint32_t abi_version; /* TUNCHECK_BACKEND_ABI */
	const char *name;     /* short, unique: "epoll-lt" */
	const char *about;    /* one line for `tuncheck list` */
	/*
	 * Register r->fd, emit READY, then wait/read/emit until an
	 * unrecoverable error or r->stop.  Runs on its own thread; may block
	 * forever in the kernel (tuncheck bounds the job, not the call).
	 * Returns 0 or -errno; tuncheck emits RETURN with it.
	 */
	int (*run)(struct tuncheck_reader *r);
	/*
	 * Optional: close r->fd on behalf of another thread (the case's
	 * `close` step), using whatever wake-up the strategy relies on
	 * (an eventfd, a signal, an io_uring cancel) before or after the
	 * close().  Returns 0 or -errno.  NULL means tuncheck just calls
	 * close(r->fd).
	 */
	int (*close)(struct tuncheck_reader *r);
	/*
	 * Optional: redo the registration of r->fd from the controller
	 * thread (the case's `rearm R how=mod|readd` step), e.g. after a
	 * late TUNSETIFF: TUNCHECK_REARM_MOD modifies it in place
	 * (EPOLL_CTL_MOD), TUNCHECK_REARM_READD removes and adds it again.
	 * Returns 0 or -errno; NULL means the strategy has nothing to redo.
	 */
	int (*rearm)(struct tuncheck_reader *r, int how);
	/* ABI 3: TUNCHECK_GATED if run() calls r->gate() before each wait */
	uint32_t flags;
};

#define TUNCHECK_GATED 1u

enum { TUNCHECK_REARM_MOD = 1, TUNCHECK_REARM_READD = 2 };

typedef const struct tuncheck_backend_ops *(*tuncheck_backend_entry_fn)(void);

/* What a plugin exports (TUNCHECK_BACKEND_ENTRY names it for dlsym). */
const struct tuncheck_backend_ops *tuncheck_backend_entry(void);

static inline int tuncheck_reader_emit(struct tuncheck_reader *r,
				       const struct tuncheck_event *ev)
{
	return r->emit(r, ev);
}

#ifdef __cplusplus
}
#endif
#endif /* TUNCHECK_BACKEND_H */
