/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdharden - throttle harder: one host's smaller set, slower releases
 * SYNOPSIS
 *	#include "verdict/vdharden.h"
 * DESCRIPTION
 *	The throttle keeps the per-host limits (throttle_harden); this
 *	file turns the [countermeasures] keys into them for the host's
 *	zone and brings the fast path's pairs in line with the cut set.
 */
#include "verdict/vd.h"
#include "verdict/vdharden.h"

/* vdharden_set - throttle the host of a harder, or as its zone says */
int vdharden_set(struct verdict *v, const struct sl_addr *a, int on,
		 uint64_t now)
{
	const struct coreconf_cm *cm = &v->conf->cm;
	uint8_t key[HOSTKEY_LEN];
	struct vzone *z = vd_zone_of(v, a);
	uint64_t rel, every = 0;
	unsigned slots = 0;

	if (vd_whitelisted(v, a) || z == NULL || z->thr == NULL)
		return -1;
	hostkey_make(a, v->conf->v6_prefix, key);
	if (on) {
		rel = z->p->release_ns;
		slots = cm->harder_wset_size;
		every = (cm->harder_release_ns + rel - 1) / rel;
	}
	v->now = now;
	if (throttle_harden(z->thr, key, slots, (unsigned)every, now) < 0)
		return -1;
	/* the pairs beyond the cut set leave the kernel (committed before
	   the next answer: fast_dirty) */
	vdfast_contact(v, z, key, NULL, now);
	return 0;
}
