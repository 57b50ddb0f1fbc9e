/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outlog - the zones' outbound violations: events and signals
 * SYNOPSIS
 *	#include "outbound/outlog.h"
 * DESCRIPTION
 *	Every drop of a zone's outbound policy is logged by the kernel to
 *	[sluiced] outbound_log_group (NFLOG). outlog_packet() takes one
 *	such packet (network header first): it names the zone (the
 *	source's) and the rule that refused it (outpol_match, the order
 *	the kernel's rules have), writes an event "outbound" in the EVE
 *	vocabulary, at most outbound_events_per_second per source (the
 *	rest counted and reported with the next event, or by
 *	outlog_tick() when their second is over, as "suppressed"), and
 *	passes every violation on as a signal (the countermeasures).
 *	A packet that is not readable IP, or whose source is in no zone
 *	with a policy (a reload raced it), is counted, not reported.
 */
#ifndef SLUICE_OUTLOG_H
#define SLUICE_OUTLOG_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "event.h"

struct sd_conf;

struct outlog_ops {
	/* an event to write */
	void (*event)(void *ctx, const struct event *ev);
	/* a violation by src towards dport (0: none) at monotonic now */
	void (*signal)(void *ctx, const struct sl_addr *src, uint16_t dport,
		       uint64_t now);
};

struct outlog_stats {
	uint64_t violations;	/* logged packets read and attributed */
	uint64_t events;	/* "outbound" events written */
	uint64_t suppressed;	/* violations over the per-source rate */
	uint64_t unattributed;	/* unreadable, or no policed zone */
};

struct outlog;

/* outlog_create - NULL with errno; per_second events per source */
struct outlog *outlog_create(unsigned per_second, const struct outlog_ops *ops,
			     void *ctx);
/* outlog_free - accepts NULL */
void outlog_free(struct outlog *l);
/* outlog_packet - one logged packet of len bytes under configuration c */
void outlog_packet(struct outlog *l, const struct sd_conf *c,
		   const uint8_t *data, size_t len, uint64_t now);
/* outlog_tick - report suppressed counts whose second is over */
void outlog_tick(struct outlog *l, uint64_t now);
/* outlog_stats - counters */
void outlog_stats(const struct outlog *l, struct outlog_stats *out);

#endif
