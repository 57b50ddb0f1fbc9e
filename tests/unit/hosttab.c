/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hosttab.t - host table: LRU order, memory cap
 * DESCRIPTION
 *	Table-driven checks of exact LRU eviction, of value alignment,
 *	random operations on tiny tables against a reference LRU model (long
 *	probe runs at 3/4 load, wrap-around, tombstones, index rebuilds
 *	and growth), and ten million distinct keys into a table capped at
 *	64 MiB: the counted bytes and the resident set never pass the cap,
 *	and exactly the most recent keys survive. All but the ten million
 *	run twice: with the index hash the CPU gets (AES rounds where it
 *	has them) and with SipHash-1-3 forced by SLUICE_HASH=siphash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeshash.h"
#include "hosttab.h"
#include "../tap.h"

/* AddressSanitizer adds shadow memory (an eighth) and keeps the index
   arrays freed by each growth in quarantine (about a quarter more):
   resident size then says little about our bytes. The build without
   sanitizers checks it with no slack. */
#ifdef __SANITIZE_ADDRESS__
#define RSS_SLACK(cap) ((cap) / 8 + (cap) / 4)
#else
#define RSS_SLACK(cap) 0
#endif

static const uint8_t seed[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				  12, 13, 14, 15 };

/* rss_bytes - resident set size of this process */
static size_t rss_bytes(void)
{
	unsigned long size = 0, rss = 0;
	FILE *fp = fopen("/proc/self/statm", "r");

	if (fp) {
		if (fscanf(fp, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(fp);
	}
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

/* test_create - size validation */
static void test_create(void)
{
	static const struct {
		size_t key, val, cap;
		int want_errno;
	} vec[] = {
		{ 0, 8, 1 << 20, EINVAL },
		{ 300, 8, 1 << 20, EINVAL },
		{ 4, 8, 100, EINVAL },
		{ 4, 8, 1 << 20, 0 },
		{ 16, 0, 1 << 20, 0 },
	};
	struct hosttab *t;
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		errno = 0;
		t = hosttab_create(vec[i].key, vec[i].val, vec[i].cap, seed);
		is_int(t ? 0 : errno, vec[i].want_errno,
		       "create key %zu val %zu cap %zu", vec[i].key,
		       vec[i].val, vec[i].cap);
		if (t)
			cmp_ok(hosttab_bytes(t), <=, vec[i].cap,
			       "fresh table within its cap");
		hosttab_free(t);
	}
	hosttab_free(NULL);
}

/* test_aligned - value alignment: validated, honoured, packs records */
static void test_aligned(void)
{
	static const struct {
		size_t align;
		int want_errno;
	} vec[] = {
		{ 0, EINVAL }, { 3, EINVAL }, { 16, EINVAL },
		{ 1, 0 }, { 2, 0 }, { 4, 0 }, { 8, 0 },
	};
	struct hosttab *t, *t8;
	uint32_t k;
	void *v;
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		errno = 0;
		t = hosttab_create_aligned(4, 40, vec[i].align, 1 << 20, seed);
		is_int(t ? 0 : errno, vec[i].want_errno, "create_aligned %zu",
		       vec[i].align);
		for (k = 0; t && k < 100; k++)
			if ((v = hosttab_put(t, &k, NULL)) == NULL
			    || (uintptr_t)v % vec[i].align != 0)
				break;
		if (t)
			is_uint(k, 100, "100 values aligned to %zu",
				vec[i].align);
		hosttab_free(t);
	}
	/* 4-byte key + 8 bytes of links + 40: 52 bytes at 4, 56 at 8. */
	t = hosttab_create_aligned(4, 40, 4, 1 << 20, seed);
	t8 = hosttab_create(4, 40, 1 << 20, seed);
	cmp_ok(hosttab_capacity(t), >, hosttab_capacity(t8),
	       "4-byte alignment packs more records under the same cap");
	hosttab_free(t);
	hosttab_free(t8);
}

struct evlog {
	uint32_t keys[16];
	int n;
};

/* on_evict - remember evicted keys in order */
static void on_evict(void *ctx, const void *key, void *val)
{
	struct evlog *l = ctx;
	uint32_t k;

	memcpy(&k, key, 4);
	if (*(uint64_t *)val != k + 1000)
		k = 0xdeadbeef;	/* value must be intact when evicted */
	if (l->n < 16)
		l->keys[l->n++] = k;
}

/* on_evict_key - note the 4-byte key evicted */
static void on_evict_key(void *ctx, const void *key, void *val)
{
	(void)val;
	memcpy(ctx, key, 4);
}

/* walk_collect - MRU-first key order */
static int walk_collect(void *ctx, const void *key, void *val)
{
	struct evlog *l = ctx;

	(void)val;
	if (l->n < 16)
		memcpy(&l->keys[l->n++], key, 4);
	return 0;
}

/* test_basic - put, get, peek, del, LRU order and eviction */
static void test_basic(void)
{
	struct hosttab *t = hosttab_create(4, 8, 64 * 1024, seed);
	struct evlog ev = { { 0 }, 0 }, wk = { { 0 }, 0 };
	uint32_t k, cap, want_ev[3];
	uint64_t *v;
	int created;

	cap = (uint32_t)hosttab_capacity(t);
	cmp_ok(cap, >, 10, "a 64 KiB table holds some keys");
	hosttab_set_evict(t, on_evict, &ev);
	for (k = 1; k <= cap; k++) {
		v = hosttab_put(t, &k, &created);
		if (!v || !created || *v != 0)
			break;
		*v = k + 1000;
	}
	is_uint(k, cap + 1, "fill to capacity, each key created zeroed");
	is_uint(hosttab_count(t), cap, "count at capacity");
	k = 1;
	v = hosttab_put(t, &k, &created);
	ok(v && !created && *v == 1001, "put of a present key returns it");
	k = 2;
	ok(hosttab_peek(t, &k) != NULL, "peek finds key 2");
	k = 3;
	ok(hosttab_get(t, &k) != NULL, "get finds key 3");
	k = cap + 100;
	ok(hosttab_get(t, &k) == NULL, "get of an absent key");
	/* Recency now: 3, 1, cap..4, 2 (peek did not touch 2). */
	want_ev[0] = 2;
	want_ev[1] = 4;
	want_ev[2] = 5;
	for (k = cap + 1; k <= cap + 3; k++)
		*(uint64_t *)hosttab_put(t, &k, NULL) = k + 1000;
	is_int(ev.n, 3, "three evictions");
	for (k = 0; k < 3; k++)
		is_uint(ev.keys[k], want_ev[k], "eviction %u is the LRU key", k);
	is_uint(hosttab_evictions(t), 3, "eviction counter");
	k = 3;
	ok(hosttab_peek(t, &k) && hosttab_key_of(t, hosttab_peek(t, &k))
	   && memcmp(hosttab_key_of(t, hosttab_peek(t, &k)), &k, 4) == 0,
	   "key_of gives the key back");
	is_int(hosttab_del(t, &k), 0, "del present key");
	is_int(hosttab_del(t, &k), -1, "del absent key");
	is_uint(hosttab_count(t), cap - 1, "count after del");
	hosttab_walk(t, walk_collect, &wk);
	is_uint(wk.keys[0], cap + 3, "walk starts at the most recent");
	is_uint(wk.keys[1], cap + 2, "walk goes towards the least recent");
	is_uint(wk.keys[3], 1, "walk skips the deleted key");
	hosttab_free(t);
}

/* A walk over more keys than one candidate list: order against when
   each key was last used (a key's index in use[]). */
struct walk_check {
	struct hosttab *t;
	const uint32_t *when;	/* last use of key k, larger is later */
	uint32_t last, n, bad, del_every;
	int newest;
	uint8_t *seen;		/* walk_any_one: keys seen */
};

/* walk_check_one - each key later (or earlier) than the one before */
static int walk_check_one(void *ctx, const void *key, void *val)
{
	struct walk_check *w = ctx;
	uint32_t k, when;

	(void)val;
	memcpy(&k, key, 4);
	when = w->when[k];
	if (w->n > 0 && (w->newest ? when >= w->last : when <= w->last))
		w->bad++;
	w->last = when;
	if (w->del_every && w->n % w->del_every == 0
	    && hosttab_del(w->t, &k) != 0)
		w->bad++;
	w->n++;
	return 0;
}

/* walk_any_one - count keys, each once (present, and not seen before) */
static int walk_any_one(void *ctx, const void *key, void *val)
{
	struct walk_check *w = ctx;
	uint32_t k;

	(void)val;
	memcpy(&k, key, 4);
	if (hosttab_peek(w->t, &k) == val && !w->seen[k])
		w->last++;
	w->seen[k] = 1;
	if (w->n++ % w->del_every == 0 && hosttab_del(w->t, &k) != 0)
		w->bad++;
	return 0;
}

/* test_walk_order - walks in exact recency order, many lists long */
static void test_walk_order(void)
{
	struct hosttab *t = hosttab_create(4, 8, 1u << 20, seed);
	static uint32_t when[20000];
	static uint8_t seen[20000];
	struct walk_check w = { t, when, 0, 0, 0, 0, 1, NULL };
	uint32_t k, keys = 20000, clock = 0, lru = 0, evicted = UINT32_MAX;
	uint64_t rnd = 88172645463325252ULL;

	memset(seen, 0, sizeof(seen));	/* run once per index hash */
	ok(t && hosttab_capacity(t) > keys, "a 1 MiB table holds 20000 keys");
	for (k = 0; k < keys; k++) {
		hosttab_put(t, &k, NULL);
		when[k] = ++clock;
	}
	for (uint32_t i = 0; i < 100000; i++) {
		rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
		k = (uint32_t)(rnd % keys);
		if (i % 2 ? hosttab_get(t, &k) != NULL
		    : hosttab_put(t, &k, NULL) != NULL)
			when[k] = ++clock;
	}
	hosttab_walk(t, walk_check_one, &w);
	is_uint(w.n, keys, "the newest-first walk sees every key");
	is_uint(w.bad, 0, "each key it gives is older than the one before");
	w = (struct walk_check){ t, when, 0, 0, 0, 3, 0, NULL };
	hosttab_walk_lru(t, walk_check_one, &w);
	is_uint(w.n, keys, "the oldest-first walk sees every key");
	is_uint(w.bad, 0, "each newer than the one before, deleting every third");
	is_uint(hosttab_count(t), keys - (keys + 2) / 3, "the deleted are gone");
	w = (struct walk_check){ t, when, 0, 0, 0, 0, 1, NULL };
	hosttab_walk(t, walk_check_one, &w);
	ok(w.n == hosttab_count(t) && w.bad == 0,
	   "a walk after the deletions: the rest, in order");
	w = (struct walk_check){ t, when, 0, 0, 0, 2, 1, seen };
	hosttab_walk_any(t, walk_any_one, &w);
	ok(w.n == keys - (keys + 2) / 3 && w.last == w.n,
	   "the walk in any order sees each key once");
	is_uint(hosttab_count(t), w.n / 2, "and may delete the key it is given");
	/* Fill up: the next eviction is the oldest key left. */
	for (k = 0; k < keys; k++)
		if (hosttab_peek(t, &k) && (lru == 0 || when[k] < when[lru - 1]))
			lru = k + 1;
	hosttab_set_evict(t, on_evict_key, &evicted);
	for (k = keys; hosttab_evictions(t) == 0; k++)
		hosttab_put(t, &k, NULL);
	is_uint(evicted, lru - 1, "after walks, eviction takes the oldest key");
	hosttab_free(t);
}

/* The reference model: keys in recency order, most recent first. */
struct model {
	uint32_t key[512];
	size_t n, cap;
	uint32_t evicted[4];
	size_t nev;
};

/* model_find - position of k, or -1 */
static int model_find(const struct model *m, uint32_t k)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->key[i] == k)
			return (int)i;
	return -1;
}

