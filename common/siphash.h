/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	siphash - SipHash, the keyed 64-bit hash of short inputs
 * SYNOPSIS
 *	#include "siphash.h"
 * DESCRIPTION
 *	SipHash-c-d (Aumasson and Bernstein), written from the paper.
 *	siphash_24() is SipHash-2-4 under a 16-byte seed, the hash the
 *	core uses wherever a peer chooses the input (working-set tags of
 *	long destinations, derived keys, mail shards). siphash_13() is
 *	the cheaper SipHash-1-3 under a key already split into words,
 *	inline for the host table's index (the table's fallback where the
 *	CPU has no AES rounds).
 */
#ifndef SLUICE_SIPHASH_H
#define SLUICE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* siphash_24 - SipHash-2-4 of len bytes under the 16-byte seed */
uint64_t siphash_24(const uint8_t seed[16], const void *data, size_t len);

/* SIPHASH_ROUND - one SipRound on the four state words */
#define SIPHASH_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPHASH_ROUND(v0, v1, v2, v3) do { \
	v0 += v1; v2 += v3; \
	v1 = SIPHASH_ROTL(v1, 13); v3 = SIPHASH_ROTL(v3, 16); \
	v1 ^= v0; v3 ^= v2; \
	v0 = SIPHASH_ROTL(v0, 32); \
	v2 += v1; v0 += v3; \
	v1 = SIPHASH_ROTL(v1, 17); v3 = SIPHASH_ROTL(v3, 21); \
	v1 ^= v2; v3 ^= v0; \
	v2 = SIPHASH_ROTL(v2, 32); \
} while (0)

/* siphash_le64 - n (<= 8) bytes as a little-endian word */
static inline uint64_t siphash_le64(const void *data, size_t n)
{
	const unsigned char *p = data;
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

/* siphash_cd - SipHash-c-d of len bytes under the key (k0, k1) */
static inline uint64_t siphash_cd(uint64_t k0, uint64_t k1, const void *data,
				  size_t len, int c, int d)
{
	const unsigned char *p = data;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m;
	size_t left = len;
	int i;

	for (; left >= 8; p += 8, left -= 8) {
		m = siphash_le64(p, 8);
		v3 ^= m;
		for (i = 0; i < c; i++)
			SIPHASH_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	/* The last block carries the message length in its top byte. */
	m = siphash_le64(p, left) | (uint64_t)(len & 0xff) << 56;
	v3 ^= m;
	for (i = 0; i < c; i++)
		SIPHASH_ROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	for (i = 0; i < d; i++)
		SIPHASH_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* siphash_13 - SipHash-1-3 of len bytes under the key (k0, k1) */
static inline uint64_t siphash_13(uint64_t k0, uint64_t k1, const void *data,
				  size_t len)
{
	return siphash_cd(k0, k1, data, len, 1, 3);
}

#endif
