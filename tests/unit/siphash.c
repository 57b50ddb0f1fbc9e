/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	siphash.t - SipHash-2-4 against the paper's vectors
 * DESCRIPTION
 *	The reference key 00..0f over the messages 00..len-1 of the
 *	SipHash paper's appendix, and a change of one seed bit changing
 *	the hash.
 */
#include <stdint.h>
#include <string.h>

#include "siphash.h"
#include "../tap.h"

static const uint8_t seed[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				  12, 13, 14, 15 };

/* test_siphash - the reference key 00..0f over messages 00..len-1 */
static void test_siphash(void)
{
	static const struct {
		size_t len;
		uint64_t want;
	} vec[] = {
		{ 0, 0x726fdb47dd0e0e31ULL },
		{ 8, 0x93f5f5799a932462ULL },
		{ 15, 0xa129ca6149be45e5ULL },
	};
	uint8_t msg[64], other[16];
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		is_uint(siphash_24(seed, msg, vec[i].len), vec[i].want,
			"siphash-2-4 vector, %zu bytes", vec[i].len);
	memcpy(other, seed, 16);
	other[0] ^= 1;
	ok(siphash_24(seed, msg, 4) != siphash_24(other, msg, 4),
	   "another seed gives another hash");
}

int main(void)
{
	test_siphash();
	return done_testing();
}
