/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_ctl - sluice-policyd's operator socket
 * DESCRIPTION
 *	See policy_ctl.h. The commands are mailctl's, shared with
 *	sluice-milter; this file only lends them the policy server's
 *	state and puts the socket in the server's loop.
 */
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "mailctl.h"
#include "policy_ctl.h"

struct policy_ctl {
	struct mailctl *mc;
	struct policy_app *app;
	struct policy_server *srv;
};

/* stats - the shared counters, and the server's own */
static void stats(void *obj, struct mailctl_stats *out)
{
	const struct policy_ctl *c = obj;
	struct policy_app_stats a;
	struct policy_server_stats s;
	struct throttle_stats t;
	struct mailthr_counters mc = { 0 };

	policy_app_stats(c->app, &a);
	policy_app_counters(c->app, &mc);
	policy_server_stats(c->srv, &s);
	policy_app_throttle_stats(c->app, &t);
	*out = (struct mailctl_stats){
		.rcpt = a.rcpt, .passed = a.passed, .delayed = a.waited,
		.held = a.held, .deferred = a.deferred,
		.rejected = a.rejected, .released = a.released,
		.lockouts = a.lockouts, .honeytokens = a.honeytokens,
		.quarantines = a.quarantines,
		.malformed = s.malformed + a.malformed, .outside = mc.outside,
		.observe = policy_app_conf(c->app)->params.observe,
		.would_delay = mc.would_delay, .would_hold = mc.would_hold,
		.would_defer = mc.would_defer,
		.would_reject = mc.would_reject,
		.would_lockout = mc.would_lockout,
		.evictions = t.evictions, .identities_max = t.capacity,
		.identities = t.hosts, .queued = t.held, .locked = t.locked,
		.held_messages = policy_app_held_count(c->app),
		.extra = { { "connections", s.open },
			   { "requests", a.requests },
			   { "waiting", s.pending } },
		.nextra = 3,
	};
	mailctl_add_share(out, policy_app_shared(c->app));
}

/* walk - identities with state */
static void walk(void *obj, mailctl_walk_fn *fn, void *ctx)
{
	policy_app_walk(((struct policy_ctl *)obj)->app, fn, ctx);
}

/* held - messages on hold */
static void held(void *obj, mailctl_held_fn *fn, void *ctx)
{
	policy_app_held(((struct policy_ctl *)obj)->app, fn, ctx);
}

/* release - unlock, release the queue and the held mail */
static int release(void *obj, const char *identity)
{
	return policy_app_release(((struct policy_ctl *)obj)->app, identity);
}

/* events - the sink in force */
static struct mailev *events(void *obj)
{
	return policy_app_events(((struct policy_ctl *)obj)->app);
}

static const struct mailctl_ops ops = { stats, walk, held, release, events };

/* on_ready - the control socket's epoll set is readable */
static void on_ready(void *ctx, int fd)
{
	struct policy_ctl *c = ctx;

	(void)fd;
	mailctl_run(c->mc, sl_monotonic_ns());
}

/* policy_ctl_open - listen, and share the policy server's loop */
struct policy_ctl *policy_ctl_open(const char *path,
				   const struct ctl_access *acc,
				   struct policy_app *app,
				   struct policy_server *srv, char *err,
				   size_t errlen)
{
	struct policy_ctl *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->app = app;
	c->srv = srv;
	c->mc = mailctl_open(path, acc, &ops, c, err, errlen);
	if (c->mc == NULL) {
		free(c);
		return NULL;
	}
	if (policy_server_watch(srv, mailctl_fd(c->mc), on_ready, c) < 0) {
		snprintf(err, errlen, "%s: cannot watch: out of slots", path);
		policy_ctl_close(c);
		return NULL;
	}
	policy_app_follow(app, mailctl_publish, c->mc);
	return c;
}

/* policy_ctl_expire - slow clients */
void policy_ctl_expire(struct policy_ctl *c, uint64_t now)
{
	if (c)
		mailctl_run(c->mc, now);
}

/* policy_ctl_close - accepts NULL */
void policy_ctl_close(struct policy_ctl *c)
{
	if (c == NULL)
		return;
	policy_app_follow(c->app, NULL, NULL);
	mailctl_close(c->mc);
	free(c);
}
