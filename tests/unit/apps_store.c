/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps_store - unit test of the approvals kept across restarts
 *	(nft-expr/apps/appstore.c)
 * DESCRIPTION
 *	A round trip keeps every field; no file is an empty table; a
 *	damaged file is refused whole and moved aside.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apps/appstore.h"
#include "../tap.h"

#define SHA_A "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_B "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* aside_count - files named *.corrupt-* in dir */
static int aside_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".corrupt-") != NULL;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/apps_store.XXXXXX", path[64], why[512], cmd[128];
	GHashTable *t, *u;
	struct appstore_rec *r;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/applications", dir);
	t = appstore_load(path, why, sizeof(why));
	ok(t != NULL && g_hash_table_size(t) == 0, "no file: an empty table");
	g_hash_table_insert(t, g_strdup("/usr/bin/curl"),
			    appstore_rec_new(0, "/usr/bin/curl", NULL, SHA_A, NULL));
	g_hash_table_insert(t, g_strdup("/usr/bin/python3 /opt/a b.py"),
			    appstore_rec_new(1, "/usr/bin/python3", "/opt/a b.py",
					     SHA_A, SHA_B));
	is_int(appstore_save(path, t), 0, "saved");
	u = appstore_load(path, why, sizeof(why));
	ok(u != NULL && g_hash_table_size(u) == 2, "loaded two records");
	r = u ? g_hash_table_lookup(u, "/usr/bin/python3 /opt/a b.py") : NULL;
	ok(r != NULL, "the script's record by its name");
	if (r != NULL) {
		is_int(r->kind, 1, "its kind");
		is_str(r->script, "/opt/a b.py", "its script (a space in it)");
		is_str(r->sha256, SHA_A, "the interpreter's SHA-256");
		is_str(r->script_sha256, SHA_B, "the script's");
	}
	r = u ? g_hash_table_lookup(u, "/usr/bin/curl") : NULL;
	ok(r != NULL && r->script == NULL, "a program has no script");
	if (u)
		g_hash_table_destroy(u);
	g_hash_table_destroy(t);

	fp = fopen(path, "a");
	fputs("config\tnothex\t-\t/usr/bin/x\t-\n", fp);
	fclose(fp);
	ok(appstore_load(path, why, sizeof(why)) == NULL, "a damaged line refuses the file");
	ok(strstr(why, "applications") != NULL, "the reason names it: %s", why);
	is_int(aside_count(dir), 1, "moved aside, kept");
	ok(access(path, F_OK) != 0, "so the next save starts afresh");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
