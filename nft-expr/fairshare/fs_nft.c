/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_nft - the host map and its rules in sluiced's tables
 * DESCRIPTION
 *	See fs_nft.h. The expressions are written the way nft(8)
 *	compiles the statements above, so `nft list table ip sluice`
 *	prints them as such: a map lookup with a destination register
 *	fed to meta set, bitwise and/xor for "| 1", a byteorder before
 *	comparing the host-order packet length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "fairshare/fs_nft.h"
#include "fairshare/fs_tc.h"
#include "table/nftbatch.h"
#include "table/nftexpr.h"
#include "table/nftrules.h"
#include "table/nftset.h"

#define REG NFT_REG_1
#define TYPE_IPADDR 7		/* nft's datatype numbers, for listing */
#define TYPE_IP6ADDR 8
#define TYPE_SERVICE 13
#define TYPE_CLASSID 23
#define NEW_TIMEOUT_MS 60000
#define ID_BASE 100		/* set ids after nftrules' own */
#define DEFAULT_PRIO FS_TC_PRIORITY(0)
#define BYTEORDER_HOST 1	/* nft's enum byteorder, in a set's userdata */

struct fs_nft {
	struct mnl_socket *nl;
	uint32_t seq, portid;
	char table[64];
};

static const struct fs_set {
	const char *base;
	uint32_t flags, id;
} fs_sets[] = {
	{ "fair", NFT_SET_MAP, ID_BASE },
	{ "fairnew", NFT_SET_TIMEOUT | NFT_SET_EVAL, ID_BASE + 1 },
	{ "fairports", 0, ID_BASE + 2 },
};

/* set_id - the batch id of base in family */
static uint32_t set_id(const char *base, int family)
{
	size_t i;

	for (i = 0; i < sizeof(fs_sets) / sizeof(fs_sets[0]); i++)
		if (strcmp(fs_sets[i].base, base) == 0)
			return fs_sets[i].id + (family == 6 ? 10 : 0);
	return 0;
}

/* map_udata - the map's data is a class id in host order: said in
   the set's userdata, so `nft list` prints 1:2002, not 220:100 (the
   kernel does not read it) */
static void map_udata(struct nftnl_set *s)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);

	if (u == NULL)
		return;
	if (nftnl_udata_put_u32(u, NFTNL_UDATA_SET_DATABYTEORDER, BYTEORDER_HOST))
		(void)nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
					 nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
}

/* set_msg - NEWSET for one of ours */
static int set_msg(struct nftbatch *b, const char *table, int family,
		   const struct fs_set *sp)
{
	struct nftnl_set *s = nftset_for(table, sp->base, family);
	int ports = strcmp(sp->base, "fairports") == 0;
	struct nlmsghdr *nlh;

	if (s == NULL)
		return -1;
	nftnl_set_set_u32(s, NFTNL_SET_ID, set_id(sp->base, family));
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, sp->flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, ports ? TYPE_SERVICE
			  : family == 4 ? TYPE_IPADDR : TYPE_IP6ADDR);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, ports ? 2 : family == 4 ? 4 : 16);
	if (sp->flags & NFT_SET_MAP) {
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, TYPE_CLASSID);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 4);
		map_udata(s);
	}
	if (sp->flags & NFT_SET_TIMEOUT) {
		nftnl_set_set_u64(s, NFTNL_SET_TIMEOUT, NEW_TIMEOUT_MS);
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, FS_NFT_NEW_MAX);
	}
	nlh = nftbatch_msg(b, NFT_MSG_NEWSET,
			   family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6,
			   NLM_F_CREATE | NLM_F_EXCL, NULL);
	if (nlh != NULL)
		nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nlh == NULL ? -1 : nftbatch_done(b);
}

