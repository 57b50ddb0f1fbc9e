/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdhost - views of the verdict engine's host records
 * SYNOPSIS
 *	#include "verdict/vdhost.h"
 * DESCRIPTION
 *	One tracked source as sluicectl hosts and show print it.
 */
#ifndef SLUICE_VDHOST_H
#define SLUICE_VDHOST_H

#include <stdint.h>
#include "addr.h"
#include "verdict/verdict.h"

/* one tracked source host, for sluicectl hosts and show */
struct verdict_host {
	struct sl_addr addr;		/* IPv6 cut to v6_prefix */
	const char *zone;		/* NULL if no zone holds it now */
	int mode;			/* enum sd_mode */
	unsigned queued;		/* packets held now */
	unsigned wset_used;
	int locked;			/* delay queue over the watermark */
	uint64_t quarantine_left_ns;	/* 0 = not quarantined */
	int32_t credit;
	double trw_ratio;
	int trw_state;			/* enum trw_state */
	uint32_t contacts, delayed, dropped, ok, failed;
	int observe;			/* its zone observes: nothing is held */
	uint32_t observed;		/* packets it would have held or dropped */
	uint64_t idle_ns;		/* since its last packet */
};

typedef int vdhost_walk_fn(void *ctx, const struct verdict_host *h);

/* vdhost_show - one host; -1 if unknown */
int vdhost_show(struct verdict *v, const struct sl_addr *a, uint64_t now,
		struct verdict_host *out);
/* vdhost_walk - every tracked host, most recent first if recent_first
   (about a second per million hosts), else in table order (one quick
   pass) */
void vdhost_walk(struct verdict *v, uint64_t now, int recent_first,
		 vdhost_walk_fn *fn, void *ctx);

#endif
