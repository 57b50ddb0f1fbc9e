/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cmeasure.t - the countermeasure ladder and its guards
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "cmeasure.h"
#include "../tap.h"

#define S NS_PER_SEC
#define MEM (4u << 20)

static const uint64_t T = 1000 * S;

/* H - pointer to the address 10.x.y.z numbered n */
#define H(n) (&(struct sl_addr){ .family = 4, .b = { 10, (uint8_t)((n) >> 16), \
	(uint8_t)((n) >> 8), (uint8_t)(n) } })

/* host - 10.x.y.z from a number */
static struct sl_addr host(unsigned n)
{
	struct sl_addr a = { .family = 4, .b = { 10, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n } };

	return a;
}

static void test_params(void)
{
	struct cmeasure_params p;
	const char *why = NULL;

	cmeasure_defaults(&p);
	ok(cmeasure_check_params(&p, &why) == 0, "defaults are valid");
	is_uint(p.ttl_ns[CMEASURE_QUARANTINE], 3600 * S, "quarantine TTL 1 h");
	is_uint(p.rate_cap, 60, "rate cap 60 a minute");
	is_int(p.dry_run, 0, "enforcing by default");
	p.rate_cap = 0;
	ok(cmeasure_check_params(&p, &why) < 0 && why, "rate cap 0 refused: %s", why);
	cmeasure_defaults(&p);
	p.ttl_ns[CMEASURE_QUARANTINE] = 0;
	ok(cmeasure_check_params(&p, &why) < 0, "an enabled rung without TTL refused: %s", why);
	ok(cmeasure_create(&p, MEM, NULL) == NULL, "cmeasure_create refuses bad params");
	is_str(cmeasure_action_name(CMEASURE_QUARANTINE), "quarantine", "action name");
	is_str(cmeasure_action_name(CMEASURE_BLOCK_PORT), "block_port", "action name");
	is_str(cmeasure_signal_name(CMEASURE_SIG_NODNS), "nodns", "signal name");
	is_str(cmeasure_outcome_name(CMEASURE_RATE_CAPPED), "rate_capped", "outcome name");
	is_str(cmeasure_action_name((enum cmeasure_action)99), "unknown", "unknown action");
	{
		struct cmeasure *c;
		struct cmeasure_decision d;
		struct sl_addr none = { 0 };

		cmeasure_defaults(&p);
		c = cmeasure_create(&p, MEM, NULL);
		cmeasure_signal(c, CMEASURE_SIG_OPERATOR, &none, 0, T, &d);
		ok(d.outcome == CMEASURE_NONE && cmeasure_active(c) == 0, "a source with no address is only observed");
		cmeasure_signal(c, (enum cmeasure_signal)42, H(1), 0, T, &d);
		ok(d.outcome == CMEASURE_NONE && cmeasure_active(c) == 0, "an unknown signal is only observed");
		cmeasure_free(c);
	}
}

