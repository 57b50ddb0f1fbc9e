/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	clock - the two clocks the daemons pass into the core
 * DESCRIPTION
 *	The core never reads a clock: the daemons call these and pass the
 *	result, so every decision is testable without sleeping.
 */
#ifndef SLUICE_CLOCK_H
#define SLUICE_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NS_PER_SEC 1000000000ULL
#define NS_PER_MS 1000000ULL

/* sl_monotonic_ns - for every decision */
static inline uint64_t sl_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* sl_realtime_ns - for event timestamps */
static inline uint64_t sl_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* sl_since - time from then to now, 0 if then is later: a loop that
   read its clock once may compare it with a time noted afresh since */
static inline uint64_t sl_since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

#endif
