/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailthr - unit test of the shared email throttle
 * DESCRIPTION
 *	Whole scenarios with time passed in: a person's mail, a mass
 *	mailer, honeytokens, whitelists (addresses and identities: mailaddr.t).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "mailthr.h"
#include "prefixset.h"

#define SEC 1000000000ULL

static const uint8_t seed[16] = "0123456789abcdef";
static unsigned released, dropped, unlocked;
static uint64_t last_cookie;

/* count - release callback */
static void count(void *ctx, const char *identity, uint64_t cookie,
		  enum throttle_why why)
{
	(void)ctx;
	(void)identity;
	if (why == THROTTLE_RELEASED || why == THROTTLE_EVICTED) {
		released++;
		last_cookie = cookie;
	} else if (why == THROTTLE_DROPPED) {
		dropped++;
	} else if (why == THROTTLE_UNLOCKED) {
		unlocked++;
	}
}

/* rcpt - one request from client to the n-th address */
static enum mailthr_verdict rcpt(struct mailthr *m, const char *client,
			      unsigned n, uint64_t now, struct mailthr_result *res)
{
	char to[64];
	struct mailaddr_req r = { NULL, "someone@example.org", client, to };

	snprintf(to, sizeof(to), "user%u@example.net", n);
	return mailthr_rcpt(m, &r, n, now, res);
}

/* test_person - one message to 20 new recipients, then the same again */
static void test_person(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	unsigned i, pass = 0, wait = 0, other = 0;
	uint64_t now = 1000 * SEC;

	mailthr_defaults(&p);
	m = mailthr_create(&p, seed, count, NULL);
	ok(m != NULL, "create with defaults");
	released = 0;
	/* Sequential RCPTs: each waits for its release before the next. */
	for (i = 0; i < 20; i++) {
		enum mailthr_verdict v = rcpt(m, "192.0.2.1", i, now, &res);

		if (v == MAILTHR_PASS) {
			pass++;
		} else if (v == MAILTHR_WAIT) {
			wait++;
			now = mailthr_next(m);
			mailthr_tick(m, now);
		} else {
			other++;
		}
	}
	is_uint(pass, 5, "the first five fit the empty working set");
	is_uint(wait, 15, "fifteen wait for a release");
	is_uint(other, 0, "none deferred or held");
	is_uint(released, 15, "each waiting recipient was released");
	cmp_ok((now - 1000 * SEC) / SEC, <=, 16, "all twenty within 16 s");
	mailthr_free(m);
}

/* test_mass_mailer - 200 distinct recipients at once: lockout */
static void test_mass_mailer(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	unsigned i, locked_at = 0, lockouts = 0;
	uint64_t now = 5 * SEC;

	mailthr_defaults(&p);
	p.mode = MAILTHR_MODE_DEFER;
	m = mailthr_create(&p, seed, count, NULL);
	unlocked = 0;
	for (i = 0; i < 200; i++) {
		rcpt(m, "192.0.2.2", i, now, &res);
		if (res.event == MAILTHR_EV_LOCKOUT) {
			lockouts++;
			locked_at = i;
		}
	}
	is_uint(lockouts, 1, "one lockout event");
	is_uint(locked_at, 5 + 50, "locked out when the queue passed 50");
	is_int(res.verdict, MAILTHR_HOLD, "a locked-out sender's mail is held");
	rcpt(m, "192.0.2.3", 1, now, &res);
	is_int(res.verdict, MAILTHR_PASS, "another client is not affected");
	/* lockout_min = 0: the lockout ends once the queue drains below 25 */
	for (i = 0; i < 40 && unlocked == 0; i++) {
		now += SEC;
		mailthr_tick(m, now);
	}
	is_uint(unlocked, 0, "lockout_min 1h: not unlocked when the queue drains");
	rcpt(m, "192.0.2.2", 1000, now, &res);
	is_int(res.verdict, MAILTHR_HOLD, "40 s later its new mail is still held");
	mailthr_free(m);

	p.lockout_min_ns = 0;
	m = mailthr_create(&p, seed, count, NULL);
	now = 5 * SEC;
	for (i = 0; i < 200; i++)
		rcpt(m, "192.0.2.2", i, now, &res);
	unlocked = 0;
	for (i = 0; i < 40 && unlocked == 0; i++) {
		now += SEC;
		mailthr_tick(m, now);
	}
	is_uint(unlocked, 1, "lockout_min 0: unlocked once the queue drained below 25");
	cmp_ok(i, >=, 25, "after about 26 releases (%u)", i);
	mailthr_free(m);
}

