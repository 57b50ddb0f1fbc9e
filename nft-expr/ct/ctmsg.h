/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctmsg - read a conntrack event message: the flow and its outcome
 * SYNOPSIS
 *	#include "ct/ctmsg.h"
 * DESCRIPTION
 *	ctmsg_parse() takes one ctnetlink message (an update event) and
 *	returns the original direction's addresses, protocol and
 *	destination port, and what the event says about the first
 *	contact: CT_SUCCESS when the other side answered (a SYN-ACK moved
 *	TCP to SYN_RECV or beyond; any UDP reply), CT_FAILURE when TCP
 *	closed on a reset before it was established, CT_NONE otherwise.
 *	Every attribute is validated before use; anything malformed is
 *	CT_NONE. ctmsg_live() says whether the flow is a TCP connection
 *	that is open or closing (established to last ack; not time wait).
 */
#ifndef SLUICE_CTMSG_H
#define SLUICE_CTMSG_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

enum ct_outcome { CT_NONE, CT_SUCCESS, CT_FAILURE };

struct ct_flow {
	struct sl_addr src, dst;
	uint8_t proto;
	uint16_t dport;		/* host order */
	int tcp_state;		/* enum tcp_conntrack; -1: none (not TCP) */
	enum ct_outcome outcome;
};

struct nlmsghdr;

/* ctmsg_parse - fill f from one message (a dump's entries too);
   returns f->outcome */
enum ct_outcome ctmsg_parse(const struct nlmsghdr *nlh, struct ct_flow *f);
/* ctmsg_live - is f an open or closing TCP connection */
int ctmsg_live(const struct ct_flow *f);

#endif
