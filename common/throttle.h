/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	throttle - Williamson's virus throttle: working set and delay queue
 * SYNOPSIS
 *	#include "throttle.h"
 * DESCRIPTION
 *	Per key (a source host, a mail sender) the throttle keeps the
 *	wset_size most recently contacted destinations (as keyed 32-bit
 *	tags) and a delay queue of held requests. A contact to a
 *	destination in the working set, or one that fits in a free slot,
 *	passes. Any other is held: the caller's 64-bit cookie (a packet
 *	id, a queue id index) is queued and handed back by throttle_tick()
 *	when released. Every release_ns each non-empty queue releases its
 *	head, together with every other queued request to the same
 *	destination, and that destination enters the working set in place
 *	of the least recently used one.
 *
 *	A queue longer than `high` locks the key out: further contacts are
 *	refused (THROTTLE_LOCKED) and not queued, while the queue keeps
 *	draining; once it is shorter than `low` the key is unlocked and the
 *	release callback is told (THROTTLE_UNLOCKED). The caller reacts to
 *	the THROTTLE_LOCKOUT transition (quarantine, events), and may drop
 *	the held requests with throttle_flush().
 *
 *	Memory is bounded: hosts by mem_cap (least recently used evicted,
 *	their held requests released first, fail-open), held requests by
 *	max_held (THROTTLE_FULL when the pool is exhausted: the caller
 *	chooses; the daemons pass, fail-open).
 */
#ifndef SLUICE_THROTTLE_H
#define SLUICE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct throttle_params {
	unsigned wset_size;	/* N, 1..64; default 5 */
	uint64_t release_ns;	/* default 1 s */
	unsigned high, low;	/* watermarks, low < high; 100/60 (net) */
	size_t mem_cap;		/* bytes for hosts and held requests */
	unsigned max_held;	/* held requests, all keys together */
};

enum throttle_verdict {
	THROTTLE_PASS,		/* in the working set or fitted in */
	THROTTLE_HOLD,		/* queued; released later by tick */
	THROTTLE_LOCKOUT,	/* this contact locked the key out */
	THROTTLE_LOCKED,	/* key already locked out; not queued */
	THROTTLE_FULL,		/* no room to hold it; not queued */
};

enum throttle_why {
	THROTTLE_RELEASED,	/* cookie's turn came (or flush release) */
	THROTTLE_DROPPED,	/* cookie dropped by throttle_flush(drop) */
	THROTTLE_EVICTED,	/* key evicted for room: cookie released */
	THROTTLE_UNLOCKED,	/* key fell below low; cookie is 0 */
};

/* called for every cookie leaving a queue, and for unlocks */
typedef void throttle_fn(void *ctx, const void *key, uint64_t cookie,
			 enum throttle_why why);

struct throttle_info {
	unsigned queued;	/* held requests */
	unsigned wset_used;	/* working-set slots in use */
	int locked;		/* locked out now */
	uint64_t last_seen;	/* now of the last contact */
	uint64_t locked_at;	/* now of the lockout, if locked */
};

struct throttle_stats {
	size_t hosts, held, locked, bytes;
	size_t capacity;	/* hosts that fit under mem_cap */
	uint64_t passed, holds, releases, lockouts, refused, full, evictions;
};

/* throttle_create - NULL with errno EINVAL (bad params) or ENOMEM */
struct throttle *throttle_create(const struct throttle_params *p,
				 size_t key_len, const uint8_t seed[16],
				 throttle_fn *fn, void *ctx);
/* throttle_free - accepts NULL; held cookies are not reported */
void throttle_free(struct throttle *t);
/* throttle_check_params - 0, or -1 with a reason in why */
int throttle_check_params(const struct throttle_params *p, const char **why);
/* throttle_reconfigure - new parameters, state kept; -1 EINVAL */
int throttle_reconfigure(struct throttle *t, const struct throttle_params *p);
/* throttle_contact - decide one contact from key to dst */
enum throttle_verdict throttle_contact(struct throttle *t, const void *key,
				       const void *dst, size_t dst_len,
				       uint64_t cookie, uint64_t now);
/* one request of a batch */
struct throttle_req {
	const void *key;
	const void *dst;
	size_t dst_len;
	uint64_t cookie;
};

/* throttle_contact_batch - throttle_contact for each of n requests in
   order, all at now, with their memory loads overlapped (a packet batch
   from the kernel); verdicts into out */
void throttle_contact_batch(struct throttle *t,
			    const struct throttle_req *req, size_t n,
			    uint64_t now, enum throttle_verdict *out);
/* throttle_tick - release what is due at now; returns cookies released */
size_t throttle_tick(struct throttle *t, uint64_t now);
/* throttle_next - the now at which throttle_tick has work next */
uint64_t throttle_next(const struct throttle *t);
/* throttle_flush - empty key's queue, releasing or dropping; count */
size_t throttle_flush(struct throttle *t, const void *key, int drop);
/* throttle_lock - lock key out (operator, honeytoken); -1 if no room */
int throttle_lock(struct throttle *t, const void *key, uint64_t now);
/* throttle_unlock - lift a lockout and release its queue; -1 if absent */
int throttle_unlock(struct throttle *t, const void *key);
/* throttle_info - state of one key; -1 if unknown */
int throttle_info(const struct throttle *t, const void *key,
		  struct throttle_info *out);
/* throttle_harden - key gets at most slots working-set slots (0: the
   throttle's wset_size) and releases only on every every-th period (0
   or 1: each), until called again with 0, 0 (a countermeasure); its
   set loses at once what is beyond slots; -1 if no room */
int throttle_harden(struct throttle *t, const void *key, unsigned slots,
		    unsigned every, uint64_t now);
/* throttle_wset - key's working set, most recently used first: up to
   max tags into tags; the number in use, 0 while the key is locked out
   (nothing of it may pass), -1 if the key is unknown */
int throttle_wset(const struct throttle *t, const void *key, uint32_t *tags,
		  unsigned max);
/* throttle_wset_order - contacts the caller saw elsewhere (a kernel
   fast path): key's working set takes the order of tags (n tags, most
   recent first, each in the set; the set's others follow in their
   order), then the periods passed by now free slots as a contact at
   now would; the number in use, or -1 if the key is unknown */
int throttle_wset_order(struct throttle *t, const void *key,
			const uint32_t *tags, unsigned n, uint64_t now);
/* throttle_walk - every key with its state, most recently used first
   (a pass over the table per 1/32 of its keys); fn returns non-zero to
   stop */
void throttle_walk(const struct throttle *t,
		   int (*fn)(void *ctx, const void *key,
			     const struct throttle_info *info), void *ctx);
/* throttle_walk_any - throttle_walk in no particular order, one pass */
void throttle_walk_any(const struct throttle *t,
		       int (*fn)(void *ctx, const void *key,
				 const struct throttle_info *info), void *ctx);
/* throttle_stats - counters and sizes */
void throttle_stats(const struct throttle *t, struct throttle_stats *out);
/* throttle_save - write the state (working sets, queues with cookies,
   lockouts) to fp; 0 or -1 with errno */
int throttle_save(const struct throttle *t, FILE *fp);
/* throttle_load - read a saved state into an empty throttle, times
   rebased to now; -1 with errno EINVAL for a damaged or foreign file */
int throttle_load(struct throttle *t, FILE *fp, uint64_t now);
/* throttle_load_as - the same with mark ORed into every loaded cookie
   (stand-ins for packets that did not survive the restart) */
int throttle_load_as(struct throttle *t, FILE *fp, uint64_t now,
		     uint64_t mark);

#endif
