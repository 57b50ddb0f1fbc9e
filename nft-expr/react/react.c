/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react - sluiced's countermeasures: one entry for every signal
 * SYNOPSIS
 *	#include "react/react.h"
 * DESCRIPTION
 *	cmeasure(3) keys its scores and actions by address: we hand it the
 *	network a reaction would cover (host, v6_prefix, /64 or /56), so
 *	two addresses of one /64 add up to one score and one action, as
 *	they do in the kernel set that holds the whole prefix.
 *
 *	The rate cap refuses in bulk when a flood of signals comes (10,000
 *	in a second is a worm or someone trying to make us cut off the
 *	network): one event per refusal would be a second flood, so the
 *	refusals are counted and said once a second.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hosttab.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "quarantine/quar.h"
#include "react/react.h"
#include "react/react_act.h"
#include "react/react_detect.h"
#include "react/react_hook.h"
#include "react/react_int.h"
#include "react/react_list.h"
#include "react/react_port.h"

#define REACT_ESC_KEY 17		/* family, /56 network */
#define REACT_SPIKE_HOSTS 4096	/* hosts signalled per spike */

static void react_spike(struct sluiced *sd, uint64_t now);

struct react_esc {
	unsigned n64;			/* its /64s acted on */
};

/* react_create - the engine for configuration c; NULL with err */
struct react *react_create(const struct sd_conf *c, react_event_fn *ev,
			   void *ctx, char *err, size_t errlen)
{
	struct react *r = calloc(1, sizeof(*r));
	uint8_t seed[16] = { 0 };
	size_t i;

	if (r == NULL) {
		snprintf(err, errlen, "countermeasures: out of memory");
		return NULL;
	}
	for (i = 0; i < sizeof(seed); i++)	/* only ours to count /56s */
		seed[i] = (uint8_t)random();
	r->conf = c;
	r->event = ev;
	r->ctx = ctx;
	/* no whitelist borrowed: the one in force is rebuilt whole when
	   our own addresses change, so react_decide asks the current one */
	r->cm = cmeasure_create(&c->cm.p, REACT_MEM / 2, NULL);
	r->esc = hosttab_create(REACT_ESC_KEY, sizeof(struct react_esc),
				REACT_MEM / 8, seed);
	r->list = react_list_create(REACT_MEM / 4, seed);
	r->votes = react_port_create(REACT_MEM / 16, seed);
	r->hooks = react_hook_create();
	r->det = react_detect_create(c->cm.fanout_threshold, c->cm.fanout_window_ns,
				     REACT_MEM / 4, seed);
	r->port_until = calloc(65536, sizeof(*r->port_until));
	if (r->port_until == NULL || r->cm == NULL || r->esc == NULL ||
	    r->list == NULL || r->votes == NULL || r->hooks == NULL || r->det == NULL) {
		snprintf(err, errlen, "countermeasures: %s", strerror(errno ? errno : ENOMEM));
		react_free(r);
		return NULL;
	}
	return r;
}

/* react_free - accepts NULL */
void react_free(struct react *r)
{
	if (r == NULL)
		return;
	cmeasure_free(r->cm);
	hosttab_free(r->esc);
	react_list_free(r->list);
	react_port_free(r->votes);
	react_hook_free(r->hooks);
	react_detect_free(r->det);
	free(r->port_until);
	free(r);
}

/* react_reconf - a reloaded configuration; actions in force kept */
int react_reconf(struct react *r, const struct sd_conf *c)
{
	r->conf = c;	/* the old one is freed after this call */
	if (react_detect_retune(r->det, c->cm.fanout_threshold,
				c->cm.fanout_window_ns) < 0)
		return -1;
	return cmeasure_reconfigure(r->cm, &c->cm.p, NULL);
}

/* react_zone_observing - is src in a zone with observe = yes */
static int react_zone_observing(const struct react *r, const struct sl_addr *src)
{
	const struct sd_zone *z = sdconf_zone(r->conf, src);

	return z != NULL && z->observe;
}

/* react_esc_key - the /56 of a */
static void react_esc_key(const struct sl_addr *a, uint8_t k[REACT_ESC_KEY])
{
	struct sl_addr n;

	(void)prefix_network(a, 56, &n);
	k[0] = n.family;
	memcpy(k + 1, n.b, 16);
}

