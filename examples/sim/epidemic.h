/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	epidemic - a worm in a simulated enterprise, contained (or not) by
 *	real sluice instances in simulated time
 * SYNOPSIS
 *	#include "epidemic.h"
 * DESCRIPTION
 *	subnets x hosts_per hosts sit at the start of their /24s (subnet g
 *	is g << 16 of an address space of `space` addresses that random scanning
 *	draws from); a fraction vuln of them is vulnerable. Each host
 *	talks to six usual destinations (two peers in its subnet, two in
 *	others, two outside servers) and now and then to a new one: the
 *	legitimate background traffic. The worm starts on `initial`
 *	vulnerable hosts and scans `rate` addresses a second by its
 *	strategy; a scan that reaches a vulnerable host infects it.
 *
 *	Sluice runs on a fraction gw_cover of the gateways (contacts that
 *	leave a subnet) and host_cover of the hosts (every contact), each
 *	instance a sinst(3): the real throttle of libsluice plus sluiced's
 *	quarantine, fed with the simulated clock. Time advances in steps
 *	of dt; contacts within a step carry their own times. Everything
 *	random comes from one seeded generator: a seed gives one run.
 *
 *	Where only the count of hits matters (a random scan that crosses
 *	no sluice), hits are drawn from the binomial distribution instead
 *	of drawing each address: the same distribution, and what makes a
 *	Slammer-speed worm over an hour cheap.
 */
#ifndef SLUICE_EPIDEMIC_H
#define SLUICE_EPIDEMIC_H

#include <stdint.h>
#include "sinst.h"

enum epi_strategy {
	EPI_RANDOM,		/* uniform over the address space */
	EPI_LOCAL,		/* 1/2 own /24, 3/8 own /16, 1/8 anywhere */
	EPI_HITLIST,		/* a list of vulnerable hosts first, halved
				   with each child, then random */
	EPI_TOPO,		/* the host's usual peers first, then random */
};

struct epi_params {
	unsigned subnets, hosts_per;
	uint32_t space;		/* addresses random scanning draws from */
	double vuln;		/* vulnerable fraction */
	unsigned initial;	/* infected at t = 0 */
	int strategy;		/* enum epi_strategy */
	double rate;		/* scans per second per infected host */
	unsigned hitlist;	/* hit-list length */
	double horizon, dt, report_every;	/* seconds */
	double bg_rate;		/* legitimate contacts per host per second */
	double bg_new;		/* of which this fraction to new addresses */
	double gw_cover, host_cover;	/* fraction of gateways, of hosts */
	struct sinst_params sp;	/* each instance's throttle and quarantine */
	uint32_t stop_infected;	/* end the run once this many are infected */
	uint64_t seed;
};

struct epi_row {
	double t;
	uint32_t infected, vulnerable;
	uint64_t scans, escaped;	/* worm contacts made; left a subnet */
	uint64_t lockouts;
	uint32_t contained;	/* infected hosts quarantined somewhere */
	uint64_t bg, bg_delayed, bg_dropped;	/* of uninfected hosts */
	double bg_delay_max;
};

struct epi_result {
	struct epi_row last;
	double t_second;	/* second infection, -1 if none */
	double t_half;		/* half the vulnerable infected, -1 */
	double t_all_but_one;	/* all vulnerable but one, -1 */
	double doubling;	/* from 8 infected to the largest power of
				   two up to V/8; -1 if V < 128 */
	uint32_t subnets_infected;	/* subnets with an infected host */
	double escaped_per_contained;	/* scans past the gateway before its
					   quarantine, per contained host */
};

typedef void epi_row_fn(void *ctx, const struct epi_row *row);

/* epi_defaults - 40 x 250 hosts in a /8, half vulnerable, random
   scanning at 10/s, no sluice, an hour; sluice defaults as sluiced's */
void epi_defaults(struct epi_params *p);
/* epi_check - 0, or -1 with the reason */
int epi_check(const struct epi_params *p, const char **why);
/* epi_run - one run; a row every report_every; 0, or -1 with errno */
int epi_run(const struct epi_params *p, epi_row_fn *fn, void *ctx,
	    struct epi_result *out);
/* epi_preset - a published scenario's parameters over p (code-red,
   slammer, williamson16, slow, local, hitlist, topo); -1 if unknown */
int epi_preset(struct epi_params *p, const char *name);
/* epi_preset_info - name and description of preset i; -1 past the end */
int epi_preset_info(int i, const char **name, const char **what);
/* epi_strategy_parse - "random", "local", "hitlist", "topo"; -1 */
int epi_strategy_parse(const char *s);

#endif
