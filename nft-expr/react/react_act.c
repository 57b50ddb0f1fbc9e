/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_act - enforce, expire and lift the reactions
 * SYNOPSIS
 *	#include "react/react_int.h"
 * DESCRIPTION
 *	A quarantine goes through the verdict engine's own quarantine
 *	(quar_react), so the host's held packets are dropped, the kernel
 *	set gets the element with its timeout and the engine knows it for
 *	"sluicectl hosts" and the saved state. In a dry run the same call
 *	takes the observe path: the same events, marked, nothing enforced.
 */
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "fairshare/fairshare.h"
#include "quarantine/quar.h"
#include "react/react_int.h"

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

/* react_enforce - what the action does; dry: only its events */
static void react_enforce(struct sluiced *sd, const struct react_entry *e,
			  uint64_t ttl, uint64_t now)
{
	switch ((enum cmeasure_action)e->action) {
	case CMEASURE_QUARANTINE:
		(void)quar_react(sd->v, &e->key.net, ttl,
				 cmeasure_signal_name(e->signal), e->dry_run, now);
		break;
	case CMEASURE_THROTTLE:
		/* with fair sharing on: the host's class slowed to
		   [fairshare] contain_rate for the reaction's time */
		if (sd->fair != NULL) {
			if (!e->dry_run)
				(void)fairshare_contain(sd->fair, &e->key.net, ttl,
							"countermeasure", now);
			break;
		}
		/* fall through */
	case CMEASURE_BLOCK_PORT: case CMEASURE_ISOLATE: case CMEASURE_HOOK:
		daemon_log(LOG_WARNING, "countermeasures: %s is decided and "
			   "reported, not enforced yet",
			   cmeasure_action_name(e->action));
		break;
	case CMEASURE_OBSERVE: case CMEASURE_ACTION_COUNT:
		break;
	}
}

/* react_start - enforce the action decided, keep it, write its event */
void react_start(struct sluiced *sd, const struct cmeasure_decision *d,
		 const struct sl_addr *src, const struct react_key *k,
		 uint64_t now)
{
	struct react *r = sd->react;
	struct cmeasure_decision shown = *d;
	uint64_t ttl = react_ttl(r, d, k, now);
	struct react_entry e = {
		.key = *k, .started = now, .expires = now + ttl,
		.signals = d->signals, .score = d->score, .port = d->port,
		.action = (uint8_t)d->action, .signal = (uint8_t)d->signal,
		.dry_run = (uint8_t)d->dry_run,
	};

	if (ttl == 0)		/* a zone's quarantine_ttl = 0 */
		e.expires = now + 1;
	(void)react_list_add(r->list, &e);	/* full: enforced, not listed */
	shown.expires = e.expires;
	r->st.actions[d->action]++;
	if (d->dry_run)
		r->st.dry_run++;
	react_event(r, &shown, src, k, e.id, "started", now);
	react_enforce(sd, &e, ttl, now);
}

/* react_undo - take back what the reaction does (a lift; an expired
   quarantine the kernel and the engine end by themselves) */
static void react_undo(struct sluiced *sd, const struct react_entry *e,
		       const char *note, uint64_t now)
{
	if (e->dry_run)
		return;
	switch ((enum cmeasure_action)e->action) {
	case CMEASURE_QUARANTINE:
		(void)quar_release(sd->v, &e->key.net, note, now);
		break;
	case CMEASURE_THROTTLE:
		(void)fairshare_restore(sd->fair, &e->key.net, note, now);
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

	react_event(r, &d, &e->key.net, &e->key, e->id, state, now);
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
	react_ended(r, e, "expired", x->now);
}

/* react_expire - reactions whose TTL ran out: undone, events */
void react_expire(struct sluiced *sd, uint64_t now)
{
	struct expire_ctx x = { sd, now };

	(void)cmeasure_expire(sd->react->cm, now, NULL, NULL);
	react_list_expired(sd->react->list, now, expire_one, &x);
}

/* react_lift - the operator ends reaction id early; -1 if none */
int react_lift(struct sluiced *sd, uint64_t id, const char *note, uint64_t now)
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
	react_undo(sd, &e, note, now);
	react_ended(r, &e, "lifted", now);
	return 0;
}

/* react_format - "sluicectl reactions": those in force */
void react_format(const struct sluiced *sd, int json, uint64_t now,
		  GString *out)
{
	if (sd->react != NULL)
		react_list_format(sd->react->list, json, now, out);
}
