/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	throttle - Williamson's virus throttle: working set and delay queue
 * SYNOPSIS
 *	#include "throttle.h"
 * DESCRIPTION
 *	Per key a 20-byte record plus the working set (4 bytes a slot)
 *	lives in a host table; held requests live in one delay-queue pool
 *	(delayq.c) whose handle the record keeps in its first field.
 *
 *	Releases happen on a global grid: at every multiple of release_ns
 *	("a period") each non-empty queue releases its head and every
 *	other item to the same destination, which enters the working set.
 *	A key whose queue was empty through a period frees its least
 *	recently used slot instead, computed lazily at its next contact
 *	(the record keeps the last period it was accounted for). So each
 *	key gets one new destination per period, either out of its queue
 *	or into a free slot, with a burst of N: a host opening one new
 *	connection a second never waits, a scanner is held to one a
 *	second.
 *
 *	Times in the record are 32-bit milliseconds of the monotonic clock
 *	(modulo 2^32, so last_seen of a key idle for 49 days is reported
 *	wrong) and 32-bit period numbers, to keep an IPv4 host with N = 5
 *	under 64 bytes all told.
 *
 *	The contact that would make a queue longer than `high` is not
 *	queued: it locks the key out (THROTTLE_LOCKOUT) and only
 *	THROTTLE_HOLD means the cookie will come back through the
 *	callback. Callbacks must not call back into the throttle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "delayq.h"
#include "hosttab.h"
#include "throttle.h"
#include "throttle_int.h"
#include "wset.h"

/* throttle_check_params - 0, or -1 with a reason in why */
int throttle_check_params(const struct throttle_params *p, const char **why)
{
	const char *w = NULL;

	if (p->wset_size < 1 || p->wset_size > WSET_MAX)
		w = "wset_size must be 1..64";
	else if (p->release_ns < NS_PER_MS || p->release_ns > 3600 * NS_PER_SEC)
		w = "release interval must be 1 ms..1 h";
	else if (p->high < 2 || p->high > TH_MAX_HIGH)
		w = "high watermark must be 2..1000000";
	else if (p->low < 1 || p->low >= p->high)
		w = "low watermark must be 1..high-1";
	else if (p->max_held < 1 || p->max_held > TH_MAX_HELD)
		w = "max_held must be 1..1073741824";
	else if (p->mem_cap < delayq_bytes_for(p->max_held) + TH_MIN_TABLE)
		w = "mem_cap too small for max_held held requests and a table";
	if (why)
		*why = w;
	return w ? -1 : 0;
}

/* th_val_len - bytes of a host record with n working-set slots */
static size_t th_val_len(unsigned n)
{
	return sizeof(struct th_host) + n * sizeof(uint32_t);
}

/* th_evict - the host table evicts a key: release its queue first */
static void th_evict(void *ctx, const void *key, void *val)
{
	struct throttle *t = ctx;
	struct th_host *h = val;

	(void)key;
	if (h->flags & TH_LOCKED)
		t->locked--;
	th_drain(t, h, THROTTLE_EVICTED);
}

/* throttle_create - NULL with errno EINVAL (bad params) or ENOMEM */
struct throttle *throttle_create(const struct throttle_params *p,
				 size_t key_len, const uint8_t seed[16],
				 throttle_fn *fn, void *ctx)
{
	struct throttle *t;
	size_t table;

	if (throttle_check_params(p, NULL) < 0 || seed == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->p = *p;
	t->key_len = key_len;
	t->fn = fn;
	t->ctx = ctx;
	memcpy(t->seed, seed, 16);
	wset_key_init(&t->wkey, seed);
	table = p->mem_cap - delayq_bytes_for(p->max_held) - sizeof(*t);
	/* The record needs 4-byte alignment only: 52 bytes an IPv4 host. */
	t->hosts = hosttab_create_aligned(key_len, th_val_len(p->wset_size),
					  _Alignof(struct th_host), table,
					  seed);
	t->q = delayq_create(p->max_held);
	if (t->hosts == NULL || t->q == NULL) {
		int saved = errno;

		throttle_free(t);
		errno = saved;
		return NULL;
	}
	th_adopt(t);
	t->ep_start = UINT64_MAX;
	return t;
}

/* th_adopt - point the host table's eviction callback at t */
void th_adopt(struct throttle *t)
{
	hosttab_set_evict(t->hosts, th_evict, t);
}

/* throttle_free - accepts NULL; held cookies are not reported */
void throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	hosttab_free(t->hosts);
	delayq_free(t->q);
	free(t);
}

