/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailshare - the mail throttle's state shared through Redis
 * SYNOPSIS
 *	See mailshare.h.
 * DESCRIPTION
 *	The script is throttle.c's th_decide and th_round in Lua, over one
 *	hash per identity: w the working set (tags, most recent first), e
 *	the period last accounted for, q the queue as distinct tags in
 *	order with their counts ("tag:count,..."), n the queued requests, r
 *	the period of the queue head's release, f the throttle lockout, u
 *	the lockout time (ms, Redis's clock). Releases are applied lazily
 *	at the next call, period by period, as throttle_tick would have
 *	applied them on time: the outcome of a request depends only on
 *	the requests before it and the clock, which is what makes the
 *	shared decision the one a single host would make.
 *
 *	The queue stores distinct tags because a release takes the head
 *	and every other request to the same destination: a request joins
 *	its destination's entry, so its release period is known when it
 *	is queued (the head's period plus its entry's place).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "clock.h"
#include "coreconf.h"
#include "daemon.h"
#include "mailshare.h"
#include "siphash.h"
#include "wset.h"

static const char script[] =
"local k, op, tag = KEYS[1], ARGV[1], ARGV[2]\n"
"local N, R = tonumber(ARGV[3]), tonumber(ARGV[4])\n"
"local hi, lo = tonumber(ARGV[5]), tonumber(ARGV[6])\n"
"local idle, lk, now = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])\n"
"if now == 0 then\n"
"  local t = redis.call('TIME')\n"
"  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"end\n"
"if op == 'r' and redis.call('EXISTS', k) == 0 then return {0, 0, 0} end\n"
"local e = math.floor(now / R)\n"
"local h = redis.call('HMGET', k, 'w', 'e', 'q', 'n', 'r', 'f', 'u')\n"
"local w, q = {}, {}\n"
"for x in string.gmatch(h[1] or '', '[^,]+') do w[#w + 1] = x end\n"
"for t, c in string.gmatch(h[3] or '', '([^,:]+):(%d+)') do\n"
"  q[#q + 1] = {t, tonumber(c)}\n"
"end\n"
"local ep, n = tonumber(h[2]) or e, tonumber(h[4]) or 0\n"
"local r, f, u = tonumber(h[5]) or 0, tonumber(h[6]) or 0, tonumber(h[7]) or 0\n"
"local function find(t)\n"
"  for i = 1, #w do if w[i] == t then return i end end\n"
"  return nil\n"
"end\n"
"local function front(t)\n"
"  local i = find(t)\n"
"  if i then table.remove(w, i) end\n"
"  table.insert(w, 1, t)\n"
"  while #w > N do table.remove(w) end\n"
"end\n"
/* th_round, once per period passed: the head enters the working set */
"while #q > 0 and r <= e do\n"
"  local head = table.remove(q, 1)\n"
"  n = n - head[2]\n"
"  front(head[1])\n"
"  ep = r\n"
"  if f == 1 and n < lo then f = 0 end\n"
"  r = r + 1\n"
"end\n"
"local v, wait = 0, 0\n"
"if op == 'l' then\n"
"  if now + lk > u then u = now + lk end\n"
"elseif op == 'r' then\n"
"  f, u, q, n, v = 0, 0, {}, 0, 1\n"
"elseif u > now then v = 4\n"
"elseif f == 1 then v = 3\n"
"else\n"
/* th_decide: each period with an empty queue frees the oldest slot */
"  if n == 0 and e > ep then\n"
"    local keep = #w - (e - ep)\n"
"    while #w > keep and #w > 0 do table.remove(w) end\n"
"    ep = e\n"
"  end\n"
"  if find(tag) then front(tag)\n"
"  elseif n == 0 and #w < N then front(tag)\n"
"  elseif n >= hi then\n"
"    f, v = 1, 2\n"
"    if lk > 0 then u = now + lk end\n"
"  else\n"
"    if n == 0 then r = e + 1 end\n"
"    local j = nil\n"
"    for x = 1, #q do if q[x][1] == tag then j = x break end end\n"
"    if j then q[j][2] = q[j][2] + 1 else q[#q + 1] = {tag, 1} j = #q end\n"
"    n, v = n + 1, 1\n"
"    wait = (r + j - 1) * R - now\n"
"  end\n"
"end\n"
"local qs = {}\n"
"for x = 1, #q do qs[x] = q[x][1] .. ':' .. q[x][2] end\n"
"redis.call('HSET', k, 'w', table.concat(w, ','), 'e', ep, 'q',\n"
"  table.concat(qs, ','), 'n', n, 'r', r, 'f', f, 'u', u)\n"
"local ttl = idle\n"
"if u - now > ttl then ttl = u - now end\n"
"if (r + #q - e) * R > ttl then ttl = (r + #q - e) * R end\n"
"redis.call('PEXPIRE', k, math.floor(ttl))\n"
"return {v, n, math.floor(wait)}\n";

struct mailshare {
	struct mailshare_params p;
	pthread_mutex_t lock;
	struct redisc *rc;
	struct wset_key wkey;
	char sha[41];			/* the loaded script; "" if not */
	uint64_t retry_at;		/* local mode: next try */
	mailshare_mode_fn *fn;
	void *ctx;
	struct mailshare_stats st;
	char where[128];		/* mailshare_open: for the log */
	uint64_t local_ns;		/* local mode's release interval */
};

/* mailshare_create - NULL with errno; starts in shared mode */
struct mailshare *mailshare_create(const struct mailshare_params *p,
				   mailshare_mode_fn *fn, void *ctx)
{
	struct mailshare *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->p = *p;
	if (s->p.nodes == 0)
		s->p.nodes = 1;
	if ((s->rc = redisc_create(&p->rc)) == NULL) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	wset_key_init(&s->wkey, p->key);
	s->fn = fn;
	s->ctx = ctx;
	s->st.shared = 1;
	return s;
}

/* mailshare_free - accepts NULL */
void mailshare_free(struct mailshare *s)
{
	if (s == NULL)
		return;
	redisc_free(s->rc);
	pthread_mutex_destroy(&s->lock);
	explicit_bzero(s->p.rc.pass, sizeof(s->p.rc.pass));
	free(s);
}

/* mailshare_reply - the script's reply checked: 0 and out, or -1 */
int mailshare_reply(const redisReply *r, struct mailshare_verdict *out)
{
	static const enum throttle_verdict v[] = {
		THROTTLE_PASS, THROTTLE_HOLD, THROTTLE_LOCKOUT,
		THROTTLE_LOCKED, THROTTLE_LOCKED };
	size_t i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3)
		return -1;
	for (i = 0; i < 3; i++)
		if (r->element[i]->type != REDIS_REPLY_INTEGER)
			return -1;
	/* verdict 0..4, a queue of at most a million, a wait under a day */
	if (r->element[0]->integer < 0 || r->element[0]->integer > 4 ||
	    r->element[1]->integer < 0 || r->element[1]->integer > 1000000 ||
	    r->element[2]->integer < 0 || r->element[2]->integer > 86400000)
		return -1;
	out->v = v[r->element[0]->integer];
	out->lock_live = r->element[0]->integer == 4;
	out->queued = (unsigned)r->element[1]->integer;
	out->wait_ns = (uint64_t)r->element[2]->integer * NS_PER_MS;
	return 0;
}

