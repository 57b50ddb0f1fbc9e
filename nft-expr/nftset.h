/*
 * NAME
 *	nftset - elements of the sets in sluiced's table
 * SYNOPSIS
 *	#include "nftset.h"
 * DESCRIPTION
 *	nftset_quarantine() adds a source to quarantine4/6 with a kernel
 *	timeout (the kernel expires it, even if sluiced is gone) or removes
 *	it. nftset_fill() replaces the whole content of an interval set
 *	(whitelist4/6, closed4/6) in one transaction: flush and refill, so
 *	no packet ever sees it half-filled.
 */
#ifndef SLUICE_NFTSET_H
#define SLUICE_NFTSET_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "nftrules.h"
#include "ranges.h"

/* nftset_quarantine - add a (ttl_ns > 0) or remove it (ttl_ns == 0);
   0, or -1 with err; removing an absent element is not an error */
int nftset_quarantine(struct nftrules *n, const struct sl_addr *a,
		      uint64_t ttl_ns, char *err, size_t errlen);
/* nftset_fill - set base+family holds exactly the ranges; 0 or -1 */
int nftset_fill(struct nftrules *n, const char *base, int family,
		const struct sl_range *r, size_t nr, char *err, size_t errlen);

#endif
