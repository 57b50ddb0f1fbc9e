/* SPDX-License-Identifier: GPL-2.0-or-later */
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
 *
 *	atomicfile_load() is the one way every snapshot is read back: the
 *	loader sees the whole file or refuses it, and a file it refuses as
 *	damaged or of an unknown version (EINVAL, EBADMSG, EPROTO) is
 *	renamed PATH.corrupt-YYYYMMDDTHHMMSSZ, kept for the operator, so
 *	the next save writes a fresh PATH beside it instead of over it.
 *	The reason names the file and where it went. The loader must load
 *	all or nothing: a refused file leaves its state untouched.
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

/* reads a whole snapshot from fp: 0, or -1 with errno (EINVAL,
   EBADMSG or EPROTO: the file is damaged or of an unknown version) */
typedef int atomicfile_load_fn(FILE *fp, void *ctx);

/* atomicfile_load - fn on PATH: 1 loaded, 0 no such file, -1 not
   loaded with the reason in why ("PATH: reason; moved aside to
   PATH.corrupt-..." when fn refused it as damaged) */
int atomicfile_load(const char *path, atomicfile_load_fn *fn, void *ctx,
		    char *why, size_t whylen);
/* atomicfile_aside - what atomicfile_load does to a damaged file, for a
   loader that reads what it can and keeps the file (sluiced's
   quarantines): PATH renamed PATH.corrupt-STAMP, never over another;
   0 with the new name in to, or -1 with errno */
int atomicfile_aside(const char *path, char *to, size_t len);
/* atomicfile_forget - remove the temporary files (NAME.PID.N.tmp) a
   killed writer pid left in dir; how many */
int atomicfile_forget(const char *dir, pid_t pid);

#endif
