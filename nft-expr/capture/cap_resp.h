/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_resp - the honeypot's TCP and UDP answers, without sockets
 * SYNOPSIS
 *	#include "capture/cap_resp.h"
 * DESCRIPTION
 *	cap_resp_segment() decides, for one parsed segment to a dark
 *	address, what happened (a SYN, the first payload, a window probe
 *	of a held connection, a first or repeated UDP datagram) and what
 *	to answer. A SYN is answered the way Linux answers it: the options
 *	offered are answered in Linux's order (MSS, SACK permitted with
 *	timestamps, window scale 7), the window Linux would open (65535
 *	rounded down to whole segments), an initial sequence number from a
 *	keyed hash of the four-tuple and a clock epoch, a timestamp clock
 *	offset per address pair. Nothing is kept for a SYN: a SYN flood
 *	costs no memory. The handshake's ACK is checked against that hash
 *	(it must come in the SYN-ACK's epoch or the next, 69 to 137 s) and makes a small record
 *	(16 bytes of value) in a bounded table (hosttab(3), least recently
 *	used evicted); the first payload is acknowledged in full with the
 *	window closed, and from then on every segment of the connection
 *	(window probes, retransmissions) is answered with the same
 *	acknowledgement and a zero window: the client's stack keeps the
 *	connection in persist for as long as it wants. UDP flows get a
 *	record too, so only the first datagram of each counts as a sample.
 *	Records idle for longer than the hold timeout go in cap_resp_sweep().
 */
#ifndef SLUICE_CAP_RESP_H
#define SLUICE_CAP_RESP_H

#include <stddef.h>
#include <stdint.h>
#include "capture/cap_seg.h"

#define CAP_RESP_EPOCH_SHIFT 36	/* ISN epochs of 2^36 ns, about 69 s */
#define CAP_RESP_WSCALE 7	/* Linux's with the default tcp_rmem */

enum cap_what {
	CAP_NOTHING,		/* nothing to count (handshake ACK, RST) */
	CAP_SYN,		/* a SYN: a hit */
	CAP_DATA,		/* the first payload of a connection */
	CAP_PROBE,		/* a segment of a held connection */
	CAP_CLOSE,		/* the client closed a connection */
	CAP_UDP_FIRST,		/* the first datagram of a UDP flow */
	CAP_UDP_AGAIN,		/* a later one */
	CAP_INVALID,		/* a segment we never started: ignored */
};

struct cap_resp;

struct cap_resp_stats {
	size_t records, capacity, bytes;
	uint64_t evictions;
	uint64_t held;		/* TCP records with the window closed */
	uint64_t active;	/* of which seen within the hold timeout's
				   probe interval at the last sweep */
};

/* cap_resp_create - secret seeds the hashes; mem_cap bounds the table;
   NULL with errno */
struct cap_resp *cap_resp_create(const uint8_t secret[16], size_t mem_cap,
				 uint64_t hold_timeout_ns);
/* cap_resp_free - accepts NULL */
void cap_resp_free(struct cap_resp *r);
/* cap_resp_segment - what s is and, when *reply_out is set to 1, the
   segment to send in *reply */
enum cap_what cap_resp_segment(struct cap_resp *r, const struct cap_seg *s,
			       uint64_t now_ns, struct cap_reply *reply,
			       int *reply_out);
/* cap_resp_sweep - drop records idle past the hold timeout; count the
   held ones seen within probe_ns */
void cap_resp_sweep(struct cap_resp *r, uint64_t now_ns, uint64_t probe_ns);
/* cap_resp_stats - the table's numbers */
void cap_resp_stats(const struct cap_resp *r, struct cap_resp_stats *out);
/* cap_resp_what - "syn", "payload", "probe", ... */
const char *cap_resp_what(enum cap_what w);

#endif
