/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_ctmsg - unit test of conntrack event parsing (nft-expr/ct/ctmsg.c)
 * DESCRIPTION
 *	Messages are built with libmnl the way ctnetlink sends them: a
 *	SYN-ACK (SYN_RECV, reply seen) is a success, a reset (CLOSE,
 *	reply seen, not assured) a failure, a UDP reply a success, no
 *	reply nothing; then damaged messages must give nothing at all.
 */
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "ct/ctmsg.h"
#include "../tap.h"

struct spec {
	int family;
	uint8_t proto;
	uint32_t status;
	int tcp_state;		/* -1: no protoinfo */
};

/* build - one update event into buf */
static struct nlmsghdr *build(char *buf, const struct spec *s)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	struct nlattr *tuple, *ip, *proto, *pi, *tcp;
	uint8_t a6[16] = { 0xfd, 0x77, 0, 1 }, b6[16] = { 0xfd, 0x77, 0, 3 };

	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = s->family == 4 ? 2 : 10;
	tuple = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	if (s->family == 4) {
		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(0x0a4d010b));
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(0x0a4d1001));
	} else {
		a6[15] = 0x11;
		b6[15] = 1;
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, a6);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, b6);
	}
	mnl_attr_nest_end(nlh, ip);
	proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, s->proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(40000));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(80));
	mnl_attr_nest_end(nlh, proto);
	mnl_attr_nest_end(nlh, tuple);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(s->status));
	if (s->tcp_state >= 0) {
		pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, (uint8_t)s->tcp_state);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, pi);
	}
	return nlh;
}

struct ccase {
	const char *name;
	struct spec s;
	enum ct_outcome want;
};

static const struct ccase cases[] = {
	{ "tcp syn-ack (syn_recv, reply seen)", { 4, 6, IPS_SEEN_REPLY | IPS_CONFIRMED, 2 }, CT_SUCCESS },
	{ "tcp established", { 4, 6, IPS_SEEN_REPLY | IPS_ASSURED, 3 }, CT_SUCCESS },
	{ "tcp reset to the syn (close, not assured)", { 4, 6, IPS_SEEN_REPLY, 8 }, CT_FAILURE },
	{ "tcp closed after use (assured)", { 4, 6, IPS_SEEN_REPLY | IPS_ASSURED, 8 }, CT_NONE },
	{ "tcp syn_sent, no reply", { 4, 6, IPS_CONFIRMED, 1 }, CT_NONE },
	{ "tcp reply seen without protoinfo", { 4, 6, IPS_SEEN_REPLY, -1 }, CT_NONE },
	{ "tcp state out of range", { 4, 6, IPS_SEEN_REPLY, 77 }, CT_NONE },
	{ "udp reply", { 4, 17, IPS_SEEN_REPLY, -1 }, CT_SUCCESS },
	{ "udp no reply", { 4, 17, IPS_CONFIRMED, -1 }, CT_NONE },
	{ "ipv6 tcp syn-ack", { 6, 6, IPS_SEEN_REPLY, 2 }, CT_SUCCESS },
	{ "icmp reply: not a first contact we track", { 4, 1, IPS_SEEN_REPLY, -1 }, CT_NONE },
};

/* test_cases - outcomes and the flow's fields */
static void test_cases(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], s[ADDR_STRLEN], d[ADDR_STRLEN];
	struct ct_flow f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(ctmsg_parse(build(buf, &cases[i].s), &f), cases[i].want,
		       "%s", cases[i].name);
	ctmsg_parse(build(buf, &cases[0].s), &f);
	is_str(addr_format(&f.src, s), "10.77.1.11", "source of the original direction");
	is_str(addr_format(&f.dst, d), "10.77.16.1", "destination");
	ok(f.proto == 6 && f.dport == 80, "protocol 6, port 80 (got %u, %u)", f.proto, f.dport);
	ctmsg_parse(build(buf, &cases[9].s), &f);
	is_str(addr_format(&f.src, s), "fd77:1::11", "ipv6 source");
}

/* test_live - which TCP states count as a connection that is there
   (react_goat's peers): established to last ack, not syn, time wait,
   close, nor UDP */
static void test_live(void)
{
	static const struct { int state, proto, want; } t[] = {
		{ 1, 6, 0 }, { 2, 6, 0 }, { 3, 6, 1 }, { 4, 6, 1 }, { 5, 6, 1 },
		{ 6, 6, 1 }, { 7, 6, 0 }, { 8, 6, 0 }, { -1, 17, 0 },
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct spec sp = { 4, 6, IPS_SEEN_REPLY | IPS_ASSURED, 0 };
	struct ct_flow f;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sp.proto = t[i].proto;
		sp.tcp_state = t[i].state;
		ctmsg_parse(build(buf, &sp), &f);
		is_int(ctmsg_live(&f), t[i].want, "live: proto %d state %d",
		       t[i].proto, t[i].state);
	}
	is_int(f.tcp_state, -1, "udp: no tcp state");
}

/* test_damaged - cut and mislabelled messages give nothing */
static void test_damaged(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = build(buf, &cases[0].s);
	uint32_t len = nlh->nlmsg_len, cut;
	struct ct_flow f;
	int wrong = 0;

	for (cut = 0; cut < len; cut += 4) {
		nlh->nlmsg_len = cut;
		if (ctmsg_parse(nlh, &f) == CT_SUCCESS && cut < len - 12)
			wrong++;
	}
	is_int(wrong, 0, "messages cut before the protocol info: no success");
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE;
	is_int(ctmsg_parse(nlh, &f), CT_NONE, "a delete message: none");
	nlh->nlmsg_type = NFNL_SUBSYS_QUEUE << 8 | IPCTNL_MSG_CT_NEW;
	is_int(ctmsg_parse(nlh, &f), CT_NONE, "another subsystem: none");
}

int main(void)
{
	test_cases();
	test_live();
	test_damaged();
	return done_testing();
}
