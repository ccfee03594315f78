/* SPDX-License-Identifier: MIT */
/*
 * The case model and its parser.  A case file is parsed by a pure function
 * (text in, struct case + diagnostics out): no I/O, no privileges, so it is
 * unit-tested and fuzzed directly.  See README.md "Case language".
 */
#ifndef TUNCHECK_CASE_H
#define TUNCHECK_CASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errname.h"

#define CASE_NAME_MAX	     32	  /* names of cases, devices, queues, readers */
#define CASE_LINE_MAX	     4096 /* longest accepted line, in bytes */
#define CASE_MAX_ADDRS	     4	  /* addresses per device */
#define CASE_MAX_DEVICES     16	  /* tun lines per case */
#define CASE_MAX_QUEUES	     16	  /* open and dup lines per case */
#define CASE_MAX_READERS     16	  /* reader lines per case */
#define CASE_MAX_XFAIL	     16 /* backends named by the xfails of an expect */
#define CASE_MAX_XFAIL_LINES 8	/* xfail lines after one expect */
#define CASE_MAX_PARAMS	     8	/* extra backend parameters per reader */
#define CASE_MAX_HEX	     65536	/* bytes of a raw packet */
#define CASE_MAX_STEPS	     10000	/* steps per case */
#define CASE_FILE_MAX	     (4u << 20) /* largest case file case_load reads */

struct case_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
	uint8_t prefix; /* prefix length */
};

enum step_kind {
	STEP_TUN,      /* create a device: tun NAME [opts] */
	STEP_SYSCTL,   /* sysctl KEY=VALUE (namespace-local) */
	STEP_OPEN,     /* open a queue fd: open Q device=T [attach=now|later] */
	STEP_ATTACH,   /* attach Q */
	STEP_DETACH,   /* detach Q */
	STEP_CLOSE,    /* close Q (from the controller thread) */
	STEP_DUP,      /* dup Q as Q2 */
	STEP_READER,   /* reader R queue=Q [bufsize=] [drain=] [nonblock] ... */
	STEP_LINK,     /* link T up|down|delete */
	STEP_MTU,      /* mtu T N */
	STEP_SEND,     /* send PROTO into=Q|from-ns to=ADDR count=N ... */
	STEP_WRITE,    /* write Q hex=... [count=N] */
	STEP_PINGPONG, /* pingpong Q count=N [size=N]: echo, await reply */
	STEP_REARM,    /* rearm R how=mod|readd: redo the registration */
	STEP_IOCTL,    /* ioctl Q NAME [ARG]: one TUN ioctl (tunioctl.h) */
	STEP_READ,     /* read Q [size=N] [iov=N] [nonblock] [within=D] */
	STEP_WAIT,     /* wait R [count=N|all]: a wait=step reader may wait */
	STEP_SLEEP,    /* sleep DUR */
	STEP_FAULT,    /* fault WHO CALLS errno=E|short=N|delay=D [when] */
	STEP_EXPECT,   /* expect SUBJECT PREDICATE [args] */
};

/* The system calls a `fault` step can make fail (harness/job/fault.c). */
enum fault_call {
	FAULT_READ,
	FAULT_READV,
	FAULT_WRITE,
	FAULT_WRITEV,
	FAULT_IOCTL,
	FAULT_POLL,
	FAULT_PPOLL,
	FAULT_SELECT,
	FAULT_PSELECT6,
	FAULT_EPOLL_WAIT,
	FAULT_EPOLL_PWAIT,
	FAULT_EPOLL_PWAIT2,
	FAULT_CALL_N,
};
/* the calls whose first argument is the fd (matched against the queue) */
#define FAULT_FD_CALLS                                                         \
	(1u << FAULT_READ | 1u << FAULT_READV | 1u << FAULT_WRITE |            \
	 1u << FAULT_WRITEV | 1u << FAULT_IOCTL)
extern const char *const fault_call_names[FAULT_CALL_N];

