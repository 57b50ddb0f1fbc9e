/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftrules - sluiced's own nftables table, built with libnftnl
 * SYNOPSIS
 *	#include "table/nftrules.h"
 * DESCRIPTION
 *	The tables are described by two small tables (sets, then the rules
 *	of each chain) and turned into one batch. Installing adds each
 *	table, deletes it and adds it again in that batch: a table left
 *	behind by a sluiced that was killed is replaced, atomically,
 *	without a window in which none exists.
 *
 *	One table per family (ip and ip6), not one inet table: where the
 *	kernel lacks nft_queue the queue is the x_tables NFQUEUE target,
 *	and nft(8) can print that target in an ip or ip6 table only (in
 *	an inet table `nft list ruleset` says "libxtables: unhandled
 *	NFPROTO in xtables_set_nfproto" for each such rule).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "table/nftbatch.h"
#include "table/nftexpr.h"
#include "table/nftrules.h"

#define BATCH_SIZE (4 * 1024 * 1024)	/* the zones' policies go in too */
#define TYPE_IPADDR 7		/* nft's datatype numbers, for listing */
#define TYPE_IP6ADDR 8
#define TYPE_INET_SERVICE 13
#define TYPE_BITS 6		/* a concatenation's type: one per field */

struct nftrules {
	struct mnl_socket *nl;
	uint32_t seq;
	enum nftq_kind kind;
	char table[64];
	int installed;
};

/* the sets of the table; the id lets rules in the same batch find them */
static const struct set_spec {
	const char *base;
	int family;
	uint32_t flags;
	uint32_t id;
	int pair;		/* source . destination */
	int port;		/* keyed by a transport port, not an address */
} set_specs[] = {
	{ "quarantine", 4, NFT_SET_TIMEOUT, 1, 0, 0 },
	{ "quarantine", 6, NFT_SET_TIMEOUT | NFT_SET_INTERVAL, 2, 0, 0 },
	{ "whitelist", 4, NFT_SET_INTERVAL, 3, 0, 0 },
	{ "whitelist", 6, NFT_SET_INTERVAL, 4, 0, 0 },
	{ "closed", 4, NFT_SET_INTERVAL, 5, 0, 0 },
	{ "closed", 6, NFT_SET_INTERVAL, 6, 0, 0 },
	{ "queued", 4, NFT_SET_INTERVAL, 7, 0, 0 },
	{ "queued", 6, NFT_SET_INTERVAL, 8, 0, 0 },
	{ "dark", 4, NFT_SET_INTERVAL, 9, 0, 0 },	/* with capture only */
	{ "dark", 6, NFT_SET_INTERVAL, 10, 0, 0 },
	{ "bypass", 4, NFT_SET_INTERVAL, 11, 0, 0 },
	{ "bypass", 6, NFT_SET_INTERVAL, 12, 0, 0 },
	{ "claimed", 4, NFT_SET_TIMEOUT, 13, 0, 0 },	/* with capture only */
	{ "claimed", 6, NFT_SET_TIMEOUT | NFT_SET_INTERVAL, 14, 0, 0 },
	/* the fast path: updated from the packet path, so a hash that can */
	{ "fast", 4, NFT_SET_TIMEOUT | NFT_SET_EVAL, 15, 1, 0 },
	{ "fast", 6, NFT_SET_TIMEOUT | NFT_SET_EVAL, 16, 1, 0 },
	/* the countermeasures' port blocks and isolated zones (react(3)) */
	{ "blockport", 4, NFT_SET_TIMEOUT, 17, 0, 1 },
	{ "blockport", 6, NFT_SET_TIMEOUT, 18, 0, 1 },
	{ "isolate", 4, NFT_SET_TIMEOUT | NFT_SET_INTERVAL, 19, 0, 0 },
	{ "isolate", 6, NFT_SET_TIMEOUT | NFT_SET_INTERVAL, 20, 0, 0 },
};

/* capture_set - is base a set only capture needs */
static int capture_set(const char *base)
{
	return strcmp(base, "dark") == 0 || strcmp(base, "claimed") == 0;
}

#define FLOW_CHAIN "first_contact"

/* set_id - the batch id of set base+family */
static uint32_t set_id(const char *base, int family)
{
	size_t i;

	for (i = 0; i < sizeof(set_specs) / sizeof(set_specs[0]); i++)
		if (strcmp(set_specs[i].base, base) == 0
		    && set_specs[i].family == family)
			return set_specs[i].id;
	return 0;
}

/* nfproto - the netfilter family of address family 4 or 6 */
static uint32_t nfproto(int family)
{
	return family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
}

/* set_name - "quarantine4" */
static void set_name(char *buf, size_t len, const char *base, int family)
{
	snprintf(buf, len, "%s%d", base, family);
}

/* nftrules_open - a netfilter netlink socket; NULL with errno */
struct nftrules *nftrules_open(void)
{
	struct nftrules *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (n->nl == NULL || mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		nftrules_close(n);
		errno = e;
		return NULL;
	}
	n->seq = (uint32_t)time(NULL);
	return n;
}

/* nftrules_close - accepts NULL; removes nothing */
void nftrules_close(struct nftrules *n)
{
	if (n == NULL)
		return;
	if (n->nl != NULL)
		mnl_socket_close(n->nl);
	free(n);
}

/* table_msg - NEWTABLE or DELTABLE for our table of family 4 or 6 */
static int table_msg(struct nftbatch *b, const char *name, int family,
		     uint16_t type)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (t == NULL)
		return -1;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, nfproto(family));
	nlh = nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0 ? NULL
	    : nftbatch_msg(b, type, (uint16_t)nfproto(family),
			   type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0, NULL);
	if (nlh != NULL)
		nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return nlh == NULL ? -1 : nftbatch_done(b);
}