/* ports_msg - fairports' two elements */
static int ports_msg(struct nftbatch *b, const char *table, int family)
{
	static const uint16_t ports[] = { 22, 53 };
	struct nftnl_set *s = nftset_for(table, "fairports", family);
	size_t i;
	int rc = s == NULL ? -1 : 0;

	for (i = 0; rc == 0 && i < sizeof(ports) / sizeof(ports[0]); i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();
		uint16_t p = htons(ports[i]);

		if (e == NULL || nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &p, 2) < 0) {
			if (e != NULL)
				nftnl_set_elem_free(e);
			rc = -1;
			break;
		}
		nftnl_set_elem_add(s, e);
	}
	if (rc == 0)
		rc = nftset_msg(b, s, NFT_MSG_NEWSETELEM, 0);
	if (s != NULL)
		nftnl_set_free(s);
	return rc;
}

/* expr - a new expression, ENOMEM when there is none */
static struct nftnl_expr *expr(const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	errno = e == NULL ? ENOMEM : 0;
	return e;
}

/* key_load - the host's address into REG: ip saddr/daddr, the /64 of
   ip6 saddr/daddr */
static int key_load(struct nftnl_rule *r, int family, int dst)
{
	static const uint8_t mask[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff };
	static const uint8_t zero[16];
	struct nftnl_expr *pl = expr("payload"), *bw;

	if (pl == NULL)
		return -1;
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_OFFSET,
			   family == 4 ? (dst ? 16 : 12) : (dst ? 24 : 8));
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_LEN, family == 4 ? 4 : 16);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_DREG, REG);
	if (nftexpr_add(r, pl, 0) < 0 || family == 4)
		return family == 4 ? 0 : -1;
	if ((bw = expr("bitwise")) == NULL)
		return -1;
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_SREG, REG);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_DREG, REG);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_LEN, 16);
	return nftexpr_add(r, bw,
			   nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_MASK, mask, 16) < 0
			   || nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_XOR, zero, 16) < 0);
}

/* prio_set - meta priority set REG */
static int prio_set(struct nftnl_rule *r)
{
	struct nftnl_expr *e = expr("meta");

	if (e == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_PRIORITY);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, REG);
	return nftexpr_add(r, e, 0);
}

/* prio_imm - meta priority set VALUE */
static int prio_imm(struct nftnl_rule *r, uint32_t value)
{
	struct nftnl_expr *e = expr("immediate");

	if (e == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, REG);
	if (nftexpr_add(r, e, nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &value,
					     sizeof(value)) < 0) < 0)
		return -1;
	return prio_set(r);
}

/* prio_map - meta priority set KEY map @fairN */
static int prio_map(struct nftnl_rule *r, int family, int dst)
{
	struct nftnl_expr *lk;
	char name[32];

	snprintf(name, sizeof(name), "fair%d", family);
	if (key_load(r, family, dst) < 0 || (lk = expr("lookup")) == NULL)
		return -1;
	nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_SREG, REG);
	nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_DREG, REG);
	nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_SET_ID, set_id("fair", family));
	if (nftexpr_add(r, lk, nftnl_expr_set_str(lk, NFTNL_EXPR_LOOKUP_SET,
						  name) < 0) < 0)
		return -1;
	return prio_set(r);
}

/* learn - meta priority == slot 0's, add @fairnewN { KEY } */
static int learn(struct nftnl_rule *r, int family, int dst)
{
	uint32_t d = DEFAULT_PRIO;
	struct nftnl_expr *ds;
	char name[32];

	snprintf(name, sizeof(name), "fairnew%d", family);
	if (nftexpr_meta(r, NFT_META_PRIORITY) < 0
	    || nftexpr_cmp(r, NFT_CMP_EQ, &d, sizeof(d)) < 0
	    || key_load(r, family, dst) < 0 || (ds = expr("dynset")) == NULL)
		return -1;
	nftnl_expr_set_u32(ds, NFTNL_EXPR_DYNSET_SREG_KEY, REG);
	nftnl_expr_set_u32(ds, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_ADD);
	nftnl_expr_set_u32(ds, NFTNL_EXPR_DYNSET_SET_ID, set_id("fairnew", family));
	return nftexpr_add(r, ds, nftnl_expr_set_str(ds, NFTNL_EXPR_DYNSET_SET_NAME,
						     name) < 0);
}

