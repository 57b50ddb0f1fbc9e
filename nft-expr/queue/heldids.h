/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	heldids - packet ids of one queue that wait for a later verdict
 * SYNOPSIS
 *	#include "queue/heldids.h"
 * DESCRIPTION
 *	A batch verdict answers every packet of a queue up to an id, so
 *	nfq must know the oldest packet it still holds. Ids arrive in
 *	increasing order (modulo 2^32), are removed in any order, and the
 *	oldest live one is always at hand: a sorted array with tombstones,
 *	found by binary search, compacted as the head advances.
 */
#ifndef SLUICE_HELDIDS_H
#define SLUICE_HELDIDS_H

#include <stddef.h>
#include <stdint.h>

struct heldids;

/* heldids_create - empty; NULL on ENOMEM */
struct heldids *heldids_create(void);
/* heldids_free - accepts NULL */
void heldids_free(struct heldids *h);
/* heldids_add - id newer than every id added before; -1 ENOMEM or
   EINVAL (out of order) */
int heldids_add(struct heldids *h, uint32_t id);
/* heldids_del - forget id; -1 if not held */
int heldids_del(struct heldids *h, uint32_t id);
/* heldids_oldest - 1 and *id of the oldest live id, 0 if none */
int heldids_oldest(const struct heldids *h, uint32_t *id);
/* heldids_newest - 1 and *id of the newest live id, 0 if none */
int heldids_newest(const struct heldids *h, uint32_t *id);
/* heldids_count - live ids */
size_t heldids_count(const struct heldids *h);
/* heldids_clear - forget all */
void heldids_clear(struct heldids *h);
/* heldids_before - id a older than id b, modulo 2^32 (the kernel's
   packet ids wrap); the one comparison the queue room uses */
static inline int heldids_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

#endif
