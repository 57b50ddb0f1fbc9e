/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hostkey - 16-byte keys for source hosts and destinations
 * SYNOPSIS
 *	#include "verdict/hostkey.h"
 * DESCRIPTION
 *	One key length for both families, so one table holds both: IPv4
 *	as an IPv4-mapped IPv6 address (::ffff:a.b.c.d, which no IPv6 host
 *	uses as a source), IPv6 as itself with the bits past v6_prefix
 *	cleared (addr_key), so a host's privacy addresses can count as one.
 */
#ifndef SLUICE_HOSTKEY_H
#define SLUICE_HOSTKEY_H

#include <stdint.h>
#include <string.h>
#include "addr.h"

#define HOSTKEY_LEN 16

/* hostkey_make - the key of a with IPv6 cut to v6_prefix */
static inline void hostkey_make(const struct sl_addr *a, unsigned v6_prefix,
				uint8_t out[HOSTKEY_LEN])
{
	if (a->family == 4) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, a->b, 4);
		return;
	}
	(void)addr_key(a, v6_prefix, out);
}

/* hostkey_addr - the address a key stands for */
static inline void hostkey_addr(const uint8_t key[HOSTKEY_LEN],
				struct sl_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };

	if (memcmp(key, mapped, 12) == 0)
		addr_from_bytes(a, 4, key + 12);
	else
		addr_from_bytes(a, 6, key);
}

#endif
