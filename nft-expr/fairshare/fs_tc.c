/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_tc - the HTB tree of one interface, through rtnetlink (libmnl)
 * DESCRIPTION
 *	See fs_tc.h. One request at a time, each acknowledged, on a
 *	socket of our own: a failure names the class it was about.
 *
 *	Rates go in as tc(8) would give them with "linklayer ethernet":
 *	no rate table then (the kernel computes transmit times itself),
 *	and 64-bit attributes above 2^32 bytes/s. Bursts are one
 *	millisecond of the rate plus a full-size frame, tc's default on
 *	a kernel with high-resolution timers: larger bursts let a host
 *	run ahead of its share for longer, smaller ones make HTB sleep
 *	and wake for every packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "fairshare/fs_tc.h"

#define FRAME 1514			/* bytes of a full Ethernet frame */
#define QUANTUM_MAX 200000		/* above, HTB warns of big quanta */
#define DEFCLS FS_TC_BULK(0)
#define HANDLE(minor) ((FS_TC_MAJOR << 16) | (minor))
#define RECV_SIZE (64 * 1024)

struct fs_tc {
	struct mnl_socket *nl;
	uint32_t seq, portid;
	unsigned ifindex;
	char ifname[IF_NAMESIZE];
	int installed;
	uint64_t link_bits;
};

/* tc_fail - "IFACE: what: strerror(e)" in err; returns -1 */
static int tc_fail(const struct fs_tc *t, char *err, size_t len,
		   const char *what, int e)
{
	snprintf(err, len, "fairshare: %s: %s: %s", t->ifname, what, strerror(e));
	return -1;
}

/* fs_tc_open - a route netlink socket for ifname */
struct fs_tc *fs_tc_open(const char *ifname, char *err, size_t errlen)
{
	struct fs_tc *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		snprintf(err, errlen, "fairshare: out of memory");
		return NULL;
	}
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	if ((t->ifindex = if_nametoindex(ifname)) == 0) {
		snprintf(err, errlen, "fairshare: interface %s: %s", ifname,
			 strerror(errno));
		fs_tc_close(t);
		return NULL;
	}
	t->nl = mnl_socket_open(NETLINK_ROUTE);
	if (t->nl == NULL || mnl_socket_bind(t->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		(void)tc_fail(t, err, errlen, "route netlink socket", errno);
		fs_tc_close(t);
		return NULL;
	}
	t->portid = mnl_socket_get_portid(t->nl);
	t->seq = (uint32_t)time(NULL);
	return t;
}

/* fs_tc_close - accepts NULL */
void fs_tc_close(struct fs_tc *t)
{
	if (t == NULL)
		return;
	if (t->nl != NULL)
		mnl_socket_close(t->nl);
	free(t);
}

/* tc_msg - a tc request header in buf */
static struct nlmsghdr *tc_msg(struct fs_tc *t, char *buf, uint16_t type,
			       uint16_t flags, uint32_t parent, uint32_t handle)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	/* a dump ends with NLMSG_DONE: an ack after it would be read as
	   the answer to the next request */
	nlh->nlmsg_flags = NLM_F_REQUEST | flags
			   | ((flags & NLM_F_DUMP) == NLM_F_DUMP ? 0 : NLM_F_ACK);
	nlh->nlmsg_seq = ++t->seq;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = (int)t->ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	return nlh;
}

/* tc_talk - send nlh, read answers (through cb for a dump) until the
   acknowledgement or the end; 0, or -1 with errno */
static int tc_talk(struct fs_tc *t, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *ctx)
{
	char *buf = malloc(RECV_SIZE);
	int rc = -1, e = 0;
	ssize_t n;

	if (buf == NULL)
		return -1;
	if (mnl_socket_sendto(t->nl, nlh, nlh->nlmsg_len) < 0) {
		e = errno;
		goto out;
	}
	for (;;) {
		if ((n = mnl_socket_recvfrom(t->nl, buf, RECV_SIZE)) < 0) {
			e = errno;
			break;
		}
		rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, t->portid, cb, ctx);
		if (rc <= MNL_CB_STOP) {
			e = rc < 0 ? errno : 0;
			rc = rc < 0 ? -1 : 0;
			break;
		}
	}
out:
	free(buf);
	errno = e;
	return e ? -1 : rc;
}

/* ratespec - bits/s as a ratespec (saturated; the 64-bit attribute
   carries the rest) */
static void ratespec(struct tc_ratespec *r, uint64_t bits)
{
	uint64_t bytes = bits / 8;

	memset(r, 0, sizeof(*r));
	r->linklayer = TC_LINKLAYER_ETHERNET;
	r->rate = bytes >= UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
}

