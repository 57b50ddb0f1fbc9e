/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_flowrec - libFuzzer harness for sluice-sim's flow-record parsers
 * DESCRIPTION
 *	The input is read three ways: line by line as a conntrack log, as
 *	Zeek TSV (header lines included) and as Zeek JSON, and whole as a
 *	pcap file. Whatever it holds, every record made has a kind, two
 *	addresses of one family and (for outcomes) a 0/1 success, every
 *	refusal has a reason, and nothing crashes or leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../examples/sim/flowpcap.h"
#include "../../examples/sim/flowrec.h"

/* check - the invariants of n records (or of a refusal) */
static void check(const struct flowrec *r, int n, const char *why)
{
	int i;

	if (n < 0 && why == NULL)
		abort();
	for (i = 0; i < n; i++)
		if ((r[i].kind != FLOWREC_START && r[i].kind != FLOWREC_OUTCOME)
		    || (r[i].src.family != 4 && r[i].src.family != 6)
		    || r[i].src.family != r[i].dst.family
		    || (r[i].success != 0 && r[i].success != 1))
			abort();
}

/* lines - every line through the three text parsers */
static void lines(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct flowrec_zeek z;
	struct flowrec r[2];
	const char *why;
	int n;

	flowrec_zeek_init(&z);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		why = NULL;
		n = flowrec_conntrack(p, (size_t)(nl - p), r, &why);
		check(r, n, why);
		why = NULL;
		n = flowrec_zeek_tsv(&z, p, (size_t)(nl - p), r, &why);
		check(r, n, n < 0 ? why : "");
		why = NULL;
		n = flowrec_zeek_json(p, (size_t)(nl - p), r, &why);
		check(r, n, why);
		p = nl + 1;
	}
}

/* capture - the input as a pcap file */
static void capture(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "rb");
	struct flowpcap *f;
	struct flowrec r;
	const char *why;
	char err[256];
	int n, guard = 0;

	if (fp == NULL || (f = flowpcap_fopen(fp, err, sizeof(err))) == NULL)
		return;
	do {
		why = NULL;
		n = flowpcap_next(f, &r, &why);
		check(&r, n, why);
	} while (n != 0 && ++guard < 100000);
	flowpcap_close(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lines(data, size);
	if (size > 0)
		capture(data, size);
	(void)flowrec_sniff(data, size);
	return 0;
}
