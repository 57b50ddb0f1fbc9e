/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnssnoop - the resolvers' answers, read passively, per client
 * SYNOPSIS
 *	#include "dns/dnssnoop.h"
 * DESCRIPTION
 *	dnssnoop_packet() takes one logged packet (network header first):
 *	a UDP or TCP segment from port 53, whose destination is the client
 *	that asked. Each DNS message in it (UDP: the datagram; TCP: every
 *	length-prefixed message the segment completes, put together over
 *	segments by dnsreasm(3)) is read by dnsmsg(3),
 *	and each A and AAAA record of its answer section (a CNAME chain's
 *	final addresses among them) justifies that client's contacts to
 *	the address in dnscorr(3) for max(TTL, ttl_floor). A malformed
 *	message is counted and dropped; a message cut by the copy range, or
 *	spread over TCP segments and lost (a lost segment, no room), is
 *	counted as truncated.
 *
 *	dnssnoop_justified() is the question the verdict path asks for a
 *	first contact: one hash lookup. dnssnoop_resolver() says whether an
 *	address has sent answers we read (a short list, asked only when a
 *	contact was not justified). No I/O: the caller reads NFLOG.
 */
#ifndef SLUICE_DNSSNOOP_H
#define SLUICE_DNSSNOOP_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

#define DNSSNOOP_RESOLVERS 16	/* answering addresses remembered */

struct dnssnoop_stats {
	uint64_t packets;	/* logged packets read */
	uint64_t answers;	/* DNS responses read whole */
	uint64_t records;	/* A and AAAA records recorded */
	uint64_t malformed;	/* not IP, not from port 53, or a broken message */
	uint64_t truncated;	/* cut by the copy range, or lost over segments */
	uint64_t no_memory;	/* records dnscorr could not keep */
	size_t pairs;		/* (client, address) pairs held */
};

struct dnssnoop;

/* dnssnoop_create - ttl_floor_ns and mem_cap as dnscorr_create; NULL
   with errno */
struct dnssnoop *dnssnoop_create(uint64_t ttl_floor_ns, size_t mem_cap,
				 const uint8_t seed[16]);
/* dnssnoop_free - accepts NULL */
void dnssnoop_free(struct dnssnoop *s);
/* dnssnoop_packet - read one logged reply; the records it recorded, or
   -1 if it was malformed or truncated (counted) */
int dnssnoop_packet(struct dnssnoop *s, const uint8_t *pkt, size_t len,
		    uint64_t now);
/* dnssnoop_justified - 1 if an answer to client named dst and lives */
int dnssnoop_justified(struct dnssnoop *s, const struct sl_addr *client,
		       const struct sl_addr *dst, uint64_t now);
/* dnssnoop_resolver - 1 if a sends answers we read */
int dnssnoop_resolver(const struct dnssnoop *s, const struct sl_addr *a);
/* dnssnoop_stats - counters and the pairs held */
void dnssnoop_stats(const struct dnssnoop *s, struct dnssnoop_stats *out);

#endif
