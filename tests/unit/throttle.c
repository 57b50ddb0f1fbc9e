/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	throttle.t - Williamson's virus throttle, driven with passed-in time
 * DESCRIPTION
 *	Traffic patterns (a host opening one new connection a second,
 *	browsing, a scanner at 50 new addresses a second) are simulated
 *	against a throttle with N = 5, release 1 s, high 100, low 60, and
 *	what each one sees is compared with what Williamson's design
 *	promises. Then the edges: release of same-destination items,
 *	flush, manual locks, eviction, the held pool, reconfiguration,
 *	save/load and damaged files, the saved state alike under either
 *	index hash (AES rounds, SipHash-1-3), bytes per host at a
 *	million hosts, and the kernel fast path's model: a throttle that
 *	sees only what a kernel holding the working sets would queue,
 *	told the rest at each boundary (throttle_wset_order), decides as
 *	the throttle that sees everything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeshash.h"
#include "clock.h"
#include "throttle.h"
#include "wset.h"
#include "../tap.h"

#define SEC NS_PER_SEC
#define MS NS_PER_MS

static const uint8_t seed[16] = "0123456789abcdef";

struct rec {
	size_t released, dropped, evicted, unlocked;
	uint64_t last_cookie;
	uint64_t now;			/* set by the simulator */
	uint64_t held_at[1 << 16];	/* cookie -> contact time */
	uint64_t max_wait;
	uint64_t unlock_at;
	unsigned unlock_queue;
	struct throttle *t;
	uint64_t cookies[64];		/* release order, first 64 */
};

/* on_event - count what leaves the queues */
static void on_event(void *ctx, const void *key, uint64_t cookie,
		     enum throttle_why why)
{
	struct rec *r = ctx;
	struct throttle_info info;

	switch (why) {
	case THROTTLE_RELEASED:
		if (r->released < 64)
			r->cookies[r->released] = cookie;
		r->released++;
		if (cookie < (1 << 16) && r->now - r->held_at[cookie]
		    > r->max_wait)
			r->max_wait = r->now - r->held_at[cookie];
		break;
	case THROTTLE_DROPPED:
		r->dropped++;
		break;
	case THROTTLE_EVICTED:
		r->evicted++;
		break;
	case THROTTLE_UNLOCKED:
		if (r->unlocked++ > 0)
			break;
		r->unlock_at = r->now;
		if (r->t && throttle_info(r->t, key, &info) == 0)
			r->unlock_queue = info.queued;
		break;
	}
	r->last_cookie = cookie;
}

/* defaults - the network defaults */
static void defaults(struct throttle_params *p)
{
	p->wset_size = 5;
	p->release_ns = SEC;
	p->high = 100;
	p->low = 60;
	p->mem_cap = 8u << 20;
	p->max_held = 10000;
}

/* test_params - validation table */
static void test_params(void)
{
	static const struct {
		const char *name;
		unsigned wset, high, low, held;
		uint64_t rel;
		size_t cap;
		int want;
	} vec[] = {
		{ "defaults", 5, 100, 60, 10000, SEC, 8u << 20, 0 },
		{ "wset 0", 0, 100, 60, 10000, SEC, 8u << 20, -1 },
		{ "wset 65", 65, 100, 60, 10000, SEC, 8u << 20, -1 },
		{ "wset 64", 64, 100, 60, 10000, SEC, 8u << 20, 0 },
		{ "release 0", 5, 100, 60, 10000, 0, 8u << 20, -1 },
		{ "low = high", 5, 100, 100, 10000, SEC, 8u << 20, -1 },
		{ "low 0", 5, 100, 0, 10000, SEC, 8u << 20, -1 },
		{ "max_held 0", 5, 100, 60, 0, SEC, 8u << 20, -1 },
		{ "mem_cap too small", 5, 100, 60, 10000, SEC, 100000, -1 },
	};
	struct throttle_params p;
	struct throttle *t;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		p.wset_size = vec[i].wset;
		p.high = vec[i].high;
		p.low = vec[i].low;
		p.max_held = vec[i].held;
		p.release_ns = vec[i].rel;
		p.mem_cap = vec[i].cap;
		why = NULL;
		is_int(throttle_check_params(&p, &why), vec[i].want,
		       "params %s", vec[i].name);
		ok((vec[i].want == 0) == (why == NULL), "  reason: %s",
		   why ? why : "(none)");
		errno = 0;
		t = throttle_create(&p, 4, seed, NULL, NULL);
		is_int(t ? 0 : errno, vec[i].want ? EINVAL : 0,
		       "  create %s", vec[i].name);
		throttle_free(t);
	}
	throttle_free(NULL);
}

/* the traffic patterns */
enum pattern { ONE_NEW_PER_SEC, BROWSING, SCANNER };

struct sim {
	const char *name;
	enum pattern pat;
	uint64_t period;	/* between contacts */
	uint64_t offset;	/* of the first contact */
	unsigned count;		/* contacts */
	/* expectations */
	unsigned want_holds;
};

struct outcome {
	unsigned v[5];		/* verdict counts */
	uint64_t lockout_at;
	unsigned lockout_queue;
	unsigned lockouts;
	unsigned max_released_per_sec;
	unsigned min_released_per_sec;	/* over seconds 2..lockout */
	unsigned holds_after_unlock;
};

/* sim_dst - destination of contact i */
static uint32_t sim_dst(enum pattern pat, unsigned i)
{
	switch (pat) {
	case ONE_NEW_PER_SEC:
	case SCANNER:
		return 0x0a000000u + i;
	case BROWSING:
		/* Three sites in use at a time; a new one every 10 s. */
		return 0xc0a80000u + (i / 200) + i % 3;
	}
	return 0;
}

