/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ownaddr - the machine's own addresses from rtnetlink, kept current
 * SYNOPSIS
 *	#include "daemon/ownaddr.h"
 * DESCRIPTION
 *	ownaddr_open() subscribes to address changes (RTM_NEWADDR and
 *	RTM_DELADDR of IPv4 and IPv6) and then asks for every address the
 *	namespace has (RTM_GETADDR dump), in that order, so no address
 *	added meanwhile is missed. ownaddr_read() applies what arrived
 *	and says how many addresses came or went; when the kernel dropped
 *	notifications (ENOBUFS) the list is dumped again whole. At most
 *	OWNADDR_MAX addresses are kept (a full list is reported once by
 *	ownaddr_read returning -1 with E2BIG).
 *
 *	ownaddr_msg() reads one message, validating each attribute's type
 *	and length before use (IFA_LOCAL, else IFA_ADDRESS: on a
 *	point-to-point link IFA_ADDRESS is the peer's).
 */
#ifndef SLUICE_OWNADDR_H
#define SLUICE_OWNADDR_H

#include <stddef.h>
#include "addr.h"

#define OWNADDR_MAX 4096

enum ownaddr_change { OWNADDR_NONE, OWNADDR_NEW, OWNADDR_DEL };

struct nlmsghdr;
struct ownaddr;

/* ownaddr_open - subscribe, then dump; NULL with errno */
struct ownaddr *ownaddr_open(void);
/* ownaddr_close - accepts NULL */
void ownaddr_close(struct ownaddr *o);
/* ownaddr_fd - for epoll */
int ownaddr_fd(const struct ownaddr *o);
/* ownaddr_read - apply pending changes; the number that changed the
   list, or -1 with errno */
int ownaddr_read(struct ownaddr *o);
/* ownaddr_count, ownaddr_get - the addresses now */
size_t ownaddr_count(const struct ownaddr *o);
const struct sl_addr *ownaddr_get(const struct ownaddr *o, size_t i);
/* ownaddr_msg - one rtnetlink message: OWNADDR_NEW or _DEL with *a, or
   OWNADDR_NONE (another message, or malformed) */
enum ownaddr_change ownaddr_msg(const struct nlmsghdr *nlh, struct sl_addr *a);

#endif
