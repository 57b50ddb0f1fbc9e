/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarfile - sluiced's quarantines kept across restarts
 * SYNOPSIS
 *	#include "quarantine/quarfile.h"
 * DESCRIPTION
 *	sluiced removes its table when it stops, and replaces a table left
 *	by a killed instance when it starts, so the kernel's quarantine set
 *	does not outlive it. The quarantines are kept in a text file instead
 *	(state_dir/sluiced.quarantine), written whole through atomicfile:
 *
 *	    # sluiced quarantines 2: ADDRESS MILLISECONDS_LEFT
 *	    saved UNIX_SECONDS
 *	    ADDRESS MILLISECONDS_LEFT
 *	    ...
 *	    # end NUMBER_OF_ADDRESS_LINES
 *
 *	Version 1 (a first line "# sluiced quarantines" without the 2, no
 *	end line) still loads; in version 2 a missing or wrong end line
 *	says the file was cut or changed. Both are comments to a reader of
 *	version 1, so an older sluiced reads a newer file too. A file of a
 *	version this one does not know restores nothing.
 *
 *	The time left is counted from the wall-clock "saved" line, so a
 *	quarantine that ran out while sluiced was down (or the machine
 *	rebooted) is not restored. Reading is strict: a line that is not
 *	one of the above is reported with its number and skipped, and the
 *	rest is still read: each quarantine stands on its own, and one lost
 *	to a neighbour's damage would let a host out. The caller keeps
 *	such a file aside for the operator (atomicfile_aside), so the next
 *	save does not overwrite it.
 */
#ifndef SLUICE_QUARFILE_H
#define SLUICE_QUARFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "addr.h"

#define QUARFILE_NAME "sluiced.quarantine"

struct quarfile_entry {
	struct sl_addr addr;
	uint64_t left_ns;
};

/* a quarantine read back: left_ns is what remains now (> 0) */
typedef void quarfile_fn(void *ctx, const struct sl_addr *a, uint64_t left_ns);
/* a line that was skipped: its number and why */
typedef void quarfile_warn_fn(void *ctx, size_t line, const char *why);

/* quarfile_write - the n entries, saved at wall-clock time now;
   0, or -1 with errno */
int quarfile_write(const char *path, const struct quarfile_entry *e,
		   size_t n, time_t now);
/* quarfile_read - every quarantine of path still running at wall-clock
   time now to fn, skipped lines to warn; the count restored, 0 when the
   file does not exist, or -1 with errno when it cannot be read */
long quarfile_read(const char *path, time_t now, quarfile_fn *fn,
		   quarfile_warn_fn *warn, void *ctx);
/* quarfile_scan - the same from an open stream (fuzzing) */
long quarfile_scan(FILE *fp, time_t now, quarfile_fn *fn,
		   quarfile_warn_fn *warn, void *ctx);

#endif
