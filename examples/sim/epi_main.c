/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	epi_main - sluice-sim epidemic: options, presets, CSV
 * SYNOPSIS
 *	sluice-sim epidemic [--preset NAME] [OPTIONS]
 * DESCRIPTION
 *	A preset sets the worm and the population of a published result;
 *	options after it change single parameters. One CSV row per
 *	report interval goes to standard output, a summary to standard
 *	error (lines starting with "#").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "epidemic.h"
#include "sim.h"

/* epi_usage - the options */
static int epi_usage(FILE *fp, int status)
{
	const char *name, *what;
	int i;

	fprintf(fp,
		"usage: sluice-sim epidemic [--preset NAME] [OPTIONS]\n"
		"  --subnets N --hosts N --space N   population (40 x 250 in 2^24)\n"
		"  --vuln F --initial N              vulnerable fraction, first victims\n"
		"  --strategy random|local|hitlist|topo --rate R --hitlist N\n"
		"  --horizon S --dt S --every S      time (3600, 0.01, 1 seconds)\n"
		"  --bg-rate R --bg-new F            legitimate contacts/s/host, new share\n"
		"  --gateways F --host-cover F       sluice on this share of gateways, hosts\n"
		"  --wset N --release S --high N --low N --quarantine S --reaction S\n"
		"                                    each sluice (5, 1, 100, 60, 3600, 0)\n"
		"  --seed N --summary --stop N       one run per seed; summary only;\n"
		"                                    end once N hosts are infected\n"
		"presets:\n");
	for (i = 0; epi_preset_info(i, &name, &what) == 0; i++)
		fprintf(fp, "  %-13s %s\n", name, what);
	return status;
}

/* csv_row - epi_row_fn: one CSV line */
static void csv_row(void *ctx, const struct epi_row *r)
{
	(void)ctx;
	printf("%.2f,%u,%.6f,%llu,%llu,%llu,%u,%llu,%llu,%llu,%.3f\n", r->t,
	       r->infected, r->vulnerable ? (double)r->infected / r->vulnerable : 0,
	       (unsigned long long)r->scans, (unsigned long long)r->escaped,
	       (unsigned long long)r->lockouts, r->contained,
	       (unsigned long long)r->bg, (unsigned long long)r->bg_delayed,
	       (unsigned long long)r->bg_dropped, r->bg_delay_max);
}

/* summary - the run's figures on standard error */
static void summary(const struct epi_params *p, const struct epi_result *r)
{
	const struct epi_row *l = &r->last;

	fprintf(stderr, "# hosts %u, vulnerable %u, infected %u (%.2f%%) after %.0f s; "
		"gateways with sluice %.0f%%, hosts %.0f%%\n",
		p->subnets * p->hosts_per, l->vulnerable, l->infected,
		l->vulnerable ? 100.0 * l->infected / l->vulnerable : 0,
		p->horizon, 100 * p->gw_cover, 100 * p->host_cover);
	fprintf(stderr, "# second infection %.1f s, half %.1f s, all but one %.1f s, "
		"doubling time %.2f s (-1: never)\n", r->t_second, r->t_half,
		r->t_all_but_one, r->doubling);
	fprintf(stderr, "# scans %llu, past a gateway %llu, lockouts %llu, contained %u, "
		"scans past the gateway per contained host %.1f, subnets "
		"infected %u of %u\n",
		(unsigned long long)l->scans, (unsigned long long)l->escaped,
		(unsigned long long)l->lockouts, l->contained, r->escaped_per_contained,
		r->subnets_infected, p->subnets);
	fprintf(stderr, "# legitimate contacts %llu, delayed %llu, dropped %llu, "
		"max delay %.3f s\n", (unsigned long long)l->bg,
		(unsigned long long)l->bg_delayed, (unsigned long long)l->bg_dropped,
		l->bg_delay_max);
}

