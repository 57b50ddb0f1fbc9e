/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	contact - first contacts waiting for their outcome
 * SYNOPSIS
 *	#include "verdict/contact.h"
 * DESCRIPTION
 *	A first contact that went out (accepted, or released from a delay
 *	queue) waits here for its outcome: the conntrack event that shows
 *	a reply (success) or a reset (failure), or contact_timeout without
 *	either (failure: a scan's probes mostly go unanswered). Bounded:
 *	when full, the oldest waiting contact is forgotten without an
 *	outcome, which errs on the side of the host.
 */
#ifndef SLUICE_CONTACT_H
#define SLUICE_CONTACT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "verdict/hostkey.h"

struct contact_key {
	uint8_t src[HOSTKEY_LEN];	/* full source address (not cut) */
	uint8_t dst[HOSTKEY_LEN];
	uint16_t dport;
	uint8_t proto;
	uint8_t pad;
};

typedef void contact_fn(void *ctx, const struct contact_key *k, int success);

struct contacts;

/* contact_key_make - the key of one flow */
void contact_key_make(struct contact_key *k, const struct sl_addr *src,
		      const struct sl_addr *dst, uint8_t proto, uint16_t dport);
/* contact_create - at most max waiting; NULL with errno */
struct contacts *contact_create(size_t max, uint64_t timeout_ns,
				const uint8_t seed[16]);
/* contact_free - accepts NULL */
void contact_free(struct contacts *c);
/* contact_set_timeout - after a reload */
void contact_set_timeout(struct contacts *c, uint64_t timeout_ns);
/* contact_start - k went out at now; 0, or -1 ENOMEM */
int contact_start(struct contacts *c, const struct contact_key *k,
		  uint64_t now);
/* contact_resolve - the outcome of k is known: 1 if it was waiting
   (and is no more), else 0 */
int contact_resolve(struct contacts *c, const struct contact_key *k);
/* contact_expire - report every contact older than the timeout as a
   failure through fn; returns how many */
size_t contact_expire(struct contacts *c, uint64_t now, contact_fn *fn,
		      void *ctx);
/* contact_next - now at which contact_expire has work (UINT64_MAX) */
uint64_t contact_next(const struct contacts *c);
/* contact_count - contacts waiting */
size_t contact_count(const struct contacts *c);

#endif