/* patient - a serial mass mailer: one new recipient every gap ns for
   span ns, each retried (defer mode) until it passes or the span ends;
   returns the recipients that passed, and the unlock reports */
static unsigned patient(uint64_t lockout_min, uint64_t gap, uint64_t span,
			unsigned *unlocks)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	uint64_t t0 = 10 * SEC, now, next = t0, step = gap < SEC ? gap : SEC;
	unsigned n = 0, passed = 0;
	char to[64];
	struct mailaddr_req r = { NULL, "w@example.org", "192.0.2.50", to };

	mailthr_defaults(&p);
	p.mode = MAILTHR_MODE_DEFER;
	p.lockout_min_ns = lockout_min;
	m = mailthr_create(&p, seed, count, NULL);
	unlocked = 0;
	/* each step: the tick, then a new recipient when its time has
	   come (a deferred one is released into the working set later, so
	   its retry passes: counted as passed) */
	for (now = t0; now < t0 + span; now += step) {
		mailthr_tick(m, now);
		if (now < next)
			continue;
		snprintf(to, sizeof(to), "v%u@example.net", n);
		if (mailthr_rcpt(m, &r, n + 1, now, &res) == MAILTHR_PASS) {
			passed++;
			n++;
			next = now + gap;
		} else if (res.verdict == MAILTHR_DEFER) {
			n++;	/* queued: released into the working set */
			next = now + gap;
			passed++;	/* its retry passes once released */
		}
	}
	*unlocks = unlocked;
	mailthr_free(m);
	return passed;
}

/* test_lockout_min - what a serial mass mailer gets in an hour */
static void test_lockout_min(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	unsigned i, unl, got, v;
	uint64_t now = 5 * SEC;

	/* bursts of new recipients, as fast as it can: locked out */
	mailthr_defaults(&p);
	p.mode = MAILTHR_MODE_DEFER;
	m = mailthr_create(&p, seed, count, NULL);
	unlocked = 0;
	for (i = 0; i < 60; i++)
		rcpt(m, "192.0.2.60", i, now, &res);
	for (i = 0; i < 3599; i++) {
		now += SEC;
		mailthr_tick(m, now);
		if (i % 60 == 59) {
			v = rcpt(m, "192.0.2.60", 1000 + i, now, &res);
			if (v != MAILTHR_HOLD)
				break;
		}
	}
	is_uint(i, 3599, "held for the whole hour after the lockout (%u s)", i);
	is_uint(unlocked, 0, "no unlock within the hour");
	now += 2 * SEC;
	mailthr_tick(m, now);
	is_uint(unlocked, 1, "unlocked (and told) after lockout_min");
	ok(rcpt(m, "192.0.2.60", 5000, now, &res) != MAILTHR_HOLD,
	   "then throttled as usual, not held (%d)", res.verdict);
	mailthr_free(m);

	/* an operator releases early */
	m = mailthr_create(&p, seed, count, NULL);
	now = 5 * SEC;
	for (i = 0; i < 60; i++)
		rcpt(m, "192.0.2.61", i, now, &res);
	now += 100 * SEC;
	mailthr_tick(m, now);
	is_int(rcpt(m, "192.0.2.61", 99, now, &res), MAILTHR_HOLD,
	       "100 s after the lockout still held");
	is_int(mailthr_release(m, "client:192.0.2.61"), 0, "operator release");
	ok(rcpt(m, "192.0.2.61", 100, now, &res) != MAILTHR_HOLD,
	   "released: throttled again, not held (%d)", res.verdict);
	mailthr_free(m);

	/* a serial mass mailer, a new recipient every 0.25 s for an hour */
	got = patient(0, SEC / 4, 3600 * SEC, &unl);
	diag("serial mass mailer, no lockout_min: %u recipients in an hour, "
	     "%u unlocks", got, unl);
	cmp_ok(got, >=, 3000, "without lockout_min it gets thousands an hour");
	got = patient(3600 * SEC, SEC / 4, 3600 * SEC, &unl);
	diag("with lockout_min 1h: %u recipients in an hour", got);
	/* wset_size + high_watermark + the releases while the queue fills
	   at 4 - 1 a second: 5 + 50 + 50/3, then nothing for the hour */
	cmp_ok(got, <=, 5 + 50 + 50 / 3 + 2, "with lockout_min 1h at most "
	       "5 + 50 + 50/3 (%u)", got);
	cmp_ok(got, >=, 55, "and at least what the working set and the "
	       "queue took (%u)", got);
	got = patient(3600 * SEC, SEC, 3600 * SEC, &unl);
	diag("a patient worm at one new recipient a second: %u in an hour", got);
	cmp_ok(got, >=, 3500, "one that paces itself at the release rate is "
	       "never locked out: about 3,600 an hour (%u)", got);
}

