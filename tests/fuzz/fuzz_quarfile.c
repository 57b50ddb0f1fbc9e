/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_quarfile - libFuzzer harness for sluiced's saved quarantines
 * DESCRIPTION
 *	sluiced reads state_dir/sluiced.quarantine at start; whatever the
 *	file holds, every line is either restored or reported, a restored
 *	quarantine has a time left from 1 ns to 30 days and a valid address,
 *	and nothing crashes or leaks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "quarantine/quarfile.h"

#define MAX_LEFT_NS (30ULL * 24 * 3600 * NS_PER_SEC)

/* check - quarfile_fn: the invariants of a restored quarantine */
static void check(void *ctx, const struct sl_addr *a, uint64_t left_ns)
{
	(void)ctx;
	if (left_ns == 0 || left_ns > MAX_LEFT_NS
	    || (a->family != 4 && a->family != 6))
		abort();
}

/* count - quarfile_warn_fn: a line must have a number */
static void count(void *ctx, size_t line, const char *why)
{
	(void)ctx;
	if (line == 0 || why == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size ? size : 1, "rb");

	if (fp == NULL)
		return 0;
	if (size > 0)
		(void)quarfile_scan(fp, 1700000000, check, count, NULL);
	fclose(fp);
	return 0;
}
