/* SPDX-License-Identifier: GPL-2.0-or-later */
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
 *	destinations (IPv6, mail recipients) use SipHash. The IPv4 case is
 *	inline in wset.h.
 */
#include "siphash.h"
#include "wset.h"

/* wset_key_init - derive the tag key from a 16-byte seed */
void wset_key_init(struct wset_key *k, const uint8_t seed[16])
{
	static const char label[] = "sluice wset tag key";
	uint64_t h;
	unsigned i;

	/* Derived, so sharing a seed with the host table leaks nothing. */
	for (i = 0; i < 4; i++) {
		h = siphash_24(seed, label, sizeof(label) - 1 - i);
		k->round[i] = (uint32_t)(h >> 32);
		k->sip[4 * i] = (uint8_t)h;
		k->sip[4 * i + 1] = (uint8_t)(h >> 8);
		k->sip[4 * i + 2] = (uint8_t)(h >> 16);
		k->sip[4 * i + 3] = (uint8_t)(h >> 24);
	}
}

/* wset_tag_long - keyed tag of a destination other than 4 bytes */
uint32_t wset_tag_long(const struct wset_key *k, const void *dst, size_t len)
{
	return (uint32_t)siphash_24(k->sip, dst, len);
}
