/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	credit - Schechter/Jung/Berger credit-based connection rate limiter
 * SYNOPSIS
 *	#include "credit.h"
 * DESCRIPTION
 *	One clock per key, `since`: while the balance is positive it is
 *	the time of the last pare-back (they fall every pare_ns after
 *	it); while the balance is zero it is the time the key reached
 *	zero (a credit is granted zero_grant_ns after it). Everything is
 *	applied lazily by credit_advance(), so idle keys cost nothing, and
 *	an idle key jumps over the pare-backs that could no longer change
 *	its balance.
 *
 *	A first contact may go while the balance is positive; the debit
 *	never takes it below zero. 2/3 of a balance is rounded down.
 */
#include <stddef.h>

#include "clock.h"
#include "credit.h"

#define CREDIT_MAX 1000000

/* credit_defaults - the literature's defaults above */
void credit_defaults(struct credit_params *p)
{
	p->start = 10;
	p->debit = 1;
	p->credit = 2;
	p->cap = 10;
	p->pare_ns = NS_PER_SEC;
	p->zero_grant_ns = 4 * NS_PER_SEC;
}

/* credit_check_params - 0, or -1 with a reason */
int credit_check_params(const struct credit_params *p, const char **why)
{
	const char *w = NULL;

	if (p->start < 0 || p->start > CREDIT_MAX)
		w = "start must be 0..1000000";
	else if (p->debit < 1 || p->debit > CREDIT_MAX)
		w = "debit must be 1..1000000";
	else if (p->credit < 0 || p->credit > CREDIT_MAX)
		w = "credit must be 0..1000000";
	else if (p->cap < 1 || p->cap > CREDIT_MAX)
		w = "cap must be 1..1000000";
	else if (p->pare_ns < NS_PER_MS || p->pare_ns > 3600 * NS_PER_SEC)
		w = "pare interval must be 1 ms..1 h";
	else if (p->zero_grant_ns < NS_PER_MS
		 || p->zero_grant_ns > 3600 * NS_PER_SEC)
		w = "zero-balance grant must be 1 ms..1 h";
	if (why)
		*why = w;
	return w ? -1 : 0;
}

/* credit_init - a fresh key */
void credit_init(struct credit *c, const struct credit_params *p, uint64_t now)
{
	c->balance = p->start;
	c->pad = 0;
	c->since = now;
}

/* credit_pare - pare-backs due by now (balance positive) */
static void credit_pare(struct credit *c, const struct credit_params *p,
			uint64_t now)
{
	int32_t pared;

	while (now - c->since >= p->pare_ns) {
		if (c->balance <= p->cap) {
			/* Nothing left to pare: jump to the last boundary. */
			c->since += (now - c->since) / p->pare_ns * p->pare_ns;
			return;
		}
		pared = (int32_t)((int64_t)c->balance * 2 / 3);
		c->balance = pared > p->cap ? pared : p->cap;
		c->since += p->pare_ns;
	}
}

/* credit_advance - apply pare-backs and zero grants due by now */
void credit_advance(struct credit *c, const struct credit_params *p, uint64_t now)
{
	if (now < c->since)
		return;		/* a clock that went back changes nothing */
	if (c->balance <= 0) {
		if (now - c->since < p->zero_grant_ns)
			return;
		c->balance = 1;
		c->since += p->zero_grant_ns;
	}
	credit_pare(c, p, now);
}

/* credit_attempt - 1 and debit if a first contact may go now, else 0 */
int credit_attempt(struct credit *c, const struct credit_params *p, uint64_t now)
{
	credit_advance(c, p, now);
	if (c->balance <= 0)
		return 0;
	c->balance -= p->debit;
	if (c->balance <= 0) {
		c->balance = 0;
		c->since = now;
	}
	return 1;
}

/* credit_outcome - a first contact succeeded (credit) or failed (nothing) */
void credit_outcome(struct credit *c, const struct credit_params *p,
		    int success, uint64_t now)
{
	credit_advance(c, p, now);
	if (!success || p->credit == 0)
		return;
	if (c->balance <= 0)
		c->since = now;	/* the pare-back clock starts again */
	c->balance = c->balance > INT32_MAX - p->credit ? INT32_MAX
	    : c->balance + p->credit;
}
