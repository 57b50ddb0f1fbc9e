/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	replay - what sluiced would have done to a site's recorded flows
 * SYNOPSIS
 *	#include "replay.h"
 * DESCRIPTION
 *	Each flow start gets a cookie (its sequence number) and a record
 *	in `pending`, keyed by its five-tuple, until its outcome is known
 *	or it is old: that is how a reply in the trace finds the flow the
 *	engine held, and how the reply is delayed by as long as the flow
 *	was. Held cookies are also in `held`, so the engine's later answer
 *	finds them. Two min-heaps keep time: records waiting for the
 *	reorder window, and outcomes due later.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "replay.h"
#include "verdict/hostkey.h"
#include "verdict/vdflow.h"
#include "verdict/vdhost.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"

#define PENDING_MAX_AGE_NS (300ULL * NS_PER_SEC)
#define HOST_CACHE (1u << 16)	/* direct-mapped cache before the table */
#define SWEEP_NS (60ULL * NS_PER_SEC)

enum flow_state { FL_DECIDING, FL_HELD, FL_ACCEPTED, FL_DROPPED };

struct tuple {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t proto, family, pad[2];
};

struct flow {
	struct tuple t;
	uint64_t cookie, arrival, answered;
	int64_t rtt;		/* outcome - arrival in the trace; -1 none */
	int state, success;
	struct replay_host *host;
	struct replay *owner;
};

/* one heap item: a record waiting to be replayed, or an outcome due */
struct hitem {
	uint64_t at, seq;
	struct flowrec rec;
};

struct heap {
	struct hitem *v;
	size_t n, cap;
};

struct replay {
	const struct sd_conf *conf;
	struct verdict *v;
	uint64_t reorder_ns;
	uint64_t now, seq, next_sweep;
	int started;
	GHashTable *pending;	/* struct tuple -> struct flow */
	GHashTable *held;	/* cookie -> struct flow */
	GHashTable *hosts;	/* host key -> struct replay_host */
	struct replay_host *cache[HOST_CACHE];	/* by key hash */
	struct replay_host *last;	/* the host of the last lookup */
	struct heap in, out;
	struct flow *cur;	/* the flow being decided */
	struct flow *spare;	/* freed flow records, for reuse */
	struct replay_host **sorted;
	struct replay_totals tot;
};

/* heap_push - add an item; 0 or -1 out of memory */
static int heap_push(struct heap *h, const struct hitem *it)
{
	size_t i, p;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		struct hitem *nv = realloc(h->v, cap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		h->v = nv;
		h->cap = cap;
	}
	for (i = h->n++; i > 0; i = p) {
		p = (i - 1) / 2;
		if (h->v[p].at < it->at
		    || (h->v[p].at == it->at && h->v[p].seq < it->seq))
			break;
		h->v[i] = h->v[p];
	}
	h->v[i] = *it;
	return 0;
}

/* hitem_less - heap order: time, then arrival */
static int hitem_less(const struct hitem *a, const struct hitem *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

/* heap_pop - take the earliest item into out */
static void heap_pop(struct heap *h, struct hitem *out)
{
	struct hitem last = h->v[--h->n];
	size_t i = 0, c;

	*out = h->v[0];
	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && hitem_less(&h->v[c + 1], &h->v[c]))
			c++;
		if (!hitem_less(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
}

static guint tuple_hash(gconstpointer k) { return flowrec_hash(k, sizeof(struct tuple)); }
static gboolean tuple_eq(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct tuple)) == 0;
}
static guint hkey_hash(gconstpointer k) { return flowrec_hash(k, HOSTKEY_LEN); }
static gboolean hkey_eq(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, HOSTKEY_LEN) == 0;
}

/* flow_get - a zeroed flow record, reused where one is spare */
static struct flow *flow_get(struct replay *r)
{
	struct flow *f = r->spare;

	if (f == NULL)
		return g_new0(struct flow, 1);
	r->spare = f->host == NULL ? NULL : (struct flow *)f->host;
	memset(f, 0, sizeof(*f));
	return f;
}

/* flow_put - a record back to the spare list (the pending table's
   value destructor: a flow leaves it when its outcome is known) */
