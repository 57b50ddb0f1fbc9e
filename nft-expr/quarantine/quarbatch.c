/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarbatch - quarantine set additions gathered into one transaction
 * SYNOPSIS
 *	#include "quarantine/quarbatch.h"
 * DESCRIPTION
 *	The elements wait in a growing array until the daemon's loop has
 *	finished what one wake-up brought (a burst of lockouts, a scan
 *	hitting the honeypot, a restart's restore), then go out together.
 *	One message holds at most QB_PER_MSG elements: a message's element
 *	list is one netlink attribute, whose length is 16 bits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/set.h>

#include "quarantine/quarbatch.h"
#include "quarantine/quarset.h"
#include "table/nftbatch.h"
#include "table/nftrules.h"
#include "table/nftset.h"

#define QB_PER_MSG 400		/* IPv6 intervals: 2 elements, ~50 bytes each */
#define QB_MAX (4u << 20)	/* elements noted at most */
#define QB_BYTES_EACH 160	/* room per element in the batch buffer */

struct qb_elem {
	struct sl_addr net;
	unsigned plen;
	uint64_t ttl_ms;
};

struct quarbatch {
	struct qb_elem *e;
	size_t n, cap;
	struct quarbatch_stats st;
};

/* quarbatch_create - an empty batch */
struct quarbatch *quarbatch_create(void)
{
	return calloc(1, sizeof(struct quarbatch));
}

/* quarbatch_free - accepts NULL */
void quarbatch_free(struct quarbatch *q)
{
	if (q == NULL)
		return;
	free(q->e);
	free(q);
}

/* quarbatch_add - note a/plen with its timeout */
int quarbatch_add(struct quarbatch *q, const struct sl_addr *a,
		  unsigned plen, uint64_t ttl_ns)
{
	struct qb_elem *e;
	size_t cap;

	if (q->n == q->cap) {
		cap = q->cap ? q->cap * 2 : 1024;
		if (cap > QB_MAX || (e = realloc(q->e, cap * sizeof(*e))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		q->e = e;
		q->cap = cap;
	}
	e = &q->e[q->n++];
	if (a->family == 4 || plen > 128)
		plen = a->family == 4 ? 32 : 128;	/* quarantine4 holds hosts */
	(void)prefix_network(a, plen, &e->net);
	e->plen = plen;
	e->ttl_ms = ttl_ns / 1000000 ? ttl_ns / 1000000 : 1;
	return 0;
}

/* quarbatch_pending - elements noted and not yet written */
size_t quarbatch_pending(const struct quarbatch *q)
{
	return q->n;
}

/* family_msgs - the noted elements of one family into b */
static int family_msgs(struct quarbatch *q, struct nftbatch *b,
		       const char *table, int family)
{
	struct nftnl_set *s = NULL;
	size_t i, in_msg = 0;
	int rc = 0;

	for (i = 0; i < q->n && rc == 0; i++) {
		if (q->e[i].net.family != family)
			continue;
		if (s == NULL && (s = nftset_for(table, "quarantine", family)) == NULL)
			return -1;
		rc = quarset_elem(s, "quarantine", &q->e[i].net, q->e[i].plen,
				  q->e[i].ttl_ms);
		if (rc == 0 && ++in_msg == QB_PER_MSG) {
			rc = nftset_msg(b, s, NFT_MSG_NEWSETELEM, 0);
			nftnl_set_free(s);
			s = NULL;
			in_msg = 0;
		}
	}
	if (s != NULL) {
		if (rc == 0)
			rc = nftset_msg(b, s, NFT_MSG_NEWSETELEM, 0);
		nftnl_set_free(s);
	}
	return rc;
}

/* one_by_one - the transaction was refused: each element alone */
static size_t one_by_one(struct quarbatch *q, struct nftrules *n, char *err,
			 size_t errlen)
{
	size_t i, failed = 0;
	char e1[256];

	q->st.fallbacks++;
	for (i = 0; i < q->n; i++)
		if (quarset_change(n, &q->e[i].net, q->e[i].plen,
				   q->e[i].ttl_ms * 1000000, e1, sizeof(e1)) < 0
		    && failed++ == 0)
			snprintf(err, errlen, "%s", e1);
	return failed;
}

/* quarbatch_flush - write what is noted in one transaction */
size_t quarbatch_flush(struct quarbatch *q, struct nftrules *n, char *err,
		       size_t errlen)
{
	const char *table;
	struct nftbatch *b;
	size_t failed = 0;

	if (q->n == 0)
		return 0;
	if ((table = nftrules_table(n)) == NULL) {
		snprintf(err, errlen, "quarantine set: no table");
		failed = q->n;
	} else if ((b = nftrules_batch(n, q->n * QB_BYTES_EACH + 65536)) == NULL
		   || family_msgs(q, b, table, 4) < 0
		   || family_msgs(q, b, table, 6) < 0) {
		nftbatch_free(b);
		failed = one_by_one(q, n, err, errlen);
	} else if (nftrules_commit(n, b) < 0)
		failed = one_by_one(q, n, err, errlen);
	q->st.transactions++;
	q->st.elements += q->n;
	q->st.errors += failed;
	q->n = 0;
	return failed;
}

/* quarbatch_stats - counters */
void quarbatch_stats(const struct quarbatch *q, struct quarbatch_stats *out)
{
	*out = q->st;
}
