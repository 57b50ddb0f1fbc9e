/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	trw - Jung/Paxson threshold random walk (sequential hypothesis test)
 * SYNOPSIS
 *	#include "trw.h"
 * DESCRIPTION
 *	The thresholds and step factors follow from the parameters each
 *	time (four divisions: cheap next to the packet that carries the
 *	outcome). The ratio is a float: with the default factors of 4 and
 *	1/4 it stays exact until a decision, which comes within a handful
 *	of steps.
 */
#include <stddef.h>

#include "trw.h"

/* trw_defaults - the paper's parameters above */
void trw_defaults(struct trw_params *p)
{
	p->theta0 = 0.8;
	p->theta1 = 0.2;
	p->pd = 0.99;
	p->pf = 0.01;
}

/* trw_check_params - 0, or -1 with a reason */
int trw_check_params(const struct trw_params *p, const char **why)
{
	const char *w = NULL;

	/* Written so that NaN fails every test. */
	if (!(p->theta1 > 0 && p->theta1 < p->theta0 && p->theta0 < 1))
		w = "need 0 < theta1 < theta0 < 1";
	else if (!(p->pf > 0 && p->pf < p->pd && p->pd < 1))
		w = "need 0 < pf < pd < 1";
	if (why)
		*why = w;
	return w ? -1 : 0;
}

/* trw_init - a fresh source, ratio 1 */
void trw_init(struct trw *w)
{
	w->ratio = 1.0f;
	w->state = TRW_PENDING;
}

/* trw_outcome - feed one first-contact outcome; returns the state */
enum trw_state trw_outcome(struct trw *w, const struct trw_params *p, int success)
{
	double r = w->ratio;

	if (w->state != TRW_PENDING)
		return (enum trw_state)w->state;
	r *= success ? p->theta1 / p->theta0
	    : (1 - p->theta1) / (1 - p->theta0);
	if (r >= p->pd / p->pf)
		w->state = TRW_SCANNER;
	else if (r <= (1 - p->pd) / (1 - p->pf))
		w->state = TRW_BENIGN;
	w->ratio = (float)r;
	return (enum trw_state)w->state;
}
