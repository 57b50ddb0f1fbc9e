/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarset - quarantined sources in the kernel's quarantine4/6 sets
 * SYNOPSIS
 *	#include "quarantine/quarset.h"
 * DESCRIPTION
 *	quarset_change() adds a source to quarantine4/6 with a kernel
 *	timeout (the kernel expires it, even if sluiced is gone) or
 *	removes it: an IPv4 host, or the IPv6 prefix of length plen
 *	([sluiced] v6_prefix) that holds the address. quarset_change_in
 *	does the same in another set of that kind (claimed4/6, and
 *	isolate4/6, whose IPv4 half holds prefixes too); quarset_port
 *	blocks a port (blockport4/6).
 */
#ifndef SLUICE_QUARSET_H
#define SLUICE_QUARSET_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

struct nftrules;

/* quarset_change - add a (IPv6: its /plen) (ttl_ns > 0) or remove it
   (ttl_ns == 0); 0, or -1 with err; removing an absent element is not
   an error */
int quarset_change(struct nftrules *n, const struct sl_addr *a, unsigned plen,
		   uint64_t ttl_ns, char *err, size_t errlen);
/* quarset_change_in - the same in set base4/6 of the same kind
   (claimed4/6 for capture's claimed addresses) */
int quarset_change_in(struct nftrules *n, const char *base,
		      const struct sl_addr *a, unsigned plen, uint64_t ttl_ns,
		      char *err, size_t errlen);

/* quarset_port - a port in blockport4 and blockport6 (ttl_ns > 0)
   or out of both; 0, or -1 with err */
int quarset_port(struct nftrules *n, uint16_t port, uint64_t ttl_ns,
		 char *err, size_t errlen);
struct nftnl_set;
/* quarset_elem - net/plen as elements of s (set base): one, or the
   pair of an interval; 0 or -1 */
int quarset_elem(struct nftnl_set *s, const char *base,
		 const struct sl_addr *net, unsigned plen, uint64_t ttl_ms);

#endif
