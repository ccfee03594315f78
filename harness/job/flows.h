/* SPDX-License-Identifier: MIT */
/* expect flows R+R...: UDP flows spread over the queues of a multi-queue
 * tun, each read by one reader only (flows.c). */
#ifndef TUNCHECK_FLOWS_H
#define TUNCHECK_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "expect.h"
#include "timeline.h"

#define FLOWS_MAX 256 /* distinct flows told apart; more count as one */

/* What the readers read of UDP from ev[from..n). */
struct flows_tally {
	long reads; /* UDP reads by the readers */
	long per_reader[32];
	uint32_t read_by; /* readers that read UDP (1u << index) */
	uint32_t woke;	  /* readers that reported a WAKE */
	size_t n_flows;	  /* distinct (src, dst, sport, dport) */
	char split[200];  /* the first flow two readers read, "" if none */
};

/* Pure: tally ev[from..n) for the readers in mask `readers`. */
void flows_tally(const struct tl_event *ev, size_t from, size_t n,
		 uint32_t readers, struct flows_tally *t);

struct job;
/* Wait (window) and decide an EXPECT_FLOWS; sets j->cls on a failure. */
enum expect_state expect_flows(struct job *j, const struct expect *e,
			       struct expect_eval *x);

#endif
