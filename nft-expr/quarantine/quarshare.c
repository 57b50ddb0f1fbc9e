/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarshare - quarantines shared between gateways through Redis
 * SYNOPSIS
 *	See quarshare.h.
 * DESCRIPTION
 *	One Lua script does the three things atomically on Redis's clock:
 *	q and u update the sorted set (expired members trimmed) and append
 *	to the stream (capped near 10,000 entries); L returns the stream's
 *	last id and a page of the active set with the milliseconds left.
 *	The stream is read with XREAD without BLOCK from the last id seen,
 *	16 entries at a time, on the same connection: no subscriber
 *	connection, no thread. A node skips its own entries by its node
 *	name (host name and pid).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "quarantine/quar.h"
#include "quarantine/quarshare.h"
#include "redisc.h"

#define PAGE 30			/* active quarantines a load call returns */
#define READ_COUNT "16"		/* stream entries one XREAD returns */
#define KEYMAX 128

static const char script[] =
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
"local op = ARGV[1]\n"
"redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
"if op == 'L' then\n"
"  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)\n"
"  local r = {'0-0'}\n"
"  if #last > 0 then r[1] = last[1][1] end\n"
"  local from = tonumber(ARGV[2])\n"
"  local z = redis.call('ZRANGE', KEYS[1], from, from + 29, 'WITHSCORES')\n"
"  for i = 1, #z, 2 do\n"
"    r[#r + 1] = z[i]\n"
"    r[#r + 1] = tostring(math.floor(tonumber(z[i + 1]) - now))\n"
"  end\n"
"  return r\n"
"end\n"
"if op == 'q' then\n"
"  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])\n"
"else\n"
"  redis.call('ZREM', KEYS[1], ARGV[2])\n"
"end\n"
"redis.call('XADD', KEYS[2], 'MAXLEN', '~', 10000, '*', 'op', op, 'a',\n"
"  ARGV[2], 'ttl', ARGV[3], 'n', ARGV[4])\n"
"return 1\n";

struct change {
	struct sl_addr a;
	uint64_t ttl_ms;		/* 0: lifted */
};

struct quarshare {
	struct redisc *rc;
	uint64_t timeout_ns;
	char set[KEYMAX], stream[KEYMAX];
	char node[96];
	char sha[41];
	char last_id[48];		/* of the stream; "" until loaded */
	int applying;			/* changes made here come from Redis */
	int shared;			/* 1 while Redis answers */
	uint64_t next, retry_at;
	struct change pending[QUARSHARE_PENDING];
	size_t npending;
	struct quarshare_stats st;
	char where[128];
};

/* quarshare_start - with [core] redis: the client */
void quarshare_start(struct sluiced *s)
{
	const struct core_conf *cc = &s->conf->core;
	struct quarshare *q;
	char host[64] = "";

	if (cc->redis == NULL)
		return;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->rc = redisc_create(cc->redis_rc)) == NULL)
		daemon_die(1, "redis: %s", strerror(errno));
	q->timeout_ns = cc->redis_timeout;
	snprintf(q->set, sizeof(q->set), "%squar:set", cc->redis_prefix ? cc->redis_prefix : "");
	snprintf(q->stream, sizeof(q->stream), "%squar:log", cc->redis_prefix ? cc->redis_prefix : "");
	(void)gethostname(host, sizeof(host) - 1);
	snprintf(q->node, sizeof(q->node), "%s:%d", host, (int)getpid());
	snprintf(q->where, sizeof(q->where), "%s", cc->redis);
	q->shared = 1;
	s->share = q;
}

/* quarshare_stop - accepts a NULL share */
void quarshare_stop(struct sluiced *s)
{
	if (s->share == NULL)
		return;
	redisc_free(s->share->rc);
	free(s->share);
	s->share = NULL;
}

/* quarshare_changed - queue the change for the next tick */
void quarshare_changed(struct sluiced *s, const struct sl_addr *a,
		       uint64_t ttl_ns)
{
	struct quarshare *q = s->share;

	if (q == NULL || q->applying)
		return;
	if (q->npending == QUARSHARE_PENDING) {
		memmove(q->pending, q->pending + 1,
			(QUARSHARE_PENDING - 1) * sizeof(q->pending[0]));
		q->npending--;
		q->st.dropped++;
	}
	q->pending[q->npending].a = *a;
	q->pending[q->npending++].ttl_ms = ttl_ns ? (ttl_ns + NS_PER_MS - 1) / NS_PER_MS : 0;
	q->next = 0;		/* publish at the next loop turn */
}

