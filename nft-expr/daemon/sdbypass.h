/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdbypass - sluiced bypassed: noticed, and switched on by the operator
 * SYNOPSIS
 *	#include "daemon/sdbypass.h"
 * DESCRIPTION
 *	Noticed: conntrack says sources of a throttled zone open new flows
 *	(to destinations not whitelisted), yet for [sluiced] bypass_warn
 *	no packet reached sluiced's queue: a queue rule in the wrong place
 *	(behind an operator's accept), or gone. Warned once per episode,
 *	counted, shown by status and metrics; cleared when packets come.
 *	Switched on: sluicectl bypass on makes the kernel accept every
 *	packet before sluiced's rules (its bypass sets hold everything),
 *	held packets are accepted at once and queued ones (ruleset = none)
 *	accepted undecided, until bypass off.
 */
#ifndef SLUICE_SDBYPASS_H
#define SLUICE_SDBYPASS_H

#include <glib.h>
#include <stdint.h>
#include "ct/ctmsg.h"

struct sluiced;

/* sdbypass_flow - a conntrack event: a flow from a throttled source? */
void sdbypass_flow(struct sluiced *s, const struct ct_flow *f, uint64_t now);
/* sdbypass_queued - packets reached the queue: not bypassed */
void sdbypass_queued(struct sluiced *s, uint64_t now);
/* sdbypass_tick - once a second: warn when bypassed for bypass_warn */
void sdbypass_tick(struct sluiced *s, uint64_t now);
/* sdbypass_set - the emergency bypass on (1) or off (0), by who; 0, or
   -1 with the reason in err */
int sdbypass_set(struct sluiced *s, int on, const char *who, char *err,
		 size_t errlen);
/* sdbypass_status - status lines (text) or JSON members (json, each
   preceded by a comma) */
void sdbypass_status(const struct sluiced *s, int json, uint64_t now,
		     GString *out);
/* sdbypass_metrics - the Prometheus lines */
void sdbypass_metrics(const struct sluiced *s, GString *out);

#endif
