/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture - sluiced's honeypot on dark addresses: queue in, raw out
 * SYNOPSIS
 *	#include "capture/capture.h"
 * DESCRIPTION
 *	The ruleset (table/nftrules.c) sends every packet to a dark address
 *	to the capture queue at prerouting, untracked. capture_read() takes
 *	a burst from that queue, drops every packet (the kernel must not
 *	answer or forward it), and for each TCP or UDP segment to a port
 *	of [capture] ports asks cap_resp(3) what it is and what to answer;
 *	answers leave through raw sockets (IPv4 and IPv6, header
 *	included), opened at start while sluiced still may. cap_hit(3)
 *	counts, stores samples and writes events. Nothing here allocates
 *	per packet or per connection.
 */
#ifndef SLUICE_CAPTURE_H
#define SLUICE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include "capture/cap_conf.h"
#include "capture/cap_hit.h"
#include "capture/cap_resp.h"

#define CAPTURE_PROBE_NS (120ULL * 1000000000ULL)	/* Linux's longest
							   probe interval */

struct capture_stats {
	struct cap_hit_stats hit;
	struct cap_resp_stats resp;
	uint64_t packets, other, ports_off, replies, send_errors;
};

struct capture;

/* capture_open - queue, raw sockets, tables; NULL with err */
struct capture *capture_open(const struct cap_conf *c, int fail_open,
			     const uint8_t secret[16],
			     const struct cap_hit_ops *ops, void *ctx,
			     char *err, size_t errlen);
/* capture_close - unbind and close; accepts NULL */
void capture_close(struct capture *cap);
/* capture_fd - the queue's descriptor, for epoll */
int capture_fd(const struct capture *cap);
/* capture_read - one burst from the queue at monotonic now; packets
   read, or -1 with errno */
int capture_read(struct capture *cap, uint64_t now_ns);
/* capture_packet - one packet as the queue gives it: the answer sent,
   the hit noted (capture_read's work, apart for tests and fuzzing) */
void capture_packet(struct capture *cap, const uint8_t *p, size_t len,
		    uint64_t now_ns);
/* capture_tick - once a second: suppressed counts, record sweep,
   sample expiry */
void capture_tick(struct capture *cap, uint64_t now_ns, int64_t wall_s);
/* capture_reconf - the daemon's reloaded [capture] (dark and ports may
   have changed; capture_change in sdreload.c refuses the rest) */
void capture_reconf(struct capture *cap, const struct cap_conf *c);
/* capture_stats - counters */
void capture_stats(const struct capture *cap, struct capture_stats *out);

#endif
