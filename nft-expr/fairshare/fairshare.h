/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fairshare - fair load sharing per host, and graded containment
 * SYNOPSIS
 *	#include "fairshare/fairshare.h"
 * DESCRIPTION
 *	fairshare_open() installs the HTB trees (fs_tc) on the uplink's
 *	egress and, with [fairshare] lan_interface, on the LAN side's;
 *	fairshare_nft() hands sluiced's table the map and rules that
 *	steer each host's packets into its class (fs_nft); once the table
 *	is in, fairshare_attach() opens the map. fairshare_tick(), once a
 *	second: hosts the rules saw without a class get one (fs_alloc,
 *	weighted by their zone's share), hosts silent for [fairshare]
 *	idle give theirs back, containments whose time ran out end, and
 *	every host's guaranteed rate becomes its weight's part of the
 *	link, the rest borrowed by whoever is busy.
 *
 *	Graded containment: fairshare_contain() holds a host to
 *	[fairshare] contain_rate for a time (its class's rate and ceiling
 *	both), fairshare_restore() ends it early. The whitelist is never
 *	slowed: ops->whitelisted is asked first. This is the interface
 *	the countermeasure engine and lockouts use; it is all of it.
 *	fairshare_close() removes what fairshare_open() installed.
 */
#ifndef SLUICE_FAIRSHARE_H
#define SLUICE_FAIRSHARE_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "fairshare/fs_conf.h"

struct event;
struct nftrules_conf;

struct fairshare_ops {
	/* weight - the share of a's zone, 1 outside any */
	unsigned (*weight)(void *ctx, const struct sl_addr *a);
	/* whitelisted - is a never to be slowed */
	int (*whitelisted)(void *ctx, const struct sl_addr *a);
	/* event - contain and uncontain events */
	void (*event)(void *ctx, const struct event *ev);
};

struct fairshare_host {
	struct sl_addr key;		/* IPv4, or the /64 of IPv6 */
	unsigned slot, weight;
	uint64_t rate, ceil;		/* bits/s now */
	uint64_t contain_left_ns;	/* 0: not contained */
	uint64_t idle_ns;		/* since its class last moved bytes */
};

struct fairshare_stats {
	unsigned hosts, bound, contained;
	uint64_t arrivals, departures, evictions, contains, restores, errors;
};

struct fairshare;

/* fairshare_open - install the trees of c; NULL with err (c is copied;
   method = cake is refused where the kernel has no sch_cake) */
struct fairshare *fairshare_open(const struct fs_conf *c,
				 const struct fairshare_ops *ops, void *ctx,
				 char *err, size_t errlen);
/* fairshare_nft - our map and rules as nc's extra */
void fairshare_nft(struct fairshare *f, struct nftrules_conf *nc);
/* fairshare_attach - the table is installed: open its map; 0 or -1 */
int fairshare_attach(struct fairshare *f, const char *table, char *err,
		     size_t errlen);
/* fairshare_tick - arrivals, departures, expiries, rates; once a second */
void fairshare_tick(struct fairshare *f, uint64_t now);
/* fairshare_contain - hold a's host to contain_rate for ttl_ns
   (0: [fairshare] contain_ttl); 0, or -1 with errno EPERM
   (whitelisted), ENOSPC (every class holds a contained host), EIO */
int fairshare_contain(struct fairshare *f, const struct sl_addr *a,
		      uint64_t ttl_ns, const char *reason, uint64_t now);
/* fairshare_restore - end a's containment; -1 (ENOENT) if none */
int fairshare_restore(struct fairshare *f, const struct sl_addr *a,
		      const char *reason, uint64_t now);
/* fairshare_contain_on_lockout - is [fairshare] contain = lockout */
int fairshare_contain_on_lockout(const struct fairshare *f);
/* fairshare_hosts - fn for each host with a class */
void fairshare_hosts(struct fairshare *f, uint64_t now,
		     void (*fn)(void *ctx, const struct fairshare_host *h),
		     void *ctx);
/* fairshare_stats - counters */
void fairshare_stats(const struct fairshare *f, struct fairshare_stats *out);
struct fs_tc_stat;
/* kind: "link", "host", "bulk" or "interactive"; host: NULL for the
   link, family 0 for the class of no host's traffic or a free slot */
typedef void fairshare_class_fn(void *ctx, const char *ifname,
				const struct fs_tc_stat *st, const char *kind,
				const struct sl_addr *host);
/* fairshare_classes - fn for each class of each interface's tree, with
   its counters (fs_metrics.c turns them into Prometheus text) */
void fairshare_classes(struct fairshare *f, fairshare_class_fn *fn, void *ctx);
/* fairshare_close - remove the trees; accepts NULL */
void fairshare_close(struct fairshare *f);

#endif
