/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outprint - the zones' outbound policy in nft syntax, for audit
 * SYNOPSIS
 *	#include "outbound/outprint.h"
 * DESCRIPTION
 *	outprint_policy() writes what outnft(3) installs, from the same
 *	walk (outplan(3)), as an nft(8) file: a block per table (ip and
 *	ip6 TABLE) with the chain outbound and the zones' chains, each
 *	rule under a comment line with the rule as written. `nft -f`
 *	loads it; `nft list` of it and of the installed table agree (the
 *	test sluiced_outbound.t checks both). Nothing is written when no
 *	zone has a policy.
 */
#ifndef SLUICE_OUTPRINT_H
#define SLUICE_OUTPRINT_H

#include <stdio.h>

struct sd_conf;

/* outprint_policy - the policy of c to f; 0, or -1 with errno */
int outprint_policy(FILE *f, const struct sd_conf *c);

#endif
