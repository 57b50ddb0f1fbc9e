/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailshare - unit test of the mail throttle shared through Redis
 * DESCRIPTION
 *	Starts a private redis-server (Debian's, on a unix socket in a
 *	directory of its own) and drives two mail throttles with the same
 *	random request sequences in simulated time: one local, one whose
 *	decisions are made by mailshare's script. Every verdict, event,
 *	queue length and release time must agree. Then the failure modes:
 *	Redis stopped (SIGSTOP: too slow) and killed, local mode told once,
 *	shared mode back when Redis answers; a lost script (SCRIPT FLUSH)
 *	is loaded again; a Cluster refusal; the reply checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hiredis.h>

#include "../tap.h"
#include "clock.h"
#include "mailshare.h"
#include "mailthr.h"

#define SEC 1000000000ULL
#define MS 1000000ULL

static const uint8_t seed[16] = "0123456789abcdef";
static char dir[64], sock[128];
static pid_t redis_pid;

/* redis_start - a private redis-server on dir/redis.sock; 0 or -1 */
static int redis_start(void)
{
	struct stat st;
	int i;

	snprintf(sock, sizeof(sock), "%s/redis.sock", dir);
	if ((redis_pid = fork()) == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		execlp("redis-server", "redis-server", "--port", "0",
		       "--unixsocket", sock, "--dir", dir, "--save", "",
		       "--appendonly", "no", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {
		if (stat(sock, &st) == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* redis_stop - kill it and wait */
static void redis_stop(void)
{
	if (redis_pid > 0) {
		kill(redis_pid, SIGKILL);
		waitpid(redis_pid, NULL, 0);
		unlink(sock);
	}
	redis_pid = 0;
}

struct rec {
	char log[65536];
	size_t len;
};

/* record - note each released cookie with its time */
static uint64_t rec_now;
static void record(void *ctx, const char *identity, uint64_t cookie,
		   enum throttle_why why)
{
	struct rec *r = ctx;

	if (why != THROTTLE_RELEASED || r->len > sizeof(r->log) - 64)
		return;
	r->len += (size_t)snprintf(r->log + r->len, sizeof(r->log) - r->len,
				   "%s#%llu@%llu ", identity,
				   (unsigned long long)cookie,
				   (unsigned long long)(rec_now / MS));
}

static int modes[2], mode_calls;

/* mode - count the changes of mode */
static void mode(void *ctx, int shared, const char *why)
{
	(void)ctx;
	(void)why;
	modes[shared]++;
	mode_calls++;
}

/* share_params - the test Redis, prefix pfx */
static struct mailshare_params share_params(const char *pfx)
{
	struct mailshare_params p;
	char err[256];

	memset(&p, 0, sizeof(p));
	endpoint_parse(sock, &p.rc.ep, err, sizeof(err));
	p.timeout_ns = 2 * SEC;	/* a loaded machine under ASan; the
				   deadline's own test sets 200 ms */
	snprintf(p.prefix, sizeof(p.prefix), "%s", pfx);
	memcpy(p.key, seed, 16);
	p.idle_ns = 3600 * SEC;
	p.nodes = 1;
	p.retry_ns = SEC;
	return p;
}

/* cmp_words - qsort of strings */
static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sort_words - the releases of one tick come in table order: compare
   them as a set of cookie@time */
static void sort_words(char *log)
{
	static char copy[65536];
	char *w[4096], *save = NULL, *t;
	size_t n = 0, i, len = 0;

	snprintf(copy, sizeof(copy), "%s", log);
	for (t = strtok_r(copy, " ", &save); t && n < 4096;
	     t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	qsort(w, n, sizeof(w[0]), cmp_words);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(log + len, "%s ", w[i]);
	log[len] = 0;
}

/* batch_rcpt - the step's requests through begin, one pipelined
   mailshare_decide_batch, end (as sluice-policyd does) */
static void batch_rcpt(struct mailthr *m, struct mailshare *sh, size_t n,
		       const struct mailaddr_req *r, const uint64_t *cookie,
		       uint64_t now, struct mailthr_result *res)
{
	const struct mailthr_params *mp = mailthr_params_of(m);
	const char *id[8], *rc[8];
	struct mailshare_verdict sv[8];
	size_t i, k = 0, idx[8];
	int need[8], ok;

	for (i = 0; i < n; i++) {
		need[i] = mailthr_rcpt_begin(m, &r[i], cookie[i], now, &res[i]);
		if (need[i]) {
			id[k] = res[i].identity;
			rc[k] = res[i].recipient;
			idx[k++] = i;
		}
	}
	ok = k && mailshare_decide_batch(sh, &mp->thr, mp->lockout_min_ns, k,
					 id, rc, now, mailthr_share_clock(m, now),
					 sv) == 0;
	for (i = 0; i < k; i++)
		mailthr_rcpt_end(m, cookie[idx[i]], now, ok ? &sv[i] : NULL,
				 &res[idx[i]]);
}

/* test_same - local and shared decide one random sequence alike (the
   shared one request by request, or, batched, a step's at once) */
static int test_same(unsigned run, int batched)
{
	struct mailthr_params p;
	struct mailshare_params sp;
	struct mailshare *sh;
	struct mailthr *loc, *sha;
	static struct rec rl, rs;
	struct mailthr_result a, b;
	char pfx[32], to[64];
	uint64_t now = 5000 * SEC, cookie = 0;
	unsigned step, k, bad = 0, n = 0, held = 0, locks = 0;

	srandom(run);
	mailthr_defaults(&p);
	p.thr.wset_size = 1 + (unsigned)(random() % 5);
	p.thr.release_ns = (200 + (uint64_t)(random() % 3) * 400) * MS;
	p.thr.high = 6 + (unsigned)(random() % 6);
	p.thr.low = 2 + (unsigned)(random() % 4);
	p.lockout_min_ns = (random() % 2) ? (uint64_t)(random() % 5) * SEC : 0;
	p.mode = MAILTHR_MODE_DELAY;
	snprintf(pfx, sizeof(pfx), "t%u%c:", run, batched ? 'b' : 's');
	sp = share_params(pfx);
	sh = mailshare_create(&sp, mode, NULL);
	memset(&rl, 0, sizeof(rl));
	memset(&rs, 0, sizeof(rs));
	loc = mailthr_create(&p, seed, record, &rl);
	sha = mailthr_create(&p, seed, record, &rs);
	mailthr_share(sha, sh, 1);
	for (step = 0; step < 400; step++) {
		char client[4][32], tos[4][64];
		struct mailaddr_req rq[4];
		struct mailthr_result rb[4];
		uint64_t ck[4];
		unsigned nk = (unsigned)(random() % 4), j;

		now += (uint64_t)(random() % 300) * MS;
		rec_now = now;
		mailthr_tick(loc, now);
		mailthr_tick(sha, now);
		for (j = 0; j < nk; j++) {
			snprintf(client[j], 32, "192.0.2.%ld", random() % 3);
			snprintf(tos[j], 64, "u%ld@example.net", random() % 14);
			rq[j] = (struct mailaddr_req){ NULL, "s@example.org",
						      client[j], tos[j] };
			ck[j] = ++cookie;
		}
		if (batched)
			batch_rcpt(sha, sh, nk, rq, ck, now, rb);
		for (j = 0; j < nk; j++) {
			const char *cl = client[j];

			snprintf(to, sizeof(to), "%s", tos[j]);
			mailthr_rcpt(loc, &rq[j], ck[j], now, &a);
			if (batched)
				b = rb[j];
			else
				mailthr_rcpt(sha, &rq[j], ck[j], now, &b);
			n++;
			held += a.event == MAILTHR_EV_DELAYED;
			locks += a.event == MAILTHR_EV_LOCKOUT;
			if (a.verdict != b.verdict || a.event != b.event ||
			    a.queued != b.queued) {
				if (bad++ < 3)
					diag("run %u step %u %s -> %s: local %d/%d/%u, "
					     "shared %d/%d/%u", run, step, cl, to,
					     a.verdict, a.event, a.queued, b.verdict,
					     b.event, b.queued);
			}
		}
	}
	for (k = 0; k < 200; k++) {	/* drain: every release compared */
		now += 100 * MS;
		rec_now = now;
		mailthr_tick(loc, now);
		mailthr_tick(sha, now);
	}
	{
		struct mailthr_counters c = { 0 };

		mailthr_counters(sha, &c);
		if (c.shared_lockouts != locks) {
			bad++;
			diag("run %u: %llu shared lockouts counted, %u lockouts",
			     run, (unsigned long long)c.shared_lockouts, locks);
		}
	}
	sort_words(rl.log);
	sort_words(rs.log);
	if (strcmp(rl.log, rs.log) != 0) {
		bad++;
		diag("run %u releases differ:\n# local  %.300s\n# shared %.300s",
		     run, rl.log, rs.log);
	}
	if (run == 0)
		diag("run 0: %u requests, %u held, %u lockouts, wset %u, "
		     "release %llu ms, high %u, low %u", n, held, locks,
		     p.thr.wset_size, (unsigned long long)(p.thr.release_ns / MS),
		     p.thr.high, p.thr.low);
	mailthr_free(loc);
	mailthr_free(sha);
	mailshare_free(sh);
	return bad == 0 && held > 0 && mode_calls == 0 ? 0 : -1;
}

/* decide_one - one shared decision now; its return */
static int decide_one(struct mailshare *sh, const char *id, uint64_t now)
{
	struct throttle_params tp = { 5, SEC, 50, 25, 0, 0 };
	struct mailshare_verdict v;

	return mailshare_decide(sh, &tp, 0, id, "x@example.net", now, 0, &v);
}

/* test_fallback - stopped, killed, restarted: local mode told once */
static void test_fallback(void)
{
	struct mailshare_params sp = share_params("fb:");
	struct mailshare *sh;
	struct mailshare_stats st;
	uint64_t t0, now = sl_monotonic_ns();
	int r;

	sp.timeout_ns = 200 * MS;
	sh = mailshare_create(&sp, mode, NULL);

	mode_calls = modes[0] = modes[1] = 0;
	is_int(decide_one(sh, "sasl:a", now), 0, "Redis up: shared decision");
	kill(redis_pid, SIGSTOP);
	t0 = sl_monotonic_ns();
	r = decide_one(sh, "sasl:a", t0);
	is_int(r, -1, "Redis stopped: the decision fails");
	cmp_ok(sl_monotonic_ns() - t0, <, 1000 * MS,
	       "and returns at the deadline (200 ms; a blocking read would "
	       "wait for ever)");
	t0 = sl_monotonic_ns();
	r = decide_one(sh, "sasl:a", t0 + 10 * MS);
	ok(r == -1 && sl_monotonic_ns() - t0 < 200 * MS,
	   "local mode: the next call does not try Redis before retry_ns "
	   "(trying would take the 200 ms deadline)");
	is_int(modes[0], 1, "local mode told once");
	kill(redis_pid, SIGCONT);
	r = decide_one(sh, "sasl:a", sl_monotonic_ns() + 2 * SEC);
	is_int(r, 0, "Redis answers again after retry_ns: shared");
	is_int(modes[1], 1, "shared mode told once");
	redis_stop();
	r = decide_one(sh, "sasl:a", sl_monotonic_ns());
	is_int(r, -1, "Redis killed: local");
	is_int(modes[0], 2, "told again, once");
	redis_start();
	r = decide_one(sh, "sasl:a", sl_monotonic_ns() + 4 * SEC);
	is_int(r, 0, "a new Redis (script not loaded): shared, script loaded");
	mailshare_stats(sh, &st);
	ok(st.fallbacks == 2 && st.recoveries == 2 && st.shared == 1,
	   "stats: fallbacks %llu, recoveries %llu, shared %d",
	   (unsigned long long)st.fallbacks,
	   (unsigned long long)st.recoveries, st.shared);
	mailshare_free(sh);
}

/* test_noscript - SCRIPT FLUSH behind our back: loaded again */
static void test_noscript(void)
{
	struct mailshare_params sp = share_params("ns:");
	struct mailshare *sh = mailshare_create(&sp, mode, NULL);
	redisContext *c = redisConnectUnix(sock);
	redisReply *r;

	mode_calls = 0;
	decide_one(sh, "sasl:b", sl_monotonic_ns());
	r = redisCommand(c, "SCRIPT FLUSH");
	freeReplyObject(r);
	is_int(decide_one(sh, "sasl:b", sl_monotonic_ns()), 0,
	       "after SCRIPT FLUSH: NOSCRIPT, loaded again, answered");
	is_int(mode_calls, 0, "no change of mode for a lost script");
	r = redisCommand(c, "MEMORY USAGE ns:{sasl:b}");
	ok(r && r->type == REDIS_REPLY_INTEGER && r->integer > 0 &&
	   r->integer < 400, "an identity costs %lld bytes in Redis",
	   r ? r->integer : -1);
	diag("MEMORY USAGE of one identity (one recipient): %lld bytes",
	     r ? r->integer : -1);
	freeReplyObject(r);
	r = redisCommand(c, "PTTL ns:{sasl:b}");
	ok(r && r->type == REDIS_REPLY_INTEGER && r->integer > 3590000 &&
	   r->integer <= 3600000, "the key expires after redis_idle (PTTL %lld)",
	   r ? r->integer : -1);
	freeReplyObject(r);
	redisFree(c);
	mailshare_free(sh);
}

/* test_replies - the script's reply shape is checked */
static void test_replies(void)
{
	static const struct { const char *resp; int want; } t[] = {
		{ "*3\r\n:0\r\n:0\r\n:0\r\n", 0 },
		{ "*3\r\n:1\r\n:3\r\n:1500\r\n", 0 },
		{ "*3\r\n:5\r\n:0\r\n:0\r\n", -1 },
		{ "*3\r\n:-1\r\n:0\r\n:0\r\n", -1 },
		{ "*2\r\n:0\r\n:0\r\n", -1 },
		{ "*3\r\n$1\r\n0\r\n:0\r\n:0\r\n", -1 },
		{ "*3\r\n:0\r\n:0\r\n:999999999\r\n", -1 },
		{ "-ERR no\r\n", -1 },
		{ "+OK\r\n", -1 },
	};
	struct mailshare_verdict v;
	redisReply *r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int got = redisc_parse(t[i].resp, strlen(t[i].resp), 1024, &r);

		ok(got == 1 && mailshare_reply(r, &v) == t[i].want,
		   "reply %zu checked: got %d, want %d", i,
		   got == 1 ? mailshare_reply(r, &v) : 99, t[i].want);
		freeReplyObject(r);
	}
	is_int(redisc_parse("$1000000\r\nab", 12, 64, &r), 0,
	       "a long bulk string is incomplete, not buffered in full");
	is_int(redisc_parse("!garbage\r\n", 10, 64, &r), -1, "garbage: malformed");
	is_int(redisc_parse("*555555551\r\n", 12, 64, &r), -1,
	       "an array of 555 million: refused before any allocation");
}

/* rcpt_of - one recipient of client 10.1.1.1 at node m */
static enum mailthr_verdict rcpt_of(struct mailthr *m, const char *to,
				    uint64_t cookie, uint64_t now)
{
	struct mailaddr_req r = { NULL, "s@example.org", "10.1.1.1", to };
	struct mailthr_result res;

	return mailthr_rcpt(m, &r, cookie, now, &res);
}

/* test_nodes - a honeytoken at one node locks the sender out at the
   other; a release at the other lets it out at the first */
static void test_nodes(void)
{
	static char *tokens[] = { "trap@example.net", NULL };
	struct mailshare_params sp = share_params("nd:");
	struct mailshare *sa = mailshare_create(&sp, mode, NULL);
	struct mailshare *sb = mailshare_create(&sp, mode, NULL);
	struct mailthr_params p;
	struct mailthr *a, *b;
	uint64_t now = 7000 * SEC;

	mailthr_defaults(&p);
	p.honeytokens = tokens;
	a = mailthr_create(&p, seed, NULL, NULL);
	b = mailthr_create(&p, seed, NULL, NULL);
	mailthr_share(a, sa, 1);
	mailthr_share(b, sb, 1);
	is_int(rcpt_of(b, "friend@example.net", 1, now), MAILTHR_PASS,
	       "node B: a recipient passes");
	is_int(rcpt_of(a, "trap@example.net", 2, now), MAILTHR_HOLD,
	       "node A: a honeytoken holds the message");
	is_int(rcpt_of(b, "friend@example.net", 3, now + SEC), MAILTHR_HOLD,
	       "node B: the sender is locked out too");
	is_int(mailthr_release(b, "client:10.1.1.1"), 0,
	       "node B: the operator releases it (known through Redis)");
	is_int(rcpt_of(a, "friend@example.net", 4, now + 2 * SEC),
	       MAILTHR_PASS, "node A: let out");
	mailthr_free(a);
	mailthr_free(b);
	mailshare_free(sa);
	mailshare_free(sb);
}

static uint64_t released_at[8];
static unsigned nreleased;

/* stamp - the time each cookie came back */
static void stamp(void *ctx, const char *identity, uint64_t cookie,
		  enum throttle_why why)
{
	(void)ctx;
	(void)identity;
	(void)cookie;
	if (why == THROTTLE_RELEASED && nreleased < 8)
		released_at[nreleased++] = rec_now;
}

/* test_local_rate - Redis unreachable, two nodes: one a 2 s each */
static void test_local_rate(void)
{
	struct mailshare_params sp = share_params("lr:");
	struct mailshare *sh;
	struct mailthr_params p;
	struct mailthr *m;
	char to[32], err[64];
	uint64_t now = 9000 * SEC;
	unsigned i;

	endpoint_parse("unix:/nonexistent/redis.sock", &sp.rc.ep, err, sizeof(err));
	sp.nodes = 2;
	sh = mailshare_create(&sp, mode, NULL);
	mailthr_defaults(&p);
	p.thr.wset_size = 1;
	m = mailthr_create(&p, seed, stamp, NULL);
	mailthr_share(m, sh, 1);
	for (i = 0; i < 3; i++) {
		snprintf(to, sizeof(to), "r%u@example.net", i);
		rcpt_of(m, to, i + 1, now);
	}
	for (i = 0; i < 100; i++) {
		rec_now = now + i * 100 * MS;
		mailthr_tick(m, rec_now);
	}
	ok(nreleased == 2 && released_at[1] - released_at[0] == 2 * SEC,
	   "local mode, redis_nodes 2: releases 2 s apart (got %u, %llu ms)",
	   nreleased, (unsigned long long)((released_at[1] - released_at[0]) / MS));
	mailthr_free(m);
	mailshare_free(sh);
}

int main(void)
{
	unsigned run, same = 0;

	snprintf(dir, sizeof(dir), "/tmp/sluice-mailshare-XXXXXX");
	if (mkdtemp(dir) == NULL || redis_start() < 0) {
		ok(0, "redis-server starts (Debian redis-server; make deps)");
		return done_testing();
	}
	ok(1, "redis-server started on %s", sock);
	for (run = 0; run < 30; run++)
		same += test_same(run, 0) == 0;
	is_uint(same, 30, "30 random sequences: shared decisions and release "
		"times equal the local throttle's");
	for (run = same = 0; run < 30; run++)
		same += test_same(run, 1) == 0;
	is_uint(same, 30, "the same, each step's requests pipelined in one "
		"mailshare_decide_batch");
	test_noscript();
	test_nodes();
	test_local_rate();
	test_replies();
	test_fallback();
	redis_stop();
	rmdir(dir);
	return done_testing();
}