/* epi_main - sluice-sim epidemic ARGS */
int epi_main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "preset", 1, NULL, 'P' }, { "subnets", 1, NULL, 'G' },
		{ "hosts", 1, NULL, 'H' }, { "space", 1, NULL, 'S' },
		{ "vuln", 1, NULL, 'v' }, { "initial", 1, NULL, 'i' },
		{ "strategy", 1, NULL, 'y' }, { "rate", 1, NULL, 'r' },
		{ "hitlist", 1, NULL, 'L' }, { "horizon", 1, NULL, 'T' },
		{ "dt", 1, NULL, 'd' }, { "every", 1, NULL, 'e' },
		{ "bg-rate", 1, NULL, 'b' }, { "bg-new", 1, NULL, 'n' },
		{ "gateways", 1, NULL, 'g' }, { "host-cover", 1, NULL, 'c' },
		{ "wset", 1, NULL, 'w' }, { "release", 1, NULL, 'R' },
		{ "high", 1, NULL, 'h' }, { "low", 1, NULL, 'l' },
		{ "quarantine", 1, NULL, 'q' }, { "reaction", 1, NULL, 'a' },
		{ "seed", 1, NULL, 's' }, { "summary", 0, NULL, 'u' },
		{ "stop", 1, NULL, 'x' },
		{ "help", 0, NULL, '?' + 256 }, { NULL, 0, NULL, 0 } };
	struct epi_params p;
	struct epi_result res;
	const char *why;
	int c, only_summary = 0;

	epi_defaults(&p);
	while ((c = getopt_long(argc, argv, "+", longs, NULL)) != -1) {
		const char *o = optarg;

		switch (c) {
		case 'P':
			if (epi_preset(&p, o) < 0) {
				fprintf(stderr, "sluice-sim: --preset: unknown '%s'\n", o);
				return epi_usage(stderr, SIM_EXIT_USAGE);
			}
			break;
		case 'G': p.subnets = (unsigned)sim_number("--subnets", o, 1, 256); break;
		case 'H': p.hosts_per = (unsigned)sim_number("--hosts", o, 1, 255); break;
		case 'S': p.space = (uint32_t)sim_number("--space", o, 256, 4294967295.0); break;
		case 'v': p.vuln = sim_number("--vuln", o, 1e-9, 1); break;
		case 'i': p.initial = (unsigned)sim_number("--initial", o, 1, 65025); break;
		case 'y':
			if ((p.strategy = epi_strategy_parse(o)) < 0) {
				fprintf(stderr, "sluice-sim: --strategy: unknown '%s' (accepted: "
					"random, local, hitlist, topo)\n", o);
				return SIM_EXIT_USAGE;
			}
			break;
		case 'r': p.rate = sim_number("--rate", o, 0, 1e6); break;
		case 'L': p.hitlist = (unsigned)sim_number("--hitlist", o, 0, 65025); break;
		case 'T': p.horizon = sim_number("--horizon", o, 1, 7 * 86400); break;
		case 'd': p.dt = sim_number("--dt", o, 1e-4, 1); break;
		case 'e': p.report_every = sim_number("--every", o, 1e-4, 86400); break;
		case 'b': p.bg_rate = sim_number("--bg-rate", o, 0, 100); break;
		case 'n': p.bg_new = sim_number("--bg-new", o, 0, 1); break;
		case 'g': p.gw_cover = sim_number("--gateways", o, 0, 1); break;
		case 'c': p.host_cover = sim_number("--host-cover", o, 0, 1); break;
		case 'w': p.sp.tp.wset_size = (unsigned)sim_number("--wset", o, 1, 64); break;
		case 'R': p.sp.tp.release_ns = (uint64_t)(sim_number("--release", o, 0.001, 3600) * 1e9); break;
		case 'h': p.sp.tp.high = (unsigned)sim_number("--high", o, 2, 1000000); break;
		case 'l': p.sp.tp.low = (unsigned)sim_number("--low", o, 1, 999999); break;
		case 'q': p.sp.quarantine_ns = (uint64_t)(sim_number("--quarantine", o, 0, 7 * 86400) * 1e9); break;
		case 'a': p.sp.enforce_from = (uint64_t)(sim_number("--reaction", o, 0, 7 * 86400) * 1e9); break;
		case 's': p.seed = (uint64_t)sim_number("--seed", o, 0, 9007199254740992.0); break;
		case 'u': only_summary = 1; break;
		case 'x': p.stop_infected = (uint32_t)sim_number("--stop", o, 1, 65025); break;
		case '?' + 256: return epi_usage(stdout, 0);
		default: return epi_usage(stderr, SIM_EXIT_USAGE);
		}
	}
	if (p.sp.tp.low >= p.sp.tp.high)
		p.sp.tp.low = p.sp.tp.high * 3 / 5 ? p.sp.tp.high * 3 / 5 : 1;
	if (epi_check(&p, &why) < 0) {
		fprintf(stderr, "sluice-sim: epidemic: %s\n", why);
		return SIM_EXIT_USAGE;
	}
	if (!only_summary)
		printf("t,infected,infected_fraction,scans,escaped,lockouts,contained,"
		       "bg_contacts,bg_delayed,bg_dropped,bg_delay_max\n");
	if (epi_run(&p, only_summary ? NULL : csv_row, NULL, &res) < 0) {
		perror("sluice-sim: epidemic");
		return 1;
	}
	summary(&p, &res);
	return 0;
}