/* eval - the script (loaded first, or again) and its reply checked */
static int eval(struct mailshare *s, const char **argv, size_t *len, int argc,
		uint64_t deadline, struct mailshare_verdict *out,
		const char **why)
{
	redisReply *r = NULL;
	int ret = -1;

	if (redisc_script(s->rc, deadline, script, s->sha, argc, argv, len,
			  &r, why) < 0)
		return -1;
	if (mailshare_reply(r, out) == 0) {
		ret = 0;
	} else {
		*why = r->type == REDIS_REPLY_ERROR ? "error reply to EVALSHA"
						    : "unexpected reply to EVALSHA";
		redisc_close(s->rc);	/* what follows may be out of step */
	}
	freeReplyObject(r);
	return ret;
}

/* failed - a call failed: local mode, told once */
static void failed(struct mailshare *s, uint64_t now, const char *why)
{
	s->st.errors++;
	s->retry_at = now + (s->p.retry_ns ? s->p.retry_ns : NS_PER_SEC);
	if (!s->st.shared)
		return;
	s->st.shared = 0;
	s->st.fallbacks++;
	if (s->fn)
		s->fn(s->ctx, 0, why);
}

/* answered - a call worked: shared mode, told once */
static void answered(struct mailshare *s)
{
	if (s->st.shared)
		return;
	s->st.shared = 1;
	s->st.recoveries++;
	if (s->fn)
		s->fn(s->ctx, 1, "Redis answers");
}

