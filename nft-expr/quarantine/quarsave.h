/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarsave - sluiced's quarantines across restarts
 * SYNOPSIS
 *	#include "quarantine/quarsave.h"
 * DESCRIPTION
 *	The running quarantines saved in [core] state_dir (quarfile(3)
 *	format) and put back at the next start with the time they had left.
 */
#ifndef SLUICE_QUARSAVE_H
#define SLUICE_QUARSAVE_H

struct sluiced;

/* quarsave_restore - the quarantines saved in [core] state_dir back in
   force with the time they had left (at start, after the ruleset) */
void quarsave_restore(struct sluiced *s);
/* quarsave_save - write the running quarantines now (and at stop) */
void quarsave_save(struct sluiced *s);
/* quarsave_tick - once a second: save if a quarantine changed */
void quarsave_tick(struct sluiced *s);

/* quarsave_flush - the kernel set additions noted (quarbatch) out in
   one transaction: at the end of each turn of the loop, after the
   restore, and before a control command that quarantined replies */
void quarsave_flush(struct sluiced *s);

#endif