/* th_report_fn - a cookie leaves a queue: tell the caller */
static void th_report_fn(void *ctx, uint32_t *owner, uint64_t cookie)
{
	const struct th_report *r = ctx;

	if (r->t->fn)
		r->t->fn(r->t->ctx, hosttab_key_of(r->t->hosts, owner), cookie,
			 r->why);
}

/* th_drain - empty h's queue, reporting every cookie with why */
size_t th_drain(struct throttle *t, struct th_host *h, enum throttle_why why)
{
	struct th_report r = { t, why };

	return delayq_drain(t->q, &h->qd, th_report_fn, &r);
}

/* th_epoch - release period of now (cached: once per contact); a now
   a little earlier than the last (threads that read the clock before
   the lock) stays in the current period instead of going back one */
static inline uint32_t th_epoch(struct throttle *t, uint64_t now)
{
	if (now >= t->ep_start + t->p.release_ns) {
		t->ep = (uint32_t)(now / t->p.release_ns);
		t->ep_start = now - now % t->p.release_ns;
	}
	return t->ep;
}

/* th_clock - note the latest now seen (for info and save) */
static inline void th_clock(struct throttle *t, uint64_t now)
{
	if (now > t->last_now)
		t->last_now = now;
}

/* th_new - a record hosttab_put has just created */
static inline void th_new(struct throttle *t, struct th_host *h, uint64_t now)
{
	h->epoch = th_epoch(t, now);
	h->seen_ms = th_ms(now);
}

/* th_get - the record of key, created if new; NULL if nothing fits */
static struct th_host *th_get(struct throttle *t, const void *key,
			      uint64_t now)
{
	struct th_host *h;
	int created;

	if ((h = hosttab_put(t->hosts, key, &created)) != NULL && created)
		th_new(t, h, now);
	return h;
}

/* th_unlock_check - lift an automatic lockout once below low */
static void th_unlock_check(struct throttle *t, struct th_host *h)
{
	if ((h->flags & (TH_LOCKED | TH_MANUAL)) != TH_LOCKED
	    || delayq_len(t->q, h->qd) >= t->p.low)
		return;
	h->flags &= ~TH_LOCKED;
	t->locked--;
	if (t->fn)
		t->fn(t->ctx, hosttab_key_of(t->hosts, h), 0,
		      THROTTLE_UNLOCKED);
}

/* th_lock - lock h out at now */
static void th_lock(struct throttle *t, struct th_host *h, uint64_t now)
{
	if (!(h->flags & TH_LOCKED))
		t->locked++;
	h->flags |= TH_LOCKED;
	h->locked_ms = th_ms(now);
	t->lockouts++;
}

/* th_hold - queue a first contact, or lock the key out */
static enum throttle_verdict th_hold(struct throttle *t, struct th_host *h,
				     uint32_t tag, uint64_t cookie,
				     uint64_t now)
{
	int idle = delayq_active(t->q) == 0;

	if (delayq_len(t->q, h->qd) >= t->p.high) {
		th_lock(t, h, now);
		return THROTTLE_LOCKOUT;
	}
	if (delayq_push(t->q, &h->qd, cookie, tag) < 0) {
		t->full++;
		return THROTTLE_FULL;
	}
	if (idle)
		t->next_release = (now / t->p.release_ns + 1) * t->p.release_ns;
	t->holds++;
	return THROTTLE_HOLD;
}

/* th_age - each period spent with an empty queue frees the oldest
   slot (a hardened key: each hevery periods; the rest carries over) */
