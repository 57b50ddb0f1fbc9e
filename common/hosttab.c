/*
 * NAME
 *	hosttab - bounded, keyed hash table of per-key state with LRU eviction
 * SYNOPSIS
 *	#include "hosttab.h"
 * DESCRIPTION
 *	Records live in one slab reserved at create time for the number
 *	of keys that fit under the cap and committed (counted) a chunk at
 *	a time as they are first used, so a record never moves and value
 *	pointers stay valid. A record is three 32-bit links (hash chain,
 *	LRU previous, LRU next; index + 1, 0 meaning none), the key, and
 *	the value aligned to 8 bytes. Buckets are 32-bit indices too and
 *	double while the load passes one; the capacity is chosen so that
 *	the slab, the largest bucket array and the one it replaces during
 *	the last doubling together stay under the cap.
 *
 *	sl_hash64 is SipHash-2-4 (Aumasson and Bernstein), written from
 *	the paper; the table hashes keys with the caller's seed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hosttab.h"

#define HT_PAGE		4096
#define HT_HUGE		(2u << 20)	/* transparent huge page */
#define HT_HUGE_MIN	(8u << 20)	/* tables from here use huge pages */
#define HT_MIN_BUCKETS	64
#define HT_MAX_KEY	256
#define HT_MAX_VAL	(1 << 20)
#define HT_GROUP	32	/* batch: keys prefetched together */

struct ht_rec {
	uint32_t hnext;		/* hash chain, or free list */
	uint32_t prev;		/* towards the most recently used */
	uint32_t next;		/* towards the least recently used */
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
	uint32_t *bucket;
	uint32_t nbucket;	/* power of two */
	uint32_t mru, lru, freelist;
	uint64_t evictions;
	uint64_t k0, k1;	/* SipHash key, from the seed */
	hosttab_evict_fn *evict;
	void *evict_ctx;
};

/* SIP_ROUND - one SipRound on the four state words */
#define SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND(v0, v1, v2, v3) do { \
	v0 += v1; v2 += v3; \
	v1 = SIP_ROTL(v1, 13); v3 = SIP_ROTL(v3, 16); \
	v1 ^= v0; v3 ^= v2; \
	v0 = SIP_ROTL(v0, 32); \
	v2 += v1; v0 += v3; \
	v1 = SIP_ROTL(v1, 17); v3 = SIP_ROTL(v3, 21); \
	v1 ^= v2; v3 ^= v0; \
	v2 = SIP_ROTL(v2, 32); \
} while (0)

