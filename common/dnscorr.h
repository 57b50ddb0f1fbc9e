/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnscorr - which (client, address) contacts a DNS answer justified
 * SYNOPSIS
 *	#include "dnscorr.h"
 * DESCRIPTION
 *	Whyte/Kranakis/van Oorschot: a first contact to an address the
 *	client never looked up is a (weak) sign of a scanning worm. Each
 *	answer seen for a client justifies contacts to its addresses until
 *	max(TTL, ttl_floor). Memory bounded by mem_cap (LRU).
 */
#ifndef SLUICE_DNSCORR_H
#define SLUICE_DNSCORR_H

#include <stddef.h>
#include <stdint.h>

struct dnscorr;

/* dnscorr_create - ttl_floor 300 s by default; NULL on error */
struct dnscorr *dnscorr_create(uint64_t ttl_floor_ns, size_t mem_cap,
			       const uint8_t seed[16]);
/* dnscorr_free - accepts NULL */
void dnscorr_free(struct dnscorr *d);
/* dnscorr_answer - client learned addr with ttl seconds */
int dnscorr_answer(struct dnscorr *d, const void *client, size_t client_len,
		   const void *addr, size_t addr_len, uint32_t ttl, uint64_t now);
/* dnscorr_justified - 1 if a live answer covers this contact, else 0 */
int dnscorr_justified(struct dnscorr *d, const void *client, size_t client_len,
		      const void *addr, size_t addr_len, uint64_t now);
/* dnscorr_count - pairs held now (expired ones until looked up or evicted) */
size_t dnscorr_count(const struct dnscorr *d);

#endif
