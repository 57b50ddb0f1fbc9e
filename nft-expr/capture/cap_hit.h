/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_hit - what a hit on a dark address leaves: counters, a sample,
 *	an event, the daemon's action
 * SYNOPSIS
 *	#include "capture/cap_hit.h"
 * DESCRIPTION
 *	cap_hit_note() takes one classified segment (cap_resp(3)): it is
 *	counted per protocol; a first payload or first datagram is stored
 *	as a sample (cap_store(3), the first sample_bytes of it); a SYN,
 *	a first payload or a first datagram is a hit, and writes an event
 *	"honeypot" unless the source is over its rate (cap_limit(3): then
 *	it is counted, and the count rides on the source's next event or
 *	on an event of stage "suppressed" once its second is over). Each
 *	hit is handed to the daemon's hit callback (a signal to the
 *	countermeasures, if the configuration says so). A full store says so once in an event of
 *	stage "store_full", and again only after it had room.
 *
 *	The event's "honeypot" object: "stage" (syn, payload, datagram,
 *	suppressed, store_full), for a payload "sha256", "length" (bytes
 *	hashed and kept), "seen" (bytes the segment carried, when more),
 *	"payload" (the first 256 bytes, base64) and "sample" (new, known,
 *	full, off or error); "suppressed" when events were left out.
 */
#ifndef SLUICE_CAP_HIT_H
#define SLUICE_CAP_HIT_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "capture/cap_conf.h"
#include "capture/cap_resp.h"
#include "capture/cap_seg.h"

#define CAP_HIT_PAYLOAD_B64 256	/* payload bytes quoted in an event */

struct cap_hit_ops {
	void (*event)(void *ctx, const struct event *ev);
	/* may be NULL */
	void (*hit)(void *ctx, const struct sl_addr *src, uint16_t dport);
	/* a goat file's event (may be NULL: event) */
	void (*goat)(void *ctx, const struct event *ev);
};

/* per protocol (0 TCP, 1 UDP) */
struct cap_hit_proto {
	uint64_t hits, payloads, probes, closes, again;
};

struct cap_hit_stats {
	struct cap_hit_proto proto[2];
	uint64_t invalid, events, suppressed;
	uint64_t samples_new, samples_known, samples_refused, samples_failed;
	uint64_t samples, sample_bytes;		/* in the store now */
};

struct cap_hit;

/* cap_hit_create - samples in c->sample_dir (if set, which must exist);
   NULL with the reason in err */
struct cap_hit *cap_hit_create(const struct cap_conf *c, const uint8_t seed[16],
			       const struct cap_hit_ops *ops, void *ctx,
			       char *err, size_t errlen);
/* cap_hit_free - accepts NULL */
void cap_hit_free(struct cap_hit *h);
/* cap_hit_note - one segment s, classified as w, at monotonic now */
void cap_hit_note(struct cap_hit *h, const struct cap_seg *s,
		  enum cap_what w, uint64_t now_ns);
/* cap_hit_tick - suppressed counts due; the store's age sweep when due
   (wall is CLOCK_REALTIME seconds) */
void cap_hit_tick(struct cap_hit *h, uint64_t now_ns, int64_t wall_s);
/* cap_hit_stats - counters */
void cap_hit_stats(const struct cap_hit *h, struct cap_hit_stats *out);

#endif
