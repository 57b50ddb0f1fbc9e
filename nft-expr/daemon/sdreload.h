/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdreload - sluiced's configuration read again, all state kept
 * SYNOPSIS
 *	#include "daemon/sdreload.h"
 * DESCRIPTION
 *	SIGHUP and sluicectl reload: the zones and limits change in place;
 *	a change to a key the installed table depends on needs a restart
 *	and is refused, the running configuration staying in force.
 */
#ifndef SLUICE_SDRELOAD_H
#define SLUICE_SDRELOAD_H

#include <stddef.h>

struct sluiced;

/* sdreload_run - read the configuration again, keeping all state;
   0, or -1 with err (the running configuration stays) */
int sdreload_run(struct sluiced *s, char *err, size_t errlen);

#endif
