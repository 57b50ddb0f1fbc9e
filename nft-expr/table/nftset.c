/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftset - elements of the sets in sluiced's table
 * SYNOPSIS
 *	#include "table/nftset.h"
 * DESCRIPTION
 *	An interval element is a pair for the kernel: the first address,
 *	and the address after the last one flagged as an interval end. A
 *	range that runs to the end of the address space has no end element.
 *	Elements go ELEMS_PER_MSG to a message so no message nears a page.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/set.h>

#include "table/nftbatch.h"
#include "table/nftset.h"

#define ELEMS_PER_MSG 100
#define FILL_BATCH (1024 * 1024)

/* nftset_for - a libnftnl set naming base+family in our table */
struct nftnl_set *nftset_for(const char *table, const char *base,
			     int family)
{
	struct nftnl_set *s = nftnl_set_alloc();
	char name[32];

	if (s == NULL)
		return NULL;
	snprintf(name, sizeof(name), "%s%d", base, family);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY,
			  family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	if (nftnl_set_set_str(s, NFTNL_SET_TABLE, table) < 0
	    || nftnl_set_set_str(s, NFTNL_SET_NAME, name) < 0) {
		nftnl_set_free(s);
		return NULL;
	}
	return s;
}

/* elem_key - one element of a key width bytes wide */
static int elem_key(struct nftnl_set *s, const uint8_t *key, unsigned width,
		    uint32_t flags, uint64_t timeout_ms)
{
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();

	if (e == NULL)
		return -1;
	if (nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, width) < 0) {
		nftnl_set_elem_free(e);
		return -1;
	}
	if (flags)
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, flags);
	if (timeout_ms)
		nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT, timeout_ms);
	nftnl_set_elem_add(s, e);
	return 0;
}

/* nftset_elem - one element with key, flags and timeout (0 = none) */
int nftset_elem(struct nftnl_set *s, const uint8_t *key, int family,
		uint32_t flags, uint64_t timeout_ms)
{
	return elem_key(s, key, family == 4 ? 4 : 16, flags, timeout_ms);
}

/* nftset_elem_key - one element with a key of len bytes */
int nftset_elem_key(struct nftnl_set *s, const void *key, size_t len,
		    uint32_t flags, uint64_t timeout_ms)
{
	return elem_key(s, key, (unsigned)len, flags, timeout_ms);
}

/* nftset_msg - one NEWSETELEM/DELSETELEM message for set s; excl makes
   adding an element that exists an error (EEXIST) */
int nftset_msg(struct nftbatch *b, struct nftnl_set *s, uint16_t type,
	       int excl)
{
	uint16_t fam = (uint16_t)nftnl_set_get_u32(s, NFTNL_SET_FAMILY);
	struct nlmsghdr *nlh = nftbatch_msg(b, type, fam,
					    type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE
					    | (excl ? NLM_F_EXCL : 0) : 0, NULL);

	if (nlh == NULL)
		return -1;
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	return nftbatch_done(b);
}

/* nftset_fail - "what: strerror(e)" in err; returns -1 */
int nftset_fail(char *err, size_t len, const char *what, int e)
{
	snprintf(err, len, "%s: %s", what, strerror(e));
	return -1;
}

/* next_key - the key after a (width bytes); 0 if a was the last */
static int next_key(const uint8_t *a, unsigned width, uint8_t out[16])
{
	int i = (int)width - 1;

	memcpy(out, a, 16);
	for (; i >= 0; i--)
		if (++out[i] != 0)
			return 1;
	return 0;
}

/* set_maker - a fresh libnftnl set naming the set messages go to */
typedef struct nftnl_set *set_maker(const void *ctx);

