// SPDX-License-Identifier: MIT
/*
 * Expectations on kernel state, read by the controller: a queue's poll
 * bits, a device's carrier, operstate, link flags and IFLA_STATS64
 * counters, and the namespace's SNMP counters (/proc/net/snmp, snmp6,
 * netstat).  Each is re-read until it holds or its window ends.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "controller.h"
#include "link.h"

#define STATE_POLL_NS 5000000ull /* re-read this often within a window */

static const char *const operstates[] = {
	"unknown", "notpresent", "down", "lowerlayerdown",
	"testing", "dormant",	 "up",
};

static const char *operstate_name(unsigned v)
{
	return v < sizeof(operstates) / sizeof(*operstates) ? operstates[v]
							    : "?";
}

/* "has in+out, lacks err" from a has/lacks pair. */
static void bits_want(const struct bit_table *t, uint32_t has, uint32_t lacks,
		      char *buf, size_t size)
{
	char a[96], b[96];

	snprintf(buf, size, "%s%s%s%s%s", has ? "has " : "",
		 has ? bits_format(t, has, a, sizeof(a)) : "",
		 has && lacks ? ", " : "", lacks ? "lacks " : "",
		 lacks ? bits_format(t, lacks, b, sizeof(b)) : "");
}

static bool bits_hold(uint32_t v, const struct expect *e)
{
	return (v & e->has) == e->has && !(v & e->lacks);
}

/* One look at a queue: revents of a zero-timeout poll(). */
static enum expect_state state_poll(struct job *j, const struct expect *e,
				    struct expect_eval *x)
{
	struct queue *q = job_queue(j, e->subject_ref);
	struct pollfd p = {
		.fd = q->fd,
		.events = (short)(e->events ? e->events
					    : POLLIN | POLLOUT | POLLPRI |
						      POLLRDHUP),
	};
	char want[200], got[128];

	bits_want(&bits_wake, e->has, e->lacks, want, sizeof(want));
	snprintf(x->expected, sizeof(x->expected), "poll() on %s %s", q->name,
		 want);
	/* its fd number may name another file by now: never poll it */
	if (q->closed) {
		snprintf(x->observed, sizeof(x->observed),
			 "%s was closed by an earlier step: nothing to poll",
			 q->name);
		return EXPECT_FAIL;
	}
	if (poll(&p, 1, 0) < 0)
		p.revents = 0;
	snprintf(x->observed, sizeof(x->observed), "poll() says %s",
		 bits_format(&bits_wake, (uint16_t)p.revents, got,
			     sizeof(got)));
	return bits_hold((uint16_t)p.revents, e) ? EXPECT_PASS : EXPECT_PENDING;
}

/* One look at a device over netlink: carrier, operstate or flags. */
static enum expect_state state_link(struct job *j, const struct expect *e,
				    struct expect_eval *x)
{
	struct dev *d = job_dev(j, e->subject_ref);
	struct link_info li;
	char want[200], got[200];
	bool ok;

	if (e->kind == EXPECT_CARRIER)
		snprintf(x->expected, sizeof(x->expected), "%s carrier %s",
			 e->subject, e->state ? "on" : "off");
	else if (e->kind == EXPECT_OPERSTATE)
		snprintf(x->expected, sizeof(x->expected), "%s operstate %s",
			 e->subject, operstate_name(e->state));
	else {
		bits_want(&bits_link, e->has, e->lacks, want, sizeof(want));
		snprintf(x->expected, sizeof(x->expected), "%s flags %s",
			 e->subject, want);
	}
	if (!d->ifindex || link_get(j->nl, d->ifindex, &li) < 0) {
		snprintf(x->observed, sizeof(x->observed), "%s",
			 d->ifindex ? nl_error(j->nl)
				    : "the device was never created");
		return EXPECT_FAIL;
	}
	bits_format(&bits_link, li.flags, got, sizeof(got));
	snprintf(x->observed, sizeof(x->observed),
		 "carrier %s, operstate %s, flags %s",
		 li.carrier < 0 ? "not reported"
		 : li.carrier	? "on"
				: "off",
		 operstate_name(li.operstate), got);
	ok = e->kind == EXPECT_CARRIER	   ? li.carrier == e->state
	     : e->kind == EXPECT_OPERSTATE ? li.operstate == e->state
					   : bits_hold(li.flags, e);
	return ok ? EXPECT_PASS : EXPECT_PENDING;
}

