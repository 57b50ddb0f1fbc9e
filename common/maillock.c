/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	maillock - timed lockouts of mail identities
 * SYNOPSIS
 *	See maillock.h.
 * DESCRIPTION
 *	A host table from identity key to { until, why }. Expired entries
 *	stay until maillock_expire() forgets and reports them (the mail
 *	throttle's tick, about once a second), so that every lock's end is
 *	reported once, whether or not a request came first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "maillock.h"

#define LOCK_REC (MAILADDR_IDENT_MAX + 16)	/* one saved lock */
#define LOCK_MAX_NS (366ULL * 86400 * 1000000000ULL)	/* a saved lock, at most */

struct lock {
	uint64_t until;
	uint8_t why;
};

struct maillock {
	struct hosttab *t;
};

/* key_of - the NUL-padded key of an identity; -1 if too long */
static int key_of(const char *identity, char key[MAILADDR_IDENT_MAX])
{
	size_t n = strlen(identity);

	if (n == 0 || n >= MAILADDR_IDENT_MAX)
		return -1;
	memset(key, 0, MAILADDR_IDENT_MAX);
	memcpy(key, identity, n);
	return 0;
}

/* maillock_create - NULL with errno */
struct maillock *maillock_create(size_t cap_bytes, const uint8_t seed[16])
{
	struct maillock *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	if ((l->t = hosttab_create(MAILADDR_IDENT_MAX, sizeof(struct lock),
				   cap_bytes, seed)) == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

/* maillock_free - accepts NULL */
void maillock_free(struct maillock *l)
{
	if (l == NULL)
		return;
	hosttab_free(l->t);
	free(l);
}

/* maillock_set - lock identity until; a later lock keeps its time */
int maillock_set(struct maillock *l, const char *identity, uint64_t until,
		 enum maillock_why why)
{
	char key[MAILADDR_IDENT_MAX];
	struct lock *k;
	int created;

	if (key_of(identity, key) < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((k = hosttab_put(l->t, key, &created)) == NULL)
		return -1;
	if (created || until > k->until) {
		k->until = until;
		k->why = (uint8_t)why;
	}
	return 0;
}

/* maillock_live - 1 while identity is locked at now */
int maillock_live(const struct maillock *l, const char *identity, uint64_t now,
		  enum maillock_why *why)
{
	char key[MAILADDR_IDENT_MAX];
	const struct lock *k;

	if (key_of(identity, key) < 0 ||
	    (k = hosttab_peek(l->t, key)) == NULL ||
	    k->until <= now)
		return 0;
	if (why)
		*why = (enum maillock_why)k->why;
	return 1;
}

/* maillock_del - operator: lift a lock */
int maillock_del(struct maillock *l, const char *identity)
{
	char key[MAILADDR_IDENT_MAX];

	if (key_of(identity, key) < 0)
		return -1;
	return hosttab_del(l->t, key) == 0 ? 0 : -1;
}

struct expiry {
	struct maillock *l;
	uint64_t now;
	void (*fn)(void *ctx, const char *identity);
	void *ctx;
	char (*keys)[MAILADDR_IDENT_MAX];	/* what to forget after the walk */
	size_t n, cap;
};

/* expired_one - collect a lock that is over (the walk must not delete) */
static int expired_one(void *ctx, const void *key, void *val)
{
	struct expiry *e = ctx;
	const struct lock *k = val;
	void *nk;

	if (k->until > e->now)
		return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;

		if ((nk = realloc(e->keys, cap * MAILADDR_IDENT_MAX)) == NULL)
			return 1;	/* the rest next time */
		e->keys = nk;
		e->cap = cap;
	}
	memcpy(e->keys[e->n++], key, MAILADDR_IDENT_MAX);
	return 0;
}

/* maillock_expire - forget every lock over at now */
size_t maillock_expire(struct maillock *l, uint64_t now,
		       void (*fn)(void *ctx, const char *identity), void *ctx)
{
	struct expiry e = { l, now, fn, ctx, NULL, 0, 0 };
	size_t i;

	hosttab_walk_any(l->t, expired_one, &e);
	for (i = 0; i < e.n; i++) {
		hosttab_del(l->t, e.keys[i]);
		if (fn)
			fn(ctx, e.keys[i]);
	}
	free(e.keys);
	return e.n;
}

struct walk {
	int (*fn)(void *ctx, const char *identity, uint64_t until,
		  enum maillock_why why);
	void *ctx;
};

/* walk_one - keys are NUL-padded texts */
static int walk_one(void *ctx, const void *key, void *val)
{
	struct walk *w = ctx;
	const struct lock *k = val;

	return w->fn(w->ctx, key, k->until, (enum maillock_why)k->why);
}

/* maillock_walk - every lock */
void maillock_walk(const struct maillock *l,
		   int (*fn)(void *ctx, const char *identity, uint64_t until,
			     enum maillock_why why), void *ctx)
{
	struct walk w = { fn, ctx };

	hosttab_walk_any(l->t, walk_one, &w);
}

/* maillock_count - locks held */
size_t maillock_count(const struct maillock *l)
{
	return hosttab_count(l->t);
}

/* put_le - n bytes of v, little-endian */
static void put_le(unsigned char *b, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

/* get_le - n little-endian bytes */
static uint64_t get_le(const unsigned char *b, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | b[n];
	return v;
}

struct saver {
	FILE *fp;
	uint64_t now;
	int err;
};

/* save_one - one lock, if it is not over */
static int save_one(void *ctx, const void *key, void *val)
{
	struct saver *s = ctx;
	const struct lock *k = val;
	unsigned char rec[LOCK_REC] = { 0 };

	if (k->until <= s->now)
		return 0;
	memcpy(rec, key, MAILADDR_IDENT_MAX);
	rec[MAILADDR_IDENT_MAX] = k->why;
	put_le(rec + MAILADDR_IDENT_MAX + 8, k->until - s->now, 8);
	if (fwrite(rec, 1, sizeof(rec), s->fp) != sizeof(rec))
		s->err = 1;
	return s->err;
}

/* count_live - locks not over at now */
static int count_live(void *ctx, const void *key, void *val)
{
	uint64_t *n = ctx;

	(void)key;
	if (((const struct lock *)val)->until > n[1])
		n[0]++;
	return 0;
}

/* maillock_save - the live locks with their remaining times */
int maillock_save(const struct maillock *l, FILE *fp, uint64_t now)
{
	struct saver s = { fp, now, 0 };
	uint64_t n[2] = { 0, now };
	unsigned char b[8];

	hosttab_walk_any(l->t, count_live, n);
	put_le(b, n[0], 8);
	if (fwrite(b, 1, 8, fp) != 8)
		s.err = 1;
	if (!s.err)
		hosttab_walk_any(l->t, save_one, &s);
	if (s.err) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* rec_ok - a saved lock that makes sense: a printable "kind:text"
   identity, NUL-padded, a known why, zero padding, a bounded time */
static int rec_ok(const unsigned char *r)
{
	size_t n = strnlen((const char *)r, MAILADDR_IDENT_MAX), i;
	uint64_t left = get_le(r + MAILADDR_IDENT_MAX + 8, 8);

	if (n == 0 || n == MAILADDR_IDENT_MAX || memchr(r, ':', n) == NULL)
		return 0;
	for (i = 0; i < MAILADDR_IDENT_MAX; i++)
		if (i < n ? (r[i] < 0x21 || r[i] > 0x7e) : r[i] != 0)
			return 0;
	if (r[MAILADDR_IDENT_MAX] != MAILLOCK_LOCKOUT &&
	    r[MAILADDR_IDENT_MAX] != MAILLOCK_HONEYTOKEN)
		return 0;
	for (i = 1; i < 8; i++)
		if (r[MAILADDR_IDENT_MAX + i] != 0)
			return 0;
	return left > 0 && left <= LOCK_MAX_NS;
}

/* maillock_load - what maillock_save wrote, times rebased to now */
long maillock_load(struct maillock *l, const unsigned char *buf, size_t len,
		   uint64_t now)
{
	uint64_t n, i;
	const unsigned char *r;

	if (len < 8 || hosttab_count(l->t) > 0)
		goto bad;
	n = get_le(buf, 8);
	if (n > (len - 8) / LOCK_REC)
		goto bad;
	for (i = 0, r = buf + 8; i < n; i++, r += LOCK_REC)
		if (!rec_ok(r))
			goto bad;
	for (i = 0, r = buf + 8; i < n; i++, r += LOCK_REC)
		if (maillock_set(l, (const char *)r,
				 now + get_le(r + MAILADDR_IDENT_MAX + 8, 8),
				 (enum maillock_why)r[MAILADDR_IDENT_MAX]) < 0)
			goto bad;
	return (long)(8 + n * LOCK_REC);
bad:
	errno = EINVAL;
	return -1;
}
