/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_act - enforce, expire and lift the reactions
 * SYNOPSIS
 *	#include "react/react_act.h"
#include "react/react_detect.h"
#include "react/react_hook.h"
#include "react/react_list.h"
#include "react/react_port.h"
 * DESCRIPTION
 *	A quarantine goes through the verdict engine's own quarantine
 *	(quar_react), so the host's held packets are dropped, the kernel
 *	set gets the element with its timeout and the engine knows it for
 *	"sluicectl hosts" and the saved state. In a dry run the same call
 *	takes the observe path: the same events, marked, nothing enforced.
 *	A port block is network-wide (blockport4/6, by votes: react_port.c);
 *	an isolation puts every prefix of the protected zone into
 *	isolate4/6; both are dropped for new flows in the hook chains after
 *	the whitelist's accept. The hook runs a program (react_hook.c).
 *	Throttle harder slows the host's class to [fairshare] contain_rate
 *	(fairshare(3)) when fair sharing is on; without it, the host's own
 *	throttle gets harder (vdharden: harder_wset_size slots, a release
 *	each harder_release_interval) until the reaction expires or is
 *	lifted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "fairshare/fairshare.h"
#include "quarantine/quar.h"
#include "quarantine/quarset.h"
#include "verdict/vdharden.h"
#include "react/react_act.h"
#include "react/react_detect.h"
#include "react/react_hook.h"
#include "react/react_list.h"
#include "react/react_port.h"

/* react_ttl - how long the reaction lasts. A quarantine a honeypot
   hit started lasts [capture] quarantine_ttl, one of a zone source the
   zone's quarantine_ttl (as its lockouts did before the ladder), any
   other ttl_quarantine. */
static uint64_t react_ttl(const struct react *r, const struct cmeasure_decision *d,
			  const struct react_key *k, uint64_t now)
{
	const struct sd_zone *z;

	if (d->action == CMEASURE_QUARANTINE && d->signal == CMEASURE_SIG_HONEYPOT)
		return r->conf->capture.quarantine_ttl_ns;
	if (d->action == CMEASURE_QUARANTINE && k->zone &&
	    (z = sdconf_zone(r->conf, &k->net)) != NULL)
		return z->quarantine_ttl_ns;
	return d->expires > now ? d->expires - now : 0;
}

/* react_act_event - one "countermeasure" event about d */
void react_act_event(struct react *r, const struct cmeasure_decision *d,
		     const struct sl_addr *src, const struct react_key *k,
		     uint64_t id, const char *state, unsigned votes,
		     unsigned zone, uint64_t now)
{
	char sigs[160], net[ADDR_STRLEN + 8], a[ADDR_STRLEN];
	struct event_field f[12] = {
		EF_S("action", cmeasure_action_name(d->action)),
		EF_S("state", state),
		EF_S("signal", cmeasure_signal_name(d->signal)),
		EF_S("signals", sigs),
		EF_U("score", d->score),
		EF_S("target", net),
		EF_U("ttl", d->expires > now ? (d->expires - now + NS_PER_SEC - 1)
		     / NS_PER_SEC : 0),
		EF_U("id", id),
		EF_B("dry_run", d->dry_run),
		EF_U("port", d->port),
		EF_U("sources", votes),
		EF_S("zone", zone > 0 && zone <= r->conf->nzones
		     ? r->conf->zones[zone - 1].name : NULL),
	};
	struct event ev = { .type = "countermeasure", .src = src, .fields = f,
			    .nfields = 9 };

	/* a port (a port block's) and the votes so far, when there are */
	if (d->port)
		f[ev.nfields++] = f[9];
	if (votes)
		f[ev.nfields++] = f[10];
	if (f[11].v.s != NULL)		/* an isolation: the zone isolated */
		f[ev.nfields++] = f[11];
	react_list_signals(d->signals, sigs, sizeof(sigs));
	if (k->net.family == 0)		/* a port block: every source */
		snprintf(net, sizeof(net), "any");
	else
		snprintf(net, sizeof(net), "%s/%u", addr_format(&k->net, a), k->plen);
	r->event(r->ctx, &ev);
}

