/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appdpkg - which Debian package shipped an executable, and its MD5
 * DESCRIPTION
 *	See appdpkg.h. An md5sums line is "HEX32  relative/path"; lines
 *	of another shape are skipped (dpkg writes no other kind).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "apps/appdpkg.h"

#define LINE_MAX_ 4096

static const char *const dirs[] = {
	"usr/bin/", "usr/sbin/", "bin/", "sbin/", "usr/libexec/", "usr/games/",
	NULL
};

/* one entry: the package's name and the shipped MD5 */
struct entry {
	char *pkg;
	char md5[33];
};

struct appdpkg {
	GHashTable *t;		/* "/path" -> struct entry */
};

/* entry_free - GDestroyNotify */
static void entry_free(gpointer p)
{
	struct entry *e = p;

	g_free(e->pkg);
	g_free(e);
}

/* wanted - is rel in one of the executables' folders */
static int wanted(const char *rel)
{
	size_t i;

	for (i = 0; dirs[i]; i++)
		if (strncmp(rel, dirs[i], strlen(dirs[i])) == 0)
			return 1;
	return 0;
}

/* add - "/rel" and, for merged /usr, its other spelling */
static void add(struct appdpkg *d, const char *rel, const char *pkg,
		const char *md5)
{
	struct entry *e = g_new0(struct entry, 1);
	const char *alt = strncmp(rel, "usr/", 4) == 0 ? rel + 4 : NULL;

	e->pkg = g_strdup(pkg);
	memcpy(e->md5, md5, 32);
	g_hash_table_replace(d->t, g_strconcat("/", rel, NULL), e);
	if (alt != NULL && (strncmp(alt, "bin/", 4) == 0
			    || strncmp(alt, "sbin/", 5) == 0)) {
		struct entry *e2 = g_new0(struct entry, 1);

		e2->pkg = g_strdup(pkg);
		memcpy(e2->md5, md5, 32);
		g_hash_table_insert(d->t, g_strconcat("/", alt, NULL), e2);
	}
}

/* load_one - the lines of one PKG.md5sums */
static void load_one(struct appdpkg *d, const char *dir, const char *name)
{
	char path[4096], line[LINE_MAX_], *pkg = g_strndup(name, strlen(name) - 8);
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "re")) == NULL) {
		g_free(pkg);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = 0;
		if (n < 35 || line[32] != ' ' || line[33] != ' '
		    || strspn(line, "0123456789abcdef") != 32 || !wanted(line + 34))
			continue;
		add(d, line + 34, pkg, line);
	}
	fclose(fp);
	g_free(pkg);
}

/* appdpkg_load - every *.md5sums of dir */
struct appdpkg *appdpkg_load(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct appdpkg *d;
	size_t n;

	if (dp == NULL)
		return NULL;
	d = g_new0(struct appdpkg, 1);
	d->t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n > 8 && strcmp(de->d_name + n - 8, ".md5sums") == 0)
			load_one(d, dir, de->d_name);
	}
	closedir(dp);
	return d;
}

/* appdpkg_free - accepts NULL */
void appdpkg_free(struct appdpkg *d)
{
	if (d == NULL)
		return;
	g_hash_table_destroy(d->t);
	g_free(d);
}

/* appdpkg_owner - package and MD5 of path */
const char *appdpkg_owner(const struct appdpkg *d, const char *path,
			  const char **md5)
{
	struct entry *e = d ? g_hash_table_lookup(d->t, path) : NULL;

	if (e == NULL)
		return NULL;
	if (md5 != NULL)
		*md5 = e->md5;
	return e->pkg;
}

/* appdpkg_walk - every entry */
void appdpkg_walk(const struct appdpkg *d, appdpkg_walk_fn *fn, void *ctx)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, d->t);
	while (g_hash_table_iter_next(&it, &k, &v))
		fn(ctx, k, ((struct entry *)v)->pkg, ((struct entry *)v)->md5);
}

/* appdpkg_count - entries */
size_t appdpkg_count(const struct appdpkg *d)
{
	return d ? g_hash_table_size(d->t) : 0;
}