static void flow_put(gpointer p)
{
	struct flow *f = p;
	struct replay *r = f->owner;

	/* the spare list is chained through the host field */
	f->host = (struct replay_host *)r->spare;
	r->spare = f;
}

/* host_free - a replay_host and its delays */
static void host_free(gpointer p)
{
	struct replay_host *h = p;

	free(h->delays);
	free(h);
}

/* host_of - the tally of source a, created if new */
static struct replay_host *host_of(struct replay *r, const struct sl_addr *a)
{
	uint8_t key[HOSTKEY_LEN];
	struct replay_host *h, **slot;
	const struct sd_zone *z;

	hostkey_make(a, r->conf->v6_prefix, key);
	/* a host's flows come in bursts: the last one first */
	if (r->last != NULL && memcmp(r->last->key, key, HOSTKEY_LEN) == 0)
		return r->last;
	/* A site's hosts are few and come back often: one probe of a
	   direct-mapped array finds most of them with one cache miss,
	   where the hash table costs three. */
	slot = &r->cache[flowrec_hash(key, HOSTKEY_LEN) & (HOST_CACHE - 1)];
	if (*slot != NULL && memcmp((*slot)->key, key, HOSTKEY_LEN) == 0)
		return r->last = *slot;
	if ((h = g_hash_table_lookup(r->hosts, key)) != NULL)
		return r->last = *slot = h;
	if ((h = aligned_alloc(_Alignof(struct replay_host), sizeof(*h))) == NULL)
		return NULL;
	memset(h, 0, sizeof(*h));
	memcpy(h->key, key, HOSTKEY_LEN);
	hostkey_addr(key, &h->addr);
	if ((z = sdconf_zone(r->conf, a)) != NULL) {
		h->zone = z->name;
		h->mode = z->mode;
	}
	/* the key lives in the record: one cache line for both */
	g_hash_table_insert(r->hosts, h->key, h);
	return r->last = *slot = h;
}

/* note_port - count a delayed flow's destination port */
static void note_port(struct replay_host *h, uint16_t port)
{
	size_t i, min = 0;

	for (i = 0; i < REPLAY_PORTS; i++) {
		if (h->port_n[i] > 0 && h->port[i] == port) {
			h->port_n[i]++;
			return;
		}
		if (h->port_n[i] < h->port_n[min])
			min = i;
	}
	/* a new port takes the least counted slot (space-saving count) */
	h->port[min] = port;
	h->port_n[min]++;
}

/* note_delay - a held flow went out after d ns */
static void note_delay(struct replay_host *h, uint64_t d)
{
	if (h->ndelays == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		uint64_t *nd = realloc(h->delays, cap * sizeof(*nd));

		if (nd == NULL)
			return;
		h->delays = nd;
		h->cap = cap;
	}
	h->delays[h->ndelays++] = d;
}

/* outcome_due - schedule the outcome of f at its shifted time */
static void outcome_due(struct replay *r, struct flow *f)
{
	struct hitem it;

	memset(&it, 0, sizeof(it));
	it.at = f->answered + (uint64_t)f->rtt;
	it.seq = r->seq++;
	it.rec.kind = FLOWREC_OUTCOME;
	it.rec.success = (int8_t)f->success;
	it.rec.proto = f->t.proto;
	addr_from_bytes(&it.rec.src, f->t.family, f->t.src);
	addr_from_bytes(&it.rec.dst, f->t.family, f->t.dst);
	it.rec.dport = f->t.dport;
	(void)heap_push(&r->out, &it);
}

/* op_answer - verdict_ops: a packet's verdict */
static void op_answer(void *ctx, uint64_t cookie, int accept)
{
	struct replay *r = ctx;
	struct flow *f = r->cur;

	if (f == NULL || f->cookie != cookie) {
		if ((f = g_hash_table_lookup(r->held, &cookie)) == NULL)
			return;
		g_hash_table_remove(r->held, &cookie);
		if (accept) {
			note_delay(f->host, r->now - f->arrival);
			f->host->delayed++;
		}
	}
	f->answered = r->now;
	if (!accept) {
		f->host->dropped++;
		f->state = FL_DROPPED;
		r->cur = NULL;
		g_hash_table_remove(r->pending, &f->t);	/* frees f */
		return;
	}
	f->host->accepted++;
	f->state = FL_ACCEPTED;
	if (f->rtt >= 0) {
		outcome_due(r, f);
		r->cur = NULL;
		g_hash_table_remove(r->pending, &f->t);
	}
}

