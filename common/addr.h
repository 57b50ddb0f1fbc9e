/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	addr - IPv4/IPv6 addresses and prefixes, parsing and formatting
 * SYNOPSIS
 *	#include "addr.h"
 * DESCRIPTION
 *	struct sl_addr holds either family in 16 bytes (IPv4 in b[0..3]).
 *	addr_key() turns an address into the bytes a throttle is keyed by:
 *	4 for IPv4, 16 for IPv6, or the first v6_prefix/8 bytes when IPv6
 *	hosts are aggregated (a /64 holds one host's privacy addresses).
 */
#ifndef SLUICE_ADDR_H
#define SLUICE_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN 48		/* fits any address with "/128" */

struct sl_addr {
	uint8_t family;		/* 4 or 6; 0 = none */
	uint8_t b[16];
};

/* addr_parse - parse a literal IPv4 or IPv6 address; 0 or -1 */
int addr_parse(const char *s, struct sl_addr *out);
/* prefix_parse - parse "ADDR/LEN" or "ADDR" (host prefix); 0 or -1 */
int prefix_parse(const char *s, struct sl_addr *out, unsigned *plen);
/* prefix_network - the network of a/plen in net (host bits cleared);
   1 if a had host bits set, else 0 */
int prefix_network(const struct sl_addr *a, unsigned plen, struct sl_addr *net);
/* addr_format - text form into buf (ADDR_STRLEN); returns buf */
const char *addr_format(const struct sl_addr *a, char *buf);
/* addr_from_bytes - set from 4 or 16 network-order bytes */
void addr_from_bytes(struct sl_addr *a, int family, const void *bytes);
/* addr_key - key bytes for a throttle; returns their count */
size_t addr_key(const struct sl_addr *a, unsigned v6_prefix, uint8_t out[16]);
/* addr_equal - same family and bytes */
int addr_equal(const struct sl_addr *a, const struct sl_addr *b);

#endif
