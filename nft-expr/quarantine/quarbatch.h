/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarbatch - quarantine set additions gathered into one transaction
 * SYNOPSIS
 *	#include "quarantine/quarbatch.h"
 * DESCRIPTION
 *	quarbatch_add() notes an element for quarantine4/6 (an IPv4 host
 *	or the IPv6 prefix of length plen) with its timeout;
 *	quarbatch_flush() writes every element noted since in one netlink
 *	transaction, a few hundred elements per message, so quarantining
 *	10,000 hosts (or restoring 100,000 after a restart) is one
 *	transaction, not 10,000. An element already in the set gets the
 *	new timeout (the kernel updates it on a non-exclusive add); if the
 *	transaction is refused whole, each element is tried alone
 *	(quarset_change), so one bad element does not lose the rest.
 */
#ifndef SLUICE_QUARBATCH_H
#define SLUICE_QUARBATCH_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

struct nftrules;
struct quarbatch;

struct quarbatch_stats {
	uint64_t elements, transactions, fallbacks, errors;
};

/* quarbatch_create - an empty batch; NULL with errno */
struct quarbatch *quarbatch_create(void);
/* quarbatch_free - accepts NULL; what is noted is dropped */
void quarbatch_free(struct quarbatch *q);
/* quarbatch_add - note a (its /plen for IPv6) with ttl_ns > 0; -1 if
   no memory (the caller writes it alone) */
int quarbatch_add(struct quarbatch *q, const struct sl_addr *a,
		  unsigned plen, uint64_t ttl_ns);
/* quarbatch_pending - elements noted and not yet written */
size_t quarbatch_pending(const struct quarbatch *q);
/* quarbatch_flush - write what is noted in one transaction; elements
   that failed even alone, 0 if none (the first error in err) */
size_t quarbatch_flush(struct quarbatch *q, struct nftrules *n, char *err,
		       size_t errlen);
/* quarbatch_stats - counters */
void quarbatch_stats(const struct quarbatch *q, struct quarbatch_stats *out);

#endif
