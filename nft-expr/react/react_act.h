/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_act - enforce, expire and lift the reactions
 * SYNOPSIS
 *	#include "react/react_act.h"
 * DESCRIPTION
 *	What each action does in the kernel and the engine, the events of
 *	its life (started, expired, lifted; a port vote, a refusal), and
 *	its undoing.
 */
#ifndef SLUICE_REACT_ACT_H
#define SLUICE_REACT_ACT_H

#include <glib.h>
#include <stdint.h>
#include "cmeasure.h"
#include "react/react_int.h"

struct sluiced;

/* react_act_event - one "countermeasure" event: d, the source that
   signalled, what it covers, its id, state (started, expired, lifted;
   voted, protected_port, in_force, no_protected_zone), votes for a
   port block so far (0: not said), the zone an isolation isolates
   (index + 1; 0: none) */
void react_act_event(struct react *r, const struct cmeasure_decision *d,
		     const struct sl_addr *src, const struct react_key *k,
		     uint64_t id, const char *state, unsigned votes,
		     unsigned zone, uint64_t now);
/* react_act_start - enforce the action d decided (unless dry run),
   keep it, write its event */
void react_act_start(struct sluiced *sd, const struct cmeasure_decision *d,
		     const struct sl_addr *src, const struct react_key *k,
		     uint64_t now);
/* react_act_seen - a signal found action on net in force: noted, so
   the reaction is refreshed before it expires */
void react_act_seen(struct react *r, enum cmeasure_action action,
		    const struct sl_addr *net, uint64_t now);
/* react_act_expire - quarantines still justified (signalled again
   since they started) refreshed shortly before they expire; the
   reactions whose TTL ran out forgotten; events */
void react_act_expire(struct sluiced *sd, uint64_t now);
/* react_act_lift - end reaction id now; 0, or -1 if none */
int react_act_lift(struct sluiced *sd, uint64_t id, const char *note,
		   uint64_t now);

#endif
