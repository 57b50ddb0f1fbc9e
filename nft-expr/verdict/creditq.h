/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	creditq - packets of credit-mode hosts waiting for a credit
 * SYNOPSIS
 *	#include "verdict/creditq.h"
 * DESCRIPTION
 *	In credit mode a host with no credit left may not make a first
 *	contact; with credit_action = delay its packet waits here, in
 *	arrival order, until the host has a credit again (a success, or
 *	the grant after zero_grant_ns at zero). creditq_run() asks the
 *	caller about each waiting packet, oldest first, so a host's own
 *	packets go out in order. Bounded by max entries.
 */
#ifndef SLUICE_CREDITQ_H
#define SLUICE_CREDITQ_H

#include <stddef.h>
#include <stdint.h>
#include "verdict/hostkey.h"

/* 1: the packet leaves the queue (caller answered it), 0: it waits */
typedef int creditq_fn(void *ctx, const uint8_t key[HOSTKEY_LEN],
		       uint64_t cookie);

struct creditq;

/* creditq_create - room for max packets; NULL with errno */
struct creditq *creditq_create(size_t max);
/* creditq_free - accepts NULL; waiting cookies are not reported */
void creditq_free(struct creditq *q);
/* creditq_add - cookie of host key waits; -1 when full */
int creditq_add(struct creditq *q, const uint8_t key[HOSTKEY_LEN],
		uint64_t cookie);
/* creditq_run - offer every waiting packet to fn, oldest first */
size_t creditq_run(struct creditq *q, creditq_fn *fn, void *ctx);
/* creditq_remove - take every packet of key out, reporting each to fn
   (whose return value is ignored); returns how many */
size_t creditq_remove(struct creditq *q, const uint8_t key[HOSTKEY_LEN],
		      creditq_fn *fn, void *ctx);
/* creditq_count - packets waiting */
size_t creditq_count(const struct creditq *q);

#endif
