/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	siphash - SipHash, the keyed 64-bit hash of short inputs
 * SYNOPSIS
 *	#include "siphash.h"
 * DESCRIPTION
 *	The out-of-line SipHash-2-4; the rounds are inline in siphash.h
 *	so that the host table's index can unroll them for its key length.
 */
#include "siphash.h"

/* siphash_24 - SipHash-2-4 of len bytes under the 16-byte seed */
uint64_t siphash_24(const uint8_t seed[16], const void *data, size_t len)
{
	return siphash_cd(siphash_le64(seed, 8), siphash_le64(seed + 8, 8),
			  data, len, 2, 4);
}
