/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftlist - the base chains already on the hooks sluiced uses
 * SYNOPSIS
 *	#include "table/nftlist.h"
 * DESCRIPTION
 *	nftlist_base_chains() dumps the kernel's chains (every family) and
 *	keeps the base chains of families ip, ip6 and inet on the forward
 *	and output hooks, except sluiced's own tables: what an operator's
 *	firewall (firewalld, Docker, ufw, an inet filter table) has there,
 *	with priority and policy, so sluiced can say which run before it.
 */
#ifndef SLUICE_NFTLIST_H
#define SLUICE_NFTLIST_H

#include <stddef.h>
#include <stdint.h>

#define NFTLIST_MAX 64		/* base chains reported; the rest counted */

struct nftlist_chain {
	char family[8];		/* "ip", "ip6", "inet" */
	char table[64];
	char chain[64];
	unsigned hook;		/* NFTRULES_HOOK_FORWARD or _OUTPUT */
	int priority;
	int policy_drop;	/* policy drop, else accept */
};

/* nftlist_base_chains - base chains on the hooks (NFTRULES_HOOK_* bits)
   other than our table's, by hook then priority, at most max; the
   number found (may exceed max), or -1 with err */
int nftlist_base_chains(unsigned hooks, const char *our_table,
			struct nftlist_chain *out, size_t max, char *err,
			size_t errlen);
/* nftlist_hook_name - "forward", "output" */
const char *nftlist_hook_name(unsigned hook);

#endif
