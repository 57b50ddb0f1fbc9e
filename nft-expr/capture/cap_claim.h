/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_claim - on-link addresses nobody answers for, claimed by ARP
 *	and neighbour discovery
 * SYNOPSIS
 *	#include "capture/cap_claim.h"
 * DESCRIPTION
 *	For each [capture] claim = IFACE PREFIX, a packet socket on IFACE
 *	watches ARP (an IPv4 PREFIX) or neighbour discovery (IPv6: the
 *	solicitations and advertisements, RFC 4861; the same rules with
 *	duplicate-address detection, a solicitation from ::, as the
 *	probe). An address of PREFIX that is asked for and has not
 *	spoken for claim_after is claimed, as LaBrea does: sluiced answers
 *	the requests for it with IFACE's own MAC, so the frames reach the
 *	gateway's IP layer (no promiscuous mode) and the capture path
 *	answers their TCP and UDP. An address that speaks (any ARP with it
 *	as the sender, the gateway's own answers included) is never
 *	claimed, and a claimed one that speaks, or that an ARP probe
 *	(sender 0.0.0.0: duplicate-address detection) asks about, is let
 *	go at once; probes are never answered. ops->claimed says when an
 *	address is claimed (on) and let go (off), so the daemon can keep
 *	it in the kernel's claimed set. The table is bounded
 *	(CAP_CLAIM_SLOTS); nothing is allocated per packet.
 */
#ifndef SLUICE_CAP_CLAIM_H
#define SLUICE_CAP_CLAIM_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "capture/cap_conf.h"

#define CAP_CLAIM_SLOTS 8192

struct cap_claim_ops {
	/* claimed - a is claimed (on = 1, again from time to time while it
	   stays claimed) or let go (on = 0) */
	void (*claimed)(void *ctx, const struct sl_addr *a, int on);
};

struct cap_claim_stats {
	uint64_t requests, probes, answered, claims, released, table_full;
	uint64_t claimed_now;
};

struct cap_claim;

/* cap_claim_open - packet sockets on the interfaces of c->claims; NULL
   with err naming the interface */
struct cap_claim *cap_claim_open(const struct cap_conf *c,
				 const struct cap_claim_ops *ops, void *ctx,
				 char *err, size_t errlen);
/* cap_claim_close - accepts NULL */
void cap_claim_close(struct cap_claim *cl);
/* cap_claim_fd - one pollable descriptor for all the sockets */
int cap_claim_fd(const struct cap_claim *cl);
/* cap_claim_read - what the sockets hold, at monotonic now; 0 or -1 */
int cap_claim_read(struct cap_claim *cl, uint64_t now_ns);
/* cap_claim_arp - one ARP packet (no Ethernet header) seen on claim
   entry i, outgoing or not (cap_claim_read's work, apart for tests) */
void cap_claim_arp(struct cap_claim *cl, size_t i, const uint8_t *p,
		   size_t len, int outgoing, uint64_t now_ns);
/* cap_claim_nd - one IPv6 packet (from its header) seen on claim entry
   i, outgoing or not, from the MAC smac */
void cap_claim_nd(struct cap_claim *cl, size_t i, const uint8_t *p,
		  size_t len, int outgoing, const uint8_t smac[6],
		  uint64_t now_ns);
/* cap_claim_stats - counters */
void cap_claim_stats(const struct cap_claim *cl, struct cap_claim_stats *out);

#endif