/* model_front - move position i to the front */
static void model_front(struct model *m, size_t i)
{
	uint32_t k = m->key[i];

	memmove(&m->key[1], &m->key[0], i * sizeof(m->key[0]));
	m->key[0] = k;
}

/* model_put - put k; 1 if created */
static int model_put(struct model *m, uint32_t k)
{
	int i = model_find(m, k);

	if (i >= 0) {
		model_front(m, (size_t)i);
		return 0;
	}
	if (m->n == m->cap)
		m->n--;		/* the least recently used falls off */
	memmove(&m->key[1], &m->key[0], m->n * sizeof(m->key[0]));
	m->key[0] = k;
	m->n++;
	return 1;
}

/* model_evict - eviction callback of the table under test */
static void model_evict(void *ctx, const void *key, void *val)
{
	struct model *m = ctx;

	(void)val;
	if (m->nev < 4)
		memcpy(&m->evicted[m->nev++], key, 4);
}

/* model_same - the table holds the model's keys in the model's order */
static int model_same(struct hosttab *t, const struct model *m)
{
	struct evlog l = { { 0 }, 0 };
	size_t i;

	if (hosttab_count(t) != m->n)
		return 0;
	for (i = 0; i < m->n; i++)
		if (hosttab_peek(t, &m->key[i]) == NULL)
			return 0;
	hosttab_walk(t, walk_collect, &l);
	for (i = 0; i < m->n && i < 16; i++)
		if (l.keys[i] != m->key[i])
			return 0;
	return 1;
}