enum fault_action { FAULT_ERRNO, FAULT_SHORT, FAULT_DELAY };

/* link T up|down|delete | carrier|multicast|arp on|off */
enum link_op {
	LINK_UP,
	LINK_DOWN,
	LINK_DELETE,
	LINK_CARRIER, /* IFLA_CARRIER (dev_change_carrier) */
	LINK_MULTICAST,
	LINK_ARP,    /* clears IFF_NOARP when on */
	LINK_TXQLEN, /* IFLA_TXQLEN: link T txqlen N */
};

enum proto {
	PROTO_ANY,	  /* any packet */
	PROTO_ICMP_ECHO,  /* ICMP/ICMPv6 echo request */
	PROTO_ICMP_REPLY, /* ICMP/ICMPv6 echo reply */
	PROTO_UDP,	  /* UDP over IPv4 or IPv6 */
	PROTO_OTHER,	  /* anything else (MLD, ...) */
	PROTO_ARP,	  /* an ARP frame (tap) */
	PROTO_ND,	  /* ICMPv6 neighbour discovery: types 133..137 */
};

/* The names of enum proto in its order, for choices */
#define CASE_PROTOS "any|icmp-echo|icmp-reply|udp|other|arp|nd"

/* tun neigh=: how a tap's kernel learns the peer's MAC */
enum case_neigh {
	NEIGH_STATIC, /* permanent neighbour entries (no ARP, no ND) */
	NEIGH_ANSWER, /* the job answers ARP requests and NS for the peer */
	NEIGH_NONE,   /* nobody answers: the case does it, or tests that */
};

/* frag=: where a packet sits among IP fragments */
enum case_frag { FRAG_NONE, FRAG_FIRST, FRAG_MIDDLE, FRAG_LAST };

enum expect_kind {
	EXPECT_READS,	  /* R reads PROTO count=N within=D [conserve] */
	EXPECT_BLOCKED,	  /* R blocked for=D: no event at all in window */
	EXPECT_NO_WAKE,	  /* R no-wake for=D: no wake/read in window */
	EXPECT_WAKES,	  /* R wakes min=N [max=M] within=D */
	EXPECT_RETURNS,	  /* R returns within=D [errno=E|ok] */
	EXPECT_ERROR,	  /* R error errno=E within=D */
	EXPECT_READABLE,  /* Q readable | Q not-readable (zero-timeout poll) */
	EXPECT_SEND,	  /* send ok | send errno=E: last send/write step */
	EXPECT_LINK,	  /* T link up|down (IFF_UP from netlink) */
	EXPECT_STEP,	  /* step ok | step errno=E: the previous step */
	EXPECT_POLL,	  /* Q poll|writable|not-writable: revents has/lacks */
	EXPECT_CARRIER,	  /* T carrier on|off (IFLA_CARRIER) */
	EXPECT_OPERSTATE, /* T operstate NAME (IFLA_OPERSTATE) */
	EXPECT_FLAGS,	  /* T flags has=BITS lacks=BITS (ifi_flags) */
	EXPECT_COUNTER,	  /* T counter NAME | snmp NAME: min= max= */
	EXPECT_ADDRS,	  /* T addresses usable|pending: IPv6 DAD state */
	EXPECT_FLOWS,	  /* flows R+R... count=N: UDP flows across queues */
};

/* The virtio_net_hdr filters of a reads expectation, as bits of vnet_set. */
enum vnet_filter {
	VF_GSO,
	VF_CSUM,
	VF_GSO_SIZE,
	VF_HDR_LEN,
	VF_CSUM_START,
	VF_CSUM_OFFSET
};

/* gso=: VIRTIO_NET_HDR_GSO_* by name (values 0, 1, 3, 4, 5) */
#define CASE_GSO_TYPES "none|tcpv4|udp|tcpv6|udp-l4"

/* IF_OPER_* by name, in their order (0 = unknown). */
#define CASE_OPERSTATES                                                        \
	"unknown|notpresent|down|lowerlayerdown|testing|dormant|up"

