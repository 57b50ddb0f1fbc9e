/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	throttle_int - throttle internals shared by throttle.c and
 *	throttle_save.c
 * DESCRIPTION
 *	Not for use outside the throttle module.
 */
#ifndef SLUICE_THROTTLE_INT_H
#define SLUICE_THROTTLE_INT_H

#include <stdint.h>

#include "clock.h"
#include "throttle.h"
#include "wset.h"

#define TH_LOCKED	0x01	/* locked out */
#define TH_MANUAL	0x02	/* by throttle_lock: watermarks do not lift it */
#define TH_FLAGS	(TH_LOCKED | TH_MANUAL)
#define TH_MAX_HIGH	1000000u
#define TH_MAX_HELD	(1u << 30)
#define TH_MIN_TABLE	(64u * 1024)
#define TH_BATCH	64	/* records fetched together by a batch */

/* Per-key record, the host table's value: 20 + 4 * wset_size bytes. */
struct th_host {
	uint32_t qd;		/* delay queue handle (delayq); first field */
	uint32_t seen_ms;	/* last contact, monotonic ms mod 2^32 */
	uint32_t epoch;		/* last period accounted for */
	uint32_t locked_ms;	/* lockout, monotonic ms mod 2^32 */
	uint8_t used;		/* working-set slots in use */
	uint8_t flags;		/* TH_* */
	uint8_t hset;		/* throttle_harden: slots; 0 = wset_size */
	uint8_t hevery;		/* throttle_harden: periods a release */
	uint32_t tag[];		/* working set, most recently used first */
};

struct throttle {
	struct throttle_params p;
	size_t key_len;
	struct hosttab *hosts;
	struct delayq *q;
	struct wset_key wkey;
	uint8_t seed[16];
	throttle_fn *fn;
	void *ctx;
	uint64_t next_release;	/* next period boundary, if any queue */
	uint64_t last_now;	/* latest now seen */
	uint64_t ep_start;	/* cached period of ep_start.. */
	uint32_t ep;
	size_t locked;
	uint64_t passed, holds, releases, lockouts, refused, full;
};

struct th_report {
	struct throttle *t;
	enum throttle_why why;
};

/* th_ms - 32-bit millisecond stamp of now */
static inline uint32_t th_ms(uint64_t now)
{
	return (uint32_t)(now / NS_PER_MS);
}

/* th_slots - the working-set slots h may use (throttle_harden) */
static inline unsigned th_slots(const struct throttle *t,
				const struct th_host *h)
{
	return h->hset != 0 && h->hset < t->p.wset_size ? h->hset
	    : t->p.wset_size;
}

/* th_drain - empty h's queue, reporting every cookie with why */
size_t th_drain(struct throttle *t, struct th_host *h, enum throttle_why why);
/* th_adopt - point the host table's eviction callback at t */
void th_adopt(struct throttle *t);
/* th_rebuild - new sizes: copy the state into a new throttle (save/load) */
int th_rebuild(struct throttle *t, const struct throttle_params *p);

#endif
