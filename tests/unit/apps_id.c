/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps_id - unit test of executable identities (nft-expr/apps/appid.c)
 * DESCRIPTION
 *	Hashes against known vectors; an unchanged file is read once
 *	whatever the number of lookups; any write (even one restoring the
 *	same size) reads it again; a copy has another inode, the same
 *	hashes; the device is the kernel's encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "apps/appid.h"
#include "../tap.h"

/* put - write text to path */
static void put(const char *path, const char *text, const char *mode)
{
	FILE *fp = fopen(path, mode);

	fputs(text, fp);
	fclose(fp);
}

int main(void)
{
	char dir[] = "/tmp/apps_id.XXXXXX", a[64], b[64];
	struct appid_cache *c = appid_cache_new();
	struct appid id, id2;
	struct stat st;
	int i;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	put(a, "abc", "w");
	is_int(appid_get(c, a, &id), 0, "hashed");
	is_str(id.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "SHA-256 of abc");
	is_str(id.md5, "900150983cd24fb0d6963f7d28e17f72", "MD5 of abc");
	stat(a, &st);
	is_uint(id.key.dev, (uint64_t)major(st.st_dev) << 20 | minor(st.st_dev),
		"the device as the kernel's s_dev");
	is_uint(id.key.ino, st.st_ino, "the inode");
	for (i = 0; i < 1000; i++)
		(void)appid_get(c, a, &id);
	is_uint(appid_hashed(c), 1, "1,001 lookups of an unchanged file: read once");
	put(a, "abd", "w");	/* same size, new contents */
	is_int(appid_get(c, a, &id2), 0, "hashed again");
	is_uint(appid_hashed(c), 2, "a write (same size) reads it again");
	ok(strcmp(id.sha256, id2.sha256) != 0, "and the hash follows the contents");
	put(b, "abd", "w");
	is_int(appid_get(c, b, &id), 0, "a copy");
	is_str(id.sha256, id2.sha256, "has the same SHA-256");
	ok(id.key.ino != id2.key.ino, "and another inode");
	is_int(appid_get(c, dir, &id), -1, "a folder is no executable");
	unlink(a);
	unlink(b);
	rmdir(dir);
	appid_cache_free(c);
	return done_testing();
}
