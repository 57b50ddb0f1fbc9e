/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react - sluiced's countermeasures: one entry for every signal
 * SYNOPSIS
 *	#include "react/react.h"
 * DESCRIPTION
 *	Every detector in sluiced (capture's dark hits and goat files,
 *	the verdict engine's lockouts and TRW verdicts, the mail filters'
 *	honeytoken reports over the control socket, and whoever else
 *	finds a worm) calls react_signal(). The source is first turned
 *	into the key a reaction acts on: an IPv4 host; for IPv6 a zone
 *	source's v6_prefix, and outside the zones the /64, or its /56 once
 *	[countermeasures] escalate_v6 of its /64s were acted on. cmeasure(3)
 *	then decides (ladder, whitelist, action in force, rate cap, dry
 *	run), and an action it starts is written as an event
 *	"countermeasure" naming the signals and the score behind it, then
 *	enforced unless dry_run (a dry run writes the same events marked
 *	"dry_run": true and changes nothing in the kernel).
 *
 *	Actions refused by the rate cap are counted per signal and said
 *	once a second in one event "countermeasure" of outcome
 *	"rate_capped" with the count ("suppressed") and the signals.
 */
#ifndef SLUICE_REACT_H
#define SLUICE_REACT_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "cmeasure.h"
#include "event.h"

struct sluiced;
struct sd_conf;
struct react;

struct react_stats {
	uint64_t signals[CMEASURE_SIG_COUNT];
	uint64_t outcomes[CMEASURE_RATE_CAPPED + 1];	/* by cmeasure_outcome */
	uint64_t actions[CMEASURE_ACTION_COUNT];	/* started */
	uint64_t dry_run, expired, lifted, escalated, unchecked, refreshed;
	size_t active;
};

typedef void react_event_fn(void *ctx, const struct event *ev);

/* react_create - the engine for configuration c, its events to ev;
   NULL with err */
struct react *react_create(const struct sd_conf *c, react_event_fn *ev,
			   void *ctx, char *err, size_t errlen);
/* react_free - accepts NULL */
void react_free(struct react *r);
/* react_reconf - a reloaded configuration; actions in force kept;
   0, or -1 with errno */
int react_reconf(struct react *r, const struct sd_conf *c);
/* react_signal - one signal from src (port: the destination port it
   concerns, 0 for none) at monotonic now: decided, reported, enforced */
void react_signal(struct sluiced *sd, enum cmeasure_signal sig,
		  const struct sl_addr *src, uint16_t port, uint64_t now);
/* react_decide - react_signal, the decision in out */
void react_decide(struct sluiced *sd, enum cmeasure_signal sig,
		  const struct sl_addr *src, uint16_t port, uint64_t now,
		  struct cmeasure_decision *out);
/* react_contact - a first contact from a zone source (the queue's
   packet): fan-out, and which protected zone it reached */
void react_contact(struct sluiced *sd, const struct sl_addr *src,
		   const struct sl_addr *dst, uint16_t dport, uint64_t now);
/* react_inbound - a flow from outside the zones to one of our hosts
   (a conntrack outcome): inbound fan-out */
void react_inbound(struct sluiced *sd, const struct sl_addr *src,
		   const struct sl_addr *dst, uint16_t dport, uint64_t now);
/* react_tick - once a second: expiries, the rate cap's summary */
void react_tick(struct sluiced *sd, uint64_t now);
/* react_lift - the operator ends reaction id early (note: the reason,
   or NULL); 0, or -1 if none has that id */
int react_lift(struct sluiced *sd, uint64_t id, const char *note, uint64_t now);
/* react_format - the reactions in force, one a line (text or JSON) */
void react_format(const struct sluiced *sd, int json, uint64_t now,
		  GString *out);
/* react_stats - counters */
void react_stats(const struct react *r, struct react_stats *out);

#endif