static void test_ladder(void)
{
	struct cmeasure_params p;
	struct cmeasure_decision d;
	struct cmeasure *c;
	struct sl_addr a = host(1), b = host(2), h = host(3);
	static const enum cmeasure_signal straight[] = {
		CMEASURE_SIG_HONEYPOT, CMEASURE_SIG_LOCKOUT, CMEASURE_SIG_HONEYTOKEN, CMEASURE_SIG_OPERATOR };
	size_t i;

	cmeasure_defaults(&p);
	c = cmeasure_create(&p, MEM, NULL);
	for (i = 0; i < 4; i++) {
		struct sl_addr x = host(100 + (unsigned)i);

		cmeasure_signal(c, straight[i], &x, 0, T, &d);
		ok(d.outcome == CMEASURE_ACT && d.action == CMEASURE_QUARANTINE,
		   "%s goes straight to quarantine (got %s %s)", cmeasure_signal_name(straight[i]),
		   cmeasure_outcome_name(d.outcome), cmeasure_action_name(d.action));
		is_uint(d.expires, T + 3600 * S, "expires in 1 h");
		ok(addr_equal(&d.target, &x), "target is the source");
	}
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, H(100), 0, T + S, &d);
	ok(d.outcome == CMEASURE_IN_FORCE && d.action == CMEASURE_QUARANTINE, "again: already in force");

	cmeasure_signal(c, CMEASURE_SIG_FANOUT, &a, 445, T, &d);
	ok(d.outcome == CMEASURE_ACT && d.action == CMEASURE_BLOCK_PORT && d.port == 445,
	   "fan-out blocks the port (got %s %s port %u)", cmeasure_outcome_name(d.outcome),
	   cmeasure_action_name(d.action), d.port);
	cmeasure_signal(c, CMEASURE_SIG_FANOUT, &a, 139, T + S, &d);
	ok(d.outcome == CMEASURE_ACT && d.action == CMEASURE_QUARANTINE, "a second fan-out quarantines");
	cmeasure_signal(c, CMEASURE_SIG_FANOUT, &a, 22, T + 2 * S, &d);
	ok(d.outcome == CMEASURE_IN_FORCE && d.action == CMEASURE_QUARANTINE,
	   "a port block under quarantine is covered (got %s %s)",
	   cmeasure_outcome_name(d.outcome), cmeasure_action_name(d.action));

	cmeasure_signal(c, CMEASURE_SIG_TRW, &b, 0, T, &d);
	ok(d.outcome == CMEASURE_ACT && d.action == CMEASURE_THROTTLE, "TRW throttles harder");
	is_uint(d.expires, T + 600 * S, "throttle for 10 min");
	cmeasure_signal(c, CMEASURE_SIG_TRW, &b, 0, T + S, &d);
	ok(d.outcome == CMEASURE_ACT && d.action == CMEASURE_QUARANTINE, "a second TRW verdict quarantines");

	/* decay: two TRW verdicts 30 min apart do not add up to 100 */
	cmeasure_signal(c, CMEASURE_SIG_TRW, &h, 0, T, &d);
	cmeasure_signal(c, CMEASURE_SIG_TRW, &h, 0, T + 1800 * S, &d);
	ok(d.action == CMEASURE_THROTTLE && d.score < 100, "scores decay (score %u)", d.score);

	/* lift */
	ok(cmeasure_lift(c, CMEASURE_QUARANTINE, &b, 0) == 0, "lift a quarantine");
	ok(cmeasure_lift(c, CMEASURE_QUARANTINE, &b, 0) == -1, "lifting again finds nothing");
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, &b, 0, T + 2 * S, &d);
	ok(d.outcome == CMEASURE_ACT && d.action == CMEASURE_QUARANTINE, "a lifted host can be quarantined again");
	cmeasure_free(c);
	cmeasure_free(NULL);
}

static void test_whitelist(void)
{
	struct prefixset *wl = prefixset_create();
	struct cmeasure_params p;
	struct cmeasure_decision d;
	struct cmeasure *c;
	struct sl_addr a = host(7), v6;
	unsigned acted = 0, wlout = 0, n = 0;
	int s, i;

	prefixset_add_str(wl, "10.0.0.0/24", 1);
	prefixset_add_str(wl, "2001:db8::/32", 1);
	addr_parse("2001:db8::5", &v6);
	cmeasure_defaults(&p);
	c = cmeasure_create(&p, MEM, wl);
	for (i = 0; i < 1000; i++) {
		for (s = 0; s < CMEASURE_SIG_COUNT; s++) {
			cmeasure_signal(c, (enum cmeasure_signal)s, &a, 445, T + (uint64_t)i * S, &d);
			acted += d.outcome == CMEASURE_ACT;
			wlout += d.outcome == CMEASURE_WHITELISTED;
			cmeasure_signal(c, (enum cmeasure_signal)s, &v6, 445, T + (uint64_t)i * S, &d);
			acted += d.outcome == CMEASURE_ACT;
			wlout += d.outcome == CMEASURE_WHITELISTED;
			n += 2;
		}
	}
	is_uint(acted, 0, "a whitelisted host is never acted on, whatever the signals");
	is_uint(wlout, n, "every decision says whitelisted");
	is_uint(cmeasure_active(c), 0, "nothing in force");
	/* reconfigure away the whitelist: now the same host is quarantined */
	cmeasure_reconfigure(c, &p, NULL);
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, &a, 0, T, &d);
	ok(d.outcome == CMEASURE_ACT, "without the whitelist the host is acted on");
	cmeasure_reconfigure(c, &p, wl);
	cmeasure_signal(c, CMEASURE_SIG_OPERATOR, H(8), 0, T, &d);
	ok(d.outcome == CMEASURE_WHITELISTED, "not even the operator overrides the whitelist");
	cmeasure_free(c);
	prefixset_free(wl);
}

