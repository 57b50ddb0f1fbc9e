/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	delayq.t - the pool of delay queues
 * DESCRIPTION
 *	FIFO order, release of the head with its same-tag twins, drain,
 *	the pool bound, and handles renumbered when queues come and go.
 */
#include <errno.h>
#include <string.h>

#include "delayq.h"
#include "../tap.h"

struct got {
	uint64_t c[32];
	uint32_t *owner[32];
	int n;
};

/* take - record cookies leaving */
static void take(void *ctx, uint32_t *owner, uint64_t cookie)
{
	struct got *g = ctx;

	if (g->n < 32) {
		g->owner[g->n] = owner;
		g->c[g->n++] = cookie;
	}
}

/* walk_sum - cookies in walk order as decimal digits */
static void walk_sum(void *ctx, uint64_t cookie, uint32_t tag)
{
	(void)tag;
	*(uint64_t *)ctx = *(uint64_t *)ctx * 10 + cookie;
}

/* handles_ok - every active owner's handle points back at it */
static int handles_ok(struct delayq *q)
{
	uint32_t i;

	for (i = 0; i < delayq_active(q); i++)
		if (*delayq_owner(q, i) != i + 1)
			return 0;
	return 1;
}

int main(void)
{
	struct delayq *q;
	uint32_t a = 0, b = 0, c = 0, tag;
	struct got g = { { 0 }, { 0 }, 0 };
	uint64_t order = 0;

	errno = 0;
	ok(delayq_create(0) == NULL && errno == EINVAL, "max_held 0 refused");
	q = delayq_create(8);
	is_uint(delayq_bytes(q), delayq_bytes_for(8), "bytes as announced");
	/* a: tags 7 8 7 9 with cookies 1..4; b: 5; c: 6 7 */
	delayq_push(q, &a, 1, 7);
	delayq_push(q, &a, 2, 8);
	delayq_push(q, &b, 5, 1);
	delayq_push(q, &a, 3, 7);
	delayq_push(q, &a, 4, 9);
	delayq_push(q, &c, 6, 2);
	delayq_push(q, &c, 7, 3);
	is_uint(delayq_len(q, a), 4, "a holds 4");
	is_uint(delayq_held(q), 7, "7 held");
	is_uint(delayq_active(q), 3, "3 queues");
	delayq_walk(q, a, walk_sum, &order);
	is_uint(order, 1234, "walk is FIFO");
	delayq_push(q, &b, 8, 1);
	is_int(delayq_push(q, &c, 9, 1), -1, "pool of 8 full");
	is_uint(delayq_release(q, &a, &tag, take, &g), 2, "head and twin");
	ok(g.n == 2 && g.c[0] == 1 && g.c[1] == 3 && g.owner[0] == &a,
	   "released 1 and 3 of a (got %llu %llu)",
	   (unsigned long long)g.c[0], (unsigned long long)g.c[1]);
	is_uint(tag, 7, "released tag");
	order = 0;
	delayq_walk(q, a, walk_sum, &order);
	is_uint(order, 24, "a keeps 2 and 4 in order");
	is_uint(delayq_release(q, &b, &tag, take, &g), 2,
		"b: both items share a tag");
	ok(b == 0 && delayq_active(q) == 2 && handles_ok(q),
	   "b's queue gone, handles renumbered (b %u, active %u)", b,
	   delayq_active(q));
	is_int(delayq_push(q, &c, 9, 1), 0, "room again");
	g.n = 0;
	is_uint(delayq_drain(q, &a, take, &g), 2, "drain a");
	ok(g.c[0] == 2 && g.c[1] == 4 && a == 0, "drained 2 then 4");
	ok(handles_ok(q) && delayq_active(q) == 1, "one queue left");
	is_uint(delayq_len(q, c), 3, "c holds 3");
	is_uint(delayq_len(q, 0), 0, "no handle, no items");
	is_uint(delayq_release(q, &a, &tag, take, &g), 0, "release of empty");
	delayq_drain(q, &c, NULL, NULL);
	is_uint(delayq_held(q), 0, "all free");
	delayq_free(q);
	delayq_free(NULL);
	return done_testing();
}