static inline void th_age(struct throttle *t, struct th_host *h, uint64_t now)
{
	uint32_t e, k;

	if (h->qd != 0 || (e = th_epoch(t, now)) <= h->epoch)
		return;
	if (h->hevery > 1) {
		if ((k = (e - h->epoch) / h->hevery) == 0)
			return;
		h->used = wset_age(h->used, k);
		h->epoch += k * h->hevery;
		return;
	}
	h->used = wset_age(h->used, e - h->epoch);
	h->epoch = e;
}

/* th_decide - decide one contact of h's key to a destination of tag */
static inline enum throttle_verdict th_decide(struct throttle *t,
					      struct th_host *h, uint32_t tag,
					      uint64_t cookie, uint64_t now)
{
	int i;

	if (h == NULL) {
		t->full++;
		return THROTTLE_FULL;
	}
	h->seen_ms = th_ms(now);
	if (h->flags & TH_LOCKED) {
		t->refused++;
		return THROTTLE_LOCKED;
	}
	th_age(t, h, now);
	if ((i = wset_find(h->tag, h->used, tag)) >= 0) {
		wset_touch(h->tag, (unsigned)i);
	} else if (h->qd == 0 && h->used < th_slots(t, h)) {
		h->used = wset_insert(h->tag, h->used, th_slots(t, h), tag);
	} else {
		return th_hold(t, h, tag, cookie, now);
	}
	t->passed++;
	return THROTTLE_PASS;
}

/* throttle_contact - decide one contact from key to dst */
enum throttle_verdict throttle_contact(struct throttle *t, const void *key,
				       const void *dst, size_t dst_len,
				       uint64_t cookie, uint64_t now)
{
	th_clock(t, now);
	return th_decide(t, th_get(t, key, now),
			 wset_tag(&t->wkey, dst, dst_len), cookie, now);
}

/* throttle_contact_batch - throttle_contact for n requests, loads overlapped */
void throttle_contact_batch(struct throttle *t,
			    const struct throttle_req *req, size_t n,
			    uint64_t now, enum throttle_verdict *out)
{
	const void *keys[TH_BATCH];
	void *vals[TH_BATCH];
	uint32_t tags[TH_BATCH];
	unsigned char created[TH_BATCH];
	size_t i, m;

	th_clock(t, now);
	/* Too small a table could evict a record before its turn. */
	if (hosttab_capacity(t->hosts) < 2 * TH_BATCH) {
		for (i = 0; i < n; i++)
			out[i] = throttle_contact(t, req[i].key, req[i].dst,
						  req[i].dst_len,
						  req[i].cookie, now);
		return;
	}
	/*
	 * Records first (pipelined in the host table), then decisions.
	 * The tags are computed together beforehand: independent of each
	 * other, their multiplies overlap, where inside each decision they
	 * would wait one for the other.
	 */
	for (; n > 0; n -= m, req += m, out += m) {
		m = n < TH_BATCH ? n : TH_BATCH;
		for (i = 0; i < m; i++) {
			keys[i] = req[i].key;
			tags[i] = wset_tag(&t->wkey, req[i].dst,
					   req[i].dst_len);
		}
		hosttab_put_batch(t->hosts, keys, m, vals, created);
		for (i = 0; i < m; i++) {
			if (created[i] && vals[i])
				th_new(t, vals[i], now);
			out[i] = th_decide(t, vals[i], tags[i], req[i].cookie,
					   now);
		}
	}
}

/* th_round - one period: every non-empty queue releases its head */
static size_t th_round(struct throttle *t, uint32_t epoch)
{
	struct th_report r = { t, THROTTLE_RELEASED };
	struct th_host *h;
	uint32_t i = 0, tag;
	size_t n = 0;

	while (i < delayq_active(t->q)) {
		h = (struct th_host *)delayq_owner(t->q, i);
		/* a hardened key releases on every hevery-th period only */
		if (h->hevery > 1 && epoch % h->hevery != 0) {
			i++;
			continue;
		}
		n += delayq_release(t->q, &h->qd, &tag, th_report_fn, &r);
		h->used = wset_enter(h->tag, h->used, th_slots(t, h), tag);
		h->epoch = epoch;
		th_unlock_check(t, h);
		/* An emptied queue's slot now holds the last one: stay. */
		if (h->qd == i + 1)
			i++;
	}
	t->releases += n;
	return n;
}

