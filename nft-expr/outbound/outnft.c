/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outnft - the zones' outbound policy installed in sluiced's table
 * SYNOPSIS
 *	#include "outbound/outnft.h"
 * DESCRIPTION
 *	Every set of the policy is anonymous and bound to its rule: it
 *	is created in the rule's batch and goes when the rule goes, so a
 *	replacement needs to name only chains. Each rule of a zone chain
 *	carries its tag as an nft comment (userdata), which is how the
 *	counters are found again; the drops' NFLOG prefix is that tag too.
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
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "daemon/sdconf.h"
#include "outbound/outnft.h"
#include "outbound/outplan.h"
#include "table/nftbatch.h"
#include "table/nftexpr.h"
#include "table/nftrules.h"
#include "table/nftset.h"

#define ANON_ID_BASE 0x10000	/* above nftrules' named sets' ids */
#define TYPE_IPADDR 7		/* nft's datatype numbers */
#define TYPE_IP6ADDR 8
#define TYPE_INET_SERVICE 13
#define REPLACE_BATCH (4 * 1024 * 1024)	/* as the install's */

/* ids of anonymous sets: unique within any batch that holds them */
static uint32_t anon_next = ANON_ID_BASE;

struct emit {
	struct nftbatch *b;
	const char *table;
	int del;		/* deleting chains rather than adding */
};

/* anon - an anonymous set of ranges; its id, or 0 on failure */
static uint32_t anon(struct emit *e, int family, uint32_t type, unsigned width,
		     const struct sl_range *r, size_t n)
{
	uint32_t id = anon_next++;

	if (anon_next < ANON_ID_BASE)
		anon_next = ANON_ID_BASE;
	return nftset_anon(e->b, e->table, family, id, type, width, r, n) < 0 ? 0 : id;
}

/* comment - the tag as nft's comment (userdata, as nft writes it) */
static int comment(struct nftnl_rule *r, const char *tag)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	int rc = -1;

	if (u == NULL)
		return -1;
	if (nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, tag)
	    && nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
				   nftnl_udata_buf_len(u)) == 0)
		rc = 0;
	nftnl_udata_buf_free(u);
	return rc;
}

/* sets - the rule's anonymous sets, before the rule in the batch */
static int sets(struct emit *e, const struct outplan_rule *o, uint32_t id[3])
{
	int f = o->family;
	uint32_t at = f == 4 ? TYPE_IPADDR : TYPE_IP6ADDR;
	unsigned aw = f == 4 ? 4 : 16;

	id[0] = id[1] = id[2] = 0;
	if (o->nsrc && (id[0] = anon(e, f, at, aw, o->src, o->nsrc)) == 0)
		return -1;
	if (o->ndst && (id[1] = anon(e, f, at, aw, o->dst, o->ndst)) == 0)
		return -1;
	if (o->nports && (id[2] = anon(e, f, TYPE_INET_SERVICE, 2, o->ports,
				       o->nports)) == 0)
		return -1;
	return 0;
}

/* matches - the rule's source, destination, protocol and ports */
static int matches(struct nftnl_rule *r, const struct outplan_rule *o,
		   const uint32_t id[3])
{
	int ok = 0;

	if (o->nsrc)
		ok = nftexpr_addr_in(r, o->family, 0, "__set%d", id[0]);
	if (ok == 0 && o->ndst)
		ok = nftexpr_addr_in(r, o->family, 1, "__set%d", id[1]);
	if (ok == 0 && o->nports)
		ok = nftexpr_dport_in(r, o->proto, "__set%d", id[2]);
	else if (ok == 0 && o->proto)
		ok = nftexpr_l4proto(r, o->proto);
	return ok;
}

/* emit_rule - outplan_ops: one rule (with its sets) into the batch */
static int emit_rule(void *ctx, const struct outplan_rule *o)
{
	struct emit *e = ctx;
	struct nftnl_rule *r;
	uint32_t id[3];
	int ok;

	if (e->del)
		return 0;
	if (sets(e, o, id) < 0)
		return -1;
	r = nftrules_rule(e->table, o->family, o->chain);
	ok = r == NULL ? -1 : matches(r, o, id);
	if (ok == 0 && o->verdict == OUTPLAN_DROP)
		ok = nftexpr_counter(r);
	if (ok == 0 && o->verdict == OUTPLAN_DROP)
		ok = nftexpr_log(r, o->log_group, o->tag);
	if (ok == 0)
		ok = o->verdict == OUTPLAN_JUMP ? nftexpr_verdict(r, NFT_JUMP, o->target)
		   : nftexpr_verdict(r, o->verdict == OUTPLAN_DROP ? NF_DROP
				     : NFT_RETURN, NULL);
	if (ok == 0 && o->tag)
		ok = comment(r, o->tag);
	return nftrules_rule_add(e->b, r, ok);
}

/* chain_del - DELRULE (flush) and, unless keep, DELCHAIN of name */
static int chain_del(struct emit *e, int family, const char *name, int keep)
{
	struct nftnl_rule *r = nftrules_rule(e->table, family, name);
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;
	uint16_t fam = (uint16_t)(family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	int bad;

	if (r == NULL)
		return -1;
	/* a DELRULE naming only the chain deletes all its rules */
	nlh = nftbatch_msg(e->b, NFT_MSG_DELRULE, fam, 0, NULL);
	if (nlh != NULL)
		nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if (nlh == NULL || nftbatch_done(e->b) < 0)
		return -1;
	if (keep)
		return 0;
	if ((c = nftnl_chain_alloc()) == NULL)
		return -1;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, fam);
	bad = nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, e->table) < 0
	    || nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name) < 0;
	nlh = bad ? NULL : nftbatch_msg(e->b, NFT_MSG_DELCHAIN, fam, 0, NULL);
	if (nlh != NULL)
		nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nlh == NULL ? -1 : nftbatch_done(e->b);
}