/* op_hold - verdict_ops: the packet waits */
static void op_hold(void *ctx, uint64_t cookie)
{
	struct replay *r = ctx;
	struct flow *f = r->cur;

	if (f == NULL || f->cookie != cookie)
		return;
	f->state = FL_HELD;
	g_hash_table_insert(r->held, &f->cookie, f);
	note_port(f->host, f->t.dport);
}

/* op_quarantine - verdict_ops: a host enters (or leaves) quarantine */
static void op_quarantine(void *ctx, const struct sl_addr *a, uint64_t ttl)
{
	struct replay *r = ctx;
	struct replay_host *h;

	if (ttl > 0 && (h = host_of(r, a)) != NULL)
		h->quarantines++;
}

/* op_event - verdict_ops: lockouts and TRW verdicts, with their cause */
static void op_event(void *ctx, const struct event *ev)
{
	struct replay *r = ctx;
	struct replay_host *h;
	struct replay_lock *l;

	if (ev->src == NULL)
		return;
	if ((strcmp(ev->type, "trw") != 0 && strcmp(ev->type, "lockout") != 0)
	    || (h = host_of(r, ev->src)) == NULL)
		return;
	if (strcmp(ev->type, "trw") == 0) {
		h->trw_scanner = 1;
		h->trw_at_ns = r->now - r->tot.first_ns;
		return;
	}
	if (h->lockouts++ >= REPLAY_LOCKS)
		return;
	l = &h->lock[h->lockouts - 1];
	l->at_ns = r->now - r->tot.first_ns;
	if (ev->dst != NULL)
		l->dst = *ev->dst;
	l->dport = ev->dst_port;
}

/* no countermeasures in the replay: the engine quarantines by itself;
   no kernel here: no fast path (pair NULL) */
static const struct verdict_ops replay_ops = {
	op_answer, op_hold, op_quarantine, op_event, NULL, NULL, NULL, NULL
};

/* replay_create - an engine over conf; NULL with err */
struct replay *replay_create(const struct sd_conf *conf, uint64_t reorder_ns,
			     char *err, size_t errlen)
{
	static const uint8_t seed[16] = "sluice-replay";
	struct replay *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->conf = conf;
	r->reorder_ns = reorder_ns;
	r->pending = g_hash_table_new_full(tuple_hash, tuple_eq, NULL, flow_put);
	r->held = g_hash_table_new(g_int64_hash, g_int64_equal);
	r->hosts = g_hash_table_new_full(hkey_hash, hkey_eq, NULL, host_free);
	/* a fixed seed: the same trace gives the same report */
	if ((r->v = vdsetup_create(conf, &replay_ops, r, seed, err, errlen)) == NULL) {
		replay_free(r);
		return NULL;
	}
	return r;
}

/* replay_free - accepts NULL */
void replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	r->cur = NULL;
	/* the engine accepts what it holds as it goes: tally nothing more */
	g_hash_table_remove_all(r->held);
	vdsetup_free(r->v);
	g_hash_table_destroy(r->pending);
	while (r->spare != NULL) {
		struct flow *f = r->spare;

		r->spare = (struct flow *)f->host;
		g_free(f);
	}
	g_hash_table_destroy(r->held);
	g_hash_table_destroy(r->hosts);
	free(r->in.v);
	free(r->out.v);
	free(r->sorted);
	free(r);
}

/* deliver - an outcome reaches the engine */
static void deliver(struct replay *r, const struct flowrec *o)
{
	vdflow_outcome(r->v, &o->src, &o->dst, o->proto, o->dport, o->success,
		       r->now);
}

/* sweep_one - forget flows whose outcome will not come */
static gboolean sweep_one(gpointer k, gpointer val, gpointer ctx)
{
	const struct flow *f = val;

	(void)k;
	return f->state != FL_HELD && f->state != FL_DECIDING
	    && f->arrival + PENDING_MAX_AGE_NS < *(const uint64_t *)ctx;
}

