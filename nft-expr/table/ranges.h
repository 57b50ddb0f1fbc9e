/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ranges - turn a prefix set into disjoint address ranges for nft sets
 * SYNOPSIS
 *	#include "table/ranges.h"
 * DESCRIPTION
 *	An nft interval set refuses overlapping elements, while a prefix
 *	set holds nested prefixes whose longest match decides (a zone
 *	10.0.0.0/8 with a sub-zone 10.1.0.0/16). ranges_build() cuts the
 *	address space of one family at every prefix edge, asks keep() about
 *	the value of the longest match of each piece, and merges the kept
 *	pieces that touch: the result is sorted, disjoint and minimal.
 */
#ifndef SLUICE_RANGES_H
#define SLUICE_RANGES_H

#include <stddef.h>
#include <stdint.h>
#include "prefixset.h"

/* an inclusive range of one family, network byte order */
struct sl_range {
	uint8_t family;		/* 4 or 6 */
	uint8_t lo[16], hi[16];
};

#define RANGES_MAX 4096		/* elements we put in one nft set */

/* ranges_build - ranges of family whose longest match keep() accepts;
   at most max into out; returns the count, or -1 with errno E2BIG
   (more than max) or ENOMEM */
long ranges_build(const struct prefixset *s, int family,
		  int (*keep)(void *ctx, uintptr_t value), void *ctx,
		  struct sl_range *out, size_t max);

#endif
