/* SPDX-License-Identifier: MIT */
/*
 * Inside the case-file parser: the parser's state and the helpers its
 * files share.  parser.c holds the machinery (diagnostics and hints,
 * symbols, value parsers, typed options), directive.c one function per
 * directive and the directive table, expectation.c the expect and xfail
 * lines, case.c the line loop, loading and the public API (case.h).
 */
#ifndef TUNCHECK_PARSER_H
#define TUNCHECK_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "case.h"

#define NS_PER_S	    1000000000ull
#define CASE_DURATION_MAX   (60 * NS_PER_S)
#define CASE_SLACK_NS	    (2 * NS_PER_S)
#define CASE_COUNT_MAX	    1000000
#define CASE_WRITE_MAX	    (16 << 20) /* write size=: past the kernel's limit */
#define CASE_PINGPONG_MAX   1000000    /* round trips: fits the 60 s job cap */
#define CASE_PINGPONG_RT_NS 1000000ull /* deadline budget per round trip */

/* Devices, queues and readers share one namespace. */
enum case_sym_kind { SYM_DEVICE, SYM_QUEUE, SYM_READER };

struct case_sym {
	char name[CASE_NAME_MAX];
	enum case_sym_kind kind;
	int index; /* among those of its kind, in declaration order */
	unsigned line;
};

/* One word of the current line, NUL-terminated in case_parser.buf. */
struct case_word {
	char *s;      /* the whole word */
	char *val;    /* after the first '=', or NULL for a bare word */
	size_t klen;  /* length of the key (the whole word if bare) */
	unsigned col; /* 1-based byte column */
};

/* How case_args() reads and stores an option's value. */
enum case_type {
	T_FLAG,	  /* bare word: store 1 */
	T_NUM,	  /* decimal integer in [min, max] */
	T_DUR,	  /* duration in ns */
	T_CHOICE, /* one of the '|'-separated words of meta: its index */
	T_ERRNO,  /* errno name, or ok (0) */
	T_ADDR,	  /* IP address, no prefix */
	T_QUEUE,  /* a declared queue: its name */
	T_DEVICE, /* a declared device: its name */
	T_CUSTOM, /* the directive's own function */
};

/* An argument a directive accepts: a bare flag, or KEY=META. */
struct case_opt {
	const char *name; /* "*": any other KEY=VALUE (T_CUSTOM) */
	const char *meta; /* value placeholder in hints; NULL: bare flag */
	enum case_type type;
	size_t off, size; /* destination field in struct step; size 0: none */
	long min, max;	  /* T_NUM range */
	bool repeat;	  /* may be given more than once */
};

/* Designators for an option's destination field in struct step. */
#define AT(f)                                                                  \
	.off = offsetof(struct step, f), .size = sizeof(((struct step *)0)->f)

struct case_parser;
typedef int case_custom_fn(struct case_parser *p, const struct case_word *w,
			   int k, struct step *s);

enum case_role { ROLE_HEADER, ROLE_STEP, ROLE_EXPECT, ROLE_XFAIL };

struct case_directive {
	const char *name;
	int (*parse)(struct case_parser *p, struct step *s);
	enum case_role role;
	enum step_kind kind; /* ROLE_STEP, ROLE_EXPECT */
	const char *usage;
};

struct case_parser {
	struct case_file *c;
	struct case_diag *diag;
	const char *label;  /* message prefix: directive or "expect reads" */
	const char *usage;  /* for hints */
	const char *raw;    /* the current line as in the file */
	size_t raw_len;	    /* its length, without the '\n' */
	unsigned line;	    /* current line number */
	unsigned case_line; /* line of `case NAME`, 0 before it */
	size_t cap_steps;
	struct case_sym *syms;
	size_t n_syms, cap_syms;
	long xfail_step; /* the expect an xfail line may follow, or -1 */
	bool have_send;	 /* a send or write step came before */
	char label_buf[32];
	char buf[CASE_LINE_MAX + 1];
	struct case_word w[CASE_LINE_MAX / 2 + 1];
	size_t n;
};

struct case_best {
	char name[33]; /* "" while none */
	unsigned d;
};

enum case_dur_err {
	DUR_OK,
	DUR_SYNTAX,
	DUR_NO_UNIT,
	DUR_UNIT,
	DUR_ZERO,
	DUR_BIG
};

extern const struct case_directive case_directives[];
extern const size_t case_n_directives;

int case_addr_parse(struct case_parser *p, const struct case_word *w, bool cidr,
		    struct case_addr *a);
int case_args(struct case_parser *p, size_t first, const struct case_opt *o,
	      size_t n, unsigned mask, unsigned *seen, struct step *s,
	      case_custom_fn *custom);
void case_best_try(struct case_best *b, const char *w, size_t len,
		   const char *cand);
int case_choose(struct case_parser *p, const struct case_word *w, const char *v,
		const char *choices);
int case_duration(struct case_parser *p, const struct case_word *w,
		  uint64_t *ns);
enum case_dur_err case_duration_scan(const char *s, uint64_t *ns);
int case_end(struct case_parser *p, size_t i);
int case_fail(struct case_parser *p, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int case_fail_value(struct case_parser *p, const struct case_word *w,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int case_hint(struct case_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool case_is_blank(char ch);
int case_missing(struct case_parser *p, const char *what);
int case_name_check(struct case_parser *p, const char *s, unsigned col,
		    const char *what, size_t max);
void case_name_copy(char *dst, const char *src);
int case_need(struct case_parser *p, size_t i, const char *what);
int case_need_bare(struct case_parser *p, size_t i, const char *what);
int case_num(struct case_parser *p, const struct case_word *w, long min,
	     long max, long *out);
int case_opt_need(struct case_parser *p, const struct case_opt *o,
		  const unsigned *seen, size_t i);
int case_sym_define(struct case_parser *p, size_t i, enum case_sym_kind kind,
		    char *dst, int *index);
int case_sym_use(struct case_parser *p, const char *name, unsigned col,
		 enum case_sym_kind kind, char *dst, int *index);
int case_sym_use_word(struct case_parser *p, size_t i, enum case_sym_kind kind,
		      char *dst, int *index);
unsigned case_col_later(unsigned a, unsigned b);
int case_parse_case(struct case_parser *p, struct step *s);
int case_parse_kernel(struct case_parser *p, struct step *s);
int case_parse_expect(struct case_parser *p, struct step *s);
int case_parse_xfail(struct case_parser *p, struct step *s);
int case_parse_ioctl(struct case_parser *p, struct step *s);
int case_parse_reader(struct case_parser *p, struct step *s);
/* "6.18" -> {6, 18}: 0 or -1. */
int case_kver(const char *s, unsigned v[2]);
/* kernel=A.B- | -C.D | A.B-C.D (from A.B, before C.D) of word w: 0 or -1
 * with a diagnostic. */
int case_krange(struct case_parser *p, const struct case_word *w,
		struct case_krange *r);
int case_parse_rearm(struct case_parser *p, struct step *s);
int case_parse_wait(struct case_parser *p, struct step *s);
int case_parse_fault(struct case_parser *p, struct step *s);
int case_parse_read(struct case_parser *p, struct step *s);
/* A MAC address "02:00:00:00:00:01" of exactly len bytes: 0 or -1. */
int case_mac_parse(const char *s, size_t len, uint8_t mac[6]);
/* A bit set (bits.h) at v, inside word w: 0 or -1 with a diagnostic. */
int case_bits_word(struct case_parser *p, const struct case_word *w,
		   const char *v, const struct bit_table *t, int zero_ok,
		   uint32_t *out);

#endif