/* prio_or1 - meta priority set meta priority | 1: the interactive leaf */
static int prio_or1(struct nftnl_rule *r)
{
	uint32_t mask = ~1u, one = 1;
	struct nftnl_expr *bw;

	if (nftexpr_meta(r, NFT_META_PRIORITY) < 0 || (bw = expr("bitwise")) == NULL)
		return -1;
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_SREG, REG);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_DREG, REG);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_LEN, 4);
	if (nftexpr_add(r, bw,
			nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_MASK, &mask, 4) < 0
			|| nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_XOR, &one, 4) < 0) < 0)
		return -1;
	return prio_set(r);
}

/* small - meta length < FS_NFT_SMALL (in network order, as nft does) */
static int small(struct nftnl_rule *r)
{
	uint32_t lim = htonl(FS_NFT_SMALL);
	struct nftnl_expr *bo;

	if (nftexpr_meta(r, NFT_META_LEN) < 0 || (bo = expr("byteorder")) == NULL)
		return -1;
	nftnl_expr_set_u32(bo, NFTNL_EXPR_BYTEORDER_SREG, REG);
	nftnl_expr_set_u32(bo, NFTNL_EXPR_BYTEORDER_DREG, REG);
	nftnl_expr_set_u32(bo, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
	nftnl_expr_set_u32(bo, NFTNL_EXPR_BYTEORDER_LEN, 4);
	nftnl_expr_set_u32(bo, NFTNL_EXPR_BYTEORDER_SIZE, 4);
	if (nftexpr_add(r, bo, 0) < 0)
		return -1;
	return nftexpr_cmp(r, NFT_CMP_LT, &lim, sizeof(lim));
}

/* port_in - meta l4proto proto, th sport/dport @fairportsN */
static int port_in(struct nftnl_rule *r, int family, uint8_t proto, int dport)
{
	struct nftnl_expr *pl, *lk;
	char name[32];

	snprintf(name, sizeof(name), "fairports%d", family);
	if (nftexpr_l4proto(r, proto) < 0 || (pl = expr("payload")) == NULL)
		return -1;
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_OFFSET, dport ? 2 : 0);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_LEN, 2);
	nftnl_expr_set_u32(pl, NFTNL_EXPR_PAYLOAD_DREG, REG);
	if (nftexpr_add(r, pl, 0) < 0 || (lk = expr("lookup")) == NULL)
		return -1;
	nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_SREG, REG);
	nftnl_expr_set_u32(lk, NFTNL_EXPR_LOOKUP_SET_ID, set_id("fairports", family));
	return nftexpr_add(r, lk, nftnl_expr_set_str(lk, NFTNL_EXPR_LOOKUP_SET,
						     name) < 0);
}

/* the rules of fair_up and fair_down, in order: each builder gets the
   family and dst (0: keyed by source, on the uplink; 1: by
   destination, on the LAN side) */
typedef int rule_fn(struct nftnl_rule *r, int family, int dst);

/* r_default - meta priority set 1:2000 (slot 0) */
static int r_default(struct nftnl_rule *r, int family, int dst)
{
	(void)family;
	(void)dst;
	return prio_imm(r, DEFAULT_PRIO);
}

/* r_small - meta length < FS_NFT_SMALL meta priority |= 1 */
static int r_small(struct nftnl_rule *r, int family, int dst)
{
	(void)family;
	(void)dst;
	return small(r) < 0 ? -1 : prio_or1(r);
}

/* r_tcp - tcp dport (uplink) or sport (LAN side) @fairports |= 1 */
static int r_tcp(struct nftnl_rule *r, int family, int dst)
{
	return port_in(r, family, 6, !dst) < 0 ? -1 : prio_or1(r);
}

/* r_udp - the same for udp */
static int r_udp(struct nftnl_rule *r, int family, int dst)
{
	return port_in(r, family, 17, !dst) < 0 ? -1 : prio_or1(r);
}

static rule_fn *const dir_table[] = {
	r_default, prio_map, learn, r_small, r_tcp, r_udp,
};