/* quarshare_next - when quarshare_tick has work */
uint64_t quarshare_next(const struct sluiced *s)
{
	return s->share ? s->share->next : UINT64_MAX;
}

/* failed - Redis did not answer: told once, retried in a second */
static void failed(struct quarshare *q, uint64_t now, const char *why)
{
	q->retry_at = now + NS_PER_SEC;
	q->last_id[0] = 0;	/* load again when it is back */
	if (!q->shared)
		return;
	q->shared = 0;
	q->st.fallbacks++;
	daemon_log(LOG_WARNING, "redis %s: quarantines not shared (%s): "
		   "this gateway's own stay in force, %zu change(s) kept "
		   "for it; trying again each second", q->where, why,
		   q->npending);
}

/* eval - one script call: op, address text, ttl ms */
static int eval(struct quarshare *q, uint64_t deadline, const char *op,
		const char *addr, uint64_t ttl_ms, redisReply **r,
		const char **why)
{
	char ttl[24];
	const char *argv[] = { "EVALSHA", NULL, "2", q->set, q->stream, op,
			       addr, ttl, q->node };
	size_t len[9];
	int i;

	snprintf(ttl, sizeof(ttl), "%llu", (unsigned long long)ttl_ms);
	for (i = 0; i < 9; i++)
		len[i] = argv[i] ? strlen(argv[i]) : 0;
	if (redisc_script(q->rc, deadline, script, q->sha, 9, argv, len, r,
			  why) < 0)
		return -1;
	if ((*r)->type == REDIS_REPLY_ERROR) {
		*why = "error reply to the quarantine script";
		freeReplyObject(*r);
		*r = NULL;
		return -1;
	}
	return 0;
}

/* apply - a quarantine or release another node made, here */
static void apply(struct sluiced *s, const char *op, const char *addr,
		  uint64_t ttl_ms, uint64_t now)
{
	struct quarshare *q = s->share;
	struct sl_addr a;

	if (addr_parse(addr, &a) < 0 || (op[0] != 'q' && op[0] != 'u'))
		return;		/* not ours to understand: skipped */
	q->applying = 1;
	if (op[0] == 'u')
		(void)quar_release(s->v, &a, "shared", now);
	else if (quar_addr_for(s->v, &a, ttl_ms * NS_PER_MS, "shared", now) < 0)
		q->st.refused++;	/* whitelisted here */
	q->applying = 0;
	q->st.received++;
}

/* load - the active set, page by page, and the stream's last id */
static int load(struct sluiced *s, uint64_t deadline, uint64_t now,
		const char **why)
{
	struct quarshare *q = s->share;
	redisReply *r;
	char from[16];
	size_t i, off = 0, got;

	do {
		snprintf(from, sizeof(from), "%zu", off);
		if (eval(q, deadline, "L", from, 0, &r, why) < 0)
			return -1;
		if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
		    r->elements % 2 != 1) {
			freeReplyObject(r);
			*why = "unexpected reply to the quarantine load";
			return -1;
		}
		for (i = 0; i < r->elements; i++)
			if (r->element[i]->type != REDIS_REPLY_STRING) {
				freeReplyObject(r);
				*why = "unexpected reply to the quarantine load";
				return -1;
			}
		if (off == 0)
			snprintf(q->last_id, sizeof(q->last_id), "%s", r->element[0]->str);
		got = (r->elements - 1) / 2;
		for (i = 1; i + 1 < r->elements; i += 2)
			apply(s, "q", r->element[i]->str,
			      strtoull(r->element[i + 1]->str, NULL, 10), now);
		freeReplyObject(r);
		off += got;
	} while (got == PAGE);
	daemon_log(LOG_INFO, "redis %s: %zu shared quarantine(s) loaded",
		   q->where, off);
	return 0;
}

