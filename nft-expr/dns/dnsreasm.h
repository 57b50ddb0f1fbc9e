/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsreasm - DNS messages over TCP put back together across segments
 * SYNOPSIS
 *	#include "dns/dnsreasm.h"
 * DESCRIPTION
 *	A resolver's answer over TCP is a 2-byte length and the message;
 *	a long one (DNSSEC, many records) spans segments. dnsreasm_feed()
 *	takes each data segment of a flow from port 53 in turn and hands
 *	every whole message to fn: one that fits its segment at once, with
 *	no copy, one spread over segments once its last byte came.
 *
 *	Bounded: DNSREASM_FLOWS flows at once, DNSREASM_PER_CLIENT of one
 *	client, DNSREASM_BYTES buffered in all (a message's buffer is
 *	allocated when its length is known). A flow is dropped on FIN or
 *	RST, after DNSREASM_IDLE_NS without a segment, or when a segment
 *	leaves a gap (a lost segment: what was buffered is lost); the
 *	oldest flow makes room for a new one. A retransmitted segment
 *	already read is skipped; one overlapping the end of what was read
 *	gives only its new bytes. Whatever is dropped with a partial
 *	message in it is counted (dnsreasm_feed's return, *lost).
 */
#ifndef SLUICE_DNSREASM_H
#define SLUICE_DNSREASM_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

#define DNSREASM_FLOWS 64
#define DNSREASM_PER_CLIENT 4
#define DNSREASM_BYTES (1u << 20)
#define DNSREASM_IDLE_NS (10ULL * 1000000000ULL)

/* one TCP flow from a resolver (src, port 53) to a client (dst) */
struct dnsreasm_key {
	struct sl_addr src, dst;
	uint16_t sport, dport;
};

/* fn gets each whole message (without its length) */
typedef void dnsreasm_fn(void *ctx, const uint8_t *msg, size_t len);

struct dnsreasm;

/* dnsreasm_create - NULL with errno */
struct dnsreasm *dnsreasm_create(void);
/* dnsreasm_free - accepts NULL */
void dnsreasm_free(struct dnsreasm *r);
/* dnsreasm_feed - one segment of flow k: seq of its first data byte,
   fin (FIN or RST: the flow ends after it), len data bytes; whole
   messages to fn; the partial messages lost (dropped, no room) */
unsigned dnsreasm_feed(struct dnsreasm *r, const struct dnsreasm_key *k,
		       uint32_t seq, int fin, const uint8_t *data, size_t len,
		       uint64_t now, dnsreasm_fn *fn, void *ctx);
/* dnsreasm_flows - flows with a partial message now */
size_t dnsreasm_flows(const struct dnsreasm *r);

#endif