/* dir_rules - chain fair_up (dst 0) or fair_down (dst 1) */
static int dir_rules(struct nftbatch *b, const char *table, int family, int dst)
{
	const char *chain = dst ? "fair_down" : "fair_up";
	size_t i;

	if (nftrules_chain(b, table, family, chain, -1, 0) < 0)
		return -1;
	for (i = 0; i < sizeof(dir_table) / sizeof(dir_table[0]); i++) {
		struct nftnl_rule *r = nftrules_rule(table, family, chain);

		if (nftrules_rule_add(b, r, r == NULL ? -1
				      : dir_table[i](r, family, dst)) < 0)
			return -1;
	}
	return 0;
}

/* jump_rule - meta oif IFINDEX jump chain */
static int jump_rule(struct nftbatch *b, const char *table, int family,
		     uint32_t ifindex, const char *chain)
{
	struct nftnl_rule *r = nftrules_rule(table, family, "fairshare");
	int ok = r == NULL ? -1 : nftexpr_meta(r, NFT_META_OIF);

	if (ok == 0)
		ok = nftexpr_cmp(r, NFT_CMP_EQ, &ifindex, sizeof(ifindex));
	if (ok == 0)
		ok = nftexpr_verdict(r, NFT_JUMP, chain);
	return nftrules_rule_add(b, r, ok);
}

/* fs_nft_build - the sets, chains and rules of family into b */
int fs_nft_build(struct nftbatch *b, const char *table, int family,
		 void *ctx)
{
	const struct fs_nft_ifs *ifs = ctx;
	size_t i;

	for (i = 0; i < sizeof(fs_sets) / sizeof(fs_sets[0]); i++)
		if (set_msg(b, table, family, &fs_sets[i]) < 0)
			return -1;
	if (ports_msg(b, table, family) < 0 || dir_rules(b, table, family, 0) < 0
	    || (ifs->down && dir_rules(b, table, family, 1) < 0)
	    || nftrules_chain(b, table, family, "fairshare", NF_INET_FORWARD,
			      FS_NFT_PRIORITY) < 0
	    || jump_rule(b, table, family, ifs->up, "fair_up") < 0
	    || (ifs->down && jump_rule(b, table, family, ifs->down, "fair_down") < 0))
		return -1;
	return 0;
}

/* fs_nft_open - a netfilter socket of our own */
struct fs_nft *fs_nft_open(const char *table)
{
	struct fs_nft *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	snprintf(n->table, sizeof(n->table), "%s", table);
	n->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (n->nl == NULL || mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		fs_nft_close(n);
		errno = e;
		return NULL;
	}
	n->portid = mnl_socket_get_portid(n->nl);
	n->seq = (uint32_t)time(NULL) ^ 0x5a5a0000u;
	return n;
}

/* fs_nft_close - accepts NULL */
void fs_nft_close(struct fs_nft *n)
{
	if (n == NULL)
		return;
	if (n->nl != NULL)
		mnl_socket_close(n->nl);
	free(n);
}

/* elem_set - set base of key's family holding key (-> prio if map) */
static struct nftnl_set *elem_set(const char *table, const char *base,
				  const struct sl_addr *key, const uint32_t *prio)
{
	struct nftnl_set *s = nftset_for(table, base, key->family);
	struct nftnl_set_elem *e;

	if (s == NULL)
		return NULL;
	if ((e = nftnl_set_elem_alloc()) == NULL
	    || nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key->b,
				  key->family == 4 ? 4 : 16) < 0
	    || (prio != NULL
		&& nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, prio, 4) < 0)) {
		if (e != NULL)
			nftnl_set_elem_free(e);
		nftnl_set_free(s);
		return NULL;
	}
	nftnl_set_elem_add(s, e);
	return s;
}

/* fs_nft_host - the map element added or deleted, fairnew's taken out;
   one batch: a lookup never sees a host both new and mapped */
