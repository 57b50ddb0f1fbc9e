/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hosttab - bounded, keyed hash table of per-key state with LRU eviction
 * SYNOPSIS
 *	#include "hosttab.h"
 * DESCRIPTION
 *	Keys are fixed-length byte strings (key_len), values fixed-length
 *	zero-initialised blobs (val_len). The hash is keyed with a random
 *	seed so a peer choosing keys cannot crowd one probe run (AES
 *	rounds where the CPU has them, else SipHash-1-3; the environment
 *	variable SLUICE_HASH=siphash forces the latter). The table
 *	never allocates more than cap_bytes; when full, inserting a new
 *	key evicts the least recently used one (the evict callback sees it
 *	first). Value pointers stay valid until that key is removed or
 *	evicted.
 */
#ifndef SLUICE_HOSTTAB_H
#define SLUICE_HOSTTAB_H

#include <stddef.h>
#include <stdint.h>

struct hosttab;
typedef void hosttab_evict_fn(void *ctx, const void *key, void *val);
/* returns non-zero to stop the walk */
typedef int hosttab_walk_fn(void *ctx, const void *key, void *val);

/* hosttab_create - NULL with errno EINVAL (sizes) or ENOMEM */
struct hosttab *hosttab_create(size_t key_len, size_t val_len,
			       size_t cap_bytes, const uint8_t seed[16]);
/* hosttab_create_aligned - hosttab_create with values aligned to
   val_align bytes (1, 2, 4 or 8) instead of 8, so that records pack
   tighter */
struct hosttab *hosttab_create_aligned(size_t key_len, size_t val_len,
				       size_t val_align, size_t cap_bytes,
				       const uint8_t seed[16]);
/* hosttab_free - release everything; accepts NULL */
void hosttab_free(struct hosttab *t);
/* hosttab_set_evict - callback before a key is evicted for room */
void hosttab_set_evict(struct hosttab *t, hosttab_evict_fn *fn, void *ctx);
/* hosttab_get - value for key, marked most recently used; NULL if absent */
void *hosttab_get(struct hosttab *t, const void *key);
/* hosttab_peek - value for key without touching recency; NULL if absent */
void *hosttab_peek(const struct hosttab *t, const void *key);
/* hosttab_put - value for key, created zeroed (evicting if full) if new;
   *created tells which (may be NULL); never NULL (a table holds at
   least one key, and eviction always makes room) */
void *hosttab_put(struct hosttab *t, const void *key, int *created);
/* hosttab_del - remove key; 0, or -1 if absent */
int hosttab_del(struct hosttab *t, const void *key);
/* hosttab_walk - every entry, most recently used first; fn may delete
   the key it is given, nothing else. Recency order costs a pass over
   the table per 1/32 of its keys (about a second for a million keys):
   use hosttab_walk_any where order does not matter */
void hosttab_walk(struct hosttab *t, hosttab_walk_fn *fn, void *ctx);
/* hosttab_walk_lru - every entry, least recently used first; fn as for
   hosttab_walk */
void hosttab_walk_lru(struct hosttab *t, hosttab_walk_fn *fn, void *ctx);
/* hosttab_walk_any - every entry in no particular order, in one pass;
   fn as for hosttab_walk */
void hosttab_walk_any(struct hosttab *t, hosttab_walk_fn *fn, void *ctx);
/* hosttab_put_batch - hosttab_put for keys[0..n-1] in order, with their
   memory loads overlapped; vals[i] and created[i] (may be NULL) as
   hosttab_put gives them. A value stays valid while fewer than capacity
   other keys are put after it, so keep n below the capacity */
void hosttab_put_batch(struct hosttab *t, const void *const *keys, size_t n,
		       void **vals, unsigned char *created);
/* hosttab_count - keys present */
size_t hosttab_count(const struct hosttab *t);
/* hosttab_capacity - keys that fit under the cap */
size_t hosttab_capacity(const struct hosttab *t);
/* hosttab_bytes - bytes allocated now (never above cap_bytes) */
size_t hosttab_bytes(const struct hosttab *t);
/* hosttab_evictions - keys evicted so far */
uint64_t hosttab_evictions(const struct hosttab *t);
/* hosttab_key_of - the key stored with a value pointer */
const void *hosttab_key_of(const struct hosttab *t, const void *val);
/* hosttab_hash_name - the index hash: "aes" (AES rounds, where the CPU
   has them and SLUICE_HASH is not "siphash") or "siphash-1-3" */
const char *hosttab_hash_name(const struct hosttab *t);

#endif