/* sip_le64 - n (<= 8) bytes as a little-endian word */
static inline uint64_t sip_le64(const unsigned char *p, size_t n)
{
	uint64_t m = 0;
	uint32_t w;

	/* The usual key lengths load whole words (little-endian hosts). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 8) {
		memcpy(&m, p, 8);
		return m;
	}
	if (n == 4) {
		memcpy(&w, p, 4);
		return w;
	}
#endif
	while (n-- > 0)
		m |= (uint64_t)p[n] << (8 * n);
	return m;
}

/* sip_hash - SipHash-2-4 of len bytes under the key (k0, k1) */
static inline uint64_t sip_hash(uint64_t k0, uint64_t k1, const void *data,
				size_t len)
{
	const unsigned char *p = data;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m;
	size_t left = len;

	for (; left >= 8; p += 8, left -= 8) {
		m = sip_le64(p, 8);
		v3 ^= m;
		SIP_ROUND(v0, v1, v2, v3);
		SIP_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	/* The last block carries the message length in its top byte. */
	m = sip_le64(p, left) | (uint64_t)(len & 0xff) << 56;
	v3 ^= m;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* sl_hash64 - keyed 64-bit hash (SipHash-2-4) used across the core */
uint64_t sl_hash64(const uint8_t seed[16], const void *data, size_t len)
{
	return sip_hash(sip_le64(seed, 8), sip_le64(seed + 8, 8), data, len);
}

/* ht_round - round n up to a multiple of a (a power of two) */
static size_t ht_round(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

/* ht_pow2 - smallest power of two >= n, at least HT_MIN_BUCKETS */
static size_t ht_pow2(size_t n)
{
	size_t p = HT_MIN_BUCKETS;

	while (p < n)
		p <<= 1;
	return p;
}

/* ht_chunk - slab commit granularity for a table capped at cap */
static size_t ht_chunk(size_t cap)
{
	/* With huge pages the kernel commits 2 MiB at a time: count that. */
	return cap >= HT_HUGE_MIN ? HT_HUGE : HT_PAGE;
}

/* ht_cost - worst-case bytes for a table of c records */
static size_t ht_cost(size_t c, size_t rec, size_t cap)
{
	size_t nb = ht_pow2(c);

	/* The last doubling holds the old and the new bucket arrays. */
	return sizeof(struct hosttab) + ht_round(c * rec, ht_chunk(cap))
	    + (nb + nb / 2) * sizeof(uint32_t);
}

/* ht_capacity - the most records whose worst case fits in cap */
static size_t ht_capacity(size_t cap, size_t rec)
{
	size_t lo = 0, hi = cap / rec + 1, mid;

	if (hi > UINT32_MAX - 1)
		hi = UINT32_MAX - 1;
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

/* ht_hash - bucket hash of a key */
static inline uint64_t ht_hash(const struct hosttab *t, const void *key)
{
	/* Constant lengths let the compiler unroll the common cases. */
	switch (t->key_len) {
	case 4:
		return sip_hash(t->k0, t->k1, key, 4);
	case 16:
		return sip_hash(t->k0, t->k1, key, 16);
	default:
		return sip_hash(t->k0, t->k1, key, t->key_len);
	}
}

/* hosttab_create - NULL with errno EINVAL (sizes) or ENOMEM */
struct hosttab *hosttab_create(size_t key_len, size_t val_len,
			       size_t cap_bytes, const uint8_t seed[16])
{
	struct hosttab *t;
	size_t voff, rec, cap;

	if (key_len == 0 || key_len > HT_MAX_KEY || val_len > HT_MAX_VAL
	    || seed == NULL) {
		errno = EINVAL;
		return NULL;
	}
	voff = ht_round(sizeof(struct ht_rec) + key_len, 8);
	rec = ht_round(voff + val_len, 8);
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
	t->k0 = sip_le64(seed, 8);
	t->k1 = sip_le64(seed + 8, 8);
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
	t->nbucket = HT_MIN_BUCKETS;
	if ((t->bucket = calloc(t->nbucket, sizeof(uint32_t))) == NULL) {
		munmap(t->slab, t->reserved);
		free(t);
		return NULL;
	}
	return t;
}

/* hosttab_free - release everything; accepts NULL */
void hosttab_free(struct hosttab *t)
{
	if (t == NULL)
		return;
	munmap(t->slab, t->reserved);
	free(t->bucket);
	free(t);
}

/* hosttab_set_evict - callback before a key is evicted for room */
void hosttab_set_evict(struct hosttab *t, hosttab_evict_fn *fn, void *ctx)
{
	t->evict = fn;
	t->evict_ctx = ctx;
}

/* ht_keyeq - key bytes equal (the common lengths without a call) */
static inline int ht_keyeq(const struct hosttab *t, const void *a,
			   const void *b)
{
	uint32_t a4, b4;
	uint64_t a8[2], b8[2];

	switch (t->key_len) {
	case 4:
		memcpy(&a4, a, 4);
		memcpy(&b4, b, 4);
		return a4 == b4;
	case 16:
		memcpy(a8, a, 16);
		memcpy(b8, b, 16);
		return ((a8[0] ^ b8[0]) | (a8[1] ^ b8[1])) == 0;
	default:
		return memcmp(a, b, t->key_len) == 0;
	}
}

/* ht_link_hashed - the link that holds key's index (or the chain's end) */
static inline uint32_t *ht_link_hashed(const struct hosttab *t,
				       const void *key, uint64_t hash)
{
	uint32_t *link = &t->bucket[hash & (t->nbucket - 1)];
	struct ht_rec *r;

	while (*link != 0) {
		r = ht_at(t, *link);
		if (ht_keyeq(t, ht_key(t, r), key))
			break;
		link = &r->hnext;
	}
	return link;
}

/* ht_link - the link that holds key's index (or the chain's end) */
static uint32_t *ht_link(const struct hosttab *t, const void *key)
{
	return ht_link_hashed(t, key, ht_hash(t, key));
}

/* ht_unlink_lru - take record i out of the recency list */
static void ht_unlink_lru(struct hosttab *t, uint32_t i)
{
	struct ht_rec *r = ht_at(t, i);

	if (r->prev)
		ht_at(t, r->prev)->next = r->next;
	else
		t->mru = r->next;
	if (r->next)
		ht_at(t, r->next)->prev = r->prev;
	else
		t->lru = r->prev;
}

/* ht_push_mru - put record i at the most recently used end */
static void ht_push_mru(struct hosttab *t, uint32_t i)
{
	struct ht_rec *r = ht_at(t, i);

	r->prev = 0;
	r->next = t->mru;
	if (t->mru)
		ht_at(t, t->mru)->prev = i;
	else
		t->lru = i;
	t->mru = i;
}

/* ht_touch - mark record i most recently used */
static inline void ht_touch(struct hosttab *t, uint32_t i)
{
	if (t->mru == i)
		return;
	ht_unlink_lru(t, i);
	ht_push_mru(t, i);
}

/* hosttab_get - value for key, marked most recently used; NULL if absent */
void *hosttab_get(struct hosttab *t, const void *key)
{
	uint32_t i = *ht_link(t, key);

	if (i == 0)
		return NULL;
	ht_touch(t, i);
	return (unsigned char *)ht_at(t, i) + t->voff;
}

/* hosttab_peek - value for key without touching recency; NULL if absent */
void *hosttab_peek(const struct hosttab *t, const void *key)
{
	uint32_t i = *ht_link(t, key);

	return i ? (unsigned char *)ht_at(t, i) + t->voff : NULL;
}

/* ht_remove - unlink record i (found through link) and free its slot */
static void ht_remove(struct hosttab *t, uint32_t *link, uint32_t i)
{
	struct ht_rec *r = ht_at(t, i);

	*link = r->hnext;
	ht_unlink_lru(t, i);
	r->hnext = t->freelist;
	t->freelist = i;
	t->count--;
}

/* ht_evict - make room by evicting the least recently used key */
static void ht_evict(struct hosttab *t)
{
	uint32_t i = t->lru;
	struct ht_rec *r = ht_at(t, i);

	if (t->evict)
		t->evict(t->evict_ctx, ht_key(t, r),
			 (unsigned char *)r + t->voff);
	ht_remove(t, ht_link(t, ht_key(t, r)), i);
	t->evictions++;
}

/* ht_grow - double the buckets once the load passes one */
static void ht_grow(struct hosttab *t)
{
	uint32_t nb = t->nbucket * 2, *nbk, i;
	struct ht_rec *r;
	size_t h;

	/* Failing to grow only lengthens chains: keep the old array. */
	if ((nbk = calloc(nb, sizeof(uint32_t))) == NULL)
		return;
	for (i = t->mru; i != 0; i = r->next) {
		r = ht_at(t, i);
		h = ht_hash(t, ht_key(t, r)) & (nb - 1);
		r->hnext = nbk[h];
		nbk[h] = i;
	}
	free(t->bucket);
	t->bucket = nbk;
	t->nbucket = nb;
}

/* ht_alloc - a free record index (count already checked) */
static uint32_t ht_alloc(struct hosttab *t)
{
	uint32_t i;

	if ((i = t->freelist) != 0) {
		t->freelist = ht_at(t, i)->hnext;
		return i;
	}
	i = (uint32_t)++t->top;
	if (t->top * t->rec > t->committed)
		t->committed = ht_round(t->top * t->rec, t->chunk);
	return i;
}

/* ht_put - hosttab_put for a key whose hash is known */
static inline void *ht_put(struct hosttab *t, const void *key, uint64_t hash,
			   int *created)
{
	uint32_t *link = ht_link_hashed(t, key, hash), i;
	struct ht_rec *r;

	*created = 0;
	if ((i = *link) != 0) {
		ht_touch(t, i);
		return (unsigned char *)ht_at(t, i) + t->voff;
	}
	if (t->count >= t->capacity)
		ht_evict(t);
	if (t->count >= t->nbucket && (size_t)t->nbucket * 2
	    <= ht_pow2(t->capacity))
		ht_grow(t);
	i = ht_alloc(t);
	r = ht_at(t, i);
	memcpy(ht_key(t, r), key, t->key_len);
	memset((unsigned char *)r + t->voff, 0, t->val_len);
	/* Eviction or growth may have changed the chain: relink at its head. */
	link = &t->bucket[hash & (t->nbucket - 1)];
	r->hnext = *link;
	*link = i;
	ht_push_mru(t, i);
	t->count++;
	*created = 1;
	return (unsigned char *)r + t->voff;
}

/* hosttab_put - value for key, created zeroed if new (evicting if full) */
void *hosttab_put(struct hosttab *t, const void *key, int *created)
{
	int c;
	void *v = ht_put(t, key, ht_hash(t, key), &c);

	if (created)
		*created = c;
	return v;
}

/* ht_prefetch_rec - stage 1: the first record of hash's chain */
static inline void ht_prefetch_rec(const struct hosttab *t, uint64_t hash)
{
	uint32_t i = t->bucket[hash & (t->nbucket - 1)];
	unsigned char *r;

	if (i == 0)
		return;
	r = (unsigned char *)ht_at(t, i);
	__builtin_prefetch(r, 1);
	__builtin_prefetch(r + t->rec - 1, 1);
}

/* ht_prefetch_chain - stage 2: the second record, if the first is not key */
static inline void ht_prefetch_chain(const struct hosttab *t, const void *key,
				     uint64_t hash)
{
	uint32_t i = t->bucket[hash & (t->nbucket - 1)];
	struct ht_rec *r;

	if (i == 0)
		return;
	r = ht_at(t, i);
	if (r->hnext != 0 && !ht_keyeq(t, ht_key(t, r), key)) {
		__builtin_prefetch(ht_at(t, r->hnext), 1);
		__builtin_prefetch((unsigned char *)ht_at(t, r->hnext)
				   + t->rec - 1, 1);
	}
}

/* hosttab_put_batch - hosttab_put for n keys in order, loads overlapped */
void hosttab_put_batch(struct hosttab *t, const void *const *keys, size_t n,
		       void **vals, unsigned char *created)
{
	uint64_t hash[HT_GROUP];
	size_t i, m;
	int c;

	/*
	 * A put is a chain of dependent cache misses (bucket, then record)
	 * behind unpredictable branches, which the CPU cannot overlap by
	 * itself. So prefetch by groups: hash every key of a group and
	 * prefetch its bucket, then every first record, then the second
	 * one where the first is another key (at a load of one, a third of
	 * the hits), then put them in order. (Prefetching the LRU neighbours as well measured slower:
	 * their writes wait in the store buffer anyway.) Prefetches are
	 * only hints: the result is that of n calls to hosttab_put.
	 */
	for (; n > 0; n -= m, keys += m, vals += m) {
		m = n < HT_GROUP ? n : HT_GROUP;
		for (i = 0; i < m; i++) {
			hash[i] = ht_hash(t, keys[i]);
			__builtin_prefetch(&t->bucket[hash[i] & (t->nbucket - 1)]);
		}
		for (i = 0; i < m; i++)
			ht_prefetch_rec(t, hash[i]);
		for (i = 0; i < m; i++)
			ht_prefetch_chain(t, keys[i], hash[i]);
		for (i = 0; i < m; i++) {
			vals[i] = ht_put(t, keys[i], hash[i], &c);
			if (created)
				created[i] = (unsigned char)c;
		}
		if (created)
			created += m;
	}
}

/* hosttab_del - remove key; 0, or -1 if absent */
int hosttab_del(struct hosttab *t, const void *key)
{
	uint32_t *link = ht_link(t, key);

	if (*link == 0)
		return -1;
	ht_remove(t, link, *link);
	return 0;
}

/* hosttab_walk - every entry, most recently used first */
void hosttab_walk(struct hosttab *t, hosttab_walk_fn *fn, void *ctx)
{
	uint32_t i, next;
	struct ht_rec *r;

	for (i = t->mru; i != 0; i = next) {
		r = ht_at(t, i);
		next = r->next;
		if (fn(ctx, ht_key(t, r), (unsigned char *)r + t->voff))
			break;
	}
}

/* hosttab_walk_lru - every entry, least recently used first */
void hosttab_walk_lru(struct hosttab *t, hosttab_walk_fn *fn, void *ctx)
{
	uint32_t i, prev;
	struct ht_rec *r;

	for (i = t->lru; i != 0; i = prev) {
		r = ht_at(t, i);
		prev = r->prev;
		if (fn(ctx, ht_key(t, r), (unsigned char *)r + t->voff))
			break;
	}
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
	return sizeof(*t) + t->committed + t->nbucket * sizeof(uint32_t);
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