/* locked_of - walk callback: is the identity in ctx[0] locked */
static int locked_of(void *ctx, const char *identity,
		     const struct throttle_info *info)
{
	const char **want = ctx;

	if (strcmp(identity, want[0]) == 0)
		want[1] = info->locked ? "locked" : "not locked";
	return 0;
}

/* walk_says - what mailthr_walk says of identity */
static const char *walk_says(struct mailthr *m, const char *identity)
{
	const char *w[2] = { identity, "absent" };

	mailthr_walk(m, locked_of, w);
	return w[1];
}

/* reload - save m to memory, load it into a fresh throttle at now;
   the new one, or NULL (*bytes: the file, if asked) */
static struct mailthr *reload(struct mailthr *m, const struct mailthr_params *p,
			      uint64_t now, char **bytes, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	struct mailthr *m2;
	int r;

	mailthr_save(m, fp);
	fclose(fp);
	m2 = mailthr_create(p, seed, count, NULL);
	fp = fmemopen(buf, n, "r");
	r = mailthr_load(m2, fp, now);
	fclose(fp);
	if (bytes) {
		*bytes = buf;
		*len = n;
	} else {
		free(buf);
	}
	if (r < 0) {
		mailthr_free(m2);
		return NULL;
	}
	return m2;
}

/* test_save_locks - honeytoken and lockout_min locks survive a restart,
   an old (version 1) snapshot still loads, a damaged one is refused */
static void test_save_locks(void)
{
	struct mailthr_params p;
	struct mailthr *m, *m2;
	struct mailthr_result res;
	char *tokens[] = { "trap@example.org", NULL }, *buf;
	struct mailaddr_req h = { NULL, "w@example.org", "192.0.2.70",
			      "trap@example.org" };
	size_t len, i;
	uint64_t now = 5 * SEC;
	FILE *fp = NULL;

	mailthr_defaults(&p);
	p.mode = MAILTHR_MODE_DEFER;
	p.honeytokens = tokens;
	m = mailthr_create(&p, seed, count, NULL);
	mailthr_rcpt(m, &h, 1, now, &res);
	is_int(res.event, MAILTHR_EV_HONEYTOKEN, "a honeytoken hit");
	is_str(walk_says(m, "client:192.0.2.70"), "locked",
	       "hosts shows the honeytoken-locked identity as locked");
	for (i = 0; i < 60; i++)
		rcpt(m, "192.0.2.71", i, now, &res);
	now += 100 * SEC;
	mailthr_tick(m, now);
	is_str(walk_says(m, "client:192.0.2.71"), "locked",
	       "and the lockout_min-locked one after its queue drained");
	m2 = reload(m, &p, 7 * SEC, &buf, &len);
	ok(m2 != NULL, "saved and loaded (%zu bytes)", len);
	if (m2 == NULL)
		return;
	h.recipient = "friend@example.net";
	is_int(mailthr_rcpt(m2, &h, 2, 8 * SEC, &res), MAILTHR_HOLD,
	       "after the restart the honeytoken sender is still held");
	is_str(walk_says(m2, "client:192.0.2.70"), "locked", "and shown locked");
	is_int(rcpt(m2, "192.0.2.71", 500, 8 * SEC, &res), MAILTHR_HOLD,
	       "the locked-out mass mailer too");
	is_int(mailthr_rcpt(m2, &h, 3, 7 * SEC + 3500 * SEC, &res), MAILTHR_PASS,
	       "the honeytoken lock resumes with its remaining time (3500 s)");
	mailthr_free(m2);

	/* every single flipped byte is refused, and leaves nothing loaded */
	for (i = 0; i < len; i += 7) {
		buf[i] ^= 0x20;
		m2 = mailthr_create(&p, seed, count, NULL);
		fp = fmemopen(buf, len, "r");
		if (mailthr_load(m2, fp, now) == 0 ||
		    strcmp(walk_says(m2, "client:192.0.2.70"), "absent") != 0)
			break;
		fclose(fp);
		mailthr_free(m2);
		buf[i] ^= 0x20;
	}
	is_uint(i >= len ? len : i, len, "a flipped byte anywhere is refused, "
		"nothing half-loaded");
	if (i < len) {
		fclose(fp);
		mailthr_free(m2);
	}
	free(buf);

	/* a version 1 snapshot: the throttle's state alone */
	fp = open_memstream(&buf, &len);
	{
		struct throttle_stats st;

		/* throttle_save of the throttle inside: write one by hand */
		struct throttle *t = throttle_create(&p.thr, MAILADDR_IDENT_MAX,
						     seed, NULL, NULL);
		char key[MAILADDR_IDENT_MAX] = "client:192.0.2.72";

		throttle_contact(t, key, "a@b", 3, 1, SEC);
		throttle_save(t, fp);
		fclose(fp);
		throttle_free(t);
		m2 = mailthr_create(&p, seed, count, NULL);
		fp = fmemopen(buf, len, "r");
		is_int(mailthr_load(m2, fp, SEC), 0, "a version 1 snapshot loads");
		fclose(fp);
		mailthr_stats(m2, &st);
		is_uint(st.hosts, 1, "with its identity");
		mailthr_free(m2);
		free(buf);
	}
	mailthr_free(m);
}

