/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_state - libFuzzer harness for loading a saved throttle state
 * DESCRIPTION
 *	The mail filters restore their working sets and queues from a file
 *	in the state directory at start-up; a damaged or foreign file must
 *	be refused (EINVAL) or loaded, never crash or leak. A load that
 *	succeeds is saved again and the copy must load too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"

static const uint8_t seed[16] = "fuzz-state-seed!";

/* ignore - release callback */
static void ignore(void *ctx, const void *key, uint64_t cookie,
		   enum throttle_why why)
{
	(void)ctx; (void)key; (void)cookie; (void)why;
}

/* fresh - a small throttle as the filters make them */
static struct throttle *fresh(void)
{
	struct throttle_params p = {
		.wset_size = 5, .release_ns = 1000000000ULL, .high = 50,
		.low = 25, .mem_cap = 1u << 20, .max_held = 256,
	};

	return throttle_create(&p, 64, seed, ignore, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct throttle *t = fresh();
	FILE *in = fmemopen((void *)data, size ? size : 1, "rb");

	if (t == NULL || in == NULL)
		abort();
	if (size && throttle_load(t, in, 5000000000ULL) == 0) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		struct throttle *u = fresh();
		FILE *again;

		if (out == NULL || u == NULL || throttle_save(t, out) < 0)
			abort();
		fclose(out);
		again = fmemopen(buf, len, "rb");
		if (again == NULL || throttle_load(u, again, 5000000000ULL) < 0)
			abort();	/* what we saved we must load */
		throttle_tick(u, 9000000000ULL);
		fclose(again);
		free(buf);
		throttle_free(u);
	}
	fclose(in);
	throttle_free(t);
	return 0;
}
