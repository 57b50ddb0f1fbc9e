/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mstate - the mail throttle shared by sluice-milter's threads
 * SYNOPSIS
 *	#include "mstate.h"
 * DESCRIPTION
 *	libmilter calls the filter on one thread per SMTP session. The
 *	throttle state is split into shards, each a mailthr(3) with its
 *	own mutex; an identity is hashed (keyed, seeded at start) to one
 *	shard, so sessions of different senders rarely meet on a lock and
 *	no global lock sits on the hot path. Memory caps are divided
 *	between the shards.
 *
 *	A recipient that must wait (MAILTHR_WAIT) gets a ticket: the session
 *	thread sleeps on the ticket's condition variable until the ticker
 *	(mstate_tick) releases its cookie, or until its deadline. A ticket
 *	whose waiter gave up is dropped from the shard, so a late release
 *	finds nothing and only puts the recipient in the working set (the
 *	client's retry then passes).
 *
 *	In hold mode a queued recipient gets a hold ticket instead: the
 *	session collects its message's tickets and at end of message
 *	hands them over with the queue id (mstate_hold). When the last of
 *	them is released the queue id becomes due, and the ticker, which
 *	collects due ids with mstate_due, releases the message from the
 *	MTA's hold queue.
 *
 *	Time is passed in; only mstate_wait sleeps, on CLOCK_MONOTONIC.
 */
#ifndef SLUICE_MSTATE_H
#define SLUICE_MSTATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "mailrelease.h"
#include "mailthr.h"

/* mstate_shard_params - p with the memory caps divided between n
   shards: what each shard's throttle is made with (the config check
   judges these too) */
static inline struct mailthr_params
mstate_shard_params(const struct mailthr_params *p, unsigned n)
{
	struct mailthr_params q = *p;

	q.thr.mem_cap = p->thr.mem_cap / n;
	q.thr.max_held = p->thr.max_held / n ? p->thr.max_held / n : 1;
	return q;
}

#define MSTATE_SHARDS_MAX 256
#define MSTATE_QID_MAX MAILRELEASE_QID_MAX	/* a queue id, with its NUL */
#define MSTATE_DUE_MAX 100000	/* releases waiting for the ticker, a shard */
#define MSTATE_OPHELD_MAX 100000	/* messages held for the operator, a shard */

struct mstate;
struct mstate_ticket;

/* mstate_create - shards (1..MSTATE_SHARDS_MAX) throttles over p; what
   makes an identity (order, v6_prefix, strip_extension, extension_delim)
   is fixed for the life of the state; NULL with errno */
struct mstate *mstate_create(const struct mailthr_params *p, unsigned shards,
			     const uint8_t seed[16]);
/* told of an identity whose lockout ended (under its shard's lock) */
typedef void mstate_unlock_fn(void *ctx, const char *identity);
/* mstate_on_unlock - call fn for each unlock from now on */
void mstate_on_unlock(struct mstate *s, mstate_unlock_fn *fn, void *ctx);
/* mstate_free - accepts NULL; no session may be inside */
void mstate_free(struct mstate *s);
struct mailshare;
/* mstate_share - every shard decides through Redis (mailthr_share;
   borrowed, NULL: local only); 0 or -1 */
int mstate_share(struct mstate *s, struct mailshare *share);
/* mstate_shared - the Redis share, or NULL */
struct mailshare *mstate_shared(const struct mstate *s);
/* mstate_reconfigure - new parameters for every shard, state kept;
   lists in p are borrowed until the next reconfigure; 0 or -1 */
int mstate_reconfigure(struct mstate *s, const struct mailthr_params *p);
/* mstate_rcpt - decide one recipient; for MAILTHR_WAIT *t is the ticket
   to pass to mstate_wait, for a recipient queued in hold mode
   (MAILTHR_HOLD with MAILTHR_EV_DELAYED) a hold ticket for mstate_chain;
   NULL otherwise */
enum mailthr_verdict mstate_rcpt(struct mstate *s, const struct mailaddr_req *r,
			      uint64_t now, struct mailthr_result *out,
			      struct mstate_ticket **t);
/* mstate_wait - sleep until t is released or the monotonic clock
   passes deadline; 1 released, 0 gave up; frees t */
int mstate_wait(struct mstate *s, struct mstate_ticket *t, uint64_t deadline);
/* mstate_chain - add hold ticket t to a message's list */
void mstate_chain(struct mstate_ticket **list, struct mstate_ticket *t);
/* mstate_pending - tickets of the list still queued */
unsigned mstate_pending(struct mstate *s, struct mstate_ticket *list);
/* mstate_hold - end of message: the list's tickets still queued wait
   under queue_id (the message is due when the last leaves); the list
   is consumed; returns how many still wait (0: nothing to hold) */
unsigned mstate_hold(struct mstate *s, struct mstate_ticket *list,
		     const char *queue_id);
/* mstate_cancel - the message is gone: drop the list's tickets */
void mstate_cancel(struct mstate *s, struct mstate_ticket *list);
/* mstate_due - queue ids due for release, each to fn; returns count */
size_t mstate_due(struct mstate *s, void (*fn)(void *ctx, const char *qid),
		  void *ctx);
/* mstate_tick - every shard's releases due by now; count released */
size_t mstate_tick(struct mstate *s, uint64_t now);
/* mstate_next - earliest next release over the shards (UINT64_MAX) */
uint64_t mstate_next(struct mstate *s);
/* mstate_stats - counters summed over the shards, waiting tickets */
void mstate_stats(struct mstate *s, struct throttle_stats *out,
		  size_t *waiting);
/* mstate_counters - the mail layer's counters summed over the shards */
void mstate_counters(struct mstate *s, struct mailthr_counters *out);
/* mstate_observe - observe mode is on (the parameters in force) */
int mstate_observe(const struct mstate *s);
/* mstate_contention - decisions made, and how many of them found their
   shard's lock held by another thread */
void mstate_contention(struct mstate *s, uint64_t *decisions,
		       uint64_t *contended);
/* mstate_walk - every identity with state (fn under its shard's lock:
   it must not call back into the state); non-zero from fn stops */
void mstate_walk(struct mstate *s, int (*fn)(void *ctx, const char *identity,
		 const struct throttle_info *info), void *ctx);
/* mstate_release - operator: unlock identity, release its queue (its
   waiting sessions pass) and make its held messages due (mstate_due);
   returns how many messages, -1 if the identity is unknown and holds
   none */
int mstate_release(struct mstate *s, const char *identity);
/* mstate_hold_operator - queue_id is held until the operator releases
   identity; -1 if the registry is full (MSTATE_OPHELD_MAX a shard) or
   there is no queue id */
int mstate_hold_operator(struct mstate *s, const char *identity,
			 const char *queue_id);
/* mstate_held - fn for each message held for the operator */
void mstate_held(struct mstate *s, void (*fn)(void *ctx, const char *qid,
		 const char *identity, const char *release), void *ctx);
/* mstate_held_count - messages held for the operator */
size_t mstate_held_count(struct mstate *s);
/* mstate_shards - the shard count */
unsigned mstate_shards(const struct mstate *s);
/* mstate_seed - the seed identities are hashed to shards with */
void mstate_seed(const struct mstate *s, uint8_t out[16]);
/* mstate_fork - fork() with every shard's lock held, so the child's
   copy-on-write image is consistent (no shard mid-change); both sides
   unlock. The child may only read the state and leave by _exit (the
   other threads are not in it); pid, 0 in the child, -1 with errno */
pid_t mstate_fork(struct mstate *s);
/* mstate_with_shard - run fn on shard i's throttle under the shard's
   lock (snapshots); fn's result, or -1 EINVAL for a bad index */
int mstate_with_shard(struct mstate *s, unsigned i,
		      int (*fn)(struct mailthr *m, void *ctx), void *ctx);
/* mstate_shard_of - shard index of an identity (tests) */
unsigned mstate_shard_of(const struct mstate *s, const char *identity);

#endif
