/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftpair - the fast path's (source . destination) pairs in the kernel
 * SYNOPSIS
 *	#include "table/nftpair.h"
 * DESCRIPTION
 *	A pair's key is the two addresses back to back (8 bytes for IPv4,
 *	32 for IPv6), as the rule's concatenation loads them. Changes go
 *	out in runs: consecutive changes of one kind and family share a
 *	message of at most ELEMS_PER_MSG elements, so the order noted is
 *	the order applied (an addition then a removal of the same pair in
 *	one commit leaves it out, as it must).
 *
 *	The dump has its own netlink socket: the table's socket reads
 *	acknowledgements of batches, and a dump's replies must not meet
 *	them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/set.h>

#include "table/nftbatch.h"
#include "table/nftpair.h"
#include "table/nftset.h"

#ifndef NFT_MSG_DESTROYSETELEM
#define NFT_MSG_DESTROYSETELEM 30	/* Linux 6.3: delete, absent is ok */
#endif
#define ELEMS_PER_MSG 100
#define PAIR_KEY_MAX 32

struct pair_change {
	uint8_t add;
	uint8_t family;
	uint8_t key[PAIR_KEY_MAX];
};

struct nftpair {
	struct pair_change *c;
	size_t n, cap;
	struct mnl_socket *nl;	/* for dumps, opened at the first */
	uint32_t seq;
};

/* nftpair_create - an empty list of changes */
struct nftpair *nftpair_create(void)
{
	struct nftpair *p = calloc(1, sizeof(*p));

	if (p != NULL)
		p->seq = (uint32_t)time(NULL);
	return p;
}

/* nftpair_free - accepts NULL */
void nftpair_free(struct nftpair *p)
{
	if (p == NULL)
		return;
	if (p->nl != NULL)
		mnl_socket_close(p->nl);
	free(p->c);
	free(p);
}

/* key_len - bytes of a pair's key in family */
static size_t key_len(int family)
{
	return family == 4 ? 8 : 32;
}

/* nftpair_queue - note one change */
int nftpair_queue(struct nftpair *p, const struct sl_addr *src,
		  const struct sl_addr *dst, int add)
{
	size_t half = src->family == 4 ? 4 : 16;
	struct pair_change *c;

	if (src->family != dst->family) {
		errno = EINVAL;
		return -1;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;

		if (cap > NFTPAIR_MAX_PENDING
		    || (c = realloc(p->c, cap * sizeof(*c))) == NULL) {
			errno = ENOBUFS;
			return -1;
		}
		p->c = c;
		p->cap = cap;
	}
	c = &p->c[p->n++];
	c->add = add != 0;
	c->family = src->family;
	memcpy(c->key, src->b, half);
	memcpy(c->key + half, dst->b, half);
	return 0;
}

/* nftpair_pending - changes noted and not yet committed */
size_t nftpair_pending(const struct nftpair *p)
{
	return p->n;
}

/* run_msg - one message of changes [from, to), all of one kind and
   family */
static int run_msg(struct nftbatch *b, const char *table,
		   const struct pair_change *c, size_t from, size_t to)
{
	struct nftnl_set *s = nftset_for(table, "fast", c[from].family);
	struct nftnl_set_elem *e;
	struct nlmsghdr *nlh;
	size_t i;

	if (s == NULL)
		return -1;
	for (i = from; i < to; i++) {
		if ((e = nftnl_set_elem_alloc()) == NULL
		    || nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, c[i].key,
					  (uint32_t)key_len(c[i].family)) < 0) {
			if (e != NULL)
				nftnl_set_elem_free(e);
			nftnl_set_free(s);
			return -1;
		}
		if (c[i].add)
			nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT,
					       NFTRULES_PAIR_TIMEOUT_MS);
		nftnl_set_elem_add(s, e);
	}
	nlh = nftbatch_msg(b, c[from].add ? NFT_MSG_NEWSETELEM
			   : NFT_MSG_DESTROYSETELEM,
			   c[from].family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6,
			   c[from].add ? NLM_F_CREATE : 0, NULL);
	if (nlh != NULL)
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nlh == NULL ? -1 : nftbatch_done(b);
}

