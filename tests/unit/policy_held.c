/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_held - unit test of the held-message registry
 * DESCRIPTION
 *	A throttle-held message is due once all its cookies are released
 *	and its queue id is known, in either order; a lockout-held one
 *	only when the operator releases its identity; the registry is
 *	bounded, forgets messages whose queue id never came, and survives
 *	save and load.
 */
#include <stdlib.h>
#include <string.h>
#include "../tap.h"
#include "../../policyd/policy_held.h"

static char due_ids[16][HELD_QID_MAX];
static int ndue;

static void due(void *ctx, const char *qid, const char *identity)
{
	(void)ctx;
	(void)identity;
	if (ndue < 16)
		snprintf(due_ids[ndue++], HELD_QID_MAX, "%s", qid);
}

/* load_text - policy_held_load of text */
static int load_text(struct policy_held *h, const char *text)
{
	FILE *fp = tmpfile();
	int r;

	fputs(text, fp);
	rewind(fp);
	r = policy_held_load(h, fp, 0);
	fclose(fp);
	return r;
}

/* versions - version 1 (no end line) still loads; version 2 cut
   before its end line or with wrong counts is refused, loading nothing */
static void versions(policy_held_fn *fn)
{
	struct policy_held *h = policy_held_create(10, fn, NULL);

	is_int(load_text(h, "sluice-held 1\nM i1 Q1 sender:a@x 1\n"), 0,
	       "version 1 still loads");
	is_uint(policy_held_count(h), 1, "its message");
	is_int(load_text(h, "sluice-held 2\nM i2 Q2 sender:b@x 0\n"), -1,
	       "version 2 cut before its end line: refused");
	is_uint(policy_held_count(h), 1, "and nothing of it loaded");
	is_int(load_text(h, "sluice-held 2\nM i2 Q2 sender:b@x 0\nend 2 0\n"),
	       -1, "wrong counts in the end line: refused");
	is_int(load_text(h, "sluice-held 2\nM i2 Q2 sender:b@x 0\nM i3 Q3 "
			 "sender:c@x 0\nX\n"), -1, "garbage after good lines: refused");
	is_uint(policy_held_count(h), 1, "and nothing of it loaded");
	is_int(load_text(h, "sluice-held 2\nM i2 Q2 sender:b@x 0\nend 1 0\n"),
	       0, "a whole version 2 file loads");
	is_int(load_text(h, "sluice-held 3\nend 0 0\n"), -1,
	       "an unknown version: refused");
	is_int(load_text(h, "sluice-held 2\nend 0 0\nM i4 Q4 sender:d@x 0\n"),
	       -1, "a line after the end: refused");
	policy_held_free(h);
}

int main(void)
{
	struct policy_held *h = policy_held_create(3, due, NULL), *h2;
	FILE *fp;

	ok(h != NULL, "registry created");
	/* queue id known late (END-OF-MESSAGE), cookies released first */
	is_int(policy_held_add(h, "i1", "", "sender:a@x", 11, 0), 0, "add i1/11");
	is_int(policy_held_add(h, "i1", "", "sender:a@x", 12, 0), 0, "add i1/12");
	is_int(policy_held_cookie(h, 11), 1, "cookie 11 is ours");
	is_int(policy_held_cookie(h, 99), 0, "cookie 99 is not");
	is_int(ndue, 0, "one cookie still waits: not due");
	is_int(policy_held_cookie(h, 12), 1, "cookie 12 released");
	is_int(ndue, 0, "no queue id yet: not due");
	policy_held_queue_id(h, "i1", "ABC123");
	is_int(ndue, 1, "queue id arrives: due");
	is_str(due_ids[0], "ABC123", "with its queue id");
	is_uint(policy_held_count(h), 0, "and forgotten");

	/* queue id known first (a later RCPT), then the release */
	policy_held_add(h, "i2", "DEF456", "sender:b@x", 21, 0);
	is_int(ndue, 1, "i2 waits for its cookie");
	policy_held_cookie(h, 21);
	is_int(ndue, 2, "i2 due at its release");
	is_str(due_ids[1], "DEF456", "i2's queue id");

	/* a lockout: only the operator releases it */
	policy_held_add(h, "i3", "", "sender:c@x", 0, 0);
	policy_held_queue_id(h, "i3", "GHI789");
	is_int(ndue, 2, "locked-out message is not released by itself");
	policy_held_add(h, "i4", "JKL", "sender:d@x", 41, 0);
	policy_held_add(h, "i5", "", "sender:e@x", 51, 0);
	is_int(policy_held_add(h, "i6", "", "sender:f@x", 61, 0), -1,
	       "bounded: a fourth message is refused");

	/* save and load keep everything */
	fp = tmpfile();
	is_int(policy_held_save(h, fp), 0, "saved");
	rewind(fp);
	h2 = policy_held_create(10, due, NULL);
	is_int(policy_held_load(h2, fp, 0), 0, "loaded");
	fclose(fp);
	is_uint(policy_held_count(h2), 3, "three messages back");
	is_int(policy_held_cookie(h2, 41), 1, "a saved cookie still counts");
	is_int(ndue, 3, "and releases its message");
	is_str(due_ids[2], "JKL", "with the saved queue id");
	is_uint(policy_held_release_identity(h2, "sender:c@x"), 1,
		"operator releases the locked-out sender's message");
	is_str(due_ids[3], "GHI789", "by its queue id");
	policy_held_expire(h2, 3600ULL * 1000000000ULL + 1, 3600ULL * 1000000000ULL);
	is_uint(policy_held_count(h2), 0, "a message whose queue id never came is forgotten");
	fp = tmpfile();
	fputs("sluice-held 1\nX junk\n", fp);
	rewind(fp);
	is_int(policy_held_load(h2, fp, 0), -1, "a damaged file is refused");
	fclose(fp);
	versions(due);
	is_int(policy_held_add(h2, "", "", "sender:g@x", 1, 0), -1,
	       "no instance: cannot be tracked");
	policy_held_free(h);
	policy_held_free(h2);
	policy_held_free(NULL);
	return done_testing();
}