/* react_kernel_log - a kernel set write failed: counted, logged */
static void react_kernel_log(struct sluiced *sd, int rc, const char *err)
{
	if (rc == 0)
		return;
	sd->set_errors++;
	daemon_log(LOG_ERR, "countermeasures: %s", err);
}

struct iso_ctx {
	struct sluiced *sd;
	uint64_t ttl;
};

/* iso_prefix - prefixset_walk_fn: one prefix of the zone in (ttl > 0)
   or out of isolate4/6 */
static int iso_prefix(void *ctx, const struct sl_addr *a, unsigned plen,
		      uintptr_t value)
{
	struct iso_ctx *x = ctx;
	char err[256];

	(void)value;
	react_kernel_log(x->sd, quarset_change_in(x->sd->nft, "isolate", a, plen,
						  x->ttl, err, sizeof(err)), err);
	return 0;
}

/* react_isolate - every prefix of zone z into isolate4/6 (ttl > 0) or
   out */
static void react_isolate(struct sluiced *sd, const struct sd_zone *z,
			  uint64_t ttl)
{
	struct iso_ctx x = { sd, ttl };

	if (sd->nft != NULL)
		prefixset_walk(z->prefixes, iso_prefix, &x);
}

/* react_enforce - what the action does; dry: only its events */
static void react_enforce(struct sluiced *sd, const struct react_entry *e,
			  uint64_t ttl, uint64_t now)
{
	struct react *r = sd->react;
	char err[256], a[ADDR_STRLEN + 8];
	int rc;

	if (e->action == CMEASURE_QUARANTINE) {
		/* its own observe path in a dry run: the same events */
		(void)quar_react(sd->v, &e->key.net, ttl,
				 cmeasure_signal_name(e->signal), e->dry_run, now);
		return;
	}
	if (e->dry_run)
		return;
	switch ((enum cmeasure_action)e->action) {
	case CMEASURE_BLOCK_PORT:
		if (sd->nft == NULL)
			break;
		rc = quarset_port(sd->nft, e->port, ttl, err, sizeof(err));
		react_kernel_log(sd, rc, err);
		break;
	case CMEASURE_ISOLATE:
		react_isolate(sd, &r->conf->zones[e->zone - 1], ttl);
		break;
	case CMEASURE_HOOK:
		snprintf(a, sizeof(a), "%s/%u", addr_format(&e->key.net, err), e->key.plen);
		if (react_hook_run(r->hooks, r->conf->cm.hook, r->conf->cm.hook_timeout_ns,
				   a, cmeasure_signal_name(e->signal), now) < 0)
			daemon_log(LOG_WARNING, "countermeasures: hook for %s not "
				   "run: %s", a, r->conf->cm.hook == NULL ?
				   "no [countermeasures] hook" : strerror(errno));
		break;
	case CMEASURE_THROTTLE:
		/* with fair sharing on: the host's class slowed to
		   [fairshare] contain_rate for the reaction's time */
		if (sd->fair != NULL)
			(void)fairshare_contain(sd->fair, &e->key.net, ttl,
						"countermeasure", now);
		else if (vdharden_set(sd->v, &e->key.net, 1, now) < 0
			 && !r->throttle_warned++)
			daemon_log(LOG_WARNING, "countermeasures: throttle harder "
				   "of %s not enforced: not in a williamson zone "
				   "(and no [fairshare])",
				   addr_format(&e->key.net, err));
		break;
	case CMEASURE_QUARANTINE: case CMEASURE_OBSERVE: case CMEASURE_ACTION_COUNT:
		break;
	}
}

/* react_keep - list e, write its event, enforce it */
static void react_keep(struct sluiced *sd, struct react_entry *e,
		       const struct cmeasure_decision *d,
		       const struct sl_addr *src, uint64_t ttl, uint64_t now)
{
	struct react *r = sd->react;
	struct cmeasure_decision shown = *d;

	(void)react_list_add(r->list, e);	/* full: enforced, not listed */
	shown.expires = e->expires;
	r->st.actions[d->action]++;
	if (d->dry_run)
		r->st.dry_run++;
	react_act_event(r, &shown, src, &e->key, e->id, "started", 0, e->zone, now);
	react_enforce(sd, e, ttl, now);
}

/* react_block_port - src's vote; the port blocked for everyone when
   enough distinct sources voted (never a protected port) */
