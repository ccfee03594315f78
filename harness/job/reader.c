// SPDX-License-Identifier: MIT
/*
 * The readers of a job: one thread each, running the backend on its queue,
 * and the events it reports (emit), its failure, a late re-registration.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture.h"
#include "controller.h"
#include "job.h"
#include "packet.h"

#define READY_TIMEOUT_NS 2000000000ull /* a backend must register by then */

/*
 * One line of the timeline log, by name: "12.345ms r0 wake
 * revents=in+out", "read len=84 proto=icmp-echo", "error errno=EBADFD",
 * "return ok" (README: Using it).
 */
static void job_log_event(struct job *j, const struct tl_event *e)
{
	char bits[160];

	switch (e->type) {
	case TUNCHECK_EV_READY:
		job_log(j, e->t_ns, "r%d ready%s", e->reader,
			e->value & TUNCHECK_READY_NO_WAKES ? " no-wakes" : "");
		break;
	case TUNCHECK_EV_WAKE:
		job_log(j, e->t_ns, "r%d wake revents=%s", e->reader,
			bits_format(&bits_wake, (uint32_t)e->value, bits,
				    sizeof(bits)));
		break;
	case TUNCHECK_EV_READ:
		job_log(j, e->t_ns, "r%d read len=%u proto=%s", e->reader,
			e->len, proto_name(e->proto));
		break;
	case TUNCHECK_EV_ERROR:
		job_log(j, e->t_ns, "r%d error errno=%s", e->reader,
			errno_name(e->err));
		break;
	case TUNCHECK_EV_RETURN:
		job_log(j, e->t_ns, "r%d return %s", e->reader,
			errno_name(e->err));
		break;
	default:
		job_log(j, e->t_ns, "r%d event %d", e->reader, (int)e->type);
	}
}

