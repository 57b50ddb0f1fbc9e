/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	verdplan - which verdict messages answer a queue's pending packets
 * SYNOPSIS
 *	#include "queue/verdplan.h"
 * DESCRIPTION
 *	Kept apart from nfqueue.c so that the one rule that could let a
 *	held packet out early is tested against a model of the kernel
 *	(tests/unit/sluiced_verdplan.c) rather than trusted.
 */
#include "queue/verdplan.h"

/* run_msg - the message of a run of n equal verdicts ending at last */
static struct verd_msg run_msg(const struct verd *last, size_t n)
{
	struct verd_msg m = { n > 1, last->id, last->verdict };

	return m;
}

/* verdplan - messages for p[0..n) */
size_t verdplan(const struct verd *p, size_t n, int held, uint32_t oldest,
		struct verd_msg *out)
{
	size_t k, run = 0, m = 0;

	for (k = 0; k < n; k++) {
		if (held && !heldids_before(p[k].id, oldest)) {
			struct verd_msg single = { 0, p[k].id, p[k].verdict };

			out[m++] = single;
			continue;
		}
		if (k > run && p[k - 1].verdict != p[k].verdict) {
			out[m++] = run_msg(&p[k - 1], k - run);
			run = k;
		}
		/* the run ends here: the list ends or reaches held ones */
		if (k + 1 == n || (held && !heldids_before(p[k + 1].id, oldest))) {
			out[m++] = run_msg(&p[k], k + 1 - run);
			run = k + 1;
		}
	}
	return m;
}
