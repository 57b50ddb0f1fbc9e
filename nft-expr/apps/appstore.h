/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appstore - the approved contents, kept across restarts
 * SYNOPSIS
 *	#include "apps/appstore.h"
 * DESCRIPTION
 *	[core] state_dir/applications holds one line per approval: who
 *	made it (config or sluicectl), the SHA-256 approved (and the
 *	script's), the path and the script. At start an approval of the
 *	configuration whose file now hashes to other contents than the
 *	recorded ones is "changed", not approved anew: a file changed
 *	while sluiced was stopped is denied until an operator approves it
 *	again. Approvals made with sluicectl come back. Written whole
 *	(atomicfile) after every change; a damaged file is moved aside
 *	and named in the log.
 */
#ifndef SLUICE_APPSTORE_H
#define SLUICE_APPSTORE_H

#include <stddef.h>
#include <glib.h>
#include "apps/appid.h"

/* one recorded approval */
struct appstore_rec {
	int kind;		/* KIND_CONF or KIND_CTL (apps_int.h) */
	char *path, *script;	/* script NULL for a program */
	char sha256[APPID_HEX], script_sha256[APPID_HEX];
};

/* appstore_load - path's records, keyed by approval name ("PATH" or
   "PATH SCRIPT"); an empty table when there is no file; NULL with why
   when it was refused (then moved aside) */
GHashTable *appstore_load(const char *path, char *why, size_t whylen);
/* appstore_read - the loader itself, an atomicfile_load_fn: fp's
   records into the table ctx (name -> struct appstore_rec), all or
   none; 0, or -1 with errno EPROTO or EBADMSG (also for the fuzzer) */
int appstore_read(FILE *fp, void *ctx);
/* appstore_save - the records of table (name -> struct appstore_rec)
   to path; 0 or -1 with errno */
int appstore_save(const char *path, GHashTable *records);
/* appstore_rec_new - a record (g_free'd by the table's destructor) */
struct appstore_rec *appstore_rec_new(int kind, const char *path,
				      const char *script, const char *sha256,
				      const char *script_sha256);
/* appstore_rec_free - GDestroyNotify */
void appstore_rec_free(gpointer p);

#endif
