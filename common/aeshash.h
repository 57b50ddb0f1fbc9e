/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	aeshash - keyed 64-bit hash of short keys by AES rounds (AES-NI)
 * SYNOPSIS
 *	#include "aeshash.h"
 * DESCRIPTION
 *	The host table's index hash where the CPU has AES instructions
 *	(x86-64 with AES-NI; elsewhere AESHASH_X86 is 0, aeshash_usable()
 *	says no and the table uses SipHash-1-3). Four 128-bit round keys
 *	are derived from a 16-byte seed by SipHash-2-4 (aeshash_key_init),
 *	so the daemons' seed, random per install and kept across restarts,
 *	keys it and a table rebuilt from the same seed hashes alike.
 *
 *	The key is read in 16-byte blocks, the last one padded with zeros;
 *	the state starts as k0 with the length xored in (so padding cannot
 *	make two lengths collide), each block is xored into the state and
 *	goes through two AES rounds (round keys k1, k2), and a third round
 *	(k3) ends it; the low 64 bits are the hash. One block, the common
 *	case (IPv4 and IPv6 sources), is three rounds.
 *
 *	Why that is enough: this is a defence against hash flooding (a
 *	peer choosing keys that share a probe run), not a MAC. The peer
 *	sees no hash value, only at best the time a lookup takes, and the
 *	key is secret and random. Two AES rounds already make every state
 *	byte depend on every input byte (ShiftRows spreads a column over
 *	all four, MixColumns a byte over its column), and no pair of
 *	inputs has a key-independent collision: a round is a permutation,
 *	and with the key xored in before the first S-box the best
 *	two-round differential of AES holds with expected probability at
 *	most 53/2^34, about 2^-28 (Keliher and Sui), so neither one block
 *	nor a later block cancelling an earlier one's difference gives
 *	colliding keys that can be chosen without the key. The
 *	third round and the key-dependent whitening leave the truncation
 *	to 64 bits no exploitable structure. This is the construction of
 *	Go's runtime map hash (aeshash: key whitening, three AESENC per
 *	16-byte block, falling back to a portable hash without AES-NI),
 *	which has defended Go maps keyed by network input since 2013.
 *	It is not a cryptographic PRF and must not be used as one: the
 *	working-set tags and anything persisted keep SipHash-2-4.
 *
 *	aeshash_usable() is false when the CPU lacks AES or when the
 *	environment variable SLUICE_HASH is "siphash" (to test or compare
 *	the fallback); building with -DSLUICE_NO_AESHASH leaves AES out.
 */
#ifndef SLUICE_AESHASH_H
#define SLUICE_AESHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && !defined(SLUICE_NO_AESHASH)
#define AESHASH_X86 1
#else
#define AESHASH_X86 0
#endif

/* aeshash_key - the round keys, 16-byte aligned for whole loads */
struct aeshash_key {
	uint8_t k[4][16] __attribute__((aligned(16)));
};

/* aeshash_key_init - the round keys from a 16-byte seed */
void aeshash_key_init(struct aeshash_key *k, const uint8_t seed[16]);
/* aeshash_usable - 1 if aeshash_64 may run here (CPU and SLUICE_HASH) */
int aeshash_usable(void);
/* aeshash_64 - keyed hash of len bytes; only where aeshash_usable()
   (elsewhere the AES instructions fault), and only on x86-64 */
uint64_t aeshash_64(const struct aeshash_key *k, const void *data,
		    size_t len);

#if AESHASH_X86
#include <immintrin.h>

/* aeshash_block - the last (or only) n <= 16 bytes, zero-padded */
static inline __attribute__((target("aes"), always_inline)) __m128i
aeshash_block(const unsigned char *p, size_t n)
{
	uint8_t b[16] = { 0 };
	uint32_t w;

	/* The table's usual lengths as one load, the rest by copy. */
	if (n == 16)
		return _mm_loadu_si128((const __m128i *)p);
	if (n == 4) {
		memcpy(&w, p, 4);
		return _mm_cvtsi32_si128((int)w);
	}
	memcpy(b, p, n);
	return _mm_loadu_si128((const __m128i *)b);
}

/* aeshash_inline - aeshash_64 inline, for callers compiled with AES
   enabled (the host table's file) */
static inline __attribute__((target("aes"), always_inline)) uint64_t
aeshash_inline(const struct aeshash_key *k, const void *data, size_t len)
{
	const unsigned char *p = data;
	const __m128i k1 = _mm_load_si128((const __m128i *)k->k[1]);
	const __m128i k2 = _mm_load_si128((const __m128i *)k->k[2]);
	__m128i x = _mm_xor_si128(_mm_load_si128((const __m128i *)k->k[0]),
				  _mm_cvtsi64_si128((long long)len));
	size_t left = len;

	for (; left > 16; p += 16, left -= 16) {
		x = _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)p));
		x = _mm_aesenc_si128(_mm_aesenc_si128(x, k1), k2);
	}
	x = _mm_xor_si128(x, aeshash_block(p, left));
	x = _mm_aesenc_si128(_mm_aesenc_si128(x, k1), k2);
	x = _mm_aesenc_si128(x, _mm_load_si128((const __m128i *)k->k[3]));
	return (uint64_t)_mm_cvtsi128_si64(x);
}
#endif

#endif
