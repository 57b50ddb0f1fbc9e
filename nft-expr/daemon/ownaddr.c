/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ownaddr - the machine's own addresses from rtnetlink, kept current
 * SYNOPSIS
 *	#include "daemon/ownaddr.h"
 * DESCRIPTION
 *	Two sockets: one subscribed to the address groups, read from the
 *	loop, and a short-lived one for the dump, so a dump's replies never
 *	mix with notifications. Subscribing first means an address added
 *	during the dump arrives as a notification too; adding an address
 *	twice is harmless (the list is a set).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "daemon/ownaddr.h"

#define OA_BUFSIZE 16384
#define OA_BURST 32

struct ownaddr {
	struct mnl_socket *nl;
	size_t n;
	int full;			/* an address did not fit */
	struct sl_addr a[OWNADDR_MAX];
	char buf[OA_BUFSIZE];
};

struct addr_tb {
	const struct nlattr *local, *address;
	size_t want;			/* 4 or 16 */
};

/* addr_cb - mnl_attr_parse callback: IFA_LOCAL and IFA_ADDRESS of the
   family's length; anything else, or the wrong length, is ignored */
static int addr_cb(const struct nlattr *attr, void *data)
{
	struct addr_tb *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_get_payload_len(attr) != t->want)
		return MNL_CB_OK;
	if (type == IFA_LOCAL)
		t->local = attr;
	else if (type == IFA_ADDRESS)
		t->address = attr;
	return MNL_CB_OK;
}

/* ownaddr_msg - one rtnetlink message: the address it adds or removes */
enum ownaddr_change ownaddr_msg(const struct nlmsghdr *nlh, struct sl_addr *a)
{
	const struct ifaddrmsg *ifa;
	struct addr_tb t = { NULL, NULL, 0 };
	const struct nlattr *use;

	if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
		return OWNADDR_NONE;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifa)))
		return OWNADDR_NONE;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family == AF_INET)
		t.want = 4;
	else if (ifa->ifa_family == AF_INET6)
		t.want = 16;
	else
		return OWNADDR_NONE;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_cb, &t) < 0)
		return OWNADDR_NONE;
	if ((use = t.local ? t.local : t.address) == NULL)
		return OWNADDR_NONE;
	addr_from_bytes(a, t.want == 4 ? 4 : 6, mnl_attr_get_payload(use));
	return nlh->nlmsg_type == RTM_NEWADDR ? OWNADDR_NEW : OWNADDR_DEL;
}

/* find - index of a in the list, or -1 */
static long find(const struct ownaddr *o, const struct sl_addr *a)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (addr_equal(&o->a[i], a))
			return (long)i;
	return -1;
}

/* apply - one change to the list; 1 if it changed */
static int apply(struct ownaddr *o, enum ownaddr_change c,
		 const struct sl_addr *a)
{
	long i = find(o, a);

	if (c == OWNADDR_NEW && i < 0) {
		if (o->n == OWNADDR_MAX) {
			o->full = 1;
			return 0;
		}
		o->a[o->n++] = *a;
		return 1;
	}
	if (c == OWNADDR_DEL && i >= 0) {
		o->a[i] = o->a[--o->n];
		return 1;
	}
	return 0;
}

/* apply_all - every message of a datagram; changes counted in *n */
static void apply_all(struct ownaddr *o, const void *buf, int len, int *n)
{
	const struct nlmsghdr *nlh;
	struct sl_addr a;
	enum ownaddr_change c;

	for (nlh = buf; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if ((c = ownaddr_msg(nlh, &a)) != OWNADDR_NONE)
			*n += apply(o, c, &a);
}

/* dump_cb - mnl_cb_run callback of the dump */
static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ownaddr *o = data;
	struct sl_addr a;

	if (ownaddr_msg(nlh, &a) == OWNADDR_NEW)
		(void)apply(o, OWNADDR_NEW, &a);
	return MNL_CB_OK;
}

/* dump - the whole list again, from a socket of its own */
static int dump(struct ownaddr *o)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	unsigned seq = 1, port;
	int n = 0, e;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	port = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(o->buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto fail;
	o->n = 0;
	o->full = 0;
	do {
		if ((n = (int)mnl_socket_recvfrom(nl, o->buf, sizeof(o->buf))) <= 0)
			goto fail;
		n = mnl_cb_run(o->buf, (size_t)n, seq, port, dump_cb, o);
	} while (n > MNL_CB_STOP);
	if (n < 0)
		goto fail;
	mnl_socket_close(nl);
	return 0;
fail:
	e = errno ? errno : EIO;
	if (nl != NULL)
		mnl_socket_close(nl);
	errno = e;
	return -1;
}

/* ownaddr_open - subscribe, then dump; NULL with errno */
struct ownaddr *ownaddr_open(void)
{
	struct ownaddr *o = calloc(1, sizeof(*o));
	int e;

	if (o == NULL)
		return NULL;
	o->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (o->nl == NULL
	    || mnl_socket_bind(o->nl, RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			       MNL_SOCKET_AUTOPID) < 0
	    || dump(o) < 0) {
		e = errno;
		ownaddr_close(o);
		errno = e;
		return NULL;
	}
	return o;
}

/* ownaddr_close - accepts NULL */
void ownaddr_close(struct ownaddr *o)
{
	if (o == NULL)
		return;
	if (o->nl != NULL)
		mnl_socket_close(o->nl);
	free(o);
}

/* ownaddr_fd - for epoll */
int ownaddr_fd(const struct ownaddr *o)
{
	return mnl_socket_get_fd(o->nl);
}

/* ownaddr_read - apply pending changes; -1 with errno */
int ownaddr_read(struct ownaddr *o)
{
	int i, len, n = 0, was_full = o->full;

	for (i = 0; i < OA_BURST; i++) {
		len = (int)mnl_socket_recvfrom(o->nl, o->buf, sizeof(o->buf));
		if (len < 0 && errno == ENOBUFS) {
			/* notifications were lost: start again from a dump */
			if (dump(o) < 0)
				return -1;
			n++;	/* what changed is unknown: say something did */
			continue;
		}
		if (len < 0)
			break;
		apply_all(o, o->buf, len, &n);
	}
	if (o->full && !was_full) {
		errno = E2BIG;
		return -1;
	}
	return n;
}

/* ownaddr_count - addresses now */
size_t ownaddr_count(const struct ownaddr *o)
{
	return o->n;
}

/* ownaddr_get - address i, or NULL */
const struct sl_addr *ownaddr_get(const struct ownaddr *o, size_t i)
{
	return i < o->n ? &o->a[i] : NULL;
}