/* The emit callback every backend calls, from any thread. */
static int job_emit(struct tuncheck_reader *r, const struct tuncheck_event *ev)
{
	struct reader_rt *rt = r->harness_data;
	const struct job_inject *inj = &rt->job->o->inject;
	struct tl_event e = {
		.t_ns = now_ns(),
		.reader = rt->index,
		.type = ev->type,
		.err = ev->err,
		.value = ev->value,
		.proto = PROTO_OTHER,
	};

	if (ev->type == TUNCHECK_EV_WAKE && inj->no_wake)
		return 0;
	if (ev->type == TUNCHECK_EV_READY)
		__atomic_store_n(&rt->ready_caps, (uint32_t)ev->value,
				 __ATOMIC_RELAXED);
	if (ev->type == TUNCHECK_EV_READ) {
		if (inj->drop_read_every &&
		    ++rt->n_reads % inj->drop_read_every == 0)
			return 0;
		e.len = (uint32_t)ev->len;
		packet_info(ev->data, ev->len, rt->layout, &e.pkt);
		e.proto = e.pkt.proto;
		if (rt->job->pcap) {
			char why[96];

			snprintf(why, sizeof(why), "read by %s (%s), line %u",
				 rt->decl->name, rt->job->ops->name,
				 rt->decl->line);
			capture_packet(rt->job->pcap, ev->data, ev->len,
				       packet_hdr_len(rt->layout &
						      (PKT_PI | PKT_VNET)),
				       CAPTURE_OUT, why);
		}
		if (e.pkt.proto == PROTO_ARP || e.pkt.proto == PROTO_ND)
			neigh_answer(rt, ev->data, ev->len);
	}
	/* the totals the runner gets (compare): what the timeline holds */
	if (e.type == TUNCHECK_EV_WAKE)
		__atomic_add_fetch(&rt->job->counts.wakes, 1, __ATOMIC_RELAXED);
	if (e.type == TUNCHECK_EV_READ)
		__atomic_add_fetch(&rt->job->counts.reads, 1, __ATOMIC_RELAXED);
	if (e.type == TUNCHECK_EV_ERROR) {
		int32_t none = 0;

		__atomic_compare_exchange_n(&rt->job->counts.first_err, &none,
					    e.err, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	}
	if (rt->job->o->log_fd >= 0)
		job_log_event(rt->job, &e);
	return timeline_append(&rt->job->tl, &e);
}

/* The backend's fail hook: the job ends with verdict error. */
static void job_backend_fail(struct tuncheck_reader *r, const char *msg)
{
	struct reader_rt *rt = r->harness_data;
	char what[96];

	snprintf(what, sizeof(what), "backend %s working", rt->job->ops->name);
	job_finish(rt->job, VERDICT_ERROR, rt->decl->line, now_ns(), what, msg);
}

static void *job_reader_thread(void *arg)
{
	struct reader_rt *rt = arg;
	struct tuncheck_event ev = { .type = TUNCHECK_EV_RETURN };
	int ret;

	/* whose calls a `fault` step hits (fault.c) */
	__atomic_store_n(&rt->tid, (pid_t)syscall(SYS_gettid),
			 __ATOMIC_RELAXED);
	ret = rt->job->ops->run(&rt->r);

	ev.err = ret < 0 ? -ret : 0;
	ev.value = ret;
	job_emit(&rt->r, &ev);
	return NULL;
}

/* exec: the program a reader started, for fault.c */
void job_reader_spawned(struct tuncheck_reader *r, pid_t pid)
{
	struct reader_rt *rt = r->harness_data;

	__atomic_store_n(&rt->exec_pid, pid, __ATOMIC_RELAXED);
}

/* Wait until reader rt reported READY (or returned): 0 or -ETIMEDOUT. */
static int job_reader_wait_ready(struct job *j, struct reader_rt *rt)
{
	uint64_t until = now_ns() + READY_TIMEOUT_NS;
	size_t seen = 0;
	int ret = -ETIMEDOUT;

	pthread_mutex_lock(&j->tl.lock);
	while (ret && now_ns() < until) {
		for (; seen < j->tl.n; seen++) {
			const struct tl_event *e = &j->tl.ev[seen];

			if (e->reader == rt->index &&
			    (e->type == TUNCHECK_EV_READY ||
			     e->type == TUNCHECK_EV_RETURN))
				ret = 0;
		}
		if (ret)
			timeline_wait_locked(&j->tl, seen, until);
	}
	pthread_mutex_unlock(&j->tl.lock);
	return ret;
}

/* r->gate: before each wait of a wait=step reader, use up one grant. */
static int job_gate(struct tuncheck_reader *r)
{
	struct reader_rt *rt = r->harness_data;

	/* not gated (wait=auto, or after count=all): -1 never changes back,
	 * so every wait of an ordinary reader stays lock-free */
	if (__atomic_load_n(&rt->grants, __ATOMIC_ACQUIRE) < 0)
		return r->stop;
	pthread_mutex_lock(&rt->gate_lock);
	while (!rt->grants && !r->stop)
		pthread_cond_wait(&rt->gate_cond, &rt->gate_lock);
	if (rt->grants > 0)
		__atomic_sub_fetch(&rt->grants, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&rt->gate_lock);
	return r->stop;
}

/* wait R [count=N|all]: let the reader wait N more times. */
int step_wait(struct job *j, const struct step *s)
{
	struct reader_rt *rt = job_reader(j, s->ref.reader);

	pthread_mutex_lock(&rt->gate_lock);
	if (s->u.wait.count < 0)
		__atomic_store_n(&rt->grants, -1, __ATOMIC_RELEASE);
	else if (rt->grants >= 0)
		__atomic_add_fetch(&rt->grants, s->u.wait.count,
				   __ATOMIC_RELAXED);
	pthread_cond_broadcast(&rt->gate_cond);
	pthread_mutex_unlock(&rt->gate_lock);
	return 0;
}

/* Can this backend wait only when told?  It must call r->gate(). */
static bool backend_gated(const struct tuncheck_backend_ops *ops)
{
	return ops->abi_version >= 3 && (ops->flags & TUNCHECK_GATED);
}

int step_reader(struct job *j, const struct step *s)
{
	struct queue *q = job_queue(j, s->ref.queue);
	struct reader_rt *rt = &j->readers[j->n_readers];
	int ret;

	rt->job = j;
	rt->decl = s;
	rt->index = (int)j->n_readers;
	job_log(j, now_ns(), "ctl reader r%d name=%s queue=%s", rt->index,
		s->name, q->name);
	rt->layout = dev_layout(q->dev);
	rt->dev = q->dev;
	rt->r.ops = j->ops;
	rt->r.fd = q->fd;
	rt->r.bufsize = s->u.reader.bufsize;
	rt->r.drain = (enum tuncheck_drain)s->u.reader.drain;
	rt->r.nonblock = s->u.reader.nonblock;
	/* harness-level reader options; the rest goes to the backend */
	for (size_t i = 0; i < s->u.reader.n_params; i++) {
		const char *p = s->u.reader.params[i];

		if (!strcmp(p, "errors=retry") || !strcmp(p, "errors=return"))
			rt->r.retry_errors = !strcmp(p, "errors=retry");
		else
			rt->params[rt->r.n_params++] = p;
	}
	rt->r.params = rt->params;
	rt->r.retry_us = s->u.reader.retry_ns
				 ? (unsigned)(s->u.reader.retry_ns / 1000)
				 : 1000;
	pthread_mutex_init(&rt->gate_lock, NULL);
	pthread_cond_init(&rt->gate_cond, NULL);
	rt->grants = s->u.reader.wait_step ? 0 : -1;
	rt->r.gate = job_gate;
	if (s->u.reader.wait_step && !backend_gated(j->ops)) {
		char why[256];

		snprintf(why, sizeof(why),
			 "reader %s: wait=step needs a backend that calls "
			 "gate() before each wait (ABI 3, TUNCHECK_GATED); %s "
			 "does not",
			 s->name, j->ops->name);
		job_finish(j, VERDICT_SKIP, s->line, now_ns(),
			   "a backend that waits when told", why);
	}
	rt->r.emit = job_emit;
	rt->r.fail = job_backend_fail;
	rt->r.harness_data = rt;
	if (s->u.reader.nonblock &&
	    fcntl(q->fd, F_SETFL, fcntl(q->fd, F_GETFL) | O_NONBLOCK) < 0)
		return job_fail_step(j, errno, "fcntl(O_NONBLOCK) on %s: %s",
				     q->name, strerror(errno));
	ret = pthread_create(&rt->thread, NULL, job_reader_thread, rt);
	if (ret)
		return job_fail_step(j, ret, "pthread_create for reader %s: %s",
				     s->name, strerror(ret));
	j->n_readers++;
	q->reader = rt->index;
	if (job_reader_wait_ready(j, rt))
		return job_fail_step(j, ETIMEDOUT,
				     "backend %s never reported ready for %s",
				     j->ops->name, s->name);
	return 0;
}

/*
 * Have the reader's backend redo its registration (after a late attach):
 * a strategy without a rearm hook has nothing to redo.
 */
int step_rearm(struct job *j, const struct step *s)
{
	struct reader_rt *rt = job_reader(j, s->ref.reader);
	int ret;

	if (!j->ops->rearm)
		return 0;
	ret = j->ops->rearm(&rt->r, s->u.rearm.how);
	return ret < 0 ? job_fail_step(j, ret, "rearm %s: %s", s->name,
				       strerror(-ret))
		       : 0;
}
