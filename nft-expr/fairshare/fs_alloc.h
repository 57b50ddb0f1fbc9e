/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_alloc - host classes: one slot per active host, no collisions
 * SYNOPSIS
 *	#include "fairshare/fs_alloc.h"
 * DESCRIPTION
 *	A bounded table of slots 1..bound (slot 0 is the class of traffic
 *	no host owns). A host (an IPv4 address, or the /64 of an IPv6 one:
 *	fs_alloc_key) gets a slot of its own, found again through an exact
 *	index, so two hosts never share a class the way a hash of
 *	addresses into buckets would make them. When every slot is taken,
 *	the least recently active host that is not contained gives its
 *	slot up (a contained host that lost its class would escape its
 *	containment). Pure: time is passed in, nothing is installed here.
 */
#ifndef SLUICE_FS_ALLOC_H
#define SLUICE_FS_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

struct fs_slot {
	struct sl_addr key;		/* family 0: free */
	unsigned weight;		/* the zone's share, 1 outside zones */
	uint64_t last_active;		/* ns */
	uint64_t contained_until;	/* ns, 0 = not contained */
	uint64_t seen_bytes;		/* class bytes at the last look */
};

struct fs_alloc;

/* fs_alloc_create - bound slots (1..FS_CLASSES_MAX); NULL with errno */
struct fs_alloc *fs_alloc_create(unsigned bound, const uint8_t seed[16]);
/* fs_alloc_free - accepts NULL */
void fs_alloc_free(struct fs_alloc *a);
/* fs_alloc_key - the key of address x: IPv6 cut to its /64 */
void fs_alloc_key(const struct sl_addr *x, struct sl_addr *key);
/* fs_alloc_find - the slot of key, 0 if it has none */
unsigned fs_alloc_find(const struct fs_alloc *a, const struct sl_addr *key);
/* fs_alloc_add - a slot for key (its own if it has one); when all are
   taken, the least recently active uncontained host's, whose key goes
   to *evicted (family 0 if none was); 0 if every host is contained */
unsigned fs_alloc_add(struct fs_alloc *a, const struct sl_addr *key,
		      unsigned weight, uint64_t now, struct sl_addr *evicted);
/* fs_alloc_release - give slot back; -1 if it was free */
int fs_alloc_release(struct fs_alloc *a, unsigned slot);
/* fs_alloc_slot - slot's record (1..bound), NULL outside */
struct fs_slot *fs_alloc_slot(struct fs_alloc *a, unsigned slot);
/* fs_alloc_count - slots taken */
unsigned fs_alloc_count(const struct fs_alloc *a);
/* fs_alloc_bound - slots there are */
unsigned fs_alloc_bound(const struct fs_alloc *a);
/* fs_alloc_weights - the weights of the taken slots, summed */
uint64_t fs_alloc_weights(const struct fs_alloc *a);
/* fs_alloc_evictions - slots taken from a host for another */
uint64_t fs_alloc_evictions(const struct fs_alloc *a);

#endif
