/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdbypass - sluiced bypassed: noticed, and switched on by the operator
 * SYNOPSIS
 *	#include "daemon/sdbypass.h"
 * DESCRIPTION
 *	The notice needs no counter in the kernel: conntrack's update
 *	events (a reply, a reset) name flows that were opened, and every
 *	first packet sluiced's rules send it updates last_arrival. A flow
 *	that sluiced would have had to decide (a source of a zone that
 *	throttles, neither end whitelisted) while nothing arrived for
 *	bypass_warn means the queue rule does not see what it should.
 *	Flows to the machine itself have its own address as destination,
 *	whitelisted unless exempt_self = no.
 *
 *	The emergency bypass is a set lookup at the top of sluiced's hook
 *	chains (bypass4/6, empty until now): filling it with every
 *	address makes the kernel accept all before quarantine drops or the
 *	queue, and is undone by emptying it. Logged as a warning, both
 *	ways, with who asked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "prefixset.h"
#include "daemon/sdbypass.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "table/nftset.h"
#include "table/ranges.h"
#include "verdict/vdsetup.h"

/* throttled - would sluiced have to decide on this flow */
static int throttled(const struct sd_conf *c, const struct ct_flow *f)
{
	const struct sd_zone *z = sdconf_zone(c, &f->src);
	const struct prefixset *w = c->core.whitelist;

	return z != NULL && z->mode != SD_MODE_OFF
	    && (w == NULL || (!prefixset_lookup(w, &f->src, NULL)
			      && !prefixset_lookup(w, &f->dst, NULL)));
}

/* sdbypass_flow - a conntrack event: a flow from a throttled source? */
void sdbypass_flow(struct sluiced *s, const struct ct_flow *f, uint64_t now)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (s->conf->bypass_warn_ns == 0 || !throttled(s->conf, f))
		return;
	/* a packet of it may have reached the queue: not a miss */
	if (s->last_arrival != 0 && now - s->last_arrival < s->conf->bypass_warn_ns)
		return;
	if (s->unqueued_first == 0) {
		s->unqueued_first = now;
		snprintf(s->unqueued_example, sizeof(s->unqueued_example),
			 "%s -> %s", addr_format(&f->src, a), addr_format(&f->dst, b));
	}
	s->unqueued_flows++;
}

/* sdbypass_queued - packets reached the queue: not bypassed */
void sdbypass_queued(struct sluiced *s, uint64_t now)
{
	if (s->bypassed)
		daemon_log(LOG_NOTICE, "new flows reach queue %u again (after "
			   "%llu s bypassed)", s->conf->queue_num,
			   (unsigned long long)(sl_since(now, s->bypassed_since)
						/ NS_PER_SEC));
	s->bypassed = 0;
	s->unqueued_first = 0;
}

/* sdbypass_tick - once a second: warn when bypassed for bypass_warn */
void sdbypass_tick(struct sluiced *s, uint64_t now)
{
	uint64_t w = s->conf->bypass_warn_ns;

	if (w == 0 || s->bypassed || s->bypass_on || s->unqueued_first == 0
	    || now - s->unqueued_first < w
	    || (s->last_arrival != 0 && now - s->last_arrival < w))
		return;
	s->bypassed = 1;
	s->bypassed_since = s->unqueued_first;
	s->bypass_warnings++;
	daemon_log(LOG_WARNING, "sluiced is bypassed: sources of throttled "
		   "zones opened new flows (%s, %llu so far) but none reached "
		   "queue %u for %llu s: the queue rule is missing or behind "
		   "an accept (ruleset = %s; see examples/nft/)",
		   s->unqueued_example, (unsigned long long)s->unqueued_flows,
		   s->conf->queue_num, (unsigned long long)(w / NS_PER_SEC),
		   s->nft ? "own" : "none");
}

