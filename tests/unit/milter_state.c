/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	milter_state - unit test of mstate, sluice-milter's sharded throttle
 * DESCRIPTION
 *	Time is passed in: waits are checked with deadlines already past
 *	(a released ticket returns at once, an unreleased one gives up at
 *	once). Sharding: the same identity always meets the same shard,
 *	identities spread over all shards. Threads: eight sessions and a
 *	ticker hammer the state at once; every decision is counted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../milter/msnap.h"
#include "../../milter/mstate.h"
#include "../tap.h"

#define SEC 1000000000ULL

static const uint8_t seed[16] = "milter-state-ut";

/* params - small working set and watermarks so tests stay short */
static struct mailthr_params params(char **tokens)
{
	struct mailthr_params p;

	mailthr_defaults(&p);
	/* identities by sender, as an operator may choose: the tests
	   below tell senders of one client apart */
	p.id.order[1] = MAILADDR_ID_SENDER;
	p.id.order[2] = MAILADDR_ID_CLIENT;
	p.thr.wset_size = 2;
	p.thr.release_ns = SEC;
	p.thr.high = 4;
	p.thr.low = 2;
	p.honeytokens = tokens;
	return p;
}

/* rq - a request from sender to rcpt */
static struct mailaddr_req rq(const char *sender, const char *rcpt)
{
	struct mailaddr_req r = { .sender = sender, .client_addr = "192.0.2.1",
			      .recipient = rcpt };
	return r;
}

/* test_sharding - stable and spread */
static void test_sharding(void)
{
	struct mailthr_params p = params(NULL);
	struct mstate *s = mstate_create(&p, 8, seed);
	unsigned used[8] = { 0 }, i, n = 0;
	char id[64];

	ok(s != NULL, "create 8 shards");
	is_uint(mstate_shard_of(s, "sender:a@b"), mstate_shard_of(s, "sender:a@b"),
		"an identity always maps to the same shard");
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "sender:u%u@example.org", i);
		used[mstate_shard_of(s, id)]++;
	}
	for (i = 0; i < 8; i++)
		n += used[i] > 60;
	is_uint(n, 8, "1000 identities reach every shard (over 60 each)");
	mstate_free(s);
	ok(mstate_create(&p, 0, seed) == NULL, "0 shards refused");
	ok(mstate_create(&p, MSTATE_SHARDS_MAX + 1, seed) == NULL,
	   "too many shards refused");
	mstate_free(NULL);
}

/* test_wait - pass, wait released, wait given up, late release */
static void test_wait(void)
{
	struct mailthr_params p = params(NULL);
	struct mstate *s = mstate_create(&p, 4, seed);
	struct throttle_stats st;
	struct mailthr_result res;
	struct mstate_ticket *t;
	struct mailaddr_req r;
	size_t waiting;
	uint64_t now = 100 * SEC, next;

	r = rq("alice@example.org", "r1@example.net");
	is_int(mstate_rcpt(s, &r, now, &res, &t), MAILTHR_PASS, "r1 passes");
	ok(t == NULL, "no ticket for a pass");
	r.recipient = "r2@example.net";
	is_int(mstate_rcpt(s, &r, now, &res, &t), MAILTHR_PASS, "r2 passes");
	r.recipient = "r3@example.net";
	is_int(mstate_rcpt(s, &r, now, &res, &t), MAILTHR_WAIT, "r3 waits");
	ok(t != NULL, "a ticket for the wait");
	is_str(res.identity, "sender:alice@example.org", "identity reported");
	mstate_stats(s, &st, &waiting);
	is_uint(waiting, 1, "one ticket waiting");
	next = mstate_next(s);
	ok(next != UINT64_MAX, "a release is due");
	cmp_ok(mstate_tick(s, next), >=, 1, "tick at the due time releases");
	is_int(mstate_wait(s, t, 0), 1, "the released ticket returns released");
	mstate_stats(s, &st, &waiting);
	is_uint(waiting, 0, "no ticket waiting");

	/* the grid may give this period's slot to one more at once */
	r.recipient = "r4@example.net";
	if (mstate_rcpt(s, &r, next, &res, &t) == MAILTHR_PASS)
		r.recipient = "r5@example.net";
	else
		mstate_wait(s, t, 0);
	is_int(mstate_rcpt(s, &r, next, &res, &t), MAILTHR_WAIT,
	       "a further new recipient in the same period waits");
	is_int(mstate_wait(s, t, 0), 0, "a past deadline gives up");
	mstate_stats(s, &st, &waiting);
	is_uint(waiting, 0, "the given-up ticket left the shard");
	cmp_ok(mstate_tick(s, now + 10 * SEC), >=, 1,
	       "its late release finds no waiter (and does not crash)");
	is_int(mstate_rcpt(s, &r, now + 10 * SEC, &res, &t), MAILTHR_PASS,
	       "the retry of the given-up recipient passes (working set)");
	mstate_free(s);
}