/* kernel=A.B-C.D: from A.B (inclusive) until C.D (exclusive); {0,0} =
 * no bound on that side. */
struct case_krange {
	unsigned from[2], until[2];
};

/* Is version v[2] inside r? */
bool case_krange_has(const struct case_krange *r, const unsigned v[2]);

struct expect {
	enum expect_kind kind;
	char subject[CASE_NAME_MAX]; /* reader, queue, or device name */
	int subject_ref;	     /* its index in its kind's table */
	enum proto proto;	     /* READS; STEP after read (class=) */
	long count;		     /* READS: packets; WAKES: min */
	long max;		     /* WAKES: max, -1 = none */
	/* WAKES: poll bits every wake has / some wake has / no wake has
	 * (wake_names), 0 = not asked */
	uint32_t every, some, none;
	/* POLL, FLAGS, STEP: bits the value has / lacks; POLL: events asked */
	uint32_t has, lacks, events;
	long value;	    /* STEP: value=, the ioctl's read-back; -1 = any */
	int counter;	    /* COUNTER: index in stats64_names, -1 = snmp */
	char snmp[48];	    /* COUNTER on snmp: "Ip.InHdrErrors" */
	uint8_t state;	    /* OPERSTATE: IF_OPER_*; CARRIER: 1 = on */
	long len;	    /* READS: only reads of len bytes, 0 = any;
			       STEP: the read step's length, -1 = any */
	uint64_t window_ns; /* within= / for= */
	int err;	    /* errno, 0 = "ok" (RETURNS/SEND/ERROR) */
	bool any_err;	    /* RETURNS without errno=: any outcome */
	bool conserve;	    /* READS: ring-full drops (tx_dropped) may cover */
	unsigned conserve_pct; /* READS: that % of count must be read; 0: 1 */
	uint64_t quiet_ns;     /* READS: fail once this quiet; 0: 500 ms,
				  UINT64_MAX: never (quiet=never) */
	/* READS, STEP after read: packet filters; family 0 / -1 = any */
	struct case_addr src, dst;
	int icmp_type, pi_flags, frag; /* enum case_frag */
	/* a vnet-hdr device's virtio_net_hdr: gso= (an index of
	 * CASE_GSO_TYPES), csum= (none|partial|valid: flags 0, NEEDS_CSUM,
	 * DATA_VALID), gso-size= hdr-len= csum-start= csum-offset=; each
	 * counts only if its bit is in vnet_set (1u << enum vnet_filter) */
	int gso, csum, gso_size, hdr_len, csum_start, csum_offset;
	unsigned vnet_set;
	/* FLOWS: the readers (1u << index), at least `spread` of them read,
	 * and with `isolated`, one that read none did not wake either */
	uint32_t readers;
	long spread;
	bool isolated;
	bool negate; /* READABLE: not-readable; LINK: down */
	/* kernel=: the kernels it holds on (elsewhere it is skipped) */
	struct case_krange kernel;
	/* Backends expected to fail this expectation (xfail lines). */
	char xfail[CASE_MAX_XFAIL][CASE_NAME_MAX];
	size_t n_xfail;
	/* each xfail line's reason; xfail_reason_of[i] indexes it */
	char xfail_reasons[CASE_MAX_XFAIL_LINES][200];
	size_t n_reasons;
	uint8_t xfail_reason_of[CASE_MAX_XFAIL];
	/* each xfail line's kernel= (the kernels it documents) */
	struct case_krange xfail_kernel[CASE_MAX_XFAIL_LINES];
};

