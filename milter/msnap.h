/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	msnap - sluice-milter's throttle state across restarts
 * SYNOPSIS
 *	#include "msnap.h"
 * DESCRIPTION
 *	A restart must not let a locked-out mass mailer go, nor forget
 *	whom a sender already wrote to. At stop (and every
 *	snapshot_interval) each shard's throttle is written with
 *	mailthr_save() to DIR/milter-shard-NNN.state, and the shard count
 *	and hashing seed to DIR/milter.seed: an identity must find its
 *	shard again after the restart, so the seed is kept, not drawn.
 *	Each file is written to a temporary name and renamed, so a crash
 *	leaves the previous snapshot whole. A snapshot taken with another
 *	shard count is not loaded (the identities would sit in the wrong
 *	shards); it is reported and the state starts empty.
 *
 *	Not kept: sessions' waits (their SMTP clients are gone) and, in
 *	hold mode, which held message waits for which recipient (such
 *	messages stay on hold for the operator).
 */
#ifndef SLUICE_MSNAP_H
#define SLUICE_MSNAP_H

#include <stdint.h>
#include "mstate.h"

/* msnap_seed - the saved seed for shards shards: 0, or -1 (errno
   ENOENT: no snapshot; ESTALE: another shard count; EINVAL: damaged) */
int msnap_seed(const char *dir, unsigned shards, uint8_t seed[16]);
/* msnap_save - every shard and the seed into dir; 0 or -1 with errno */
int msnap_save(struct mstate *s, const char *dir);
/* msnap_load - every shard from dir into an empty state, times rebased
   to now, each file on its own; 0, or -1 when one was not loaded (warn
   said which and why; a damaged one is moved aside, atomicfile(3);
   nothing is half loaded per shard) */
int msnap_load(struct mstate *s, const char *dir, uint64_t now,
	       void (*warn)(const char *why));

#endif
