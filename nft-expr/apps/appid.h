/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appid - an executable's identity: its contents' SHA-256, cached
 * SYNOPSIS
 *	#include "apps/appid.h"
 * DESCRIPTION
 *	appid_get() stats a path and returns its hashes from the cache
 *	when the device, inode, size, mtime and ctime are the ones they
 *	were hashed with, else reads the file once and computes SHA-256
 *	(the identity) and MD5 (what dpkg's md5sums compare). Any write
 *	moves ctime (and the kernel keeps it: no user can set it), so a
 *	changed file is always hashed again, and an unchanged one never
 *	is. The cache is bounded (APPID_CACHE_MAX entries, then it
 *	starts over). Nothing here is per connection.
 */
#ifndef SLUICE_APPID_H
#define SLUICE_APPID_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "apps/apps_bpf.h"

#define APPID_HEX 65		/* SHA-256 in hex and its NUL */
#define APPID_MD5 33
#define APPID_CACHE_MAX 16384

struct appid {
	struct apps_key key;	/* kernel device and inode */
	struct apps_val val;	/* size and ctime, as the kernel compares */
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	int regular;		/* a regular file */
	char sha256[APPID_HEX];
	char md5[APPID_MD5];
};

struct appid_cache;

/* appid_cache_new - an empty cache; NULL if out of memory */
struct appid_cache *appid_cache_new(void);
/* appid_cache_free - accepts NULL */
void appid_cache_free(struct appid_cache *c);
/* appid_stat - only what stat says (no hashes); 0 or -1 with errno */
int appid_stat(const char *path, struct appid *out);
/* appid_get - stat and hashes of path (from the cache if unchanged);
   0, or -1 with errno */
int appid_get(struct appid_cache *c, const char *path, struct appid *out);
/* appid_hashed - files read so far (for the tests and metrics) */
uint64_t appid_hashed(const struct appid_cache *c);

#endif