/* count_locked - mstate_walk callback */
static int count_locked(void *ctx, const char *identity,
			const struct throttle_info *info)
{
	(void)identity;
	*(int *)ctx += info->locked;
	return 0;
}

/* on_unlock - mstate_on_unlock's callback: remember the last identity */
static void on_unlock(void *ctx, const char *identity)
{
	snprintf(ctx, MAILADDR_IDENT_MAX, "%s", identity);
}

/* test_lockout - waits that run out keep the queue: lockout, hold */
static void test_lockout(void)
{
	char unlocked[MAILADDR_IDENT_MAX] = "";
	struct mailthr_params p = params(NULL);
	struct mstate *s = mstate_create(&p, 2, seed);
	struct mailthr_result res;
	struct mstate_ticket *t;
	struct mailaddr_req r = rq("bob@example.org", NULL);
	enum mailthr_verdict v = MAILTHR_PASS;
	char rc[64];
	int i;

	mstate_on_unlock(s, on_unlock, unlocked);
	for (i = 0; i < 12; i++) {
		snprintf(rc, sizeof(rc), "x%d@example.net", i);
		r.recipient = rc;
		v = mstate_rcpt(s, &r, SEC, &res, &t);
		if (t)
			mstate_wait(s, t, 0);
		if (v == MAILTHR_HOLD)
			break;
	}
	is_int(v, MAILTHR_HOLD, "a growing queue locks the sender out");
	is_int(res.event, MAILTHR_EV_LOCKOUT, "... with a lockout event");
	cmp_ok(i, <=, 8, "... by the recipient past the high watermark");
	i = 0;
	mstate_walk(s, count_locked, &i);
	is_int(i, 1, "the walk finds one locked identity");
	is_str(unlocked, "", "no unlock while locked out");
	is_int(mstate_release(s, "sender:bob@example.org"), 0,
	       "the operator releases it");
	is_str(unlocked, "sender:bob@example.org",
	       "the unlock callback names the identity");
	is_int(mstate_release(s, "sender:nobody@example.org"), -1,
	       "an unknown identity cannot be released");
	i = 0;
	mstate_walk(s, count_locked, &i);
	is_int(i, 0, "no identity locked any more");
	r.recipient = "x0@example.net";
	is_int(mstate_rcpt(s, &r, SEC, &res, &t), MAILTHR_PASS,
	       "bob's mail passes again");
	mstate_free(s);
}

