/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_ideal - the least a working-set decision can cost here
 * DESCRIPTION
 *	A baseline for bench_throttle, IPv4 keys only: the same decisions
 *	the throttle makes for a source whose queue is empty (find the
 *	destination's tag among the five most recent, move it to the
 *	front or insert it, age the set once a period), on the smallest
 *	state that can hold them: a 32-byte record (key, five tags, a use
 *	counter, period, slots used), two to a 64-byte bucket, one random
 *	cache line a decision for the three in four keys found in their
 *	home bucket, at 60% load (53 bytes a host; the program prints the
 *	share found further on, which costs a second line). No delay
 *	queue, no eviction, no locking out, an unkeyed multiply-xorshift hash:
 *	everything the throttle does beyond this is left out, so the
 *	throttle's rate over this one is how close a full implementation
 *	is to what the machine allows. Batches of 64 as the throttle's:
 *	hash, prefetch for write and the destination's tag, then decide
 *	branch-free.
 */
#ifndef SLUICE_BENCH_IDEAL_H
#define SLUICE_BENCH_IDEAL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "wset.h"

struct ideal_rec {
	uint32_t key, tag[5], stamp;
	uint16_t epoch;
	uint8_t used, pad;
};

struct ideal {
	struct ideal_rec (*b)[2];	/* buckets, 64-byte aligned */
	uint64_t nb;
	uint32_t stamp;
	uint64_t passed, held, spilled;	/* not in their home bucket */
};

/* ideal_home - bucket of key */
static inline uint64_t ideal_home(const struct ideal *d, uint32_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return ((h & 0xffffffffu) * d->nb) >> 32;
}

/* ideal_find - key's record, made if new (linear probing by bucket) */
static inline struct ideal_rec *ideal_find(struct ideal *d, uint32_t key)
{
	uint64_t i = ideal_home(d, key);
	struct ideal_rec *r = &d->b[i][d->b[i][0].key != key];

	if (r->key == key)
		return r;
	d->spilled++;
	for (;; i = i + 1 == d->nb ? 0 : i + 1) {
		for (r = d->b[i]; r < d->b[i] + 2; r++) {
			if (r->key == key)
				return r;
			if (r->key == 0) {
				r->key = key;
				return r;
			}
		}
	}
}

/* ideal_create - room for hosts keys at 60% load; NULL on failure */
static inline struct ideal *ideal_create(size_t hosts)
{
	struct ideal *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->nb = hosts * 100 / 60 / 2 + 1;
	d->b = mmap(NULL, d->nb * 64, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->b == MAP_FAILED) {
		free(d);
		return NULL;
	}
	/* huge pages, as the host table's record slab has */
	(void)madvise(d->b, d->nb * 64, MADV_HUGEPAGE);
	return d;
}

/* ideal_decide - the working-set decision, without branches on data */
static inline void ideal_decide(struct ideal *d, struct ideal_rec *r,
				uint32_t tag, uint16_t epoch)
{
	uint32_t *t = r->tag, t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
	unsigned used = r->used, age = (uint16_t)(epoch - r->epoch), m, p;
	int found, ins, act;

	used = age >= used ? 0 : used - age;
	m = (t0 == tag) | (t1 == tag) << 1 | (t2 == tag) << 2 |
	    (t3 == tag) << 3 | (t[4] == tag) << 4;
	p = (unsigned)__builtin_ctz((m & ((1u << used) - 1)) | 32);
	found = p < used;
	ins = !found && used < 5;
	act = found | ins;
	p = found ? p : used < 5 ? used : 4;
	t[4] = act && p >= 4 ? t3 : t[4];
	t[3] = act && p >= 3 ? t2 : t3;
	t[2] = act && p >= 2 ? t1 : t2;
	t[1] = act && p >= 1 ? t0 : t1;
	t[0] = act ? tag : t0;
	r->used = (uint8_t)(used + (unsigned)ins);
	r->epoch = epoch;
	r->stamp = ++d->stamp;
	d->passed += (unsigned)act;
	d->held += (unsigned)!act;
}

/* ideal_free - unmap and free */
static inline void ideal_free(struct ideal *d)
{
	if (d == NULL)
		return;
	munmap(d->b, d->nb * 64);
	free(d);
}

/* ideal_batch - n (<= 64) decisions, key i (4 bytes) to destination i
   (4 bytes); destination tags are computed while the buckets arrive */
static inline void ideal_batch(struct ideal *d, const struct wset_key *wk,
			       const unsigned char *keys,
			       const unsigned char *dsts, size_t n,
			       uint16_t epoch)
{
	uint32_t k[64], tag[64];
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(&k[i], keys + 4 * i, 4);
		__builtin_prefetch(d->b[ideal_home(d, k[i])], 1);
		tag[i] = wset_tag(wk, dsts + 4 * i, 4);
	}
	for (i = 0; i < n; i++)
		ideal_decide(d, ideal_find(d, k[i]), tag[i], epoch);
}

#endif