/* throttle_tick - release what is due at now; returns cookies released */
size_t throttle_tick(struct throttle *t, uint64_t now)
{
	size_t n = 0;

	th_clock(t, now);
	while (delayq_active(t->q) > 0 && now >= t->next_release) {
		n += th_round(t, (uint32_t)(t->next_release / t->p.release_ns));
		t->next_release += t->p.release_ns;
	}
	return n;
}

/* throttle_next - the now at which throttle_tick has work next */
uint64_t throttle_next(const struct throttle *t)
{
	return delayq_active(t->q) > 0 ? t->next_release : UINT64_MAX;
}

/* throttle_flush - empty key's queue, releasing or dropping; count */
size_t throttle_flush(struct throttle *t, const void *key, int drop)
{
	struct th_host *h = hosttab_peek(t->hosts, key);
	size_t n;

	if (h == NULL)
		return 0;
	n = th_drain(t, h, drop ? THROTTLE_DROPPED : THROTTLE_RELEASED);
	if (!drop)
		t->releases += n;
	th_unlock_check(t, h);
	return n;
}

/* throttle_lock - lock key out (operator, honeytoken); -1 if no room */
int throttle_lock(struct throttle *t, const void *key, uint64_t now)
{
	struct th_host *h;

	th_clock(t, now);
	if ((h = th_get(t, key, now)) == NULL)
		return -1;
	/* Manual locks ignore the watermarks: only throttle_unlock lifts. */
	th_lock(t, h, now);
	h->flags |= TH_MANUAL;
	return 0;
}

/* throttle_unlock - lift a lockout and release its queue; -1 if absent */
int throttle_unlock(struct throttle *t, const void *key)
{
	struct th_host *h = hosttab_peek(t->hosts, key);
	int was;

	if (h == NULL)
		return -1;
	was = h->flags & TH_LOCKED;
	h->flags &= ~(TH_LOCKED | TH_MANUAL);
	t->releases += th_drain(t, h, THROTTLE_RELEASED);
	if (was) {
		t->locked--;
		if (t->fn)
			t->fn(t->ctx, key, 0, THROTTLE_UNLOCKED);
	}
	return 0;
}

/* throttle_harden - key gets at most slots working-set slots and one
   release each every periods (0 and 1: the throttle's own); its set
   loses its least recently used destinations beyond slots at once */
int throttle_harden(struct throttle *t, const void *key, unsigned slots,
		    unsigned every, uint64_t now)
{
	struct th_host *h;

	th_clock(t, now);
	if ((h = th_get(t, key, now)) == NULL)
		return -1;
	h->hset = (uint8_t)(slots < t->p.wset_size ? slots : 0);
	h->hevery = (uint8_t)(every > 1 ? (every > 255 ? 255 : every) : 0);
	if (h->used > th_slots(t, h))
		h->used = (uint8_t)th_slots(t, h);
	return 0;
}

/* throttle_wset - key's working set, most recently used first */
int throttle_wset(const struct throttle *t, const void *key, uint32_t *tags,
		  unsigned max)
{
	const struct th_host *h = hosttab_peek(t->hosts, key);
	unsigned n;

	if (h == NULL)
		return -1;
	if (h->flags & TH_LOCKED)
		return 0;
	n = h->used < max ? h->used : max;
	memcpy(tags, h->tag, n * sizeof(*tags));
	return (int)n;
}

/* throttle_wset_order - contacts seen elsewhere reorder key's set, then
   the periods passed by now age it */
int throttle_wset_order(struct throttle *t, const void *key,
			const uint32_t *tags, unsigned n, uint64_t now)
{
	struct th_host *h = hosttab_peek(t->hosts, key);
	unsigned i, k = 0;
	int j;

	if (h == NULL)
		return -1;
	th_clock(t, now);
	/* Moving each to the front, last first, leaves them in the order
	   given ahead of the others, whose order stays: a stable sort. */
	for (i = n; i-- > 0;)
		if ((j = wset_find(h->tag, h->used, tags[i])) >= 0) {
			wset_touch(h->tag, (unsigned)j);
			k++;
		}
	if (k > 0) {	/* the kernel saw the host: a contact, for the LRU */
		(void)hosttab_get(t->hosts, key);
		h->seen_ms = th_ms(now);
	}
	th_age(t, h, now);
	return h->used;
}