/* test_reconfigure - a honeytoken added by reload reaches every shard */
static void test_reconfigure(void)
{
	static char *tok[] = { "trap-*@lists.example.org", NULL };
	struct mailthr_params p = params(NULL);
	struct mstate *s = mstate_create(&p, 8, seed);
	struct mailthr_result res;
	struct mstate_ticket *t;
	struct mailaddr_req r;
	char snd[64];
	int i, held = 0;

	r = rq("x@example.org", "trap-1@lists.example.org");
	is_int(mstate_rcpt(s, &r, SEC, &res, &t), MAILTHR_PASS,
	       "no honeytoken before the reload");
	p = params(tok);
	is_int(mstate_reconfigure(s, &p), 0, "reconfigure");
	for (i = 0; i < 32; i++) {
		snprintf(snd, sizeof(snd), "s%d@example.org", i);
		r = rq(snd, "trap-1@lists.example.org");
		held += mstate_rcpt(s, &r, SEC, &res, &t) == MAILTHR_HOLD &&
			res.event == MAILTHR_EV_HONEYTOKEN;
	}
	is_int(held, 32, "32 senders over 8 shards all meet the honeytoken");
	p.thr.high = 1;
	p.thr.low = 2;
	is_int(mstate_reconfigure(s, &p), -1, "bad watermarks refused");
	mstate_free(s);
}

/* collect - mstate_due callback: remember the ids */
static void collect(void *ctx, const char *qid)
{
	char *out = ctx;

	if (strlen(out) + strlen(qid) + 2 < 256) {
		strcat(out, qid);
		strcat(out, " ");
	}
}

/* hold_one - the next new recipients of r until one is held: its list */
static struct mstate_ticket *hold_one(struct mstate *s, struct mailaddr_req *r,
				      uint64_t now, int *serial)
{
	struct mstate_ticket *t, *list = NULL;
	struct mailthr_result res;
	static char rc[64];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(rc, sizeof(rc), "n%d@example.net", (*serial)++);
		r->recipient = rc;
		if (mstate_rcpt(s, r, now, &res, &t) == MAILTHR_HOLD && t) {
			mstate_chain(&list, t);
			break;
		}
	}
	return list;
}

/* test_hold - hold mode: tickets, hand-over at end of message, due ids */
static void test_hold(void)
{
	struct mailthr_params p = params(NULL);
	struct mstate *s;
	struct mailthr_result res;
	struct mstate_ticket *t, *list = NULL;
	struct mailaddr_req r = rq("carol@example.org", NULL);
	char rc[64], ids[256] = "";
	uint64_t now = 50 * SEC;
	int i, serial = 0;

	p.mode = MAILTHR_MODE_HOLD;
	s = mstate_create(&p, 4, seed);
	for (i = 1; i <= 4; i++) {
		snprintf(rc, sizeof(rc), "h%d@example.net", i);
		r.recipient = rc;
		switch (mstate_rcpt(s, &r, now, &res, &t)) {
		case MAILTHR_PASS:
			ok(t == NULL, "h%d passes, no ticket", i);
			break;
		case MAILTHR_HOLD:
			ok(t != NULL, "h%d held with a hold ticket", i);
			if (t)
				mstate_chain(&list, t);
			break;
		default:
			ok(0, "h%d: unexpected verdict", i);
		}
	}
	is_uint(mstate_pending(s, list), 2, "two recipients queued");
	mstate_tick(s, mstate_next(s));
	is_uint(mstate_pending(s, list), 1, "one released before the end");
	is_uint(mstate_hold(s, list, "4F2A1B3C"), 1,
		"end of message: one still waits, the message is held");
	is_uint(mstate_due(s, collect, ids), 0, "nothing due yet");
	mstate_tick(s, mstate_next(s));
	is_uint(mstate_due(s, collect, ids), 1, "due once the last one left");
	is_str(ids, "4F2A1B3C ", "the held message's queue id");

	/* a message whose tickets all left before the end: nothing held */
	now = mstate_next(s);
	list = hold_one(s, &r, now, &serial);
	ok(list != NULL, "a new hold ticket");
	mstate_tick(s, mstate_next(s));
	is_uint(mstate_hold(s, list, "5A5A5A"), 0, "all left in time: not held");
	/* an aborted message: its tickets go, nothing becomes due */
	list = hold_one(s, &r, now, &serial);
	is_uint(mstate_pending(s, list), 1, "a new hold ticket");
	mstate_cancel(s, list);
	mstate_tick(s, mstate_next(s));
	ids[0] = 0;
	is_uint(mstate_due(s, collect, ids), 0, "a cancelled message never falls due");
	/* held without a queue id: nobody can release it automatically */
	list = hold_one(s, &r, now, &serial);
	is_uint(mstate_pending(s, list), 1, "a new hold ticket");
	is_uint(mstate_hold(s, list, ""), 0, "no queue id: nothing to wait for");
	/* a committed message still waiting when the state goes away */
	list = hold_one(s, &r, now, &serial);
	is_uint(mstate_hold(s, list, "6B6B6B"), 1, "committed");
	mstate_free(s);			/* ASan: no leak of committed tickets */
}