/* run_sim - feed a pattern, ticking at every due time */
static void run_sim(const struct sim *s, struct rec *r, struct outcome *o)
{
	struct throttle_params p;
	struct throttle *t;
	struct throttle_info info;
	uint32_t key = 0x0a000001, dst;
	uint64_t now, sec_start = 0;
	size_t rel_before = 0;
	enum throttle_verdict v;
	unsigned i, in_sec;

	defaults(&p);
	memset(r, 0, sizeof(*r));
	memset(o, 0, sizeof(*o));
	o->min_released_per_sec = ~0u;
	t = throttle_create(&p, 4, seed, on_event, r);
	r->t = t;
	for (i = 0; i < s->count; i++) {
		now = s->offset + i * s->period;
		while (throttle_next(t) <= now) {
			r->now = throttle_next(t);
			throttle_tick(t, r->now);
		}
		/* Releases per whole second, until the lockout. */
		if (now / SEC != sec_start) {
			in_sec = (unsigned)(r->released - rel_before);
			if (sec_start >= 1 && !o->lockouts) {
				if (in_sec > o->max_released_per_sec)
					o->max_released_per_sec = in_sec;
				if (in_sec < o->min_released_per_sec)
					o->min_released_per_sec = in_sec;
			}
			sec_start = now / SEC;
			rel_before = r->released;
		}
		r->now = now;
		r->held_at[i & 0xffff] = now;
		dst = sim_dst(s->pat, i);
		v = throttle_contact(t, &key, &dst, 4, i & 0xffff, now);
		o->v[v]++;
		if (v == THROTTLE_LOCKOUT && o->lockouts++ == 0) {
			o->lockout_at = now;
			throttle_info(t, &key, &info);
			o->lockout_queue = info.queued;
		}
		if (v == THROTTLE_HOLD && r->unlocked)
			o->holds_after_unlock++;
	}
	throttle_free(t);
}

/* test_patterns - what each kind of host sees */
static void test_patterns(void)
{
	static const struct sim sims[] = {
		{ "one new address a second, mid-period", ONE_NEW_PER_SEC,
		  SEC, SEC / 2, 300, 0 },
		{ "one new address a second, on the boundary",
		  ONE_NEW_PER_SEC, SEC, 0, 300, 0 },
		{ "one new address a second, just before the boundary",
		  ONE_NEW_PER_SEC, SEC, SEC - 1, 300, 0 },
		{ "browsing: 3 sites at 20/s, a new site every 10 s",
		  BROWSING, 50 * MS, 0, 20 * 120, 0 },
	};
	static struct rec r;
	struct outcome o;
	size_t i;

	for (i = 0; i < sizeof(sims) / sizeof(sims[0]); i++) {
		run_sim(&sims[i], &r, &o);
		is_uint(o.v[THROTTLE_HOLD], sims[i].want_holds,
			"%s: held contacts", sims[i].name);
		is_uint(o.v[THROTTLE_PASS], sims[i].count,
			"%s: every contact passed at once", sims[i].name);
	}
}

/* test_scanner - 50 new addresses a second */
static void test_scanner(void)
{
	static const struct sim s = { "scanner", SCANNER, 20 * MS, 0,
				      50 * 120, 0 };
	static struct rec r;
	struct outcome o;

	run_sim(&s, &r, &o);
	is_uint(o.v[THROTTLE_PASS], 5,
		"scanner: only the 5 free slots pass at once");
	is_uint(o.max_released_per_sec, 1,
		"scanner: at most one released a second");
	is_uint(o.min_released_per_sec, 1,
		"scanner: at least one released a second");
	is_uint(o.lockouts, 3,
		"scanner: locked out, let out, locked out again (3 in 120 s)");
	is_uint(o.lockout_queue, 100,
		"scanner: lockout when the queue would pass high (queue)");
	cmp_ok(o.lockout_at, >=, 2 * SEC, "scanner: lockout after 2 s");
	cmp_ok(o.lockout_at, <, 3 * SEC, "scanner: lockout before 3 s");
	cmp_ok(o.v[THROTTLE_LOCKED], >, 1000,
	       "scanner: refused while locked");
	is_uint(r.unlocked, 2, "scanner: unlocked twice in 120 s");
	is_uint(r.unlock_queue, 59, "scanner: unlocked below low (queue)");
	/* 100 queued at lockout, one released a second: 41 s to 59. */
	cmp_ok(r.unlock_at, >=, o.lockout_at + 40 * SEC,
	       "scanner: unlock no sooner than 41 releases");
	cmp_ok(r.unlock_at, <=, o.lockout_at + 42 * SEC,
	       "scanner: unlock no later than 42 releases");
	cmp_ok(o.holds_after_unlock, >, 0, "scanner: held again once unlocked");
	cmp_ok(r.max_wait, >=, 40 * SEC, "scanner: its requests waited");
}

/* state - a small throttle with a full working set for key 1 */
static struct throttle *state(struct rec *r, unsigned high, unsigned low,
			      unsigned max_held, size_t cap)
{
	struct throttle_params p;
	struct throttle *t;
	uint32_t key = 1, dst;

	defaults(&p);
	p.high = high;
	p.low = low;
	p.max_held = max_held;
	if (cap)
		p.mem_cap = cap;
	memset(r, 0, sizeof(*r));
	t = throttle_create(&p, 4, seed, on_event, r);
	r->t = t;
	for (dst = 100; dst < 105; dst++)
		throttle_contact(t, &key, &dst, 4, 0, 0);
	return t;
}

/* contact - one contact from key to dst */
static enum throttle_verdict contact(struct throttle *t, uint32_t key,
				     uint32_t dst, uint64_t cookie,
				     uint64_t now)
{
	return throttle_contact(t, &key, &dst, 4, cookie, now);
}

