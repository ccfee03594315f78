// SPDX-License-Identifier: MIT
/*
 * expect flows R+R... count=N within=DUR [spread=K] [isolated]: the UDP
 * datagrams of several flows, read by the readers of a multi-queue tun.
 * tun_select_queue() hashes each flow to one queue, so every flow must be
 * read by one reader only (sticky); spread=K asks that K readers got some;
 * isolated, that a reader whose queue got nothing did not wake either.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "controller.h"
#include "flows.h"

#define FLOWS_SETTLE_NS 50000000ull /* isolated: 50 ms for stray wakes */

struct flow {
	uint8_t family, src[16], dst[16];
	uint16_t sport, dport;
	int reader;
};

static bool flow_same(const struct flow *f, const struct packet_info *p)
{
	size_t alen = p->family == AF_INET ? 4 : 16;

	return f->family == p->family && f->sport == p->sport &&
	       f->dport == p->dport && !memcmp(f->src, p->src, alen) &&
	       !memcmp(f->dst, p->dst, alen);
}

/* The flows seen live in static storage: callers hold the timeline lock. */
void flows_tally(const struct tl_event *ev, size_t from, size_t n,
		 uint32_t readers, struct flows_tally *t)
{
	static struct flow flows[FLOWS_MAX];

	memset(t, 0, sizeof(*t));
	for (size_t i = from; i < n; i++) {
		const struct tl_event *v = &ev[i];
		const struct packet_info *p = &v->pkt;
		size_t k;

		if (v->reader < 0 || v->reader >= 32 ||
		    !(readers & (1u << v->reader)))
			continue;
		if (v->type == TUNCHECK_EV_WAKE)
			t->woke |= 1u << v->reader;
		if (v->type != TUNCHECK_EV_READ || v->proto != PROTO_UDP ||
		    !p->family)
			continue;
		t->reads++;
		t->per_reader[v->reader]++;
		t->read_by |= 1u << v->reader;
		for (k = 0; k < t->n_flows && !flow_same(&flows[k], p); k++)
			;
		if (k == t->n_flows && k < FLOWS_MAX) {
			flows[k] = (struct flow){ .family = p->family,
						  .sport = p->sport,
						  .dport = p->dport,
						  .reader = v->reader };
			memcpy(flows[k].src, p->src, sizeof(p->src));
			memcpy(flows[k].dst, p->dst, sizeof(p->dst));
			t->n_flows++;
		} else if (k < t->n_flows && flows[k].reader != v->reader &&
			   !t->split[0]) {
			char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

			inet_ntop(p->family, p->src, a, sizeof(a));
			inet_ntop(p->family, p->dst, b, sizeof(b));
			snprintf(t->split, sizeof(t->split),
				 "flow %s:%u -> %s:%u read by r%d and r%d", a,
				 p->sport, b, p->dport, flows[k].reader,
				 v->reader);
		}
	}
}

/* "80 udp reads of 16 flows: r0 21, r1 19, ..." */
static void flows_describe(const struct flows_tally *t, uint32_t readers,
			   char *buf, size_t size)
{
	size_t l = (size_t)snprintf(buf, size,
				    "%ld udp read%s of %zu flow%s:", t->reads,
				    t->reads == 1 ? "" : "s", t->n_flows,
				    t->n_flows == 1 ? "" : "s");

	for (int r = 0; r < 32 && l < size; r++)
		if (readers & (1u << r))
			l += (size_t)snprintf(buf + l, size - l, " r%d %ld", r,
					      t->per_reader[r]);
}

enum expect_state expect_flows(struct job *j, const struct expect *e,
			       struct expect_eval *x)
{
	struct flows_tally t;
	uint64_t until;
	char what[300];
	int used;

	x->e = e;
	x->start_ns = now_ns();
	until = x->start_ns + e->window_ns;
	snprintf(x->expected, sizeof(x->expected),
		 "%ld udp reads by %s, each flow read by one reader%s%s",
		 e->count, e->subject, e->isolated ? ", the others asleep" : "",
		 e->spread > 1 ? ", spread" : "");
	pthread_mutex_lock(&j->tl.lock);
	for (bool settling = false;;) {
		flows_tally(j->tl.ev, j->flows_cursor, j->tl.n, e->readers, &t);
		if (t.split[0] || now_ns() >= until)
			break;
		/* isolated: give a stray wake of another reader time to
		 * show before deciding */
		if (t.reads >= e->count && (!e->isolated || settling))
			break;
		if (t.reads >= e->count && !settling) {
			settling = true;
			until = now_ns() + FLOWS_SETTLE_NS;
		}
		timeline_wait_locked(&j->tl, j->tl.n, until);
	}
	x->next_cursor = j->tl.n;
	pthread_mutex_unlock(&j->tl.lock);
	x->at_ns = now_ns();
	flows_describe(&t, e->readers, what, sizeof(what));
	used = __builtin_popcount(t.read_by);
	if (t.split[0]) {
		j->cls = "flows";
		snprintf(x->observed, sizeof(x->observed), "%s (%s)", t.split,
			 what);
		return EXPECT_FAIL;
	}
	if (t.reads < e->count) {
		j->cls = "count";
		x->too_few = true;
		snprintf(x->observed, sizeof(x->observed), "%s", what);
		return EXPECT_FAIL;
	}
	if (used < e->spread) {
		j->cls = "flows";
		snprintf(x->observed, sizeof(x->observed),
			 "only %d reader%s got any (%s)", used,
			 used == 1 ? "" : "s", what);
		return EXPECT_FAIL;
	}
	if (e->isolated && (t.woke & ~t.read_by)) {
		int r = __builtin_ctz(t.woke & ~t.read_by);

		j->cls = "flows";
		snprintf(x->observed, sizeof(x->observed),
			 "r%d woke, but its queue got none of them (%s)", r,
			 what);
		return EXPECT_FAIL;
	}
	snprintf(x->observed, sizeof(x->observed), "%s", what);
	j->flows_cursor = x->next_cursor;
	job_note(j, "flows: %s", what);
	return EXPECT_PASS;
}