/* test_model - random puts, gets, peeks and deletes against the model */
static void test_model(size_t cap_bytes, uint32_t keyspace, unsigned ops,
		       uint64_t s)
{
	struct hosttab *t = hosttab_create(4, 8, cap_bytes, seed);
	struct model m;
	unsigned op, bad = 0, first_bad = 0;
	uint32_t k;
	int i, c, want;
	void *v;

	memset(&m, 0, sizeof(m));
	m.cap = t ? hosttab_capacity(t) : 0;
	/* The model holds 512 keys: a bigger table must never fill. */
	if (m.cap == 0 || (m.cap > 512 && keyspace > 512)) {
		ok(0, "model table of %zu bytes, %u keys: capacity %zu",
		   cap_bytes, keyspace, m.cap);
		hosttab_free(t);
		return;
	}
	hosttab_set_evict(t, model_evict, &m);
	for (op = 0; op < ops && bad == 0; op++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (uint32_t)(s >> 33) % keyspace;
		m.nev = 0;
		switch ((s >> 20) % 8) {
		case 0:		/* delete */
			want = model_find(&m, k);
			if (want >= 0) {
				memmove(&m.key[want], &m.key[want + 1],
					(m.n - (size_t)want - 1) * 4);
				m.n--;
			}
			if (hosttab_del(t, &k) != (want >= 0 ? 0 : -1))
				bad = 1;
			break;
		case 1:		/* get */
			i = model_find(&m, k);
			if (i >= 0)
				model_front(&m, (size_t)i);
			if ((hosttab_get(t, &k) != NULL) != (i >= 0))
				bad = 2;
			break;
		case 2:		/* peek */
			if ((hosttab_peek(t, &k) != NULL)
			    != (model_find(&m, k) >= 0))
				bad = 3;
			break;
		default:	/* put */
			want = m.n == m.cap && model_find(&m, k) < 0
			    ? (int)m.key[m.n - 1] : -1;
			c = model_put(&m, k);
			v = hosttab_put(t, &k, &i);
			if (v == NULL || i != c || (c && *(uint64_t *)v != 0))
				bad = 4;
			else if (v)
				*(uint64_t *)v = k;
			if (want >= 0 && (m.nev != 1
					  || m.evicted[0] != (uint32_t)want))
				bad = 5;
			if (want < 0 && m.nev != 0)
				bad = 6;
			break;
		}
		if (bad == 0 && (op % 97 == 0 || op + 1 == ops)
		    && !model_same(t, &m))
			bad = 7;
		if (bad)
			first_bad = op;
	}
	is_uint(bad, 0, "%u random operations over %u keys, %zu-key table: "
		"same as the model (failure kind, at op %u)", ops, keyspace,
		m.cap, first_bad);
	hosttab_free(t);
}