/* test_release - head plus same destination; next; info */
static void test_release(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 100, 60, 100, 0);
	struct throttle_info info;
	uint32_t key = 1;

	is_uint(throttle_next(t), UINT64_MAX, "next: nothing queued");
	is_int(contact(t, 1, 200, 11, 100 * MS), THROTTLE_HOLD, "new dst held");
	is_int(contact(t, 1, 201, 12, 200 * MS), THROTTLE_HOLD, "another held");
	is_int(contact(t, 1, 200, 13, 300 * MS), THROTTLE_HOLD,
	       "first again, held");
	is_int(contact(t, 1, 101, 14, 400 * MS), THROTTLE_PASS,
	       "working-set dst passes with a queue");
	is_uint(throttle_next(t), SEC, "next: the period boundary");
	is_uint(throttle_tick(t, 999 * MS), 0, "nothing before the boundary");
	is_uint(throttle_tick(t, SEC), 2, "head and its twin released");
	ok(r.cookies[0] == 11 && r.cookies[1] == 13,
	   "released cookies 11 and 13 (got %llu %llu)",
	   (unsigned long long)r.cookies[0], (unsigned long long)r.cookies[1]);
	is_int(contact(t, 1, 200, 15, SEC + 1), THROTTLE_PASS,
	       "released dst is in the working set");
	throttle_info(t, &key, &info);
	is_uint(info.queued, 1, "info: one still queued");
	is_uint(info.wset_used, 5, "info: working set full");
	is_uint(info.last_seen, SEC, "info: last seen (ms resolution)");
	is_int(info.locked, 0, "info: not locked");
	key = 2;
	is_int(throttle_info(t, &key, &info), -1, "info of an unknown key");
	is_uint(throttle_tick(t, 5 * SEC), 1, "late tick releases the rest");
	is_uint(throttle_next(t), UINT64_MAX, "next: empty again");
	throttle_free(t);
}

/* test_harden - a hardened key (2 slots, a release each 3 periods):
   its set shrinks to its 2 most recent at once, new destinations are
   held, its queue releases on every third boundary only, while key 2
   (untouched control, same traffic) gets one a period; it survives
   save and load; throttle_harden(0, 0) gives the normal pace back */
static void test_harden(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 100, 60, 1000, 0);
	struct throttle *u;
	struct throttle_info i1, i2;
	uint32_t key = 1, key2 = 2, d, w[8];
	FILE *fp = tmpfile();
	uint64_t s;
	size_t rel1 = 0;

	for (d = 100; d < 105; d++)
		contact(t, 2, d, 0, 0);
	is_int(throttle_harden(t, &key, 2, 3, 0), 0, "harden key 1");
	is_int(throttle_wset(t, &key, w, 8), 2, "set cut to 2 slots");
	is_int(contact(t, 1, 104, 0, 10 * MS), THROTTLE_PASS, "most recent kept");
	is_int(contact(t, 1, 100, 1, 20 * MS), THROTTLE_HOLD, "oldest left the set");
	is_int(contact(t, 2, 100, 2, 20 * MS), THROTTLE_PASS, "control: still in");
	for (d = 0; d < 30; d++) {
		contact(t, 1, 300 + d, 1000 + d, 30 * MS);
		contact(t, 2, 300 + d, 2000 + d, 30 * MS);
	}
	for (s = 1; s <= 9; s++) {
		r.released = 0;
		throttle_tick(t, s * SEC);
		rel1 += r.released;
	}
	throttle_info(t, &key, &i1);
	throttle_info(t, &key2, &i2);
	is_uint(rel1, 3 + 9, "released in 9 s: 3 of key 1, 9 of key 2");
	is_uint(i1.queued, 31 - 3, "key 1: 3 out in 9 periods");
	is_uint(i2.queued, 30 - 9, "key 2 (control): 9 out in 9 periods");
	cmp_ok(i1.wset_used, <=, 2, "key 1 never past 2 slots");
	is_uint(i2.wset_used, 5, "key 2: 5 slots");
	is_int(throttle_save(t, fp), 0, "save a hardened key");
	rewind(fp);
	u = throttle_create(&(struct throttle_params){ .wset_size = 5,
		.release_ns = SEC, .high = 100, .low = 60,
		.mem_cap = 1 << 20, .max_held = 1000 }, 4, seed, on_event, &r);
	is_int(throttle_load(u, fp, 9 * SEC), 0, "load it");
	r.released = 0;
	throttle_tick(u, 10 * SEC);
	throttle_tick(u, 11 * SEC);
	is_uint(r.released, 2, "loaded: key 2 one a period, key 1 none");
	r.released = 0;
	throttle_tick(u, 12 * SEC);
	is_uint(r.released, 2, "loaded: key 1 on its third period");
	is_int(throttle_harden(u, &key, 0, 0, 12 * SEC), 0, "lift");
	r.released = 0;
	throttle_tick(u, 13 * SEC);
	is_uint(r.released, 2, "lifted: key 1 released the next period too");
	throttle_free(u);
	fclose(fp);
	throttle_free(t);
}

/* test_clock_back - a caller whose threads read the clock before taking
   the lock may pass a time a little earlier than the last one: across
   a period boundary that must not count as billions of periods spent
   (which would empty the working set and let a new contact through) */
static void test_clock_back(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 100, 60, 100, 0);
	uint32_t dst;
	int passed = 0;

	for (dst = 200; dst < 205; dst++)
		passed += contact(t, 1, dst, 0, 5 * SEC + MS) == THROTTLE_PASS;
	is_int(passed, 5, "five new contacts after five idle periods pass");
	is_int(contact(t, 1, 300, 21, 5 * SEC - MS), THROTTLE_HOLD,
	       "a time 2 ms earlier, across the boundary: the full working "
	       "set still holds a new contact");
	is_int(contact(t, 1, 204, 22, 5 * SEC - MS), THROTTLE_PASS,
	       "and still passes a known one");
	throttle_free(t);
}

