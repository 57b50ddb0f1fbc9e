/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdflow - outcomes of first contacts: credit and TRW
 * SYNOPSIS
 *	#include "verdict/vdflow.h"
 * DESCRIPTION
 *	A first contact's outcome comes from conntrack (vdflow_outcome)
 *	or from its timeout; it earns credit and moves the host's TRW
 *	ratio, and a scanner is logged or quarantined.
 */
#ifndef SLUICE_VDFLOW_H
#define SLUICE_VDFLOW_H

#include <stdint.h>
#include "addr.h"
#include "verdict/contact.h"
#include "verdict/verdict.h"

/* vdflow_outcome - the outcome of a flow is known (conntrack) */
void vdflow_outcome(struct verdict *v, const struct sl_addr *src,
		    const struct sl_addr *dst, uint8_t proto, uint16_t dport,
		    int success, uint64_t now);
/* vdflow_contact_fn - contact_fn: an outcome reached a host (a
   resolved or timed-out first contact) */
void vdflow_contact_fn(void *ctx, const struct contact_key *k, int success);

#endif
