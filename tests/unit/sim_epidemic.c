/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sim_epidemic - the epidemic simulator against the epidemic model
 * DESCRIPTION
 *	Fixed-seed runs (examples/sim/epidemic.c over the real throttle):
 *	- no containment, random scanning: the infected count stays within
 *	  20% of the logistic curve of the random-constant-spread model,
 *	  I(t) = V / (1 + (V/I0 - 1) e^(-beta t)), beta = rate V / space,
 *	  wherever the model is between 10% and 90% of V (three seeds);
 *	- Slammer (4,000 scans/s at Slammer's density): the mean doubling
 *	  time over four seeds within 20% of ln 2 / beta, over 90% infected
 *	  without sluice; with sluice on every gateway the worm never leaves
 *	  the first victim's subnet and fewer than 10 scans per contained
 *	  host get past a gateway (Weaver et al.); on every gateway and host
 *	  under 1% of the vulnerable hosts are infected;
 *	- Williamson's 16-host testbed: without the throttle all but one
 *	  host infected within 20% of 12 min, with it the second infection
 *	  within 30% of 13 min (means of forty seeds).
 *	Populations and horizons are cut to what runs in seconds.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "epidemic.h"
#include "../tap.h"

struct fit {
	double beta, v, i0;
	double worst;		/* largest relative error seen */
	int points;
};

/* logistic_row - epi_row_fn: compare a row with the model */
static void logistic_row(void *ctx, const struct epi_row *r)
{
	struct fit *f = ctx;
	double m = f->v / (1 + (f->v / f->i0 - 1) * exp(-f->beta * r->t));
	double e;

	if (m < 0.1 * f->v || m > 0.9 * f->v)
		return;
	e = fabs(r->infected / m - 1);
	if (e > f->worst)
		f->worst = e;
	f->points++;
}

/* logistic - no containment: within 20% of the model */
static void logistic(void)
{
	struct epi_params p;
	struct fit f;
	uint64_t seed;

	for (seed = 1; seed <= 3; seed++) {
		epi_defaults(&p);
		p.subnets = 10;
		p.space = 1u << 20;
		p.initial = 50;
		p.rate = 10;
		p.horizon = 600;
		p.report_every = 5;
		p.bg_rate = 0;
		p.seed = seed;
		memset(&f, 0, sizeof(f));
		f.v = 1250;
		f.i0 = 50;
		f.beta = p.rate * f.v / p.space;
		ok(epi_run(&p, logistic_row, &f, NULL) == 0, "seed %llu: runs",
		   (unsigned long long)seed);
		cmp_ok(f.points, >=, 20, "seed %llu: rows between 10%% and 90%% of V",
		       (unsigned long long)seed);
		cmp_ok(f.worst, <, 0.2, "seed %llu: infected within 20%% of the "
		       "logistic curve", (unsigned long long)seed);
	}
}

/* slammer_params - Slammer's preset (sluice-sim epidemic --preset slammer) */
static void slammer_params(struct epi_params *p, uint64_t seed)
{
	epi_defaults(p);
	(void)epi_preset(p, "slammer");
	p->horizon = 300;
	p->bg_rate = 0.01;
	p->seed = seed;
}

/* slammer - doubling time, and containment by gateways and hosts */
static void slammer(void)
{
	struct epi_params p;
	struct epi_result r;
	double sum = 0, model;
	uint64_t seed;
	int n = 0;

	for (seed = 1; seed <= 4; seed++) {
		slammer_params(&p, seed);
		if (epi_run(&p, NULL, NULL, &r) == 0 && r.doubling > 0) {
			sum += r.doubling;
			n++;
		}
		cmp_ok(r.last.infected, >, 0.9 * r.last.vulnerable,
		       "slammer seed %llu, no sluice: over 90%% infected",
		       (unsigned long long)seed);
	}
	model = log(2) / (p.rate * r.last.vulnerable / p.space);
	diag("doubling: mean %.2f s over %d seeds, model %.2f s", sum / n, n, model);
	cmp_ok(fabs(sum / n / model - 1), <, 0.2,
	       "slammer: mean doubling time within 20%% of ln 2 / beta");
	slammer_params(&p, 1);
	p.gw_cover = 1;
	p.horizon = 600;
	ok(epi_run(&p, NULL, NULL, &r) == 0, "slammer, sluice on every gateway: runs");
	is_uint(r.subnets_infected, 1, "it never leaves the first victim's subnet");
	cmp_ok(r.escaped_per_contained, <, 10, "fewer than 10 scans per contained "
	       "host got past its gateway");
	cmp_ok(r.last.bg_dropped, ==, 0, "no legitimate contact of a clean host dropped");
	p.host_cover = 1;
	ok(epi_run(&p, NULL, NULL, &r) == 0, "slammer, sluice on every gateway and host: runs");
	cmp_ok(r.last.infected, <, 0.01 * r.last.vulnerable, "under 1%% infected");
}

/* williamson - the 16-host testbed with and without the throttle */
static void williamson(void)
{
	struct epi_params p;
	struct epi_result r;
	double all = 0, second = 0;
	uint64_t seed;

	for (seed = 1; seed <= 40; seed++) {
		epi_defaults(&p);
		(void)epi_preset(&p, "williamson16");
		p.dt = 0.1;
		p.stop_infected = 15;
		p.seed = seed;
		(void)epi_run(&p, NULL, NULL, &r);
		all += r.t_all_but_one < 0 ? p.horizon : r.t_all_but_one;
		p.host_cover = 1;
		p.stop_infected = 2;
		(void)epi_run(&p, NULL, NULL, &r);
		second += r.t_second < 0 ? p.horizon : r.t_second;
	}
	all /= 40;
	second /= 40;
	diag("williamson16: all but one after %.0f s without, second infection "
	     "after %.0f s with the throttle (means of 40)", all, second);
	cmp_ok(fabs(all / 720 - 1), <, 0.2, "no throttle: all but one "
	       "infected within 20%% of 12 min");
	/* with one release a second each contact hits one of the 15 others
	   with p = 15/11700: the second infection is exponential, mean
	   780 s; 40 runs put the mean within 30%% of it */
	cmp_ok(fabs(second / 780 - 1), <, 0.3, "throttle: the second infection "
	       "after about 13 min");
}

int main(void)
{
	struct epi_params p;

	epi_defaults(&p);
	is_int(epi_preset(&p, "nosuch"), -1, "an unknown preset is refused");
	logistic();
	slammer();
	williamson();
	return done_testing();
}
