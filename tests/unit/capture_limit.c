/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_limit - unit test of the per-source event limit
 *	(nft-expr/capture/cap_limit.c)
 * DESCRIPTION
 *	Random mixes of sources and times: the events allowed plus every
 *	suppressed count reported (with a later event, by the flush, or on
 *	eviction from a small table) must equal the hits, and no source
 *	may have more than per_second events in any second.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/cap_limit.h"
#include "../tap.h"

#define SEC 1000000000ULL

static uint64_t reported;

/* on_count - cap_limit_fn */
static void on_count(void *ctx, const struct sl_addr *src, uint64_t n)
{
	(void)ctx;
	(void)src;
	reported += n;
}

int main(void)
{
	static const uint8_t seed[16] = "limit test seed";
	struct cap_limit *l;
	struct sl_addr a = { .family = 4, .b = { 10, 0, 0, 1 } };
	uint64_t sup, events = 0, hits = 0, now = 5 * SEC;
	unsigned per_sec[4096] = { 0 }, i, over = 0, round;

	l = cap_limit_create(3, 1 << 20, seed, on_count, NULL);
	for (i = 0; i < 5; i++) {
		int got = cap_limit_take(l, &a, now, &sup);

		is_int(got, i < 3, "hit %u in one second: %s", i, i < 3 ? "event" : "suppressed");
	}
	is_int(cap_limit_take(l, &a, now + SEC, &sup), 1, "next second: an event");
	is_uint(sup, 2, "carrying the two suppressed");
	cap_limit_free(l);

	/* a table of 32 KB holds a few hundred sources: evictions must
	   report too */
	srandom(12);
	for (round = 0; round < 3; round++) {
		l = cap_limit_create(2, round == 0 ? 1 << 20 : 32768, seed, on_count, NULL);
		events = hits = reported = 0;
		memset(per_sec, 0, sizeof(per_sec));
		now = 100 * SEC;
		for (i = 0; i < 20000; i++) {
			uint64_t sec = now / SEC;

			unsigned who = (unsigned)random() % (round == 2 ? 4000 : 20);

			a.b[2] = (uint8_t)(who >> 8), a.b[3] = (uint8_t)who;
			now += (uint64_t)(random() % (SEC / 50));
			if (now / SEC != sec)
				memset(per_sec, 0, sizeof(per_sec));
			hits++;
			if (cap_limit_take(l, &a, now, &sup)) {
				events++;
				reported += sup;
				if (++per_sec[a.b[2] << 8 | a.b[3]] > 2)
					over++;
			}
		}
		cap_limit_flush(l, now + SEC);
		is_uint(events + reported, hits, "round %u: events + suppressed = hits", round);
		is_uint(over, 0, "round %u: never more than 2 a second", round);
		cap_limit_free(l);
	}
	return done_testing();
}