static char warned[8192];

/* no_warn - msnap_load's warn: kept for the checks */
static void no_warn(const char *why)
{
	snprintf(warned, sizeof(warned), "%s", why);
}

/* test_damaged - a shard file cut short is moved aside and named; the
   next save writes a fresh one beside it */
static void test_damaged(const char *dir, struct mailthr_params *p,
			 const uint8_t *seed)
{
	char path[512], want[1200], aside[1200];
	struct mstate *t3 = mstate_create(p, 8, seed);
	struct stat st;

	snprintf(path, sizeof(path), "%s/milter-shard-003.state", dir);
	if (stat(path, &st) == 0)
		(void)!truncate(path, st.st_size / 2);
	warned[0] = 0;
	is_int(msnap_load(t3, dir, SEC, no_warn), -1, "a shard cut short: -1");
	snprintf(want, sizeof(want), "%s: Invalid argument; moved aside to %s.corrupt-",
		 path, path);
	ok(strncmp(warned, want, strlen(want)) == 0, "named, and where it "
	   "went (got \"%s\")", warned);
	snprintf(aside, sizeof(aside), "%s", strstr(warned, "moved aside to ")
		 ? strstr(warned, "moved aside to ") + 15 : "");
	is_int(msnap_save(t3, dir), 0, "saved again");
	ok(access(path, F_OK) == 0 && access(aside, F_OK) == 0,
	   "a fresh shard file beside the one kept (%s)", aside);
	mstate_free(t3);
}

/* test_snapshot - a lockout and a working set survive save and load */
static void test_snapshot(void)
{
	char dir[] = "/tmp/sluice-msnap-ut.XXXXXX", cmd[128], rc[64];
	struct mailthr_params p = params(NULL);
	struct mstate *s, *t2;
	struct mailthr_result res;
	struct mstate_ticket *t;
	struct mailaddr_req r;
	uint8_t seed2[16];
	int i;

	if (mkdtemp(dir) == NULL) {
		ok(0, "temporary directory");
		return;
	}
	s = mstate_create(&p, 8, seed);
	r = rq("locked@example.org", NULL);
	for (i = 0; i < 12; i++) {	/* waits given up: the queue grows */
		snprintf(rc, sizeof(rc), "x%d@example.net", i);
		r.recipient = rc;
		if (mstate_rcpt(s, &r, SEC, &res, &t) == MAILTHR_WAIT)
			mstate_wait(s, t, 0);
	}
	r = rq("friend@example.org", "pal1@example.net");
	mstate_rcpt(s, &r, SEC, &res, &t);
	r.recipient = "pal2@example.net";
	mstate_rcpt(s, &r, SEC, &res, &t);
	is_int(msnap_seed(dir, 8, seed2), -1, "no snapshot yet");
	is_int(errno, ENOENT, "... ENOENT");
	umask(022);	/* 0644 if the save asked for 0666 */
	is_int(msnap_save(s, dir), 0, "saved");
	{
		/* they hold SASL usernames (issue 20 point 10) */
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/milter-shard-000.state", dir);
		is_int(stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1,
		       0600, "a shard file is mode 0600");
	}
	mstate_free(s);

	is_int(msnap_seed(dir, 4, seed2), -1, "another shard count refused");
	is_int(errno, ESTALE, "... ESTALE");
	is_int(msnap_seed(dir, 8, seed2), 0, "the seed for 8 shards");
	ok(memcmp(seed2, seed, 16) == 0, "... is the one saved");
	t2 = mstate_create(&p, 8, seed2);
	is_int(msnap_load(t2, dir, SEC, no_warn), 0, "loaded");
	r = rq("locked@example.org", "new@example.net");
	is_int(mstate_rcpt(t2, &r, SEC, &res, &t), MAILTHR_HOLD,
	       "the locked-out sender is still locked out");
	r = rq("friend@example.org", "pal1@example.net");
	is_int(mstate_rcpt(t2, &r, SEC, &res, &t), MAILTHR_PASS,
	       "a recipient in the friend's working set passes");
	r.recipient = "pal3@example.net";
	is_int(mstate_rcpt(t2, &r, SEC, &res, &t), MAILTHR_WAIT,
	       "a new one waits: the working set came back full");
	if (t)
		mstate_wait(t2, t, 0);
	mstate_free(t2);
	test_damaged(dir, &p, seed2);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
}