/* set_msg - NEWSET for one spec */
static int set_msg(struct nftbatch *b, const char *table,
		   const struct set_spec *sp)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	uint32_t type = sp->family == 4 ? TYPE_IPADDR : TYPE_IP6ADDR;
	uint32_t len = sp->family == 4 ? 4 : 16;
	char name[32];

	if (s == NULL)
		return -1;
	set_name(name, sizeof(name), sp->base, sp->family);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, nfproto(sp->family));
	nftnl_set_set_u32(s, NFTNL_SET_ID, sp->id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, sp->flags);
	if (sp->pair) {
		type = type << TYPE_BITS | type;
		len *= 2;
		nftnl_set_set_u64(s, NFTNL_SET_TIMEOUT, NFTRULES_PAIR_TIMEOUT_MS);
	}
	if (sp->port) {
		type = TYPE_INET_SERVICE;
		len = 2;
	}
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, len);
	nlh = nftnl_set_set_str(s, NFTNL_SET_TABLE, table) < 0
	    || nftnl_set_set_str(s, NFTNL_SET_NAME, name) < 0 ? NULL
	    : nftbatch_msg(b, NFT_MSG_NEWSET, (uint16_t)nfproto(sp->family),
			   NLM_F_CREATE | NLM_F_EXCL, NULL);
	if (nlh != NULL)
		nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nlh == NULL ? -1 : nftbatch_done(b);
}

/* chain_msg - NEWCHAIN in the table of family; hook < 0 makes a
   regular chain */
static int chain_msg(struct nftbatch *b, const char *table, int family,
		     const char *name, int hook, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	int bad;

	if (c == NULL)
		return -1;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, nfproto(family));
	bad = nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0
	    || nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name) < 0;
	if (hook >= 0 && !bad) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		bad = nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter") < 0;
	}
	nlh = bad ? NULL : nftbatch_msg(b, NFT_MSG_NEWCHAIN,
					(uint16_t)nfproto(family),
					NLM_F_CREATE | NLM_F_EXCL, NULL);
	if (nlh != NULL)
		nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nlh == NULL ? -1 : nftbatch_done(b);
}

