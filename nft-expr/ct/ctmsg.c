/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctmsg - read a conntrack event message: the flow and its outcome
 * SYNOPSIS
 *	#include "ct/ctmsg.h"
 * DESCRIPTION
 *	libmnl-style parsing: each nest goes through a callback that
 *	checks type and length before the attribute lands in its table.
 *	Only the handful of attributes we need are read.
 *
 *	Why SYN_RECV counts as success: conntrack enters it when the
 *	server's SYN-ACK passes, which is the answer a scanner's probe of
 *	an open port gets. A reset (RST in reply to the SYN) moves the
 *	entry to CLOSE with the reply seen: a closed port, a failure.
 */
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "ct/ctmsg.h"

#define TCP_STATE_SYN_RECV 2	/* enum tcp_conntrack, kernel-internal */
#define TCP_STATE_ESTABLISHED 3
#define TCP_STATE_LAST_ACK 6
#define TCP_STATE_CLOSE 8
#define TCP_STATE_MAX 9

struct tb {
	const struct nlattr *a[32];
};

/* keep_attr - mnl_attr_parse callback: store types below 32 that
   carry the length their type needs (0 = nested or any) */
static int keep_attr(const struct nlattr *attr, void *data, size_t want)
{
	struct tb *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type >= 32)
		return MNL_CB_OK;
	if (want && mnl_attr_get_payload_len(attr) != want)
		return MNL_CB_OK;	/* wrong size: as if absent */
	t->a[type] = attr;
	return MNL_CB_OK;
}

/* any_cb - keep every attribute */
static int any_cb(const struct nlattr *attr, void *data)
{
	return keep_attr(attr, data, 0);
}

/* top_cb - top-level attributes; CTA_STATUS must be 4 bytes */
static int top_cb(const struct nlattr *attr, void *data)
{
	return keep_attr(attr, data, mnl_attr_get_type(attr) == CTA_STATUS ? 4 : 0);
}

/* nest - parse a nested attribute into t; -1 if it is not a nest */
static int nest(const struct nlattr *attr, struct tb *t)
{
	memset(t, 0, sizeof(*t));
	if (attr == NULL || mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return -1;
	return mnl_attr_parse_nested(attr, any_cb, t) < 0 ? -1 : 0;
}

/* tuple_ip - source and destination of the tuple */
static int tuple_ip(const struct nlattr *ipn, struct ct_flow *f)
{
	struct tb ip;

	if (nest(ipn, &ip) < 0)
		return -1;
	if (ip.a[CTA_IP_V4_SRC] && ip.a[CTA_IP_V4_DST]
	    && mnl_attr_get_payload_len(ip.a[CTA_IP_V4_SRC]) == 4
	    && mnl_attr_get_payload_len(ip.a[CTA_IP_V4_DST]) == 4) {
		addr_from_bytes(&f->src, 4, mnl_attr_get_payload(ip.a[CTA_IP_V4_SRC]));
		addr_from_bytes(&f->dst, 4, mnl_attr_get_payload(ip.a[CTA_IP_V4_DST]));
		return 0;
	}
	if (ip.a[CTA_IP_V6_SRC] && ip.a[CTA_IP_V6_DST]
	    && mnl_attr_get_payload_len(ip.a[CTA_IP_V6_SRC]) == 16
	    && mnl_attr_get_payload_len(ip.a[CTA_IP_V6_DST]) == 16) {
		addr_from_bytes(&f->src, 6, mnl_attr_get_payload(ip.a[CTA_IP_V6_SRC]));
		addr_from_bytes(&f->dst, 6, mnl_attr_get_payload(ip.a[CTA_IP_V6_DST]));
		return 0;
	}
	return -1;
}

/* tuple_proto - protocol number and destination port */
static int tuple_proto(const struct nlattr *pn, struct ct_flow *f)
{
	struct tb p;

	if (nest(pn, &p) < 0 || p.a[CTA_PROTO_NUM] == NULL
	    || mnl_attr_get_payload_len(p.a[CTA_PROTO_NUM]) != 1)
		return -1;
	f->proto = mnl_attr_get_u8(p.a[CTA_PROTO_NUM]);
	if (p.a[CTA_PROTO_DST_PORT] != NULL
	    && mnl_attr_get_payload_len(p.a[CTA_PROTO_DST_PORT]) == 2)
		f->dport = ntohs(mnl_attr_get_u16(p.a[CTA_PROTO_DST_PORT]));
	return 0;
}

/* tcp_state - CTA_PROTOINFO/CTA_PROTOINFO_TCP/STATE, or -1 */
static int tcp_state(const struct nlattr *pi)
{
	struct tb info, tcp;
	int st;

	if (nest(pi, &info) < 0 || nest(info.a[CTA_PROTOINFO_TCP], &tcp) < 0
	    || tcp.a[CTA_PROTOINFO_TCP_STATE] == NULL
	    || mnl_attr_get_payload_len(tcp.a[CTA_PROTOINFO_TCP_STATE]) != 1)
		return -1;
	st = mnl_attr_get_u8(tcp.a[CTA_PROTOINFO_TCP_STATE]);
	return st < TCP_STATE_MAX ? st : -1;
}

/* outcome - what the status and state say about the first contact */
static enum ct_outcome outcome(uint32_t status, uint8_t proto, int state)
{
	if (!(status & IPS_SEEN_REPLY))
		return CT_NONE;
	if (proto == 17)
		return CT_SUCCESS;
	if (proto != 6 || state < 0)
		return CT_NONE;
	if (state == TCP_STATE_CLOSE && !(status & IPS_ASSURED))
		return CT_FAILURE;
	return state >= TCP_STATE_SYN_RECV && state != TCP_STATE_CLOSE
	    ? CT_SUCCESS : CT_NONE;
}

/* ctmsg_parse - fill f from one message; returns f->outcome */
enum ct_outcome ctmsg_parse(const struct nlmsghdr *nlh, struct ct_flow *f)
{
	struct tb top, tuple;
	uint32_t status;

	memset(f, 0, sizeof(*f));
	f->tcp_state = -1;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg))
	    || (nlh->nlmsg_type & 0xff) != IPCTNL_MSG_CT_NEW
	    || (nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK)
		return CT_NONE;
	memset(&top, 0, sizeof(top));
	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), top_cb, &top) < 0
	    || top.a[CTA_STATUS] == NULL
	    || nest(top.a[CTA_TUPLE_ORIG], &tuple) < 0
	    || tuple_ip(tuple.a[CTA_TUPLE_IP], f) < 0
	    || tuple_proto(tuple.a[CTA_TUPLE_PROTO], f) < 0)
		return f->outcome = CT_NONE;
	status = ntohl(mnl_attr_get_u32(top.a[CTA_STATUS]));
	f->tcp_state = f->proto == 6 ? tcp_state(top.a[CTA_PROTOINFO]) : -1;
	f->outcome = outcome(status, f->proto, f->tcp_state);
	return f->outcome;
}

/* ctmsg_live - established, fin wait, close wait or last ack: the
   connection is there (time wait is a finished one) */
int ctmsg_live(const struct ct_flow *f)
{
	return f->proto == 6 && f->tcp_state >= TCP_STATE_ESTABLISHED
	    && f->tcp_state <= TCP_STATE_LAST_ACK;
}
