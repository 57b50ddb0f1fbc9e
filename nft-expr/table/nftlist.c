/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftlist - the base chains already on the hooks sluiced uses
 * SYNOPSIS
 *	#include "table/nftlist.h"
 * DESCRIPTION
 *	One GETCHAIN dump of every family on a socket of its own, each
 *	reply parsed by libnftnl; the dump is read until NLMSG_DONE, with
 *	a bound on the chains kept (NFTLIST_MAX), so a ruleset of
 *	thousands of chains costs one pass and a fixed table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>

#include "table/nftlist.h"
#include "table/nftrules.h"

struct list_ctx {
	unsigned hooks;
	const char *ours;
	struct nftlist_chain *out;
	size_t max, n;
};

/* family_name - the families sluiced's hooks share; NULL for others */
static const char *family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	default:
		return NULL;
	}
}

/* hook_bit - NFTRULES_HOOK_* of a netfilter hook number, 0 if none */
static unsigned hook_bit(uint32_t hooknum)
{
	return hooknum == NF_INET_FORWARD ? NFTRULES_HOOK_FORWARD
	     : hooknum == NF_INET_LOCAL_OUT ? NFTRULES_HOOK_OUTPUT : 0;
}

/* keep - one parsed chain into the list, if it is a base chain we share */
static void keep(struct list_ctx *l, const struct nftnl_chain *c)
{
	const char *fam = family_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY));
	const char *table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	const char *name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	struct nftlist_chain *o;
	unsigned bit;

	if (fam == NULL || table == NULL || name == NULL
	    || !nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
		return;
	bit = hook_bit(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM));
	if ((bit & l->hooks) == 0)
		return;
	if (strcmp(fam, "inet") != 0 && strcmp(table, l->ours) == 0)
		return;		/* ours (a leftover, or the running one) */
	if (l->n++ >= l->max)
		return;
	o = &l->out[l->n - 1];
	snprintf(o->family, sizeof(o->family), "%s", fam);
	snprintf(o->table, sizeof(o->table), "%s", table);
	snprintf(o->chain, sizeof(o->chain), "%s", name);
	o->hook = bit;
	o->priority = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
	o->policy_drop = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY)
		      && nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP;
}

/* chain_cb - mnl_cb_run callback: one NEWCHAIN of the dump */
static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c == NULL)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0)
		keep(data, c);
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* by_hook_prio - qsort: forward before output, then by priority */
static int by_hook_prio(const void *a, const void *b)
{
	const struct nftlist_chain *x = a, *y = b;

	if (x->hook != y->hook)
		return x->hook < y->hook ? -1 : 1;
	return (x->priority > y->priority) - (x->priority < y->priority);
}

/* dump - send the GETCHAIN dump and run its replies through chain_cb */
static int dump(struct mnl_socket *nl, struct list_ctx *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = (uint32_t)time(NULL), port = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN,
						     NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	ssize_t got;
	int rc = MNL_CB_OK;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while (rc > MNL_CB_STOP && (got = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		rc = mnl_cb_run(buf, (size_t)got, seq, port, chain_cb, l);
	return rc == MNL_CB_ERROR ? -1 : 0;
}

/* nftlist_base_chains - base chains on the hooks other than ours */
int nftlist_base_chains(unsigned hooks, const char *our_table,
			struct nftlist_chain *out, size_t max, char *err,
			size_t errlen)
{
	struct list_ctx l = { hooks, our_table, out, max, 0 };
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int rc;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0
	    || (rc = dump(nl, &l)) < 0) {
		snprintf(err, errlen, "listing the base chains: %s", strerror(errno));
		if (nl != NULL)
			mnl_socket_close(nl);
		return -1;
	}
	mnl_socket_close(nl);
	qsort(out, l.n < max ? l.n : max, sizeof(*out), by_hook_prio);
	return (int)l.n;
}

/* nftlist_hook_name - "forward", "output" */
const char *nftlist_hook_name(unsigned hook)
{
	return hook == NFTRULES_HOOK_FORWARD ? "forward"
	     : hook == NFTRULES_HOOK_OUTPUT ? "output" : "?";
}
