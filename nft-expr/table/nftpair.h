/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftpair - the fast path's (source . destination) pairs in the kernel
 * SYNOPSIS
 *	#include "table/nftpair.h"
 * DESCRIPTION
 *	sluiced mirrors each host's working set into sets fast4 and fast6
 *	of its table (nftrules(3)). nftpair_queue() notes an addition or
 *	a removal; nftpair_commit() sends every noted change, in the order
 *	noted, in one transaction and returns once the kernel has applied
 *	it (a removal must be in force before the verdict that follows).
 *	Removals are "destroy": a pair the kernel timed out is no error.
 *	nftpair_walk() dumps both sets with how long ago each pair was last
 *	refreshed, by sluiced's addition or by a packet the rule accepted.
 */
#ifndef SLUICE_NFTPAIR_H
#define SLUICE_NFTPAIR_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "table/nftrules.h"

#define NFTPAIR_MAX_PENDING (1u << 20)	/* changes noted between commits */

struct nftpair;

/* one pair of the dump: src is the source as the set keys it (IPv6 cut
   to v6_prefix), idle_ms since a packet or sluiced last refreshed it */
typedef void nftpair_fn(void *ctx, const struct sl_addr *src,
			const struct sl_addr *dst, uint64_t idle_ms);

/* nftpair_create - an empty list of changes; NULL with errno */
struct nftpair *nftpair_create(void);
/* nftpair_free - accepts NULL; pending changes are dropped */
void nftpair_free(struct nftpair *p);
/* nftpair_queue - note adding (add = 1) or removing src . dst (same
   family); -1 with errno ENOBUFS when NFTPAIR_MAX_PENDING are noted */
int nftpair_queue(struct nftpair *p, const struct sl_addr *src,
		  const struct sl_addr *dst, int add);
/* nftpair_pending - changes noted and not yet committed */
size_t nftpair_pending(const struct nftpair *p);
/* nftpair_commit - apply the noted changes in order; 0, or -1 with
   err (the list is emptied either way) */
int nftpair_commit(struct nftpair *p, struct nftrules *n, char *err,
		   size_t errlen);
/* nftpair_walk - every pair of table's fast4 and fast6 through fn; 0,
   or -1 with err */
int nftpair_walk(struct nftpair *p, const char *table, nftpair_fn *fn,
		 void *ctx, char *err, size_t errlen);

#endif