/* nftpair_commit - apply the noted changes in order */
int nftpair_commit(struct nftpair *p, struct nftrules *n, char *err,
		   size_t errlen)
{
	const char *table = nftrules_table(n);
	struct nftbatch *b;
	size_t from = 0, to;
	int rc = 0;

	if (p->n == 0)
		return 0;
	if (table == NULL || (b = nftrules_batch(n, 64 * 1024
						 + p->n * 64)) == NULL) {
		p->n = 0;
		return nftset_fail(err, errlen, "fast path pairs",
				   table ? ENOMEM : ENOENT);
	}
	while (rc == 0 && from < p->n) {
		for (to = from + 1; to < p->n && to - from < ELEMS_PER_MSG
		     && p->c[to].add == p->c[from].add
		     && p->c[to].family == p->c[from].family; to++)
			;
		rc = run_msg(b, table, p->c, from, to);
		from = to;
	}
	p->n = 0;
	if (rc < 0) {
		nftbatch_free(b);
		return nftset_fail(err, errlen, "fast path pairs", EMSGSIZE);
	}
	if (nftrules_commit(n, b) < 0)
		return nftset_fail(err, errlen, "changing sets fast4/fast6",
				   errno);
	return 0;
}

struct walk_ctx {
	nftpair_fn *fn;
	void *ctx;
	int family;
};

/* elem_one - one element of a dump reply to the caller */
static void elem_one(struct walk_ctx *w, struct nftnl_set_elem *e)
{
	size_t half = w->family == 4 ? 4 : 16;
	struct sl_addr src, dst;
	uint64_t timeout, left;
	uint32_t len = 0;
	const uint8_t *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);

	if (key == NULL || len != key_len(w->family))
		return;
	timeout = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT)
	    ? nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT)
	    : NFTRULES_PAIR_TIMEOUT_MS;
	left = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_EXPIRATION)
	    ? nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_EXPIRATION) : timeout;
	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	src.family = dst.family = (uint8_t)w->family;
	memcpy(src.b, key, half);
	memcpy(dst.b, key + half, half);
	w->fn(w->ctx, &src, &dst, left < timeout ? timeout - left : 0);
}

/* elems_cb - mnl_cb_run callback: one NEWSETELEM of the dump */
static int elems_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (s == NULL)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0
	    && (it = nftnl_set_elems_iter_create(s)) != NULL) {
		for (e = nftnl_set_elems_iter_next(it); e != NULL;
		     e = nftnl_set_elems_iter_next(it))
			elem_one(data, e);
		nftnl_set_elems_iter_destroy(it);
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
}

/* walk_family - dump set fast4 or fast6 */
static int walk_family(struct nftpair *p, const char *table,
		       struct walk_ctx *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_set *s = nftset_for(table, "fast", w->family);
	uint32_t seq = ++p->seq, port = mnl_socket_get_portid(p->nl);
	struct nlmsghdr *nlh;
	ssize_t got;
	int rc = MNL_CB_OK;

	if (s == NULL)
		return -1;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM,
				    w->family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6,
				    NLM_F_DUMP | NLM_F_ACK, seq);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	if (mnl_socket_sendto(p->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while (rc > MNL_CB_STOP
	       && (got = mnl_socket_recvfrom(p->nl, buf, sizeof(buf))) > 0)
		rc = mnl_cb_run(buf, (size_t)got, seq, port, elems_cb, w);
	return rc == MNL_CB_ERROR ? -1 : 0;
}

/* nftpair_walk - every pair of fast4 and fast6 through fn */
int nftpair_walk(struct nftpair *p, const char *table, nftpair_fn *fn,
		 void *ctx, char *err, size_t errlen)
{
	struct walk_ctx w = { fn, ctx, 4 };

	if (p->nl == NULL) {
		p->nl = mnl_socket_open(NETLINK_NETFILTER);
		if (p->nl == NULL
		    || mnl_socket_bind(p->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
			int e = errno;

			if (p->nl != NULL)
				mnl_socket_close(p->nl);
			p->nl = NULL;
			return nftset_fail(err, errlen, "fast path socket", e);
		}
	}
	if (walk_family(p, table, &w) < 0)
		return nftset_fail(err, errlen, "listing set fast4", errno);
	w.family = 6;
	if (walk_family(p, table, &w) < 0)
		return nftset_fail(err, errlen, "listing set fast6", errno);
	return 0;
}
