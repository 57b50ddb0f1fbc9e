/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appdpkg - which Debian package shipped an executable, and its MD5
 * SYNOPSIS
 *	#include "apps/appdpkg.h"
 * DESCRIPTION
 *	appdpkg_load() reads every PKG.md5sums of dpkg's info folder
 *	(/var/lib/dpkg/info) once and keeps the entries of the folders
 *	executables live in (APPDPKG_DIRS: /usr/bin, /usr/sbin, /bin,
 *	/sbin, /usr/libexec, /usr/games), each as "/path" -> package and
 *	the MD5 the package shipped. With merged /usr, /bin/x and
 *	/usr/bin/x are one file: both spellings are kept.
 */
#ifndef SLUICE_APPDPKG_H
#define SLUICE_APPDPKG_H

#include <stddef.h>

#define APPDPKG_INFO "/var/lib/dpkg/info"

struct appdpkg;

/* appdpkg_walk_fn - one packaged executable */
typedef void appdpkg_walk_fn(void *ctx, const char *path, const char *pkg,
			     const char *md5);

/* appdpkg_load - the md5sums of dir; NULL with errno if unreadable */
struct appdpkg *appdpkg_load(const char *dir);
/* appdpkg_free - accepts NULL */
void appdpkg_free(struct appdpkg *d);
/* appdpkg_owner - the package that shipped path (its MD5 in *md5), or
   NULL */
const char *appdpkg_owner(const struct appdpkg *d, const char *path,
			  const char **md5);
/* appdpkg_walk - every entry */
void appdpkg_walk(const struct appdpkg *d, appdpkg_walk_fn *fn, void *ctx);
/* appdpkg_count - entries kept */
size_t appdpkg_count(const struct appdpkg *d);

#endif
