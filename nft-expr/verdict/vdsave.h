/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdsave - the verdict engine's throttle state to and from a file
 * SYNOPSIS
 *	#include "verdict/vdsave.h"
 * DESCRIPTION
 *	What sluiced keeps across a restart: the seed (tags and table
 *	keys depend on it), every williamson zone's throttle by zone name
 *	(throttle_save: working sets, delay-queue lengths, lockouts) and
 *	the credit zones' balances and recent destinations. The packets
 *	behind the saved queues did not survive (the kernel's queue went
 *	with the old process): their places are loaded as stand-ins
 *	(VD_OBSERVED cookies) that keep the queue lengths and use up
 *	release slots, but answer nothing.
 */
#ifndef SLUICE_VDSAVE_H
#define SLUICE_VDSAVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct verdict;

struct vdsave_info {		/* what a load put back */
	size_t zones, zones_skipped;	/* saved zones gone or not williamson */
	size_t hosts, held, locked, credit_hosts;
};

/* vdsave_write - the engine's state to fp; 0, or -1 with errno */
int vdsave_write(const struct verdict *v, FILE *fp, uint64_t now);
/* vdsave_seed - check a saved state whole (magic, version, checksum)
   and copy its seed; 0, or -1 with errno EINVAL and why set */
int vdsave_seed(const unsigned char *b, size_t len, uint8_t seed[16],
		const char **why);
/* vdsave_load - put a saved state back into an engine just created
   with its seed, times rebased to now; 0, or -1 with errno EINVAL and
   why set (the engine may be half-loaded then: free it) */
int vdsave_load(struct verdict *v, const unsigned char *b, size_t len,
		uint64_t now, struct vdsave_info *out, const char **why);

#endif
