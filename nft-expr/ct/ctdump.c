/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctdump - walk the conntrack table once (a ctnetlink dump)
 * SYNOPSIS
 *	#include "ct/ctdump.h"
 * DESCRIPTION
 *	One IPCTNL_MSG_CT_GET request with NLM_F_DUMP for AF_UNSPEC on a
 *	socket of its own (so the event socket's stream is not mixed
 *	with it); the replies are IPCTNL_MSG_CT_NEW messages that
 *	ctmsg_parse reads, until NLMSG_DONE. The socket has a receive
 *	timeout: a kernel that never finishes cannot hang sluiced.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct/ctdump.h"

#define CTDUMP_TIMEOUT_S 2

/* dump_request - send the dump request; 0 or -1 */
static int dump_request(struct mnl_socket *nl, uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

struct walk {
	size_t max, seen;
	long handed;
	int stop;
	ctdump_fn *fn;
	void *ctx;
};

/* entry_cb - mnl_cb_run callback: one conntrack entry */
static int entry_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct ct_flow f;

	if (w->stop || w->seen >= w->max)
		return MNL_CB_OK;	/* drained, not handed */
	w->seen++;
	(void)ctmsg_parse(nlh, &f);
	if (f.proto == 0)
		return MNL_CB_OK;	/* unreadable: skipped */
	w->handed++;
	if (w->fn(w->ctx, &f))
		w->stop = 1;
	return MNL_CB_OK;
}

/* ctdump_walk - every entry (at most max) to fn */
long ctdump_walk(size_t max, ctdump_fn *fn, void *ctx)
{
	char buf[32768];		/* one batch of replies */
	struct timeval tv = { CTDUMP_TIMEOUT_S, 0 };
	struct walk w = { max, 0, 0, 0, fn, ctx };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	uint32_t seq = (uint32_t)time(NULL), port;
	ssize_t n;
	int rc = -1, e;

	if (nl == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0
	    || setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
			  sizeof(tv)) < 0
	    || dump_request(nl, seq) < 0)
		goto out;
	port = mnl_socket_get_portid(nl);
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		if ((rc = mnl_cb_run(buf, (size_t)n, seq, port, entry_cb, &w))
		    <= MNL_CB_STOP)
			break;
	if (n < 0)
		rc = -1;
out:
	e = errno;
	mnl_socket_close(nl);
	errno = e;
	return rc < 0 ? -1 : w.handed;
}
