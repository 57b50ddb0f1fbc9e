/*
 * NAME
 *	wset - Williamson's working set: recent destinations as 32-bit tags
 * SYNOPSIS
 *	#include "wset.h"
 * DESCRIPTION
 *	The tag function (the set operations are inline in wset.h). Tags
 *	must be keyed: a scanner that could predict them could pick
 *	addresses whose tags collide with its working set and pass
 *	unthrottled. For IPv4 a keyed four-round Feistel network on the
 *	32-bit address is a permutation, so distinct addresses get
 *	distinct tags and the per-packet cost is a few multiplies; longer
 *	destinations (IPv6, mail recipients) use SipHash.
 */
#include "hosttab.h"
#include "wset.h"

/* wset_le32 - four bytes as a little-endian word */
static uint32_t wset_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
	    | (uint32_t)p[3] << 24;
}

/* wset_key_init - derive the tag key from a 16-byte seed */
void wset_key_init(struct wset_key *k, const uint8_t seed[16])
{
	static const char label[] = "sluice wset tag key";
	uint64_t h;
	unsigned i;

	/* Derived, so sharing a seed with the host table leaks nothing. */
	for (i = 0; i < 4; i++) {
		h = sl_hash64(seed, label, sizeof(label) - 1 - i);
		k->round[i] = (uint32_t)(h >> 32);
		k->sip[4 * i] = (uint8_t)h;
		k->sip[4 * i + 1] = (uint8_t)(h >> 8);
		k->sip[4 * i + 2] = (uint8_t)(h >> 16);
		k->sip[4 * i + 3] = (uint8_t)(h >> 24);
	}
}

/* wset_round - Feistel round function: 16 bits in, 16 bits out */
static inline uint32_t wset_round(uint32_t half, uint32_t key)
{
	uint32_t x = (half | half << 16) ^ key;

	x *= 0x9e3779b1u;
	x ^= x >> 15;
	x *= 0x85ebca6bu;
	return x >> 16;
}

/* wset_tag - keyed 32-bit tag of a destination */
uint32_t wset_tag(const struct wset_key *k, const void *dst, size_t len)
{
	uint32_t l, r, t;
	unsigned i;

	if (len != 4)
		return (uint32_t)sl_hash64(k->sip, dst, len);
	t = wset_le32(dst);
	l = t >> 16;
	r = t & 0xffff;
	for (i = 0; i < 4; i++) {
		t = l ^ wset_round(r, k->round[i]);
		l = r;
		r = t;
	}
	return l << 16 | r;
}
