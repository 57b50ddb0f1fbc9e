/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_nft - the host map and its rules in sluiced's tables
 * SYNOPSIS
 *	#include "fairshare/fs_nft.h"
 * DESCRIPTION
 *	fs_nft_build() is an nftrules_conf extra: it adds to each table
 *	(ip and ip6 sluice), in the batch that installs it,
 *
 *	  map fair4         ipv4_addr : classid, host -> its bulk class
 *	  set fairnew4      hosts seen without a class (dynamic, timeout
 *	                    60 s, at most FS_NFT_NEW_MAX: a flood of
 *	                    spoofed sources cannot grow it)
 *	  set fairports4    22, 53: SSH and DNS are interactive
 *	  chain fairshare   (forward, FS_NFT_PRIORITY)
 *	    meta oif UPLINK jump fair_up; meta oif LAN jump fair_down
 *	  chain fair_up     key = ip saddr; fair_down: ip daddr
 *	    meta priority set 1:2000          (no host's: slot 0)
 *	    meta priority set KEY map @fair4
 *	    meta priority 1:2000 add @fairnew4 { KEY }
 *	    meta length < FS_NFT_SMALL  meta priority |= 1
 *	    tcp/udp port @fairports4    meta priority |= 1
 *
 *	(ip6: the key is the source's or destination's /64.) The forward
 *	hook: packets this gateway forwards only, with both interfaces
 *	known, before source NAT rewrites the LAN's addresses; the
 *	priority stays with the packet to the egress qdisc, where HTB
 *	takes it as a class (fs_tc.h). fs_nft_open() gives a socket for
 *	the map's elements and the dump of fairnew4/6.
 */
#ifndef SLUICE_FS_NFT_H
#define SLUICE_FS_NFT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

#define FS_NFT_PRIORITY (-5)	/* before filter: a drop later still costs
				   nothing, and the class is set whatever
				   other chains accept */
#define FS_NFT_SMALL 200	/* bytes: pings, ACKs, keystrokes, queries */
#define FS_NFT_NEW_MAX 4096

struct fs_nft_ifs {
	unsigned up, down;	/* ifindex; down 0: no LAN side */
};

struct nftbatch;
struct fs_nft;

/* fs_nft_build - nftrules_conf extra (ctx: a struct fs_nft_ifs) */
int fs_nft_build(struct nftbatch *b, const char *table, int family,
		 void *ctx);
/* fs_nft_open - a netfilter socket for table's elements; NULL, errno */
struct fs_nft *fs_nft_open(const char *table);
/* fs_nft_close - accepts NULL */
void fs_nft_close(struct fs_nft *n);
/* fs_nft_host - map key to classid prio (add) or remove it, and take
   it out of fairnew; 0, or -1 with err */
int fs_nft_host(struct fs_nft *n, const struct sl_addr *key, uint32_t prio,
		int add, char *err, size_t errlen);
typedef void fs_nft_new_fn(void *ctx, const struct sl_addr *key);
/* fs_nft_new_hosts - fn for each host of fairnew4 and fairnew6 */
int fs_nft_new_hosts(struct fs_nft *n, fs_nft_new_fn *fn, void *ctx,
		     char *err, size_t errlen);

#endif
