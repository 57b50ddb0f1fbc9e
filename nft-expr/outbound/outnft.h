/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outnft - the zones' outbound policy installed in sluiced's table
 * SYNOPSIS
 *	#include "outbound/outnft.h"
 * DESCRIPTION
 *	outnft_fill() is nftrules_conf's outbound callback: the policy of
 *	outplan(3) into the install's own batch, so the kernel has the
 *	table with its policy or nothing. outnft_replace() swaps one
 *	policy for another in one transaction (SIGHUP): chain outbound
 *	flushed, the old zones' chains deleted, the new ones added. The
 *	rules match ct state new only, so established flows never notice.
 *	outnft_counters() reads the violation counters back from the
 *	kernel (a rule dump of both tables).
 */
#ifndef SLUICE_OUTNFT_H
#define SLUICE_OUTNFT_H

#include <stddef.h>
#include <stdint.h>
#include "outbound/outpol.h"

struct nftbatch;
struct nftrules;
struct sd_conf;

/* outnft_fill - nftrules_conf.outbound with ctx a struct sd_conf */
int outnft_fill(void *conf, struct nftbatch *b, const char *table, int family);
/* outnft_replace - old's policy out and next's in, one transaction; 0,
   or -1 with err (the kernel keeps old's) */
int outnft_replace(struct nftrules *n, const struct sd_conf *old,
		   const struct sd_conf *next, char *err, size_t errlen);

/* one counter read back: a drop rule's packets, both families summed */
typedef void outnft_count_fn(void *ctx, const char *zone, enum outpol_kind kind,
			     size_t idx, uint64_t packets);
/* outnft_counters - every violation counter of table's outbound chains
   to fn (a rule per call and family); 0, or -1 with err */
int outnft_counters(const char *table, outnft_count_fn *fn, void *ctx,
		    char *err, size_t errlen);

#endif