/* test_flush_lock - flush drop/release, manual lock and unlock */
static void test_flush_lock(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 100, 60, 100, 0);
	struct throttle_info info;
	uint32_t key = 1, other = 9;
	uint64_t c;

	for (c = 1; c <= 3; c++)
		contact(t, 1, (uint32_t)(300 + c), c, 0);
	is_uint(throttle_flush(t, &key, 1), 3, "flush drop count");
	is_uint(r.dropped, 3, "flush drop: three dropped");
	is_uint(r.released, 0, "flush drop: none released");
	for (c = 1; c <= 2; c++)
		contact(t, 1, (uint32_t)(400 + c), c, 0);
	is_uint(throttle_flush(t, &key, 0), 2, "flush release count");
	is_uint(r.released, 2, "flush release: two released");
	is_uint(throttle_flush(t, &other, 0), 0, "flush of an unknown key");
	is_int(throttle_lock(t, &key, 2 * SEC), 0, "manual lock");
	is_int(contact(t, 1, 100, 7, 2 * SEC), THROTTLE_LOCKED,
	       "locked key refused even for its working set");
	throttle_tick(t, 100 * SEC);
	throttle_info(t, &key, &info);
	ok(info.locked && info.locked_at == 2 * SEC,
	   "manual lock survives ticks (locked %d at %llu)", info.locked,
	   (unsigned long long)info.locked_at);
	is_int(throttle_unlock(t, &key), 0, "unlock");
	is_uint(r.unlocked, 1, "unlock reported");
	is_int(contact(t, 1, 100, 8, 101 * SEC), THROTTLE_PASS,
	       "unlocked key passes again");
	is_int(throttle_unlock(t, &other), -1, "unlock of an unknown key");
	throttle_free(t);
}

/* A walk's keys in order, and how many were held. */
struct walk_log {
	uint32_t key[300];
	unsigned n, queued;
};

/* walk_log_one - throttle_walk callback */
static int walk_log_one(void *ctx, const void *key,
			const struct throttle_info *info)
{
	struct walk_log *w = ctx;

	if (w->n < 300)
		memcpy(&w->key[w->n++], key, 4);
	w->queued += info->queued;
	return 0;
}

/* test_walks - recency order, and every key once in any order */
static void test_walks(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 100, 60, 1000, 0);
	struct walk_log recent = { .n = 0 }, any = { .n = 0 };
	uint8_t seen[300] = { 0 };
	uint32_t k;
	unsigned dup = 0, i;

	for (k = 0; k < 300; k++)	/* key 299 is the most recent */
		contact(t, k, 5000 + k, k, 0);
	for (k = 0; k < 6; k++)	/* key 7: its working set full, it holds */
		contact(t, 7, 6000 + k, 1000 + k, 0);
	throttle_walk(t, walk_log_one, &recent);
	ok(recent.n == 300 && recent.key[0] == 7 && recent.key[1] == 299
	   && recent.key[299] == 0,
	   "walk: most recent first (%u keys, first %u, %u, last %u)",
	   recent.n, recent.key[0], recent.key[1], recent.key[299]);
	throttle_walk_any(t, walk_log_one, &any);
	for (i = 0; i < any.n; i++)
		dup += any.key[i] >= 300 || seen[any.key[i]]++;
	ok(any.n == 300 && dup == 0, "walk_any: each of the 300 keys once");
	ok(any.queued > 0 && any.queued == recent.queued,
	   "walk_any: the held contacts are seen (%u)", any.queued);
	throttle_free(t);
}

/* test_watermarks - lockout, refusal, flush lifts an automatic lock */
static void test_watermarks(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 4, 2, 100, 0);
	struct throttle_stats st;
	uint32_t key = 1;
	uint64_t c;

	for (c = 1; c <= 4; c++)
		is_int(contact(t, 1, (uint32_t)(500 + c), c, 0), THROTTLE_HOLD,
		       "held up to high (%llu)", (unsigned long long)c);
	is_int(contact(t, 1, 600, 5, 0), THROTTLE_LOCKOUT,
	       "the contact past high locks out");
	is_int(contact(t, 1, 601, 6, 0), THROTTLE_LOCKED, "then refused");
	throttle_stats(t, &st);
	ok(st.held == 4 && st.locked == 1 && st.lockouts == 1
	   && st.refused == 1, "stats held %zu locked %zu lockouts %llu "
	   "refused %llu", st.held, st.locked,
	   (unsigned long long)st.lockouts, (unsigned long long)st.refused);
	r.now = SEC;
	throttle_tick(t, SEC);
	is_uint(r.unlocked, 0, "3 queued: not below low 2");
	r.now = 2 * SEC;
	throttle_tick(t, 2 * SEC);
	is_uint(r.unlocked, 0, "2 queued: not below low 2");
	r.now = 3 * SEC;
	throttle_tick(t, 3 * SEC);
	is_uint(r.unlocked, 1, "1 queued: unlocked");
	is_uint(r.unlock_queue, 1, "unlock seen with 1 queued");
	for (c = 1; c <= 5; c++)
		contact(t, 1, (uint32_t)(700 + c), c, 3 * SEC);
	is_uint(throttle_flush(t, &key, 1), 4, "locked again, flush drop");
	is_uint(r.unlocked, 2, "flush below low lifts the lockout");
	throttle_free(t);
}

