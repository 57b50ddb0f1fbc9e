/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_tc - the HTB tree of one interface, through rtnetlink (libmnl)
 * SYNOPSIS
 *	#include "fairshare/fs_tc.h"
 * DESCRIPTION
 *	fs_tc_install() puts an HTB root qdisc (handle 1:, default class
 *	1:2000) with one class 1:1 at the link's rate on an interface's
 *	egress; fs_tc_host() adds or changes one host's three classes:
 *
 *	  1:1000+S   the host's share (rate), may borrow up to ceil
 *	  1:2000+2S  its bulk traffic, prio 1, a pfifo of FS_TC_LIMIT
 *	  1:2001+2S  its interactive traffic, prio 0, rate half the share,
 *	             never above the share (a flood of small packets
 *	             cannot borrow ahead of everyone's bulk)
 *
 *	Slot 0 is the traffic of no host (the default class). nftables
 *	picks the leaf by skb->priority, which HTB takes as a class id
 *	when it names a leaf of its own: no tc filters. fs_tc_remove()
 *	deletes the root, and the kernel gives the interface its default
 *	qdisc back, as it was. Every reply goes through attribute
 *	validation before use; errors come back as -1 with a message.
 */
#ifndef SLUICE_FS_TC_H
#define SLUICE_FS_TC_H

#include <stddef.h>
#include <stdint.h>

#define FS_TC_MAJOR 1
#define FS_TC_ROOT_MINOR 1
#define FS_TC_PARENT(slot) (0x1000u + (slot))
#define FS_TC_BULK(slot) (0x2000u + 2u * (slot))
#define FS_TC_INTERACTIVE(slot) (FS_TC_BULK(slot) + 1u)
/* the skb->priority that sends a packet to slot's bulk class; | 1 is
   its interactive one */
#define FS_TC_PRIORITY(slot) ((FS_TC_MAJOR << 16) | FS_TC_BULK(slot))
#define FS_TC_LIMIT 1000	/* packets per leaf: Linux's txqueuelen */

struct fs_tc_rates {
	uint64_t rate;		/* bits/s guaranteed */
	uint64_t ceil;		/* bits/s with borrowing */
	unsigned weight;	/* share of what others leave unused */
};

struct fs_tc_stat {
	uint32_t minor;		/* class 1:minor */
	uint64_t bytes, packets;
	uint32_t drops, overlimits, backlog;
};

typedef void fs_tc_stat_fn(void *ctx, const struct fs_tc_stat *st);

struct fs_tc;

/* fs_tc_open - a route netlink socket for interface ifname; NULL with err */
struct fs_tc *fs_tc_open(const char *ifname, char *err, size_t errlen);
/* fs_tc_close - accepts NULL; removes nothing */
void fs_tc_close(struct fs_tc *t);
/* fs_tc_install - root qdisc, link class, slot 0 at rates; refuses an
   interface whose root qdisc is the operator's; 0, or -1 with err */
int fs_tc_install(struct fs_tc *t, uint64_t link_bits,
		  const struct fs_tc_rates *dflt, char *err, size_t errlen);
/* fs_tc_host - create (create = 1) or change slot's classes */
int fs_tc_host(struct fs_tc *t, unsigned slot, const struct fs_tc_rates *r,
	       int create, char *err, size_t errlen);
/* fs_tc_host_del - delete slot's classes; 0, or -1 with err */
int fs_tc_host_del(struct fs_tc *t, unsigned slot, char *err, size_t errlen);
/* fs_tc_remove - delete the root qdisc we installed; 0, or -1 with err */
int fs_tc_remove(struct fs_tc *t, char *err, size_t errlen);
/* fs_tc_stats - fn for each class of our qdisc; 0, or -1 with err */
int fs_tc_stats(struct fs_tc *t, fs_tc_stat_fn *fn, void *ctx, char *err,
		size_t errlen);
/* fs_tc_ifname - the interface's name */
const char *fs_tc_ifname(const struct fs_tc *t);
/* fs_tc_ifindex - its index */
unsigned fs_tc_ifindex(const struct fs_tc *t);

#endif
