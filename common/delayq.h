/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	delayq - bounded pool of delay queues of held requests
 * SYNOPSIS
 *	#include "delayq.h"
 * DESCRIPTION
 *	One pool of max_held items (a 64-bit cookie and a destination
 *	tag) serves every key's queue. A key's queue is named by a handle,
 *	a uint32_t the key stores in its own record (0 = empty queue); the
 *	pool keeps the address of that handle (the owner) so it can walk
 *	the non-empty queues and renumber a handle when queues move. The
 *	owner must therefore stay put while its queue is non-empty (host
 *	table values do) and is usually the first field of the record.
 *
 *	Callbacks receive the owner and the cookie, and must not modify
 *	the pool.
 */
#ifndef SLUICE_DELAYQ_H
#define SLUICE_DELAYQ_H

#include <stddef.h>
#include <stdint.h>

struct delayq;
typedef void delayq_fn(void *ctx, uint32_t *owner, uint64_t cookie);
typedef void delayq_item_fn(void *ctx, uint64_t cookie, uint32_t tag);

/* delayq_create - pool of max_held items; NULL with errno */
struct delayq *delayq_create(uint32_t max_held);
/* delayq_free - accepts NULL */
void delayq_free(struct delayq *q);
/* delayq_bytes_for - bytes a pool of max_held items allocates */
size_t delayq_bytes_for(uint32_t max_held);
/* delayq_bytes - bytes this pool allocated */
size_t delayq_bytes(const struct delayq *q);
/* delayq_held - items held, all queues together */
uint32_t delayq_held(const struct delayq *q);
/* delayq_push - append to *owner's queue; 0, or -1 when the pool is full */
int delayq_push(struct delayq *q, uint32_t *owner, uint64_t cookie,
		uint32_t tag);
/* delayq_len - items in the queue of handle qd (0 for none) */
uint32_t delayq_len(const struct delayq *q, uint32_t qd);
/* delayq_release - take the head and every item with the same tag;
   *tag gets it; returns the count */
size_t delayq_release(struct delayq *q, uint32_t *owner, uint32_t *tag,
		      delayq_fn *fn, void *ctx);
/* delayq_drain - take every item of *owner's queue; returns the count */
size_t delayq_drain(struct delayq *q, uint32_t *owner, delayq_fn *fn,
		    void *ctx);
/* delayq_walk - each item of a queue, head first, without taking it */
void delayq_walk(const struct delayq *q, uint32_t qd, delayq_item_fn *fn,
		 void *ctx);
/* delayq_active - non-empty queues */
uint32_t delayq_active(const struct delayq *q);
/* delayq_owner - owner of the i-th non-empty queue (i < active) */
uint32_t *delayq_owner(const struct delayq *q, uint32_t i);

#endif
