/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdcheck - what sluiced -n and the start check beyond the schema
 * SYNOPSIS
 *	#include "daemon/sdcheck.h"
 * DESCRIPTION
 *	sdconf(3) checks the file; this module checks the machine it is
 *	meant for, so that -n catches what would fail at start and the
 *	start fails before anything is installed: [sluiced] user exists;
 *	[core] events is "-" or a file (not a directory); it, [core]
 *	control_socket and [sluiced] pidfile lie in a directory that
 *	exists or that sdcheck_mkparent() makes at start (one level: its
 *	own parent exists); [core] state_dir is a directory, or absent in
 *	an existing directory (start makes it). Each error names the file,
 *	group, key, value and what is wrong.
 *
 *	sdcheck_warnings() hands the warnings of a valid configuration to
 *	a callback, one line each: keys that do nothing yet, a
 *	configuration in which no zone throttles anything.
 */
#ifndef SLUICE_SDCHECK_H
#define SLUICE_SDCHECK_H

#include <stddef.h>
#include <sys/types.h>
#include "daemon/sdconf.h"

typedef void sdcheck_warn_fn(void *ctx, const char *line);

/* sdcheck_host - the user and the paths usable here; 0, or -1 with err */
int sdcheck_host(const char *file, const struct sd_conf *c, char *err,
		 size_t len);
/* sdcheck_mkparent - at start: make the missing directory path goes in
   (one level) */
void sdcheck_mkparent(const char *path, mode_t mode);
/* sdcheck_warnings - each warning of a valid configuration to fn */
void sdcheck_warnings(const char *file, const struct sd_conf *c,
		      sdcheck_warn_fn *fn, void *ctx);

#endif