#define NARGS 13

/* one script call's words: EVALSHA sha 1 key op tag N R high low idle
   lock clock */
struct args {
	char key[MAILSHARE_PREFIX_MAX + 300], num[8][24], op[2];
	const char *argv[NARGS];
	size_t len[NARGS];
};

/* args_make - the words of one call for op on identity */
static void args_make(struct args *a, const struct mailshare *s, char op,
		      const char *identity, uint32_t tag,
		      const struct throttle_params *tp, uint64_t lock_ns,
		      uint64_t clock_ms)
{
	int i;

	snprintf(a->key, sizeof(a->key), "%s{%s}", s->p.prefix, identity);
	a->op[0] = op;
	a->op[1] = 0;
	snprintf(a->num[0], 24, "%u", tag);
	snprintf(a->num[1], 24, "%u", tp->wset_size);
	snprintf(a->num[2], 24, "%llu", (unsigned long long)(tp->release_ns / NS_PER_MS));
	snprintf(a->num[3], 24, "%u", tp->high);
	snprintf(a->num[4], 24, "%u", tp->low);
	snprintf(a->num[5], 24, "%llu", (unsigned long long)(s->p.idle_ns / NS_PER_MS));
	snprintf(a->num[6], 24, "%llu", (unsigned long long)(lock_ns / NS_PER_MS));
	snprintf(a->num[7], 24, "%llu", (unsigned long long)clock_ms);
	a->argv[0] = "EVALSHA";
	a->argv[1] = s->sha;
	a->argv[2] = "1";
	a->argv[3] = a->key;
	a->argv[4] = a->op;
	for (i = 0; i < 8; i++)
		a->argv[5 + i] = a->num[i];
	for (i = 0; i < NARGS; i++)
		a->len[i] = strlen(a->argv[i]);
}

/* begin - under the lock: 0 if Redis may be asked now */
static int begin(struct mailshare *s, uint64_t now)
{
	pthread_mutex_lock(&s->lock);
	s->st.calls++;
	if (!s->st.shared && now < s->retry_at) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	return 0;
}

/* finish - the outcome told, the lock released */
static int finish(struct mailshare *s, int ret, uint64_t now, const char *why)
{
	if (ret < 0)
		failed(s, now, why);
	else
		answered(s);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

/* call - one script call for op on identity; 0 or -1 */
static int call(struct mailshare *s, char op, const char *identity,
		uint32_t tag, const struct throttle_params *tp,
		uint64_t lock_ns, uint64_t now, uint64_t clock_ms,
		struct mailshare_verdict *out)
{
	struct args a;
	const char *why = NULL;

	if (begin(s, now) < 0)
		return -1;
	args_make(&a, s, op, identity, tag, tp, lock_ns, clock_ms);
	return finish(s, eval(s, a.argv, a.len, NARGS,
			      sl_monotonic_ns() + s->p.timeout_ns, out, &why),
		      now, why);
}

/* pipelined - the batch's calls in one write; -1 on any failure, 1 if
   Redis lost the script (load it and try again) */
static int pipelined(struct mailshare *s, size_t n, struct args *a,
		     uint64_t deadline, struct mailshare_verdict *out,
		     const char **why)
{
	const char *const *argv[MAILSHARE_BATCH] = { NULL };
	const size_t *len[MAILSHARE_BATCH] = { NULL };
	redisReply *r[MAILSHARE_BATCH];
	size_t i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		a[i].argv[1] = s->sha;
		a[i].len[1] = strlen(s->sha);
		argv[i] = a[i].argv;
		len[i] = a[i].len;
	}
	if (redisc_pipeline(s->rc, deadline, n, NARGS, argv, len, r, why) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (ret == 0 && r[i]->type == REDIS_REPLY_ERROR &&
		    strncmp(r[i]->str, "NOSCRIPT", 8) == 0)
			ret = 1;
		else if (ret == 0 && mailshare_reply(r[i], &out[i]) < 0) {
			*why = "unexpected reply to EVALSHA";
			ret = -1;
		}
		freeReplyObject(r[i]);
	}
	return ret;
}