/* advance - run the engine's timers and due outcomes up to t */
static void advance(struct replay *r, uint64_t t)
{
	struct hitem it;
	uint64_t next;

	if (t < r->now)
		return;
	for (;;) {
		next = verdict_next(r->v, r->now);
		if (r->out.n > 0 && r->out.v[0].at < next)
			next = r->out.v[0].at;
		if (next > t)
			break;
		if (next > r->now)
			r->now = next;
		while (r->out.n > 0 && r->out.v[0].at <= r->now) {
			heap_pop(&r->out, &it);
			deliver(r, &it.rec);
		}
		verdict_tick(r->v, r->now);
		/* timers that stay due (verdict_next may repeat now) wait
		   for the next record */
		if (next == r->now && verdict_next(r->v, r->now) <= r->now
		    && (r->out.n == 0 || r->out.v[0].at > r->now))
			break;
	}
	r->now = t;
	if (r->now >= r->next_sweep) {
		g_hash_table_foreach_remove(r->pending, sweep_one, &r->now);
		r->next_sweep = r->now + SWEEP_NS;
	}
}

/* tuple_of - the five-tuple key of a record */
static void tuple_of(const struct flowrec *rec, struct tuple *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->src, rec->src.b, 16);
	memcpy(t->dst, rec->dst.b, 16);
	t->sport = rec->sport;
	t->dport = rec->dport;
	t->proto = rec->proto;
	t->family = rec->src.family;
}

/* start - a flow's first packet, decided by the engine */
static void start(struct replay *r, const struct flowrec *rec)
{
	struct pkt_info p;
	struct flow *f;

	r->tot.starts++;
	f = flow_get(r);
	f->owner = r;
	tuple_of(rec, &f->t);
	if (g_hash_table_lookup(r->pending, &f->t) != NULL) {
		r->tot.duplicates++;
		flow_put(f);
		return;
	}
	f->cookie = ++r->seq;
	f->arrival = r->now;
	f->rtt = -1;
	if ((f->host = host_of(r, &rec->src)) == NULL) {
		flow_put(f);
		return;		/* out of memory: the flow is not replayed */
	}
	f->host->flows++;
	g_hash_table_insert(r->pending, &f->t, f);
	memset(&p, 0, sizeof(p));
	p.kind = rec->proto == 6 ? PKT_TCP : rec->proto == 17 ? PKT_UDP
	    : rec->proto == 1 || rec->proto == 58 ? PKT_ICMP : PKT_OTHER;
	p.proto = rec->proto;
	p.src = rec->src;
	p.dst = rec->dst;
	p.sport = rec->sport;
	p.dport = rec->dport;
	p.tcp_flags = rec->proto == 6 ? PKT_TCP_SYN : 0;
	r->cur = f;
	verdict_packet(r->v, &p, f->cookie, r->now);
	r->cur = NULL;
}

/* outcome - a reply or a failure in the trace */
static void outcome(struct replay *r, const struct flowrec *rec)
{
	struct tuple t;
	struct flow *f;

	r->tot.outcomes++;
	tuple_of(rec, &t);
	if ((f = g_hash_table_lookup(r->pending, &t)) == NULL || f->rtt >= 0) {
		r->tot.orphans++;
		return;
	}
	f->rtt = (int64_t)(r->now - f->arrival);
	f->success = rec->success;
	if (f->state == FL_ACCEPTED && f->answered == f->arrival) {
		/* not delayed: the outcome is due now, as in the trace */
		deliver(r, rec);
		g_hash_table_remove(r->pending, &t);
	} else if (f->state == FL_ACCEPTED) {
		outcome_due(r, f);
		g_hash_table_remove(r->pending, &t);
	}
	/* held: the engine's answer schedules it */
}

/* replay_one - a record at its time (never before the current one) */
static void replay_one(struct replay *r, const struct flowrec *rec)
{
	uint64_t at = rec->ts_ns;

	if (at < r->now) {
		r->tot.late++;
		at = r->now;
	}
	advance(r, at);
	if (rec->kind == FLOWREC_START)
		start(r, rec);
	else if (rec->kind == FLOWREC_OUTCOME)
		outcome(r, rec);
}

