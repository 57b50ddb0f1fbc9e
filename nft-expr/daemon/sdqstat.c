/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdqstat - every queue sluiced reads: counters, overruns, status
 * SYNOPSIS
 *	#include "daemon/sdqstat.h"
 * DESCRIPTION
 *	Why the ids: the kernel gives each packet of a queue the next
 *	number and, when our socket is full, accepts it (fail-open)
 *	without counting it anywhere; the missing number is the only
 *	trace. The fail-closed queue's drops are in procfs
 *	(queue_dropped) and counted from there. The log line is
 *	rate-limited: an overrun comes in floods.
 */
#include <stddef.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "daemon/sdqstat.h"
#include "daemon/sdqueues.h"
#include "daemon/sluiced.h"
#include "queue/nfqueue.h"

#define OVERRUN_LOG_NS (60 * NS_PER_SEC)	/* at most one line this often */

typedef void qstat_fn(void *ctx, const struct nfqueue_qstats *q);

/* each - fn for every queue bound, the range's first */
static void each(const struct sluiced *s, qstat_fn *fn, void *ctx)
{
	struct nfqueue_qstats qs;
	unsigned i;

	for (i = 0; i < sdqueues_count(s->mq); i++)
		if (nfqueue_queue_stats(sdqueues_at(s->mq, i), 0, &qs) == 0)
			fn(ctx, &qs);
	for (i = 0; s->q != NULL && nfqueue_queue_stats(s->q, i, &qs) == 0; i++)
		fn(ctx, &qs);
}

/* sdqstat_of - the socket that reads queue num */
struct nfqueue *sdqstat_of(struct sluiced *s, uint16_t num)
{
	struct nfqueue *q = sdqueues_of(s->mq, num);

	return q != NULL ? q : s->q;
}

/* add_stats - a += b */
static void add_stats(struct nfqueue_stats *a, const struct nfqueue_stats *b)
{
	a->packets += b->packets;
	a->accepts += b->accepts;
	a->drops += b->drops;
	a->batches += b->batches;
	a->singles += b->singles;
	a->sends += b->sends;
	a->held_now += b->held_now;
	a->overruns += b->overruns;
	a->bad_msgs += b->bad_msgs;
	a->kernel_waiting += b->kernel_waiting;
	a->kernel_dropped += b->kernel_dropped;
	a->kernel_user_dropped += b->kernel_user_dropped;
}

/* sdqstat_total - the counters of every socket, summed */
void sdqstat_total(const struct sluiced *s, struct nfqueue_stats *out)
{
	struct nfqueue_stats one;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (s->q != NULL) {
		nfqueue_stats(s->q, &one);
		add_stats(out, &one);
	}
	for (i = 0; i < sdqueues_count(s->mq); i++) {
		nfqueue_stats(sdqueues_at(s->mq, i), &one);
		add_stats(out, &one);
	}
}

/* sum_overruns - qstat_fn: total overruns */
static void sum_overruns(void *ctx, const struct nfqueue_qstats *q)
{
	*(uint64_t *)ctx += q->overruns;
}

/* sdqstat_tick - once a second: log new overruns, rate-limited */
void sdqstat_tick(struct sluiced *s, uint64_t now)
{
	uint64_t total = 0;

	each(s, sum_overruns, &total);
	if (total == s->overrun_logged || now < s->overrun_log_next)
		return;
	daemon_log(LOG_WARNING, "queue overrun: %llu packet(s) never reached "
		   "sluiced since %s (fail-open queues: the kernel accepted "
		   "them undecided; sluice_queue_overrun_total per queue); "
		   "raise [sluiced] socket_buffer or queue_maxlen, or add "
		   "queues", (unsigned long long)(total - s->overrun_logged),
		   s->overrun_logged ? "the last notice" : "start");
	s->overrun_logged = total;
	s->overrun_log_next = now + OVERRUN_LOG_NS;
}

struct metric_walk {
	GString *out;
	const char *name;
	size_t off;		/* of the uint64_t in nfqueue_qstats */
};

/* metric_line - qstat_fn: one queue's sample */
static void metric_line(void *ctx, const struct nfqueue_qstats *q)
{
	struct metric_walk *w = ctx;

	g_string_append_printf(w->out, "%s{queue=\"%u\"} %llu\n", w->name,
			       q->queue, (unsigned long long)
			       *(const uint64_t *)(const void *)
			       ((const char *)q + w->off));
}

/* queue_metric - a metric with one sample per queue */
static void queue_metric(const struct sluiced *s, GString *out,
			 const char *name, const char *type, const char *help,
			 size_t off)
{
	struct metric_walk w = { out, name, off };

	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			       name, type);
	each(s, metric_line, &w);
}

/* sdqstat_metrics - per-queue Prometheus lines */
void sdqstat_metrics(const struct sluiced *s, GString *out)
{
	queue_metric(s, out, "sluice_queue_packets_total", "counter",
		     "packets read from each queue",
		     offsetof(struct nfqueue_qstats, packets));
	queue_metric(s, out, "sluice_queue_held", "gauge",
		     "packets of each queue held for a later verdict",
		     offsetof(struct nfqueue_qstats, held_now));
	queue_metric(s, out, "sluice_queue_overrun_total", "counter",
		     "packets that never reached sluiced: ids skipped (socket "
		     "full, fail-open accepted them) and fail-closed drops",
		     offsetof(struct nfqueue_qstats, overruns));
}

struct status_walk {
	GString *out;
	int json, n;
};

/* status_line - qstat_fn: one queue's line or JSON object */
static void status_line(void *ctx, const struct nfqueue_qstats *q)
{
	struct status_walk *w = ctx;

	if (w->json)
		g_string_append_printf(w->out, "%s{\"queue\":%u,\"fail_open\":%s,"
				       "\"packets\":%llu,\"held\":%llu,"
				       "\"overruns\":%llu}", w->n ? "," : "",
				       q->queue, q->fail_open ? "true" : "false",
				       (unsigned long long)q->packets,
				       (unsigned long long)q->held_now,
				       (unsigned long long)q->overruns);
	else
		g_string_append_printf(w->out, "queue %u (fail-%s): %llu packets, "
				       "%llu held, %llu overruns\n", q->queue,
				       q->fail_open ? "open" : "closed",
				       (unsigned long long)q->packets,
				       (unsigned long long)q->held_now,
				       (unsigned long long)q->overruns);
	w->n++;
}

/* sdqstat_status - per-queue status lines, or a JSON member */
void sdqstat_status(const struct sluiced *s, int json, GString *out)
{
	struct status_walk w = { out, json, 0 };

	if (json)
		g_string_append(out, ",\"queues\":[");
	each(s, status_line, &w);
	if (json)
		g_string_append(out, "]");
}