/* publish - the changes made here, in order */
static int publish(struct quarshare *q, uint64_t deadline, const char **why)
{
	char text[64];
	redisReply *r;

	while (q->npending > 0) {
		const struct change *c = &q->pending[0];

		if (eval(q, deadline, c->ttl_ms ? "q" : "u",
			 addr_format(&c->a, text), c->ttl_ms, &r, why) < 0)
			return -1;
		freeReplyObject(r);
		memmove(q->pending, q->pending + 1,
			(q->npending - 1) * sizeof(q->pending[0]));
		q->npending--;
		q->st.published++;
	}
	return 0;
}

/* field - the value of name in a stream entry's field list, or NULL */
static const char *field(const redisReply *f, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < f->elements; i += 2)
		if (f->element[i]->type == REDIS_REPLY_STRING &&
		    f->element[i + 1]->type == REDIS_REPLY_STRING &&
		    strcmp(f->element[i]->str, name) == 0)
			return f->element[i + 1]->str;
	return NULL;
}

/* entry - one stream entry [id, [k, v, ...]]: applied unless ours */
static int entry(struct sluiced *s, const redisReply *e, uint64_t now)
{
	struct quarshare *q = s->share;
	const char *op, *a, *ttl, *n;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[0]->type != REDIS_REPLY_STRING ||
	    e->element[1]->type != REDIS_REPLY_ARRAY)
		return -1;
	snprintf(q->last_id, sizeof(q->last_id), "%s", e->element[0]->str);
	op = field(e->element[1], "op");
	a = field(e->element[1], "a");
	ttl = field(e->element[1], "ttl");
	n = field(e->element[1], "n");
	if (op && a && ttl && n && strcmp(n, q->node) != 0)
		apply(s, op, a, strtoull(ttl, NULL, 10), now);
	return 0;
}

/* receive - what the others did since last_id; 1 if more may wait */
static int receive(struct sluiced *s, uint64_t deadline, uint64_t now,
		   const char **why)
{
	struct quarshare *q = s->share;
	const char *argv[] = { "XREAD", "COUNT", READ_COUNT, "STREAMS",
			       q->stream, q->last_id };
	size_t len[6], i;
	redisReply *r, *entries;
	int ret = 0;

	for (i = 0; i < 6; i++)
		len[i] = strlen(argv[i]);
	if (redisc_call(q->rc, deadline, 6, argv, len, &r, why) < 0)
		return -1;
	if (r->type == REDIS_REPLY_NIL) {
		freeReplyObject(r);
		return 0;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
	    r->element[0]->type != REDIS_REPLY_ARRAY ||
	    r->element[0]->elements != 2 ||
	    (entries = r->element[0]->element[1])->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		*why = "unexpected reply to XREAD";
		return -1;
	}
	for (i = 0; i < entries->elements && ret >= 0; i++)
		ret = entry(s, entries->element[i], now);
	if (ret < 0)
		*why = "unexpected stream entry";
	else
		ret = entries->elements == (size_t)atoi(READ_COUNT);
	freeReplyObject(r);
	return ret;
}

/* quarshare_tick - load, publish what waits, apply what others did */
void quarshare_tick(struct sluiced *s, uint64_t now)
{
	struct quarshare *q = s->share;
	uint64_t deadline;
	const char *why = NULL;
	int more = 0, rounds = 0;

	if (q == NULL || now < q->next)
		return;
	deadline = sl_monotonic_ns() + q->timeout_ns;
	q->next = now + QUARSHARE_POLL_NS;
	if (!q->shared && now < q->retry_at)
		return;
	if ((!q->last_id[0] && load(s, deadline, now, &why) < 0) ||
	    publish(q, deadline, &why) < 0) {
		failed(q, now, why);
		return;
	}
	do {
		if ((more = receive(s, deadline, now, &why)) < 0) {
			failed(q, now, why);
			return;
		}
	} while (more && ++rounds < 8);
	if (!q->shared) {
		q->shared = 1;
		daemon_log(LOG_NOTICE, "redis %s: quarantines shared again",
			   q->where);
	}
}

/* quarshare_stats - counters (zeros without a share) */
void quarshare_stats(const struct sluiced *s, struct quarshare_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (s->share) {
		*out = s->share->st;
		out->shared = s->share->shared;
	}
}