/* replay_record - one record */
void replay_record(struct replay *r, const struct flowrec *rec)
{
	struct hitem it;

	if (rec->kind == FLOWREC_NONE)
		return;
	r->tot.records++;
	if (!r->started) {
		r->started = 1;
		r->now = r->tot.first_ns = rec->ts_ns;
		r->next_sweep = r->now + SWEEP_NS;
	}
	if (rec->ts_ns > r->tot.last_ns)
		r->tot.last_ns = rec->ts_ns;
	if (r->reorder_ns == 0) {
		replay_one(r, rec);
		return;
	}
	memset(&it, 0, sizeof(it));
	it.at = rec->ts_ns;
	it.seq = r->seq++;
	it.rec = *rec;
	if (heap_push(&r->in, &it) < 0) {
		replay_one(r, rec);
		return;
	}
	while (r->in.n > 0 && r->in.v[0].at + r->reorder_ns <= r->tot.last_ns) {
		heap_pop(&r->in, &it);
		replay_one(r, &it.rec);
	}
}

/* replay_finish - run the clock until every held flow is answered */
void replay_finish(struct replay *r)
{
	struct hitem it;
	uint64_t next;

	while (r->in.n > 0) {
		heap_pop(&r->in, &it);
		replay_one(r, &it.rec);
	}
	/* held flows go out one release interval apart: a day at most */
	uint64_t end = r->tot.last_ns + r->conf->contact_timeout_ns + NS_PER_SEC;

	while (g_hash_table_size(r->held) > 0 || r->out.n > 0) {
		next = verdict_next(r->v, r->now);
		if (r->out.n > 0 && r->out.v[0].at < next)
			next = r->out.v[0].at;
		if (next == UINT64_MAX || next > r->now + 86400ULL * NS_PER_SEC)
			break;
		advance(r, next > r->now ? next : r->now + NS_PER_MS);
	}
	/* and the last first contacts reach their timeout (TRW) */
	advance(r, end > r->now ? end : r->now);
}

/* host_cmp - most delayed first, then most dropped, then by address */
static int host_cmp(const void *a, const void *b)
{
	const struct replay_host *x = *(const struct replay_host *const *)a;
	const struct replay_host *y = *(const struct replay_host *const *)b;

	if (x->delayed != y->delayed)
		return x->delayed > y->delayed ? -1 : 1;
	if (x->dropped != y->dropped)
		return x->dropped > y->dropped ? -1 : 1;
	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	return memcmp(x->addr.b, y->addr.b, 16);
}

/* u64_cmp - qsort order of delays */
static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* replay_hosts - every source host seen, most delayed first */
const struct replay_host *const *replay_hosts(struct replay *r, size_t *n)
{
	GHashTableIter it;
	gpointer k, val;
	struct verdict_host vh;
	size_t i = 0;

	free(r->sorted);
	*n = g_hash_table_size(r->hosts);
	r->sorted = calloc(*n ? *n : 1, sizeof(*r->sorted));
	if (r->sorted == NULL) {
		*n = 0;
		return NULL;
	}
	g_hash_table_iter_init(&it, r->hosts);
	while (g_hash_table_iter_next(&it, &k, &val)) {
		struct replay_host *h = val;

		if (vdhost_show(r->v, &h->addr, r->now, &vh) == 0) {
			h->first_contacts = vh.contacts;
			h->ok = vh.ok;
			h->failed = vh.failed;
		}
		if (h->ndelays > 1)
			qsort(h->delays, h->ndelays, sizeof(*h->delays), u64_cmp);
		r->sorted[i++] = h;
	}
	qsort(r->sorted, *n, sizeof(*r->sorted), host_cmp);
	return (const struct replay_host *const *)r->sorted;
}

/* replay_totals - record counts */
void replay_totals(const struct replay *r, struct replay_totals *out)
{
	*out = r->tot;
}

/* replay_quantile - q-quantile (nearest rank) of sorted delays */
uint64_t replay_quantile(struct replay_host *h, double q)
{
	size_t i;

	if (h->ndelays == 0)
		return 0;
	i = (size_t)(q * (double)h->ndelays + 0.999999);
	return h->delays[i == 0 ? 0 : i - 1];
}