struct step {
	enum step_kind kind;
	unsigned line; /* 1-based line in the case file */
	/* The names as written, for messages: the object the step is about
	 * (device, queue, reader, or an expectation's subject), and the
	 * other one it names (open's device=, reader's queue=, send's into=,
	 * dup's new queue).  The job goes by `ref`, never by name. */
	char name[CASE_NAME_MAX];
	char name2[CASE_NAME_MAX];
	/* What the names refer to, resolved once by the parser: indices into
	 * the job's tables, which follow declaration order per kind (the
	 * n-th `tun` is device n); -1 = none. */
	struct {
		int dev, queue, reader;
		int dup; /* dup: the new queue */
	} ref;
	union {
		struct {
			bool tap, pi, multi_queue, ipv6;
			bool transient; /* persist=no: TUNSETIFF creates it */
			/* tap: the peer's MAC (send's source, the answers) and
			 * how the kernel learns it (enum case_neigh) */
			uint8_t peer_mac[6];
			int neigh;
			bool no_carrier;      /* IFF_NO_CARRIER at creation */
			bool vnet_hdr;	      /* IFF_VNET_HDR: a virtio_net_hdr
					* before every packet */
			unsigned mtu, txqlen; /* 0 = kernel default */
			struct case_addr addr[CASE_MAX_ADDRS];
			size_t n_addr;
			struct case_addr peer4,
				peer6; /* default traffic peers */
		} tun;
		struct {
			char key[128], value[64];
		} sysctl;
		struct {
			bool attach; /* attach=now (default) */
		} open;
		struct {
			size_t bufsize; /* default 65536 */
			int drain;	/* enum tuncheck_drain */
			bool nonblock;
			bool wait_step;	   /* wait=step: waits when told */
			uint64_t retry_ns; /* retry=: errors=retry's pause */
			char params[CASE_MAX_PARAMS][64];
			size_t n_params;
		} reader;
		struct {
			enum link_op op;
			bool on;	 /* carrier, multicast, arp */
			unsigned txqlen; /* txqlen */
		} link;
		struct {
			int how; /* 0 default, 1 TUNSETIFF, 2 TUNSETQUEUE */
		} attach;
		struct {
			int req; /* enum tun_ioctl */
			bool has_arg;
			unsigned long arg;
			uint8_t macs[8][6]; /* TUNSETTXFILTER */
			size_t n_macs;
		} ioctl;
		struct {
			size_t size; /* buffer bytes, default 65536 */
			unsigned iov; /* readv() over this many parts, 0 = read */
			bool nonblock;
			uint64_t window_ns; /* a blocking read's limit */
		} read;
		struct {
			unsigned mtu;
		} mtu;
		/* send; pingpong too (ICMP_ECHO, default addresses) */
		struct {
			enum proto proto;    /* ICMP_ECHO or UDP */
			bool from_ns;	     /* else into name2 (queue) */
			struct case_addr to; /* family 0: device default */
			struct case_addr from;
			long count;	      /* default 1 */
			size_t size;	      /* payload bytes, default 56 */
			uint64_t interval_ns; /* 0 = flood */
			uint16_t port;	      /* UDP destination, default 9 */
			unsigned gso;	      /* UDP_SEGMENT size, 0: none */
			unsigned flows;	      /* from-ns udp: sockets, each
						 sending count; default 1 */
		} send;
		struct {
			uint8_t *bytes; /* owned by the case */
			size_t len;
			long count;
			long size;    /* size=: pad hex= with zeros to this */
			unsigned iov; /* writev() in this many parts, 0 = write */
		} write;
		struct {
			uint64_t ns;
		} sleep;
		struct {
			int how; /* TUNCHECK_REARM_MOD (1) or _READD (2) */
		} rearm;
		struct {
			long count; /* waits granted; -1: all from now on */
		} wait;
		/* fault: from this step on, some calls of a thread fail */
		struct {
			bool controller;   /* the controller's thread, else the
					  * reader's (and what it starts) */
			uint32_t calls;	   /* 1u << enum fault_call */
			int err;	   /* errno=: the errno to fail with */
			long short_len;	   /* short=: return at most this */
			uint64_t delay_ns; /* delay=: then run the call */
			int action;	   /* enum fault_action */
			/* which matching calls, counted from 1 at this step:
			 * the nth; or every k-th from `from` to `to` (0:
			 * no end); or percent% of them, seeded */
			long nth, every, from, to, percent, seed;
		} fault;
		struct expect expect;
	} u;
};

