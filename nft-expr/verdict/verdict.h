/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	verdict - sluiced's decisions: a verdict for each queued first packet
 * SYNOPSIS
 *	#include "verdict/verdict.h"
 * DESCRIPTION
 *	Each queued packet is looked up by source in the zones: mode off
 *	(or no zone) is accepted at once; williamson asks the zone's
 *	throttle(3): in the working set or fitting in it, accepted; else
 *	held, and answered when the throttle releases it (or drops it);
 *	credit asks credit(3) for a first contact (a destination not among
 *	the host's recent ones): with credit it goes, at zero balance it is
 *	held until a credit comes (credit_action = delay) or dropped.
 *
 *	A delay queue over the zone's high watermark quarantines the host:
 *	its address goes into the quarantine set with the zone's TTL, a
 *	"quarantine" event is written, and its held packets are dropped.
 *	Outcomes of first contacts (vdflow_outcome, or contact_timeout
 *	without one) feed credit and TRW; a TRW "scanner" is logged or
 *	quarantined as the zone says. Nothing in [core] whitelist is ever
 *	held, dropped or quarantined.
 *
 *	The engine does no I/O: it answers packets, holds them, changes the
 *	quarantine set and writes events through the caller's verdict_ops,
 *	so unit tests drive it with a fake clock and fake packets. Cookies
 *	identify packets (sluiced uses queue << 32 | packet id).
 *
 *	This header has the engine's types and its per-packet entry points
 *	(verdict.c); vdsetup.h creates, reloads and frees it, vdflow.h
 *	feeds it outcomes, quarantine/quar.h quarantines and releases,
 *	vdhost.h shows its host records.
 */
#ifndef SLUICE_VERDICT_H
#define SLUICE_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "cmeasure.h"
#include "event.h"
#include "throttle.h"
#include "daemon/sdconf.h"
#include "queue/pkt.h"

struct verdict_ops {
	void (*answer)(void *ctx, uint64_t cookie, int accept);
	void (*hold)(void *ctx, uint64_t cookie);
	/* ttl_ns > 0: add to the quarantine set; 0: remove */
	void (*quarantine)(void *ctx, const struct sl_addr *a, uint64_t ttl_ns);
	void (*event)(void *ctx, const struct event *ev);
	/* a lockout or a TRW scanner, for the countermeasures (react(3));
	   NULL: the engine quarantines the host itself */
	void (*signal)(void *ctx, enum cmeasure_signal sig,
		       const struct sl_addr *src, uint16_t port);
	/* The fast path (vdfast.h); pair NULL: none. pair notes adding
	   (add = 1) or removing the kernel pair src . dst (src as the host
	   key, IPv6 cut to v6_prefix); pair_commit applies what is noted
	   and returns when the kernel has; pair_walk calls fn for every
	   pair in the kernel with the ns since it was last refreshed, 0 or
	   -1 */
	void (*pair)(void *ctx, const struct sl_addr *src,
		     const struct sl_addr *dst, int add);
	void (*pair_commit)(void *ctx);
	int (*pair_walk)(void *ctx,
			 void (*fn)(void *arg, const struct sl_addr *src,
				    const struct sl_addr *dst,
				    uint64_t idle_ns), void *arg);
};

struct verdict_stats {
	uint64_t packets, accepted, held, released, dropped;
	uint64_t bad, other, unzoned, whitelisted, mode_off, full;
	uint64_t lockouts, quarantines, releases, expired;
	uint64_t credit_zero, outcome_ok, outcome_fail, trw_scanners;
	/* observe mode: what would have been held, dropped, quarantined */
	uint64_t observed_holds, observed_drops, observed_quarantines;
	size_t hosts, held_now, credit_waiting, contacts_waiting, quarantined;
	size_t fast_hosts, fast_pairs;	/* mirrored hosts, kernel pairs */
};

struct verdict;

/* verdict_packet - decide one queued packet */
void verdict_packet(struct verdict *v, const struct pkt_info *p,
		    uint64_t cookie, uint64_t now);
/* verdict_tick - releases, credit grants, timeouts, expiries due */
void verdict_tick(struct verdict *v, uint64_t now);
/* verdict_next - the now at which verdict_tick has work */
uint64_t verdict_next(const struct verdict *v, uint64_t now);
/* verdict_zone_stats - the throttle counters of zone i (a williamson
   zone): its name in *name; -1 if there is no such zone or throttle */
int verdict_zone_stats(const struct verdict *v, size_t i, const char **name,
		       struct throttle_stats *out);
/* verdict_commit - apply the fast path's noted pair changes (sluiced:
   before it sends verdicts) */
void verdict_commit(struct verdict *v);
/* verdict_stats - counters and sizes */
void verdict_stats(const struct verdict *v, struct verdict_stats *out);

#endif
