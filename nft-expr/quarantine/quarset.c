/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarset - quarantined sources in the kernel's quarantine4/6 sets
 * SYNOPSIS
 *	#include "quarantine/quarset.h"
 * DESCRIPTION
 *	The kernel half of a quarantine: an element with a timeout, so
 *	the kernel drops the source's new flows before they are queued
 *	and expires the element itself, even after sluiced is gone.
 *	quarantine6 is an interval set: with v6_prefix = 64 the throttle
 *	counts a /64 as one host, and a quarantine of one /128 of it let
 *	every other address of the /64 through once sluiced was gone
 *	(issue 20). An interval is a pair: the prefix's first address
 *	with the timeout, and the address after its last flagged as the
 *	end (none when the prefix runs to the end of the address space).
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

/* prefix_end - the address after the last one of net/plen; 0 if the
   prefix runs to the end of the address space */
static int prefix_end(const struct sl_addr *net, unsigned plen, uint8_t out[16])
{
	unsigned max = net->family == 4 ? 32 : 128, i;
	int byte;

	memcpy(out, net->b, 16);
	for (i = plen; i < max; i++)
		out[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	for (byte = (int)max / 8 - 1; byte >= 0; byte--)
		if (++out[byte] != 0)
			return 1;
	return 0;
}

/* quarset_interval - is base+family an interval set: every IPv6 one,
   and isolate4 (zones are prefixes) */
static int quarset_interval(const char *base, int family)
{
	return family == 6 || strcmp(base, "isolate") == 0;
}

/* quarset_elem - net/plen into s: one element, or the pair of an
   interval */
int quarset_elem(struct nftnl_set *s, const char *base,
		 const struct sl_addr *net, unsigned plen, uint64_t ttl_ms)
{
	uint8_t end[16];
	int rc = nftset_elem(s, net->b, net->family, 0, ttl_ms);

	if (rc == 0 && quarset_interval(base, net->family) &&
	    prefix_end(net, plen, end))
		rc = nftset_elem(s, end, net->family, NFT_SET_ELEM_INTERVAL_END, 0);
	return rc;
}

/* change_msg - append a NEW (ttl_ms > 0) or DEL message for net/plen:
   one element in quarantine4, an interval in quarantine6 */
static int change_msg(struct nftbatch *b, const char *table, const char *base,
		      const struct sl_addr *net, unsigned plen, uint64_t ttl_ms,
		      int excl)
{
	struct nftnl_set *s = nftset_for(table, base, net->family);
	int rc = s == NULL ? -1 : quarset_elem(s, base, net, plen, ttl_ms);

	if (rc < 0) {
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
			 const char *base, const struct sl_addr *net,
			 unsigned plen, int del, uint64_t ttl_ms)
{
	struct nftbatch *b = nftrules_batch(n, MNL_SOCKET_BUFFER_SIZE);

	if (b == NULL || (del && change_msg(b, table, base, net, plen, 0, 0) < 0)
	    || (ttl_ms && change_msg(b, table, base, net, plen, ttl_ms,
				     !del) < 0)) {
		nftbatch_free(b);
		errno = ENOMEM;
		return -1;
	}
	return nftrules_commit(n, b);
}

/* quarset_change - a/plen in quarantine4/6 */
int quarset_change(struct nftrules *n, const struct sl_addr *a, unsigned plen,
		   uint64_t ttl_ns, char *err, size_t errlen)
{
	return quarset_change_in(n, "quarantine", a, plen, ttl_ns, err, errlen);
}

/* quarset_change_in - add a/plen to base4/6 (ttl_ns > 0) or remove it
   (ttl_ns == 0). The kernel keeps an element's old timeout when it is
   added again, so adding a source already in the set replaces its
   element: delete and add in one transaction. */
int quarset_change_in(struct nftrules *n, const char *base,
		      const struct sl_addr *a, unsigned plen, uint64_t ttl_ns,
		      char *err, size_t errlen)
{
	const char *table = nftrules_table(n);
	uint64_t ms = ttl_ns / 1000000;
	struct sl_addr net;
	int rc;

	if (table == NULL)
		return nftset_fail(err, errlen, base, ENOENT);
	if (plen > (a->family == 4 ? 32u : 128u) ||
	    (a->family == 4 && !quarset_interval(base, 4)))
		plen = a->family == 4 ? 32 : 128;	/* quarantine4 holds hosts */
	(void)prefix_network(a, plen, &net);
	if (ttl_ns == 0) {
		if (change_commit(n, table, base, &net, plen, 1, 0) < 0 && errno != ENOENT)
			return nftset_fail(err, errlen, "removing from the set", errno);
		return 0;
	}
	rc = change_commit(n, table, base, &net, plen, 0, ms ? ms : 1);
	if (rc < 0 && errno == EEXIST)
		rc = change_commit(n, table, base, &net, plen, 1, ms ? ms : 1);
	if (rc < 0)
		return nftset_fail(err, errlen, "adding to the set", errno);
	return 0;
}

/* quarset_port - add port to blockport4 and blockport6 (ttl_ns > 0) or
   remove it from both, in one transaction; 0, or -1 with err */
int quarset_port(struct nftrules *n, uint16_t port, uint64_t ttl_ns,
		 char *err, size_t errlen)
{
	const char *table = nftrules_table(n);
	struct nftbatch *b;
	struct nftnl_set *s;
	uint8_t key[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	int fam, rc = 0;

	if (table == NULL)
		return nftset_fail(err, errlen, "blockport", ENOENT);
	if ((b = nftrules_batch(n, MNL_SOCKET_BUFFER_SIZE)) == NULL)
		return nftset_fail(err, errlen, "blockport", ENOMEM);
	for (fam = 4; fam <= 6 && rc == 0; fam += 2) {
		if ((s = nftset_for(table, "blockport", fam)) == NULL) {
			rc = -1;
			break;
		}
		rc = nftset_elem_key(s, key, 2, 0, ttl_ns / 1000000);
		if (rc == 0)
			rc = nftset_msg(b, s, ttl_ns ? NFT_MSG_NEWSETELEM
					: NFT_MSG_DELSETELEM, 0);
		nftnl_set_free(s);
	}
	if (rc < 0) {
		nftbatch_free(b);
		return nftset_fail(err, errlen, "blockport", ENOMEM);
	}
	if (nftrules_commit(n, b) < 0 && !(ttl_ns == 0 && errno == ENOENT))
		return nftset_fail(err, errlen, ttl_ns ? "blocking the port"
				   : "unblocking the port", errno);
	return 0;
}
