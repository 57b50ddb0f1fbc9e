/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps_dpkg - unit test of the packages' checksums
 *	(nft-expr/apps/appdpkg.c)
 * DESCRIPTION
 *	A fake dpkg info folder: the executables' folders are kept (and
 *	with merged /usr, both spellings), other paths and malformed
 *	lines are not, the package is named by its file (with its
 *	architecture).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/appdpkg.h"
#include "../tap.h"

#define M1 "0123456789abcdef0123456789abcdef"
#define M2 "fedcba9876543210fedcba9876543210"

/* put - write text to dir/name */
static void put(const char *dir, const char *name, const char *text)
{
	char p[256];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	fputs(text, fp);
	fclose(fp);
}

int main(void)
{
	char dir[] = "/tmp/apps_dpkg.XXXXXX", cmd[128];
	const char *md5 = NULL, *pkg;
	struct appdpkg *d;

	if (mkdtemp(dir) == NULL)
		return 1;
	put(dir, "curl.md5sums", M1 "  usr/bin/curl\n" M2 "  usr/share/doc/curl/README\n");
	put(dir, "libc-bin:amd64.md5sums", M2 "  usr/sbin/ldconfig\nnot a line\n"
	    "0123  usr/bin/short\n");
	put(dir, "curl.list", "/usr/bin/curl\n");
	d = appdpkg_load(dir);
	ok(d != NULL, "loaded");
	pkg = appdpkg_owner(d, "/usr/bin/curl", &md5);
	is_str(pkg, "curl", "/usr/bin/curl is curl's");
	is_str(md5, M1, "with its MD5");
	is_str(appdpkg_owner(d, "/bin/curl", NULL), "curl", "and /bin/curl too (merged /usr)");
	is_str(appdpkg_owner(d, "/usr/sbin/ldconfig", NULL), "libc-bin:amd64",
	       "a package with its architecture");
	ok(appdpkg_owner(d, "/usr/share/doc/curl/README", NULL) == NULL,
	   "documentation is not kept");
	ok(appdpkg_owner(d, "/usr/bin/short", NULL) == NULL, "a malformed line is skipped");
	is_uint(appdpkg_count(d), 4, "four entries (two spellings each)");
	appdpkg_free(d);
	ok(appdpkg_load("/nonexistent/dpkg/info") == NULL, "no folder: NULL");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
