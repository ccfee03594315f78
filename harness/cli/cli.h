/* SPDX-License-Identifier: MIT */
/*
 * The command line: one file per command (cmd_*.c), the option parsers
 * and case-file helpers they share (options.c, cases.c), and main.c's
 * command table, from which the usage text is made.
 */
#ifndef TUNCHECK_CLI_H
#define TUNCHECK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "case.h"
#include "paths.h"
#include <tuncheck/backend.h>

#define MAX_BACKENDS	 32
#define PCAP_MAX_DEFAULT (16ull << 20) /* --pcap-max: bytes per job */

/*
 * Each command gets argv with argv[0] its name and returns the exit
 * status, or one of these for main.c to print the command's usage.
 */
enum { CMD_HELP = -1 /* on stdout, exit 0 */, CMD_USAGE = -2 /* exit 2 */ };
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* "tuncheck: MESSAGE" on stderr, then exit(status). */
void die(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* Option values, each checked before the first job; die() otherwise. */
unsigned opt_jobs(const char *arg); /* -j N; NULL: the default */
struct tuncheck_backend_ops;
/* The default -j lowered to 4 x CPUs when exec backends run (unless -j
 * was given): their programs' start is CPU work. */
unsigned opt_jobs_for(unsigned parallel, bool given,
		      const struct tuncheck_backend_ops *const *ops, size_t nb);
uint64_t opt_size(const char *flag, const char *arg);
/* A factor from 0.1 to 100 (--timeout-scale 3, 2.5). */
double opt_scale(const char *flag, const char *arg);
unsigned long opt_count(const char *flag, const char *arg, unsigned long max);
void opt_backend(const struct tuncheck_backend_ops **ops, size_t *nb,
		 const char *spec);
/* Every built-in backend into ops when none was named. */
void opt_backends_default(const struct tuncheck_backend_ops **ops, size_t *nb);
const char *opt_dir(const char *flag, const char *arg, int *fd);
void opt_env(const char *arg);	  /* --env KEY=VALUE */
void opt_reader(const char *arg); /* -o KEY[=VALUE] */
struct outcomes;
void opt_expect(struct outcomes *oc, const char *path); /* --expect FILE */
FILE *opt_report(const char *flag, const char *arg);

/*
 * The sandbox probe, and the layers this kernel lacks said once (also
 * into gaps, when not NULL; "" when none): 0, or -1 with why set.
 */
int sandbox_check(char *why, size_t size, char *gaps, size_t gaps_size);

/* The first file:line:col: error: line cases_load printed, or "". */
extern char cases_first_error[512];
/* Case files: collect (paths.c), load (variants expanded), no name twice. */
void cases_collect(struct paths_list *p, char **argv, int argc);
struct case_file **cases_load(struct paths_list *p, bool quiet);
void cases_unique(struct case_file **cs, size_t n);
/*
 * All three for a command: collect (none found: exit 2 naming cmd), load,
 * refuse duplicate names.  NULL (p freed) when a case did not parse.
 */
struct case_file **cases_open(struct paths_list *p, char **paths, int n,
			      const char *cmd);
/* Does c run on backend (a `backends` line), or on the built-in it is
 * --like? */
bool cases_runs_on(const struct case_file *c, const char *backend);
/* Free what cases_load returned for the p.n cases of p, and p. */
void cases_free(struct case_file **cs, struct paths_list *p);

#endif
