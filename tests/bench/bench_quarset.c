/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_quarset - quarantine set updates a second through sluiced's
 *	batches (quarbatch)
 * SYNOPSIS
 *	ip netns exec NS bench_quarset [-n HOSTS] [-r RUNS] [-t TABLE]
 * DESCRIPTION
 *	Installs sluiced's own table (nftrules_install, no hooks) in the
 *	namespace it runs in, then RUNS times: notes HOSTS distinct IPv4
 *	hosts with a one-hour timeout (quarbatch_add, what op_quarantine
 *	does for each quarantine of a burst) and writes them
 *	(quarbatch_flush: one transaction), timing both together; the set
 *	is emptied between runs. Prints each run and the median elements
 *	a second. Removes the table at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "quarantine/quarbatch.h"
#include "table/nftrules.h"
#include "table/nftset.h"

/* now_s - monotonic seconds */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* cmp_d - qsort of doubles */
static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct nftrules_conf c = { .table = "sluicebq" };
	struct nftrules *n;
	struct quarbatch *q;
	struct sl_addr a = { .family = 4 };
	unsigned hosts = 100000, runs = 5, i, r;
	double *rate, t0, dt;
	char err[512];
	int opt;

	while ((opt = getopt(argc, argv, "n:r:t:")) != -1) {
		if (opt == 'n')
			hosts = (unsigned)strtoul(optarg, NULL, 10);
		else if (opt == 'r')
			runs = (unsigned)strtoul(optarg, NULL, 10);
		else if (opt == 't')
			c.table = optarg;
		else
			return 2;
	}
	if (hosts == 0 || hosts > (1u << 24) || runs == 0 || runs > 100)
		return 2;
	rate = calloc(runs, sizeof(*rate));
	if (rate == NULL || (n = nftrules_open()) == NULL ||
	    nftrules_install(n, &c, err, sizeof(err)) < 0 ||
	    (q = quarbatch_create()) == NULL) {
		fprintf(stderr, "bench_quarset: %s\n", rate ? err : "out of memory");
		return 1;
	}
	for (r = 0; r < runs; r++) {
		t0 = now_s();
		for (i = 0; i < hosts; i++) {
			a.b[0] = 10;
			a.b[1] = (uint8_t)(i >> 16);
			a.b[2] = (uint8_t)(i >> 8);
			a.b[3] = (uint8_t)i;
			(void)quarbatch_add(q, &a, 32, 3600ULL * 1000000000ULL);
		}
		if (quarbatch_flush(q, n, err, sizeof(err)) > 0) {
			fprintf(stderr, "bench_quarset: %s\n", err);
			return 1;
		}
		dt = now_s() - t0;
		rate[r] = hosts / dt;
		printf("run %u: %u elements in %.1f ms, %.0f elements/s\n", r + 1,
		       hosts, dt * 1000, rate[r]);
		if (nftset_fill(n, "quarantine", 4, NULL, 0, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_quarset: emptying: %s\n", err);
			return 1;
		}
	}
	qsort(rate, runs, sizeof(*rate), cmp_d);
	printf("sluiced batches: median %.0f elements/s (%u runs of %u)\n",
	       rate[runs / 2], runs, hosts);
	(void)nftrules_remove(n, err, sizeof(err));
	quarbatch_free(q);
	nftrules_close(n);
	free(rate);
	return 0;
}
