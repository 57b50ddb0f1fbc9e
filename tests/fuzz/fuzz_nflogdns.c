/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_nflogdns - libFuzzer harness for the NFLOG DNS answers path
 * DESCRIPTION
 *	The bytes are what the NFLOG socket reads: netlink messages one
 *	after another. Each goes through nflog_parse() (queue/nflog.c);
 *	a payload it returns must lie inside the input, and goes on to
 *	dnssnoop_packet() (dns/dnssnoop.c) as sluiced hands it over, so
 *	the IP and transport headers, the TCP length prefix and dnsmsg
 *	all meet hostile bytes. The pairs table is small, so eviction
 *	runs too, and no pair may exist without a record read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "dns/dnssnoop.h"
#include "queue/nflog.h"

static struct dnssnoop *snoop;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one read's worth of netlink messages */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[16] = { 7 };
	const struct nlmsghdr *nlh;
	struct dnssnoop_stats st;
	struct nflog_pkt p;
	uint8_t *buf;
	size_t off, len;

	if (snoop == NULL && (snoop = dnssnoop_create(0, 1 << 20, seed)) == NULL)
		abort();
	/* netlink messages are 4-byte aligned in the socket's buffer */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	/* the walk mnl_nlmsg_ok/next make of the kernel's messages, with
	   lengths checked as unsigned: libmnl trusts the kernel with
	   lengths past INT_MAX, which only a fuzzer sends */
	for (off = 0; off <= size && size - off >= sizeof(*nlh);
	     off += MNL_ALIGN(len)) {
		nlh = (const void *)(buf + off);
		len = nlh->nlmsg_len;
		if (len < sizeof(*nlh) || len > size - off)
			break;
		if (nflog_parse(nlh, &p) < 0)
			continue;
		if (p.data < buf || p.data + p.len > buf + size || p.len == 0)
			abort();
		(void)dnssnoop_packet(snoop, p.data, p.len, 1);
	}
	/* the raw bytes as a logged packet too */
	(void)dnssnoop_packet(snoop, buf, size, 2);
	dnssnoop_stats(snoop, &st);
	if (st.pairs > st.records)	/* a pair only from a record */
		abort();
	free(buf);
	return 0;
}