static void react_block_port(struct sluiced *sd, struct react_entry *e,
			     const struct cmeasure_decision *d,
			     const struct sl_addr *src, uint64_t ttl, uint64_t now)
{
	struct react *r = sd->react;
	unsigned votes;

	if (coreconf_port_protected(&r->conf->cm, d->port)) {
		react_act_event(r, d, src, &e->key, 0, "protected_port", 0, 0, now);
		return;
	}
	if (r->port_until[d->port] > now) {
		react_act_event(r, d, src, &e->key, 0, "in_force", 0, 0, now);
		return;
	}
	votes = react_port_vote(r->votes, &e->key, d->port, ttl, now);
	if (votes < r->conf->cm.block_port_sources) {
		react_act_event(r, d, src, &e->key, 0, "voted", votes, 0, now);
		return;
	}
	react_port_reset(r->votes, d->port);
	memset(&e->key, 0, sizeof(e->key));	/* every source */
	r->port_until[d->port] = e->expires;
	react_keep(sd, e, d, src, ttl, now);
}

/* react_isolate_zone - isolate the protected zone src reached */
static void react_isolate_zone(struct sluiced *sd, struct react_entry *e,
			       const struct cmeasure_decision *d,
			       const struct sl_addr *src, uint64_t ttl, uint64_t now)
{
	struct react *r = sd->react;
	const struct sd_zone *z = react_detect_protected_of(r->det, r->conf, src,
							     r->conf->cm.fanout_window_ns, now);
	size_t i;

	if (z == NULL) {
		react_act_event(r, d, src, &e->key, 0, "no_protected_zone", 0, 0, now);
		return;
	}
	i = (size_t)(z - r->conf->zones);
	if (i >= REACT_ZONES || r->iso_until[i] > now) {
		react_act_event(r, d, src, &e->key, 0, "in_force", 0, 0, now);
		return;
	}
	r->iso_until[i] = e->expires;
	e->zone = (uint16_t)(i + 1);
	react_keep(sd, e, d, src, ttl, now);
}

/* react_act_start - enforce the action decided, keep it, write its event */
void react_act_start(struct sluiced *sd, const struct cmeasure_decision *d,
		 const struct sl_addr *src, const struct react_key *k,
		 uint64_t now)
{
	struct react *r = sd->react;
	uint64_t ttl = react_ttl(r, d, k, now);
	struct react_entry e = {
		.key = *k, .started = now, .expires = now + (ttl ? ttl : 1), .ttl = ttl,
		.signals = d->signals, .score = d->score, .port = d->port,
		.action = (uint8_t)d->action, .signal = (uint8_t)d->signal,
		.dry_run = (uint8_t)d->dry_run,
	};

	if (d->action == CMEASURE_BLOCK_PORT)
		react_block_port(sd, &e, d, src, ttl, now);
	else if (d->action == CMEASURE_ISOLATE)
		react_isolate_zone(sd, &e, d, src, ttl, now);
	else
		react_keep(sd, &e, d, src, ttl, now);
}

/* react_undo - take back what the reaction does (a lift), or forget
   it (expired: the kernel timed its element out itself) */
static void react_undo(struct sluiced *sd, const struct react_entry *e,
		       const char *note, int lift, uint64_t now)
{
	struct react *r = sd->react;
	char err[256];

	if (e->action == CMEASURE_BLOCK_PORT)
		r->port_until[e->port] = 0;
	if (e->action == CMEASURE_ISOLATE && e->zone > 0)
		r->iso_until[e->zone - 1] = 0;
	/* the throttle keeps no deadline of its own: softened here at
	   expiry too */
	if (e->action == CMEASURE_THROTTLE && !e->dry_run && sd->fair == NULL)
		(void)vdharden_set(sd->v, &e->key.net, 0, now);
	if (e->dry_run || !lift)
		return;
	switch ((enum cmeasure_action)e->action) {
	case CMEASURE_QUARANTINE:
		(void)quar_release(sd->v, &e->key.net, note, now);
		break;
	case CMEASURE_THROTTLE:
		if (sd->fair != NULL)
			(void)fairshare_restore(sd->fair, &e->key.net, note, now);
		break;
	case CMEASURE_BLOCK_PORT:
		if (sd->nft != NULL)
			react_kernel_log(sd, quarset_port(sd->nft, e->port, 0, err,
							  sizeof(err)), err);
		break;
	case CMEASURE_ISOLATE:
		if (e->zone > 0 && e->zone <= r->conf->nzones)
			react_isolate(sd, &r->conf->zones[e->zone - 1], 0);
		break;
	default:
		break;
	}
}

