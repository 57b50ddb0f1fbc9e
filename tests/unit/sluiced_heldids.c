/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_heldids - unit test of the held packet ids (nft-expr/queue/heldids.c)
 * DESCRIPTION
 *	The oldest live id decides how far a batch verdict may reach, so
 *	it must be right after any mix of adds and removals, across the
 *	2^32 wrap, and through growth and compaction.
 */
#include <stdlib.h>

#include "queue/heldids.h"
#include "../tap.h"

/* test_basic - add, remove from the middle, head and tail */
static void test_basic(void)
{
	struct heldids *h = heldids_create();
	uint32_t id = 0;

	ok(!heldids_oldest(h, &id), "empty: no oldest");
	heldids_add(h, 10);
	heldids_add(h, 11);
	heldids_add(h, 15);
	is_int(heldids_add(h, 12), -1, "an id older than the newest is refused");
	is_int(heldids_del(h, 11), 0, "remove from the middle");
	ok(heldids_oldest(h, &id) && id == 10, "oldest still 10 (got %u)", id);
	is_int(heldids_del(h, 10), 0, "remove the head");
	ok(heldids_oldest(h, &id) && id == 15, "oldest skips the removed 11 (got %u)", id);
	is_int(heldids_del(h, 11), -1, "removing twice fails");
	is_int(heldids_del(h, 99), -1, "removing an unknown id fails");
	ok(heldids_newest(h, &id) && id == 15, "newest 15");
	is_int(heldids_del(h, 15), 0, "remove the last");
	is_uint(heldids_count(h), 0, "empty again");
	is_int(heldids_add(h, 3), 0, "after emptying, any id may start again");
	heldids_free(h);
	heldids_free(NULL);
}

/* test_wrap - ids that cross 2^32 */
static void test_wrap(void)
{
	struct heldids *h = heldids_create();
	uint32_t id = 0, i;
	int wrong = 0;

	for (i = 0; i < 100; i++)
		heldids_add(h, UINT32_MAX - 49 + i);	/* ..., 2^32-1, 0, 1, ... */
	ok(heldids_oldest(h, &id) && id == UINT32_MAX - 49, "oldest before the wrap");
	for (i = 0; i < 100; i += 2)
		if (heldids_del(h, UINT32_MAX - 49 + i) < 0)
			wrong++;
	is_int(wrong, 0, "every other id found across the wrap");
	ok(heldids_oldest(h, &id) && id == UINT32_MAX - 48, "oldest after removals (got %u)", id);
	ok(heldids_before(UINT32_MAX, 0) && !heldids_before(0, UINT32_MAX), "heldids_before wraps");
	heldids_free(h);
}

/* test_churn - a long random run against a plain model */
static void test_churn(void)
{
	struct heldids *h = heldids_create();
	static uint8_t live[300000];
	uint32_t next = 1, model = 1, id = 0, i, pick;
	int wrong = 0;

	srand(7);
	for (i = 0; i < 500000; i++) {
		if (next < 300000 && rand() % 5 < 3) {
			heldids_add(h, next);
			live[next++] = 1;
		} else if (next > model) {
			/* removals cluster near the old end, as releases do */
			pick = model + (uint32_t)rand() % (next - model < 300 ? next - model : 300);
			if (live[pick]) {
				heldids_del(h, pick);
				live[pick] = 0;
			}
		}
		while (model < next && !live[model])
			model++;	/* the oldest only moves forward */
		if (model < next ? !heldids_oldest(h, &id) || id != model
				 : heldids_oldest(h, &id))
			wrong++;
	}
	is_int(wrong, 0, "oldest matches a model through 500000 operations");
	diag("%zu ids live at the end", heldids_count(h));
	heldids_free(h);
}

int main(void)
{
	test_basic();
	test_wrap();
	test_churn();
	return done_testing();
}