/* burst_ticks - the time to send one burst at bits/s, in the
   kernel's scheduler ticks (64 ns) */
static uint32_t burst_ticks(uint64_t bits)
{
	uint64_t bytes = bits / 8 / 1000 + FRAME;
	uint64_t ns = bytes * 8 * 1000000000ULL / (bits ? bits : 1);

	return ns >> 6 > UINT32_MAX ? UINT32_MAX : (uint32_t)(ns >> 6);
}

/* htb_class_opts - TCA_KIND and TCA_OPTIONS of an HTB class */
static void htb_class_opts(struct nlmsghdr *nlh, uint64_t rate, uint64_t ceil,
			   unsigned weight, unsigned prio)
{
	struct tc_htb_opt o;
	struct nlattr *nest;
	uint64_t q = (uint64_t)FRAME * (weight ? weight : 1);

	memset(&o, 0, sizeof(o));
	ratespec(&o.rate, rate);
	ratespec(&o.ceil, ceil);
	o.buffer = burst_ticks(rate);
	o.cbuffer = burst_ticks(ceil);
	o.quantum = q > QUANTUM_MAX ? QUANTUM_MAX : (uint32_t)q;
	o.prio = prio;
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	nest = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_PARMS, sizeof(o), &o);
	if (rate / 8 >= UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_HTB_RATE64, rate / 8);
	if (ceil / 8 >= UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_HTB_CEIL64, ceil / 8);
	mnl_attr_nest_end(nlh, nest);
}

/* htb_class - create or change class 1:minor under 1:parent */
static int htb_class(struct fs_tc *t, uint32_t parent, uint32_t minor,
		     uint64_t rate, uint64_t ceil, unsigned weight,
		     unsigned prio, int create)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = tc_msg(t, buf, RTM_NEWTCLASS,
				      create ? NLM_F_CREATE | NLM_F_EXCL : 0,
				      HANDLE(parent), HANDLE(minor));

	htb_class_opts(nlh, rate ? rate : 8, ceil ? ceil : 8, weight, prio);
	return tc_talk(t, nlh, NULL, NULL);
}

/* leaf_fifo - a pfifo of FS_TC_LIMIT packets under leaf class minor,
   so a leaf's queue does not depend on the interface's txqueuelen
   (0 on a bridge) */
static int leaf_fifo(struct fs_tc *t, uint32_t minor)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = tc_msg(t, buf, RTM_NEWQDISC,
				      NLM_F_CREATE | NLM_F_EXCL, HANDLE(minor),
				      minor << 16);
	struct tc_fifo_qopt o = { .limit = FS_TC_LIMIT };

	mnl_attr_put_strz(nlh, TCA_KIND, "pfifo");
	mnl_attr_put(nlh, TCA_OPTIONS, sizeof(o), &o);
	return tc_talk(t, nlh, NULL, NULL);
}

/* fs_tc_host - slot's share class and its two leaves */
int fs_tc_host(struct fs_tc *t, unsigned slot, const struct fs_tc_rates *r,
	       int create, char *err, size_t errlen)
{
	uint64_t half = r->rate / 2;
	char what[64];

	snprintf(what, sizeof(what), "class 1:%x", FS_TC_PARENT(slot));
	if (htb_class(t, FS_TC_ROOT_MINOR, FS_TC_PARENT(slot), r->rate, r->ceil,
		      r->weight, 1, create) < 0)
		return tc_fail(t, err, errlen, what, errno);
	snprintf(what, sizeof(what), "class 1:%x", FS_TC_INTERACTIVE(slot));
	if (htb_class(t, FS_TC_PARENT(slot), FS_TC_INTERACTIVE(slot), half,
		      r->rate < r->ceil ? r->rate : r->ceil, r->weight, 0,
		      create) < 0
	    || (create && leaf_fifo(t, FS_TC_INTERACTIVE(slot)) < 0))
		return tc_fail(t, err, errlen, what, errno);
	snprintf(what, sizeof(what), "class 1:%x", FS_TC_BULK(slot));
	if (htb_class(t, FS_TC_PARENT(slot), FS_TC_BULK(slot), r->rate - half,
		      r->ceil, r->weight, 1, create) < 0
	    || (create && leaf_fifo(t, FS_TC_BULK(slot)) < 0))
		return tc_fail(t, err, errlen, what, errno);
	return 0;
}

/* class_del - delete class 1:minor; an absent one is not an error */
static int class_del(struct fs_tc *t, uint32_t minor)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = tc_msg(t, buf, RTM_DELTCLASS, 0, 0, HANDLE(minor));

	return tc_talk(t, nlh, NULL, NULL) < 0 && errno != ENOENT ? -1 : 0;
}

