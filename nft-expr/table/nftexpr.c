/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftexpr - the few nf_tables expressions sluiced's rules are made of
 * SYNOPSIS
 *	#include "table/nftexpr.h"
 * DESCRIPTION
 *	Every expression is allocated, filled and only then added to the
 *	rule. libnftnl's setters that can fail (strings and blobs: a copy,
 *	an attribute the library refuses) return -1, and an expression
 *	one of them failed on is freed, not added, and the builder returns
 *	-1: a rule is never sent with a missing set name or verdict chain.
 *	The integer setters return nothing in libnftnl 1.2 (they only
 *	store the value).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "table/nftexpr.h"

#define REG NFT_REG_1
#define CT_STATE_NEW 0x08	/* NF_CT_STATE_BIT(IP_CT_NEW) */
#define CT_STATE_ESTABLISHED 0x02	/* NF_CT_STATE_BIT(IP_CT_ESTABLISHED) */

/* expr_new - allocate an expression by name, ENOMEM on failure */
static struct nftnl_expr *expr_new(const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	errno = e == NULL ? ENOMEM : 0;
	return e;
}

/* expr_add - add e to r, unless a setter failed on it (bad): then e is
   freed and -1 returned with errno (EINVAL if the library gave none) */
static int expr_add(struct nftnl_rule *r, struct nftnl_expr *e, int bad)
{
	if (bad) {
		int err = errno ? errno : EINVAL;

		nftnl_expr_free(e);
		errno = err;
		return -1;
	}
	nftnl_rule_add_expr(r, e);
	return 0;
}

/* expr_meta - meta KEY into REG */
static int expr_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = expr_new("meta");

	if (e == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, REG);
	return expr_add(r, e, 0);
}

/* expr_cmp - REG op data */
static int expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		    uint32_t len)
{
	struct nftnl_expr *e = expr_new("cmp");

	if (e == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, REG);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	return expr_add(r, e, nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) < 0);
}

/* expr_and - REG &= mask (len bytes, at most 16) */
static int expr_and(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *bw = expr_new("bitwise");

	if (bw == NULL)
		return -1;
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_SREG, REG);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_DREG, REG);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_LEN, len);
	return expr_add(r, bw,
			nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_MASK, mask, len) < 0
			|| nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_XOR, zero, len) < 0);
}

/* payload_into - len bytes at off of header base into reg */
static int payload_into(struct nftnl_rule *r, uint32_t base, uint32_t off,
			uint32_t len, uint32_t reg)
{
	struct nftnl_expr *pl = expr_new("payload");

	if (pl == NULL)
		return -1;
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_DREG, reg);
	return expr_add(r, pl, 0);
}

/* nftexpr_l4proto - meta l4proto == proto */
int nftexpr_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	if (expr_meta(r, NFT_META_L4PROTO) < 0)
		return -1;
	return expr_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
}

/* ct_state - ct state & mask, compared op 0 (NFT_CMP_EQ: none of the
   bits, NFT_CMP_NEQ: one of them) */
static int ct_state(struct nftnl_rule *r, uint32_t mask, uint32_t op)
{
	uint32_t zero = 0;
	struct nftnl_expr *ct = expr_new("ct");

	if (ct == NULL)
		return -1;
	nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, REG);
	if (expr_add(r, ct, 0) < 0 || expr_and(r, &mask, sizeof(mask)) < 0)
		return -1;
	return expr_cmp(r, op, &zero, sizeof(zero));
}

/* nftexpr_ct_not_new - ct state & new == 0 */
int nftexpr_ct_not_new(struct nftnl_rule *r)
{
	return ct_state(r, CT_STATE_NEW, NFT_CMP_EQ);
}

/* nftexpr_ct_new - ct state & new != 0 */
int nftexpr_ct_new(struct nftnl_rule *r)
{
	return ct_state(r, CT_STATE_NEW, NFT_CMP_NEQ);
}

/* nftexpr_ct_established - ct state established (either direction) */
int nftexpr_ct_established(struct nftnl_rule *r)
{
	return ct_state(r, CT_STATE_ESTABLISHED, NFT_CMP_NEQ);
}

/* nftexpr_th_sport - th sport == port (after an l4proto match) */
int nftexpr_th_sport(struct nftnl_rule *r, uint16_t port)
{
	uint16_t be = htons(port);

	if (payload_into(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, sizeof(be), REG) < 0)
		return -1;
	return expr_cmp(r, NFT_CMP_EQ, &be, sizeof(be));
}

/* set_lookup - REG (and the registers after it) @set */
static int set_lookup(struct nftnl_rule *r, const char *set, uint32_t set_id,
		      uint32_t flags)
{
	struct nftnl_expr *lk = expr_new("lookup");

	if (lk == NULL)
		return -1;
	nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_SREG, REG);
	nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
	if (flags != 0)
		nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_FLAGS, flags);
	return expr_add(r, lk, nftnl_expr_set_str(lk, NFTNL_EXPR_LOOKUP_SET, set) < 0);
}