/* test_bounds - held pool full, and eviction releases held cookies */
static void test_bounds(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 100, 60, 3, 0);
	struct throttle_stats st;
	uint32_t k;
	uint64_t c;

	for (c = 1; c <= 3; c++)
		contact(t, 1, (uint32_t)(800 + c), c, 0);
	is_int(contact(t, 1, 900, 4, 0), THROTTLE_FULL, "pool full");
	throttle_free(t);

	t = state(&r, 100, 60, 10, 200 * 1024);
	for (c = 1; c <= 3; c++)
		contact(t, 1, (uint32_t)(800 + c), c, 0);
	for (k = 2; r.evicted == 0 && k < 100000; k++)
		contact(t, k, 1, 0, SEC);
	is_uint(r.evicted, 3, "eviction releases the 3 held cookies");
	throttle_stats(t, &st);
	ok(st.held == 0 && st.evictions > 0 && st.bytes <= 200 * 1024,
	   "after eviction: held %zu evictions %llu bytes %zu (cap 204800)",
	   st.held, (unsigned long long)st.evictions, st.bytes);
	throttle_free(t);
}

/* test_reconfigure - state kept through new parameters */
static void test_reconfigure(void)
{
	static struct rec r;
	struct throttle *t = state(&r, 100, 60, 100, 0);
	struct throttle_params p;
	struct throttle_info info;
	uint32_t key = 1;

	contact(t, 1, 200, 21, 0);
	contact(t, 1, 201, 22, 0);
	defaults(&p);
	p.high = 50;
	p.low = 10;
	is_int(throttle_reconfigure(t, &p), 0, "reconfigure watermarks");
	p.low = 50;
	is_int(throttle_reconfigure(t, &p), -1, "bad reconfigure refused");
	p.low = 10;
	p.wset_size = 8;
	p.max_held = 500;
	p.mem_cap = 16u << 20;
	is_int(throttle_reconfigure(t, &p), 0, "reconfigure sizes");
	throttle_info(t, &key, &info);
	ok(info.queued == 2 && info.wset_used == 5,
	   "queue and working set kept (queued %u used %u)", info.queued,
	   info.wset_used);
	is_int(contact(t, 1, 300, 0, 10 * MS), THROTTLE_HOLD,
	   "a queue stays ahead of the new free slots");
	is_int(contact(t, 1, 100, 0, 10 * MS), THROTTLE_PASS,
	       "old working set kept");
	r.now = SEC;
	is_uint(throttle_tick(t, SEC), 1, "queued cookie released after resize");
	is_uint(r.cookies[0], 21, "it is the first one held");
	p.wset_size = 2;
	is_int(throttle_reconfigure(t, &p), 0, "shrink the working set");
	throttle_info(t, &key, &info);
	is_uint(info.wset_used, 2, "two most recent kept");
	is_int(contact(t, 1, 200, 0, SEC + 1), THROTTLE_PASS,
	       "most recent dst still passes");
	throttle_free(t);
}

struct snap {
	unsigned queued[8], used[8];
	int locked[8];
	uint64_t seen[8];
};

/* take_snap - info of keys 1..8 */
static void take_snap(struct throttle *t, struct snap *s)
{
	struct throttle_info info;
	uint32_t k;

	memset(s, 0, sizeof(*s));
	for (k = 1; k <= 8; k++)
		if (throttle_info(t, &k, &info) == 0) {
			s->queued[k - 1] = info.queued;
			s->used[k - 1] = info.wset_used;
			s->locked[k - 1] = info.locked;
			s->seen[k - 1] = info.last_seen;
		}
}

/* fnv - FNV-1a 64, the save format's checksum */
static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* saved - a state with queues, a lockout and a manual lock, saved */
static FILE *saved(struct rec *r)
{
	struct throttle *t = state(r, 10, 5, 100, 0);
	FILE *fp = tmpfile();
	uint32_t k, d;

	for (k = 2; k <= 6; k++)
		for (d = 0; d < 5 + k; d++)
			contact(t, k, 1000 + d, k * 100 + d, k * SEC);
	throttle_lock(t, &(uint32_t){ 7 }, 7 * SEC);
	for (d = 0; d < 17; d++)
		contact(t, 8, 2000 + d, 800 + d, 8 * SEC);
	is_int(throttle_save(t, fp), 0, "save");
	throttle_free(t);
	return fp;
}

