/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarshare - quarantines shared between gateways through Redis
 * SYNOPSIS
 *	#include "quarantine/quarshare.h"
 * DESCRIPTION
 *	With [core] redis set, every quarantine this sluiced starts and
 *	every one it lifts (lockout, countermeasure, operator: they all
 *	reach the kernel set through one call, op_quarantine, which calls
 *	quarshare_changed) is published: the address with its time left
 *	in a sorted set (score: the end, on Redis's clock), and one entry
 *	in a stream (op q or u, address, TTL, node) that every other
 *	sluiced reads five times a second and applies through quar(3)
 *	with reason "shared": whitelisted addresses are refused there, so
 *	each node's whitelist overrides what it receives. Whitelists
 *	never travel. At start, and after Redis came back, the active set
 *	is loaded first, with its time left.
 *
 *	Publishing waits for the next tick (at most QUARSHARE_PENDING
 *	changes; beyond, the oldest wait is dropped and counted): the
 *	packet path never waits on Redis. Redis down: the changes are
 *	kept for it (same bound), logged once, retried once a second.
 */
#ifndef SLUICE_QUARSHARE_H
#define SLUICE_QUARSHARE_H

#include <stdint.h>
#include "addr.h"

#define QUARSHARE_PENDING 1024
#define QUARSHARE_POLL_NS (200 * 1000000ULL)

struct sluiced;
struct quarshare;

struct quarshare_stats {
	uint64_t published, received, refused, dropped, fallbacks;
	int shared;
};

/* quarshare_start - with [core] redis: the client, the set loaded at
   the first tick; s->share stays NULL without redis */
void quarshare_start(struct sluiced *s);
/* quarshare_stop - accepts a NULL share */
void quarshare_stop(struct sluiced *s);
/* quarshare_changed - a quarantine of a begins (ttl_ns) or ends (0) */
void quarshare_changed(struct sluiced *s, const struct sl_addr *a,
		       uint64_t ttl_ns);
/* quarshare_next - when quarshare_tick has work (UINT64_MAX: never) */
uint64_t quarshare_next(const struct sluiced *s);
/* quarshare_tick - load, publish what waits, apply what others did */
void quarshare_tick(struct sluiced *s, uint64_t now);
/* quarshare_stats - counters (zeros without a share) */
void quarshare_stats(const struct sluiced *s, struct quarshare_stats *out);

#endif
