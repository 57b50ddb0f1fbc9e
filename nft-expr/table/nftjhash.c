/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftjhash - the kernel's jhash, as nft's hash expression computes it
 * SYNOPSIS
 *	#include "table/nftjhash.h"
 * DESCRIPTION
 *	Bob Jenkins' lookup2-style hash as Linux defines it (jhash.h:
 *	initial value 0xdeadbeef + length + seed, 12-byte rounds read as
 *	native 32-bit words, the tail byte by byte), then the kernel's
 *	reciprocal_scale() into the modulus. Written from the algorithm's
 *	description; sluiced_queues.t checks it against the kernel's rule.
 */
#include <string.h>

#include "table/nftjhash.h"

#define JHASH_INITVAL 0xdeadbeefU

/* rol32 - rotate left */
static uint32_t rol32(uint32_t x, unsigned k)
{
	return (x << k) | (x >> (32 - k));
}

/* mix - one 12-byte round */
static void mix(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a -= *c; *a ^= rol32(*c, 4); *c += *b;
	*b -= *a; *b ^= rol32(*a, 6); *a += *c;
	*c -= *b; *c ^= rol32(*b, 8); *b += *a;
	*a -= *c; *a ^= rol32(*c, 16); *c += *b;
	*b -= *a; *b ^= rol32(*a, 19); *a += *c;
	*c -= *b; *c ^= rol32(*b, 4); *b += *a;
}

/* final - the last mixing */
static void final(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*c ^= *b; *c -= rol32(*b, 14);
	*a ^= *c; *a -= rol32(*c, 11);
	*b ^= *a; *b -= rol32(*a, 25);
	*c ^= *b; *c -= rol32(*b, 16);
	*a ^= *c; *a -= rol32(*c, 4);
	*b ^= *a; *b -= rol32(*a, 14);
	*c ^= *b; *c -= rol32(*b, 24);
}

/* nftjhash - jhash(key, len, seed) of include/linux/jhash.h */
uint32_t nftjhash(const uint8_t *k, size_t len, uint32_t seed)
{
	uint32_t a, b, c, w[3];
	uint32_t *t[3] = { &a, &b, &c };
	size_t i;

	a = b = c = JHASH_INITVAL + (uint32_t)len + seed;
	while (len > 12) {
		memcpy(w, k, sizeof(w));	/* the CPU's byte order */
		a += w[0];
		b += w[1];
		c += w[2];
		mix(&a, &b, &c);
		len -= 12;
		k += 12;
	}
	if (len == 0)
		return c;
	/* the tail: byte i into word i / 4 at bits 8 * (i % 4) */
	for (i = 0; i < len; i++)
		*t[i / 4] += (uint32_t)k[i] << (8 * (i % 4));
	final(&a, &b, &c);
	return c;
}

/* nftjhash_queue - 0..modulus-1 for source a, as the kernel's rule */
uint32_t nftjhash_queue(const struct sl_addr *a, unsigned v6_prefix,
			uint32_t modulus, uint32_t seed)
{
	uint8_t key[16];
	size_t len = a->family == 4 ? 4 : 16;
	unsigned i;

	memcpy(key, a->b, len);
	for (i = 0; a->family == 6 && i < 16; i++)
		key[i] &= v6_prefix >= (i + 1) * 8 ? 0xff
		    : v6_prefix > i * 8 ? (uint8_t)(0xff << (8 - (v6_prefix - i * 8))) : 0;
	return (uint32_t)(((uint64_t)nftjhash(key, len, seed) * modulus) >> 32);
}
