/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_dnsmsg - libFuzzer harness for the DNS answer parser
 * DESCRIPTION
 *	Any bytes go to dnsmsg_answers(); the count it returns must equal
 *	the records reported, and a refused message must report none.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dnsmsg.h"

struct tally { int n; };

/* count - touch every byte of the reported address (ASan checks it) */
static void count(void *ctx, int family, const uint8_t *addr, uint32_t ttl)
{
	struct tally *t = ctx;
	volatile uint8_t sink = 0;
	int i;

	if (family != 4 && family != 6)
		abort();
	for (i = 0; i < (family == 4 ? 4 : 16); i++)
		sink ^= addr[i];
	(void)sink;
	if (ttl > 0x7fffffffu)
		abort();
	t->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tally t = { 0 };
	int r = dnsmsg_answers(data, size, count, &t);

	if ((r < 0 && t.n != 0) || (r >= 0 && r != t.n))
		abort();
	return 0;
}
