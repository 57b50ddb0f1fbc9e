/*
 * NAME
 *	quarset - quarantined sources in the kernel's quarantine4/6 sets
 * SYNOPSIS
 *	#include "quarantine/quarset.h"
 * DESCRIPTION
 *	The kernel half of a quarantine: an element with a timeout, so
 *	the kernel drops the source's new flows before they are queued
 *	and expires the element itself, even after sluiced is gone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/set.h>

#include "quarantine/quarset.h"
#include "table/nftbatch.h"
#include "table/nftrules.h"
#include "table/nftset.h"

/* change_msg - append a NEW (ttl_ms > 0) or DEL message for a */
static int change_msg(struct nftbatch *b, const char *table,
		      const struct sl_addr *a, uint64_t ttl_ms, int excl)
{
	struct nftnl_set *s = nftset_for(table, "quarantine", a->family);
	int rc;

	if (s == NULL || nftset_elem(s, a->b, a->family, 0, ttl_ms) < 0) {
		if (s != NULL)	/* libnftnl's free does not take NULL */
			nftnl_set_free(s);
		return -1;
	}
	rc = nftset_msg(b, s, ttl_ms ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM, excl);
	nftnl_set_free(s);
	return rc;
}

/* change_commit - one transaction: delete first (del), then add
   (ttl_ms > 0, exclusively unless after the delete); 0 or -1 errno */
static int change_commit(struct nftrules *n, const char *table,
			 const struct sl_addr *a, int del, uint64_t ttl_ms)
{
	struct nftbatch *b = nftrules_batch(n, MNL_SOCKET_BUFFER_SIZE);

	if (b == NULL || (del && change_msg(b, table, a, 0, 0) < 0)
	    || (ttl_ms && change_msg(b, table, a, ttl_ms, !del) < 0)) {
		nftbatch_free(b);
		errno = ENOMEM;
		return -1;
	}
	return nftrules_commit(n, b);
}

/* quarset_change - add a (ttl_ns > 0) or remove it (ttl_ns == 0).
   The kernel keeps an element's old timeout when it is added again, so
   a quarantine of a source already in the set replaces its element:
   delete and add in one transaction. */
int quarset_change(struct nftrules *n, const struct sl_addr *a,
		   uint64_t ttl_ns, char *err, size_t errlen)
{
	const char *table = nftrules_table(n);
	uint64_t ms = ttl_ns / 1000000;
	int rc;

	if (table == NULL)
		return nftset_fail(err, errlen, "quarantine set", ENOENT);
	if (ttl_ns == 0) {
		if (change_commit(n, table, a, 1, 0) < 0 && errno != ENOENT)
			return nftset_fail(err, errlen, "removing from the quarantine set", errno);
		return 0;
	}
	rc = change_commit(n, table, a, 0, ms ? ms : 1);
	if (rc < 0 && errno == EEXIST)
		rc = change_commit(n, table, a, 1, ms ? ms : 1);
	if (rc < 0)
		return nftset_fail(err, errlen, "adding to the quarantine set", errno);
	return 0;
}