/* payload_lookup - LEN bytes at OFF of header BASE, looked up in set */
static int payload_lookup(struct nftnl_rule *r, uint32_t base, uint32_t off,
			  uint32_t len, const char *set, uint32_t set_id,
			  uint32_t flags)
{
	if (payload_into(r, base, off, len, REG) < 0)
		return -1;
	return set_lookup(r, set, set_id, flags);
}

/* nftexpr_dport_in - meta l4proto proto, th dport @set */
int nftexpr_dport_in(struct nftnl_rule *r, uint8_t proto, const char *set,
		     uint32_t set_id)
{
	if (nftexpr_l4proto(r, proto) < 0)
		return -1;
	return payload_lookup(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, set, set_id, 0);
}

/* nftexpr_log - log prefix PREFIX group GROUP */
int nftexpr_log(struct nftnl_rule *r, uint16_t group, const char *prefix)
{
	struct nftnl_expr *e = expr_new("log");

	if (e == NULL)
		return -1;
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, group);
	return expr_add(r, e, nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix) < 0);
}

/* addr_lookup - ip[6] saddr/daddr [!=] @set (flags: NFT_LOOKUP_F_INV) */
static int addr_lookup(struct nftnl_rule *r, int family, int dst,
		       const char *set, uint32_t set_id, uint32_t flags)
{
	uint32_t off;

	if (family == 4)
		off = dst ? 16 : 12;
	else
		off = dst ? 24 : 8;
	/* no meta nfproto match: the table is of one family already */
	return payload_lookup(r, NFT_PAYLOAD_NETWORK_HEADER, off,
			      family == 4 ? 4 : 16, set, set_id, flags);
}

/* nftexpr_addr_in - ip[6] saddr/daddr @set */
int nftexpr_addr_in(struct nftnl_rule *r, int family, int dst,
		    const char *set, uint32_t set_id)
{
	return addr_lookup(r, family, dst, set, set_id, 0);
}

/* nftexpr_addr_not_in - ip[6] saddr/daddr != @set */
int nftexpr_addr_not_in(struct nftnl_rule *r, int family, int dst,
			const char *set, uint32_t set_id)
{
	return addr_lookup(r, family, dst, set, set_id, NFT_LOOKUP_F_INV);
}

/* prefix_mask - REG &= the first bits of 16 bytes (an IPv6 source cut
   to v6_prefix) */
static int prefix_mask(struct nftnl_rule *r, unsigned bits)
{
	uint8_t mask[16];
	unsigned i;

	for (i = 0; i < 16; i++)
		mask[i] = bits >= (i + 1) * 8 ? 0xff
		    : bits > i * 8 ? (uint8_t)(0xff << (8 - (bits - i * 8))) : 0;
	return expr_and(r, mask, 16);
}

/* nftexpr_pair_seen - ip saddr . ip daddr @set update @set (IPv6: the
   source cut to v6_prefix bits): a pair in the set matches, and its
   timeout restarts, which is how the kernel says when it last saw it */
