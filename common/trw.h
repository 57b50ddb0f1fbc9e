/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	trw - Jung/Paxson threshold random walk (sequential hypothesis test)
 * SYNOPSIS
 *	#include "trw.h"
 * DESCRIPTION
 *	Each first-contact outcome of a source multiplies its likelihood
 *	ratio: success by theta1/theta0 (0.25), failure by
 *	(1-theta1)/(1-theta0) (4). Above eta1 = PD/PF (99) the source is a
 *	scanner; below eta0 = (1-PD)/(1-PF) (0.0101) it is benign. A
 *	decided source stays decided until trw_init again.
 */
#ifndef SLUICE_TRW_H
#define SLUICE_TRW_H

struct trw_params {
	double theta0, theta1, pd, pf;	/* 0.8 0.2 0.99 0.01 */
};

enum trw_state { TRW_PENDING, TRW_SCANNER, TRW_BENIGN };

struct trw {
	float ratio;
	unsigned char state;	/* enum trw_state */
};

/* trw_defaults - the paper's parameters above */
void trw_defaults(struct trw_params *p);
/* trw_check_params - 0, or -1 with a reason (need 0<theta1<theta0<1, 0<pf<pd<1) */
int trw_check_params(const struct trw_params *p, const char **why);
/* trw_init - a fresh source, ratio 1 */
void trw_init(struct trw *w);
/* trw_outcome - feed one first-contact outcome; returns the state */
enum trw_state trw_outcome(struct trw *w, const struct trw_params *p, int success);

#endif
