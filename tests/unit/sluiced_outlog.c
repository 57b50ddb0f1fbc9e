/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_outlog - unit test of the outbound violations' events and
 *	signals (nft-expr/outbound/outlog.c)
 * DESCRIPTION
 *	Packets built by hand (capture_pkt.h: 10.77.1.11 and fd77:1::11 to
 *	10.77.9.5 and fd77:9::5, TCP 80 or UDP 53) from a zone with a
 *	policy: each is one signal, and an "outbound" event naming the
 *	zone and the rule the kernel's order gives, until the source's
 *	events a second are spent; the rest are counted and reported when
 *	their second is over, so events plus suppressed add up. A source
 *	in no policed zone, and a packet that is not IP, are counted only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "daemon/sdconf.h"
#include "outbound/outlog.h"
#include "capture_pkt.h"
#include "../tap.h"

struct seen {
	unsigned events, signals;
	char last[EVENT_MAX];
	uint64_t suppressed;	/* summed over the events' fields */
	uint16_t last_port;
};

/* on_event - outlog_ops: keep the line */
static void on_event(void *ctx, const struct event *ev)
{
	struct seen *s = ctx;
	size_t i;

	s->events++;
	(void)event_format(s->last, sizeof(s->last), ev);
	for (i = 0; i < ev->nfields; i++)
		if (strcmp(ev->fields[i].name, "suppressed") == 0)
			s->suppressed += ev->fields[i].v.u;
}

/* on_signal - outlog_ops: count */
static void on_signal(void *ctx, const struct sl_addr *src, uint16_t dport,
		      uint64_t now)
{
	struct seen *s = ctx;

	(void)src;
	(void)now;
	s->signals++;
	s->last_port = dport;
}

static const struct outlog_ops ops = { on_event, on_signal };

/* load - text through a temporary file */
static int load(const char *text, struct sd_conf *c)
{
	char path[] = "/tmp/sluiced_outlog.XXXXXX", err[512];
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return -2;
	close(fd);
	rc = sdconf_load(path, c, err, sizeof(err));
	unlink(path);
	if (rc < 0)
		diag("  %s", err);
	return rc;
}

static const char conf[] =
	"[zone desk]\nprefixes = 10.77.1.11/32, fd77:1::11/128\n"
	"outbound = deny\nallow_out = tcp/443 to any\n"
	"deny_out = tcp/22 to any; udp/53 to 10.77.9.0/24\n"
	"[zone quiet]\nprefixes = 10.77.2.0/24\n";

static const struct {
	int family, udp;
	const char *want;	/* in the event */
} cases[] = {
	{ 4, 0, "\"dest_ip\":\"10.77.9.5\",\"dest_port\":80,\"proto\":\"TCP\","
		"\"outbound\":{\"zone\":\"desk\",\"rule\":\"default\",\"action\":\"drop\"}" },
	{ 4, 1, "\"dest_port\":53,\"proto\":\"UDP\",\"outbound\":{\"zone\":\"desk\","
		"\"rule\":\"deny_out 2\"" },
	{ 6, 1, "\"src_ip\":\"fd77:1::11\",\"src_port\":40000,\"dest_ip\":\"fd77:9::5\","
		"\"dest_port\":53,\"proto\":\"UDP\",\"outbound\":{\"zone\":\"desk\",\"rule\":\"default\"" },
};

/* packet - a built packet of the case into b; its length */
static size_t packet(uint8_t *b, int family, int udp)
{
	return udp ? cp_udp(b, family, cp_sport, NULL, 0)
		   : cp_tcp(b, family, 0x02, 1, 0, NULL, 0, NULL, 0);
}

/* test_events - one event per case, each naming zone and rule */
static void test_events(void)
{
	struct seen s = { 0 };
	struct outlog *l = outlog_create(10, &ops, &s);
	struct outlog_stats st;
	struct sd_conf c;
	uint8_t b[128];
	size_t i;

	if (!ok(load(conf, &c) == 0 && l != NULL, "the policy loads, outlog made"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		outlog_packet(l, &c, b, packet(b, cases[i].family, cases[i].udp),
			      NS_PER_SEC);
		if (!ok(s.events == i + 1 && strstr(s.last, cases[i].want) != NULL
			&& strstr(s.last, "\"event_type\":\"outbound\"") != NULL,
			"case %zu: event %s", i, cases[i].want))
			diag("  got %s", s.last);
	}
	is_uint(s.signals, 3, "every violation is a signal");
	is_uint(s.last_port, 53, "... with its destination port");
	outlog_packet(l, &c, (const uint8_t *)"junk", 4, NS_PER_SEC);
	outlog_stats(l, &st);
	ok(st.violations == 3 && st.events == 3 && st.unattributed == 1
	   && s.signals == 3, "a packet that is not IP is counted, no signal");
	outlog_free(l);
	sdconf_release(&c);
}

/* test_unpoliced - a source whose zone has no policy: counted only */
static void test_unpoliced(void)
{
	struct seen s = { 0 };
	struct outlog *l = outlog_create(10, &ops, &s);
	struct outlog_stats st;
	struct sd_conf c;
	uint8_t b[128];

	ok(load("[zone desk]\nprefixes = 10.77.1.0/24\n", &c) == 0, "an unpoliced zone loads");
	outlog_packet(l, &c, b, packet(b, 4, 0), NS_PER_SEC);
	outlog_stats(l, &st);
	ok(s.events == 0 && s.signals == 0 && st.unattributed == 1,
	   "its source's packet is counted, neither event nor signal");
	outlog_free(l);
	sdconf_release(&c);
}

/* test_limit - 2 events a second: 10 violations in one second are 2
   events and, when the second is over, one event of 8 suppressed */
static void test_limit(void)
{
	struct seen s = { 0 };
	struct outlog *l = outlog_create(2, &ops, &s);
	struct outlog_stats st;
	struct sd_conf c;
	uint8_t b[128];
	int i;

	ok(load(conf, &c) == 0, "the policy loads");
	for (i = 0; i < 10; i++)
		outlog_packet(l, &c, b, packet(b, 4, 0), NS_PER_SEC + (uint64_t)i * 1000);
	is_uint(s.events, 2, "10 violations in a second: 2 events");
	is_uint(s.signals, 10, "... and 10 signals");
	outlog_tick(l, 3 * NS_PER_SEC);
	outlog_stats(l, &st);
	ok(s.events == 3 && s.suppressed == 8 && st.suppressed == 8,
	   "the second over, one more event says 8 suppressed (got %u events, %llu)",
	   s.events, (unsigned long long)s.suppressed);
	ok(strstr(s.last, "\"suppressed\":8") != NULL, "... in its field: %s", s.last);
	outlog_free(l);
	sdconf_release(&c);
}

int main(void)
{
	test_events();
	test_unpoliced();
	test_limit();
	return done_testing();
}
