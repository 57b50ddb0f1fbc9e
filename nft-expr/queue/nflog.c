/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nflog - read one NFLOG group over libmnl
 * SYNOPSIS
 *	#include "queue/nflog.h"
 * DESCRIPTION
 *	libmnl-style parsing, as ct/ctmsg.c: the top-level attributes go
 *	through a callback that checks type and length before they land in
 *	the table. Only the packet header and the payload are read.
 *
 *	Reads take at most NFLOG_BURST datagrams per call, so a storm of
 *	logged packets cannot starve the packet queue. A lost message (the
 *	socket overran) costs one DNS answer, which then only makes a
 *	weak signal more likely, so ENOBUFS is not an error: the socket
 *	is told not to report it at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <libmnl/libmnl.h>

#include "queue/nflog.h"

#define NFLOG_BURST 32
#define NFLOG_BUFSIZE (65536 + 4096)	/* a whole packet and its headers */
#define NFLOG_COPY 0xffff

struct nflog {
	struct mnl_socket *nl;
	uint16_t group;
	char *buf;
	struct nflog_stats st;
};

struct nflog_tb {
	const struct nlattr *a[NFULA_MAX + 1];
};

/* attr_cb - mnl_attr_parse callback: the packet header must have its
   size, the payload at least one byte; other types are kept unread */
static int attr_cb(const struct nlattr *attr, void *data)
{
	struct nflog_tb *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NFULA_MAX) < 0)
		return MNL_CB_OK;	/* a newer kernel's attribute */
	if (type == NFULA_PACKET_HDR
	    && mnl_attr_validate2(attr, MNL_TYPE_UNSPEC,
				  sizeof(struct nfulnl_msg_packet_hdr)) < 0)
		return MNL_CB_ERROR;
	if (type == NFULA_PAYLOAD && mnl_attr_get_payload_len(attr) == 0)
		return MNL_CB_ERROR;
	t->a[type] = attr;
	return MNL_CB_OK;
}

/* nflog_parse - one message into out */
int nflog_parse(const struct nlmsghdr *nlh, struct nflog_pkt *out)
{
	const struct nfgenmsg *g;
	const struct nfulnl_msg_packet_hdr *ph;
	struct nflog_tb t;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg))
	    || nlh->nlmsg_type != (NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET))
		return -1;
	g = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*g), attr_cb, &t) < 0
	    || t.a[NFULA_PAYLOAD] == NULL)
		return -1;
	out->group = ntohs(g->res_id);
	out->family = g->nfgen_family;
	if (t.a[NFULA_PACKET_HDR] != NULL) {
		ph = mnl_attr_get_payload(t.a[NFULA_PACKET_HDR]);
		out->hook = ph->hook;
		out->hw_protocol = ntohs(ph->hw_protocol);
	}
	out->data = mnl_attr_get_payload(t.a[NFULA_PAYLOAD]);
	out->len = mnl_attr_get_payload_len(t.a[NFULA_PAYLOAD]);
	return 0;
}

/* config_msg - one NFULNL_MSG_CONFIG for the group: a command, and
   with bind the copy mode; the kernel's acknowledgement awaited */
static int config_msg(struct nflog *l, uint8_t cmd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	struct nfulnl_msg_config_cmd c = { .command = cmd };
	struct nfulnl_msg_config_mode m = {
		.copy_range = htonl(NFLOG_COPY), .copy_mode = NFULNL_COPY_PACKET
	};
	uint32_t seq = (uint32_t)cmd, port = mnl_socket_get_portid(l->nl);
	int n;

	nlh->nlmsg_type = NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons(l->group);
	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(c), &c);
	if (cmd == NFULNL_CFG_CMD_BIND) {
		mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(m), &m);
		/* each packet at once: the kernel's default waits for 100
		   or a second, and the contact an answer justifies comes
		   within milliseconds of it */
		mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(1));
	}
	if (mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while ((n = (int)mnl_socket_recvfrom(l->nl, buf, sizeof(buf))) > 0) {
		n = mnl_cb_run(buf, (size_t)n, seq, port, NULL, NULL);
		if (n <= MNL_CB_STOP)
			return n;	/* the ack (0) or an error (-1) */
	}
	return -1;
}

/* nflog_open - bind group, copying packets whole */
struct nflog *nflog_open(uint16_t group, int rcvbuf, char *err, size_t errlen)
{
	struct nflog *l = calloc(1, sizeof(*l));
	int one = 1;

	if (l == NULL || (l->buf = malloc(NFLOG_BUFSIZE)) == NULL) {
		snprintf(err, errlen, "nflog: out of memory");
		nflog_close(l);
		return NULL;
	}
	l->group = group;
	l->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (l->nl == NULL || mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "nflog: netlink socket: %s", strerror(errno));
		nflog_close(l);
		return NULL;
	}
	if (config_msg(l, NFULNL_CFG_CMD_BIND) < 0) {
		snprintf(err, errlen, "binding NFLOG group %u: %s%s", group,
			 strerror(errno), errno == EBUSY || errno == EPERM
			 ? " (another program, such as ulogd, holds it, or we "
			   "lack CAP_NET_ADMIN)" : "");
		nflog_close(l);
		return NULL;
	}
	if (setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET,
				 SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	(void)setsockopt(mnl_socket_get_fd(l->nl), SOL_NETLINK,
			 NETLINK_NO_ENOBUFS, &one, sizeof(one));
	return l;
}

/* nflog_close - accepts NULL; closing the socket unbinds the group */
void nflog_close(struct nflog *l)
{
	if (l == NULL)
		return;
	if (l->nl != NULL)
		mnl_socket_close(l->nl);
	free(l->buf);
	free(l);
}

/* nflog_fd - for epoll */
int nflog_fd(const struct nflog *l)
{
	return mnl_socket_get_fd(l->nl);
}

/* nflog_read - drain a burst; packets to fn */
int nflog_read(struct nflog *l, nflog_fn *fn, void *ctx)
{
	const struct nlmsghdr *nlh;
	struct nflog_pkt p;
	int i, n, count = 0;

	for (i = 0; i < NFLOG_BURST; i++) {
		n = (int)recv(mnl_socket_get_fd(l->nl), l->buf, NFLOG_BUFSIZE,
			      MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			return errno == EAGAIN ? count : -1;
		}
		for (nlh = (const void *)l->buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;	/* NLMSG_DONE after a batch */
			if (nflog_parse(nlh, &p) < 0) {
				l->st.refused++;
				continue;
			}
			l->st.messages++;
			fn(ctx, &p);
			count++;
		}
	}
	return count;
}

/* nflog_stats - counters */
void nflog_stats(const struct nflog *l, struct nflog_stats *out)
{
	*out = l->st;
}