/* bypass_sets - bypass4/6 hold everything (on) or nothing */
static int bypass_sets(struct sluiced *s, int on, char *err, size_t errlen)
{
	struct sl_range all;
	int fam;

	memset(&all, 0, sizeof(all));
	memset(all.hi, 0xff, sizeof(all.hi));
	for (fam = 4; fam <= 6; fam += 2)
		if (nftset_fill(s->nft, "bypass", fam, &all, on ? 1 : 0, err,
				errlen) < 0)
			return -1;
	return 0;
}

/* sdbypass_set - the emergency bypass on (1) or off (0), by who */
int sdbypass_set(struct sluiced *s, int on, const char *who, char *err,
		 size_t errlen)
{
	uint64_t now = sl_monotonic_ns();

	if (on == s->bypass_on)
		return 0;
	if (s->nft != NULL && bypass_sets(s, on, err, errlen) < 0) {
		char undo[256];

		(void)bypass_sets(s, 0, undo, sizeof(undo));	/* half of it */
		return -1;
	}
	s->bypass_on = on;
	s->bypass_on_since = now;
	if (on)
		vdsetup_release_all(s->v, now);
	daemon_log(LOG_WARNING, on ? "EMERGENCY BYPASS ON (%s): the kernel "
		   "accepts every packet, nothing is throttled or quarantined "
		   "until 'sluicectl bypass off'" : "emergency bypass off (%s): "
		   "sluiced decides again", who);
	return 0;
}

/* sdbypass_status - status lines or JSON members */
void sdbypass_status(const struct sluiced *s, int json, uint64_t now,
		     GString *out)
{
	unsigned long long on_s = sl_since(now, s->bypass_on_since) / NS_PER_SEC,
			   by_s = sl_since(now, s->bypassed_since) / NS_PER_SEC;

	if (json) {
		g_string_append_printf(out, ",\"bypass_on\":%s,\"bypassed\":%s,"
				       "\"bypass_warnings\":%llu,\"unqueued_flows\":%llu",
				       s->bypass_on ? "true" : "false",
				       s->bypassed ? "true" : "false",
				       (unsigned long long)s->bypass_warnings,
				       (unsigned long long)s->unqueued_flows);
		return;
	}
	if (s->bypass_on)
		g_string_append_printf(out, "EMERGENCY BYPASS ON for %llu s: every "
				       "packet accepted (sluicectl bypass off)\n", on_s);
	if (s->bypassed)
		g_string_append_printf(out, "BYPASSED for %llu s: %llu new flows of "
				       "throttled zones (%s) missed the queue\n",
				       by_s, (unsigned long long)s->unqueued_flows,
				       s->unqueued_example);
	else
		g_string_append_printf(out, "bypassed: no (%llu episodes warned)\n",
				       (unsigned long long)s->bypass_warnings);
}

/* sdbypass_metrics - the Prometheus lines */
void sdbypass_metrics(const struct sluiced *s, GString *out)
{
	g_string_append_printf(out,
		"# HELP sluice_bypassed 1 while throttled zones' new flows miss the queue\n"
		"# TYPE sluice_bypassed gauge\nsluice_bypassed %d\n"
		"# HELP sluice_bypass_warnings_total times sluiced warned it was bypassed\n"
		"# TYPE sluice_bypass_warnings_total counter\n"
		"sluice_bypass_warnings_total %llu\n"
		"# HELP sluice_unqueued_flows_total throttled zones' new flows seen while the queue was silent\n"
		"# TYPE sluice_unqueued_flows_total counter\n"
		"sluice_unqueued_flows_total %llu\n"
		"# HELP sluice_bypass_on 1 while the emergency bypass is on\n"
		"# TYPE sluice_bypass_on gauge\nsluice_bypass_on %d\n"
		"# HELP sluice_bypass_accepted_total queued packets accepted undecided during the bypass\n"
		"# TYPE sluice_bypass_accepted_total counter\n"
		"sluice_bypass_accepted_total %llu\n",
		s->bypassed, (unsigned long long)s->bypass_warnings,
		(unsigned long long)s->unqueued_flows, s->bypass_on,
		(unsigned long long)s->bypass_accepted);
}
