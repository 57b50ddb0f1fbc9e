/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctdump - walk the conntrack table once (a ctnetlink dump)
 * SYNOPSIS
 *	#include "ct/ctdump.h"
 * DESCRIPTION
 *	ctdump_walk() asks the kernel for every conntrack entry of both
 *	families, in the caller's network namespace, and hands each one
 *	ctmsg(3) can read to fn. It blocks until the dump is done: meant
 *	for rare questions (who is connected to a file share right now),
 *	not per packet. At most max entries are read (the rest of the dump
 *	is drained and dropped), so a huge table costs a bounded time.
 */
#ifndef SLUICE_CTDUMP_H
#define SLUICE_CTDUMP_H

#include <stddef.h>
#include "ct/ctmsg.h"

/* fn returns non-zero to stop handing entries (the dump is drained) */
typedef int ctdump_fn(void *ctx, const struct ct_flow *f);

/* ctdump_walk - every entry (at most max) to fn; the number handed,
   or -1 with errno */
long ctdump_walk(size_t max, ctdump_fn *fn, void *ctx);

#endif
