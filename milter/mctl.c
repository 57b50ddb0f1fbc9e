/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mctl - sluice-milter's operator socket
 * DESCRIPTION
 *	See mctl.h. The state's walks hold one shard lock at a time and
 *	the callbacks take no other, so the socket never stalls a session
 *	for longer than a shard's walk.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mailctl.h"
#include "mctl.h"
#include "mfilter.h"

struct mctl {
	struct mailctl *mc;
	struct mstate *state;
	struct mailev *events;
};

/* stats - the shared counters, and the milter's own */
static void stats(void *obj, struct mailctl_stats *out)
{
	struct mctl *c = obj;
	struct throttle_stats t;
	struct mailthr_counters mc = { 0 };
	uint64_t dec, busy;
	size_t waiting;

	mstate_stats(c->state, &t, &waiting);
	mstate_counters(c->state, &mc);
	mstate_contention(c->state, &dec, &busy);
	mfilter_stats(out);
	/* the local throttle's, and those the shared one began here */
	out->lockouts = t.lockouts + mc.shared_lockouts;
	out->outside = mc.outside;
	out->observe = (uint64_t)mstate_observe(c->state);
	out->would_delay = mc.would_delay;
	out->would_hold = mc.would_hold;
	out->would_defer = mc.would_defer;
	out->would_reject = mc.would_reject;
	out->would_lockout = mc.would_lockout;
	out->identities = t.hosts;
	out->identities_max = t.capacity;
	out->evictions = t.evictions;
	out->queued = t.held;
	out->locked = t.locked;
	out->held_messages = mstate_held_count(c->state);
	out->extra[0].name = "shards";
	out->extra[0].v = mstate_shards(c->state);
	out->extra[1].name = "contended";
	out->extra[1].v = busy;
	out->extra[2].name = "waiting";
	out->extra[2].v = waiting;
	out->nextra = 3;
	mailctl_add_share(out, mstate_shared(c->state));
}

/* walk - identities with state */
static void walk(void *obj, mailctl_walk_fn *fn, void *ctx)
{
	mstate_walk(((struct mctl *)obj)->state, fn, ctx);
}

/* held - messages held for the operator */
static void held(void *obj, mailctl_held_fn *fn, void *ctx)
{
	mstate_held(((struct mctl *)obj)->state, fn, ctx);
}

/* release - unlock; the held mail goes out with the ticker's next
   postsuper run */
static int release(void *obj, const char *identity)
{
	return mstate_release(((struct mctl *)obj)->state, identity);
}

/* events - the event log */
static struct mailev *events(void *obj)
{
	return ((struct mctl *)obj)->events;
}

static const struct mailctl_ops ops = { stats, walk, held, release, events };

/* mctl_open - listen, follow the events */
struct mctl *mctl_open(const char *path, const struct ctl_access *acc,
		       struct mstate *state, struct mailev *ev, char *err,
		       size_t errlen)
{
	struct mctl *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->state = state;
	c->events = ev;
	if ((c->mc = mailctl_open(path, acc, &ops, c, err, errlen)) == NULL) {
		free(c);
		return NULL;
	}
	mailev_follow(ev, mailctl_publish, c->mc);
	return c;
}

/* mctl_close - accepts NULL */
void mctl_close(struct mctl *c)
{
	if (c == NULL)
		return;
	mailev_follow(c->events, NULL, NULL);
	mailctl_close(c->mc);
	free(c);
}

/* mctl_fd - for poll */
int mctl_fd(const struct mctl *c)
{
	return mailctl_fd(c->mc);
}

/* mctl_run - serve, and drop connections past their deadline */
void mctl_run(struct mctl *c, uint64_t now)
{
	mailctl_run(c->mc, now);
}
