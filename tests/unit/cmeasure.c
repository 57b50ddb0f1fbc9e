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
	struct cm_params p;
	const char *why = NULL;

	cm_defaults(&p);
	ok(cm_check_params(&p, &why) == 0, "defaults are valid");
	is_uint(p.ttl_ns[CM_QUARANTINE], 3600 * S, "quarantine TTL 1 h");
	is_uint(p.rate_cap, 60, "rate cap 60 a minute");
	is_int(p.dry_run, 0, "enforcing by default");
	p.rate_cap = 0;
	ok(cm_check_params(&p, &why) < 0 && why, "rate cap 0 refused: %s", why);
	cm_defaults(&p);
	p.ttl_ns[CM_QUARANTINE] = 0;
	ok(cm_check_params(&p, &why) < 0, "an enabled rung without TTL refused: %s", why);
	ok(cm_create(&p, MEM, NULL) == NULL, "cm_create refuses bad params");
	is_str(cm_action_name(CM_QUARANTINE), "quarantine", "action name");
	is_str(cm_action_name(CM_BLOCK_PORT), "block_port", "action name");
	is_str(cm_signal_name(CM_SIG_NODNS), "nodns", "signal name");
	is_str(cm_outcome_name(CM_RATE_CAPPED), "rate_capped", "outcome name");
	is_str(cm_action_name((enum cm_action)99), "unknown", "unknown action");
	{
		struct cmeasure *c;
		struct cm_decision d;
		struct sl_addr none = { 0 };

		cm_defaults(&p);
		c = cm_create(&p, MEM, NULL);
		cm_signal(c, CM_SIG_OPERATOR, &none, 0, T, &d);
		ok(d.outcome == CM_NONE && cm_active(c) == 0, "a source with no address is only observed");
		cm_signal(c, (enum cm_signal)42, H(1), 0, T, &d);
		ok(d.outcome == CM_NONE && cm_active(c) == 0, "an unknown signal is only observed");
		cm_free(c);
	}
}

static void test_ladder(void)
{
	struct cm_params p;
	struct cm_decision d;
	struct cmeasure *c;
	struct sl_addr a = host(1), b = host(2), h = host(3);
	static const enum cm_signal straight[] = {
		CM_SIG_HONEYPOT, CM_SIG_LOCKOUT, CM_SIG_HONEYTOKEN, CM_SIG_OPERATOR };
	size_t i;

	cm_defaults(&p);
	c = cm_create(&p, MEM, NULL);
	for (i = 0; i < 4; i++) {
		struct sl_addr x = host(100 + (unsigned)i);

		cm_signal(c, straight[i], &x, 0, T, &d);
		ok(d.outcome == CM_ACT && d.action == CM_QUARANTINE,
		   "%s goes straight to quarantine (got %s %s)", cm_signal_name(straight[i]),
		   cm_outcome_name(d.outcome), cm_action_name(d.action));
		is_uint(d.expires, T + 3600 * S, "expires in 1 h");
		ok(addr_equal(&d.target, &x), "target is the source");
	}
	cm_signal(c, CM_SIG_HONEYPOT, H(100), 0, T + S, &d);
	ok(d.outcome == CM_IN_FORCE && d.action == CM_QUARANTINE, "again: already in force");

	cm_signal(c, CM_SIG_FANOUT, &a, 445, T, &d);
	ok(d.outcome == CM_ACT && d.action == CM_BLOCK_PORT && d.port == 445,
	   "fan-out blocks the port (got %s %s port %u)", cm_outcome_name(d.outcome),
	   cm_action_name(d.action), d.port);
	cm_signal(c, CM_SIG_FANOUT, &a, 139, T + S, &d);
	ok(d.outcome == CM_ACT && d.action == CM_QUARANTINE, "a second fan-out quarantines");
	cm_signal(c, CM_SIG_FANOUT, &a, 22, T + 2 * S, &d);
	ok(d.outcome == CM_IN_FORCE && d.action == CM_QUARANTINE,
	   "a port block under quarantine is covered (got %s %s)",
	   cm_outcome_name(d.outcome), cm_action_name(d.action));

	cm_signal(c, CM_SIG_TRW, &b, 0, T, &d);
	ok(d.outcome == CM_ACT && d.action == CM_THROTTLE, "TRW throttles harder");
	is_uint(d.expires, T + 600 * S, "throttle for 10 min");
	cm_signal(c, CM_SIG_TRW, &b, 0, T + S, &d);
	ok(d.outcome == CM_ACT && d.action == CM_QUARANTINE, "a second TRW verdict quarantines");

	/* decay: two TRW verdicts 30 min apart do not add up to 100 */
	cm_signal(c, CM_SIG_TRW, &h, 0, T, &d);
	cm_signal(c, CM_SIG_TRW, &h, 0, T + 1800 * S, &d);
	ok(d.action == CM_THROTTLE && d.score < 100, "scores decay (score %u)", d.score);

	/* lift */
	ok(cm_lift(c, CM_QUARANTINE, &b, 0) == 0, "lift a quarantine");
	ok(cm_lift(c, CM_QUARANTINE, &b, 0) == -1, "lifting again finds nothing");
	cm_signal(c, CM_SIG_HONEYPOT, &b, 0, T + 2 * S, &d);
	ok(d.outcome == CM_ACT && d.action == CM_QUARANTINE, "a lifted host can be quarantined again");
	cm_free(c);
	cm_free(NULL);
}

