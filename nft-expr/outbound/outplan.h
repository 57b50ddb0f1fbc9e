/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outplan - the zones' outbound policy as the nft rules that enforce it
 * SYNOPSIS
 *	#include "outbound/outplan.h"
 * DESCRIPTION
 *	outplan_walk() decides every chain and rule of one family's table
 *	and hands them to a back end: outnft(3) turns them into netlink
 *	messages, outprint(3) into nft syntax for `sluiced -n`. One walk
 *	serves both, so what an operator audits is what is installed.
 *
 *	  chain outbound                (jumped to for ct state new)
 *	    ip saddr { ZONE'S SOURCES } jump outbound_ZONE   (policed zones)
 *	  chain outbound_ZONE
 *	    deny_out rules:  ... counter log prefix "ZONE deny_out N"
 *	                     group G drop comment "ZONE deny_out N"
 *	    allow_out rules: ... return comment "ZONE allow_out N"
 *	    outbound = deny: counter log ... drop comment "ZONE default"
 *
 *	A zone's sources are its prefixes less its sub-zones' (the
 *	longest match decides, as everywhere), so the jumps never overlap.
 *	"return" goes back to the hook chain: an allowed flow still meets
 *	the quarantine and the throttle.
 */
#ifndef SLUICE_OUTPLAN_H
#define SLUICE_OUTPLAN_H

#include <stddef.h>
#include <stdint.h>
#include "outbound/outpol.h"
#include "table/ranges.h"

struct sd_conf;

enum outplan_verdict { OUTPLAN_JUMP, OUTPLAN_RETURN, OUTPLAN_DROP };

#define OUTPLAN_CHAIN_MAX 64	/* "outbound_" and a zone name */
#define OUTPLAN_TAG_MAX 64	/* "ZONE deny_out 64" */

struct outplan_rule {
	int family;			/* 4 or 6 */
	const char *chain;
	const struct sl_range *src;	/* nsrc 0: no source match */
	size_t nsrc;
	const struct sl_range *dst;	/* ndst 0: no destination match */
	size_t ndst;
	uint8_t proto;			/* 0: any */
	const struct sl_range *ports;	/* 2-byte keys; nports 0: any */
	size_t nports;
	int verdict;			/* enum outplan_verdict */
	const char *target;		/* OUTPLAN_JUMP's chain */
	const char *tag;		/* comment, and drop's log prefix */
	const char *text;		/* the rule as written, or NULL */
	uint16_t log_group;		/* for OUTPLAN_DROP */
};

struct outplan_ops {
	/* a regular chain of the family's table */
	int (*chain)(void *ctx, int family, const char *name);
	/* a rule appended to its chain */
	int (*rule)(void *ctx, const struct outplan_rule *r);
};

/* outplan_walk - the chains (zones' first) and rules of family 4 or 6
   through ops; 0, or -1 with errno (ENOMEM, E2BIG: more than
   RANGES_MAX ranges) or what ops returned */
int outplan_walk(const struct sd_conf *c, int family,
		 const struct outplan_ops *ops, void *ctx);
/* outplan_any - does any zone have an outbound policy */
int outplan_any(const struct sd_conf *c);
/* outplan_chain_name - "outbound_ZONE" */
void outplan_chain_name(char *buf, size_t len, const char *zone);
/* outplan_tag_parse - "ZONE KIND N" or "ZONE default" back into its
   parts (zone of SD_ZONE_NAME_MAX + 1 bytes); 0, or -1 if it is not
   one of ours */
int outplan_tag_parse(const char *tag, char *zone, size_t zlen,
		      enum outpol_kind *kind, size_t *idx);

#endif
