/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_mstate - recipient decisions per second through sluice-milter's
 *	sharded state, by thread and shard count
 * SYNOPSIS
 *	milter-mstate [-t threads] [-s shards] [-n decisions per thread]
 * DESCRIPTION
 *	Each thread stands for SMTP sessions of its own senders (1000 per
 *	thread): 90% of recipients repeat one of the sender's last three,
 *	10% are new, as in the core's benchmark. With one shard every
 *	thread meets on one mutex, as with a global lock; with more, the
 *	threads rarely do. Waits are given up at once (past deadline).
 *	Prints decisions per second, then the share of decisions that
 *	found their shard's lock held by another thread (in percent): the
 *	contention sharding removes, which unlike the rate does not
 *	depend on how busy the machine is.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../../milter/mstate.h"

static struct mstate *state;
static unsigned long per_thread = 2000000;

/* now_ns - monotonic */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* run - one thread's decisions */
static void *run(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg, seed = id * 7919 + 1;
	char snd[64], rc[64];
	struct mailthr_result res;
	struct mstate_ticket *t;
	struct mailaddr_req r = { .client_addr = "192.0.2.1" };
	unsigned long i;

	for (i = 0; i < per_thread; i++) {
		unsigned s = (unsigned)rand_r(&seed) % 1000;
		unsigned k = (unsigned)rand_r(&seed) % 100;

		snprintf(snd, sizeof(snd), "u%u-%u@example.org", id, s);
		if (k < 90)
			snprintf(rc, sizeof(rc), "r%u@example.net", k % 3);
		else
			snprintf(rc, sizeof(rc), "n%lu@example.net", i);
		r.sender = snd;
		r.recipient = rc;
		if (mstate_rcpt(state, &r, 1000000000ULL + i * 1000, &res, &t) ==
		    MAILTHR_WAIT)
			mstate_wait(state, t, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const uint8_t seed[16] = "bench-mstate-sd";
	unsigned threads = 2, shards = 16, i;
	struct mailthr_params p;
	pthread_t th[64];
	uint64_t t0, t1, dec, busy;
	int c;

	while ((c = getopt(argc, argv, "t:s:n:")) != -1) {
		switch (c) {
		case 't': threads = (unsigned)atoi(optarg); break;
		case 's': shards = (unsigned)atoi(optarg); break;
		case 'n': per_thread = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: %s [-t threads] [-s shards] "
				"[-n decisions]\n", argv[0]);
			return 2;
		}
	}
	if (threads == 0 || threads > 64)
		return 2;
	mailthr_defaults(&p);
	if ((state = mstate_create(&p, shards, seed)) == NULL) {
		perror("mstate_create");
		return 1;
	}
	t0 = now_ns();
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, run, (void *)(uintptr_t)i);
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	t1 = now_ns();
	mstate_contention(state, &dec, &busy);
	printf("%.0f %.2f\n", (double)threads * (double)per_thread /
	       ((double)(t1 - t0) / 1e9), dec ? 100.0 * (double)busy / (double)dec : 0.0);
	mstate_free(state);
	return 0;
}
