/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outlog - the zones' outbound violations: events and signals
 * SYNOPSIS
 *	#include "outbound/outlog.h"
 * DESCRIPTION
 *	The rule is found again in user space rather than from the log
 *	prefix: the configuration in force says the same as the kernel's
 *	rules, and the packet alone is enough (no attribute beyond the
 *	payload is trusted). A worm sweeping a /16 on a denied port makes
 *	65,536 violations: all become signals, a few become lines
 *	(cap_limit, the honeypot's limiter, per source).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "capture/cap_limit.h"
#include "daemon/sdconf.h"
#include "outbound/outlog.h"
#include "outbound/outpol.h"
#include "queue/pkt.h"

#define OUTLOG_LIMIT_MEM (1024 * 1024)	/* bytes of per-source counts */

struct outlog {
	struct outlog_ops ops;
	void *ctx;
	struct cap_limit *limit;
	struct outlog_stats st;
};

/* emit - one "outbound" event */
static void emit(struct outlog *l, const struct pkt_info *p,
		 const struct sl_addr *src, const struct event_field *f, size_t nf)
{
	struct event ev = {
		.type = "outbound", .src = src,
		.src_port = p ? p->sport : 0, .dst = p ? &p->dst : NULL,
		.dst_port = p ? p->dport : 0,
		.proto = p ? pkt_proto_name(p->proto) : NULL,
		.fields = f, .nfields = nf,
	};

	l->st.events++;
	l->ops.event(l->ctx, &ev);
}

/* on_suppressed - cap_limit_fn: a count whose second is over */
static void on_suppressed(void *ctx, const struct sl_addr *src, uint64_t n)
{
	struct event_field f[] = { EF_S("action", "drop"), EF_U("suppressed", n) };

	emit(ctx, NULL, src, f, 2);
}

/* outlog_create - NULL with errno */
struct outlog *outlog_create(unsigned per_second, const struct outlog_ops *ops,
			     void *ctx)
{
	struct outlog *l = calloc(1, sizeof(*l));
	uint8_t seed[16];

	if (l == NULL)
		return NULL;
	l->ops = *ops;
	l->ctx = ctx;
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)
	    || (l->limit = cap_limit_create(per_second, OUTLOG_LIMIT_MEM, seed,
					    on_suppressed, l)) == NULL) {
		free(l);
		errno = errno ? errno : ENOMEM;
		return NULL;
	}
	return l;
}

/* outlog_free - accepts NULL */
void outlog_free(struct outlog *l)
{
	if (l == NULL)
		return;
	cap_limit_free(l->limit);
	free(l);
}

/* zone_of - the policed zone of src, or NULL */
static const struct sd_zone *zone_of(const struct sd_conf *c,
				     const struct sl_addr *src)
{
	const struct sd_zone *z = sdconf_zone(c, src);

	return z != NULL && sdconf_zone_policed(z) ? z : NULL;
}

/* rule_name - the rule that refused p in zone z: "deny_out 2",
   "default", or "replaced" for a flow the policy in force allows (a
   reload has replaced the one that refused it since) */
static void rule_name(const struct sd_zone *z, const struct pkt_info *p,
		      char *buf, size_t len)
{
	enum outpol_kind kind;
	size_t idx = 0;

	if (!outpol_match(&z->deny_out, &z->allow_out, z->outbound, &p->dst,
			  p->proto, p->dport, &kind, &idx))
		snprintf(buf, len, "replaced");
	else if (kind == OUTPOL_DEFAULT)
		snprintf(buf, len, "default");
	else
		snprintf(buf, len, "%s %zu", outpol_kind_name(kind), idx);
}

/* report - the event of one violation, with the count suppressed
   before it */
static void report(struct outlog *l, const struct sd_zone *z,
		   const struct pkt_info *p, uint64_t suppressed)
{
	char rule[32];
	struct event_field f[] = {
		EF_S("zone", z->name), EF_S("rule", rule),
		EF_S("action", "drop"), EF_U("suppressed", suppressed),
	};

	rule_name(z, p, rule, sizeof(rule));
	emit(l, p, &p->src, f, suppressed ? 4 : 3);
}

/* outlog_packet - one logged packet: a signal, and an event if the
   source's rate allows */
void outlog_packet(struct outlog *l, const struct sd_conf *c,
		   const uint8_t *data, size_t len, uint64_t now)
{
	const struct sd_zone *z;
	struct pkt_info p;
	uint64_t suppressed = 0;

	if (pkt_parse(data, len, &p) == PKT_BAD || (z = zone_of(c, &p.src)) == NULL) {
		l->st.unattributed++;
		return;
	}
	l->st.violations++;
	l->ops.signal(l->ctx, &p.src, p.dport, now);
	if (!cap_limit_take(l->limit, &p.src, now, &suppressed)) {
		l->st.suppressed++;
		return;
	}
	report(l, z, &p, suppressed);
}

/* outlog_tick - report suppressed counts whose second is over */
void outlog_tick(struct outlog *l, uint64_t now)
{
	if (l != NULL)
		cap_limit_flush(l->limit, now);
}

/* outlog_stats - counters */
void outlog_stats(const struct outlog *l, struct outlog_stats *out)
{
	if (l == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = l->st;
}
