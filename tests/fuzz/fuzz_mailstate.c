/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_mailstate - libFuzzer harness for loading a mail filter's state
 * DESCRIPTION
 *	sluice-policyd and sluice-milter restore their throttle and their
 *	lockouts (lockout_min, honeytoken) from a snapshot of either
 *	version (mailthr_save.c); a damaged or foreign file must be refused
 *	(leaving nothing loaded) or loaded, never crash or leak. A load
 *	that succeeds is saved again and the copy must load too, with the
 *	same identities.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailthr.h"

static const uint8_t seed[16] = "fuzz-mail-seed!!";

/* fresh - a small mail throttle as the filters make them */
static struct mailthr *fresh(void)
{
	struct mailthr_params p;

	mailthr_defaults(&p);
	p.thr.mem_cap = 1u << 20;
	p.thr.max_held = 256;
	return mailthr_create(&p, seed, NULL, NULL);
}

/* count - walk callback */
static int count(void *ctx, const char *identity,
		 const struct throttle_info *info)
{
	(void)identity;
	(void)info;
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mailthr *m = fresh();
	FILE *in = fmemopen((void *)data, size ? size : 1, "rb");
	size_t n1 = 0, n2 = 0;

	if (m == NULL || in == NULL)
		abort();
	if (size && mailthr_load(m, in, 5000000000ULL) == 0) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		struct mailthr *u = fresh();
		FILE *again;

		if (out == NULL || u == NULL || mailthr_save(m, out) < 0)
			abort();
		fclose(out);
		again = fmemopen(buf, len, "rb");
		if (again == NULL || mailthr_load(u, again, 5000000000ULL) < 0)
			abort();	/* what we saved we must load */
		mailthr_walk(m, count, &n1);
		mailthr_walk(u, count, &n2);
		if (n1 != n2)
			abort();
		mailthr_tick(u, 9000000000ULL);
		fclose(again);
		free(buf);
		mailthr_free(u);
	} else if (size) {
		mailthr_walk(m, count, &n1);
		if (n1 != 0)
			abort();	/* refused, yet half-loaded */
	}
	fclose(in);
	mailthr_free(m);
	return 0;
}
