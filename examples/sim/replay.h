/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	replay - what sluiced would have done to a site's recorded flows
 * SYNOPSIS
 *	#include "replay.h"
 * DESCRIPTION
 *	Feeds flow records, in the order of their timestamps, through
 *	sluiced's own decision engine (verdict(3) of nft-expr/, with the
 *	zones, modes, working sets, delay queues, credit, TRW and
 *	quarantines of the same sluice.conf) in simulated time: the
 *	records' timestamps are the engine's clock, and between records
 *	the engine's timers run as they would have. Nothing touches a
 *	network: the engine's verdicts, holds, quarantines and events come
 *	back here and are tallied per source host.
 *
 *	A flow the engine held starts late, so its outcome (reply or
 *	failure) is shifted by the same delay before it reaches the engine;
 *	a flow it dropped has no outcome. Records may arrive out of order
 *	by up to reorder_ns (Zeek writes a connection when it ends); an
 *	older one is replayed at the current time and counted as late.
 */
#ifndef SLUICE_REPLAY_H
#define SLUICE_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "flowrec.h"
#include "daemon/sdconf.h"

#define REPLAY_LOCKS 4		/* lockouts remembered per host */
#define REPLAY_PORTS 4		/* destination ports counted per host */

struct replay_lock {
	uint64_t at_ns;		/* since the first record */
	struct sl_addr dst;
	uint16_t dport;
};

struct replay_host {
	/* per flow: the key and the counters, in the first cache line */
	uint8_t key[16];	/* the engine's host key: the table's key */
	uint64_t flows, accepted, delayed, dropped;
	/* the rest is touched only when sluice would act */
	struct sl_addr addr;
	const char *zone;	/* NULL: in no zone */
	int mode;		/* enum sd_mode, if zoned */
	uint64_t first_contacts, ok, failed;
	uint64_t *delays;	/* ns, one per delayed flow */
	size_t ndelays, cap;
	unsigned lockouts, quarantines, trw_scanner;
	uint64_t trw_at_ns;	/* when TRW called it a scanner */
	struct replay_lock lock[REPLAY_LOCKS];	/* the first lockouts */
	uint16_t port[REPLAY_PORTS];	/* most held destination ports */
	uint64_t port_n[REPLAY_PORTS];
} __attribute__((aligned(64)));

struct replay_totals {
	uint64_t records, starts, outcomes, late, duplicates, orphans;
	uint64_t first_ns, last_ns;	/* record times seen (wall ns) */
};

struct replay;

/* replay_create - an engine over conf (borrowed); NULL with err */
struct replay *replay_create(const struct sd_conf *conf, uint64_t reorder_ns,
			     char *err, size_t errlen);
/* replay_free - accepts NULL */
void replay_free(struct replay *r);
/* replay_record - one record */
void replay_record(struct replay *r, const struct flowrec *rec);
/* replay_finish - the records are over: run the clock until every
   held flow is answered */
void replay_finish(struct replay *r);
/* replay_hosts - every source host seen, sorted (most delayed first);
   the array belongs to r */
const struct replay_host *const *replay_hosts(struct replay *r, size_t *n);
/* replay_totals - record counts */
void replay_totals(const struct replay *r, struct replay_totals *out);
/* replay_quantile - q-quantile (0..1, nearest rank) of h's delays */
uint64_t replay_quantile(struct replay_host *h, double q);

#endif