/* react_escalated - has the /56 of a had escalate_v6 /64s acted on */
static int react_escalated(const struct react *r, const struct sl_addr *a)
{
	uint8_t k[REACT_ESC_KEY];
	const struct react_esc *e;

	react_esc_key(a, k);
	e = hosttab_peek(r->esc, k);
	return e != NULL && e->n64 >= r->conf->cm.escalate_v6;
}

/* react_target - the network a reaction against src covers: IPv4 the
   host; IPv6 a zone source's v6_prefix, an outside one its /64, or its
   /56 once escalated */
static void react_target(const struct react *r, const struct sl_addr *src,
		  struct react_key *out)
{
	memset(out, 0, sizeof(*out));
	if (src->family == 4)
		out->plen = 32;
	else if (sdconf_zone(r->conf, src) != NULL)
		out->plen = r->conf->v6_prefix;
	else
		out->plen = react_escalated(r, src) ? 56 : 64;
	(void)prefix_network(src, out->plen, &out->net);
	out->zone = sdconf_zone(r->conf, src) != NULL;
}

/* react_count_64 - an outside /64 was acted on: count it for its /56;
   1 when this one escalates the /56 */
static int react_count_64(struct react *r, const struct react_key *k)
{
	uint8_t key[REACT_ESC_KEY];
	struct react_esc *e;

	if (k->net.family != 6 || k->zone || k->plen != 64)
		return 0;
	react_esc_key(&k->net, key);
	if ((e = hosttab_put(r->esc, key, NULL)) == NULL)
		return 0;
	return ++e->n64 == r->conf->cm.escalate_v6;
}

/* react_capped_event - the refusals of the rate cap in the last second */
static void react_capped_event(struct react *r)
{
	char sigs[256];
	size_t o = 0;
	uint64_t total = 0;
	int s;

	sigs[0] = 0;
	for (s = 0; s < CMEASURE_SIG_COUNT; s++) {
		if (r->capped[s] == 0)
			continue;
		total += r->capped[s];
		o += (size_t)snprintf(sigs + o, sizeof(sigs) - o, "%s%s:%llu",
				      o ? "," : "", cmeasure_signal_name((enum cmeasure_signal)s),
				      (unsigned long long)r->capped[s]);
		if (o >= sizeof(sigs))
			o = sizeof(sigs) - 1;
	}
	if (total == 0)
		return;
	{
		struct event_field f[5] = {
			EF_S("state", "rate_capped"),
			EF_U("suppressed", total),
			EF_S("signals", sigs),
			EF_U("rate_cap", r->conf->cm.p.rate_cap),
			EF_B("dry_run", r->conf->cm.p.dry_run),
		};
		struct event ev = { .type = "countermeasure", .src = &r->capped_example,
				    .fields = f, .nfields = 5 };

		r->event(r->ctx, &ev);
	}
	memset(r->capped, 0, sizeof(r->capped));
}

/* react_decide - react_signal, with the decision in out (sdctl tells
   the mail filter what became of its report) */
void react_decide(struct sluiced *sd, enum cmeasure_signal sig,
		  const struct sl_addr *src, uint16_t port, uint64_t now,
		  struct cmeasure_decision *out)
{
	struct react *r = sd->react;
	struct react_key k;

	memset(out, 0, sizeof(*out));
	out->outcome = CMEASURE_NONE;
	if (r == NULL || (unsigned)sig >= CMEASURE_SIG_COUNT ||
	    (src->family != 4 && src->family != 6))
		return;
	r->st.signals[sig]++;
	/* the whitelist holds for the address itself, whatever the prefix
	   a reaction would cover (the kernel guards the rest of it) */
	if (prefixset_lookup(r->conf->core.whitelist, src, NULL)) {
		out->outcome = CMEASURE_WHITELISTED;
		r->st.outcomes[CMEASURE_WHITELISTED]++;
		return;
	}
	react_target(r, src, &k);
	cmeasure_signal(r->cm, sig, &k.net, port, now, out);
	if (out->dry_run == 0 && k.zone && react_zone_observing(r, src))
		out->dry_run = 1;	/* the zone's own observe */
	r->st.outcomes[out->outcome]++;
	if (out->outcome == CMEASURE_IN_FORCE)	/* its cause is still there */
		react_act_seen(r, out->action, &k.net, now);
	if (out->outcome == CMEASURE_RATE_CAPPED) {
		r->capped[sig]++;
		r->capped_example = *src;
	}
	if (out->outcome != CMEASURE_ACT)
		return;
	if (react_count_64(r, &k))
		r->st.escalated++;
	react_act_start(sd, out, src, &k, now);
}