/* test_observe - observe mode decides as usual, passes everything */
static void test_observe(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	struct mailthr_counters c = { 0 };
	char *tokens[] = { "trap@example.org", NULL };
	struct mailaddr_req h = { NULL, "w@example.org", "192.0.2.80",
			      "trap@example.org" };
	unsigned i, passed = 0, marked = 0, lockouts = 0;

	mailthr_defaults(&p);
	p.mode = MAILTHR_MODE_DEFER;
	p.observe = 1;
	p.honeytokens = tokens;
	m = mailthr_create(&p, seed, count, NULL);
	for (i = 0; i < 200; i++) {
		passed += rcpt(m, "192.0.2.81", i, SEC, &res) == MAILTHR_PASS;
		marked += res.observe;
		lockouts += res.event == MAILTHR_EV_LOCKOUT;
	}
	is_uint(passed, 200, "observe: all 200 recipients of a mass mailer pass");
	is_uint(marked, 195, "195 of them marked as what they would have been");
	is_uint(lockouts, 1, "the lockout is still decided and reported");
	is_int(res.would, MAILTHR_HOLD, "the last would have been held");
	mailthr_counters(m, &c);
	is_uint(c.would_defer, 50, "50 would have been deferred");
	is_uint(c.would_hold, 145, "145 held (locked out)");
	is_uint(c.would_lockout, 1, "one lockout would have begun");
	is_int(mailthr_rcpt(m, &h, 500, SEC, &res), MAILTHR_PASS,
	       "a honeytoken recipient passes");
	ok(res.event == MAILTHR_EV_HONEYTOKEN && res.observe &&
	   res.would == MAILTHR_HOLD, "reported as a would-be hold");
	is_int(res.quarantine_client, 0, "and no quarantine is asked for");
	p.observe = 0;
	mailthr_reconfigure(m, &p);
	is_int(rcpt(m, "192.0.2.81", 999, 2 * SEC, &res), MAILTHR_HOLD,
	       "observe off: the state it kept enforces at once (held)");
	mailthr_free(m);
}

/* test_forged_senders - 60 sessions from one client, each with its own
   forged sender and 6 recipients: one identity, locked out (issue 21
   found 360 recipients through in 3 s across 62 identities) */
