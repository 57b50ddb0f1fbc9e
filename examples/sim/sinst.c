/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sinst - one simulated sluice instance over the real throttle
 * SYNOPSIS
 *	#include "sinst.h"
 * DESCRIPTION
 *	The throttle is keyed by the 4-byte host id; destinations are
 *	4-byte addresses, as sluiced passes IPv4 ones. Quarantine deadlines
 *	are an array indexed by host id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sinst.h"

struct sinst {
	struct sinst_params p;
	struct throttle *t;
	uint64_t *until;	/* quarantine deadline per host; 0 none */
	uint32_t nhosts;
	sinst_fn *fn;
	void *ctx;
	uint64_t lockouts;
};

/* thr_fn - throttle_fn: a held contact leaves its queue */
static void thr_fn(void *ctx, const void *key, uint64_t cookie,
		   enum throttle_why why)
{
	struct sinst *s = ctx;

	(void)key;
	if (why == THROTTLE_UNLOCKED)
		return;
	/* evicted for room: released, fail-open as sluiced does */
	s->fn(s->ctx, cookie, why != THROTTLE_DROPPED);
}

/* sinst_create - for host ids 0..nhosts-1; NULL with errno */
struct sinst *sinst_create(const struct sinst_params *p, uint32_t nhosts,
			   const uint8_t seed[16], sinst_fn *fn, void *ctx)
{
	struct sinst *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->p = *p;
	s->nhosts = nhosts;
	s->fn = fn;
	s->ctx = ctx;
	s->until = calloc(nhosts ? nhosts : 1, sizeof(*s->until));
	s->t = throttle_create(&p->tp, sizeof(uint32_t), seed, thr_fn, s);
	if (s->until == NULL || s->t == NULL) {
		int saved = errno;

		sinst_free(s);
		errno = saved;
		return NULL;
	}
	return s;
}

/* sinst_free - accepts NULL */
void sinst_free(struct sinst *s)
{
	if (s == NULL)
		return;
	throttle_free(s->t);
	free(s->until);
	free(s);
}

/* sinst_blocked - is src quarantined at now */
int sinst_blocked(const struct sinst *s, uint32_t src, uint64_t now)
{
	return src < s->nhosts && s->until[src] > now;
}

/* lockout - as sluiced: drop what the host holds, quarantine it */
static void lockout(struct sinst *s, uint32_t src, uint64_t now)
{
	s->lockouts++;
	(void)throttle_flush(s->t, &src, 1);
	if (s->p.quarantine_ns > 0 && src < s->nhosts)
		s->until[src] = now + s->p.quarantine_ns;
}

/* sinst_contact - decide a contact of host src to address dst */
enum sinst_verdict sinst_contact(struct sinst *s, uint32_t src, uint32_t dst,
				 uint64_t cookie, uint64_t now)
{
	if (now < s->p.enforce_from)
		return SINST_PASS;
	if (sinst_blocked(s, src, now))
		return SINST_DROP;
	switch (throttle_contact(s->t, &src, &dst, sizeof(dst), cookie, now)) {
	case THROTTLE_PASS:
		return SINST_PASS;
	case THROTTLE_HOLD:
		return SINST_HOLD;
	case THROTTLE_LOCKOUT:
		lockout(s, src, now);
		return SINST_DROP;
	case THROTTLE_LOCKED:
		return SINST_DROP;
	case THROTTLE_FULL:
	default:
		return SINST_PASS;
	}
}

/* sinst_tick - releases due by now */
void sinst_tick(struct sinst *s, uint64_t now)
{
	if (throttle_next(s->t) <= now)
		(void)throttle_tick(s->t, now);
}

/* sinst_lockouts - lockouts so far */
uint64_t sinst_lockouts(const struct sinst *s)
{
	return s->lockouts;
}
