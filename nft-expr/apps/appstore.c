/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appstore - the approved contents, kept across restarts
 * DESCRIPTION
 *	See appstore.h. The format:
 *
 *		sluice-applications 1
 *		KIND<TAB>SHA256<TAB>SCRIPT_SHA256|-<TAB>PATH<TAB>SCRIPT|-
 *
 *	KIND is "config" or "sluicectl". A line of another shape refuses
 *	the whole file (the loader is all or nothing).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomicfile.h"
#include "apps/appstore.h"

#define MAGIC "sluice-applications 1\n"
#define FILE_MAX (16 * 1024 * 1024)
#define KIND_NAMES 2

static const char *const kinds[KIND_NAMES] = { "config", "sluicectl" };

/* appstore_rec_new - a record */
struct appstore_rec *appstore_rec_new(int kind, const char *path,
				      const char *script, const char *sha256,
				      const char *script_sha256)
{
	struct appstore_rec *r = g_new0(struct appstore_rec, 1);

	r->kind = kind;
	r->path = g_strdup(path);
	r->script = g_strdup(script);
	g_strlcpy(r->sha256, sha256, sizeof(r->sha256));
	g_strlcpy(r->script_sha256, script_sha256 ? script_sha256 : "",
		  sizeof(r->script_sha256));
	return r;
}

/* appstore_rec_free - GDestroyNotify */
void appstore_rec_free(gpointer p)
{
	struct appstore_rec *r = p;

	if (r == NULL)
		return;
	g_free(r->path);
	g_free(r->script);
	g_free(r);
}

/* is_hex - 64 lowercase hex digits */
static int is_hex(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* parse_line - one record into t; 0 or -1 */
static int parse_line(char *line, GHashTable *t)
{
	char **f = g_strsplit(line, "\t", 6);
	int kind, rc = -1;
	const char *script;

	if (g_strv_length(f) != 5 || f[3][0] != '/')
		goto out;
	for (kind = 0; kind < KIND_NAMES && strcmp(f[0], kinds[kind]) != 0; kind++)
		;
	script = strcmp(f[4], "-") == 0 ? NULL : f[4];
	if (kind == KIND_NAMES || !is_hex(f[1])
	    || (script ? !is_hex(f[2]) || script[0] != '/' : strcmp(f[2], "-") != 0))
		goto out;
	g_hash_table_replace(t, script ? g_strdup_printf("%s %s", f[3], script)
			     : g_strdup(f[3]),
			     appstore_rec_new(kind, f[3], script, f[1],
					      script ? f[2] : NULL));
	rc = 0;
out:
	g_strfreev(f);
	return rc;
}

/* appstore_read - atomicfile_load_fn: all of fp into ctx's table */
int appstore_read(FILE *fp, void *ctx)
{
	GHashTable *t = ctx;
	size_t len;
	unsigned char *buf = atomicfile_read(fp, FILE_MAX, &len);
	char **lines, *text;
	size_t i;
	int rc = 0;

	if (buf == NULL)
		return -1;
	text = g_strndup((const char *)buf, len);
	free(buf);
	if (strncmp(text, MAGIC, strlen(MAGIC)) != 0 || strlen(text) != len) {
		g_free(text);
		return errno = EPROTO, -1;
	}
	lines = g_strsplit(text + strlen(MAGIC), "\n", -1);
	for (i = 0; lines[i] != NULL && rc == 0; i++)
		if (lines[i][0] != 0 && parse_line(lines[i], t) < 0)
			rc = -1;
	g_strfreev(lines);
	g_free(text);
	if (rc < 0) {
		g_hash_table_remove_all(t);
		errno = EBADMSG;
	}
	return rc;
}

/* appstore_load - all or nothing */
GHashTable *appstore_load(const char *path, char *why, size_t whylen)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					      appstore_rec_free);

	if (path != NULL && atomicfile_load(path, appstore_read, t, why, whylen) < 0) {
		g_hash_table_destroy(t);
		return NULL;
	}
	return t;
}

/* save_fn - atomicfile_fn */
static int save_fn(FILE *fp, void *ctx)
{
	GHashTableIter it;
	gpointer k, v;

	fputs(MAGIC, fp);
	g_hash_table_iter_init(&it, ctx);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct appstore_rec *r = v;

		fprintf(fp, "%s\t%s\t%s\t%s\t%s\n", kinds[r->kind], r->sha256,
			r->script ? r->script_sha256 : "-", r->path,
			r->script ? r->script : "-");
	}
	return ferror(fp) ? -1 : 0;
}

/* appstore_save - whole, atomically */
int appstore_save(const char *path, GHashTable *records)
{
	return atomicfile_write(path, 0600, save_fn, records);
}
