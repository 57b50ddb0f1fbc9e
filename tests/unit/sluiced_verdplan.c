/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_verdplan - unit test of verdict batching (nft-expr/queue/verdplan.c)
 * DESCRIPTION
 *	A model of the kernel's queue: a batch verdict for id X answers
 *	every waiting packet up to X, a single verdict one waiting packet
 *	(a single for a packet that no longer waits is an error). Random
 *	mixes of held, pending and already answered packets, also across
 *	the 2^32 wrap, must end with every pending packet holding its own
 *	verdict, every held one still waiting, and as few messages as the
 *	verdict runs below the oldest held packet allow.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "queue/verdplan.h"
#include "../tap.h"

#define N 600

enum { GONE, WAITING, HELD_W };

struct model {
	uint32_t base;			/* id of slot 0 */
	int state[N];			/* GONE, WAITING */
	int got[N];			/* verdict given, -1 none */
	int want[N];			/* -1: held, keep waiting */
};

/* apply - the kernel's handling of one message; -1 on a stray single */
static int apply(struct model *m, const struct verd_msg *msg)
{
	int k, hit = 0;

	for (k = 0; k < N; k++) {
		uint32_t id = m->base + (uint32_t)k;

		if (m->state[k] != WAITING)
			continue;
		if (msg->batch ? !heldids_before(msg->id, id) : id == msg->id) {
			m->state[k] = GONE;
			m->got[k] = msg->verdict;
			hit = 1;
		}
	}
	return msg->batch || hit ? 0 : -1;
}

/* scenario - one random mix; returns problems found */
static int scenario(uint32_t base, int p_held, int *msgs_out, int *runs_out)
{
	struct model m;
	struct verd p[N];
	struct verd_msg out[N];
	size_t n = 0, k, nm;
	int i, bad = 0, held = 0, runs = 0, last = -1;
	uint32_t oldest = 0;

	m.base = base;
	for (i = 0; i < N; i++) {
		int r = rand() % 100;

		m.got[i] = -1;
		if (r < 20) {			/* answered before: gone */
			m.state[i] = GONE;
			m.want[i] = -2;
		} else if (r < 20 + p_held) {	/* still held */
			m.state[i] = WAITING;
			m.want[i] = -1;
			if (!held)
				oldest = base + (uint32_t)i;
			held = 1;
		} else {			/* pending now */
			m.state[i] = WAITING;
			m.want[i] = rand() % 4 ? NF_ACCEPT : NF_DROP;
			p[n].queue = 0;
			p[n].id = base + (uint32_t)i;
			p[n++].verdict = m.want[i];
		}
	}
	nm = verdplan(p, n, held, oldest, out);
	for (k = 0; k < nm; k++)
		if (apply(&m, &out[k]) < 0)
			bad++;
	for (i = 0; i < N; i++) {
		if (m.want[i] == -1 && m.state[i] != WAITING)
			bad++;		/* a held packet was answered */
		if (m.want[i] >= 0 && m.got[i] != m.want[i])
			bad++;		/* a pending one got the wrong verdict */
	}
	for (k = 0; k < n; k++) {	/* the runs below the oldest held */
		if (held && !heldids_before(p[k].id, oldest))
			break;
		if (p[k].verdict != last)
			runs++;
		last = p[k].verdict;
	}
	*msgs_out = (int)nm;
	*runs_out = runs + (int)(n - k);
	return bad;
}

/* test_random - many mixes, with and without held packets */
static void test_random(void)
{
	int t, bad = 0, extra = 0, msgs, runs;
	static const uint32_t bases[] = { 1, 1000000, UINT32_MAX - 300 };

	srand(11);
	for (t = 0; t < 300; t++) {
		bad += scenario(bases[t % 3], t % 2 ? 5 : 0, &msgs, &runs);
		extra += msgs != runs;
	}
	is_int(bad, 0, "300 random mixes: every packet its verdict, held ones untouched");
	is_int(extra, 0, "messages = verdict runs below the oldest held + singles above");
}

/* test_cases - small cases by hand */
static void test_cases(void)
{
	struct verd p[4] = { { 0, 10, NF_ACCEPT }, { 0, 11, NF_ACCEPT },
			     { 0, 12, NF_DROP }, { 0, 13, NF_ACCEPT } };
	struct verd_msg out[4];
	size_t n;

	n = verdplan(p, 4, 0, 0, out);
	is_uint(n, 3, "accept accept drop accept: three messages");
	ok(out[0].batch && out[0].id == 11 && out[0].verdict == NF_ACCEPT,
	   "first a batch accept up to 11");
	ok(!out[1].batch && out[1].id == 12 && out[1].verdict == NF_DROP,
	   "then the drop alone");
	ok(!out[2].batch && out[2].id == 13, "then 13 alone");
	n = verdplan(p, 4, 1, 11, out);
	ok(n == 4 && !out[0].batch && out[0].id == 10,
	   "held 11 (not in the list): 10 alone, no batch reaches 11");
	n = verdplan(p, 2, 1, 5, out);
	ok(n == 2 && !out[0].batch && !out[1].batch, "held below all: singles only");
	is_uint(verdplan(p, 0, 0, 0, out), 0, "nothing pending: no message");
}

int main(void)
{
	test_cases();
	test_random();
	return done_testing();
}