/* mailshare_decide_batch - n recipients (at most MAILSHARE_BATCH) in
   one round trip; 0 and every out[i], or -1 for all */
int mailshare_decide_batch(struct mailshare *s, const struct throttle_params *tp,
			   uint64_t lockout_min_ns, size_t n,
			   const char *const *identity, const char *const *rcpt,
			   uint64_t now, uint64_t clock_ms,
			   struct mailshare_verdict *out)
{
	static __thread struct args a[MAILSHARE_BATCH];
	uint64_t deadline;
	const char *why = NULL;
	size_t i;
	int r = -1, tries;

	if (n == 0 || n > MAILSHARE_BATCH || begin(s, now) < 0)
		return -1;
	deadline = sl_monotonic_ns() + s->p.timeout_ns;
	for (i = 0; i < n; i++)
		args_make(&a[i], s, 'd', identity[i],
			  wset_tag(&s->wkey, rcpt[i], strlen(rcpt[i])), tp,
			  lockout_min_ns, clock_ms);
	for (tries = 0; tries < 2; tries++) {
		if (!s->sha[0] && redisc_load(s->rc, deadline, script, s->sha,
					      &why) < 0)
			break;
		if ((r = pipelined(s, n, a, deadline, out, &why)) <= 0)
			break;
		s->sha[0] = 0;
		why = "NOSCRIPT after SCRIPT LOAD";
	}
	if (r != 0)
		redisc_close(s->rc);	/* what follows may be out of step */
	return finish(s, r == 0 ? 0 : -1, now, why);
}

/* mailshare_wants - shared mode, or the time to try Redis again */
int mailshare_wants(struct mailshare *s, uint64_t now)
{
	int w;

	pthread_mutex_lock(&s->lock);
	w = s->st.shared || now >= s->retry_at;
	pthread_mutex_unlock(&s->lock);
	return w;
}

/* mailshare_decide - one recipient of identity; 0, or -1: decide locally */
int mailshare_decide(struct mailshare *s, const struct throttle_params *tp,
		     uint64_t lockout_min_ns, const char *identity,
		     const char *rcpt, uint64_t now, uint64_t clock_ms,
		     struct mailshare_verdict *out)
{
	uint32_t tag = wset_tag(&s->wkey, rcpt, strlen(rcpt));

	return call(s, 'd', identity, tag, tp, lockout_min_ns, now, clock_ms,
		    out);
}

/* mailshare_lock - lock identity out for ttl_ns; 0 or -1 */
int mailshare_lock(struct mailshare *s, const struct throttle_params *tp,
		   const char *identity, uint64_t ttl_ns, uint64_t now)
{
	struct mailshare_verdict v;

	return call(s, 'l', identity, 0, tp, ttl_ns, now, 0, &v);
}

/* mailshare_release - operator: unlock identity, empty its queue;
   1 if Redis had it, 0 if not, -1 */
int mailshare_release(struct mailshare *s, const struct throttle_params *tp,
		      const char *identity, uint64_t now)
{
	struct mailshare_verdict v;

	if (call(s, 'r', identity, 0, tp, 0, now, 0, &v) < 0)
		return -1;
	return v.v != THROTTLE_PASS;
}

