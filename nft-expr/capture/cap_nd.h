/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_nd - IPv6 neighbour solicitations and advertisements, read and
 *	written for cap_claim
 * SYNOPSIS
 *	#include "capture/cap_nd.h"
 * DESCRIPTION
 *	cap_nd_parse() takes an IPv6 packet from its header on, as a
 *	SOCK_DGRAM packet socket gives it, and accepts only what RFC 4861
 *	section 7.1.1/7.1.2 lets a node act on: ICMPv6 type 135 or 136,
 *	code 0, hop limit 255, a valid checksum, options of non-zero
 *	length inside the packet. cap_nd_build() writes one with our MAC
 *	as its link-layer address option. cap_nd_filter() is the socket
 *	filter that passes only these two types to user space. No
 *	allocation, no I/O.
 */
#ifndef SLUICE_CAP_ND_H
#define SLUICE_CAP_ND_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#define CAP_ND_NS 135
#define CAP_ND_NA 136
#define CAP_ND_LEN 72			/* header, message, one option */

struct cap_nd {
	int type;			/* CAP_ND_NS or CAP_ND_NA */
	const uint8_t *src, *dst, *target;	/* 16 bytes each, in the packet */
	const uint8_t *lladdr;		/* the link-layer option's MAC, or NULL */
};

/* cap_nd_parse - p (len bytes) as a solicitation or advertisement into
   m; 0, or -1 when it is neither or malformed */
int cap_nd_parse(const uint8_t *p, size_t len, struct cap_nd *m);
/* cap_nd_build - type from src to dst about target, mac in the option
   (source link-layer for a solicitation, target link-layer and the
   solicited and override flags for an advertisement); CAP_ND_LEN */
size_t cap_nd_build(uint8_t buf[CAP_ND_LEN], int type, const uint8_t src[16],
		    const uint8_t dst[16], const uint8_t target[16],
		    const uint8_t mac[6]);
/* cap_nd_solicited - target's solicited-node group and its MAC */
void cap_nd_solicited(const uint8_t target[16], uint8_t group[16],
		      uint8_t mac[6]);
/* cap_nd_filter - the socket filter program (ICMPv6 135 and 136) */
const struct sock_fprog *cap_nd_filter(void);

#endif
