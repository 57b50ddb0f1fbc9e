/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftrules - sluiced's own nftables table, built with libnftnl
 * SYNOPSIS
 *	#include "table/nftrules.h"
 * DESCRIPTION
 *	nftrules_install() creates (or replaces) tables ip and ip6 of one
 *	name in a single netlink batch transaction, so the kernel either
 *	has all of them or none:
 *
 *	  table ip sluice (and table ip6 sluice, the same with the 6 sets)
 *	    set quarantine4    addresses, kernel timeouts (6: intervals)
 *	    set whitelist4     intervals, never queued
 *	    set closed4        intervals, the fail-closed zones
 *	    set queued4        intervals, the sources a verdict is asked for
 *	    set bypass4        empty; everything while sluicectl bypass is on
 *	    set fast4          (source . destination) pairs, timeouts: the
 *	                       working sets mirrored (with fast_path only)
 *	    chain forward, chain output  (base chains at conf priority,
 *	                                  policy accept)
 *	      (with dns_log) udp sport 53 ip daddr @queued4 ct state
 *	        established log prefix "dns" group dns_group; the same for tcp
 *	      ip saddr @bypass4 accept
 *	      ct state new jump outbound  (the zones' outbound policy)
 *	      (ip6 only: ip6 saddr @whitelist6 accept)
 *	      ip saddr @quarantine4 counter drop
 *	      ct state not new: accept
 *	      ip saddr != @queued4 counter accept
 *	      meta l4proto tcp jump first_contact; the same for udp
 *	    chain outbound     regular, filled by conf's outbound callback
 *	    chain first_contact
 *	      saddr or daddr in the whitelist: accept
 *	      ip saddr . ip daddr @fast4 update @fast4 counter accept
 *	      saddr in closed4: queue num closed_queue (no bypass)
 *	      queue num queue_num bypass
 *	      (queues > 1: one rule a queue, jhash ip saddr mod queues
 *	      seed hash_seed == i queue num queue_num + i bypass)
 *	  with capture (capture set), in each table:
 *	    set dark4/6        intervals, the dark addresses
 *	    chain capture_raw  (prerouting, raw) ip daddr @dark4 notrack ...
 *	    chain capture_out  (output, raw) ip saddr @dark4 notrack ...
 *	    chain capture      (prerouting, -150) ip daddr @dark4 queue
 *	                       num capture_queue bypass ...
 *
 *	The queue statement is nft's native expression when the kernel has
 *	it, else the x_tables NFQUEUE target through nft_compat (what
 *	iptables-nft produces): the first install tries native and falls
 *	back when the kernel refuses exactly that expression.
 *	Set elements are changed by nftset(3) in batches of their own.
 */
#ifndef SLUICE_NFTRULES_H
#define SLUICE_NFTRULES_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

#define NFTRULES_HOOK_FORWARD 0x1
#define NFTRULES_HOOK_OUTPUT 0x2

/* a pair no packet refreshed for this long leaves the kernel by
   itself (sluiced removes it long before: a working set ages one slot
   a release interval) */
#define NFTRULES_PAIR_TIMEOUT_MS (3600 * 1000ULL)

enum nftq_kind { NFTQ_UNKNOWN, NFTQ_NATIVE, NFTQ_COMPAT };

struct nftbatch;

struct nftrules_conf {
	const char *table;	/* "sluice" */
	unsigned hooks;		/* NFTRULES_HOOK_* */
	int priority;		/* of the base chains; 0 */
	uint16_t queue_num;	/* fail-open queue, with bypass */
	uint16_t closed_queue;	/* fail-closed zones' queue, no bypass */
	int capture;		/* 1: the dark sets and capture chains */
	uint16_t capture_queue;	/* their queue, with bypass */
	/* another room's sets, chains and rules in the same table and
	   batch (fairshare/fs_nft.c), after ours; NULL: none */
	int (*extra)(struct nftbatch *b, const char *table, int family,
		     void *ctx);
	void *extra_ctx;
	/* fills chain outbound (and the chains it jumps to) in the same
	   batch, per family (4, 6); NULL leaves it empty */
	int (*outbound)(void *ctx, struct nftbatch *b, const char *table,
			int family);
	void *outbound_ctx;
	int fast_path;		/* 1: the fast sets and their rule */
	unsigned v6_prefix;	/* bits of an IPv6 source a pair keeps */
	int dns_log;		/* 1: the resolvers' answers to NFLOG */
	uint16_t dns_group;	/* their log group */
	uint16_t queues;	/* > 1: queue_num .. + queues - 1, by a hash
				   of the source (0 means 1) */
	uint32_t hash_seed;	/* that hash's seed */
};

#define NFTRULES_OUTBOUND "outbound"

struct nftrules;
struct nftnl_rule;

/* nftrules_open - a netfilter netlink socket; NULL with errno */
struct nftrules *nftrules_open(void);
/* nftrules_close - accepts NULL; removes nothing */
void nftrules_close(struct nftrules *n);
/* nftrules_install - create or replace the table; 0, or -1 with err */
int nftrules_install(struct nftrules *n, const struct nftrules_conf *c,
		     char *err, size_t errlen);
/* nftrules_remove - delete the table we installed; 0, or -1 with err */
int nftrules_remove(struct nftrules *n, char *err, size_t errlen);
/* nftrules_queue_kind - which queue expression install used */
enum nftq_kind nftrules_queue_kind(const struct nftrules *n);
/* nftrules_kind_name - "native queue", "x_tables NFQUEUE via nft_compat" */
const char *nftrules_kind_name(enum nftq_kind k);

/* nftrules_batch - a new batch numbered after our last; NULL with errno */
struct nftbatch *nftrules_batch(struct nftrules *n, size_t size);
/* nftrules_commit - send a batch from nftrules_batch and free it; 0,
   or -1 with errno */
int nftrules_commit(struct nftrules *n, struct nftbatch *b);
/* nftrules_table - the installed table's name, NULL if none */
const char *nftrules_table(const struct nftrules *n);

/* nftrules_chain - NEWCHAIN name in the table of family (4 or 6), a
   base chain of type filter on hook at prio (policy accept), or a
   regular one with hook < 0; for an extra callback */
int nftrules_chain(struct nftbatch *b, const char *table, int family,
		   const char *name, int hook, int prio);
/* nftrules_rule - an empty rule for chain; NULL with errno */
struct nftnl_rule *nftrules_rule(const char *table, int family,
				 const char *chain);
/* nftrules_rule_add - append rule r (ok < 0: building it failed) to b
   and free it; 0 or -1 */
int nftrules_rule_add(struct nftbatch *b, struct nftnl_rule *r, int ok);

#endif
