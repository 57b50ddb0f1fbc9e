/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	heldids - packet ids of one queue that wait for a later verdict
 * SYNOPSIS
 *	#include "queue/heldids.h"
 * DESCRIPTION
 *	Entries [head, tail) of ids[] are in increasing order relative to
 *	ids[head]; dead[] marks removed ones. Tombstones at either end are
 *	trimmed at once, so head and tail-1 are always live, and the array
 *	is compacted when the dead outnumber the living.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "queue/heldids.h"

#define HELD_MIN_CAP 64

struct heldids {
	uint32_t *ids;
	uint8_t *dead;
	size_t head, tail, cap, live;
};

/* heldids_create - empty; NULL on ENOMEM */
struct heldids *heldids_create(void)
{
	return calloc(1, sizeof(struct heldids));
}

/* heldids_free - accepts NULL */
void heldids_free(struct heldids *h)
{
	if (h == NULL)
		return;
	free(h->ids);
	free(h->dead);
	free(h);
}

/* compact - drop tombstones, move the live ids to the front */
static void compact(struct heldids *h)
{
	size_t i, n = 0;

	for (i = h->head; i < h->tail; i++)
		if (!h->dead[i]) {
			h->ids[n] = h->ids[i];
			h->dead[n++] = 0;
		}
	h->head = 0;
	h->tail = n;
}

/* grow - room for one more at tail */
static int grow(struct heldids *h)
{
	size_t cap;
	uint32_t *ids;
	uint8_t *dead;

	if (h->tail < h->cap)
		return 0;
	compact(h);
	if (h->tail < h->cap && h->tail < h->cap * 3 / 4)
		return 0;
	cap = h->cap ? h->cap * 2 : HELD_MIN_CAP;
	ids = realloc(h->ids, cap * sizeof(*ids));
	if (ids == NULL)
		return -1;
	h->ids = ids;
	dead = realloc(h->dead, cap);
	if (dead == NULL)
		return -1;
	h->dead = dead;
	h->cap = cap;
	return 0;
}

/* heldids_add - id newer than every id added before */
int heldids_add(struct heldids *h, uint32_t id)
{
	if (h->live > 0 && !heldids_before(h->ids[h->tail - 1], id)) {
		errno = EINVAL;
		return -1;
	}
	if (grow(h) < 0) {
		errno = ENOMEM;
		return -1;
	}
	h->ids[h->tail] = id;
	h->dead[h->tail++] = 0;
	h->live++;
	return 0;
}

/* find - index of id in [head, tail), or -1 */
static long find(const struct heldids *h, uint32_t id)
{
	size_t lo = h->head, hi = h->tail, mid;
	uint32_t base;

	if (h->live == 0)
		return -1;
	base = h->ids[h->head];
	/* offsets from the oldest are increasing, even across a wrap */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->ids[mid] - base < id - base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->tail && h->ids[lo] == id ? (long)lo : -1;
}

/* heldids_del - forget id; -1 if not held */
int heldids_del(struct heldids *h, uint32_t id)
{
	long i = find(h, id);

	if (i < 0 || h->dead[i])
		return -1;
	h->dead[i] = 1;
	h->live--;
	while (h->head < h->tail && h->dead[h->head])
		h->head++;
	while (h->tail > h->head && h->dead[h->tail - 1])
		h->tail--;
	if (h->live == 0)
		h->head = h->tail = 0;
	else if (h->tail - h->head > 2 * h->live + HELD_MIN_CAP)
		compact(h);
	return 0;
}

/* heldids_oldest - 1 and *id of the oldest live id, 0 if none */
int heldids_oldest(const struct heldids *h, uint32_t *id)
{
	if (h->live == 0)
		return 0;
	*id = h->ids[h->head];
	return 1;
}

/* heldids_newest - 1 and *id of the newest live id, 0 if none */
int heldids_newest(const struct heldids *h, uint32_t *id)
{
	if (h->live == 0)
		return 0;
	*id = h->ids[h->tail - 1];
	return 1;
}

/* heldids_count - live ids */
size_t heldids_count(const struct heldids *h)
{
	return h->live;
}

/* heldids_clear - forget all */
void heldids_clear(struct heldids *h)
{
	h->head = h->tail = h->live = 0;
}
