/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctevents - conntrack update events: replies and resets of flows
 * SYNOPSIS
 *	#include "ct/ctevents.h"
 * DESCRIPTION
 *	Reads at most CT_BURST datagrams per call so a storm of events
 *	cannot starve the packet queue; the rest waits for the next turn
 *	of the loop. Lost events (the socket overran) only cost outcomes,
 *	which then time out as failures, so ENOBUFS is ignored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_compat.h>

#include "ct/ctevents.h"

#define CT_BURST 32
#define CT_BUFSIZE 8192

struct ctevents {
	struct mnl_socket *nl;
	char buf[CT_BUFSIZE];
};

/* ctevents_open - subscribe; NULL with errno */
struct ctevents *ctevents_open(int rcvbuf)
{
	struct ctevents *c = calloc(1, sizeof(*c));
	int one = 1, e;

	if (c == NULL)
		return NULL;
	c->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c->nl == NULL
	    || mnl_socket_bind(c->nl, NF_NETLINK_CONNTRACK_UPDATE, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		ctevents_close(c);
		errno = e;
		return NULL;
	}
	(void)setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVBUFFORCE,
			 &rcvbuf, sizeof(rcvbuf));
	(void)setsockopt(mnl_socket_get_fd(c->nl), SOL_NETLINK,
			 NETLINK_NO_ENOBUFS, &one, sizeof(one));
	return c;
}

/* ctevents_close - accepts NULL */
void ctevents_close(struct ctevents *c)
{
	if (c == NULL)
		return;
	if (c->nl != NULL)
		mnl_socket_close(c->nl);
	free(c);
}

/* ctevents_fd - for epoll */
int ctevents_fd(const struct ctevents *c)
{
	return mnl_socket_get_fd(c->nl);
}

/* ctevents_read - drain; flows with an outcome to fn */
int ctevents_read(struct ctevents *c, ctevents_fn *fn, void *ctx)
{
	const struct nlmsghdr *nlh;
	struct ct_flow f;
	int i, n, count = 0;

	for (i = 0; i < CT_BURST; i++) {
		n = (int)mnl_socket_recvfrom(c->nl, c->buf, sizeof(c->buf));
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			return errno == EAGAIN ? count : -1;
		}
		for (nlh = (const void *)c->buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n))
			if (ctmsg_parse(nlh, &f) != CT_NONE) {
				fn(ctx, &f);
				count++;
			}
	}
	return count;
}