/* react_ended - the event of a reaction that ended (state) */
static void react_ended(struct react *r, const struct react_entry *e,
			const char *state, uint64_t now)
{
	struct cmeasure_decision d = {
		.outcome = CMEASURE_ACT, .action = (enum cmeasure_action)e->action,
		.signal = (enum cmeasure_signal)e->signal, .target = e->key.net,
		.port = e->port, .expires = now, .dry_run = e->dry_run,
		.score = e->score, .signals = e->signals,
	};

	if (strcmp(state, "refreshed") == 0)
		d.expires = e->expires;
	react_act_event(r, &d, &e->key.net, &e->key, e->id, state, 0, e->zone, now);
}

struct expire_ctx {
	struct sluiced *sd;
	uint64_t now;
};

/* expire_one - react_list_fn: a reaction ran out */
static void expire_one(void *ctx, const struct react_entry *e)
{
	struct expire_ctx *x = ctx;
	struct react *r = x->sd->react;

	r->st.expired++;
	react_undo(x->sd, e, NULL, 0, x->now);
	react_ended(r, e, "expired", x->now);
}

/* react_act_seen - a signal found action on net in force */
void react_act_seen(struct react *r, enum cmeasure_action action,
		    const struct sl_addr *net, uint64_t now)
{
	struct react_entry *e = react_list_find(r->list, action, net, 0);

	if (e != NULL)
		e->last_signal = now;
}

/* refresh_one - react_list_each_fn: a quarantine still justified (a
   signal found it in force since it started) and close to its end
   starts again for its whole TTL, in the engine and in the kernel
   (the set's element gets the new timeout) */
static void refresh_one(void *ctx, struct react_entry *e)
{
	struct expire_ctx *x = ctx;
	struct react *r = x->sd->react;
	uint64_t window = e->ttl / 10;

	if (window > REACT_REFRESH_NS)
		window = REACT_REFRESH_NS;
	if (window < 2 * NS_PER_SEC)
		window = 2 * NS_PER_SEC;	/* the tick is a second */
	if (e->action != CMEASURE_QUARANTINE || e->dry_run || e->ttl == 0 ||
	    e->last_signal <= e->started || e->expires <= x->now ||
	    e->expires - x->now > window)
		return;
	(void)quar_react(x->sd->v, &e->key.net, e->ttl,
			 cmeasure_signal_name(e->signal), 0, x->now);
	e->started = x->now;
	e->expires = x->now + e->ttl;
	(void)cmeasure_extend(r->cm, CMEASURE_QUARANTINE, &e->key.net, 0, e->expires);
	r->st.refreshed++;
	react_ended(r, e, "refreshed", x->now);
}

/* react_act_expire - still justified quarantines refreshed; the
   reactions whose TTL ran out forgotten; events */
void react_act_expire(struct sluiced *sd, uint64_t now)
{
	struct expire_ctx x = { sd, now };

	react_list_each(sd->react->list, refresh_one, &x);

	(void)cmeasure_expire(sd->react->cm, now, NULL, NULL);
	react_list_expired(sd->react->list, now, expire_one, &x);
}

/* react_act_lift - the operator ends reaction id early; -1 if none */
int react_act_lift(struct sluiced *sd, uint64_t id, const char *note, uint64_t now)
{
	struct react *r = sd->react;
	struct react_entry *p, e;

	if (r == NULL || (p = react_list_get(r->list, id)) == NULL)
		return -1;
	e = *p;
	react_list_del(r->list, id);
	(void)cmeasure_lift(r->cm, (enum cmeasure_action)e.action, &e.key.net,
			    e.port);
	r->st.lifted++;
	react_undo(sd, &e, note, 1, now);
	react_ended(r, &e, "lifted", now);
	return 0;
}