/* test_ten_million - cap holds and the most recent keys survive */
static void test_ten_million(void)
{
	const size_t cap = 64u << 20;
	const uint32_t n = 10000000;
	struct hosttab *t = hosttab_create(4, 8, cap, seed);
	size_t rss0 = rss_bytes(), maxb = 0, maxrss = 0, c;
	uint32_t k, missing = 0, present = 0;
	uint64_t *v;
	int bad = 0;

	for (k = 0; k < n; k++) {
		v = hosttab_put(t, &k, NULL);
		if (v == NULL || *v != 0) {
			bad++;
			continue;
		}
		*v = k;
		if (hosttab_bytes(t) > maxb)
			maxb = hosttab_bytes(t);
		if ((k & 0xfffff) == 0 && rss_bytes() - rss0 > maxrss)
			maxrss = rss_bytes() - rss0;
	}
	if (rss_bytes() - rss0 > maxrss)
		maxrss = rss_bytes() - rss0;
	c = hosttab_capacity(t);
	is_int(bad, 0, "ten million puts all succeed with zeroed values");
	cmp_ok(maxb, <=, cap, "counted bytes never above 64 MiB");
	cmp_ok(maxrss, <=, cap + RSS_SLACK(cap),
	       "resident growth never above 64 MiB (+ sanitizer shadow)");
	cmp_ok(c, >, 2000000, "64 MiB holds over two million 4-byte keys");
	is_uint(hosttab_count(t), c, "table full at capacity");
	is_uint(hosttab_evictions(t), n - c, "evictions = keys - capacity");
	for (k = n - (uint32_t)c; k < n; k++) {
		v = hosttab_peek(t, &k);
		if (v == NULL || *v != k)
			missing++;
	}
	for (k = 0; k < n - (uint32_t)c; k += 7)
		if (hosttab_peek(t, &k))
			present++;
	is_uint(missing, 0, "every one of the last %zu keys survives", c);
	is_uint(present, 0, "no older key survives");
	diag("capacity %zu keys, %zu bytes counted, %zu bytes resident",
	     c, maxb, maxrss);
	hosttab_free(t);
}

