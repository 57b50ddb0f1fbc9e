/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outplan - the zones' outbound policy as the nft rules that enforce it
 * SYNOPSIS
 *	#include "outbound/outplan.h"
#include "table/nftrules.h"
 * DESCRIPTION
 *	deny_out before allow_out: a flow both name is denied, the safer
 *	reading of a policy that says both. Destinations and sources go
 *	through ranges_build (sorted, disjoint, merged), ports through
 *	outpol's merge, so the rules have one spelling. A destination of
 *	the whole family ("any", /0) and a rule without ports match
 *	nothing there: no lookup at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/sdconf.h"
#include "outbound/outplan.h"
#include "table/nftrules.h"

struct walk {
	const struct sd_conf *c;
	int family;
	const struct outplan_ops *ops;
	void *ctx;
	struct sl_range *src, *dst;
	struct sl_range ports[OUTPOL_PORTS_MAX];
	size_t nsrc;
};

/* keep_zone - ranges_build filter: the sources whose zone is *ctx */
static int keep_zone(void *ctx, uintptr_t value)
{
	return value == *(const uintptr_t *)ctx;
}

/* keep_all - ranges_build filter: every prefix */
static int keep_all(void *ctx, uintptr_t value)
{
	(void)ctx;
	return value != 0;
}

/* outplan_chain_name - "outbound_ZONE" */
void outplan_chain_name(char *buf, size_t len, const char *zone)
{
	snprintf(buf, len, "outbound_%s", zone);
}

/* outplan_any - does any zone have an outbound policy */
int outplan_any(const struct sd_conf *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++)
		if (sdconf_zone_policed(&c->zones[i]))
			return 1;
	return 0;
}

/* zone_sources - w->src/nsrc: zone i's sources of the family */
static int zone_sources(struct walk *w, size_t i)
{
	uintptr_t v = i + 1;
	long n = ranges_build(w->c->zonemap, w->family, keep_zone, &v, w->src,
			      RANGES_MAX);

	if (n < 0)
		return -1;
	w->nsrc = (size_t)n;
	return 0;
}

/* port_ranges - a rule's ports as 2-byte keys */
static void port_ranges(struct walk *w, const struct outpol_rule *r)
{
	size_t i;

	for (i = 0; i < r->nports; i++) {
		w->ports[i].lo[0] = (uint8_t)(r->ports[i].lo >> 8);
		w->ports[i].lo[1] = (uint8_t)r->ports[i].lo;
		w->ports[i].hi[0] = (uint8_t)(r->ports[i].hi >> 8);
		w->ports[i].hi[1] = (uint8_t)r->ports[i].hi;
	}
}

/* list_rules - the rules of one list of zone z, in order */
static int list_rules(struct walk *w, const struct sd_zone *z,
		      const char *chain, const struct outpol_list *l,
		      enum outpol_kind kind)
{
	int fam = w->family == 4 ? OUTPOL_FAM4 : OUTPOL_FAM6;
	char tag[OUTPLAN_TAG_MAX];
	size_t i;
	long n;

	for (i = 0; i < l->n; i++) {
		const struct outpol_rule *r = &l->rules[i];
		struct outplan_rule o = {
			.family = w->family, .chain = chain, .dst = w->dst,
			.proto = r->proto, .ports = w->ports, .nports = r->nports,
			.verdict = kind == OUTPOL_DENY_OUT ? OUTPLAN_DROP : OUTPLAN_RETURN,
			.tag = tag, .text = r->text,
			.log_group = (uint16_t)w->c->outbound_log_group,
		};

		if (!(r->families & fam))
			continue;
		n = 0;
		if (!(w->family == 4 ? r->dst_any4 : r->dst_any6)
		    && (n = ranges_build(r->dst, w->family, keep_all, NULL, w->dst,
					 RANGES_MAX)) < 0)
			return -1;
		o.ndst = (size_t)n;
		port_ranges(w, r);
		snprintf(tag, sizeof(tag), "%s %s %zu", z->name,
			 outpol_kind_name(kind), i + 1);
		if (w->ops->rule(w->ctx, &o) < 0)
			return -1;
	}
	return 0;
}

