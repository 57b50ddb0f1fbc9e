/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	credit.t - credit-based rate limiting (Schechter, Jung, Berger)
 * DESCRIPTION
 *	A scanner whose first contacts succeed one time in ten runs dry
 *	within a dozen attempts; a host succeeding nine times in ten never
 *	does; the once-a-second pare-back to 2/3 (not below the cap) and
 *	the credit granted after 4 s at zero happen at the exact times.
 */
#include "clock.h"
#include "credit.h"
#include "../tap.h"

#define SEC NS_PER_SEC
#define MS NS_PER_MS

/* test_params - defaults and validation */
static void test_params(void)
{
	static const struct {
		const char *name;
		int32_t start, debit, credit, cap;
		uint64_t pare, grant;
		int want;
	} vec[] = {
		{ "defaults", 10, 1, 2, 10, SEC, 4 * SEC, 0 },
		{ "negative start", -1, 1, 2, 10, SEC, 4 * SEC, -1 },
		{ "debit 0", 10, 0, 2, 10, SEC, 4 * SEC, -1 },
		{ "cap 0", 10, 1, 2, 0, SEC, 4 * SEC, -1 },
		{ "pare 0", 10, 1, 2, 10, 0, 4 * SEC, -1 },
		{ "grant 0", 10, 1, 2, 10, SEC, 0, -1 },
		{ "credit 0 allowed", 10, 1, 0, 10, SEC, 4 * SEC, 0 },
	};
	struct credit_params p, d;
	const char *why;
	size_t i;

	credit_defaults(&d);
	ok(d.start == 10 && d.debit == 1 && d.credit == 2 && d.cap == 10
	   && d.pare_ns == SEC && d.zero_grant_ns == 4 * SEC,
	   "defaults 10/1/2/10, 1 s, 4 s");
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		p.start = vec[i].start;
		p.debit = vec[i].debit;
		p.credit = vec[i].credit;
		p.cap = vec[i].cap;
		p.pare_ns = vec[i].pare;
		p.zero_grant_ns = vec[i].grant;
		why = NULL;
		is_int(credit_check_params(&p, &why), vec[i].want, "params %s",
		       vec[i].name);
		ok((why == NULL) == (vec[i].want == 0), "  reason: %s",
		   why ? why : "(none)");
	}
}

/* attempts_until_dry - attempts allowed before the first refusal when
   attempt n succeeds iff (n + shift) % 10 < tenths; one per gap */
static unsigned attempts_until_dry(unsigned tenths, unsigned shift,
				   uint64_t gap, unsigned max)
{
	struct credit_params p;
	struct credit c;
	uint64_t now = 0;
	unsigned n;

	credit_defaults(&p);
	credit_init(&c, &p, 0);
	for (n = 0; n < max; n++, now += gap) {
		if (!credit_attempt(&c, &p, now))
			return n;
		credit_outcome(&c, &p, (n + shift) % 10 < tenths, now);
	}
	return n;
}

/* test_behaviour - scanner versus normal host */
static void test_behaviour(void)
{
	unsigned n;

	unsigned shift, worst = 100000;

	/* 10% success: every tenth first contact answers. */
	n = attempts_until_dry(1, 1, MS, 1000);
	is_uint(n, 12, "10%% scanner (1 ms apart) runs dry after 12 attempts");
	n = attempts_until_dry(1, 1, 10 * MS, 1000);
	is_uint(n, 12, "10%% scanner at 100/s, dry after 12 too");
	n = attempts_until_dry(0, 0, MS, 1000);
	is_uint(n, 10, "all-failing scanner: exactly the 10 start credits");
	/* 90% success: one in ten fails, in every phase. */
	for (shift = 0; shift < 10; shift++) {
		n = attempts_until_dry(9, shift, MS, 100000);
		worst = n < worst ? n : worst;
		n = attempts_until_dry(9, shift, 2 * SEC, 2000);
		worst = n < 2000 && n < worst ? n : worst;
	}
	is_uint(worst, 100000, "90%% host never runs out (any phase, fast or slow)");
}

/* test_pare - once a second, to 2/3, not below the cap */
static void test_pare(void)
{
	static const struct {
		uint64_t now;
		int32_t want;
	} steps[] = {
		{ 999 * MS, 30 }, { SEC, 20 }, { 1999 * MS, 20 },
		{ 2 * SEC, 13 }, { 3 * SEC, 10 }, { 4 * SEC, 10 },
		{ 100 * SEC, 10 },
	};
	struct credit_params p;
	struct credit c;
	size_t i;
	int k;

	credit_defaults(&p);
	credit_init(&c, &p, 0);
	for (k = 0; k < 10; k++)
		credit_outcome(&c, &p, 1, 0);
	is_int(c.balance, 30, "ten successes: 10 + 20");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		credit_advance(&c, &p, steps[i].now);
		is_int(c.balance, steps[i].want, "balance at %llu ms",
		       (unsigned long long)(steps[i].now / MS));
	}
	/* Idle for a long time, then credits: pare again one second on. */
	for (k = 0; k < 5; k++)
		credit_outcome(&c, &p, 1, 100 * SEC + 500 * MS);
	credit_advance(&c, &p, 100 * SEC + 999 * MS);
	is_int(c.balance, 20, "no pare before the next whole second");
	credit_advance(&c, &p, 101 * SEC);
	is_int(c.balance, 13, "pared on the second boundary after idling");
}

/* test_zero - one credit after 4 s at zero */
static void test_zero(void)
{
	struct credit_params p;
	struct credit c;
	int k;

	credit_defaults(&p);
	credit_init(&c, &p, 0);
	for (k = 0; k < 10; k++)
		credit_attempt(&c, &p, 10 * MS);
	is_int(c.balance, 0, "spent");
	is_int(credit_attempt(&c, &p, 10 * MS), 0, "refused at zero");
	is_int(credit_attempt(&c, &p, 4 * SEC + 9 * MS), 0,
	       "still refused just before 4 s at zero");
	credit_advance(&c, &p, 4 * SEC + 10 * MS);
	is_int(c.balance, 1, "one credit after exactly 4 s at zero");
	credit_advance(&c, &p, 20 * SEC);
	is_int(c.balance, 1, "only one, however long it waits");
	is_int(credit_attempt(&c, &p, 20 * SEC), 1, "the granted attempt");
	is_int(credit_attempt(&c, &p, 23 * SEC), 0, "zero again, refused");
	credit_advance(&c, &p, 24 * SEC);
	is_int(c.balance, 1, "next grant 4 s after reaching zero again");
	credit_attempt(&c, &p, 24 * SEC);
	credit_outcome(&c, &p, 1, 25 * SEC);
	is_int(c.balance, 2, "a success at zero credits 2");
}

int main(void)
{
	test_params();
	test_behaviour();
	test_pare();
	test_zero();
	return done_testing();
}