#define CASE_KOBSERVED_MAX 8

struct case_file {
	char *path;		       /* as given */
	char name[CASE_NAME_MAX + 64]; /* `case NAME`, then /VARIANT */
	char *about;		       /* joined `about` lines, or NULL */
	/* `kernel min=X.Y observed=X.Y,...`: version needs and provenance */
	unsigned kmin[2], kobserved[CASE_KOBSERVED_MAX][2];
	size_t n_kobserved;
	/* `backends NAME...`: run only on these (none: on every backend) */
	char only[CASE_MAX_XFAIL][CASE_NAME_MAX];
	size_t n_only;
	struct step *steps;
	size_t n_steps;
	uint64_t deadline_ns; /* hard job deadline: sum of windows + slack */
};

/* One diagnostic: 1-based line and column (0 = file-level). */
struct case_diag {
	unsigned line, col;
	char msg[256];
	char hint[256];
};

/*
 * -o KEY[=VALUE] (run, compare): a word every `reader` line of every case
 * loaded from now on takes, in place of its own word with that key
 * (nonblock, bufsize=512, errors=retry, events=in+pri, a backend's own
 * KEY=VALUE).  Checked as the case's own words are, when a case loads.
 * 0, or -1 for a malformed word or `queue=`, or more than 16.
 */
int case_reader_option_add(const char *word);
/* Forget every -o word (tests). */
void case_reader_options_reset(void);

/*
 * Parse `len` bytes of case text.  On success returns a new case_file and
 * leaves *diag untouched; on the first error returns NULL and fills *diag.
 * `path` is only copied, never opened.
 */
struct case_file *case_parse(const char *path, const char *text, size_t len,
			     struct case_diag *diag);
void case_free(struct case_file *c);
/*
 * --timeout-scale K: every window (within=, for=), quiet time, blocking
 * read limit, sleep and the job's hard deadline times k (a slow,
 * sanitized or emulated machine).  Packet pacing is left alone.
 */
void case_scale_times(struct case_file *c, double k);

#define CASE_QUIET_DEFAULT_NS 500000000ull /* expect.quiet_ns 0: this */

/* No packet filter on e: any ICMP type, tun_pi flags and fragment (the
 * virtio_net_hdr filters are off while e->vnet_set is 0). */
void case_expect_any(struct expect *e);

/* Read and parse a file; I/O errors become file-level diagnostics. */
struct case_file *case_load(const char *path, struct case_diag *diag);
/*
 * Read a file and expand its `variant` lines (variant.h): one case per
 * combination, named "NAME/KEY=VALUE".  NULL with *diag on any error.
 */
struct case_file **case_load_all(const char *path, size_t *n,
				 struct case_diag *diag);

/* Format "path:line:col: error: msg\n  hint: ...\n" into buf. */
void case_diag_format(const char *path, const struct case_diag *d, char *buf,
		      size_t size);

/* Lookups used by the runner. */
const struct step *case_find_tun(const struct case_file *c, const char *name);
bool expect_xfails(const struct expect *e, const char *backend);
/* Does the case run on this backend (its `backends` line)? */
bool case_runs_on(const struct case_file *c, const char *backend);
/* The reason of the xfail line naming backend, or NULL; kernel (NULL:
 * any) must be inside the line's kernel= range. */
const char *expect_xfail_reason(const struct expect *e, const char *backend,
				const unsigned kernel[2]);
const char *proto_name(enum proto p);
/* A wake value's poll bits by name, "in+err" (0 when none is set). */
const char *wake_names(uint32_t v, char *buf, size_t size);

/* Small parsers shared with the command line; each returns 0 or -EINVAL. */
int parse_duration(const char *s, uint64_t *ns);

#endif /* TUNCHECK_CASE_H */
