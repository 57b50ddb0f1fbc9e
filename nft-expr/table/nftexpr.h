/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftexpr - the few nf_tables expressions sluiced's rules are made of
 * SYNOPSIS
 *	#include "table/nftexpr.h"
 * DESCRIPTION
 *	Each function appends one or two expressions to a libnftnl rule,
 *	the way nft(8) compiles the matching statement, and returns 0, or
 *	-1 with errno (ENOMEM, or what a libnftnl setter reported; the
 *	expression it failed on is not added). Matches load into register
 *	1 and compare.
 */
#ifndef SLUICE_NFTEXPR_H
#define SLUICE_NFTEXPR_H

#include <stdint.h>
#include "table/nftrules.h"

struct nftnl_rule;

/* nftexpr_l4proto - meta l4proto == proto */
int nftexpr_l4proto(struct nftnl_rule *r, uint8_t proto);
/* nftexpr_ct_not_new - ct state & new == 0 */
int nftexpr_ct_not_new(struct nftnl_rule *r);
/* nftexpr_ct_new - ct state & new != 0 */
int nftexpr_ct_new(struct nftnl_rule *r);
/* nftexpr_dport_in - meta l4proto proto, th dport @set (two bytes at
   the transport header's offset 2: tcp, udp and sctp alike) */
int nftexpr_dport_in(struct nftnl_rule *r, uint8_t proto, const char *set,
		     uint32_t set_id);
/* nftexpr_log - log prefix PREFIX group GROUP (NFLOG) */
int nftexpr_log(struct nftnl_rule *r, uint16_t group, const char *prefix);
/* nftexpr_ct_established - ct state established (replies too) */
int nftexpr_ct_established(struct nftnl_rule *r);
/* nftexpr_th_sport - th sport == port, after nftexpr_l4proto */
int nftexpr_th_sport(struct nftnl_rule *r, uint16_t port);
/* nftexpr_addr_in - ip[6] saddr/daddr @set (set created in this batch
   with set_id), in a table of that family (ip or ip6) */
int nftexpr_addr_in(struct nftnl_rule *r, int family, int dst,
		    const char *set, uint32_t set_id);
/* nftexpr_addr_not_in - the same, negated: the address is not in the
   set */
int nftexpr_addr_not_in(struct nftnl_rule *r, int family, int dst,
			const char *set, uint32_t set_id);
/* nftexpr_pair_seen - ip[6] saddr . ip[6] daddr @set update @set
   (timeout_ms restarts; IPv6 saddr cut to v6_prefix bits) */
int nftexpr_pair_seen(struct nftnl_rule *r, int family, unsigned v6_prefix,
		      const char *set, uint32_t set_id, uint64_t timeout_ms);
/* nftexpr_src_hash - jhash ip[6] saddr (v6: first v6_prefix bits) mod
   modulus seed seed == value */
int nftexpr_src_hash(struct nftnl_rule *r, int family, unsigned v6_prefix,
		     uint32_t modulus, uint32_t seed, uint32_t value);
/* nftexpr_rpf_missing - fib saddr . iif oif missing: no route back to
   the source through the interface it came in on (prerouting,
   forward) */
int nftexpr_rpf_missing(struct nftnl_rule *r);
/* nftexpr_notrack - notrack (in a chain before conntrack, priority
   raw) (added) */
int nftexpr_notrack(struct nftnl_rule *r);
/* nftexpr_counter - counter */
int nftexpr_counter(struct nftnl_rule *r);
/* nftexpr_verdict - accept, drop (NF_*), return (NFT_RETURN) or jump
   to chain (NFT_JUMP) */
int nftexpr_verdict(struct nftnl_rule *r, int verdict, const char *chain);
/* nftexpr_queue - queue num N [bypass], native or x_tables compat */
int nftexpr_queue(struct nftnl_rule *r, enum nftq_kind kind, uint16_t num,
		  int bypass);

struct nftnl_expr;
/* nftexpr_add - add e to r; bad: a setter failed on e, which is then
   freed; 0, or -1 with errno (for the other rooms' own expressions) */
int nftexpr_add(struct nftnl_rule *r, struct nftnl_expr *e, int bad);
/* nftexpr_meta - meta KEY into register 1 */
int nftexpr_meta(struct nftnl_rule *r, uint32_t key);
/* nftexpr_cmp - register 1 op data (NFT_CMP_*) */
int nftexpr_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		uint32_t len);

#endif