/* mailshare_nodes - the hosts sharing */
unsigned mailshare_nodes(const struct mailshare *s)
{
	return s->p.nodes;
}

/* mailshare_stats - counters and mode */
void mailshare_stats(struct mailshare *s, struct mailshare_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	pthread_mutex_unlock(&s->lock);
}

/* mailshare_from_core - the parameters [core] gives */
void mailshare_from_core(const struct core_conf *cc, struct mailshare_params *p)
{
	memset(p, 0, sizeof(*p));
	if (cc->redis_rc)
		p->rc = *cc->redis_rc;
	p->timeout_ns = cc->redis_timeout;
	snprintf(p->prefix, sizeof(p->prefix), "%s",
		 cc->redis_prefix ? cc->redis_prefix : "");
	memcpy(p->key, cc->redis_key, 16);
	p->idle_ns = cc->redis_idle;
	p->nodes = cc->redis_nodes;
	p->retry_ns = NS_PER_SEC;
}

/* logged - a change of mode, in the log once */
static void logged(void *ctx, int shared, const char *why)
{
	struct mailshare *s = ctx;

	if (shared)
		daemon_log(LOG_NOTICE, "redis %s: shared mode: %s", s->where, why);
	else
		daemon_log(LOG_WARNING, "redis %s: local mode (%s): each host "
			   "releases one new recipient per %.3g s "
			   "(release_interval x redis_nodes) until Redis "
			   "answers", s->where, why,
			   (double)s->local_ns / NS_PER_SEC);
}

/* probe - one PING: -1 only for a server we refuse */
static int probe(struct mailshare *s, char *err, size_t errlen)
{
	const char *argv[] = { "PING" };
	size_t len[] = { 4 };
	redisReply *r = NULL;
	const char *why;

	if (redisc_call(s->rc, sl_monotonic_ns() + s->p.timeout_ns, 1, argv,
			len, &r, &why) == 0) {
		freeReplyObject(r);
		return 0;
	}
	if (redisc_refused(s->rc)) {
		snprintf(err, errlen, "[core] redis = %s: %s", s->where, why);
		return -1;
	}
	failed(s, sl_monotonic_ns(), why);
	return 0;
}

/* mailshare_open - the front ends' share from [core] */
struct mailshare *mailshare_open(const struct core_conf *cc,
				 uint64_t release_ns, char *err, size_t errlen)
{
	struct mailshare_params p;
	struct mailshare *s;

	*err = 0;
	if (cc->redis == NULL)
		return NULL;
	mailshare_from_core(cc, &p);
	if ((s = mailshare_create(&p, logged, NULL)) == NULL) {
		snprintf(err, errlen, "redis: %s", strerror(errno));
		return NULL;
	}
	s->ctx = s;
	snprintf(s->where, sizeof(s->where), "%s", cc->redis);
	s->local_ns = release_ns * s->p.nodes;
	if (probe(s, err, errlen) < 0) {
		mailshare_free(s);
		return NULL;
	}
	return s;
}

/* mailshare_key_file - 16 bytes of key from the file's contents */
int mailshare_key_file(const char *path, uint8_t key[16], char *err,
		       size_t errlen)
{
	static const uint8_t k0[16] = "sluice-tagkey-0", k1[16] = "sluice-tagkey-1";
	gchar *data = NULL;
	gsize len = 0;
	uint64_t h[2];

	if (!g_file_get_contents(path, &data, &len, NULL) || len < 16) {
		snprintf(err, errlen, "%s: %s", path, data ?
			 "shorter than 16 bytes (make one with: head -c 32 "
			 "/dev/urandom > FILE, the same file on every host)" :
			 strerror(errno ? errno : ENOENT));
		g_free(data);
		return -1;
	}
	/* the whole file counts, whatever its form (binary, hex, base64) */
	h[0] = siphash_24(k0, data, len);
	h[1] = siphash_24(k1, data, len);
	memcpy(key, h, 16);
	explicit_bzero(data, len);
	g_free(data);
	return 0;
}
