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
 *	atomicfile_read() reads such a file back whole, bounded, for the
 *	loaders that check all of it before they touch their state.
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
/* atomicfile_read - all of fp into a malloc'd buffer (free it) and
   its length in *len; NULL with errno EINVAL past limit bytes, EIO on
   a read error, ENOMEM */
unsigned char *atomicfile_read(FILE *fp, size_t limit, size_t *len);

#endif
