/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftjhash - the kernel's jhash, as nft's hash expression computes it
 * SYNOPSIS
 *	#include "table/nftjhash.h"
 * DESCRIPTION
 *	nftjhash_queue() gives the queue a source address is sent to by the
 *	rules nftexpr_src_hash() builds (jhash of the address bytes, IPv6
 *	cut to v6_prefix bits, scaled to modulus), so sluiced can say which
 *	queue, and which reader, owns a host without asking the kernel.
 */
#ifndef SLUICE_NFTJHASH_H
#define SLUICE_NFTJHASH_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* nftjhash - jhash(key, len, seed) of include/linux/jhash.h */
uint32_t nftjhash(const uint8_t *key, size_t len, uint32_t seed);
/* nftjhash_queue - 0..modulus-1 for source a, as the kernel's rule */
uint32_t nftjhash_queue(const struct sl_addr *a, unsigned v6_prefix,
			uint32_t modulus, uint32_t seed);

#endif