static void test_forged_senders(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	char from[64], to[64];
	struct mailaddr_req r = { NULL, from, "198.51.100.77", to };
	unsigned s, i, passed = 0, lockouts = 0, other = 0;

	mailthr_defaults(&p);
	m = mailthr_create(&p, seed, count, NULL);
	for (s = 0; s < 60; s++) {
		snprintf(from, sizeof(from), "forged%u@example.org", s);
		for (i = 0; i < 6; i++) {
			snprintf(to, sizeof(to), "v%u-%u@example.net", s, i);
			passed += mailthr_rcpt(m, &r, s * 6 + i + 1,
					       SEC + s * SEC / 20, &res)
				  == MAILTHR_PASS;
			lockouts += res.event == MAILTHR_EV_LOCKOUT;
			other += strcmp(res.identity, "client:198.51.100.77") != 0;
		}
	}
	is_uint(other, 0, "every recipient counted under the client address");
	is_uint(passed, 5, "only the working set's 5 passed in the 3 s");
	is_uint(lockouts, 1, "and the one identity was locked out");
	mailthr_free(m);
}

/* test_own_senders - only SASL users and own_networks are throttled;
   an outside client's honeytoken message is still held */
static void test_own_senders(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	struct mailthr_counters c = { 0 };
	struct prefixset *own = prefixset_create();
	char *tokens[] = { "trap@example.org", NULL };
	char to[64];
	struct mailaddr_req out = { NULL, "news@example.com", "203.0.113.5", to };
	struct mailaddr_req sasl = { "alice", "alice@example.org", "203.0.113.6", to };
	struct mailaddr_req lan = { NULL, "bob@example.org", "10.1.2.3", to };
	unsigned i, pass_out = 0, pass_sasl = 0, pass_lan = 0, outside = 0;

	prefixset_add_str(own, "10.0.0.0/8", 1);
	mailthr_defaults(&p);
	p.mode = MAILTHR_MODE_DEFER;
	p.own_nets = own;
	p.honeytokens = tokens;
	m = mailthr_create(&p, seed, count, NULL);
	for (i = 0; i < 50; i++) {
		snprintf(to, sizeof(to), "user%u@example.org", i);
		pass_out += mailthr_rcpt(m, &out, i, SEC, &res) == MAILTHR_PASS;
		outside += res.outside;
		pass_sasl += mailthr_rcpt(m, &sasl, i, SEC, &res) == MAILTHR_PASS;
		pass_lan += mailthr_rcpt(m, &lan, i, SEC, &res) == MAILTHR_PASS;
	}
	is_uint(pass_out, 50, "an outside client's 50 new recipients all pass");
	is_uint(outside, 50, "each marked outside");
	mailthr_counters(m, &c);
	is_uint(c.outside, 50, "and counted");
	is_uint(pass_sasl, 5, "a SASL user from the same outside network is "
		"throttled: the working set's 5 pass");
	is_uint(pass_lan, 5, "a client in own_networks is throttled");
	to[0] = 0;
	out.recipient = "trap@example.org";
	is_int(mailthr_rcpt(m, &out, 99, 2 * SEC, &res), MAILTHR_HOLD,
	       "an outside client's honeytoken message is held");
	is_int(res.event, MAILTHR_EV_HONEYTOKEN, "with a honeytoken event");
	is_int(res.quarantine_client, 1, "and the client's quarantine asked");
	out.recipient = "friend@example.org";
	is_int(mailthr_rcpt(m, &out, 100, 3 * SEC, &res), MAILTHR_PASS,
	       "its next message passes: an outside relay is not locked out");
	lan.client_addr = "";
	lan.recipient = "x1@example.net";
	mailthr_rcpt(m, &lan, 101, 3 * SEC, &res);
	is_int(res.outside, 0, "no client address (local submission) is own");
	mailthr_free(m);
	prefixset_free(own);
}