/*
 * One look at a device's IPv6 addresses: would a packet to each, coming in
 * on the device, be delivered locally?  After link up the local route of an
 * address comes back only when addrconf's DAD work has run (even with
 * IFA_F_NODAD: addrconf_dad_completed() -> ipv6_ifa_notify() ->
 * ip6_ins_rt()); until then such packets are Ip6InAddrErrors.
 */
static enum expect_state state_addrs(struct job *j, const struct expect *e,
				     struct expect_eval *x)
{
	struct dev *d = job_dev(j, e->subject_ref);
	const struct step *t = d->decl;
	int away = 0, n6 = 0, ret = d->ifindex ? 0 : -ENODEV;

	snprintf(x->expected, sizeof(x->expected), "%s's IPv6 addresses %s",
		 e->subject,
		 e->state ? "not all usable yet"
			  : "all usable (a packet to them is delivered)");
	for (size_t i = 0; !ret && i < t->u.tun.n_addr; i++) {
		int l;

		if (t->u.tun.addr[i].family != AF_INET6)
			continue;
		n6++;
		l = addr_is_local(j->nl, d->ifindex, AF_INET6,
				  &t->u.tun.addr[i].a);
		if (l < 0)
			ret = l;
		else
			away += !l;
	}
	if (ret < 0) {
		snprintf(x->observed, sizeof(x->observed), "%s",
			 d->ifindex ? nl_error(j->nl) : "no such device");
		return EXPECT_FAIL;
	}
	snprintf(x->observed, sizeof(x->observed),
		 "%d of %d without a local input route", away, n6);
	return (away > 0) == e->state ? EXPECT_PASS : EXPECT_PENDING;
}

/* "Ip.InHdrErrors" in a /proc/net/snmp-style file (a names line, then a
 * values line, per group): 0 or -ENOENT. */
static int snmp_table(const char *path, const char *group, const char *name,
		      int64_t *v)
{
	FILE *f = fopen(path, "re");
	char names[4096], values[4096];
	size_t glen = strlen(group);
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (ret && fgets(names, sizeof(names), f) &&
	       fgets(values, sizeof(values), f)) {
		char *sn, *sv, *n, *val;

		if (strncmp(names, group, glen) || names[glen] != ':')
			continue;
		n = strtok_r(names + glen + 1, " \n", &sn);
		val = strtok_r(values + glen + 1, " \n", &sv);
		for (; n && val; n = strtok_r(NULL, " \n", &sn),
				 val = strtok_r(NULL, " \n", &sv))
			if (!strcmp(n, name)) {
				*v = strtoll(val, NULL, 10);
				ret = 0;
				break;
			}
	}
	fclose(f);
	return ret;
}

