/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hosttab - bounded, keyed hash table of per-key state with LRU eviction
 * SYNOPSIS
 *	#include "hosttab.h"
 * DESCRIPTION
 *	Records live in one slab reserved at create time for the number
 *	of keys that fit under the cap and committed (counted) a chunk at
 *	a time as they are first used, so a record never moves and value
 *	pointers stay valid. A record is a 64-bit stamp, the key, and the
 *	value aligned as asked (8 bytes unless hosttab_create_aligned says
 *	otherwise).
 *
 *	Recency is exact LRU kept by stamps: every use writes the next
 *	value of a table-wide counter into the record (a line the use
 *	reads anyway), where a linked list would rewrite two neighbours,
 *	two more random cache lines a use. Eviction takes the record with
 *	the smallest stamp from a candidate list: the K smallest stamps
 *	found by a scan of the slab, sorted (K = keys / 32, at least 64,
 *	growing with the keys up to capacity / 32). A candidate whose
 *	record has been used or freed since has another stamp and is
 *	passed over; every record outside the list had a larger stamp at
 *	the scan, and stamps only grow, so the first candidate still
 *	valid is the least recently used key. The list is
 *	scanned afresh when used up: a slab scan per K evictions or
 *	invalidated candidates. Walks in recency order take the keys K at
 *	a time by the same scan (a walk over n keys reads the slab n / K
 *	times). A free record keeps the next free one in its stamp, under
 *	the top bit (stamps count uses: 2^63 of them is centuries).
 *
 *	Keys are found through an index of 32-bit slots, open addressing
 *	with linear probing: a slot holds the record's index in its low
 *	bits and high bits of the key's hash (a tag) above, so a hit
 *	costs the index cache line and the record, and a probe passes
 *	other keys' slots without reading their records. Deleted slots
 *	become tombstones unless the next slot is empty; the index is
 *	rebuilt from the records (same size) when tombstones and keys
 *	fill 7/8 of it, and grown by half when keys pass 3/4, up to a
 *	largest size that capacity keys fill to 3/4 (the sizes are that
 *	one times (2/3)^k, not powers of two: the home slot is the hash
 *	scaled by a multiply). So the index costs 5.3 to 8 bytes a key
 *	whatever the cap. The capacity is chosen so that the slab, the
 *	largest index and the one it replaces (2/3 of it) together stay
 *	under the cap. A table that uses huge pages for its slab maps its
 *	index on huge pages too (both are probed at random).
 *
 *	The index hash is keyed by the caller's seed: AES rounds
 *	(aeshash.h) where the CPU has them, else SipHash-1-3 (siphash.h),
 *	chosen once per table at create time. Only the index uses it, and
 *	the index is rebuilt from the records, never saved: a table made
 *	again from the same seed on any CPU holds the same keys and values.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "aeshash.h"
#include "hosttab.h"
#include "siphash.h"

/*
 * The whole file may use AES instructions, so that aeshash_inline inlines
 * into the index code. They run only where t->aes is set, which
 * hosttab_create does only when the CPU has them: compilers emit AES
 * instructions only for the intrinsics, never for ordinary code.
 */
#if AESHASH_X86 && defined(__clang__)
#pragma clang attribute push(__attribute__((target("aes"))), \
			     apply_to = function)
#elif AESHASH_X86
#pragma GCC target("aes")
#endif

#define HT_PAGE		4096
#define HT_HUGE		(2u << 20)	/* transparent huge page */
#define HT_HUGE_MIN	(8u << 20)	/* tables from here use huge pages */
#define HT_MIN_SLOTS	64	/* the smallest index */
#define HT_MAX_KEY	256
#define HT_MAX_VAL	(1 << 20)
#define HT_MAX_CAP	((1u << 30) - 1)	/* leaves 2 tag bits a slot */
#ifndef HT_GROUP
#define HT_GROUP	32	/* batch: keys prefetched together */
#endif

/* 4-byte aligned, so records with 4-byte values pack tight */
struct __attribute__((packed, aligned(4))) ht_rec {
	uint64_t stamp;		/* last use, or HT_FREE | next free record */
};

