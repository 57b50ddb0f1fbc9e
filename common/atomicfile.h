/*
 * NAME
 *	atomicfile - replace a file all at once
 * SYNOPSIS
 *	#include "atomicfile.h"
 * DESCRIPTION
 *	atomicfile_write() writes PATH.PID.N.tmp next to the file (created
 *	exclusively, so two threads or processes never share one), flushes
 *	it to disk and renames it over PATH: a reader sees the old file or
 *	the new one, never a part. On any failure the temporary file is
 *	removed and PATH is left as it was. sluice-policyd and
 *	sluice-milter save their state and the milter its samples this way.
 */
#ifndef SLUICE_ATOMICFILE_H
#define SLUICE_ATOMICFILE_H

#include <stdio.h>
#include <sys/types.h>

/* writes the contents to fp; 0, or -1 on failure */
typedef int atomicfile_fn(FILE *fp, void *ctx);

/* atomicfile_write - PATH through a temporary file created with mode
   (before the umask); fn writes it; 0, or -1 with errno */
int atomicfile_write(const char *path, mode_t mode, atomicfile_fn *fn,
		     void *ctx);

#endif