/* test_save_load - round trip, rebased times, and damaged files */
static void test_save_load(void)
{
	static struct rec r;
	struct throttle_params p;
	struct throttle *a, *b;
	struct throttle_stats st;
	struct snap sa, sb;
	FILE *fp = saved(&r), *bad;
	unsigned char *buf;
	long len, pos;
	int refused = 0, crashes = 0, i;
	uint32_t k;

	defaults(&p);
	p.high = 10;
	p.low = 5;
	p.max_held = 100;
	len = ftell(fp);
	buf = malloc((size_t)len);
	rewind(fp);
	ok(fread(buf, 1, (size_t)len, fp) == (size_t)len, "read back %ld", len);
	/* a: the live state at 8 s; b: loaded at 1008 s. */
	memset(&r, 0, sizeof(r));
	a = throttle_create(&p, 4, seed, on_event, &r);
	rewind(fp);
	is_int(throttle_load(a, fp, 8 * SEC), 0, "load");
	take_snap(a, &sa);
	b = throttle_create(&p, 4, seed, on_event, &r);
	rewind(fp);
	is_int(throttle_load(b, fp, 1008 * SEC), 0, "load rebased");
	take_snap(b, &sb);
	for (k = 0; k < 8; k++)
		ok(sa.queued[k] == sb.queued[k] && sa.used[k] == sb.used[k]
		   && sa.locked[k] == sb.locked[k]
		   && sb.seen[k] == sa.seen[k] + 1000 * SEC,
		   "key %u: queued %u/%u used %u/%u locked %d/%d seen +%llds",
		   k + 1, sb.queued[k], sa.queued[k], sb.used[k], sa.used[k],
		   sb.locked[k], sa.locked[k],
		   (long long)(sb.seen[k] - sa.seen[k]) / (long long)SEC);
	ok(sa.queued[7] == 10 && sa.locked[7] && sa.locked[6],
	   "saved state had a full queue and two lockouts");
	is_int(contact(b, 7, 100, 0, 1009 * SEC), THROTTLE_LOCKED,
	       "manual lock survives the round trip");
	rewind(fp);
	errno = 0;
	is_int(throttle_load(b, fp, 0), -1, "load into a used throttle");
	is_int(errno, EBUSY, "  errno EBUSY");
	memset(&r, 0, sizeof(r));
	throttle_tick(b, 1008 * SEC);	/* overdue when saved: due at once */
	is_uint(r.released, 6, "one head per queue after the load");
	is_uint(r.cookies[0] + r.cookies[1] + r.cookies[2] + r.cookies[3]
		+ r.cookies[4] + r.cookies[5], 205 + 305 + 405 + 505 + 605 + 805,
		"the heads' cookies (sum)");
	throttle_free(a);
	throttle_free(b);

	/* Every single-byte change and every truncation is refused. */
	for (pos = 0; pos < len; pos++) {
		for (i = 0; i < 2; i++) {
			bad = tmpfile();
			if (i == 0) {
				buf[pos] ^= 0x5a;
				fwrite(buf, 1, (size_t)len, bad);
				buf[pos] ^= 0x5a;
			} else {
				fwrite(buf, 1, (size_t)pos, bad);
			}
			rewind(bad);
			memset(&r, 0, sizeof(r));
			a = throttle_create(&p, 4, seed, on_event, &r);
			errno = 0;
			if (throttle_load(a, bad, 0) == -1 && errno == EINVAL)
				refused++;
			throttle_stats(a, &st);
			if (st.hosts != 0 || st.held != 0)
				crashes++;
			throttle_free(a);
			fclose(bad);
		}
	}
	is_int(refused, 2 * len, "every damaged or cut file refused, EINVAL");
	is_int(crashes, 0, "a refused load leaves the throttle empty");
	a = throttle_create(&p, 16, seed, NULL, NULL);
	rewind(fp);
	errno = 0;
	ok(throttle_load(a, fp, 0) == -1 && errno == EINVAL,
	   "another key length refused");
	throttle_free(a);
	free(buf);
	fclose(fp);
}

/* file_bytes - all of fp, its length in *len */
static unsigned char *file_bytes(FILE *fp, long *len)
{
	unsigned char *buf;

	*len = ftell(fp);
	buf = malloc((size_t)*len + 1);
	rewind(fp);
	if (fread(buf, 1, (size_t)*len, fp) != (size_t)*len)
		*len = -1;
	return buf;
}

/* verdicts - the same 40 contacts to t, their verdicts into v */
static void verdicts(struct throttle *t, enum throttle_verdict *v)
{
	uint32_t k, d;
	unsigned i = 0;

	/* Each key's saved destinations again, then new ones. */
	for (k = 2; k <= 6; k++)
		for (d = 0; d < 8; d++, i++)
			v[i] = contact(t, k, d < 4 ? 1000 + d : 3000 + d,
				       9000 + i, 9 * SEC);
}

/* test_hash_switch - the saved state is the same whichever index hash
   the table uses: the same contacts save the same bytes under the
   CPU's hash (AES rounds here) and under SipHash-1-3, and a file saved
   under one loads under the other and decides alike */
static void test_hash_switch(void)
{
	static struct rec r;
	const char *cpu = aeshash_usable() ? "aes" : "siphash-1-3";
	enum throttle_verdict va[40], vb[40];
	struct throttle_params p;
	struct throttle *x, *y;
	struct snap sx, sy;
	unsigned char *a, *b;
	long la, lb;
	FILE *fa, *fb;
	unsigned i, differ = 0, pass = 0, hold = 0;

	unsetenv("SLUICE_HASH");
	fa = saved(&r);
	setenv("SLUICE_HASH", "siphash", 1);
	fb = saved(&r);
	a = file_bytes(fa, &la);
	b = file_bytes(fb, &lb);
	ok(la > 0 && la == lb && memcmp(a, b, (size_t)la) == 0,
	   "the same contacts save the same bytes under %s and siphash-1-3 "
	   "(got %ld and %ld bytes)", cpu, la, lb);
	defaults(&p);
	p.high = 10;
	p.low = 5;
	p.max_held = 100;
	/* Still forced to SipHash: load what the CPU's hash saved. */
	x = throttle_create(&p, 4, seed, on_event, &r);
	rewind(fa);
	is_int(throttle_load(x, fa, 8 * SEC), 0, "saved under %s, loaded "
	       "under siphash-1-3", cpu);
	unsetenv("SLUICE_HASH");
	y = throttle_create(&p, 4, seed, on_event, &r);
	rewind(fb);
	is_int(throttle_load(y, fb, 8 * SEC), 0, "saved under siphash-1-3, "
	       "loaded under %s", cpu);
	take_snap(x, &sx);
	take_snap(y, &sy);
	ok(memcmp(&sx, &sy, sizeof(sx)) == 0, "both hold the same queues, "
	   "working sets, lockouts and times");
	verdicts(x, va);
	verdicts(y, vb);
	for (i = 0; i < 40; i++) {
		differ += va[i] != vb[i];
		pass += va[i] == THROTTLE_PASS;
		hold += va[i] != THROTTLE_PASS;
	}
	is_uint(differ, 0, "and decide 40 contacts alike");
	ok(pass > 0 && hold > 0, "saved destinations pass, new ones do not "
	   "(%u passed, %u did not)", pass, hold);
	throttle_free(x);
	throttle_free(y);
	free(a);
	free(b);
	fclose(fa);
	fclose(fb);
}

/* test_crafted - a saved file with bytes changed and the checksum
   made right again: loaded or refused, never a crash (the sanitizer
   build watches memory) */
