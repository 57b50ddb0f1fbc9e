/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailwait - requests held here whose release time Redis fixed
 * SYNOPSIS
 *	See mailwait.h.
 * DESCRIPTION
 *	A min-heap on the due time. A flush (operator release, rare) is a
 *	linear pass that rebuilds the heap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mailwait.h"

struct mw_ent {
	uint64_t due, cookie;
	char identity[MAILADDR_IDENT_MAX];
};

struct mailwait {
	struct mw_ent *e;
	size_t n, cap, max;
};

/* mailwait_create - at most max entries; NULL with errno */
struct mailwait *mailwait_create(size_t max)
{
	struct mailwait *w = calloc(1, sizeof(*w));

	if (w)
		w->max = max;
	return w;
}

/* mailwait_free - accepts NULL */
void mailwait_free(struct mailwait *w)
{
	if (w == NULL)
		return;
	free(w->e);
	free(w);
}

/* swap - two entries */
static void swap(struct mw_ent *a, struct mw_ent *b)
{
	struct mw_ent t = *a;

	*a = *b;
	*b = t;
}

/* up - restore the heap from i towards the root */
static void up(struct mailwait *w, size_t i)
{
	while (i > 0 && w->e[(i - 1) / 2].due > w->e[i].due) {
		swap(&w->e[(i - 1) / 2], &w->e[i]);
		i = (i - 1) / 2;
	}
}

/* down - restore the heap from i towards the leaves */
static void down(struct mailwait *w, size_t i)
{
	size_t l, m;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < w->n && w->e[l].due < w->e[m].due)
			m = l;
		if (l + 1 < w->n && w->e[l + 1].due < w->e[m].due)
			m = l + 1;
		if (m == i)
			return;
		swap(&w->e[i], &w->e[m]);
		i = m;
	}
}

/* grow - room for one more, doubling up to max */
static int grow(struct mailwait *w)
{
	size_t cap = w->cap ? 2 * w->cap : 64;
	struct mw_ent *e;

	if (w->n >= w->max) {
		errno = ENOSPC;
		return -1;
	}
	if (cap > w->max)
		cap = w->max;
	if ((e = realloc(w->e, cap * sizeof(*e))) == NULL)
		return -1;
	w->e = e;
	w->cap = cap;
	return 0;
}

/* mailwait_add - cookie of identity due at due; -1 when full */
int mailwait_add(struct mailwait *w, const char *identity, uint64_t cookie,
		 uint64_t due)
{
	struct mw_ent *x;

	if (w->n == w->cap && grow(w) < 0)
		return -1;
	x = &w->e[w->n];
	x->due = due;
	x->cookie = cookie;
	strncpy(x->identity, identity, sizeof(x->identity) - 1);
	x->identity[sizeof(x->identity) - 1] = 0;
	up(w, w->n++);
	return 0;
}

/* mailwait_due - report and remove every entry due by now; count */
size_t mailwait_due(struct mailwait *w, uint64_t now, mailwait_fn *fn,
		    void *ctx)
{
	struct mw_ent x;
	size_t k = 0;

	while (w->n > 0 && w->e[0].due <= now) {
		x = w->e[0];
		w->e[0] = w->e[--w->n];
		down(w, 0);
		fn(ctx, x.identity, x.cookie);
		k++;
	}
	return k;
}

/* mailwait_flush - report and remove identity's entries; count */
size_t mailwait_flush(struct mailwait *w, const char *identity,
		      mailwait_fn *fn, void *ctx)
{
	size_t i, j = 0, k = 0;

	for (i = 0; i < w->n; i++) {
		if (strcmp(w->e[i].identity, identity) == 0) {
			fn(ctx, w->e[i].identity, w->e[i].cookie);
			k++;
		} else {
			w->e[j++] = w->e[i];
		}
	}
	w->n = j;
	for (i = w->n / 2 + 1; i-- > 0;)
		down(w, i);
	return k;
}

/* mailwait_next - due time of the earliest entry */
uint64_t mailwait_next(const struct mailwait *w)
{
	return w->n ? w->e[0].due : UINT64_MAX;
}

/* mailwait_count - entries held */
size_t mailwait_count(const struct mailwait *w)
{
	return w->n;
}