static void test_rate_cap(void)
{
	struct cmeasure_params p;
	struct cmeasure_decision d;
	struct cmeasure *c;
	unsigned i, acted = 0, capped = 0, later = 0;
	uint64_t first = 0, last = 0;

	cmeasure_defaults(&p);
	c = cmeasure_create(&p, MEM, NULL);
	for (i = 0; i < 10000; i++) {
		uint64_t now = T + (uint64_t)i * (S / 10000);

		cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, H(1000 + i), 0, now, &d);
		if (d.outcome == CMEASURE_ACT) {
			if (!acted++)
				first = now;
			last = now;
		}
		capped += d.outcome == CMEASURE_RATE_CAPPED;
	}
	is_uint(acted, 60, "10,000 triggering signals in one second: 60 actions");
	is_uint(capped, 9940, "the rest are rate-capped");
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, H(50000), 0, first + 60 * S - 1, &d);
	is_int(d.outcome, CMEASURE_RATE_CAPPED, "still capped just under a minute after the first");
	cmeasure_signal(c, CMEASURE_SIG_OPERATOR, H(50001), 0, first + 60 * S - 1, &d);
	is_int(d.outcome, CMEASURE_ACT, "the operator is not rate-capped");
	for (i = 0; i < 10000; i++) {
		cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, H(60000 + i), 0, last + 60 * S, &d);
		later += d.outcome == CMEASURE_ACT;
	}
	is_uint(later, 60, "a minute later, 60 more and no more");
	is_uint(cmeasure_active(c), 121, "121 actions in force");
	cmeasure_free(c);
}

struct exp { unsigned n; struct cmeasure_decision d[4]; };
static void on_expire(void *ctx, const struct cmeasure_decision *d)
{
	struct exp *e = ctx;

	if (e->n < 4)
		e->d[e->n] = *d;
	e->n++;
}

static void test_expire_and_dry_run(void)
{
	struct cmeasure_params p;
	struct cmeasure_decision d;
	struct cmeasure *c;
	struct exp e = { 0 };
	struct sl_addr a = host(9);

	cmeasure_defaults(&p);
	c = cmeasure_create(&p, MEM, NULL);
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, &a, 0, T, &d);
	cmeasure_signal(c, CMEASURE_SIG_FANOUT, H(10), 8080, T, &d);
	is_uint(cmeasure_active(c), 2, "two in force");
	is_uint(cmeasure_expire(c, T + 3600 * S - 1, on_expire, &e), 0, "nothing expires before its TTL");
	is_uint(cmeasure_expire(c, T + 3600 * S, on_expire, &e), 2, "both expire at their TTL");
	is_uint(cmeasure_active(c), 0, "and are forgotten");
	ok(e.n == 2 && e.d[0].dry_run == 0, "expiry reported, not dry run");
	ok((e.d[0].action == CMEASURE_QUARANTINE && addr_equal(&e.d[0].target, &a)) ||
	   (e.d[1].action == CMEASURE_QUARANTINE && addr_equal(&e.d[1].target, &a)),
	   "the quarantine's target comes back");
	ok((e.d[0].action == CMEASURE_BLOCK_PORT && e.d[0].port == 8080) ||
	   (e.d[1].action == CMEASURE_BLOCK_PORT && e.d[1].port == 8080), "the port block's port comes back");
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, &a, 0, T + 3600 * S, &d);
	ok(d.outcome == CMEASURE_ACT, "after expiry the host can be quarantined again");
	cmeasure_free(c);

	p.dry_run = 1;
	c = cmeasure_create(&p, MEM, NULL);
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, &a, 0, T, &d);
	ok(d.outcome == CMEASURE_ACT && d.action == CMEASURE_QUARANTINE && d.dry_run == 1,
	   "dry run reports the same decision, marked dry_run");
	cmeasure_signal(c, CMEASURE_SIG_HONEYPOT, &a, 0, T + S, &d);
	ok(d.outcome == CMEASURE_IN_FORCE && d.dry_run == 1, "and remembers it like a real one");
	cmeasure_signal(c, CMEASURE_SIG_NODNS, H(11), 0, T, &d);
	ok(d.outcome == CMEASURE_NONE && d.dry_run == 1, "observations are marked too");
	e.n = 0;
	is_uint(cmeasure_expire(c, T + 3600 * S, on_expire, &e), 1, "its expiry is reported");
	ok(e.n == 1 && e.d[0].dry_run == 1, "marked dry_run");
	cmeasure_free(c);
}

