/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sinst - one simulated sluice instance: a real throttle and its
 *	quarantines, in simulated time
 * SYNOPSIS
 *	#include "sinst.h"
 * DESCRIPTION
 *	What sluiced does with a williamson zone, for hosts named by a
 *	32-bit id and destinations by a 32-bit address: each contact goes
 *	to libsluice's throttle(3); a contact that locks the host out is
 *	dropped, its held contacts are dropped, and the host is
 *	quarantined (all its contacts dropped) for quarantine_ns; a
 *	contact the throttle cannot hold passes (fail-open). This is the
 *	decision sequence of verdict_packet(), without packets, events or
 *	outcomes; tests/unit/sim_sinst.c checks the two give the same
 *	decisions for the same contacts.
 *
 *	Held contacts come back through the release callback (pass 1 when
 *	released, 0 when dropped), during sinst_tick() or sinst_contact().
 *	enforce_from delays enforcement (a reaction time): before it every
 *	contact passes untouched.
 */
#ifndef SLUICE_SINST_H
#define SLUICE_SINST_H

#include <stdint.h>
#include "throttle.h"

struct sinst_params {
	struct throttle_params tp;
	uint64_t quarantine_ns;	/* 0: lockout drops, no quarantine */
	uint64_t enforce_from;	/* now before which everything passes */
};

enum sinst_verdict { SINST_PASS, SINST_HOLD, SINST_DROP };

typedef void sinst_fn(void *ctx, uint64_t cookie, int pass);

struct sinst;

/* sinst_create - for host ids 0..nhosts-1; NULL with errno */
struct sinst *sinst_create(const struct sinst_params *p, uint32_t nhosts,
			   const uint8_t seed[16], sinst_fn *fn, void *ctx);
/* sinst_free - accepts NULL */
void sinst_free(struct sinst *s);
/* sinst_contact - decide a contact of host src to address dst */
enum sinst_verdict sinst_contact(struct sinst *s, uint32_t src, uint32_t dst,
				 uint64_t cookie, uint64_t now);
/* sinst_tick - releases due by now */
void sinst_tick(struct sinst *s, uint64_t now);
/* sinst_blocked - is src quarantined at now (its contacts all dropped) */
int sinst_blocked(const struct sinst *s, uint32_t src, uint64_t now);
/* sinst_lockouts - lockouts so far */
uint64_t sinst_lockouts(const struct sinst *s);

#endif
