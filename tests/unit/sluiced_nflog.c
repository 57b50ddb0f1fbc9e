/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_nflog - unit test of NFLOG message parsing (nft-expr/queue/nflog.c)
 * DESCRIPTION
 *	Messages are built with libmnl the way nfnetlink_log sends them:
 *	the packet header, the payload, and attributes we do not read
 *	(mark, ifindex, prefix, one past NFULA_MAX). A well-formed one
 *	gives the group, family, hook, protocol and the payload bytes in
 *	place; each damaged one (wrong subsystem or type, a header cut
 *	short, no payload, an empty one, a packet header of the wrong
 *	size, an attribute running past the message) is refused whole.
 */
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "queue/nflog.h"
#include "../tap.h"

enum damage { D_NONE, D_SUBSYS, D_TYPE, D_SHORT, D_NOPAYLOAD, D_EMPTY,
	      D_HDRSIZE, D_OVERRUN, D_NOHDR, D_UNKNOWN };

static const uint8_t payload[] = { 0x45, 0, 0, 28, 1, 2, 3, 4, 5, 6, 7, 8 };

/* build - one packet message into buf, damaged as told */
static struct nlmsghdr *build(char *buf, enum damage d)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(0x0800),
					    .hook = NF_INET_FORWARD };
	struct nfgenmsg *g;
	struct nlattr *last;

	nlh->nlmsg_type = (d == D_SUBSYS ? NFNL_SUBSYS_QUEUE : NFNL_SUBSYS_ULOG) << 8
	    | (d == D_TYPE ? NFULNL_MSG_CONFIG : NFULNL_MSG_PACKET);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = NFPROTO_IPV4;
	g->res_id = htons(53);
	if (d != D_NOHDR)
		mnl_attr_put(nlh, NFULA_PACKET_HDR, d == D_HDRSIZE ? 2 : sizeof(ph), &ph);
	mnl_attr_put_u32(nlh, NFULA_MARK, htonl(7));
	mnl_attr_put_u32(nlh, NFULA_IFINDEX_INDEV, htonl(3));
	mnl_attr_put_strz(nlh, NFULA_PREFIX, "");
	if (d == D_UNKNOWN)
		mnl_attr_put_u32(nlh, NFULA_MAX + 5, 1);
	last = mnl_nlmsg_get_payload_tail(nlh);
	if (d != D_NOPAYLOAD)
		mnl_attr_put(nlh, NFULA_PAYLOAD, d == D_EMPTY ? 0 : sizeof(payload),
			     payload);
	if (d == D_OVERRUN)	/* the payload claims more than the message has */
		last->nla_len += 64;
	if (d == D_SHORT)
		nlh->nlmsg_len = mnl_nlmsg_size(2);
	return nlh;
}

struct ncase {
	const char *name;
	enum damage d;
	int want;
};

static const struct ncase cases[] = {
	{ "a packet message", D_NONE, 0 },
	{ "an attribute past NFULA_MAX is left unread", D_UNKNOWN, 0 },
	{ "no packet header: payload still read", D_NOHDR, 0 },
	{ "another subsystem (queue)", D_SUBSYS, -1 },
	{ "a config message", D_TYPE, -1 },
	{ "shorter than its nfgenmsg", D_SHORT, -1 },
	{ "no payload", D_NOPAYLOAD, -1 },
	{ "an empty payload", D_EMPTY, -1 },
	{ "a packet header of 2 bytes", D_HDRSIZE, -1 },
	{ "the payload runs past the message", D_OVERRUN, -1 },
};

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nflog_pkt p;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, 0, sizeof(buf));
		rc = nflog_parse(build(buf, cases[i].d), &p);
		is_int(rc, cases[i].want, "%s: %s", cases[i].name,
		       cases[i].want ? "refused" : "read");
		if (rc < 0) {
			ok(p.data == NULL && p.len == 0,
			   "%s: nothing half read", cases[i].name);
			continue;
		}
		is_uint(p.group, 53, "%s: group", cases[i].name);
		is_uint(p.family, NFPROTO_IPV4, "%s: family", cases[i].name);
		is_uint(p.len, sizeof(payload), "%s: payload length", cases[i].name);
		ok(p.data != NULL && memcmp(p.data, payload, sizeof(payload)) == 0,
		   "%s: payload bytes", cases[i].name);
		is_uint(p.hook, cases[i].d == D_NOHDR ? 0 : NF_INET_FORWARD,
			"%s: hook", cases[i].name);
		is_uint(p.hw_protocol, cases[i].d == D_NOHDR ? 0 : 0x0800,
			"%s: hardware protocol", cases[i].name);
	}
	return done_testing();
}