int fs_nft_host(struct fs_nft *n, const struct sl_addr *key, uint32_t prio,
		int add, char *err, size_t errlen)
{
	struct nftbatch *b = nftbatch_create(MNL_SOCKET_BUFFER_SIZE, n->seq);
	struct nftnl_set *map = elem_set(n->table, "fair", key, &prio);
	struct nftnl_set *seen = elem_set(n->table, "fairnew", key, NULL);
	int rc = b == NULL || map == NULL || seen == NULL ? -1 : 0;

	if (rc == 0)
		rc = nftset_msg(b, map, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM, 0);
	if (rc == 0 && add)
		rc = nftset_msg(b, seen, NFT_MSG_DELSETELEM, 0);
	if (rc == 0) {
		rc = nftbatch_commit(b, n->nl, NULL);
		/* gone from fairnew already (timed out): not a failure */
		if (rc < 0 && errno == ENOENT && add) {
			nftbatch_free(b);
			b = nftbatch_create(MNL_SOCKET_BUFFER_SIZE, n->seq + 8);
			rc = b == NULL || nftset_msg(b, map, NFT_MSG_NEWSETELEM, 0) < 0
			    ? -1 : nftbatch_commit(b, n->nl, NULL);
		}
	} else
		errno = ENOMEM;
	if (rc < 0)
		nftset_fail(err, errlen, add ? "fairshare: adding a host to the "
			    "map" : "fairshare: removing a host from the map", errno);
	if (b != NULL)
		n->seq = nftbatch_next_seq(b) + 1;
	nftbatch_free(b);
	if (map != NULL)
		nftnl_set_free(map);
	if (seen != NULL)
		nftnl_set_free(seen);
	return rc;
}

/* the hosts of one dump, handed on after it: fn changes the map
   through the same socket, which must not happen mid-dump */
struct new_ctx {
	struct sl_addr *keys;
	size_t n, max;
	int family;
};

/* new_cb - one GETSETELEM reply: each element's key */
static int new_cb(const struct nlmsghdr *nlh, void *data)
{
	struct new_ctx *nc = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (s == NULL)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0
	    || (it = nftnl_set_elems_iter_create(s)) == NULL) {
		nftnl_set_free(s);
		return MNL_CB_OK;	/* not one we can read: skipped */
	}
	while ((e = nftnl_set_elems_iter_next(it)) != NULL) {
		uint32_t len = 0;
		const void *k = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
		struct sl_addr a;

		if (k == NULL || len != (nc->family == 4 ? 4u : 16u))
			continue;
		addr_from_bytes(&a, nc->family, k);
		if (nc->n < nc->max)
			nc->keys[nc->n++] = a;
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

/* new_dump - the elements of fairnew of family */
static int new_dump(struct fs_nft *n, int family, struct new_ctx *nc)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct nftnl_set *s = nftset_for(n->table, "fairnew", family);
	struct nlmsghdr *nlh;
	uint32_t seq = ++n->seq;
	ssize_t got;
	int rc;

	if (s == NULL)
		return -1;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM,
				    family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6,
				    NLM_F_DUMP, seq);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	nc->family = family;
	do {
		if ((got = mnl_socket_recvfrom(n->nl, buf, sizeof(buf))) < 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)got, seq, n->portid, new_cb, nc);
	} while (rc > MNL_CB_STOP);
	return rc < 0 ? -1 : 0;
}

/* fs_nft_new_hosts - the hosts the rules saw without a class */
int fs_nft_new_hosts(struct fs_nft *n, fs_nft_new_fn *fn, void *ctx,
		     char *err, size_t errlen)
{
	struct new_ctx nc = { .max = 2 * FS_NFT_NEW_MAX };
	size_t i;
	int rc = 0;

	if ((nc.keys = calloc(nc.max, sizeof(*nc.keys))) == NULL)
		return nftset_fail(err, errlen, "fairshare: reading fairnew", ENOMEM);
	if (new_dump(n, 4, &nc) < 0 || new_dump(n, 6, &nc) < 0)
		rc = nftset_fail(err, errlen, "fairshare: reading fairnew", errno);
	for (i = 0; i < nc.n; i++)
		fn(ctx, &nc.keys[i]);
	free(nc.keys);
	return rc;
}