#define HT_FREE		(1ull << 63)
#define HT_CAND_MIN	64	/* the smallest candidate list */
#define HT_CAND_MAP	4096	/* longer lists are mapped, used as keys grow */

/* a key's position in recency order, for eviction and ordered walks */
struct ht_cand {
	uint64_t key;		/* stamp (oldest first) or ~stamp (newest) */
	uint32_t i;		/* record */
};

struct hosttab {
	size_t key_len, val_len;
	size_t koff, voff, rec;	/* key offset, value offset, record size */
	size_t cap_bytes;
	size_t capacity, count;
	size_t top;		/* records ever handed out */
	size_t committed;	/* slab bytes counted as allocated */
	size_t reserved;	/* slab bytes reserved */
	size_t chunk;		/* commit granularity */
	unsigned char *slab;
	uint32_t *slot;		/* the index */
	uint32_t nslot;		/* maxslot * (2/3)^k */
	uint32_t maxslot;	/* nslot never grows past this */
	uint32_t imask;		/* record index bits of a slot */
	uint32_t tombs;		/* deleted slots */
	uint32_t freelist;
	uint64_t clock;		/* the last stamp handed out */
	struct ht_cand *cand;	/* candidates, by key ascending */
	uint32_t ncand, maxcand;	/* list size now; the most */
	uint32_t cn, cpos;	/* candidates filled; next to try */
	uint64_t evictions;
	uint64_t k0, k1;	/* SipHash key, from the seed */
	int aes;		/* the index hash is aeshash_64 under ak */
	struct aeshash_key ak;
	hosttab_evict_fn *evict;
	void *evict_ctx;
};

