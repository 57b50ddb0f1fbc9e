/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_appstore - libFuzzer harness for the saved approvals
 *	(nft-expr/apps/appstore.c, [core] state_dir/applications)
 * DESCRIPTION
 *	Whatever the file holds, it loads whole or not at all: a refusal
 *	leaves the table empty; every record loaded has an absolute path,
 *	a 64-digit SHA-256, and a script only with an absolute path and
 *	its own SHA-256; nothing crashes or leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/appstore.h"

/* hex64 - 64 lowercase hex digits */
static int hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GHashTable *t = appstore_load(NULL, NULL, 0);
	FILE *fp = fmemopen((void *)data, size ? size : 1, "rb");
	GHashTableIter it;
	gpointer k, v;
	int rc;

	if (fp == NULL)
		abort();
	rc = appstore_read(fp, t);
	fclose(fp);
	if (rc < 0 && g_hash_table_size(t) != 0)
		abort();
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const struct appstore_rec *r = v;

		if (r->path[0] != '/' || !hex64(r->sha256)
		    || (r->script && (r->script[0] != '/' || !hex64(r->script_sha256))))
			abort();
	}
	g_hash_table_destroy(t);
	return 0;
}
