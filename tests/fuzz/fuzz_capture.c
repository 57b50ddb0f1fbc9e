/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_capture - libFuzzer harness for the capture packet path
 * DESCRIPTION
 *	What capture_packet() does to a queued packet, without the queue
 *	and the raw sockets: cap_seg_parse(), cap_resp_segment() and, for
 *	an answer, cap_seg_build(); cap_hit_note() with its events
 *	formatted and checked as JSON (tests/unit/jsoncheck.h). The input
 *	is split at each 0xff 0x00 0xff marker into packets fed to one
 *	fresh responder, with the clock moving a second a packet, so
 *	sequences (SYN, handshake ACK, data, probes, RST) reach the record
 *	table and each input replays alike.
 *	Each packet is copied to a buffer of exactly its size, so
 *	AddressSanitizer catches a read one byte too far. An answer must
 *	parse back as TCP between the packet's own addresses. The same
 *	packet is read as neighbour discovery too (cap_nd_parse, for the
 *	IPv6 claim): what it accepts must point inside the packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cap_hit.h"
#include "capture/cap_nd.h"
#include "capture/cap_resp.h"
#include "capture/cap_seg.h"
#include "../unit/jsoncheck.h"

static struct cap_resp *resp;
static struct cap_hit *hit;

/* on_event - every event must be one valid JSON line */
static void on_event(void *ctx, const struct event *ev)
{
	char line[EVENT_MAX];
	size_t n = event_format(line, sizeof(line), ev);

	(void)ctx;
	if (n >= sizeof(line) || !json_line_valid(line, n))
		abort();
}

static const struct cap_hit_ops ops = { on_event, NULL, NULL };

/* setup - a responder and a hit counter for one input */
static void setup(void)
{
	static const uint8_t secret[16] = "fuzz capture key";
	struct cap_conf c;
	char err[256];

	memset(&c, 0, sizeof(c));
	c.sample_bytes = 4096;
	c.events_per_second = 3;
	resp = cap_resp_create(secret, 1 << 20, 600ULL * 1000000000ULL);
	hit = cap_hit_create(&c, secret, &ops, NULL, err, sizeof(err));
	if (resp == NULL || hit == NULL)
		abort();
}

/* one - a packet of len bytes */
static void one(const uint8_t *data, size_t len, uint64_t now)
{
	uint8_t *copy = malloc(len ? len : 1), out[CAP_SEG_MAX];
	struct cap_reply r;
	struct cap_seg s, back;
	struct cap_nd nd;
	enum cap_what w;
	int answer = 0;
	size_t n;

	memcpy(copy, data, len);
	if (cap_nd_parse(copy, len, &nd) == 0
	    && (nd.target < copy || nd.target + 16 > copy + len
		|| (nd.lladdr != NULL && nd.lladdr + 6 > copy + len)))
		abort();
	(void)cap_seg_parse(copy, len, &s);
	if (s.data_len > len || s.data_len > s.wire_len)
		abort();
	w = cap_resp_segment(resp, &s, now, &r, &answer);
	if (answer) {
		n = cap_seg_build(&r, out, sizeof(out));
		if (n == 0 || cap_seg_parse(out, n, &back) != CAP_SEG_TCP
		    || !addr_equal(&back.dst, &s.src) || !addr_equal(&back.src, &s.dst))
			abort();
	}
	cap_hit_note(hit, &s, w, now);
	(void)cap_resp_what(w);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t now = 1000000000ULL;
	size_t i, start = 0;

	setup();
	for (i = 0; i + 3 <= size; i++)
		if (data[i] == 0xff && data[i + 1] == 0 && data[i + 2] == 0xff) {
			one(data + start, i - start, now += 1000000000ULL);
			start = i + 3;
			i += 2;
		}
	one(data + start, size - start, now += 1000000000ULL);
	cap_hit_tick(hit, now, 0);
	cap_hit_free(hit);
	cap_resp_free(resp);
	return 0;
}
