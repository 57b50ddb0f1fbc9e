/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdharden - throttle harder: one host's smaller set, slower releases
 * SYNOPSIS
 *	#include "verdict/vdharden.h"
 * DESCRIPTION
 *	The countermeasure "throttle harder" without [fairshare]: the host
 *	keeps [countermeasures] harder_wset_size working-set slots and gets
 *	one release each harder_release_interval (rounded up to a whole
 *	number of its zone's release intervals: releases stay on the
 *	zone's grid) until it is softened again. Its kernel fast-path
 *	pairs follow at once: destinations beyond the smaller set leave
 *	the kernel before the engine's next answer.
 */
#ifndef SLUICE_VDHARDEN_H
#define SLUICE_VDHARDEN_H

#include <stdint.h>
#include "addr.h"

struct verdict;

/* vdharden_set - throttle the host of a harder (on) or as its zone
   says again (off); -1 if whitelisted, not in a williamson zone or no
   room */
int vdharden_set(struct verdict *v, const struct sl_addr *a, int on,
		 uint64_t now);

#endif
