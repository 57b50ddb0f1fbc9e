/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	aeshash - keyed 64-bit hash of short keys by AES rounds (AES-NI)
 * SYNOPSIS
 *	#include "aeshash.h"
 * DESCRIPTION
 *	Key derivation and the run-time choice; the hash itself is inline
 *	in aeshash.h, where aeshash.h's head comment argues the design.
 */
#include <stdlib.h>
#include <string.h>

#include "aeshash.h"
#include "siphash.h"

/* aeshash_key_init - the round keys from a 16-byte seed */
void aeshash_key_init(struct aeshash_key *k, const uint8_t seed[16])
{
	static const char label[] = "sluice aeshash round keys";
	uint8_t in[sizeof(label)];
	uint64_t h;
	unsigned i;

	/* Derived by SipHash-2-4 under a label of its own, so keys used
	   elsewhere under the same seed (tags, SipHash fallback) reveal
	   nothing about these. */
	memcpy(in, label, sizeof(label));
	for (i = 0; i < 8; i++) {
		in[sizeof(label) - 1] = (uint8_t)i;
		h = siphash_24(seed, in, sizeof(in));
		memcpy(&k->k[i / 2][8 * (i % 2)], &h, 8);
	}
}

#if AESHASH_X86
/* aeshash_64 - keyed hash of len bytes; only where aeshash_usable() */
__attribute__((target("aes")))
uint64_t aeshash_64(const struct aeshash_key *k, const void *data,
		    size_t len)
{
	return aeshash_inline(k, data, len);
}
#endif

/* aeshash_usable - 1 if aeshash_64 may run here (CPU and SLUICE_HASH) */
int aeshash_usable(void)
{
	const char *force = getenv("SLUICE_HASH");

	if (force && strcmp(force, "siphash") == 0)
		return 0;
#if AESHASH_X86
	__builtin_cpu_init();
	return __builtin_cpu_supports("aes") != 0;
#else
	return 0;
#endif
}
