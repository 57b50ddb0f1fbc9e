/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	benchutil - helpers shared by the single-thread benchmarks
 * DESCRIPTION
 *	Thread CPU time (the machine is shared, and time other processes
 *	hold the CPU is not ours to count), a small generator for request
 *	streams (never timed), and the median of a set of runs.
 */
#ifndef SLUICE_BENCHUTIL_H
#define SLUICE_BENCHUTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* secs - this thread's CPU seconds */
static inline double secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rng - xorshift64* */
static inline uint64_t rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* cmp_double - qsort order */
static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median - of n values (sorts them) */
static inline double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
