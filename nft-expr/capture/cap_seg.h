/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_seg - read a TCP or UDP segment to a dark address, build a reply
 * SYNOPSIS
 *	#include "capture/cap_seg.h"
 * DESCRIPTION
 *	cap_seg_parse() reads what the capture queue hands over (network
 *	header first, possibly cut at the copy range): the addresses and
 *	ports, for TCP the sequence numbers, flags, window and the options
 *	a SYN may offer (MSS, SACK permitted, timestamps, window scale),
 *	and the payload as far as it was copied, with the length the
 *	headers claim. The network headers are read by pkt_l3(), so the
 *	same bounds hold as for the verdict path. Fragments, cut or
 *	malformed transport headers are CAP_SEG_OTHER: never answered.
 *
 *	cap_seg_build() writes one IPv4 or IPv6 TCP segment with its
 *	checksums into a buffer, for a raw socket.
 */
#ifndef SLUICE_CAP_SEG_H
#define SLUICE_CAP_SEG_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

enum cap_seg_kind { CAP_SEG_BAD, CAP_SEG_OTHER, CAP_SEG_TCP, CAP_SEG_UDP };

#define CAP_TCP_FIN 0x01
#define CAP_TCP_SYN 0x02
#define CAP_TCP_RST 0x04
#define CAP_TCP_PSH 0x08
#define CAP_TCP_ACK 0x10

#define CAP_NO_WSCALE 0xff	/* wscale when the option was not offered */
#define CAP_OPT_MAX 40		/* TCP option space */
#define CAP_SEG_MAX 100		/* the longest segment we build: IPv6 + TCP */

struct cap_seg {
	enum cap_seg_kind kind;
	struct sl_addr src, dst;
	uint8_t proto;		/* 6 or 17; any for CAP_SEG_OTHER */
	uint16_t sport, dport;
	uint32_t seq, ack;	/* TCP */
	uint8_t flags;
	uint16_t win;
	uint16_t mss;		/* 0: not offered */
	uint8_t sack_ok, has_ts, wscale;
	uint32_t tsval, tsecr;
	const uint8_t *data;	/* payload as far as copied */
	size_t data_len;
	size_t wire_len;	/* payload length the headers claim */
};

/* what to send: one TCP segment from src to dst */
struct cap_reply {
	struct sl_addr src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint16_t ip_id;		/* IPv4 only */
	uint8_t opt[CAP_OPT_MAX];
	size_t opt_len;		/* a multiple of 4 */
};

/* cap_seg_parse - parse len bytes at p; returns out->kind */
enum cap_seg_kind cap_seg_parse(const uint8_t *p, size_t len,
				struct cap_seg *out);
/* cap_seg_build - the segment into buf (at least CAP_SEG_MAX bytes);
   its length, or 0 if the addresses are not of one family */
size_t cap_seg_build(const struct cap_reply *r, uint8_t *buf, size_t len);

#endif
