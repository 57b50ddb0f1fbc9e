/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	delayq - bounded pool of delay queues of held requests
 * SYNOPSIS
 *	#include "delayq.h"
 * DESCRIPTION
 *	Items are 16 bytes (cookie, next index, tag) in one array with a
 *	free list; a queue is a circular singly linked list reached from
 *	its tail, so one index gives both ends. Each non-empty queue has a
 *	descriptor (owner, tail, length) in a dense array, which is what
 *	the throttle walks once per release interval; removing one moves
 *	the last descriptor into its place and renumbers that owner's
 *	handle. Indices are stored plus one so that zero means none.
 */
#include <errno.h>
#include <stdlib.h>

#include "delayq.h"

#define DQ_MAX_HELD (1u << 30)

struct dq_item {
	uint64_t cookie;
	uint32_t next;		/* next item (circular), or free list */
	uint32_t tag;
};

struct dq_desc {
	uint32_t *owner;	/* the key's handle: this index + 1 */
	uint32_t tail;		/* last item; its next is the head */
	uint32_t len;
};

struct delayq {
	struct dq_item *item;
	struct dq_desc *desc;
	uint32_t max, held, ndesc, freelist, top;
};

/* delayq_bytes_for - bytes a pool of max_held items allocates */
size_t delayq_bytes_for(uint32_t max_held)
{
	return sizeof(struct delayq) + (size_t)max_held
	    * (sizeof(struct dq_item) + sizeof(struct dq_desc));
}

/* delayq_create - pool of max_held items; NULL with errno */
struct delayq *delayq_create(uint32_t max_held)
{
	struct delayq *q;

	if (max_held == 0 || max_held > DQ_MAX_HELD) {
		errno = EINVAL;
		return NULL;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->max = max_held;
	q->item = malloc((size_t)max_held * sizeof(*q->item));
	q->desc = malloc((size_t)max_held * sizeof(*q->desc));
	if (q->item == NULL || q->desc == NULL) {
		delayq_free(q);
		errno = ENOMEM;
		return NULL;
	}
	return q;
}

/* delayq_free - accepts NULL */
void delayq_free(struct delayq *q)
{
	if (q == NULL)
		return;
	free(q->item);
	free(q->desc);
	free(q);
}

/* delayq_bytes - bytes this pool allocated */
size_t delayq_bytes(const struct delayq *q)
{
	return delayq_bytes_for(q->max);
}

/* delayq_held - items held, all queues together */
uint32_t delayq_held(const struct delayq *q)
{
	return q->held;
}

/* dq_at - item of index i (1-based) */
static inline struct dq_item *dq_at(const struct delayq *q, uint32_t i)
{
	return &q->item[i - 1];
}

/* dq_item_alloc - a free item index, or 0 */
static uint32_t dq_item_alloc(struct delayq *q)
{
	uint32_t i;

	if ((i = q->freelist) != 0) {
		q->freelist = dq_at(q, i)->next;
		return i;
	}
	/* Hand out fresh items in order: untouched pages stay unmapped. */
	return q->top < q->max ? ++q->top : 0;
}

/* dq_item_free - return item i to the free list */
static void dq_item_free(struct delayq *q, uint32_t i)
{
	dq_at(q, i)->next = q->freelist;
	q->freelist = i;
	q->held--;
}

/* dq_desc_free - drop the (now empty) queue of *owner */
static void dq_desc_free(struct delayq *q, uint32_t *owner)
{
	uint32_t d = *owner - 1;

	*owner = 0;
	if (d != --q->ndesc) {
		q->desc[d] = q->desc[q->ndesc];
		*q->desc[d].owner = d + 1;
	}
}

/* delayq_push - append to *owner's queue; 0, or -1 when the pool is full */
int delayq_push(struct delayq *q, uint32_t *owner, uint64_t cookie,
		uint32_t tag)
{
	struct dq_desc *d;
	uint32_t i;

	if ((i = dq_item_alloc(q)) == 0)
		return -1;
	dq_at(q, i)->cookie = cookie;
	dq_at(q, i)->tag = tag;
	q->held++;
	if (*owner == 0) {
		d = &q->desc[q->ndesc++];
		d->owner = owner;
		d->len = 0;
		dq_at(q, i)->next = i;
		*owner = q->ndesc;
	} else {
		d = &q->desc[*owner - 1];
		dq_at(q, i)->next = dq_at(q, d->tail)->next;
		dq_at(q, d->tail)->next = i;
	}
	d->tail = i;
	d->len++;
	return 0;
}

/* delayq_len - items in the queue of handle qd (0 for none) */
uint32_t delayq_len(const struct delayq *q, uint32_t qd)
{
	return qd ? q->desc[qd - 1].len : 0;
}

/* dq_take - unlink item i whose predecessor is prev; tell fn */
static void dq_take(struct delayq *q, struct dq_desc *d, uint32_t prev,
		    uint32_t i, delayq_fn *fn, void *ctx)
{
	uint64_t cookie = dq_at(q, i)->cookie;

	dq_at(q, prev)->next = dq_at(q, i)->next;
	if (d->tail == i)
		d->tail = prev;
	d->len--;
	dq_item_free(q, i);
	if (fn)
		fn(ctx, d->owner, cookie);
}

/* delayq_release - take the head and every item with the same tag */
size_t delayq_release(struct delayq *q, uint32_t *owner, uint32_t *tag,
		      delayq_fn *fn, void *ctx)
{
	struct dq_desc *d;
	uint32_t prev, i, n, want;
	size_t taken = 0;

	if (*owner == 0)
		return 0;
	d = &q->desc[*owner - 1];
	want = dq_at(q, dq_at(q, d->tail)->next)->tag;
	*tag = want;
	/* Walk the circle once, from the head, unlinking every match. */
	prev = d->tail;
	for (n = d->len; n > 0; n--) {
		i = dq_at(q, prev)->next;
		if (dq_at(q, i)->tag == want) {
			dq_take(q, d, prev, i, fn, ctx);
			taken++;
		} else {
			prev = i;
		}
	}
	if (d->len == 0)
		dq_desc_free(q, owner);
	return taken;
}

/* delayq_drain - take every item of *owner's queue; returns the count */
size_t delayq_drain(struct delayq *q, uint32_t *owner, delayq_fn *fn,
		    void *ctx)
{
	struct dq_desc *d;
	size_t taken = 0;

	if (*owner == 0)
		return 0;
	d = &q->desc[*owner - 1];
	while (d->len > 0) {
		dq_take(q, d, d->tail, dq_at(q, d->tail)->next, fn, ctx);
		taken++;
	}
	dq_desc_free(q, owner);
	return taken;
}

/* delayq_walk - each item of a queue, head first, without taking it */
void delayq_walk(const struct delayq *q, uint32_t qd, delayq_item_fn *fn,
		 void *ctx)
{
	const struct dq_desc *d;
	uint32_t i, n;

	if (qd == 0)
		return;
	d = &q->desc[qd - 1];
	i = d->tail;
	for (n = d->len; n > 0; n--) {
		i = dq_at(q, i)->next;
		fn(ctx, dq_at(q, i)->cookie, dq_at(q, i)->tag);
	}
}

/* delayq_active - non-empty queues */
uint32_t delayq_active(const struct delayq *q)
{
	return q->ndesc;
}

/* delayq_owner - owner of the i-th non-empty queue (i < active) */
uint32_t *delayq_owner(const struct delayq *q, uint32_t i)
{
	return q->desc[i].owner;
}
