/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outpol - a zone's outbound policy: allow_out / deny_out rules parsed
 * SYNOPSIS
 *	#include "outbound/outpol.h"
 * DESCRIPTION
 *	A rule list is "RULE; RULE; ...", each rule
 *
 *	  PROTO[/PORTS] to PREFIXES
 *
 *	PROTO is tcp, udp, sctp (which may have ports), icmp, icmpv6 or
 *	any; PORTS a ','-separated list of N or N-M (0 to 65535); PREFIXES
 *	"any" or a ','-separated list of ADDR[/LEN], IPv4 and IPv6 mixed.
 *	outpol_parse() checks everything with bounds and says what is
 *	wrong in the form config(3) uses for the end of an error
 *	(` = "RULE": why; expected ...`), so the caller only puts the
 *	file, group and key in front. Ports are sorted and merged (80,81
 *	is 80-81); prefixes go into a prefix set whose ranges
 *	(ranges_build) are sorted, disjoint and merged: one spelling per
 *	policy, which the nft rules and `sluiced -n` both use.
 *
 *	outpol_match() evaluates a policy in user space for one new flow,
 *	as the kernel's rules do (deny_out first, then allow_out, then the
 *	zone's default), to name the rule an NFLOG'd violation broke.
 */
#ifndef SLUICE_OUTPOL_H
#define SLUICE_OUTPOL_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "prefixset.h"

#define OUTPOL_RULES_MAX 64	/* rules in one allow_out or deny_out */
#define OUTPOL_PORTS_MAX 64	/* port items in one rule */
#define OUTPOL_PREFIXES_MAX 256	/* prefixes in one rule */
#define OUTPOL_TEXT_MAX 8192	/* bytes of one key's value */
#define OUTPOL_RULE_TEXT 160	/* a rule as written, kept for comments */

#define OUTPOL_FAM4 0x1
#define OUTPOL_FAM6 0x2

enum outpol_default { OUTPOL_ALLOW, OUTPOL_DENY };
enum outpol_kind { OUTPOL_DENY_OUT, OUTPOL_ALLOW_OUT, OUTPOL_DEFAULT };

struct outpol_ports {
	uint16_t lo, hi;	/* inclusive */
};

struct outpol_rule {
	uint8_t proto;		/* IPPROTO_*; 0 = any */
	uint8_t families;	/* OUTPOL_FAM*: where the rule applies */
	size_t nports;		/* 0: every port */
	struct outpol_ports ports[OUTPOL_PORTS_MAX];
	struct prefixset *dst;	/* value 1 for each prefix */
	int dst_any4, dst_any6;	/* the whole family: no address match */
	char text[OUTPOL_RULE_TEXT];	/* as written, trimmed, cut */
};

struct outpol_list {
	struct outpol_rule *rules;
	size_t n;
};

/* outpol_parse - one allow_out/deny_out value; 0, or -1 with the end
   of an error message in why (starting ` = "`) */
int outpol_parse(const char *text, struct outpol_list *out, char *why,
		 size_t whylen);
/* outpol_free - what outpol_parse filled; NULL and empty ok */
void outpol_free(struct outpol_list *l);
/* outpol_proto_name - "tcp", "udp", "sctp", "icmp", "icmpv6", "any" */
const char *outpol_proto_name(uint8_t proto);
/* outpol_kind_name - "deny_out", "allow_out", "default" */
const char *outpol_kind_name(enum outpol_kind k);
/* outpol_rule_matches - does a new flow (dst, proto, dport; dport
   ignored without ports) fall under rule r */
int outpol_rule_matches(const struct outpol_rule *r, const struct sl_addr *dst,
			uint8_t proto, uint16_t dport);
/* outpol_match - which rule decides a new flow: the kind and (for
   deny_out/allow_out) the 1-based index into *idx; 1 if the flow is
   denied, 0 if allowed */
int outpol_match(const struct outpol_list *deny, const struct outpol_list *allow,
		 int deflt, const struct sl_addr *dst, uint8_t proto,
		 uint16_t dport, enum outpol_kind *kind, size_t *idx);

#endif
