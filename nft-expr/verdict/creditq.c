/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	creditq - packets of credit-mode hosts waiting for a credit
 * SYNOPSIS
 *	#include "verdict/creditq.h"
 * DESCRIPTION
 *	A plain array in arrival order, compacted by every pass: passes
 *	happen a few times a second and the array is bounded, so a linear
 *	pass is cheaper and simpler than per-host lists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verdict/creditq.h"

struct creditq_ent {
	uint8_t key[HOSTKEY_LEN];
	uint64_t cookie;
};

struct creditq {
	struct creditq_ent *e;
	size_t n, max;
};

/* creditq_create - room for max packets; NULL with errno */
struct creditq *creditq_create(size_t max)
{
	struct creditq *q = calloc(1, sizeof(*q));

	if (q == NULL || max == 0 || (q->e = calloc(max, sizeof(*q->e))) == NULL) {
		free(q);
		errno = max ? ENOMEM : EINVAL;
		return NULL;
	}
	q->max = max;
	return q;
}

/* creditq_free - accepts NULL */
void creditq_free(struct creditq *q)
{
	if (q == NULL)
		return;
	free(q->e);
	free(q);
}

/* creditq_add - cookie of host key waits; -1 when full */
int creditq_add(struct creditq *q, const uint8_t key[HOSTKEY_LEN],
		uint64_t cookie)
{
	if (q->n == q->max) {
		errno = ENOSPC;
		return -1;
	}
	memcpy(q->e[q->n].key, key, HOSTKEY_LEN);
	q->e[q->n++].cookie = cookie;
	return 0;
}

/* pass - keep the entries fn (or the key filter) leaves in place */
static size_t pass(struct creditq *q, const uint8_t *only, creditq_fn *fn,
		   void *ctx)
{
	size_t i, k = 0, out = 0;

	for (i = 0; i < q->n; i++) {
		struct creditq_ent *e = &q->e[i];
		int leaves;

		if (only != NULL) {
			leaves = memcmp(e->key, only, HOSTKEY_LEN) == 0;
			if (leaves)
				(void)fn(ctx, e->key, e->cookie);
		} else
			leaves = fn(ctx, e->key, e->cookie);
		if (leaves)
			out++;
		else
			q->e[k++] = *e;
	}
	q->n = k;
	return out;
}

/* creditq_run - offer every waiting packet to fn, oldest first */
size_t creditq_run(struct creditq *q, creditq_fn *fn, void *ctx)
{
	return pass(q, NULL, fn, ctx);
}

/* creditq_remove - take every packet of key out */
size_t creditq_remove(struct creditq *q, const uint8_t key[HOSTKEY_LEN],
		      creditq_fn *fn, void *ctx)
{
	return pass(q, key, fn, ctx);
}

/* creditq_count - packets waiting */
size_t creditq_count(const struct creditq *q)
{
	return q->n;
}