struct worker { struct mstate *s; int id; unsigned pass, wait, other; };
static int stop_ticker;

/* worker - one session's worth of recipients, waits given up at once */
static void *worker(void *arg)
{
	struct worker *w = arg;
	struct mailthr_result res;
	struct mstate_ticket *t;
	char snd[64], rc[64];
	struct mailaddr_req r;
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(snd, sizeof(snd), "w%d-%d@example.org", w->id, i % 50);
		snprintf(rc, sizeof(rc), "r%d@example.net", i % 7);
		r = rq(snd, rc);
		switch (mstate_rcpt(w->s, &r, SEC + (uint64_t)i * 1000, &res, &t)) {
		case MAILTHR_PASS: w->pass++; break;
		case MAILTHR_WAIT: w->wait++; mstate_wait(w->s, t, 0); break;
		default: w->other++; break;
		}
	}
	return NULL;
}

/* ticker - releases while the workers run */
static void *ticker(void *arg)
{
	uint64_t now = SEC;

	while (!__atomic_load_n(&stop_ticker, __ATOMIC_RELAXED)) {
		mstate_tick(arg, now);
		now += SEC / 10;
	}
	return NULL;
}

/* test_threads - eight sessions and a ticker at once */
static void test_threads(void)
{
	struct mailthr_params p = params(NULL);
	struct mstate *s = mstate_create(&p, 16, seed);
	struct worker w[8];
	pthread_t th[8], tk;
	struct throttle_stats st;
	unsigned total = 0, passed = 0;
	size_t waiting;
	int i;

	pthread_create(&tk, NULL, ticker, s);
	for (i = 0; i < 8; i++) {
		w[i] = (struct worker){ .s = s, .id = i };
		pthread_create(&th[i], NULL, worker, &w[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		total += w[i].pass + w[i].wait + w[i].other;
		passed += w[i].pass;
	}
	__atomic_store_n(&stop_ticker, 1, __ATOMIC_RELAXED);
	pthread_join(tk, NULL);
	is_uint(total, 8 * 20000, "every decision made");
	mstate_stats(s, &st, &waiting);
	is_uint(waiting, 0, "no ticket left behind");
	is_uint(st.passed, passed, "shard counters add up to the passes seen");
	{
		uint64_t dec, busy;

		mstate_contention(s, &dec, &busy);
		is_uint(dec, 8 * 20000, "every decision counted");
		cmp_ok(busy, <=, dec, "contended decisions a subset (%llu)",
		       (unsigned long long)busy);
	}
	mstate_free(s);
}

int main(void)
{
	test_sharding();
	test_wait();
	test_lockout();
	test_reconfigure();
	test_hold();
	test_snapshot();
	test_threads();
	return done_testing();
}
