/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vddns - the no-DNS signal, asked for each first contact
 * SYNOPSIS
 *	#include "verdict/vddns.h"
 * DESCRIPTION
 *	Whyte/Kranakis/van Oorschot: a host that contacts an address no
 *	DNS answer gave it is behaving like a scanning worm, which picks
 *	addresses at random; people and programs find their peers by name.
 *	It is a weak signal (peer-to-peer programs, hard-coded addresses,
 *	answers lost or evicted also cause it), so it never decides a
 *	verdict: vddns_first() only counts it, writes a rate-limited
 *	"nodns" event and hands it to the engine's signal operation as
 *	CMEASURE_SIG_NODNS (sluiced: react_signal(), whose ladder caps
 *	its share below the lowest rung, so no number of them alone does
 *	more than observe). The packet's verdict is the throttle's, always.
 *
 *	Exempt: destinations in the source's own zone (local peers are
 *	found by broadcast, mDNS, configuration), the resolvers (port 53,
 *	and any address whose answers are read), and the whitelist in
 *	force (the verdict path accepts those before a first contact is
 *	looked at; exempt_resolvers puts resolv_conf's resolvers in it).
 *
 *	Cost per first contact: one dnscorr hash lookup when the answer
 *	is there; the exemptions are asked only when it is not. Packets
 *	to recent destinations are not first contacts and pay nothing.
 */
#ifndef SLUICE_VDDNS_H
#define SLUICE_VDDNS_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "queue/pkt.h"

struct verdict;
struct vzone;
struct dnssnoop;

struct vddns_stats {
	uint64_t first_contacts;	/* asked */
	uint64_t justified;		/* an answer was behind it */
	uint64_t exempt;		/* own zone, resolver */
	uint64_t signals;		/* no answer: the signal raised */
	uint64_t events_suppressed;	/* nodns events over the rate */
};

/* vddns_attach - ask snoop (borrowed) for v's first contacts from now
   on, at most events_per_second nodns events per source; 0, or -1
   with errno */
int vddns_attach(struct verdict *v, struct dnssnoop *snoop,
		 unsigned events_per_second, const uint8_t seed[16]);
/* vddns_detach - stop asking; free what attach made (no-op if none) */
void vddns_detach(struct verdict *v);
/* vddns_first - one first contact of a source of zone z */
void vddns_first(struct verdict *v, const struct vzone *z,
		 const struct pkt_info *p, uint64_t now);
/* vddns_tick - suppressed event counts whose second is over */
void vddns_tick(struct verdict *v, uint64_t now);
/* vddns_stats - counters; zeros when not attached */
void vddns_stats(const struct verdict *v, struct vddns_stats *out);

#endif
