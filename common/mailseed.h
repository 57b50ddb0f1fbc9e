/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailseed - the mail filters' hash seed, kept across restarts
 * SYNOPSIS
 *	#include "mailseed.h"
 * DESCRIPTION
 *	The saved working sets hold keyed tags and the milter's shard of
 *	an identity is a keyed hash, so a restart must hash as before:
 *	the seed is kept in the state directory as one text line,
 *	"sluice-seed SHARDS HEX32", written atomically (atomicfile).
 *	SHARDS is the milter's shard count (1 for sluice-policyd): a seed
 *	saved for another count is not used, since its state would land
 *	in the wrong shards. A file of 16 raw bytes, as sluice-policyd
 *	wrote before, is still read (for one shard).
 */
#ifndef SLUICE_MAILSEED_H
#define SLUICE_MAILSEED_H

#include <stdint.h>

/* mailseed_save - dir/name holds seed for shards; 0 or -1 with errno */
int mailseed_save(const char *dir, const char *name, unsigned shards,
		  const uint8_t seed[16]);
/* mailseed_load - the seed saved in dir/name; 0, or -1 with errno:
   ENOENT none, EINVAL unreadable, ESTALE saved for another shard count */
int mailseed_load(const char *dir, const char *name, unsigned shards,
		  uint8_t seed[16]);

#endif