/* emit_chain - outplan_ops: a zone's chain made, or taken away */
static int emit_chain(void *ctx, int family, const char *name)
{
	struct emit *e = ctx;

	if (e->del)
		return chain_del(e, family, name, 0);
	return nftrules_chain(e->b, e->table, family, name, -1, 0);
}

static const struct outplan_ops emit_ops = { emit_chain, emit_rule };

/* outnft_fill - nftrules_conf.outbound: the policy of family into b */
int outnft_fill(void *conf, struct nftbatch *b, const char *table, int family)
{
	struct emit e = { b, table, 0 };

	return outplan_walk(conf, family, &emit_ops, &e);
}

/* replace_batch - flush outbound, old's chains out, next's in */
static int replace_batch(struct nftbatch *b, const char *table,
			 const struct sd_conf *old, const struct sd_conf *next)
{
	struct emit e = { b, table, 1 };
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		e.del = 1;
		if (chain_del(&e, fam, NFTRULES_OUTBOUND, 1) < 0
		    || outplan_walk(old, fam, &emit_ops, &e) < 0)
			return -1;
		e.del = 0;
		if (outplan_walk(next, fam, &emit_ops, &e) < 0)
			return -1;
	}
	return 0;
}

/* outnft_replace - old's policy out and next's in, one transaction */
int outnft_replace(struct nftrules *n, const struct sd_conf *old,
		   const struct sd_conf *next, char *err, size_t errlen)
{
	const char *table = nftrules_table(n);
	struct nftbatch *b;

	if (table == NULL)
		return 0;
	if (!outplan_any(old) && !outplan_any(next))
		return 0;
	if ((b = nftrules_batch(n, REPLACE_BATCH)) == NULL)
		return nftset_fail(err, errlen, "outbound policy", ENOMEM);
	if (replace_batch(b, table, old, next) < 0) {
		int e = errno ? errno : EMSGSIZE;

		nftbatch_free(b);
		return nftset_fail(err, errlen, "building the outbound policy", e);
	}
	if (nftrules_commit(n, b) < 0)
		return nftset_fail(err, errlen, "replacing the outbound policy", errno);
	return 0;
}

struct count_ctx {
	outnft_count_fn *fn;
	void *ctx;
};

/* comment_cb - nftnl_udata_parse callback: the comment string */
static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **out = data;
	const char *v = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	/* a comment is a NUL-terminated string inside its attribute */
	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len > 0
	    && v[len - 1] == 0)
		*out = v;
	return MNL_CB_OK;
}

/* rule_packets - the packets of r's counter; -1 if it has none */
static int rule_packets(struct nftnl_rule *r, uint64_t *packets)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	int rc = -1;

	if (it == NULL)
		return -1;
	while ((e = nftnl_expr_iter_next(it)) != NULL)
		if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter") == 0) {
			*packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			rc = 0;
		}
	nftnl_expr_iter_destroy(it);
	return rc;
}

/* count_rule - one dumped rule: a tagged counter of a zone chain */
static void count_rule(struct count_ctx *x, struct nftnl_rule *r)
{
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), *tag = NULL;
	const void *ud;
	uint32_t udlen = 0;
	char zone[SD_ZONE_NAME_MAX + 1];
	enum outpol_kind kind;
	uint64_t packets;
	size_t idx;

	if (chain == NULL || strncmp(chain, "outbound_", 9) != 0
	    || !nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return;
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udlen);
	if (ud == NULL || nftnl_udata_parse(ud, udlen, comment_cb, &tag) < 0
	    || tag == NULL || outplan_tag_parse(tag, zone, sizeof(zone), &kind, &idx) < 0
	    || rule_packets(r, &packets) < 0)
		return;
	x->fn(x->ctx, zone, kind, idx, packets);
}

/* rule_cb - mnl_cb_run callback: one NEWRULE of the dump */
static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r == NULL)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0)
		count_rule(data, r);
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* dump_family - GETRULE dump of table in family, through rule_cb */
static int dump_family(struct mnl_socket *nl, const char *table, int family,
		       struct count_ctx *x)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = (uint32_t)time(NULL), port = mnl_socket_get_portid(nl);
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	ssize_t got;
	int rc = MNL_CB_OK;

	if (r == NULL)
		return -1;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family == 4 ? NFPROTO_IPV4
				    : NFPROTO_IPV6, NLM_F_DUMP, seq);
	if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) == 0)
		nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while (rc > MNL_CB_STOP && (got = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		rc = mnl_cb_run(buf, (size_t)got, seq, port, rule_cb, x);
	return rc == MNL_CB_ERROR ? -1 : 0;
}

/* outnft_counters - every violation counter of table's outbound chains */
int outnft_counters(const char *table, outnft_count_fn *fn, void *ctx,
		    char *err, size_t errlen)
{
	struct count_ctx x = { fn, ctx };
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int rc = 0;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0
	    || dump_family(nl, table, 4, &x) < 0 || dump_family(nl, table, 6, &x) < 0) {
		nftset_fail(err, errlen, "reading the outbound counters", errno);
		rc = -1;
	}
	if (nl != NULL)
		mnl_socket_close(nl);
	return rc;
}
