/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailthr_int - mail throttle internals shared by mailthr.c and
 *	mailthr_save.c
 * DESCRIPTION
 *	Not for use outside the mailthr module.
 */
#ifndef SLUICE_MAILTHR_INT_H
#define SLUICE_MAILTHR_INT_H

#include "maillock.h"
#include "mailshare.h"
#include "mailthr.h"
#include "mailwait.h"

#define LOCK_TAB_BYTES (4u << 20)	/* about 50k lockouts */
#define LOCK_SWEEP_NS 1000000000ULL	/* ended lockouts reported this often */

struct mailthr {
	struct mailthr_params p;
	struct throttle *thr;
	struct maillock *locks;		/* lockout_min and honeytoken locks */
	mailthr_fn *fn;
	void *ctx;
	struct mailthr_counters c;
	uint64_t now;			/* latest now seen */
	uint64_t next_sweep;		/* of ended lockouts */
	struct mailshare *share;	/* borrowed; NULL = local only */
	struct mailwait *waits;		/* shared mode's held cookies */
	int share_clock;		/* tests: now is Redis's clock */
};

#endif