/* fs_tc_host_del - the leaves first: HTB keeps a class with children */
int fs_tc_host_del(struct fs_tc *t, unsigned slot, char *err, size_t errlen)
{
	char what[64];

	snprintf(what, sizeof(what), "deleting the classes of slot %u", slot);
	if (class_del(t, FS_TC_INTERACTIVE(slot)) < 0
	    || class_del(t, FS_TC_BULK(slot)) < 0
	    || class_del(t, FS_TC_PARENT(slot)) < 0)
		return tc_fail(t, err, errlen, what, errno);
	return 0;
}

struct root_info {
	unsigned ifindex;
	uint32_t handle;
	char kind[16];
	uint32_t defcls;
	int found;
};

/* attr_cb - mnl_attr_parse callback: known types of valid length only */
static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, TCA_MAX) < 0)
		return MNL_CB_OK;	/* newer than our headers: ignored */
	if (type == TCA_KIND && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	if ((type == TCA_OPTIONS || type == TCA_STATS2)
	    && mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

/* nest_cb - attributes of a nest, below 16, any length (checked by
   the reader against the struct it expects) */
static int nest_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) < 16)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* root_cb - dump callback: the root qdisc of our interface */
static int root_cb(const struct nlmsghdr *nlh, void *data)
{
	struct root_info *ri = data;
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = { 0 }, *ht[16] = { 0 };

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*tcm))
	    || tcm->tcm_ifindex != (int)ri->ifindex || tcm->tcm_parent != TC_H_ROOT)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*tcm), attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	ri->found = 1;
	ri->handle = tcm->tcm_handle;
	snprintf(ri->kind, sizeof(ri->kind), "%s",
		 tb[TCA_KIND] ? mnl_attr_get_str(tb[TCA_KIND]) : "?");
	if (strcmp(ri->kind, "htb") == 0 && tb[TCA_OPTIONS]
	    && mnl_attr_parse_nested(tb[TCA_OPTIONS], nest_cb, ht) >= 0
	    && ht[TCA_HTB_INIT]
	    && mnl_attr_get_payload_len(ht[TCA_HTB_INIT]) >= sizeof(struct tc_htb_glob))
		ri->defcls = ((const struct tc_htb_glob *)
			      mnl_attr_get_payload(ht[TCA_HTB_INIT]))->defcls;
	return MNL_CB_OK;
}

/* root_read - what sits at the interface's root now */
static int root_read(struct fs_tc *t, struct root_info *ri)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = tc_msg(t, buf, RTM_GETQDISC, NLM_F_DUMP, 0, 0);

	memset(ri, 0, sizeof(*ri));
	ri->ifindex = t->ifindex;
	return tc_talk(t, nlh, root_cb, ri);
}

/* root_del - delete the root qdisc of handle h */
static int root_del(struct fs_tc *t, uint32_t h)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = tc_msg(t, buf, RTM_DELQDISC, 0, TC_H_ROOT, h);

	return tc_talk(t, nlh, NULL, NULL);
}

/* root_check - the root must be the kernel's default (handle 0:), or a
   tree a sluiced killed before its stop left behind, which goes */
static int root_check(struct fs_tc *t, char *err, size_t errlen)
{
	struct root_info ri;

	if (root_read(t, &ri) < 0)
		return tc_fail(t, err, errlen, "reading its qdiscs", errno);
	if (!ri.found || ri.handle == 0)
		return 0;
	if (strcmp(ri.kind, "htb") == 0 && ri.handle == HANDLE(0)
	    && ri.defcls == DEFCLS) {
		if (root_del(t, ri.handle) < 0)
			return tc_fail(t, err, errlen, "removing the tree a "
				       "previous sluiced left", errno);
		return 0;
	}
	snprintf(err, errlen, "fairshare: %s has a root qdisc of its own (%s, "
		 "handle %x:): sluiced does not replace an operator's qdisc; "
		 "remove it (tc qdisc del dev %s root) or leave [fairshare] "
		 "interface unset", t->ifname, ri.kind, ri.handle >> 16,
		 t->ifname);
	return -1;
}

/* root_add - the HTB root qdisc 1:, default class 1:2000 */
static int root_add(struct fs_tc *t)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = tc_msg(t, buf, RTM_NEWQDISC,
				      NLM_F_CREATE | NLM_F_EXCL, TC_H_ROOT,
				      HANDLE(0));
	struct tc_htb_glob g = { .version = 3, .rate2quantum = 10,
				 .defcls = DEFCLS };
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	nest = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_INIT, sizeof(g), &g);
	mnl_attr_put_u32(nlh, TCA_HTB_DIRECT_QLEN, FS_TC_LIMIT);
	mnl_attr_nest_end(nlh, nest);
	return tc_talk(t, nlh, NULL, NULL);
}

