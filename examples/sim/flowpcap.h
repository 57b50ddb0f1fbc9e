/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	flowpcap - flow records from a packet capture (libpcap)
 * SYNOPSIS
 *	#include "flowpcap.h"
 * DESCRIPTION
 *	Reads pcap or pcapng files (Ethernet, Linux cooked v1 and v2, raw
 *	IP, BSD loopback) and turns packets into flow records as sluiced
 *	would see them: a TCP SYN or the first UDP datagram of a pair of
 *	addresses and ports starts a flow; a SYN-ACK, or a UDP datagram
 *	back, is its success; a reset from the responder, or an ICMP error
 *	quoting the flow, its failure. Headers are read by pkt_parse(), the
 *	parser sluiced itself uses. A bounded table of flows (idle ones
 *	forgotten after FLOWPCAP_IDLE_NS of capture time) tells a first
 *	datagram from a later one and a retransmitted SYN from a new one.
 */
#ifndef SLUICE_FLOWPCAP_H
#define SLUICE_FLOWPCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "flowrec.h"

#define FLOWPCAP_IDLE_NS (120ULL * 1000000000ULL)
#define FLOWPCAP_MAX_FLOWS (1u << 20)

struct flowpcap;

/* flowpcap_open - read path; NULL with the reason in err */
struct flowpcap *flowpcap_open(const char *path, char *err, size_t errlen);
/* flowpcap_fopen - read an open stream (taken over); NULL with err */
struct flowpcap *flowpcap_fopen(FILE *fp, char *err, size_t errlen);
/* flowpcap_close - accepts NULL */
void flowpcap_close(struct flowpcap *f);
/* flowpcap_next - the next record: 1, 0 at the end, -1 for a packet
   that could not be used (why says; the next call goes on) */
int flowpcap_next(struct flowpcap *f, struct flowrec *out, const char **why);
/* flowpcap_packets - packets read so far (the packet number of a why) */
uint64_t flowpcap_packets(const struct flowpcap *f);

#endif
