/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_dnsreasm - libFuzzer harness for DNS over TCP reassembly
 * DESCRIPTION
 *	The bytes are a run of segments, each a header (flow: one byte
 *	picking one of 256 flows over 8 clients; flags: bit 0 FIN; a
 *	16-bit sequence offset; a 16-bit length; a time step in 1/16 s)
 *	and up to that many data bytes. They go to dnsreasm_feed() in
 *	order, against one reassembler kept across inputs, so eviction,
 *	the per-client bound, idleness, gaps and overlaps all meet hostile
 *	orders. Every message handed must lie inside a buffer of its own
 *	length (ASan checks the read), the flows held never pass the
 *	bound, and nothing leaks at exit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dnsreasm.h"

static struct dnsreasm *re;
static uint32_t seq[256];
static uint64_t now;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* on_msg - read every byte of the message handed */
static void on_msg(void *ctx, const uint8_t *msg, size_t len)
{
	volatile uint8_t x = 0;
	size_t i;

	for (i = 0; i < len; i++)
		x ^= msg[i];
	(void)x;
	(*(size_t *)ctx)++;
}

/* LLVMFuzzerTestOneInput - a run of segments */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnsreasm_key k = { 0 };
	size_t off = 0, n, msgs = 0;
	unsigned f;

	if (re == NULL && (re = dnsreasm_create()) == NULL)
		abort();
	while (size - off >= 7) {
		f = data[off];
		k.src.family = k.dst.family = 4;
		k.src.b[0] = 10;
		k.dst.b[0] = 10;
		k.dst.b[3] = (uint8_t)(f & 7);	/* 8 clients */
		k.sport = 53;
		k.dport = (uint16_t)f;
		seq[f] += (uint32_t)(data[off + 2] << 8 | data[off + 3]) - 32768;
		n = (size_t)(data[off + 4] << 8 | data[off + 5]);
		now += (uint64_t)data[off + 6] * 62500000ULL;
		off += 7;
		if (n > size - off)
			n = size - off;
		(void)dnsreasm_feed(re, &k, seq[f], data[off - 6] & 1, data + off, n,
				    now, on_msg, &msgs);
		seq[f] += (uint32_t)n;
		off += n;
		if (dnsreasm_flows(re) > DNSREASM_FLOWS)
			abort();
	}
	return 0;
}