/* rule_new - an empty rule for chain in the table of family */
static struct nftnl_rule *rule_new(const char *table, int family,
				   const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r == NULL)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, nfproto(family));
	if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0
	    || nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain) < 0) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}

/* rule_msg - append a finished rule (ok < 0: its building failed) and
   free it; *seq gets its sequence number */
static int rule_msg(struct nftbatch *b, struct nftnl_rule *r, int ok,
		    uint32_t *seq)
{
	struct nlmsghdr *nlh = NULL;

	if (r != NULL && ok == 0) {
		nlh = nftbatch_msg(b, NFT_MSG_NEWRULE,
				   (uint16_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
				   NLM_F_CREATE | NLM_F_APPEND, seq);
		if (nlh != NULL)
			nftnl_rule_nlmsg_build_payload(nlh, r);
	}
	if (r != NULL)	/* libnftnl frees do not take NULL */
		nftnl_rule_free(r);
	return nlh == NULL ? -1 : nftbatch_done(b);
}

/* rule_addr_verdict - ip[6] s/daddr @set VERDICT */
static int rule_addr_verdict(struct nftbatch *b, const char *table,
			     const char *chain, int family, int dst,
			     const char *base, int verdict)
{
	struct nftnl_rule *r = rule_new(table, family, chain);
	char name[32];
	int ok;

	set_name(name, sizeof(name), base, family);
	ok = r == NULL ? -1 : nftexpr_addr_in(r, family, dst, name,
					      set_id(base, family));
	if (ok == 0 && verdict == NF_DROP)
		ok = nftexpr_counter(r);
	if (ok == 0)
		ok = nftexpr_verdict(r, verdict, NULL);
	return rule_msg(b, r, ok, NULL);
}

/* bypass_rule - ip[6] saddr != @queuedN counter accept: sources sluiced
   would only accept (unzoned, or in a zone of mode off) never meet the
   queue, nor the whitelist's lookups; the counter shows how many new
   flows that spared it */
static int bypass_rule(struct nftbatch *b, const char *table,
		       const char *chain, int family)
{
	struct nftnl_rule *r = rule_new(table, family, chain);
	char name[32];
	int ok;

	set_name(name, sizeof(name), "queued", family);
	ok = r == NULL ? -1 : nftexpr_addr_not_in(r, family, 0, name,
						  set_id("queued", family));
	if (ok == 0)
		ok = nftexpr_counter(r);
	if (ok == 0)
		ok = nftexpr_verdict(r, NF_ACCEPT, NULL);
	return rule_msg(b, r, ok, NULL);
}

/* outbound_jump - ct state new jump outbound: the zones' outbound
   policy meets every new flow before the whitelist, the quarantine
   and the queue (the whitelist exempts from throttling, not from it) */
static int outbound_jump(struct nftbatch *b, const char *table, int family,
			 const char *chain)
{
	struct nftnl_rule *r = rule_new(table, family, chain);
	int ok = r == NULL ? -1 : nftexpr_ct_new(r);

	if (ok == 0)
		ok = nftexpr_verdict(r, NFT_JUMP, NFTRULES_OUTBOUND);
	return rule_msg(b, r, ok, NULL);
}

/* rpf_rule - forward only: fib saddr . iif oif missing drop. A source
   address the gateway would not route back through the interface it
   came in on is spoofed: it is dropped before the queue, so no signal
   (lockout, fan-out, TRW) is ever counted for it. */
static int rpf_rule(struct nftbatch *b, const char *table, int family,
		    const char *chain)
{
	struct nftnl_rule *r = rule_new(table, family, chain);
	int ok = r == NULL ? -1 : nftexpr_rpf_missing(r);

	if (ok == 0)
		ok = nftexpr_counter(r);
	if (ok == 0)
		ok = nftexpr_verdict(r, NF_DROP, NULL);
	return rule_msg(b, r, ok, NULL);
}

/* blockport_rules - new TCP and UDP flows to a port of @blockportN
   dropped (the countermeasures' network-wide port block) */
static int blockport_rules(struct nftbatch *b, const char *table, int family,
			   const char *chain)
{
	static const uint8_t protos[] = { 6, 17 };
	struct nftnl_rule *r;
	char name[32];
	size_t i;
	int ok;

	set_name(name, sizeof(name), "blockport", family);
	for (i = 0; i < sizeof(protos); i++) {
		r = rule_new(table, family, chain);
		ok = r == NULL ? -1 : nftexpr_dport_in(r, protos[i], name,
							 set_id("blockport", family));
		if (ok == 0)
			ok = nftexpr_counter(r);
		if (ok == 0)
			ok = nftexpr_verdict(r, NF_DROP, NULL);
		if (rule_msg(b, r, ok, NULL) < 0)
			return -1;
	}
	return 0;
}

/* hook_rules - the emergency bypass, the outbound policy, whitelisted
   sources accepted before every drop of a reaction (quarantine, port
   block, isolation: an IPv6 quarantine covers a prefix that may hold
   whitelisted addresses, the gateway's own among them, and no reaction
   may ever drop one), quarantine drop, established accept, new flows
   to blocked ports and isolated zones dropped, sources that need no
   verdict accepted, (forward: spoofed sources dropped), jump to flow */
static int hook_rules(struct nftbatch *b, const char *table, int family,
		      const char *chain, int forward)
{
	static const uint8_t protos[] = { 6, 17 };
	struct nftnl_rule *r;
	size_t i;
	int ok;

	/* empty but for sluicectl bypass on, which fills it with all */
	if (rule_addr_verdict(b, table, chain, family, 0, "bypass", NF_ACCEPT) < 0
	    || outbound_jump(b, table, family, chain) < 0
	    || rule_addr_verdict(b, table, chain, family, 0, "whitelist",
				 NF_ACCEPT) < 0
	    || rule_addr_verdict(b, table, chain, family, 0, "quarantine",
				 NF_DROP) < 0)
		return -1;
	r = rule_new(table, family, chain);
	ok = r == NULL ? -1 : nftexpr_ct_not_new(r);
	if (ok == 0)
		ok = nftexpr_verdict(r, NF_ACCEPT, NULL);
	if (rule_msg(b, r, ok, NULL) < 0
	    || blockport_rules(b, table, family, chain) < 0
	    || rule_addr_verdict(b, table, chain, family, 1, "isolate", NF_DROP) < 0
	    || bypass_rule(b, table, chain, family) < 0
	    || (forward && rpf_rule(b, table, family, chain) < 0))
		return -1;
	for (i = 0; i < sizeof(protos); i++) {
		r = rule_new(table, family, chain);
		ok = r == NULL ? -1 : nftexpr_l4proto(r, protos[i]);
		if (ok == 0)
			ok = nftexpr_verdict(r, NFT_JUMP, FLOW_CHAIN);
		if (rule_msg(b, r, ok, NULL) < 0)
			return -1;
	}
	return 0;
}

/* dns_rules - meta l4proto udp/tcp th sport 53 ip[6] daddr @queuedN ct
   state established log prefix "dns" group G: the resolvers' answers to the hosts
   sluiced decides for, read passively (dns/dnssnoop.c). First in the
   chain, before any accept, and not a verdict: the packet goes on.
   Only established replies: an "answer" nobody asked for is never
   logged, so a spoofer cannot make contacts look justified. The port
   is tested first, so other packets pay two compares. */
static int dns_rules(struct nftbatch *b, const struct nftrules_conf *c,
		     int family, const char *chain)
{
	static const uint8_t protos[] = { 17, 6 };
	struct nftnl_rule *r;
	char name[32];
	size_t i;
	int ok;

	if (!c->dns_log)
		return 0;
	set_name(name, sizeof(name), "queued", family);
	for (i = 0; i < sizeof(protos); i++) {
		r = rule_new(c->table, family, chain);
		ok = r == NULL ? -1 : nftexpr_l4proto(r, protos[i]);
		if (ok == 0)
			ok = nftexpr_th_sport(r, 53);
		if (ok == 0)
			ok = nftexpr_addr_in(r, family, 1, name,
					     set_id("queued", family));
		if (ok == 0)
			ok = nftexpr_ct_established(r);
		if (ok == 0)
			ok = nftexpr_log(r, c->dns_group, "dns");
		if (rule_msg(b, r, ok, NULL) < 0)
			return -1;
	}
	return 0;
}

/* queue_rule - [ip[6] saddr @closedN] queue num N [bypass]: closed
   queues the fail-closed zones' sources (no bypass), else everything
   (with bypass) */
static int queue_rule(struct nftbatch *b, const char *table,
		      enum nftq_kind kind, int family, int closed,
		      uint16_t num, uint32_t *seq)
{
	struct nftnl_rule *r = rule_new(table, family, FLOW_CHAIN);
	char name[32];
	int ok = r == NULL ? -1 : 0;

	set_name(name, sizeof(name), "closed", family);
	if (ok == 0 && closed)
		ok = nftexpr_addr_in(r, family, 0, name, set_id("closed", family));
	if (ok == 0)
		ok = nftexpr_queue(r, kind, num, !closed);
	return rule_msg(b, r, ok, seq);
}

/* spread_rules - jhash ip[6] saddr mod N seed S == i queue num
   queue_num + i bypass, one rule a queue; seq gets the first's */
static int spread_rules(struct nftbatch *b, const struct nftrules_conf *c,
			enum nftq_kind kind, int family, uint32_t *seq)
{
	struct nftnl_rule *r;
	uint16_t i;
	int ok;

	for (i = 0; i < c->queues; i++) {
		r = rule_new(c->table, family, FLOW_CHAIN);
		ok = r == NULL ? -1 : nftexpr_src_hash(r, family, c->v6_prefix,
						       c->queues, c->hash_seed, i);
		if (ok == 0)
			ok = nftexpr_queue(r, kind, (uint16_t)(c->queue_num + i), 1);
		if (rule_msg(b, r, ok, i == 0 ? seq : NULL) < 0)
			return -1;
	}
	return 0;
}

/* pair_rule - ip[6] saddr . daddr @fastN update @fastN counter
   accept: a destination in its source's working set, as sluiced
   mirrors it, never leaves the kernel; the counter shows how many */
static int pair_rule(struct nftbatch *b, const struct nftrules_conf *c,
		     int family)
{
	struct nftnl_rule *r = rule_new(c->table, family, FLOW_CHAIN);
	char name[32];
	int ok;

	set_name(name, sizeof(name), "fast", family);
	ok = r == NULL ? -1 : nftexpr_pair_seen(r, family, c->v6_prefix, name,
						set_id("fast", family),
						NFTRULES_PAIR_TIMEOUT_MS);
	if (ok == 0)
		ok = nftexpr_counter(r);
	if (ok == 0)
		ok = nftexpr_verdict(r, NF_ACCEPT, NULL);
	return rule_msg(b, r, ok, NULL);
}

/* flow_rules - whitelist accepts, then the queue rules of family;
   qseq[2] gets the queue rules' sequence numbers */
static int flow_rules(struct nftbatch *b, const struct nftrules_conf *c,
		      enum nftq_kind kind, int family, uint32_t qseq[2])
{
	int dst;

	for (dst = 0; dst <= 1; dst++)
		if (rule_addr_verdict(b, c->table, FLOW_CHAIN, family, dst,
				      "whitelist", NF_ACCEPT) < 0)
			return -1;
	/* after the quarantine drop and the whitelist, before any queue */
	if (c->fast_path && pair_rule(b, c, family) < 0)
		return -1;
	if (queue_rule(b, c->table, kind, family, 1, c->closed_queue, &qseq[0]) < 0
	    || (c->queues > 1 ? spread_rules(b, c, kind, family, &qseq[1])
		: queue_rule(b, c->table, kind, family, 0, c->queue_num,
			     &qseq[1])) < 0)
		return -1;
	return 0;
}

/* capture_addr_rule - ip[6] s/daddr @darkN (or @claimedN), then
   notrack or queue */
static int capture_addr_rule(struct nftbatch *b, const char *table,
			     const char *chain, int family, int dst,
			     const char *base, enum nftq_kind kind, int queue)
{
	struct nftnl_rule *r = rule_new(table, family, chain);
	char name[32];
	int ok;

	set_name(name, sizeof(name), base, family);
	ok = r == NULL ? -1 : nftexpr_addr_in(r, family, dst, name,
					      set_id(base, family));
	if (ok == 0)
		ok = queue < 0 ? nftexpr_notrack(r)
		    : nftexpr_queue(r, kind, (uint16_t)queue, 1);
	return rule_msg(b, r, ok, NULL);
}

/* rpf_dark_rule - ip[6] daddr @darkN fib saddr . iif oif missing drop */
static int rpf_dark_rule(struct nftbatch *b, const char *table, int family,
			 const char *chain)
{
	struct nftnl_rule *r = rule_new(table, family, chain);
	char name[32];
	int ok;

	set_name(name, sizeof(name), "dark", family);
	ok = r == NULL ? -1 : nftexpr_addr_in(r, family, 1, name,
					      set_id("dark", family));
	if (ok == 0)
		ok = nftexpr_rpf_missing(r);
	if (ok == 0)
		ok = nftexpr_counter(r);
	if (ok == 0)
		ok = nftexpr_verdict(r, NF_DROP, NULL);
	return rule_msg(b, r, ok, NULL);
}

/* capture_chains - dark addresses of family: untracked both ways
   (conntrack must not fill with tarpitted connections), queued to
   capture at prerouting, before anything of ours can drop them */
static int capture_chains(struct nftbatch *b, const struct nftrules_conf *c,
			  enum nftq_kind kind, int family)
{
	static const struct { const char *name; int hook, prio, dst, queue; } ch[] = {
		{ "capture_raw", NF_INET_PRE_ROUTING, -300, 1, 0 },
		{ "capture_out", NF_INET_LOCAL_OUT, -300, 0, 0 },
		{ "capture", NF_INET_PRE_ROUTING, -150, 1, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(ch) / sizeof(ch[0]); i++)
		if (chain_msg(b, c->table, family, ch[i].name, ch[i].hook,
			      ch[i].prio) < 0
		    /* a spoofed source is no honeypot hit: no signal */
		    || (ch[i].queue && rpf_dark_rule(b, c->table, family,
						    ch[i].name) < 0)
		    || capture_addr_rule(b, c->table, ch[i].name, family,
					 ch[i].dst, "dark", kind, ch[i].queue
					 ? c->capture_queue : -1) < 0
		    || capture_addr_rule(b, c->table, ch[i].name, family,
					 ch[i].dst, "claimed", kind, ch[i].queue
					 ? c->capture_queue : -1) < 0)
			return -1;
	return 0;
}

/* family_batch - the table of family (4 or 6) into b, replacing any
   old one; qseq[2] gets its queue rules' sequence numbers */
static int family_batch(struct nftbatch *b, const struct nftrules_conf *c,
			enum nftq_kind kind, int family, uint32_t qseq[2])
{
	static const struct { unsigned bit; const char *name; int hook; } hooks[] = {
		{ NFTRULES_HOOK_FORWARD, "forward", NF_INET_FORWARD },
		{ NFTRULES_HOOK_OUTPUT, "output", NF_INET_LOCAL_OUT },
	};
	size_t i;
	int ok;

	ok = table_msg(b, c->table, family, NFT_MSG_NEWTABLE) == 0
	    && table_msg(b, c->table, family, NFT_MSG_DELTABLE) == 0
	    && table_msg(b, c->table, family, NFT_MSG_NEWTABLE) == 0;
	for (i = 0; ok && i < sizeof(set_specs) / sizeof(set_specs[0]); i++)
		if (set_specs[i].family == family
		    && (c->capture || !capture_set(set_specs[i].base))
		    && (c->fast_path || !set_specs[i].pair))
			ok = set_msg(b, c->table, &set_specs[i]) == 0;
	ok = ok && chain_msg(b, c->table, family, FLOW_CHAIN, -1, 0) == 0
	    && flow_rules(b, c, kind, family, qseq) == 0
	    && chain_msg(b, c->table, family, NFTRULES_OUTBOUND, -1, 0) == 0
	    && (c->outbound == NULL
		|| c->outbound(c->outbound_ctx, b, c->table, family) == 0);
	for (i = 0; ok && i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (c->hooks & hooks[i].bit)
			ok = chain_msg(b, c->table, family, hooks[i].name,
				       hooks[i].hook, c->priority) == 0
			    && dns_rules(b, c, family, hooks[i].name) == 0
			    && hook_rules(b, c->table, family, hooks[i].name,
					  hooks[i].hook == NF_INET_FORWARD) == 0;
	if (ok && c->capture)
		ok = capture_chains(b, c, kind, family) == 0;
	if (ok && c->extra != NULL)
		ok = c->extra(b, c->table, family, c->extra_ctx) == 0;
	return ok ? 0 : -1;
}

/* ruleset_batch - both tables, replacing any old ones; qseq[4] gets
   the queue rules' sequence numbers */
static struct nftbatch *ruleset_batch(struct nftrules *n,
				      const struct nftrules_conf *c,
				      enum nftq_kind kind, uint32_t qseq[4])
{
	struct nftbatch *b = nftbatch_create(BATCH_SIZE, n->seq);
	int ok;

	if (b == NULL)
		return NULL;
	ok = family_batch(b, c, kind, 4, &qseq[0]) == 0
	    && family_batch(b, c, kind, 6, &qseq[2]) == 0;
	n->seq = nftbatch_next_seq(b) + 1;
	if (!ok) {
		nftbatch_free(b);
		errno = ENOMEM;
		return NULL;
	}
	return b;
}

/* try_install - one attempt with the given queue expression; 1 when the
   kernel refused exactly that expression */
static int try_install(struct nftrules *n, const struct nftrules_conf *c,
		       enum nftq_kind kind, char *err, size_t errlen)
{
	uint32_t qseq[4] = { 0, 0, 0, 0 }, bad = 0;
	struct nftbatch *b = ruleset_batch(n, c, kind, qseq);
	int rc, e;

	if (b == NULL) {
		snprintf(err, errlen, "building the ruleset: %s", strerror(errno));
		return -1;
	}
	rc = nftbatch_commit(b, n->nl, &bad);
	e = errno;
	nftbatch_free(b);
	if (rc == 0)
		return 0;
	if ((e == ENOENT || e == EOPNOTSUPP)
	    && (bad == qseq[0] || bad == qseq[1] || bad == qseq[2]
		|| bad == qseq[3]))
		return 1;
	snprintf(err, errlen, "installing tables ip and ip6 %s: %s", c->table,
		 strerror(e));
	return -1;
}

/* nftrules_install - create or replace the table */
int nftrules_install(struct nftrules *n, const struct nftrules_conf *c,
		     char *err, size_t errlen)
{
	int rc;

	if (strlen(c->table) >= sizeof(n->table)) {
		snprintf(err, errlen, "table name too long: %s", c->table);
		return -1;
	}
	snprintf(n->table, sizeof(n->table), "%s", c->table);
	/* once known, the kind does not change (a reload reinstalls) */
	if (n->kind != NFTQ_COMPAT) {
		rc = try_install(n, c, NFTQ_NATIVE, err, errlen);
		if (rc <= 0) {
			n->kind = NFTQ_NATIVE;
			n->installed = rc == 0;
			return rc;
		}
	}
	n->kind = NFTQ_COMPAT;
	rc = try_install(n, c, NFTQ_COMPAT, err, errlen);
	if (rc > 0)
		snprintf(err, errlen, "the kernel has neither nft_queue nor "
			 "the NFQUEUE target through nft_compat");
	n->installed = rc == 0;
	return rc == 0 ? 0 : -1;
}

/* nftrules_remove - delete the table we installed */
int nftrules_remove(struct nftrules *n, char *err, size_t errlen)
{
	struct nftbatch *b;
	int rc;

	if (!n->installed)
		return 0;
	if ((b = nftbatch_create(MNL_SOCKET_BUFFER_SIZE, n->seq)) == NULL
	    || table_msg(b, n->table, 4, NFT_MSG_DELTABLE) < 0
	    || table_msg(b, n->table, 6, NFT_MSG_DELTABLE) < 0) {
		nftbatch_free(b);
		snprintf(err, errlen, "removing table: %s", strerror(ENOMEM));
		return -1;
	}
	rc = nftbatch_commit(b, n->nl, NULL);
	n->seq = nftbatch_next_seq(b) + 1;
	nftbatch_free(b);
	/* someone removed it before us: the result is what we wanted */
	if (rc < 0 && errno != ENOENT) {
		snprintf(err, errlen, "removing tables ip and ip6 %s: %s",
			 n->table, strerror(errno));
		return -1;
	}
	n->installed = 0;
	return 0;
}

/* nftrules_queue_kind - which queue expression install used */
enum nftq_kind nftrules_queue_kind(const struct nftrules *n)
{
	return n->kind;
}

/* nftrules_kind_name - for the start-up log line */
const char *nftrules_kind_name(enum nftq_kind k)
{
	switch (k) {
	case NFTQ_NATIVE:
		return "native nft queue expression";
	case NFTQ_COMPAT:
		return "x_tables NFQUEUE target via nft_compat";
	case NFTQ_UNKNOWN:
	default:
		return "none";
	}
}

/* nftrules_batch - a new batch numbered after our last; NULL with errno */
struct nftbatch *nftrules_batch(struct nftrules *n, size_t size)
{
	return nftbatch_create(size, n->seq);
}

/* nftrules_commit - send a batch from nftrules_batch and free it */
int nftrules_commit(struct nftrules *n, struct nftbatch *b)
{
	int rc = nftbatch_commit(b, n->nl, NULL), e = errno;

	n->seq = nftbatch_next_seq(b) + 1;
	nftbatch_free(b);
	errno = e;
	return rc;
}

/* nftrules_table - the installed table's name, NULL if none */
const char *nftrules_table(const struct nftrules *n)
{
	return n->installed ? n->table : NULL;
}

/* nftrules_chain - a chain for an extra callback */
int nftrules_chain(struct nftbatch *b, const char *table, int family,
		   const char *name, int hook, int prio)
{
	return chain_msg(b, table, family, name, hook, prio);
}

/* nftrules_rule - an empty rule for chain */
struct nftnl_rule *nftrules_rule(const char *table, int family,
				 const char *chain)
{
	return rule_new(table, family, chain);
}

/* nftrules_rule_add - append a finished rule and free it */
int nftrules_rule_add(struct nftbatch *b, struct nftnl_rule *r, int ok)
{
	return rule_msg(b, r, ok, NULL);
}