static void test_crafted(void)
{
	static struct rec r;
	struct throttle_params p;
	struct throttle *t;
	FILE *fp = saved(&r), *bad;
	unsigned char *buf, *mut;
	unsigned i, k, refused = 0, loaded = 0, other = 0;
	uint64_t s = 99, sum;
	long len;
	size_t j, pos;

	defaults(&p);
	p.high = 10;
	p.low = 5;
	p.max_held = 20;	/* smaller than the saved queues */
	len = ftell(fp);
	buf = malloc((size_t)len);
	mut = malloc((size_t)len);
	rewind(fp);
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len)
		len = 0;
	for (i = 0; i < 5000 && len > 8; i++) {
		memcpy(mut, buf, (size_t)len);
		for (k = 0; k <= i % 3; k++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			pos = (size_t)(s >> 33) % (size_t)(len - 8);
			mut[pos] = (uint8_t)(s >> 8);
		}
		sum = fnv(mut, (size_t)len - 8);
		for (j = 0; j < 8; j++)
			mut[len - 8 + j] = (uint8_t)(sum >> (8 * j));
		bad = tmpfile();
		fwrite(mut, 1, (size_t)len, bad);
		rewind(bad);
		t = throttle_create(&p, 4, seed, on_event, &r);
		errno = 0;
		if (throttle_load(t, bad, SEC) == 0)
			loaded++;
		else if (errno == EINVAL)
			refused++;
		else
			other++;
		throttle_tick(t, 100 * SEC);
		throttle_free(t);
		fclose(bad);
	}
	is_uint(refused + loaded, 5000, "altered files: loaded or EINVAL");
	is_uint(other, 0, "no other error");
	ok(refused > 0 && loaded > 0, "both happen (%u refused, %u loaded)",
	   refused, loaded);
	free(buf);
	free(mut);
	fclose(fp);
}

/* test_million - bytes per tracked IPv4 host at a million hosts, with
   mem_cap bytes of cap (the host table's index grows with the keys, not
   with the cap) */
static void test_million(size_t mem_cap)
{
	struct throttle_params p;
	struct throttle_stats st;
	struct throttle *t;
	uint32_t k, d;

	defaults(&p);
	p.mem_cap = mem_cap;
	p.max_held = 65536;
	t = throttle_create(&p, 4, seed, NULL, NULL);
	for (k = 0; k < 1000000; k++) {
		d = k * 7;
		throttle_contact(t, &k, &d, 4, k, 0);
	}
	throttle_stats(t, &st);
	is_uint(st.hosts, 1000000, "a million hosts tracked");
	cmp_ok((double)st.bytes / (double)st.hosts, <=, 64.0,
	       "bytes per IPv4 host at a million hosts, cap %zu MiB",
	       mem_cap >> 20);
	diag("%.1f bytes per host, %zu bytes", (double)st.bytes / st.hosts,
	     st.bytes);
	throttle_free(t);
}

/* test_batch - a batch decides exactly as one call per request */
static void test_batch(void)
{
	static struct rec ra, rb;
	struct throttle_params p;
	struct throttle *a, *b;
	struct throttle_stats sa, sb;
	struct throttle_req rq[100];
	enum throttle_verdict va, vb[100];
	static uint32_t key[100], dst[100];
	uint64_t s = 12345, now = 0;
	unsigned differ = 0, i, round;
	size_t caps[2] = { 256 * 1024, 8u << 20 };
	int c;

	for (c = 0; c < 2; c++) {
		defaults(&p);
		p.mem_cap = caps[c];	/* the small one evicts */
		p.high = 8;
		p.low = 4;
		p.max_held = 2000;
		memset(&ra, 0, sizeof(ra));
		memset(&rb, 0, sizeof(rb));
		a = throttle_create(&p, 4, seed, on_event, &ra);
		b = throttle_create(&p, 4, seed, on_event, &rb);
		for (round = 0; round < 2000; round++) {
			now += 37 * MS;
			throttle_tick(a, now);
			throttle_tick(b, now);
			for (i = 0; i < 100; i++) {
				s = s * 6364136223846793005ULL + 1442695040888963407ULL;
				key[i] = (uint32_t)(s >> 33) % 5000;
				dst[i] = (uint32_t)(s >> 20) % 40;
				rq[i].key = &key[i];
				rq[i].dst = &dst[i];
				rq[i].dst_len = 4;
				rq[i].cookie = round * 100 + i;
			}
			throttle_contact_batch(b, rq, 100, now, vb);
			for (i = 0; i < 100; i++) {
				va = throttle_contact(a, &key[i], &dst[i], 4,
						      round * 100 + i, now);
				differ += va != vb[i];
			}
		}
		throttle_stats(a, &sa);
		throttle_stats(b, &sb);
		is_uint(differ, 0, "batch verdicts = single verdicts (cap %zu)",
			caps[c]);
		ok(sa.hosts == sb.hosts && sa.held == sb.held
		   && sa.passed == sb.passed && sa.holds == sb.holds
		   && sa.lockouts == sb.lockouts && sa.evictions == sb.evictions
		   && ra.released == rb.released && ra.evicted == rb.evicted,
		   "same state: hosts %zu/%zu held %zu/%zu evictions %llu/%llu "
		   "released %zu/%zu", sb.hosts, sa.hosts, sb.held, sa.held,
		   (unsigned long long)sb.evictions,
		   (unsigned long long)sa.evictions, rb.released, ra.released);
		cmp_ok(sa.holds, >, 0, "  the stream had holds");
		if (c == 0)
			cmp_ok(sa.evictions, >, 0, "  and evictions");
		throttle_free(a);
		throttle_free(b);
	}
}

/* The kernel fast path's model (nft-expr/verdict/vdfast.c): a second
   throttle sees only the contacts a kernel holding each host's working
   set would not accept, and at every period boundary, before its tick,
   learns the others by throttle_wset_order (order of last contact). */
