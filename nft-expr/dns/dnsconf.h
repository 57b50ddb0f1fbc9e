/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsconf - the [dns] group: the resolvers' answers and the no-DNS signal
 * SYNOPSIS
 *	#include "dns/dnsconf.h"
 * DESCRIPTION
 *	dnsconf_apply() reads [dns] into a struct dns_conf with the
 *	schema's checks. sluice.conf(5) documents every key.
 */
#ifndef SLUICE_DNSCONF_H
#define SLUICE_DNSCONF_H

#include <stddef.h>
#include <stdint.h>
#include "prefixset.h"

struct dns_conf {
	int nodns;			/* read answers, raise the signal */
	unsigned log_group;		/* NFLOG group of the answers */
	uint64_t ttl_floor_ns;		/* an answer justifies at least this */
	uint64_t mem_cap;		/* bytes of (client, address) pairs */
	unsigned events_per_second;	/* nodns events per source */
	struct prefixset *by_address;	/* reached by address: no signal */
};

struct config;

/* dnsconf_apply - [dns] of c into out; 0, or -1 with err */
int dnsconf_apply(struct config *c, struct dns_conf *out, char *err,
		  size_t errlen);
/* dnsconf_release - free what dnsconf_apply allocated; NULL ok */
void dnsconf_release(struct dns_conf *c);

#endif
