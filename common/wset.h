/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	wset - Williamson's working set: recent destinations as 32-bit tags
 * SYNOPSIS
 *	#include "wset.h"
 * DESCRIPTION
 *	A working set is an array of tags kept most recently used first,
 *	plus a count of slots in use; the caller owns both (the throttle
 *	keeps them in its per-host record). Sets are small (N <= 64,
 *	five by default), so a linear scan and a short memmove beat any
 *	cleverer structure. The helpers are inline: they run once per
 *	packet.
 *
 *	wset_tag() turns a destination into a keyed tag: a keyed 32-bit
 *	permutation for 4-byte (IPv4) destinations, so two addresses never
 *	share a tag, and truncated SipHash for anything longer.
 */
#ifndef SLUICE_WSET_H
#define SLUICE_WSET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WSET_MAX 64

/* wset_find - slot of tag among the used ones, or -1 */
static inline int wset_find(const uint32_t *set, unsigned used, uint32_t tag)
{
	unsigned i;

	for (i = 0; i < used; i++)
		if (set[i] == tag)
			return (int)i;
	return -1;
}

/* wset_touch - move slot i to the front (most recently used) */
static inline void wset_touch(uint32_t *set, unsigned i)
{
	uint32_t tag = set[i];

	memmove(set + 1, set, i * sizeof(*set));
	set[0] = tag;
}

/* wset_insert - tag in front, the least recently used falls off when
   full; returns the new count in use */
static inline unsigned wset_insert(uint32_t *set, unsigned used, unsigned n,
				   uint32_t tag)
{
	if (used < n)
		used++;
	memmove(set + 1, set, (used - 1) * sizeof(*set));
	set[0] = tag;
	return used;
}

/* wset_enter - tag becomes most recently used, inserted if absent */
static inline unsigned wset_enter(uint32_t *set, unsigned used, unsigned n,
				  uint32_t tag)
{
	int i = wset_find(set, used, tag);

	if (i >= 0) {
		wset_touch(set, (unsigned)i);
		return used;
	}
	return wset_insert(set, used, n, tag);
}

/* wset_age - free up to k slots from the least recently used end */
static inline unsigned wset_age(unsigned used, uint32_t k)
{
	return k >= used ? 0 : used - k;
}

/* wset_key - per-table key of the tag function, from a seed */
struct wset_key {
	uint8_t sip[16];	/* SipHash key for long destinations */
	uint32_t round[4];	/* round keys of the 32-bit permutation */
};

/* wset_key_init - derive the tag key from a 16-byte seed */
void wset_key_init(struct wset_key *k, const uint8_t seed[16]);
/* wset_tag_long - keyed tag of a destination other than 4 bytes */
uint32_t wset_tag_long(const struct wset_key *k, const void *dst, size_t len);

/* wset_round - Feistel round function: 16 bits in, 16 bits out */
static inline uint32_t wset_round(uint32_t half, uint32_t key)
{
	return (((half | half << 16) ^ key) * 0x9e3779b1u) >> 16;
}

/* wset_tag - keyed 32-bit tag of a destination */
static inline uint32_t wset_tag(const struct wset_key *k, const void *dst,
				size_t len)
{
	uint32_t l, r, t;
	unsigned i;

	if (len != 4)
		return wset_tag_long(k, dst, len);
	/* Byte order does not matter: a permutation of the word is one
	   of the address. */
	memcpy(&t, dst, 4);
	l = t >> 16;
	r = t & 0xffff;
	for (i = 0; i < 4; i++) {
		t = l ^ wset_round(r, k->round[i]);
		l = r;
		r = t;
	}
	return l << 16 | r;
}

#endif