static void test_whitelist(void)
{
	struct prefixset *wl = prefixset_create();
	struct cm_params p;
	struct cm_decision d;
	struct cmeasure *c;
	struct sl_addr a = host(7), v6;
	unsigned acted = 0, wlout = 0, n = 0;
	int s, i;

	prefixset_add_str(wl, "10.0.0.0/24", 1);
	prefixset_add_str(wl, "2001:db8::/32", 1);
	addr_parse("2001:db8::5", &v6);
	cm_defaults(&p);
	c = cm_create(&p, MEM, wl);
	for (i = 0; i < 1000; i++) {
		for (s = 0; s < CM_SIG_COUNT; s++) {
			cm_signal(c, (enum cm_signal)s, &a, 445, T + (uint64_t)i * S, &d);
			acted += d.outcome == CM_ACT;
			wlout += d.outcome == CM_WHITELISTED;
			cm_signal(c, (enum cm_signal)s, &v6, 445, T + (uint64_t)i * S, &d);
			acted += d.outcome == CM_ACT;
			wlout += d.outcome == CM_WHITELISTED;
			n += 2;
		}
	}
	is_uint(acted, 0, "a whitelisted host is never acted on, whatever the signals");
	is_uint(wlout, n, "every decision says whitelisted");
	is_uint(cm_active(c), 0, "nothing in force");
	/* reconfigure away the whitelist: now the same host is quarantined */
	cm_reconfigure(c, &p, NULL);
	cm_signal(c, CM_SIG_HONEYPOT, &a, 0, T, &d);
	ok(d.outcome == CM_ACT, "without the whitelist the host is acted on");
	cm_reconfigure(c, &p, wl);
	cm_signal(c, CM_SIG_OPERATOR, H(8), 0, T, &d);
	ok(d.outcome == CM_WHITELISTED, "not even the operator overrides the whitelist");
	cm_free(c);
	prefixset_free(wl);
}

static void test_rate_cap(void)
{
	struct cm_params p;
	struct cm_decision d;
	struct cmeasure *c;
	unsigned i, acted = 0, capped = 0, later = 0;
	uint64_t first = 0, last = 0;

	cm_defaults(&p);
	c = cm_create(&p, MEM, NULL);
	for (i = 0; i < 10000; i++) {
		uint64_t now = T + (uint64_t)i * (S / 10000);

		cm_signal(c, CM_SIG_HONEYPOT, H(1000 + i), 0, now, &d);
		if (d.outcome == CM_ACT) {
			if (!acted++)
				first = now;
			last = now;
		}
		capped += d.outcome == CM_RATE_CAPPED;
	}
	is_uint(acted, 60, "10,000 triggering signals in one second: 60 actions");
	is_uint(capped, 9940, "the rest are rate-capped");
	cm_signal(c, CM_SIG_HONEYPOT, H(50000), 0, first + 60 * S - 1, &d);
	is_int(d.outcome, CM_RATE_CAPPED, "still capped just under a minute after the first");
	cm_signal(c, CM_SIG_OPERATOR, H(50001), 0, first + 60 * S - 1, &d);
	is_int(d.outcome, CM_ACT, "the operator is not rate-capped");
	for (i = 0; i < 10000; i++) {
		cm_signal(c, CM_SIG_HONEYPOT, H(60000 + i), 0, last + 60 * S, &d);
		later += d.outcome == CM_ACT;
	}
	is_uint(later, 60, "a minute later, 60 more and no more");
	is_uint(cm_active(c), 121, "121 actions in force");
	cm_free(c);
}