/* react_signal - one signal: decided, reported, enforced */
void react_signal(struct sluiced *sd, enum cmeasure_signal sig,
		  const struct sl_addr *src, uint16_t port, uint64_t now)
{
	struct cmeasure_decision d;

	react_decide(sd, sig, src, port, now, &d);
}

/* react_tick - once a second: expiries, the rate cap's summary */
void react_tick(struct sluiced *sd, uint64_t now)
{
	struct react *r = sd->react;

	if (r == NULL)
		return;
	react_capped_event(r);
	react_act_expire(sd, now);
	react_hook_tick(r->hooks, now);
	react_spike(sd, now);
}

/* react_detect_key - what the fan-out counts src by: its reaction's key */
static void react_detect_key(const struct react *r, const struct sl_addr *src,
			     uint8_t k[REACT_DETECT_KEY])
{
	struct react_key rk;

	react_target(r, src, &rk);
	react_detect_keyof(&rk.net, k);
}

/* react_contact - a first contact from a zone source went out */
void react_contact(struct sluiced *sd, const struct sl_addr *src,
		   const struct sl_addr *dst, uint16_t dport, uint64_t now)
{
	struct react *r = sd->react;
	uint8_t k[REACT_DETECT_KEY];

	if (r == NULL || dport == 0)
		return;
	react_detect_contact(r->det, r->conf, src, dst, now);
	react_detect_key(r, src, k);
	if (react_detect_out(r->det, k, dst, dport, now))
		react_signal(sd, CMEASURE_SIG_FANOUT, src, dport, now);
}

/* react_inbound - a flow from outside the zones to one of our hosts */
void react_inbound(struct sluiced *sd, const struct sl_addr *src,
		   const struct sl_addr *dst, uint16_t dport, uint64_t now)
{
	struct react *r = sd->react;
	uint8_t k[REACT_DETECT_KEY];

	if (r == NULL || dport == 0 || sdconf_zone(r->conf, src) != NULL ||
	    sdconf_zone(r->conf, dst) == NULL)
		return;
	react_detect_key(r, src, k);
	if (react_detect_in(r->det, k, dst, dport, now))
		react_signal(sd, CMEASURE_SIG_FANOUT, src, dport, now);
}

/* react_spike - once a second: the delayed hosts of a zone that just
   entered a spike get a spike signal each (after the walk: a reaction
   may change the host table) */
static void react_spike(struct sluiced *sd, uint64_t now)
{
	struct react *r = sd->react;
	struct sl_addr *h;
	size_t n, i;

	if ((h = calloc(REACT_SPIKE_HOSTS, sizeof(*h))) == NULL)
		return;
	n = react_detect_spike(r->det, sd->v, r->conf, r->conf->cm.spike_hosts,
			       now, h, REACT_SPIKE_HOSTS);
	for (i = 0; i < n; i++)
		react_signal(sd, CMEASURE_SIG_SPIKE, &h[i], 0, now);
	free(h);
}

/* react_lift - the operator ends reaction id early */
int react_lift(struct sluiced *sd, uint64_t id, const char *note, uint64_t now)
{
	return sd->react ? react_act_lift(sd, id, note, now) : -1;
}

/* react_format - "sluicectl reactions": those in force */
void react_format(const struct sluiced *sd, int json, uint64_t now,
		  GString *out)
{
	if (sd->react != NULL)
		react_list_format(sd->react->list, sd->react->conf, json, now, out);
}

/* react_stats - counters */
void react_stats(const struct react *r, struct react_stats *out)
{
	*out = r->st;
	out->active = react_list_count(r->list);
}
