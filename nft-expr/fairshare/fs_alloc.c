/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_alloc - host classes: one slot per active host, no collisions
 * DESCRIPTION
 *	See fs_alloc.h. The index is a hosttab(3) from key to slot number,
 *	sized so that it never evicts on its own: only this file decides
 *	which host loses its slot. Free slots are a stack. The LRU victim
 *	is found by a pass over the slots: it is needed only when a new
 *	host arrives with the table full, at most a few thousand slots,
 *	and the pass costs less than the class changes that follow it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "fairshare/fs_alloc.h"
#include "fairshare/fs_conf.h"

struct fs_alloc {
	struct hosttab *index;		/* key -> uint32_t slot */
	struct fs_slot *slots;		/* [1..bound]; [0] unused */
	unsigned *free;			/* stack of free slots */
	unsigned nfree, bound;
	uint64_t weights, evictions;
};

/* index_create - a hosttab that holds bound keys without evicting */
static struct hosttab *index_create(unsigned bound, const uint8_t seed[16])
{
	size_t cap = 64 * 1024;
	struct hosttab *t;

	for (;;) {
		t = hosttab_create(sizeof(struct sl_addr), sizeof(uint32_t), cap, seed);
		if (t == NULL || hosttab_capacity(t) >= bound)
			return t;
		hosttab_free(t);
		cap *= 2;
	}
}

/* fs_alloc_create - bound slots; NULL with errno */
struct fs_alloc *fs_alloc_create(unsigned bound, const uint8_t seed[16])
{
	struct fs_alloc *a;
	unsigned i;

	if (bound < 1 || bound > FS_CLASSES_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->bound = bound;
	a->slots = calloc(bound + 1, sizeof(*a->slots));
	a->free = calloc(bound, sizeof(*a->free));
	a->index = index_create(bound, seed);
	if (a->slots == NULL || a->free == NULL || a->index == NULL) {
		fs_alloc_free(a);
		errno = ENOMEM;
		return NULL;
	}
	/* lowest slot on top: the first hosts get the first classes */
	for (i = 0; i < bound; i++)
		a->free[i] = bound - i;
	a->nfree = bound;
	return a;
}

/* fs_alloc_free - accepts NULL */
void fs_alloc_free(struct fs_alloc *a)
{
	if (a == NULL)
		return;
	hosttab_free(a->index);
	free(a->slots);
	free(a->free);
	free(a);
}

/* fs_alloc_key - IPv4 as it is, IPv6 cut to its /64, the rest zero */
void fs_alloc_key(const struct sl_addr *x, struct sl_addr *key)
{
	memset(key, 0, sizeof(*key));
	if (x->family == 4)
		addr_from_bytes(key, 4, x->b);
	else if (x->family == 6)
		(void)prefix_network(x, 64, key);
}

/* fs_alloc_find - the slot of key, 0 if none */
unsigned fs_alloc_find(const struct fs_alloc *a, const struct sl_addr *key)
{
	const uint32_t *v = hosttab_peek(a->index, key);

	return v == NULL ? 0 : *v;
}

/* lru_victim - the uncontained slot active longest ago, 0 if none */
static unsigned lru_victim(const struct fs_alloc *a, uint64_t now)
{
	unsigned i, best = 0;

	for (i = 1; i <= a->bound; i++) {
		const struct fs_slot *s = &a->slots[i];

		if (s->key.family == 0 || s->contained_until > now)
			continue;
		if (best == 0 || s->last_active < a->slots[best].last_active)
			best = i;
	}
	return best;
}

/* fs_alloc_add - a slot for key, evicting the LRU host when full */
unsigned fs_alloc_add(struct fs_alloc *a, const struct sl_addr *key,
		      unsigned weight, uint64_t now, struct sl_addr *evicted)
{
	unsigned slot = fs_alloc_find(a, key);
	uint32_t *v;

	memset(evicted, 0, sizeof(*evicted));
	if (slot != 0)
		return slot;
	if (a->nfree == 0) {
		if ((slot = lru_victim(a, now)) == 0)
			return 0;
		*evicted = a->slots[slot].key;
		(void)fs_alloc_release(a, slot);
		a->evictions++;
	}
	slot = a->free[--a->nfree];
	v = hosttab_put(a->index, key, NULL);
	*v = slot;
	memset(&a->slots[slot], 0, sizeof(a->slots[slot]));
	a->slots[slot].key = *key;
	a->slots[slot].weight = weight ? weight : 1;
	a->slots[slot].last_active = now;
	a->weights += a->slots[slot].weight;
	return slot;
}

/* fs_alloc_release - slot back on the stack */
int fs_alloc_release(struct fs_alloc *a, unsigned slot)
{
	struct fs_slot *s = fs_alloc_slot(a, slot);

	if (s == NULL || s->key.family == 0)
		return -1;
	(void)hosttab_del(a->index, &s->key);
	a->weights -= s->weight;
	memset(s, 0, sizeof(*s));
	a->free[a->nfree++] = slot;
	return 0;
}

/* fs_alloc_slot - slot's record, NULL outside 1..bound */
struct fs_slot *fs_alloc_slot(struct fs_alloc *a, unsigned slot)
{
	return slot >= 1 && slot <= a->bound ? &a->slots[slot] : NULL;
}

/* fs_alloc_count - slots taken */
unsigned fs_alloc_count(const struct fs_alloc *a)
{
	return a->bound - a->nfree;
}

/* fs_alloc_bound - slots there are */
unsigned fs_alloc_bound(const struct fs_alloc *a)
{
	return a->bound;
}

/* fs_alloc_weights - taken slots' weights summed */
uint64_t fs_alloc_weights(const struct fs_alloc *a)
{
	return a->weights;
}

/* fs_alloc_evictions - slots taken from a host for another */
uint64_t fs_alloc_evictions(const struct fs_alloc *a)
{
	return a->evictions;
}