/* ht_round - round n up to a multiple of a (a power of two) */
static size_t ht_round(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

/* ht_chunk - slab commit granularity for a table capped at cap */
static size_t ht_chunk(size_t cap)
{
	/* With huge pages the kernel commits 2 MiB at a time: count that. */
	return cap >= HT_HUGE_MIN ? HT_HUGE : HT_PAGE;
}

/* ht_slots_for - largest index for c keys (they fill 3/4 of it at most) */
static size_t ht_slots_for(size_t c)
{
	size_t n = c + c / 3 + 1;

	return n < HT_MIN_SLOTS ? HT_MIN_SLOTS : n;
}

/* ht_ncand - candidate list size for c records */
static size_t ht_ncand(size_t c)
{
	size_t k = c / 32;

	if (k < HT_CAND_MIN)
		k = HT_CAND_MIN;
	return k < c ? k : c;
}

/* ht_cand_bytes - bytes of a list of at most maxc candidates, n used */
static size_t ht_cand_bytes(size_t maxc, size_t n)
{
	if (maxc <= HT_CAND_MAP)
		return maxc * sizeof(struct ht_cand);	/* calloc, whole */
	return ht_round(n * sizeof(struct ht_cand), HT_PAGE);
}

/* ht_cost - worst-case bytes for a table of c records */
static size_t ht_cost(size_t c, size_t rec, size_t cap)
{
	size_t ns = ht_slots_for(c);

	/* The last growth holds the old (2/3) and the new index. */
	return sizeof(struct hosttab) + ht_round(c * rec, ht_chunk(cap))
	    + (ns + ns * 2 / 3) * sizeof(uint32_t)
	    + ht_cand_bytes(ht_ncand(c), ht_ncand(c));
}

/* ht_capacity - the most records whose worst case fits in cap */
static size_t ht_capacity(size_t cap, size_t rec)
{
	size_t lo = 0, hi = cap / rec + 1, mid;

	if (hi > HT_MAX_CAP)
		hi = HT_MAX_CAP;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (ht_cost(mid, rec, cap) <= cap)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* ht_at - record of index i (1-based) */
static inline struct ht_rec *ht_at(const struct hosttab *t, uint32_t i)
{
	return (struct ht_rec *)(t->slab + (size_t)(i - 1) * t->rec);
}

/* ht_key - key bytes of a record */
static inline unsigned char *ht_key(const struct hosttab *t, struct ht_rec *r)
{
	return (unsigned char *)r + t->koff;
}

/* ht_val - value bytes of a record */
static inline void *ht_val(const struct hosttab *t, struct ht_rec *r)
{
	return (unsigned char *)r + t->voff;
}

/* ht_hash_len - index hash of a key of len bytes (len a constant, mostly) */
static inline uint64_t ht_hash_len(const struct hosttab *t, const void *key,
				   size_t len)
{
#if AESHASH_X86
	if (t->aes)
		return aeshash_inline(&t->ak, key, len);
#endif
	return siphash_13(t->k0, t->k1, key, len);
}

/* ht_hash - index hash of a key */
static inline uint64_t ht_hash(const struct hosttab *t, const void *key)
{
	/* Constant lengths let the compiler unroll the common cases. */
	switch (t->key_len) {
	case 4:
		return ht_hash_len(t, key, 4);
	case 16:
		return ht_hash_len(t, key, 16);
	default:
		return ht_hash_len(t, key, t->key_len);
	}
}

/* ht_bits - bits needed to write n */
static uint32_t ht_bits(size_t n)
{
	uint32_t b = 0;

	while (n >> b)
		b++;
	return b;
}

/* ht_cand_alloc - a candidate list for up to maxc; NULL if no memory */
static struct ht_cand *ht_cand_alloc(size_t maxc)
{
	void *p;

	if (maxc <= HT_CAND_MAP)
		return calloc(maxc, sizeof(struct ht_cand));
	/* Reserved whole, used (committed) as the keys grow: no realloc. */
	p = mmap(NULL, maxc * sizeof(struct ht_cand), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* ht_slots_alloc - a zeroed index of n slots; NULL if no memory */
static uint32_t *ht_slots_alloc(const struct hosttab *t, uint32_t n)
{
	size_t len = ht_round((size_t)n * sizeof(uint32_t), HT_PAGE);
	void *p;

	if (t->chunk != HT_HUGE)
		return calloc(n, sizeof(uint32_t));
	/* A large table's index is probed at random like its slab: on
	   huge pages it costs no page walk. The kernel backs only whole
	   aligned 2 MiB inside the mapping, so it never holds more than
	   the pages counted. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, len, MADV_HUGEPAGE);
	return p;
}

/* ht_slots_free - release an index of n slots; accepts NULL */
static void ht_slots_free(const struct hosttab *t, uint32_t *s, uint32_t n)
{
	if (s == NULL)
		return;
	if (t->chunk != HT_HUGE)
		free(s);
	else
		munmap(s, ht_round((size_t)n * sizeof(uint32_t), HT_PAGE));
}

/* hosttab_create_aligned - hosttab_create, values aligned to val_align */
struct hosttab *hosttab_create_aligned(size_t key_len, size_t val_len,
				       size_t val_align, size_t cap_bytes,
				       const uint8_t seed[16])
{
	struct hosttab *t;
	size_t voff, rec, cap;

	if (key_len == 0 || key_len > HT_MAX_KEY || val_len > HT_MAX_VAL
	    || seed == NULL || val_align == 0 || val_align > 8
	    || (val_align & (val_align - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	voff = ht_round(sizeof(struct ht_rec) + key_len, val_align);
	rec = ht_round(voff + val_len, val_align < 4 ? 4 : val_align);
	cap = ht_capacity(cap_bytes, rec);
	if (cap == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->key_len = key_len;
	t->val_len = val_len;
	t->koff = sizeof(struct ht_rec);
	t->voff = voff;
	t->rec = rec;
	t->cap_bytes = cap_bytes;
	t->capacity = cap;
	t->chunk = ht_chunk(cap_bytes);
	t->reserved = ht_round(cap * rec, t->chunk);
	t->k0 = siphash_le64(seed, 8);
	t->k1 = siphash_le64(seed + 8, 8);
	if ((t->aes = aeshash_usable()))
		aeshash_key_init(&t->ak, seed);
	t->imask = (uint32_t)((1ull << ht_bits(cap)) - 1);
	t->maxslot = (uint32_t)ht_slots_for(cap);
	t->slab = mmap(NULL, t->reserved, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t->slab == MAP_FAILED) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	/* Large tables are walked at random: huge pages spare the TLB. */
	if (t->chunk == HT_HUGE)
		(void)madvise(t->slab, t->reserved, MADV_HUGEPAGE);
	for (t->nslot = t->maxslot; t->nslot * 2 / 3 >= HT_MIN_SLOTS;)
		t->nslot = t->nslot * 2 / 3;
	t->maxcand = (uint32_t)ht_ncand(cap);
	t->ncand = t->maxcand < HT_CAND_MIN ? t->maxcand : HT_CAND_MIN;
	t->slot = ht_slots_alloc(t, t->nslot);
	t->cand = ht_cand_alloc(t->maxcand);
	if (t->slot == NULL || t->cand == NULL) {
		hosttab_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

/* hosttab_create - NULL with errno EINVAL (sizes) or ENOMEM */
struct hosttab *hosttab_create(size_t key_len, size_t val_len,
			       size_t cap_bytes, const uint8_t seed[16])
{
	return hosttab_create_aligned(key_len, val_len, 8, cap_bytes, seed);
}

/* hosttab_free - release everything; accepts NULL */
void hosttab_free(struct hosttab *t)
{
	if (t == NULL)
		return;
	munmap(t->slab, t->reserved);
	if (t->cand && t->maxcand <= HT_CAND_MAP)
		free(t->cand);
	else if (t->cand)
		munmap(t->cand, (size_t)t->maxcand * sizeof(struct ht_cand));
	ht_slots_free(t, t->slot, t->nslot);
	free(t);
}

/* hosttab_set_evict - callback before a key is evicted for room */
void hosttab_set_evict(struct hosttab *t, hosttab_evict_fn *fn, void *ctx)
{
	t->evict = fn;
	t->evict_ctx = ctx;
}

/* ht_keyeq - len key bytes equal (the common lengths without a call) */
static inline int ht_keyeq(const void *a, const void *b, size_t len)
{
	uint32_t a4, b4;
	uint64_t a8[2], b8[2];

	switch (len) {
	case 4:
		memcpy(&a4, a, 4);
		memcpy(&b4, b, 4);
		return a4 == b4;
	case 16:
		memcpy(a8, a, 16);
		memcpy(b8, b, 16);
		return ((a8[0] ^ b8[0]) | (a8[1] ^ b8[1])) == 0;
	default:
		return memcmp(a, b, len) == 0;
	}
}

/* ht_tag - the hash bits a slot keeps above the record index */
static inline uint32_t ht_tag(const struct hosttab *t, uint64_t hash)
{
	/* The home slot takes the low bits: the tag, independent ones. */
	return (uint32_t)(hash >> 32) & ~t->imask;
}

/* ht_home - the slot where key hash's probe starts */
static inline uint32_t ht_home(const struct hosttab *t, uint64_t hash)
{
	/* Any size: the low 32 bits scaled to nslot (a multiply, no divide). */
	return (uint32_t)(((hash & 0xffffffffu) * t->nslot) >> 32);
}

/* ht_next - the slot after pos, wrapping around */
static inline uint32_t ht_next(const struct hosttab *t, uint32_t pos)
{
	return pos + 1 < t->nslot ? pos + 1 : 0;
}

/* ht_match - slot s holds a record and its tag is tag */
static inline int ht_match(const struct hosttab *t, uint32_t s, uint32_t tag)
{
	/* Empty (0) and tombstones (index 0) wrap around to the top. */
	return (uint32_t)((s ^ tag) - 1) < t->imask;
}

/* ht_find_len - record index of a len-byte key (its slot in *at), or 0 */
static inline uint32_t ht_find_len(const struct hosttab *t, const void *key,
				   uint64_t hash, uint32_t *at, size_t len)
{
	uint32_t pos = ht_home(t, hash), tag = ht_tag(t, hash), s, i;

	/* Keys and tombstones never fill the index: an empty slot ends it. */
	for (; (s = t->slot[pos]) != 0; pos = ht_next(t, pos)) {
		if (!ht_match(t, s, tag))
			continue;
		i = s & t->imask;
		if (ht_keyeq(ht_key(t, ht_at(t, i)), key, len)) {
			*at = pos;
			return i;
		}
	}
	*at = pos;	/* the empty slot that ends the probe */
	return 0;
}

/* ht_find - record index of key (its slot in *at), or 0 */
static uint32_t ht_find(const struct hosttab *t, const void *key,
			uint64_t hash, uint32_t *at)
{
	return ht_find_len(t, key, hash, at, t->key_len);
}

/* ht_slot_add - index record i under hash */
static void ht_slot_add(struct hosttab *t, uint64_t hash, uint32_t i)
{
	uint32_t pos = ht_home(t, hash), tomb = ~t->imask;

	while (t->slot[pos] != 0 && t->slot[pos] != tomb)
		pos = ht_next(t, pos);
	if (t->slot[pos] == tomb)
		t->tombs--;
	t->slot[pos] = ht_tag(t, hash) | i;
}

/* ht_slot_clear - free slot pos: empty if no probe passes it, else a
   tombstone */
static void ht_slot_clear(struct hosttab *t, uint32_t pos)
{
	uint32_t tomb = ~t->imask;

	if (t->slot[ht_next(t, pos)] != 0) {
		t->slot[pos] = tomb;
		t->tombs++;
		return;
	}
	/* No key lives past an empty slot, so no probe needs tombstones
	   right before one. */
	t->slot[pos] = 0;
	while (t->slot[pos = (pos ? pos : t->nslot) - 1] == tomb) {
		t->slot[pos] = 0;
		t->tombs--;
	}
}

/* ht_live - record r holds a key */
static inline int ht_live(const struct ht_rec *r)
{
	return !(r->stamp & HT_FREE);
}

/* ht_sift - restore the max-heap c[0..n) below position k */
static void ht_sift(struct ht_cand *c, uint32_t n, uint32_t k)
{
	struct ht_cand x = c[k];
	uint32_t j;

	for (; (j = 2 * k + 1) < n; k = j) {
		if (j + 1 < n && c[j + 1].key > c[j].key)
			j++;
		if (c[j].key <= x.key)
			break;
		c[k] = c[j];
	}
	c[k] = x;
}

/* ht_cand_grow - a list of K = count / 32 (never shrinks) */
static void ht_cand_grow(struct hosttab *t)
{
	uint32_t want = (uint32_t)ht_ncand(t->count);

	if (want > t->ncand)
		t->ncand = want;
}

/* ht_heap_add - x into the max-heap c[0..n) */
static void ht_heap_add(struct ht_cand *c, uint32_t n, struct ht_cand x)
{
	uint32_t up;

	for (; n > 0 && c[up = (n - 1) / 2].key < x.key; n = up)
		c[n] = c[up];
	c[n] = x;
}

/* ht_heap_sort - the max-heap c[0..n) sorted ascending, in place */
static void ht_heap_sort(struct ht_cand *c, uint32_t n)
{
	struct ht_cand x;

	for (; n > 1; n--) {
		x = c[0];
		c[0] = c[n - 1];
		c[n - 1] = x;
		ht_sift(c, n - 1, 0);
	}
}

/* ht_select - the candidate list: the ncand smallest keys above after
   (key = stamp when oldest first, ~stamp when newest first), sorted
   ascending; returns how many */
static uint32_t ht_select(struct hosttab *t, uint64_t after, int oldest)
{
	struct ht_cand *c, x;
	uint32_t i, n = 0;
	uint64_t s;

	ht_cand_grow(t);
	c = t->cand;
	/* A max-heap of the smallest so far: one pass over the slab. */
	for (i = 1; i <= t->top; i++) {
		if ((s = ht_at(t, i)->stamp) & HT_FREE)
			continue;
		x.key = oldest ? s : ~s;
		x.i = i;
		if (x.key <= after)
			continue;
		if (n < t->ncand) {
			ht_heap_add(c, n++, x);
		} else if (x.key < c[0].key) {
			c[0] = x;
			ht_sift(c, n, 0);
		}
	}
	ht_heap_sort(c, n);
	t->cn = n;
	t->cpos = 0;
	return n;
}

/* ht_rebuild - index every record afresh in n slots; -1 if no memory */
static int ht_rebuild(struct hosttab *t, uint32_t n)
{
	uint32_t *old = t->slot, i;

	if (n == t->nslot) {
		memset(t->slot, 0, (size_t)n * sizeof(uint32_t));
	} else {
		if ((t->slot = ht_slots_alloc(t, n)) == NULL) {
			t->slot = old;
			return -1;
		}
		ht_slots_free(t, old, t->nslot);
		t->nslot = n;
	}
	t->tombs = 0;
	for (i = 1; i <= t->top; i++)
		if (ht_live(ht_at(t, i)))
			ht_slot_add(t, ht_hash(t, ht_key(t, ht_at(t, i))), i);
	return 0;
}

/* ht_grown - the index size after nslot: maxslot * (2/3)^k just above */
static uint32_t ht_grown(const struct hosttab *t)
{
	uint32_t n = t->maxslot, up = n;

	/* The same sequence as hosttab_create's, walked down from the top. */
	for (; n > t->nslot; n = n * 2 / 3)
		up = n;
	return up;
}

/* ht_room - ready the index for one more key; -1 if it cannot be */
static int ht_room(struct hosttab *t)
{
	size_t need = t->count + 1;

	/* Grown when keys pass 3/4: the largest holds capacity at 3/4. A
	   failed growth leaves the old index, and the caller evicts. */
	if (need * 4 > (size_t)t->nslot * 3 && t->nslot < t->maxslot)
		(void)ht_rebuild(t, ht_grown(t));
	if (need * 4 > (size_t)t->nslot * 3)
		return -1;
	if ((need + t->tombs) * 8 > (size_t)t->nslot * 7)
		(void)ht_rebuild(t, t->nslot);
	return 0;
}

/* ht_touch - mark record i most recently used */
static inline void ht_touch(struct hosttab *t, uint32_t i)
{
	ht_at(t, i)->stamp = ++t->clock;
}

/* hosttab_get - value for key, marked most recently used; NULL if absent */
void *hosttab_get(struct hosttab *t, const void *key)
{
	uint32_t pos, i = ht_find(t, key, ht_hash(t, key), &pos);

	if (i == 0)
		return NULL;
	ht_touch(t, i);
	return ht_val(t, ht_at(t, i));
}

/* hosttab_peek - value for key without touching recency; NULL if absent */
void *hosttab_peek(const struct hosttab *t, const void *key)
{
	uint32_t pos, i = ht_find(t, key, ht_hash(t, key), &pos);

	return i ? ht_val(t, ht_at(t, i)) : NULL;
}

/* ht_remove - free record i, indexed in slot pos */
static void ht_remove(struct hosttab *t, uint32_t pos, uint32_t i)
{
	ht_slot_clear(t, pos);
	ht_at(t, i)->stamp = HT_FREE | t->freelist;
	t->freelist = i;
	t->count--;
}

/* ht_oldest - the least recently used record (the table is not empty) */
static uint32_t ht_oldest(struct hosttab *t)
{
	const struct ht_cand *c;

	for (;;) {
		if (t->cpos == t->cn && ht_select(t, 0, 1) == 0)
			abort();	/* count says keys, the slab none */
		c = &t->cand[t->cpos++];
		if (ht_at(t, c->i)->stamp == c->key)
			return c->i;
	}
}

/* ht_evict - make room by evicting the least recently used key */
static void ht_evict(struct hosttab *t)
{
	uint32_t i = ht_oldest(t), pos;
	struct ht_rec *r = ht_at(t, i);

	if (t->evict)
		t->evict(t->evict_ctx, ht_key(t, r), ht_val(t, r));
	if (ht_find(t, ht_key(t, r), ht_hash(t, ht_key(t, r)), &pos) != i)
		abort();	/* a listed record missing from the index */
	ht_remove(t, pos, i);
	t->evictions++;
}

/* ht_alloc - a free record index (count already checked) */
static uint32_t ht_alloc(struct hosttab *t)
{
	uint32_t i;

	if ((i = t->freelist) != 0) {
		t->freelist = (uint32_t)(ht_at(t, i)->stamp & ~HT_FREE);
		return i;
	}
	i = (uint32_t)++t->top;
	if (t->top * t->rec > t->committed)
		t->committed = ht_round(t->top * t->rec, t->chunk);
	return i;
}

/* ht_insert - a new key: its record, evicting if full */
static void *ht_insert(struct hosttab *t, const void *key, uint64_t hash)
{
	struct ht_rec *r;
	uint32_t i;

	/* Eviction frees a slot and a record; ht_room may rebuild. */
	if (t->count >= t->capacity || ht_room(t) < 0) {
		ht_evict(t);
		(void)ht_room(t);
	}
	i = ht_alloc(t);
	r = ht_at(t, i);
	memcpy(ht_key(t, r), key, t->key_len);
	memset(ht_val(t, r), 0, t->val_len);
	ht_slot_add(t, hash, i);
	ht_touch(t, i);
	t->count++;
	return ht_val(t, r);
}

/* ht_put_len - hosttab_put of a len-byte key whose hash is known */
static inline void *ht_put_len(struct hosttab *t, const void *key,
			       uint64_t hash, int *created, size_t len)
{
	uint32_t pos, i = ht_find_len(t, key, hash, &pos, len);

	if ((*created = i == 0))
		return ht_insert(t, key, hash);
	ht_touch(t, i);
	return ht_val(t, ht_at(t, i));
}

/* hosttab_put - value for key, created zeroed if new (evicting if full) */
void *hosttab_put(struct hosttab *t, const void *key, int *created)
{
	int c;
	void *v = ht_put_len(t, key, ht_hash(t, key), &c, t->key_len);

	if (created)
		*created = c;
	return v;
}

/* ht_first - record of the first slot whose tag is hash's, or 0 */
static inline uint32_t ht_first(const struct hosttab *t, uint64_t hash)
{
	uint32_t pos = ht_home(t, hash), tag = ht_tag(t, hash), s;

	for (; (s = t->slot[pos]) != 0; pos = ht_next(t, pos))
		if (ht_match(t, s, tag))
			return s & t->imask;
	return 0;
}

/* ht_prefetchw - start loading the cache line of p, to be written */
static inline void ht_prefetchw(const void *p)
{
#if defined(__x86_64__)
	/*
	 * PREFETCHW: on the machine this was tuned on, PREFETCHT0 of a
	 * record made no difference to the stall on its first use (the
	 * hint seemed dropped), while PREFETCHW and demand loads did,
	 * PREFETCHW best. CPUs without it treat it as a no-op.
	 */
	__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1);
#endif
}

/* ht_prefetch_rec - the cache lines of record i (none for 0) */
static inline void ht_prefetch_rec(const struct hosttab *t, uint32_t i)
{
	unsigned char *r;

	if (i == 0)
		return;
	r = (unsigned char *)ht_at(t, i);
	ht_prefetchw(r);
	/* The last line, when the record straddles two (a select, not a
	   branch: prefetching the first line twice is next to free). */
	ht_prefetchw(r + ((((uintptr_t)r ^ ((uintptr_t)r + t->rec - 1)) >> 6)
			  ? t->rec - 1 : 0));
}

/* ht_batch_len - hosttab_put_batch of len-byte keys, n <= HT_GROUP */
static inline void ht_batch_len(struct hosttab *t, const void *const *keys,
				size_t n, void **vals, unsigned char *created,
				size_t len)
{
	uint64_t hash[HT_GROUP];
	uint32_t rec[HT_GROUP];
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		hash[i] = ht_hash_len(t, keys[i], len);
		__builtin_prefetch(&t->slot[ht_home(t, hash[i])]);
	}
	for (i = 0; i < n; i++) {
		rec[i] = ht_first(t, hash[i]);
		ht_prefetch_rec(t, rec[i]);
	}
	for (i = 0; i < n; i++) {
		vals[i] = ht_put_len(t, keys[i], hash[i], &c, len);
		if (created)
			created[i] = (unsigned char)c;
	}
}

/* hosttab_put_batch - hosttab_put for n keys in order, loads overlapped */
void hosttab_put_batch(struct hosttab *t, const void *const *keys, size_t n,
		       void **vals, unsigned char *created)
{
	size_t m;

	/*
	 * A put is a chain of dependent cache misses (index slot, then
	 * record) which the CPU cannot overlap across keys by itself. So
	 * go by groups, one stage at a time over the group: hash every key
	 * and prefetch its home slot; read the slots and prefetch the
	 * records their tags point to; then put the keys in order.
	 * Each stage's loads overlap across the group. Prefetches are
	 * only hints (a put before may change what they point at): the
	 * result is that of n calls to hosttab_put.
	 */
	for (; n > 0; n -= m, keys += m, vals += m) {
		m = n < HT_GROUP ? n : HT_GROUP;
		switch (t->key_len) {
		case 4:
			ht_batch_len(t, keys, m, vals, created, 4);
			break;
		case 16:
			ht_batch_len(t, keys, m, vals, created, 16);
			break;
		default:
			ht_batch_len(t, keys, m, vals, created, t->key_len);
		}
		if (created)
			created += m;
	}
}

/* hosttab_del - remove key; 0, or -1 if absent */
int hosttab_del(struct hosttab *t, const void *key)
{
	uint32_t pos, i = ht_find(t, key, ht_hash(t, key), &pos);

	if (i == 0)
		return -1;
	ht_remove(t, pos, i);
	return 0;
}

/* ht_walk_order - every entry in recency order, ncand at a time */
static void ht_walk_order(struct hosttab *t, hosttab_walk_fn *fn, void *ctx,
			  int oldest)
{
	uint64_t after = 0;
	struct ht_cand c;
	struct ht_rec *r;
	uint32_t k, n;
	int stop = 0;

	do {
		n = ht_select(t, after, oldest);
		for (k = 0; k < n && !stop; k++) {
			c = t->cand[k];
			r = ht_at(t, c.i);
			stop = fn(ctx, ht_key(t, r), ht_val(t, r));
		}
		if (n > 0)
			after = t->cand[n - 1].key;
	} while (!stop && n == t->ncand);
	/* The list now holds walk positions: eviction must scan again. */
	t->cn = t->cpos = 0;
}

/* hosttab_walk_any - every entry in slab order: one sequential pass */
void hosttab_walk_any(struct hosttab *t, hosttab_walk_fn *fn, void *ctx)
{
	struct ht_rec *r;
	uint32_t i;

	for (i = 1; i <= t->top; i++) {
		r = ht_at(t, i);
		if (ht_live(r) && fn(ctx, ht_key(t, r), ht_val(t, r)))
			break;
	}
}

/* hosttab_walk - every entry, most recently used first */
void hosttab_walk(struct hosttab *t, hosttab_walk_fn *fn, void *ctx)
{
	ht_walk_order(t, fn, ctx, 0);
}

/* hosttab_walk_lru - every entry, least recently used first */
void hosttab_walk_lru(struct hosttab *t, hosttab_walk_fn *fn, void *ctx)
{
	ht_walk_order(t, fn, ctx, 1);
}

/* hosttab_count - keys present */
size_t hosttab_count(const struct hosttab *t)
{
	return t->count;
}

/* hosttab_capacity - keys that fit under the cap */
size_t hosttab_capacity(const struct hosttab *t)
{
	return t->capacity;
}

/* hosttab_bytes - bytes allocated now (never above cap_bytes) */
size_t hosttab_bytes(const struct hosttab *t)
{
	return sizeof(*t) + t->committed + (size_t)t->nslot * sizeof(uint32_t)
	    + ht_cand_bytes(t->maxcand, t->ncand);
}

/* hosttab_evictions - keys evicted so far */
uint64_t hosttab_evictions(const struct hosttab *t)
{
	return t->evictions;
}

/* hosttab_key_of - the key stored with a value pointer */
const void *hosttab_key_of(const struct hosttab *t, const void *val)
{
	return (const unsigned char *)val - t->voff + t->koff;
}

/* hosttab_hash_name - the index hash this table uses */
const char *hosttab_hash_name(const struct hosttab *t)
{
	return t->aes ? "aes" : "siphash-1-3";
}

#if AESHASH_X86 && defined(__clang__)
#pragma clang attribute pop
#endif
