/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsmsg - extract address records from a DNS response
 * SYNOPSIS
 *	#include "dnsmsg.h"
 * DESCRIPTION
 *	Walks a DNS message (RFC 1035 wire format, name compression
 *	included) and reports each A and AAAA record in the answer section
 *	with its TTL. Every length and pointer is checked against the
 *	message; compression loops are cut off. A malformed message yields
 *	-1 and reports nothing more.
 */
#ifndef SLUICE_DNSMSG_H
#define SLUICE_DNSMSG_H

#include <stddef.h>
#include <stdint.h>

/* family 4 or 6, addr 4 or 16 bytes, ttl in seconds */
typedef void dnsmsg_fn(void *ctx, int family, const uint8_t *addr, uint32_t ttl);

/* dnsmsg_answers - count of records reported, or -1 if malformed */
int dnsmsg_answers(const uint8_t *msg, size_t len, dnsmsg_fn *fn, void *ctx);

#endif