/* range_msgs - the elements of the ranges, ELEMS_PER_MSG per message */
static int range_msgs(struct nftbatch *b, set_maker *mk, const void *ctx,
		      unsigned width, const struct sl_range *r, size_t nr)
{
	struct nftnl_set *s = NULL;
	uint8_t end[16];
	size_t i, in_msg = 0;
	int rc = 0;

	for (i = 0; i < nr && rc == 0; i++) {
		if (s == NULL && (s = mk(ctx)) == NULL)
			return -1;
		rc = elem_key(s, r[i].lo, width, 0, 0);
		if (rc == 0 && next_key(r[i].hi, width, end))
			rc = elem_key(s, end, width, NFT_SET_ELEM_INTERVAL_END, 0);
		if (rc == 0 && (++in_msg == ELEMS_PER_MSG || i + 1 == nr)) {
			rc = nftset_msg(b, s, NFT_MSG_NEWSETELEM, 0);
			nftnl_set_free(s);
			s = NULL;
			in_msg = 0;
		}
	}
	if (s != NULL)
		nftnl_set_free(s);
	return rc;
}

struct named { const char *table, *base; int family; };

/* named_set - set_maker of a set of our table by base and family */
static struct nftnl_set *named_set(const void *ctx)
{
	const struct named *n = ctx;

	return nftset_for(n->table, n->base, n->family);
}

/* fill_msgs - the elements of the ranges into set base+family */
static int fill_msgs(struct nftbatch *b, const char *table, const char *base,
		     int family, const struct sl_range *r, size_t nr)
{
	struct named n = { table, base, family };

	return range_msgs(b, named_set, &n, family == 4 ? 4 : 16, r, nr);
}

struct anon { const char *table; int family; uint32_t id; };

/* anon_set - set_maker of an anonymous set of this batch, by id */
static struct nftnl_set *anon_set(const void *ctx)
{
	const struct anon *a = ctx;
	struct nftnl_set *s = nftnl_set_alloc();

	if (s == NULL)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY,
			  a->family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_set_set_u32(s, NFTNL_SET_ID, a->id);
	if (nftnl_set_set_str(s, NFTNL_SET_TABLE, a->table) < 0
	    || nftnl_set_set_str(s, NFTNL_SET_NAME, "__set%d") < 0) {
		nftnl_set_free(s);
		return NULL;
	}
	return s;
}

/* nftset_anon - an anonymous constant interval set and its elements */
int nftset_anon(struct nftbatch *b, const char *table, int family,
		uint32_t set_id, uint32_t key_type, unsigned width,
		const struct sl_range *r, size_t nr)
{
	struct anon a = { table, family, set_id };
	struct nftnl_set *s = anon_set(&a);
	struct nlmsghdr *nlh;

	if (s == NULL)
		return -1;
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_ANONYMOUS | NFT_SET_CONSTANT
			  | NFT_SET_INTERVAL);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, width);
	nlh = nftbatch_msg(b, NFT_MSG_NEWSET, (uint16_t)(family == 4 ? NFPROTO_IPV4
							 : NFPROTO_IPV6),
			   NLM_F_CREATE | NLM_F_EXCL, NULL);
	if (nlh != NULL)
		nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	if (nlh == NULL || nftbatch_done(b) < 0)
		return -1;
	return range_msgs(b, anon_set, &a, width, r, nr);
}

/* nftset_fill - set base+family holds exactly the ranges */
int nftset_fill(struct nftrules *n, const char *base, int family,
		const struct sl_range *r, size_t nr, char *err, size_t errlen)
{
	const char *table = nftrules_table(n);
	struct nftnl_set *s;
	struct nftbatch *b;
	int rc;

	if (table == NULL)
		return nftset_fail(err, errlen, base, ENOENT);
	if ((b = nftrules_batch(n, FILL_BATCH)) == NULL
	    || (s = nftset_for(table, base, family)) == NULL) {
		nftbatch_free(b);
		return nftset_fail(err, errlen, base, ENOMEM);
	}
	/* a DELSETELEM without elements flushes the set */
	rc = nftset_msg(b, s, NFT_MSG_DELSETELEM, 0);
	nftnl_set_free(s);
	if (rc < 0 || fill_msgs(b, table, base, family, r, nr) < 0) {
		nftbatch_free(b);
		return nftset_fail(err, errlen, base, EMSGSIZE);
	}
	if (nftrules_commit(n, b) < 0) {
		char what[64];

		snprintf(what, sizeof(what), "filling set %s%d", base, family);
		return nftset_fail(err, errlen, what, errno);
	}
	return 0;
}
