/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctevents - conntrack update events: replies and resets of flows
 * SYNOPSIS
 *	#include "ct/ctevents.h"
 * DESCRIPTION
 *	A netlink socket subscribed to conntrack update events only (new
 *	and destroy events would cost a message per flow under a flood,
 *	for nothing we use). ctevents_read() drains what is there and
 *	hands every flow with an outcome to the caller.
 */
#ifndef SLUICE_CTEVENTS_H
#define SLUICE_CTEVENTS_H

#include <stddef.h>
#include "ct/ctmsg.h"

typedef void ctevents_fn(void *ctx, const struct ct_flow *f);

struct ctevents;

/* ctevents_open - subscribe; NULL with errno */
struct ctevents *ctevents_open(int rcvbuf);
/* ctevents_close - accepts NULL */
void ctevents_close(struct ctevents *c);
/* ctevents_fd - for epoll */
int ctevents_fd(const struct ctevents *c);
/* ctevents_read - drain; flows with an outcome to fn; count or -1 */
int ctevents_read(struct ctevents *c, ctevents_fn *fn, void *ctx);

#endif
