/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	pkt - parse the headers of a queued packet
 * SYNOPSIS
 *	#include "queue/pkt.h"
 * DESCRIPTION
 *	pkt_parse() reads an IPv4 or IPv6 packet as NFQUEUE hands it over
 *	(network header first, possibly cut at the copy range) and fills a
 *	struct pkt_info: addresses, transport protocol, ports, TCP flags,
 *	ICMP type and code, and for ICMP errors the addresses and ports of
 *	the packet the error quotes. Every length is checked before it is
 *	read. The result is always one of a fixed set of kinds; anything
 *	that cannot be read is PKT_BAD (no usable addresses) or PKT_OTHER
 *	(addresses valid, transport unknown, fragmented or cut short), so
 *	the caller always has a defined case to give a verdict for.
 */
#ifndef SLUICE_PKT_H
#define SLUICE_PKT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

enum pkt_kind {
	PKT_BAD,		/* not a readable IP packet */
	PKT_OTHER,		/* IP, but no usable transport header */
	PKT_TCP,
	PKT_UDP,
	PKT_ICMP,		/* ICMP or ICMPv6 */
};

#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_ACK 0x10

/* the packet an ICMP error quotes, as far as it was readable */
struct pkt_quote {
	int valid;		/* addresses read */
	uint8_t proto;
	struct sl_addr src, dst;
	uint16_t sport, dport;	/* 0 unless TCP or UDP and readable */
};

struct pkt_info {
	enum pkt_kind kind;
	uint8_t proto;		/* transport protocol number; 0 if unknown */
	struct sl_addr src, dst;	/* family 0 for PKT_BAD */
	uint16_t sport, dport;	/* host order; TCP and UDP */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	int icmp_error;		/* unreachable, time exceeded, ... */
	struct pkt_quote quote;	/* icmp_error: the quoted packet */
};

/* where the network header said the transport header is */
struct pkt_l3 {
	struct sl_addr src, dst;
	uint8_t proto;
	size_t l4;		/* offset of the transport header */
	size_t end;		/* end of readable bytes */
	size_t total;		/* length the header gives (may pass end) */
	int fragment;		/* not the first fragment: no transport header */
};

/* pkt_l3 - the network header(s) of len bytes at p; 0, or -1 if not
   a readable IPv4 or IPv6 packet (added, for the capture path) */
int pkt_l3(const uint8_t *p, size_t len, struct pkt_l3 *out);
/* pkt_parse - parse len bytes at p into out; returns out->kind */
enum pkt_kind pkt_parse(const uint8_t *p, size_t len, struct pkt_info *out);
/* pkt_kind_name - "tcp", "udp", "icmp", "other", "bad" */
const char *pkt_kind_name(enum pkt_kind k);
/* pkt_proto_name - "TCP", "UDP", "ICMP" for events; NULL if none */
const char *pkt_proto_name(uint8_t proto);

#endif
