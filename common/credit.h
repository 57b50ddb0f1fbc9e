/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	credit - Schechter/Jung/Berger credit-based connection rate limiter
 * SYNOPSIS
 *	#include "credit.h"
 * DESCRIPTION
 *	A key starts with `start` credits. Each first-contact attempt
 *	costs `debit`; each successful first contact earns `credit`. Once a
 *	second a balance above `cap` is pared to 2/3 of itself, but never
 *	below cap; a key whose balance has been zero for zero_grant_ns gets
 *	one credit. A key with no credit may not make a first contact: the
 *	caller delays or drops it, by policy. State is 16 bytes and lives
 *	wherever the caller keeps per-key state; time is passed in.
 */
#ifndef SLUICE_CREDIT_H
#define SLUICE_CREDIT_H

#include <stdint.h>

struct credit_params {
	int32_t start;		/* 10 */
	int32_t debit;		/* 1 */
	int32_t credit;		/* 2 */
	int32_t cap;		/* 10 */
	uint64_t pare_ns;	/* 1 s */
	uint64_t zero_grant_ns;	/* 4 s */
};

struct credit {
	int32_t balance;
	uint32_t pad;
	uint64_t since;		/* now of the last pare, or of reaching zero */
};

/* credit_defaults - the literature's defaults above */
void credit_defaults(struct credit_params *p);
/* credit_check_params - 0, or -1 with a reason */
int credit_check_params(const struct credit_params *p, const char **why);
/* credit_init - a fresh key */
void credit_init(struct credit *c, const struct credit_params *p, uint64_t now);
/* credit_advance - apply pare-backs and zero grants due by now */
void credit_advance(struct credit *c, const struct credit_params *p, uint64_t now);
/* credit_attempt - 1 and debit if a first contact may go now, else 0 */
int credit_attempt(struct credit *c, const struct credit_params *p, uint64_t now);
/* credit_outcome - a first contact succeeded (credit) or failed (nothing) */
void credit_outcome(struct credit *c, const struct credit_params *p,
		    int success, uint64_t now);

#endif