/* test_honeytoken - salted address: held, quarantine asked, TTL */
static void test_honeytoken(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	char *tokens[] = { "list-x7f3@example.org", "*-trap@lists.example.org",
			   NULL };
	char *wl[] = { "@relay.example.org", NULL };
	struct mailaddr_req r = { NULL, "worm@example.org", "198.51.100.9",
			      "List-X7F3@EXAMPLE.org" };
	struct mailaddr_req w = { NULL, "lists@relay.example.org", "198.51.100.10",
			      "a-trap@lists.example.org" };
	struct mailaddr_req e = { NULL, "worm2@example.org", "198.51.100.11",
			      "list-x7f3+x@example.org" };

	mailthr_defaults(&p);
	p.honeytokens = tokens;
	p.wl_senders = wl;
	p.id.strip_extension = 1;
	m = mailthr_create(&p, seed, count, NULL);
	mailthr_rcpt(m, &r, 1, 10 * SEC, &res);
	is_int(res.event, MAILTHR_EV_HONEYTOKEN, "honeytoken event");
	is_int(res.verdict, MAILTHR_HOLD, "honeytoken message held");
	is_int(res.quarantine_client, 1, "quarantine of the client asked");
	r.recipient = "friend@example.net";
	mailthr_rcpt(m, &r, 2, 11 * SEC, &res);
	is_int(res.verdict, MAILTHR_HOLD, "the sender's next mail is held too");
	mailthr_rcpt(m, &r, 3, 10 * SEC + 3601 * SEC, &res);
	is_int(res.verdict, MAILTHR_PASS, "released after the honeytoken TTL");
	mailthr_rcpt(m, &w, 4, 12 * SEC, &res);
	is_int(res.event, MAILTHR_EV_HONEYTOKEN, "whitelisted sender: event kept");
	is_int(res.verdict, MAILTHR_PASS, "whitelisted sender passes");
	is_int(res.quarantine_client, 0, "and no quarantine is asked");
	mailthr_rcpt(m, &e, 5, 12 * SEC, &res);
	is_int(res.event, MAILTHR_EV_HONEYTOKEN, "token found behind an extension");
	is_int(mailthr_release(m, "client:198.51.100.11"), 0,
	       "operator release of a honeytoken lockout");
	e.recipient = "someone@example.net";
	mailthr_rcpt(m, &e, 6, 13 * SEC, &res);
	is_int(res.verdict, MAILTHR_PASS, "released sender passes");
	mailthr_free(m);
}

/* test_whitelist - whitelisted identities pass at any rate */
static void test_whitelist(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	struct prefixset *nets = prefixset_create();
	char *sasl[] = { "listserv", NULL };
	struct mailaddr_req r = { "listserv", "l@example.org", "203.0.113.5", NULL };
	struct mailaddr_req c = { NULL, "x@example.org", "10.1.2.3", NULL };
	char to[64];
	unsigned i, passed = 0, passed_net = 0;

	prefixset_add_str(nets, "10.0.0.0/8", 1);
	mailthr_defaults(&p);
	p.wl_sasl = sasl;
	p.wl_clients = nets;
	m = mailthr_create(&p, seed, count, NULL);
	r.recipient = c.recipient = to;
	for (i = 0; i < 1000; i++) {
		snprintf(to, sizeof(to), "member%u@example.net", i);
		passed += mailthr_rcpt(m, &r, i, SEC, &res) == MAILTHR_PASS;
		passed_net += mailthr_rcpt(m, &c, i, SEC, &res) == MAILTHR_PASS;
	}
	is_uint(passed, 1000, "whitelisted SASL user: 1000 new recipients pass");
	is_uint(passed_net, 1000, "whitelisted client network: all pass");
	mailthr_free(m);
	prefixset_free(nets);
}

/* test_malformed - an unparsable recipient passes with an event */
static void test_malformed(void)
{
	struct mailthr_params p;
	struct mailthr *m;
	struct mailthr_result res;
	struct mailaddr_req r = { NULL, "a@example.org", "192.0.2.1", "junk" };

	mailthr_defaults(&p);
	m = mailthr_create(&p, seed, count, NULL);
	is_int(mailthr_rcpt(m, &r, 1, SEC, &res), MAILTHR_PASS,
	       "malformed recipient is not throttled");
	is_int(res.event, MAILTHR_EV_MALFORMED, "but reported");
	r.recipient = NULL;
	is_int(mailthr_rcpt(m, &r, 1, SEC, &res), MAILTHR_PASS, "missing recipient");
	mailthr_free(m);
	p.thr.high = 10;
	p.thr.low = 20;
	ok(mailthr_create(&p, seed, count, NULL) == NULL,
	   "low watermark above high refused");
}

int main(void)
{
	test_person();
	test_mass_mailer();
	test_lockout_min();
	test_save_locks();
	test_observe();
	test_forged_senders();
	test_own_senders();
	test_honeytoken();
	test_whitelist();
	test_malformed();
	return done_testing();
}