/* "Icmp6.InEchos" in /proc/net/snmp6 ("Icmp6InEchos  3"): 0 or -ENOENT. */
static int snmp6_value(const char *group, const char *name, int64_t *v)
{
	FILE *f = fopen("/proc/net/snmp6", "re");
	char line[256], key[128];
	int ret = -ENOENT;

	if (!f)
		return -errno;
	snprintf(key, sizeof(key), "%s%s", group, name);
	while (ret && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, " \t");

		if (n == strlen(key) && !strncmp(line, key, n)) {
			*v = strtoll(line + n, NULL, 10);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/* The namespace's counter GROUP.NAME (the reader's own netns). */
static int snmp_value(const char *full, int64_t *v)
{
	char group[48];
	const char *dot = strchr(full, '.');
	size_t glen = (size_t)(dot - full);

	snprintf(group, sizeof(group), "%.*s", (int)glen, full);
	if (group[glen - 1] == '6')
		return snmp6_value(group, dot + 1, v);
	if (!snmp_table("/proc/net/snmp", group, dot + 1, v))
		return 0;
	return snmp_table("/proc/net/netstat", group, dot + 1, v);
}

/* The baseline of an snmp counter: its value at the previous expectation
 * on it, 0 (the namespace's start) the first time. */
static struct snmp_base *snmp_base_of(struct job *j, const char *name)
{
	for (size_t i = 0; i < j->n_snmp; i++)
		if (!strcmp(j->snmp[i].name, name))
			return &j->snmp[i];
	if (j->n_snmp == SNMP_BASES_MAX)
		return NULL;
	snprintf(j->snmp[j->n_snmp].name, sizeof(j->snmp[0].name), "%s", name);
	j->snmp[j->n_snmp].v = 0;
	return &j->snmp[j->n_snmp++];
}

/* One look at a counter: its change since the baseline, in [min, max]. */
static enum expect_state state_counter(struct job *j, const struct expect *e,
				       struct expect_eval *x, uint64_t *now_v,
				       uint64_t *base)
{
	const char *name = e->counter < 0 ? e->snmp : stats64_names[e->counter];
	char range[64];
	int64_t delta;

	if (e->max < 0)
		snprintf(range, sizeof(range), "at least %ld", e->count);
	else if (e->max == e->count)
		snprintf(range, sizeof(range), "%ld", e->count);
	else
		snprintf(range, sizeof(range), "%ld to %ld", e->count, e->max);
	snprintf(x->expected, sizeof(x->expected), "%s%s%s to grow by %s",
		 e->counter < 0 ? "" : e->subject, e->counter < 0 ? "" : " ",
		 name, range);
	if (e->counter < 0) {
		struct snmp_base *b = snmp_base_of(j, e->snmp);
		int64_t v;
		int ret = snmp_value(e->snmp, &v);

		if (ret < 0 || !b) {
			snprintf(x->observed, sizeof(x->observed),
				 "no counter %s in /proc/net/snmp, snmp6 or "
				 "netstat: %s",
				 e->snmp, b ? strerror(-ret) : "too many");
			return EXPECT_FAIL;
		}
		*now_v = (uint64_t)v;
		*base = b->v;
	} else {
		struct dev *d = job_dev(j, e->subject_ref);
		struct link_info li;
		uint64_t all[STATS64_N];

		if (!d->ifindex || link_get(j->nl, d->ifindex, &li) < 0 ||
		    !li.has_stats) {
			snprintf(x->observed, sizeof(x->observed), "%s",
				 !d->ifindex	? "the device was never created"
				 : li.has_stats ? nl_error(j->nl)
						: "no IFLA_STATS64");
			return EXPECT_FAIL;
		}
		memcpy(all, &li.stats, sizeof(all));
		*now_v = all[e->counter];
		*base = d->stats_base[e->counter];
	}
	delta = (int64_t)(*now_v - *base);
	snprintf(x->observed, sizeof(x->observed),
		 "%s grew by %" PRId64 " (from %" PRIu64 " to %" PRIu64 ")",
		 name, delta, *base, *now_v);
	return delta >= e->count && (e->max < 0 || delta <= e->max)
		       ? EXPECT_PASS
		       : EXPECT_PENDING;
}

/* A counter, re-read until it holds or the window ends; the baseline
 * moves to the last value read either way. */
static enum expect_state
state_counter_wait(struct job *j, const struct expect *e, struct expect_eval *x)
{
	uint64_t end = now_ns() + e->window_ns, v = 0, base = 0;
	enum expect_state st;

	for (;;) {
		struct timespec ts = { 0, STATE_POLL_NS };

		st = state_counter(j, e, x, &v, &base);
		x->at_ns = now_ns();
		if (st != EXPECT_PENDING || x->at_ns >= end)
			break;
		nanosleep(&ts, NULL);
	}
	if (e->counter < 0) {
		struct snmp_base *b = snmp_base_of(j, e->snmp);

		if (b && st != EXPECT_FAIL)
			b->v = v;
	} else if (st != EXPECT_FAIL) {
		job_dev(j, e->subject_ref)->stats_base[e->counter] = v;
	}
	return st == EXPECT_PASS ? EXPECT_PASS : EXPECT_FAIL;
}

enum expect_state expect_state_of(struct job *j, const struct expect *e,
				  struct expect_eval *x)
{
	uint64_t end = now_ns() + e->window_ns;
	enum expect_state st;

	if (e->kind == EXPECT_COUNTER)
		return state_counter_wait(j, e, x);
	for (;;) {
		struct timespec ts = { 0, STATE_POLL_NS };

		st = e->kind == EXPECT_POLL    ? state_poll(j, e, x)
		     : e->kind == EXPECT_ADDRS ? state_addrs(j, e, x)
					       : state_link(j, e, x);
		x->at_ns = now_ns();
		if (st != EXPECT_PENDING || x->at_ns >= end)
			break;
		nanosleep(&ts, NULL);
	}
	if (st == EXPECT_PENDING && e->window_ns) {
		size_t l = strlen(x->observed);
		char d[32];

		snprintf(x->observed + l, sizeof(x->observed) - l,
			 " (still, after %s)",
			 fmt_duration(e->window_ns, d, sizeof(d)));
	}
	return st == EXPECT_PASS ? EXPECT_PASS : EXPECT_FAIL;
}