static void test_nodns(void)
{
	struct cmeasure_params p;
	struct cmeasure_decision d;
	struct cmeasure *c;
	struct sl_addr a = host(20);
	unsigned i, enforced = 0;

	cmeasure_defaults(&p);
	c = cmeasure_create(&p, MEM, NULL);
	for (i = 0; i < 100000; i++) {
		cmeasure_signal(c, CMEASURE_SIG_NODNS, &a, (uint16_t)(i % 1000 + 1), T + i * (S / 100), &d);
		enforced += d.outcome != CMEASURE_NONE;
	}
	is_uint(enforced, 0, "100,000 no-DNS signals alone only observe");
	ok(d.score < p.rung[CMEASURE_THROTTLE], "score stays below the lowest rung (%u)", d.score);
	for (i = 0; i < 10000; i++) {
		struct sl_addr x = host(30000 + i);

		cmeasure_signal(c, CMEASURE_SIG_NODNS, &x, 80, T, &d);
		enforced += d.outcome != CMEASURE_NONE;
	}
	is_uint(enforced, 0, "nor from 10,000 sources");
	cmeasure_signal(c, CMEASURE_SIG_TRW, &a, 0, T + 1000 * S, &d);
	ok(d.outcome == CMEASURE_ACT && d.score > p.weight[CMEASURE_SIG_TRW],
	   "with a strong signal the weak one still counts (score %u)", d.score);
	is_uint(cmeasure_active(c), 1, "one action in force");
	cmeasure_free(c);
}

/* test_new_signals - goat, outbound and spike: their weights, names and
   the signal mask a decision carries */
static void test_new_signals(void)
{
	static const struct {
		enum cmeasure_signal sig;
		const char *name;
		enum cmeasure_action want;	/* alone, on a fresh source */
	} t[] = {
		{ CMEASURE_SIG_GOAT, "goat", CMEASURE_QUARANTINE },
		{ CMEASURE_SIG_OUTBOUND, "outbound", CMEASURE_BLOCK_PORT },
		{ CMEASURE_SIG_SPIKE, "spike", CMEASURE_THROTTLE },
	};
	struct cmeasure_params p;
	struct cmeasure_decision d;
	struct cmeasure *c;
	size_t i;

	cmeasure_defaults(&p);
	c = cmeasure_create(&p, MEM, NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cmeasure_signal(c, t[i].sig, H(200 + i), 445, T, &d);
		is_str(cmeasure_signal_name(t[i].sig), t[i].name, "signal name");
		ok(d.outcome == CMEASURE_ACT && d.action == t[i].want &&
		   d.signals == 1u << t[i].sig, "%s alone: got %s %s mask %#x, want act %s "
		   "mask %#x", t[i].name, cmeasure_outcome_name(d.outcome),
		   cmeasure_action_name(d.action), d.signals, cmeasure_action_name(t[i].want),
		   1u << t[i].sig);
	}
	cmeasure_signal(c, CMEASURE_SIG_TRW, H(300), 0, T, &d);
	cmeasure_signal(c, CMEASURE_SIG_FANOUT, H(300), 80, T + S, &d);
	is_uint(d.signals, (1u << CMEASURE_SIG_TRW) | (1u << CMEASURE_SIG_FANOUT),
		"the mask names both signals behind the score");
	cmeasure_signal(c, CMEASURE_SIG_TRW, H(300), 0, T + 3600 * 24 * S, &d);
	is_uint(d.signals, 1u << CMEASURE_SIG_TRW, "after the score decayed to 0: only the new one");
	cmeasure_free(c);
}

int main(void)
{
	test_params();
	test_ladder();
	test_whitelist();
	test_rate_cap();
	test_expire_and_dry_run();
	test_nodns();
	test_new_signals();
	return done_testing();
}
