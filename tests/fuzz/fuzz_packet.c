/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_packet - libFuzzer harness for what sluiced reads from the kernel
 * DESCRIPTION
 *	The first byte picks the parser: even, pkt_parse() on a queued
 *	packet (IPv4, IPv6, TCP, UDP, ICMP, truncated and odd headers);
 *	odd, ctmsg_parse() on a conntrack event message. Both must return
 *	a defined result for any bytes and never read past them. Each
 *	input is copied to a buffer of exactly its size, so AddressSanitizer
 *	catches a read one byte too far. Crashes become cases in
 *	tests/unit/pkt_parse.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ct/ctmsg.h"
#include "queue/pkt.h"

/* fuzz_pkt - the packet parser; checks its own invariants */
static void fuzz_pkt(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct pkt_info pi;
	enum pkt_kind k;

	memcpy(copy, data, size);
	k = pkt_parse(copy, size, &pi);
	if (k != pi.kind || (k != PKT_BAD && pi.src.family != 4 && pi.src.family != 6))
		abort();
	if (k == PKT_BAD && pi.src.family != 0)
		abort();
	(void)pkt_kind_name(k);
	free(copy);
}

/* fuzz_ct - the conntrack event parser on one netlink message */
static void fuzz_ct(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	struct ct_flow f;

	if (size < sizeof(*nlh))
		return;
	nlh = malloc(size);
	memcpy(nlh, data, size);
	/* ctevents only hands over messages mnl_nlmsg_ok accepted */
	if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > size)
		nlh->nlmsg_len = (uint32_t)size;
	if (ctmsg_parse(nlh, &f) != f.outcome)
		abort();
	free(nlh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_ct(data + 1, size - 1);
	else
		fuzz_pkt(data + 1, size - 1);
	return 0;
}
