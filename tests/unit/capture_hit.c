/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_hit - unit test of what a hit leaves: events, samples,
 *	counters (nft-expr/capture/cap_hit.c)
 * DESCRIPTION
 *	Segments built by capture_pkt.h, classified by hand, fed with time
 *	passed in; the events are formatted and read back as text. A scan
 *	burst is limited and its suppressed count reported; a payload's
 *	event names its SHA-256 and quotes it; the store says full once;
 *	the hit callback sees every hit and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/cap_hit.h"
#include "../tap.h"
#include "capture_pkt.h"

#define SEC 1000000000ULL

static char lines[64][EVENT_MAX];
static int nlines, hits;
static const uint8_t seed[16] = "capture hit seed";

/* on_event - keep the JSON line */
static void on_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	if (nlines < 64)
		(void)event_format(lines[nlines++], EVENT_MAX, ev);
}

static unsigned last_dport;

/* on_hit - count, and keep the port */
static void on_hit(void *ctx, const struct sl_addr *src, uint16_t dport)
{
	(void)ctx;
	(void)src;
	hits++;
	last_dport = dport;
}

static const struct cap_hit_ops ops = { on_event, on_hit, NULL };

/* seg - a parsed client segment */
static struct cap_seg seg(uint8_t *buf, uint8_t flags, const char *data)
{
	struct cap_seg s;

	(void)cap_seg_parse(buf, cp_tcp(buf, 4, flags, 1, 1, NULL, 0, data,
					data ? strlen(data) : 0), &s);
	return s;
}

/* count - lines holding all of a and b */
static int count(const char *a, const char *b)
{
	int i, n = 0;

	for (i = 0; i < nlines; i++)
		n += strstr(lines[i], a) && (b == NULL || strstr(lines[i], b));
	return n;
}

int main(void)
{
	char dir[] = "/tmp/capture_hit.XXXXXX", path[256], cmd[300];
	struct cap_hit_stats st;
	struct cap_conf c;
	struct cap_hit *h;
	uint8_t buf[300];
	struct cap_seg s;
	char err[256];
	int i;

	if (mkdtemp(dir) == NULL)
		return 1;
	memset(&c, 0, sizeof(c));
	c.sample_bytes = 8;
	c.sample_cap = 12;
	c.events_per_second = 5;
	c.sample_dir = dir;
	h = cap_hit_create(&c, seed, &ops, NULL, err, sizeof(err));
	ok(h != NULL, "created (%s)", h ? "ok" : err);
	s = seg(buf, CAP_TCP_SYN, NULL);
	for (i = 0; i < 12; i++)
		cap_hit_note(h, &s, CAP_SYN, 10 * SEC + (uint64_t)i);
	is_int(count("\"stage\":\"syn\"", NULL), 5, "12 SYNs in a second: 5 events");
	ok(strstr(lines[0], "\"event_type\":\"honeypot\"") && strstr(lines[0], "\"src_ip\":\"10.77.1.11\"")
	   && strstr(lines[0], "\"dest_ip\":\"10.77.9.5\"") && strstr(lines[0], "\"dest_port\":80")
	   && strstr(lines[0], "\"proto\":\"TCP\""), "the event's EVE fields: %s", lines[0]);
	cap_hit_tick(h, 11 * SEC + 1, 0);
	is_int(count("\"stage\":\"suppressed\"", "\"suppressed\":7"), 1,
	       "the next second: one event with the 7 suppressed");
	s = seg(buf, CAP_TCP_ACK | CAP_TCP_PSH, "HELLO WORM!");
	cap_hit_note(h, &s, CAP_DATA, 20 * SEC);
	/* sha256("HELLO WO") */
	snprintf(path, sizeof(path), "%s/%s", dir,
		 "2603ed39baac27fdae69019fe40e103c2239ea95a2c0bdb9230d252bbf4da853");
	i = count("\"stage\":\"payload\"", "\"length\":8,\"seen\":11");
	is_int(i, 1, "payload event: 8 bytes kept of 11 seen");
	ok(count("\"payload\":\"SEVMTE8gV08=\"", "\"sample\":\"new\"") == 1,
	   "quotes them in base64 and says the sample is new");
	ok(count("\"sha256\":\"2603ed39baac27fdae69019fe40e103c2239ea95a2c0bdb9230d252bbf4da853\"", NULL) == 1,
	   "and names its SHA-256");
	ok(access(path, F_OK) == 0, "stored under that name");
	cap_hit_note(h, &s, CAP_DATA, 21 * SEC);
	is_int(count("\"sample\":\"known\"", NULL), 1, "the same payload again: known");
	s = seg(buf, CAP_TCP_ACK, "0123456789abcdef");
	cap_hit_note(h, &s, CAP_DATA, 22 * SEC);
	s = seg(buf, CAP_TCP_ACK, "zzzzzzzzzzzzzzzz");
	cap_hit_note(h, &s, CAP_DATA, 23 * SEC);
	is_int(count("\"stage\":\"store_full\"", NULL), 1, "over the 12-byte cap: store_full once");
	is_int(count("\"sample\":\"full\"", NULL), 2, "both refused samples say full");
	hits = 0;
	cap_hit_note(h, &s, CAP_PROBE, 24 * SEC);
	cap_hit_note(h, &s, CAP_CLOSE, 24 * SEC);
	cap_hit_note(h, &s, CAP_INVALID, 24 * SEC);
	is_int(hits, 0, "probes, closes and invalid segments are no hits");
	cap_hit_stats(h, &st);
	ok(st.proto[0].hits == 12 && st.proto[0].payloads == 4 && st.proto[0].probes == 1
	   && st.proto[0].closes == 1 && st.invalid == 1 && st.suppressed == 7,
	   "counters: hits %llu payloads %llu probes %llu suppressed %llu",
	   (unsigned long long)st.proto[0].hits, (unsigned long long)st.proto[0].payloads,
	   (unsigned long long)st.proto[0].probes, (unsigned long long)st.suppressed);
	ok(st.samples_new == 1 && st.samples_known == 1 && st.samples_refused == 2
	   && st.samples == 1 && st.sample_bytes == 8, "sample counters");
	(void)cp_udp(buf, 6, 5353, "dns?", 4);
	(void)cap_seg_parse(buf, 40 + 12, &s);
	cap_hit_note(h, &s, CAP_UDP_FIRST, 30 * SEC);
	is_int(count("\"stage\":\"datagram\"", "\"proto\":\"UDP\""), 1, "a first datagram");
	cap_hit_stats(h, &st);
	is_uint(st.proto[1].hits, 1, "counted as a UDP hit");
	is_uint(last_dport, 53, "the hit callback gets the destination port");
	cap_hit_free(h);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