/* zone_chain - chain outbound_ZONE and its rules */
static int zone_chain(struct walk *w, const struct sd_zone *z)
{
	char chain[OUTPLAN_CHAIN_MAX], tag[OUTPLAN_TAG_MAX];
	struct outplan_rule o = {
		.family = w->family, .chain = chain, .verdict = OUTPLAN_DROP,
		.tag = tag, .log_group = (uint16_t)w->c->outbound_log_group,
	};

	outplan_chain_name(chain, sizeof(chain), z->name);
	if (w->ops->chain(w->ctx, w->family, chain) < 0
	    || list_rules(w, z, chain, &z->deny_out, OUTPOL_DENY_OUT) < 0
	    || list_rules(w, z, chain, &z->allow_out, OUTPOL_ALLOW_OUT) < 0)
		return -1;
	if (z->outbound != OUTPOL_DENY)
		return 0;
	snprintf(tag, sizeof(tag), "%s default", z->name);
	return w->ops->rule(w->ctx, &o);
}

/* zone_jump - ip saddr { SOURCES } jump outbound_ZONE */
static int zone_jump(struct walk *w, const struct sd_zone *z)
{
	char chain[OUTPLAN_CHAIN_MAX];
	struct outplan_rule o = {
		.family = w->family, .chain = NFTRULES_OUTBOUND,
		.src = w->src, .nsrc = w->nsrc, .verdict = OUTPLAN_JUMP,
		.target = chain,
	};

	outplan_chain_name(chain, sizeof(chain), z->name);
	return w->ops->rule(w->ctx, &o);
}

/* walk_zones - pass 0: the zones' chains; pass 1: the jumps to them */
static int walk_zones(struct walk *w, int pass)
{
	size_t i;

	for (i = 0; i < w->c->nzones; i++) {
		const struct sd_zone *z = &w->c->zones[i];

		if (!sdconf_zone_policed(z))
			continue;
		if (zone_sources(w, i) < 0)
			return -1;
		if (w->nsrc == 0)
			continue;
		if ((pass == 0 ? zone_chain(w, z) : zone_jump(w, z)) < 0)
			return -1;
	}
	return 0;
}

/* outplan_walk - the chains and rules of family through ops */
int outplan_walk(const struct sd_conf *c, int family,
		 const struct outplan_ops *ops, void *ctx)
{
	struct walk *w;
	int rc;

	if (!outplan_any(c))
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	*w = (struct walk){ .c = c, .family = family, .ops = ops, .ctx = ctx };
	w->src = calloc(RANGES_MAX, sizeof(*w->src));
	w->dst = calloc(RANGES_MAX, sizeof(*w->dst));
	rc = w->src && w->dst ? 0 : (errno = ENOMEM, -1);
	if (rc == 0)
		rc = walk_zones(w, 0);
	if (rc == 0)
		rc = walk_zones(w, 1);
	free(w->src);
	free(w->dst);
	free(w);
	return rc;
}

/* outplan_tag_parse - "ZONE KIND N" or "ZONE default" into its parts */
int outplan_tag_parse(const char *tag, char *zone, size_t zlen,
		      enum outpol_kind *kind, size_t *idx)
{
	char z[SD_ZONE_NAME_MAX + 1], k[16], extra;
	unsigned long n = 0;
	int got = sscanf(tag, "%32s %15s %lu %c", z, k, &n, &extra);

	if (got == 2 && strcmp(k, "default") == 0)
		*kind = OUTPOL_DEFAULT;
	else if (got == 3 && strcmp(k, "deny_out") == 0 && n >= 1)
		*kind = OUTPOL_DENY_OUT;
	else if (got == 3 && strcmp(k, "allow_out") == 0 && n >= 1)
		*kind = OUTPOL_ALLOW_OUT;
	else
		return -1;
	if (strlen(z) >= zlen)
		return -1;
	memcpy(zone, z, strlen(z) + 1);
	*idx = (size_t)n;
	return 0;
}