#define MX_HOSTS 3
#define MX_DSTS 6

struct mirror {
	struct wset_key wk;
	uint32_t kset[MX_HOSTS][WSET_MAX];	/* the kernel's pairs */
	int nk[MX_HOSTS];
	uint64_t seen[MX_HOSTS][MX_DSTS];	/* last contact */
};

/* mx_tag - the tag of destination d */
static uint32_t mx_tag(const struct mirror *m, uint32_t d)
{
	return wset_tag(&m->wk, &d, 4);
}

/* mx_sync - the kernel's pairs of host h become the working set */
static void mx_sync(struct mirror *m, struct throttle *t, uint32_t h)
{
	int n = throttle_wset(t, &h, m->kset[h], WSET_MAX);

	m->nk[h] = n < 0 ? 0 : n;
}

/* mx_in_kernel - would the kernel accept h -> d */
static int mx_in_kernel(const struct mirror *m, uint32_t h, uint32_t d)
{
	int i;

	for (i = 0; i < m->nk[h]; i++)
		if (m->kset[h][i] == mx_tag(m, d))
			return 1;
	return 0;
}

/* mx_released - destinations that entered h's working set by the tick
   at now (not among its kernel pairs before) were contacted then */
static void mx_released(struct mirror *m, struct throttle *t, uint32_t h,
			uint64_t now)
{
	uint32_t tags[WSET_MAX], d;
	int n = throttle_wset(t, &h, tags, WSET_MAX), i;

	for (i = 0; i < n; i++)
		for (d = 0; d < MX_DSTS; d++)
			if (mx_tag(m, d) == tags[i] && !mx_in_kernel(m, h, d))
				m->seen[h][d] = now;
}

/* mx_boundary - the read-back: order by last contact, age, resync */
static void mx_boundary(struct mirror *m, struct throttle *t, uint64_t now)
{
	uint32_t tags[WSET_MAX], order[WSET_MAX], h, d, x;
	uint64_t at[WSET_MAX], y;
	int n, i, j;

	for (h = 0; h < MX_HOSTS; h++) {
		if ((n = throttle_wset(t, &h, tags, WSET_MAX)) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			order[i] = tags[i];
			at[i] = 0;
			for (d = 0; d < MX_DSTS; d++)
				if (mx_tag(m, d) == tags[i])
					at[i] = m->seen[h][d];
		}
		for (i = 1; i < n; i++)	/* stable: ties keep the order */
			for (j = i; j > 0 && at[j] > at[j - 1]; j--) {
				x = order[j], order[j] = order[j - 1], order[j - 1] = x;
				y = at[j], at[j] = at[j - 1], at[j - 1] = y;
			}
		(void)throttle_wset_order(t, &h, order, (unsigned)n, now);
		mx_sync(m, t, h);
	}
}

/* mx_round - one random schedule through both; 0 if they agree */
static int mx_round(unsigned *rng, unsigned *kernel_hits)
{
	static struct rec ra, rb;
	struct throttle_params p;
	struct throttle *a, *b;
	struct mirror m;
	uint64_t now = 0, next = SEC;
	uint32_t h, d;
	int k, va, vb, bad = 0;

	defaults(&p);
	p.wset_size = 3;
	p.high = 6;
	p.low = 3;
	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	memset(&m, 0, sizeof(m));
	wset_key_init(&m.wk, seed);
	a = throttle_create(&p, 4, seed, on_event, &ra);
	b = throttle_create(&p, 4, seed, on_event, &rb);
	for (k = 0; k < 80 && !bad; k++) {
		*rng = *rng * 1103515245u + 12345u;
		now += ((*rng >> 8) % 300 + 1) * MS;
		while (now >= next) {	/* the boundary: read-back first */
			mx_boundary(&m, b, next);
			ra.now = rb.now = next;
			bad |= throttle_tick(a, next) != throttle_tick(b, next);
			for (h = 0; h < MX_HOSTS; h++) {
				mx_released(&m, b, h, next);
				mx_sync(&m, b, h);
			}
			next += SEC;
		}
		h = (*rng >> 4) % MX_HOSTS;
		d = (*rng >> 12) % ((*rng >> 20) % 4 ? 3 : MX_DSTS);
		va = throttle_contact(a, &h, &d, 4, (uint64_t)k, now);
		if (mx_in_kernel(&m, h, d)) {
			vb = THROTTLE_PASS;
			(*kernel_hits)++;
		} else {
			vb = throttle_contact(b, &h, &d, 4, (uint64_t)k, now);
			mx_sync(&m, b, h);
		}
		if (vb == THROTTLE_PASS)
			m.seen[h][d] = now;
		bad |= va != vb;
	}
	bad |= ra.released != rb.released || ra.dropped != rb.dropped;
	throttle_free(a);
	throttle_free(b);
	return bad;
}

/* test_mirror - the fast path's model decides as the throttle alone */
static void test_mirror(void)
{
	unsigned rng = 18, hits = 0, i, bad = 0;

	for (i = 0; i < 300; i++)
		bad += (unsigned)mx_round(&rng, &hits);
	is_uint(bad, 0, "mirror: 300 random schedules decided alike by the "
		"throttle alone and behind a kernel working set");
	ok(hits > 3000, "mirror: the kernel set accepted contacts (got %u)",
	   hits);
}

int main(void)
{
	test_batch();
	test_mirror();
	test_params();
	test_patterns();
	test_scanner();
	test_release();
	test_harden();
	test_clock_back();
	test_flush_lock();
	test_walks();
	test_watermarks();
	test_bounds();
	test_reconfigure();
	test_save_load();
	test_hash_switch();
	test_crafted();
	test_million((size_t)72 << 20);
	test_million((size_t)100 << 20);
	test_million((size_t)1 << 30);
	test_million((size_t)4 << 30);
	return done_testing();
}