/* th_time - a stored 32-bit millisecond stamp as a now */
static uint64_t th_time(const struct throttle *t, uint32_t ms)
{
	uint64_t last = t->last_now / NS_PER_MS;

	return (last - (uint32_t)((uint32_t)last - ms)) * NS_PER_MS;
}

/* th_info - the public view of a record */
static void th_info(const struct throttle *t, const struct th_host *h,
		    struct throttle_info *out)
{
	out->queued = delayq_len(t->q, h->qd);
	out->wset_used = h->used;
	out->locked = (h->flags & TH_LOCKED) != 0;
	out->last_seen = th_time(t, h->seen_ms);
	out->locked_at = out->locked ? th_time(t, h->locked_ms) : 0;
}

/* throttle_info - state of one key; -1 if unknown */
int throttle_info(const struct throttle *t, const void *key,
		  struct throttle_info *out)
{
	const struct th_host *h = hosttab_peek(t->hosts, key);

	if (h == NULL)
		return -1;
	th_info(t, h, out);
	return 0;
}

struct th_walk {
	const struct throttle *t;
	int (*fn)(void *ctx, const void *key, const struct throttle_info *);
	void *ctx;
};

/* th_walk_one - hosttab walk adapter */
static int th_walk_one(void *ctx, const void *key, void *val)
{
	struct th_walk *w = ctx;
	struct throttle_info info;

	th_info(w->t, val, &info);
	return w->fn(w->ctx, key, &info);
}

/* throttle_walk - every key with its state; fn returns non-zero to stop */
void throttle_walk(const struct throttle *t,
		   int (*fn)(void *ctx, const void *key,
			     const struct throttle_info *info), void *ctx)
{
	struct th_walk w = { t, fn, ctx };

	/* Walking changes nothing: the cast only satisfies hosttab_walk. */
	hosttab_walk((struct hosttab *)t->hosts, th_walk_one, &w);
}

/* throttle_walk_any - every key with its state, in table order */
void throttle_walk_any(const struct throttle *t,
		       int (*fn)(void *ctx, const void *key,
				 const struct throttle_info *info), void *ctx)
{
	struct th_walk w = { t, fn, ctx };

	hosttab_walk_any((struct hosttab *)t->hosts, th_walk_one, &w);
}

/* throttle_stats - counters and sizes */
void throttle_stats(const struct throttle *t, struct throttle_stats *out)
{
	out->hosts = hosttab_count(t->hosts);
	out->capacity = hosttab_capacity(t->hosts);
	out->held = delayq_held(t->q);
	out->locked = t->locked;
	out->bytes = sizeof(*t) + hosttab_bytes(t->hosts) + delayq_bytes(t->q);
	out->passed = t->passed;
	out->holds = t->holds;
	out->releases = t->releases;
	out->lockouts = t->lockouts;
	out->refused = t->refused;
	out->full = t->full;
	out->evictions = hosttab_evictions(t->hosts);
}

/* th_retime_one - a new release interval: restart one key's period
   count (a walk callback) */
static int th_retime_one(void *ctx, const void *key, void *val)
{
	struct throttle *t = ctx;

	(void)key;
	((struct th_host *)val)->epoch = th_epoch(t, t->last_now);
	return 0;
}

/* throttle_reconfigure - new parameters, state kept; -1 EINVAL */
int throttle_reconfigure(struct throttle *t, const struct throttle_params *p)
{
	uint64_t rel = t->p.release_ns;

	if (throttle_check_params(p, NULL) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (p->wset_size != t->p.wset_size || p->mem_cap != t->p.mem_cap
	    || p->max_held != t->p.max_held)
		return th_rebuild(t, p);
	t->p = *p;
	if (rel != p->release_ns) {
		t->ep_start = UINT64_MAX;
		hosttab_walk_any(t->hosts, th_retime_one, t);
		t->next_release = (t->last_now / p->release_ns + 1)
		    * p->release_ns;
	}
	return 0;
}
