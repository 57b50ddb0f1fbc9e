/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdneigh - the operator's base chains beside sluiced's, reported
 * SYNOPSIS
 *	#include "daemon/sdneigh.h"
 * DESCRIPTION
 *	sluiced -n and the start log name each other base chain on
 *	sluiced's hooks with its priority and policy, and whether it runs
 *	before sluiced's chains (its drops keep flows off sluiced's queue
 *	and working sets) or after (flows it drops have already taken a
 *	working-set slot).
 */
#ifndef SLUICE_SDNEIGH_H
#define SLUICE_SDNEIGH_H

#include "daemon/sdcheck.h"
#include "daemon/sdconf.h"

/* sdneigh_report - one line per base chain (or one saying there is
   none, or why they cannot be listed) to fn */
void sdneigh_report(const struct sd_conf *c, sdcheck_warn_fn *fn, void *ctx);

#endif