/* test_batch - put_batch equals puts one by one, evictions included */
static void test_batch(void)
{
	struct hosttab *a = hosttab_create(4, 8, 64 * 1024, seed);
	struct hosttab *b = hosttab_create(4, 8, 64 * 1024, seed);
	struct evlog ea = { { 0 }, 0 }, eb = { { 0 }, 0 };
	uint32_t keys[100], i, round, bad = 0;
	const void *kp[100];
	void *vb[100], *va;
	unsigned char cb[100];
	uint64_t s = 7;
	int ca;

	for (round = 0; round < 500; round++) {
		for (i = 0; i < 100; i++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			keys[i] = (uint32_t)(s >> 40) % 5000;
			kp[i] = &keys[i];
		}
		hosttab_put_batch(b, kp, 100, vb, cb);
		for (i = 0; i < 100; i++) {
			va = hosttab_put(a, &keys[i], &ca);
			if (ca != cb[i] || !vb[i] || memcmp(hosttab_key_of(b, vb[i]),
							    &keys[i], 4))
				bad++;
			(void)va;
		}
	}
	is_uint(bad, 0, "put_batch gives the keys and created flags of puts");
	is_uint(hosttab_evictions(b), hosttab_evictions(a),
		"same evictions");
	hosttab_walk(a, walk_collect, &ea);
	hosttab_walk(b, walk_collect, &eb);
	ok(ea.n == eb.n && memcmp(ea.keys, eb.keys, sizeof(ea.keys)) == 0,
	   "same recency order");
	hosttab_free(a);
	hosttab_free(b);
}

/* hash_in_use - the index hash a table made now gets */
static const char *hash_in_use(void)
{
	static char name[32];
	struct hosttab *t = hosttab_create(4, 4, 1 << 20, seed);

	snprintf(name, sizeof(name), "%s", t ? hosttab_hash_name(t) : "none");
	hosttab_free(t);
	return name;
}

/* test_all - everything but the ten million keys, under one hash */
static void test_all(const char *want_hash)
{
	is_str(hash_in_use(), want_hash, "the index hash is %s", want_hash);
	test_batch();
	test_create();
	test_aligned();
	test_basic();
	test_walk_order();
	/* Tiny tables: long probe runs at 3/4 load, wrap-around, tombstones
	   and rebuilds, index growth; keys in and out all the time. */
	test_model(5000, 100, 200000, 1);
	test_model(6000, 400, 200000, 2);
	test_model(8192, 300, 200000, 3);
	test_model(12 * 1024, 2000, 200000, 4);
	/* Capacity near 2^27: slots keep 5 bits of tag, so one probed slot
	   in 32 matches another key's tag and its key must be compared
	   (the slab is only reserved, not committed). */
	test_model((size_t)4 << 30, 500, 200000, 5);
}

int main(void)
{
	/* The CPU's own hash first (AES rounds here if it has them), then
	   the SipHash fallback that SLUICE_HASH=siphash forces. */
	unsetenv("SLUICE_HASH");
	test_all(aeshash_usable() ? "aes" : "siphash-1-3");
	test_ten_million();
	setenv("SLUICE_HASH", "siphash", 1);
	test_all("siphash-1-3");
	unsetenv("SLUICE_HASH");
	return done_testing();
}
