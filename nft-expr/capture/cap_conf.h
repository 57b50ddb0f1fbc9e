/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_conf - the [capture] group: dark addresses, samples, the tarpit
 * SYNOPSIS
 *	#include "capture/cap_conf.h"
 * DESCRIPTION
 *	cap_conf_apply() reads [capture] into a struct cap_conf with the
 *	schema's checks, and parses the port list (N or N-M, at most
 *	CAP_PORTS_MAX ranges). Capture is on when dark holds a prefix or claim an
 *	interface and prefix (IPv4).
 *	sluice.conf(5) documents every key.
 */
#ifndef SLUICE_CAP_CONF_H
#define SLUICE_CAP_CONF_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "prefixset.h"

#define CAP_PORTS_MAX 64
#define CAP_CLAIMS_MAX 16

struct cap_claim_conf {
	char ifname[16];
	struct sl_addr net;		/* IPv4 or IPv6 */
	unsigned plen;
};

enum cap_action { CAP_ACTION_LOG, CAP_ACTION_SIGNAL, CAP_ACTION_QUARANTINE };

struct cap_conf {
	struct prefixset *dark;		/* NULL or empty: capture off */
	char **ports_text;
	uint16_t ports[CAP_PORTS_MAX][2];	/* first, last */
	size_t nports;			/* 0: every port */
	unsigned queue;
	char *sample_dir;		/* NULL: samples hashed, not stored */
	unsigned sample_bytes;
	uint64_t sample_cap;
	uint64_t sample_max_age_ns;
	int action;			/* enum cap_action; QUARANTINE = SIGNAL */
	uint64_t quarantine_ttl_ns;	/* of a quarantine a hit started */
	unsigned events_per_second;
	uint64_t mem_cap;
	uint64_t hold_timeout_ns;
	char **goat_dirs;		/* NULL: no goat files */
	uint64_t goat_sweep_ns;
	char **goat_ports_text;
	uint8_t goat_port[65536 / 8];	/* file-sharing ports, a bit each */
	char **claim_text;		/* "IFACE PREFIX" each */
	struct cap_claim_conf claims[CAP_CLAIMS_MAX];
	size_t nclaims;
	uint64_t claim_after_ns;
};

struct config;

/* cap_conf_apply - [capture] of c into out; 0, or -1 with err */
int cap_conf_apply(struct config *c, struct cap_conf *out, char *err,
		   size_t errlen);
/* cap_conf_release - free what cap_conf_apply allocated; NULL ok */
void cap_conf_release(struct cap_conf *c);
/* cap_conf_on - is any address dark or claimed */
int cap_conf_on(const struct cap_conf *c);
/* cap_conf_goat_port - is port one of goat_ports */
int cap_conf_goat_port(const struct cap_conf *c, uint16_t port);
/* cap_conf_port - is port one capture answers */
int cap_conf_port(const struct cap_conf *c, uint16_t port);

#endif
