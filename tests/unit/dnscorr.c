/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnscorr.t - DNS answers justify (client, address) pairs until their TTL
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "dnscorr.h"
#include "../tap.h"

static const uint8_t seed[16] = "0123456789abcdef";
#define S NS_PER_SEC

int main(void)
{
	struct dnscorr *d = dnscorr_create(300 * S, 1 << 20, seed);
	const uint8_t c1[4] = { 10, 0, 0, 1 }, c2[4] = { 10, 0, 0, 2 };
	const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
	uint64_t t = 1000 * S;
	unsigned i, justified;

	ok(d != NULL, "create");
	ok(!dnscorr_justified(d, c1, 4, a, 4, t), "nothing justified before an answer");
	ok(dnscorr_answer(d, c1, 4, a, 4, 60, t) == 0, "answer: c1 learns a, TTL 60");
	ok(dnscorr_justified(d, c1, 4, a, 4, t + 1), "c1 -> a justified");
	ok(!dnscorr_justified(d, c2, 4, a, 4, t + 1), "c2 -> a is not: it never asked");
	ok(!dnscorr_justified(d, c1, 4, b, 4, t + 1), "c1 -> b is not: another address");
	ok(dnscorr_justified(d, c1, 4, a, 4, t + 299 * S), "TTL 60 lasts the 300 s floor");
	ok(!dnscorr_justified(d, c1, 4, a, 4, t + 300 * S), "and ends at the floor");

	ok(dnscorr_answer(d, c1, 4, b, 4, 3600, t) == 0, "answer: TTL 3600");
	ok(dnscorr_justified(d, c1, 4, b, 4, t + 3599 * S), "a long TTL beats the floor");
	ok(!dnscorr_justified(d, c1, 4, b, 4, t + 3600 * S), "and ends at the TTL");

	dnscorr_answer(d, c2, 4, v6, 16, 600, t);
	dnscorr_answer(d, c2, 4, v6, 16, 10, t + 100 * S);
	ok(dnscorr_justified(d, c2, 4, v6, 16, t + 599 * S), "a shorter later answer does not cut a live one");
	dnscorr_answer(d, c2, 4, v6, 16, 600, t + 500 * S);
	ok(dnscorr_justified(d, c2, 4, v6, 16, t + 1099 * S), "a later answer extends");
	ok(!dnscorr_justified(d, c2, 4, v6, 16, t + 1100 * S), "until its own TTL");

	/* A fresh pair, so no earlier answer's lifetime is what passes. */
	ok(dnscorr_answer(d, c2, 4, b, 4, 0xffffffffu, t) == 0, "answer: TTL 2^32-1 s");
	ok(dnscorr_justified(d, c2, 4, b, 4, t + 86399 * S), "a huge TTL lasts a day");
	ok(!dnscorr_justified(d, c2, 4, b, 4, t + 86400 * S), "and is capped there");
	ok(dnscorr_answer(d, c1, 17, a, 4, 1, t) < 0, "client key over 16 bytes refused");
	ok(dnscorr_answer(d, c1, 4, a, 0, 1, t) < 0, "empty address refused");
	dnscorr_free(d);
	dnscorr_free(NULL);

	/* bounded memory: a small cap keeps the most recent pairs */
	d = dnscorr_create(0, 64 * 1024, seed);
	ok(d != NULL, "create with 64 KiB and the default floor");
	for (i = 0; i < 100000; i++) {
		uint8_t addr[4] = { 198, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

		dnscorr_answer(d, c1, 4, addr, 4, 60, t);
	}
	justified = 0;
	for (i = 0; i < 100000; i++) {
		uint8_t addr[4] = { 198, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

		justified += (unsigned)dnscorr_justified(d, c1, 4, addr, 4, t + 299 * S);
	}
	cmp_ok(justified, <, 100000, "100000 answers do not all fit in 64 KiB");
	cmp_ok(justified, >, 100, "but the table holds some");
	{
		uint8_t last[4] = { 198, 1, 0x86, 0x9f };	/* i = 99999 */

		ok(dnscorr_justified(d, c1, 4, last, 4, t + 299 * S), "the most recent pair survives");
		ok(!dnscorr_justified(d, c1, 4, last, 4, t + 301 * S), "default floor is 300 s");
	}
	dnscorr_free(d);
	return done_testing();
}