int nftexpr_pair_seen(struct nftnl_rule *r, int family, unsigned v6_prefix,
		      const char *set, uint32_t set_id, uint64_t timeout_ms)
{
	const uint32_t nh = NFT_PAYLOAD_NETWORK_HEADER;
	struct nftnl_expr *ds;
	int ok;

	/* IPv4: 4-byte fields in consecutive 32-bit registers (1 and 9,
	   as nft compiles a concatenation); IPv6: registers 1 and 2 */
	if (family == 4)
		ok = payload_into(r, nh, 12, 4, REG) == 0
		    && payload_into(r, nh, 16, 4, NFT_REG32_01) == 0;
	else
		ok = payload_into(r, nh, 8, 16, REG) == 0
		    && (v6_prefix >= 128 || prefix_mask(r, v6_prefix) == 0)
		    && payload_into(r, nh, 24, 16, NFT_REG_2) == 0;
	if (!ok || set_lookup(r, set, set_id, 0) < 0
	    || (ds = expr_new("dynset")) == NULL)
		return -1;
	nftnl_expr_set_u32(ds, NFTNL_EXPR_DYNSET_SREG_KEY, REG);
	nftnl_expr_set_u32(ds, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
	nftnl_expr_set_u64(ds, NFTNL_EXPR_DYNSET_TIMEOUT, timeout_ms);
	nftnl_expr_set_u32(ds, NFTNL_EXPR_DYNSET_SET_ID, set_id);
	return expr_add(r, ds, nftnl_expr_set_str(ds, NFTNL_EXPR_DYNSET_SET_NAME,
						  set) < 0);
}

/* nftexpr_src_hash - jhash ip saddr (IPv6: cut to v6_prefix bits)
   mod modulus seed seed == value: the source alone chooses, so each
   host (each IPv6 prefix, the engine's key) has one queue */
int nftexpr_src_hash(struct nftnl_rule *r, int family, unsigned v6_prefix,
		     uint32_t modulus, uint32_t seed, uint32_t value)
{
	const uint32_t nh = NFT_PAYLOAD_NETWORK_HEADER;
	uint32_t len = family == 4 ? 4 : 16;
	struct nftnl_expr *h;
	int ok;

	ok = family == 4 ? payload_into(r, nh, 12, 4, REG) == 0
	    : payload_into(r, nh, 8, 16, REG) == 0
	      && (v6_prefix >= 128 || prefix_mask(r, v6_prefix) == 0);
	if (!ok || (h = expr_new("hash")) == NULL)
		return -1;
	nftnl_expr_set_u32(h, NFTNL_EXPR_HASH_TYPE, NFT_HASH_JENKINS);
	nftnl_expr_set_u32(h, NFTNL_EXPR_HASH_SREG, REG);
	nftnl_expr_set_u32(h, NFTNL_EXPR_HASH_DREG, REG);
	nftnl_expr_set_u32(h, NFTNL_EXPR_HASH_LEN, len);
	nftnl_expr_set_u32(h, NFTNL_EXPR_HASH_MODULUS, modulus);
	nftnl_expr_set_u32(h, NFTNL_EXPR_HASH_SEED, seed);
	nftnl_expr_set_u32(h, NFTNL_EXPR_HASH_OFFSET, 0);
	if (expr_add(r, h, 0) < 0)
		return -1;
	return expr_cmp(r, NFT_CMP_EQ, &value, sizeof(value));
}

/* nftexpr_rpf_missing - fib saddr . iif oif, compared with 0 as nft
   compiles "missing" */
int nftexpr_rpf_missing(struct nftnl_rule *r)
{
	struct nftnl_expr *e = expr_new("fib");
	uint32_t zero = 0;

	if (e == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_SADDR | NFTA_FIB_F_IIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_OIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, REG);
	if (expr_add(r, e, 0) < 0)
		return -1;
	return expr_cmp(r, NFT_CMP_EQ, &zero, sizeof(zero));
}

/* expr_bare - an expression without attributes, by name */
static int expr_bare(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = expr_new(name);

	if (e == NULL)
		return -1;
	return expr_add(r, e, 0);
}

/* nftexpr_notrack - notrack: conntrack leaves the packet alone */
int nftexpr_notrack(struct nftnl_rule *r)
{
	return expr_bare(r, "notrack");
}

/* nftexpr_counter - counter */
int nftexpr_counter(struct nftnl_rule *r)
{
	return expr_bare(r, "counter");
}

/* nftexpr_verdict - accept, drop, or jump to chain */
int nftexpr_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *e = expr_new("immediate");

	if (e == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	return expr_add(r, e, chain != NULL
			&& nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0);
}

/* queue_native - nft's own queue expression (nft_queue) */
static struct nftnl_expr *queue_native(uint16_t num, int bypass)
{
	struct nftnl_expr *e = expr_new("queue");

	if (e == NULL)
		return NULL;
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, num);
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, 1);
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS,
			   bypass ? NFT_QUEUE_FLAG_BYPASS : 0);
	return e;
}

/* queue_compat - the x_tables NFQUEUE target, revision 3 */
static struct nftnl_expr *queue_compat(uint16_t num, int bypass)
{
	struct nftnl_expr *e = expr_new("target");
	struct xt_NFQ_info_v3 *info;

	if (e == NULL)
		return NULL;
	/* libnftnl takes ownership of the info pointer and frees it */
	if ((info = calloc(1, sizeof(*info))) == NULL) {
		nftnl_expr_free(e);
		return NULL;
	}
	info->queuenum = num;
	info->queues_total = 1;
	info->flags = bypass ? NFQ_FLAG_BYPASS : 0;
	nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 3);
	if (nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, "NFQUEUE") < 0
	    || nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, sizeof(*info)) < 0) {
		/* refused before it took the pointer: ours to free */
		free(info);
		nftnl_expr_free(e);
		errno = errno ? errno : EINVAL;
		return NULL;
	}
	return e;
}

/* nftexpr_queue - queue num N [bypass], native or compat */
int nftexpr_queue(struct nftnl_rule *r, enum nftq_kind kind, uint16_t num,
		  int bypass)
{
	struct nftnl_expr *e = kind == NFTQ_NATIVE ? queue_native(num, bypass)
						   : queue_compat(num, bypass);

	if (e == NULL)
		return -1;
	return expr_add(r, e, 0);
}

/* nftexpr_add - add e to r; bad: a setter failed on e, which is freed
   (the other rooms' own expressions, fairshare/fs_nft.c) */
int nftexpr_add(struct nftnl_rule *r, struct nftnl_expr *e, int bad)
{
	return expr_add(r, e, bad);
}

/* nftexpr_meta - meta KEY into register 1 */
int nftexpr_meta(struct nftnl_rule *r, uint32_t key)
{
	return expr_meta(r, key);
}

/* nftexpr_cmp - register 1 op data (NFT_CMP_*) */
int nftexpr_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		uint32_t len)
{
	return expr_cmp(r, op, data, len);
}