/* fs_tc_install - root, link class, slot 0 */
int fs_tc_install(struct fs_tc *t, uint64_t link_bits,
		  const struct fs_tc_rates *dflt, char *err, size_t errlen)
{
	char ignored[256];

	if (root_check(t, err, errlen) < 0)
		return -1;
	if (root_add(t) < 0)
		return tc_fail(t, err, errlen, "adding the HTB root qdisc", errno);
	t->installed = 1;
	t->link_bits = link_bits;
	if (htb_class(t, 0, FS_TC_ROOT_MINOR, link_bits, link_bits, 1, 0, 1) < 0) {
		(void)tc_fail(t, err, errlen, "adding class 1:1", errno);
		(void)fs_tc_remove(t, ignored, sizeof(ignored));
		return -1;
	}
	if (fs_tc_host(t, 0, dflt, 1, err, errlen) < 0) {
		(void)fs_tc_remove(t, ignored, sizeof(ignored));
		return -1;
	}
	return 0;
}

/* fs_tc_remove - the root qdisc goes, its classes with it */
int fs_tc_remove(struct fs_tc *t, char *err, size_t errlen)
{
	if (t == NULL || !t->installed)
		return 0;
	t->installed = 0;
	/* someone removed it before us: the result is what we wanted */
	if (root_del(t, HANDLE(0)) < 0 && errno != ENOENT && errno != EINVAL)
		return tc_fail(t, err, errlen, "removing the HTB root qdisc", errno);
	return 0;
}

struct stat_ctx {
	fs_tc_stat_fn *fn;
	void *ctx;
};

/* stats_read - TCA_STATS2 of one class into st */
static void stats_read(const struct nlattr *s2, struct fs_tc_stat *st)
{
	const struct nlattr *tb[16] = { 0 };

	if (s2 == NULL || mnl_attr_parse_nested(s2, nest_cb, tb) < 0)
		return;
	if (tb[TCA_STATS_BASIC]
	    && mnl_attr_get_payload_len(tb[TCA_STATS_BASIC]) >= 12) {
		struct gnet_stats_basic b;

		memcpy(&b, mnl_attr_get_payload(tb[TCA_STATS_BASIC]), 12);
		st->bytes = b.bytes;
		st->packets = b.packets;
	}
	if (tb[TCA_STATS_PKT64]
	    && mnl_attr_get_payload_len(tb[TCA_STATS_PKT64]) == 8)
		st->packets = mnl_attr_get_u64(tb[TCA_STATS_PKT64]);
	if (tb[TCA_STATS_QUEUE]
	    && mnl_attr_get_payload_len(tb[TCA_STATS_QUEUE])
	    >= sizeof(struct gnet_stats_queue)) {
		struct gnet_stats_queue q;

		memcpy(&q, mnl_attr_get_payload(tb[TCA_STATS_QUEUE]), sizeof(q));
		st->drops = q.drops;
		st->overlimits = q.overlimits;
		st->backlog = q.backlog;
	}
}

/* stat_cb - dump callback: one class of ours */
static int stat_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stat_ctx *sc = data;
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = { 0 };
	struct fs_tc_stat st;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*tcm))
	    || TC_H_MAJ(tcm->tcm_handle) != HANDLE(0))
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*tcm), attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	memset(&st, 0, sizeof(st));
	st.minor = TC_H_MIN(tcm->tcm_handle);
	stats_read(tb[TCA_STATS2], &st);
	sc->fn(sc->ctx, &st);
	return MNL_CB_OK;
}

/* fs_tc_stats - fn for each class of our qdisc */
int fs_tc_stats(struct fs_tc *t, fs_tc_stat_fn *fn, void *ctx, char *err,
		size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = tc_msg(t, buf, RTM_GETTCLASS, NLM_F_DUMP, 0, 0);
	struct stat_ctx sc = { fn, ctx };

	if (tc_talk(t, nlh, stat_cb, &sc) < 0)
		return tc_fail(t, err, errlen, "reading its classes", errno);
	return 0;
}

/* fs_tc_ifname - the interface's name */
const char *fs_tc_ifname(const struct fs_tc *t)
{
	return t->ifname;
}

/* fs_tc_ifindex - its index */
unsigned fs_tc_ifindex(const struct fs_tc *t)
{
	return t->ifindex;
}
