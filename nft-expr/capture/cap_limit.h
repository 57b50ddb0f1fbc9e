/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_limit - honeypot events per source, rate-limited and counted
 * SYNOPSIS
 *	#include "capture/cap_limit.h"
 * DESCRIPTION
 *	A scanner sweeping a dark /16 hits it 65,536 times: the event file
 *	must not take 65,536 lines for it, yet nothing may go uncounted.
 *	Each source may have at most per_second events in each second of
 *	its own; the rest are suppressed and counted. The next event the
 *	source is allowed carries the count; cap_limit_flush() reports
 *	counts whose second is over (and a source pushed out of the bounded
 *	table reports its count as it goes), so the events plus their
 *	suppressed counts always add up to the hits.
 */
#ifndef SLUICE_CAP_LIMIT_H
#define SLUICE_CAP_LIMIT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

/* a suppressed count to report for src */
typedef void cap_limit_fn(void *ctx, const struct sl_addr *src,
			  uint64_t suppressed);

struct cap_limit;

/* cap_limit_create - NULL with errno; fn reports counts of sources
   evicted from the table and those cap_limit_flush finds */
struct cap_limit *cap_limit_create(unsigned per_second, size_t mem_cap,
				   const uint8_t seed[16], cap_limit_fn *fn,
				   void *ctx);
/* cap_limit_free - accepts NULL; counts still pending are lost */
void cap_limit_free(struct cap_limit *l);
/* cap_limit_take - 1 if src may have an event now (*suppressed gets
   the count to report with it, then zero), 0 if it is suppressed */
int cap_limit_take(struct cap_limit *l, const struct sl_addr *src,
		   uint64_t now_ns, uint64_t *suppressed);
/* cap_limit_flush - report every count whose second ended before now */
void cap_limit_flush(struct cap_limit *l, uint64_t now_ns);

#endif
