/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fanout.t - distinct destinations per (source, port) in a window
 * DESCRIPTION
 *	The window slides (destinations older than 60 s stop counting),
 *	repeats count once, ports and sources are separate, a crossing of
 *	the threshold (20) is reported once and re-armed when the count
 *	falls back, a time a little earlier than the last (threads that
 *	read the clock before a lock) neither expires the destinations nor
 *	misses the crossing, and a small memory cap evicts old sources.
 */
#include <errno.h>

#include "clock.h"
#include "fanout.h"
#include "../tap.h"

#define SEC NS_PER_SEC
#define MS NS_PER_MS

static const uint8_t seed[16] = "fanout-test-seed";

/* add - one contact from src to dst on port; returns the count */
static unsigned add(struct fanout *f, uint32_t src, uint16_t port,
		    uint32_t dst, uint64_t now, int *crossed)
{
	return fanout_add(f, &src, 4, port, &dst, 4, now, crossed);
}

/* test_window - counts as the window slides */
static void test_window(void)
{
	static const struct {
		uint64_t now;
		uint32_t dst;
		unsigned want;
	} steps[] = {
		{ 0, 1, 1 }, { 10 * SEC, 2, 2 }, { 20 * SEC, 3, 3 },
		{ 30 * SEC, 1, 3 },		/* repeat refreshes 1 */
		{ 59 * SEC, 4, 4 },
		{ 60 * SEC, 5, 5 },		/* 1 seen at 30 s still in */
		{ 70 * SEC, 6, 5 },		/* 2 (10 s) slid out */
		{ 90 * SEC + 1 * MS, 7, 4 },	/* 3 and 1 (30 s) out */
		{ 200 * SEC, 8, 1 },
	};
	struct fanout *f = fanout_create(20, 60 * SEC, 1u << 20, seed);
	size_t i;
	int crossed;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		is_uint(add(f, 1, 445, steps[i].dst, steps[i].now, &crossed),
			steps[i].want, "at %llu ms dst %u",
			(unsigned long long)(steps[i].now / MS), steps[i].dst);
	is_uint(add(f, 1, 22, 1, 200 * SEC, NULL), 1, "another port counts apart");
	is_uint(add(f, 2, 445, 1, 200 * SEC, NULL), 1, "another source apart");
	fanout_free(f);
}

/* test_crossing - one report per crossing */
static void test_crossing(void)
{
	struct fanout *f = fanout_create(0, 0, 1u << 20, seed);
	unsigned n, reports = 0, at = 0, max = 0, slow = 0;
	uint32_t d;
	int crossed;

	for (d = 1; d <= 50; d++) {
		n = add(f, 7, 445, d, d * 100 * MS, &crossed);
		if (crossed && reports++ == 0)
			at = d;
		max = n > max ? n : max;
	}
	is_uint(reports, 1, "50 destinations in 5 s: one crossing report");
	is_uint(at, 20, "reported at the 20th destination");
	is_uint(max, 20, "count saturates at the threshold");
	for (d = 1; d <= 20; d++) {
		add(f, 7, 445, 100 + d, 100 * SEC + d * MS, &crossed);
		reports += crossed;
	}
	is_uint(reports, 2, "after the window emptied, a new crossing");
	/* One new destination every 4 s: 15 in any 60 s, never 20. */
	for (d = 1; d <= 100; d++) {
		add(f, 8, 445, d, 1000 * SEC + d * 4 * SEC, &crossed);
		slow += crossed;
	}
	is_uint(slow, 0, "one new destination every 4 s never crosses");
	is_uint(add(f, 8, 445, 1000, 1000 * SEC + 401 * SEC, NULL), 16,
		"15 in the window (1344..1400 s) plus this one");
	fanout_free(f);
}

/* test_earlier - a now 1 ms before the last one counts as the last */
static void test_earlier(void)
{
	struct fanout *f = fanout_create(20, 60 * SEC, 1u << 20, seed);
	uint64_t t = 5000 * SEC;
	unsigned n = 0;
	uint32_t d;
	int crossed = 0;

	for (d = 1; d < 20; d++)
		add(f, 9, 445, d, t, NULL);
	n = add(f, 9, 445, 20, t - 1 * MS, &crossed);
	is_uint(n, 20, "a contact 1 ms earlier than the last: the 19 "
		"destinations still count");
	ok(crossed, "and the 20th crosses the threshold");
	is_uint(add(f, 9, 445, 21, t + 60 * SEC - 1 * MS, NULL), 20,
		"the destinations stay until a window after the latest time");
	is_uint(add(f, 9, 445, 22, t + 60 * SEC, NULL), 2,
		"and leave then (the one seen since and this one count)");
	fanout_free(f);
}

/* test_bounds - creation limits and eviction */
static void test_bounds(void)
{
	struct fanout *f;
	uint32_t s;
	unsigned bad = 0;

	errno = 0;
	ok(fanout_create(5000, 60 * SEC, 1u << 20, seed) == NULL
	   && errno == EINVAL, "threshold 5000 refused");
	ok(fanout_create(20, 60 * SEC, 100, seed) == NULL, "tiny cap refused");
	f = fanout_create(20, 60 * SEC, 64 * 1024, seed);
	for (s = 0; s < 100000; s++)
		if (add(f, s, 445, 1, SEC, NULL) != 1)
			bad++;
	is_uint(bad, 0, "100000 sources through a 64 KiB table");
	is_uint(fanout_add(f, &s, 0, 445, &s, 4, 0, NULL), 0,
		"empty source refused");
	fanout_free(f);
	fanout_free(NULL);
}

int main(void)
{
	test_window();
	test_crossing();
	test_earlier();
	test_bounds();
	return done_testing();
}