struct exp { unsigned n; struct cm_decision d[4]; };
static void on_expire(void *ctx, const struct cm_decision *d)
{
	struct exp *e = ctx;

	if (e->n < 4)
		e->d[e->n] = *d;
	e->n++;
}

static void test_expire_and_dry_run(void)
{
	struct cm_params p;
	struct cm_decision d;
	struct cmeasure *c;
	struct exp e = { 0 };
	struct sl_addr a = host(9);

	cm_defaults(&p);
	c = cm_create(&p, MEM, NULL);
	cm_signal(c, CM_SIG_HONEYPOT, &a, 0, T, &d);
	cm_signal(c, CM_SIG_FANOUT, H(10), 8080, T, &d);
	is_uint(cm_active(c), 2, "two in force");
	is_uint(cm_expire(c, T + 3600 * S - 1, on_expire, &e), 0, "nothing expires before its TTL");
	is_uint(cm_expire(c, T + 3600 * S, on_expire, &e), 2, "both expire at their TTL");
	is_uint(cm_active(c), 0, "and are forgotten");
	ok(e.n == 2 && e.d[0].dry_run == 0, "expiry reported, not dry run");
	ok((e.d[0].action == CM_QUARANTINE && addr_equal(&e.d[0].target, &a)) ||
	   (e.d[1].action == CM_QUARANTINE && addr_equal(&e.d[1].target, &a)),
	   "the quarantine's target comes back");
	ok((e.d[0].action == CM_BLOCK_PORT && e.d[0].port == 8080) ||
	   (e.d[1].action == CM_BLOCK_PORT && e.d[1].port == 8080), "the port block's port comes back");
	cm_signal(c, CM_SIG_HONEYPOT, &a, 0, T + 3600 * S, &d);
	ok(d.outcome == CM_ACT, "after expiry the host can be quarantined again");
	cm_free(c);

	p.dry_run = 1;
	c = cm_create(&p, MEM, NULL);
	cm_signal(c, CM_SIG_HONEYPOT, &a, 0, T, &d);
	ok(d.outcome == CM_ACT && d.action == CM_QUARANTINE && d.dry_run == 1,
	   "dry run reports the same decision, marked dry_run");
	cm_signal(c, CM_SIG_HONEYPOT, &a, 0, T + S, &d);
	ok(d.outcome == CM_IN_FORCE && d.dry_run == 1, "and remembers it like a real one");
	cm_signal(c, CM_SIG_NODNS, H(11), 0, T, &d);
	ok(d.outcome == CM_NONE && d.dry_run == 1, "observations are marked too");
	e.n = 0;
	is_uint(cm_expire(c, T + 3600 * S, on_expire, &e), 1, "its expiry is reported");
	ok(e.n == 1 && e.d[0].dry_run == 1, "marked dry_run");
	cm_free(c);
}

static void test_nodns(void)
{
	struct cm_params p;
	struct cm_decision d;
	struct cmeasure *c;
	struct sl_addr a = host(20);
	unsigned i, enforced = 0;

	cm_defaults(&p);
	c = cm_create(&p, MEM, NULL);
	for (i = 0; i < 100000; i++) {
		cm_signal(c, CM_SIG_NODNS, &a, (uint16_t)(i % 1000 + 1), T + i * (S / 100), &d);
		enforced += d.outcome != CM_NONE;
	}
	is_uint(enforced, 0, "100,000 no-DNS signals alone only observe");
	ok(d.score < p.rung[CM_THROTTLE], "score stays below the lowest rung (%u)", d.score);
	for (i = 0; i < 10000; i++) {
		struct sl_addr x = host(30000 + i);

		cm_signal(c, CM_SIG_NODNS, &x, 80, T, &d);
		enforced += d.outcome != CM_NONE;
	}
	is_uint(enforced, 0, "nor from 10,000 sources");
	cm_signal(c, CM_SIG_TRW, &a, 0, T + 1000 * S, &d);
	ok(d.outcome == CM_ACT && d.score > p.weight[CM_SIG_TRW],
	   "with a strong signal the weak one still counts (score %u)", d.score);
	is_uint(cm_active(c), 1, "one action in force");
	cm_free(c);
}

int main(void)
{
	test_params();
	test_ladder();
	test_whitelist();
	test_rate_cap();
	test_expire_and_dry_run();
	test_nodns();
	return done_testing();
}
