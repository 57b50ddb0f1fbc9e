/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	atomicfile - unit test of common/atomicfile.c
 * DESCRIPTION
 *	A file is created and then replaced whole; a writer that fails
 *	leaves the old contents and no temporary file; the mode asked for
 *	is the mode created (less the umask); a missing directory fails
 *	with errno set.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "../tap.h"

/* put_str - writer: the string ctx */
static int put_str(FILE *fp, void *ctx)
{
	return fputs(ctx, fp) < 0 ? -1 : 0;
}

/* put_fail - writer: some bytes, then failure */
static int put_fail(FILE *fp, void *ctx)
{
	(void)ctx;
	fputs("partial", fp);
	errno = EIO;
	return -1;
}

/* slurp - a file's contents into buf ("" if unreadable) */
static const char *slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n = fp ? fread(buf, 1, len - 1, fp) : 0;

	if (fp)
		fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* count - entries in dir other than . and .. */
static int count(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* take_good - atomicfile_load_fn: accepts "good", else EINVAL, or
   EIO for "io" (a read error: not the file's fault) */
static int take_good(FILE *fp, void *ctx)
{
	char line[16] = "";

	(void)!fgets(line, sizeof(line), fp);
	snprintf(ctx, 16, "%s", line);
	errno = strcmp(line, "io") == 0 ? EIO : EINVAL;
	return strcmp(line, "good") == 0 ? 0 : -1;
}

/* corrupt_name - the one NAME.corrupt-* in dir, or "" */
static const char *corrupt_name(const char *dir, char *buf, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	buf[0] = 0;
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "snap.corrupt-", 13) == 0 && n++ == 0)
			snprintf(buf, len, "%s/%s", dir, e->d_name);
	if (d)
		closedir(d);
	return n == 1 ? buf : "";
}

/* test_load - loaded, missing, refused and moved aside, kept twice */
static void test_load(const char *dir)
{
	char path[256], why[512], got[16], aside[512], want[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/snap", dir);
	is_int(atomicfile_load(path, take_good, got, why, sizeof(why)), 0,
	       "load: a missing file is 0");
	atomicfile_write(path, 0600, put_str, "good");
	is_int(atomicfile_load(path, take_good, got, why, sizeof(why)), 1,
	       "load: a good file is 1");
	is_str(got, "good", "and the loader read it");
	atomicfile_write(path, 0600, put_str, "io");
	is_int(atomicfile_load(path, take_good, got, why, sizeof(why)), -1,
	       "load: a read error is -1");
	ok(access(path, F_OK) == 0, "and the file stays where it is");
	atomicfile_write(path, 0600, put_str, "bad");
	is_int(atomicfile_load(path, take_good, got, why, sizeof(why)), -1,
	       "load: a refused file is -1");
	ok(access(path, F_OK) != 0, "it is no longer at its name");
	corrupt_name(dir, aside, sizeof(aside));
	is_str(slurp(aside, got, sizeof(got)), "bad", "it is kept as %s", aside);
	snprintf(want, sizeof(want), "%s: Invalid argument; moved aside to %s",
		 path, aside);
	is_str(why, want, "the reason names the file and where it went");
	/* a second damaged one in the same second does not replace it */
	atomicfile_write(path, 0600, put_str, "worse");
	is_int(atomicfile_load(path, take_good, got, why, sizeof(why)), -1,
	       "load: a second refused file");
	ok(strstr(why, ".corrupt-") != NULL, "is moved aside too: %s", why);
	is_str(slurp(aside, got, sizeof(got)), "bad", "the first stays as it was");
	if ((fp = fopen(strstr(why, "moved aside to ") + 15, "r")) != NULL) {
		fclose(fp);
		unlink(strstr(why, "moved aside to ") + 15);
	}
	unlink(aside);
}

/* test_forget - a killed writer's temporary files go, no one else's */
static void test_forget(const char *dir)
{
	static const char *const names[] = {
		"state.123.0.tmp", "milter-shard-001.state.123.7.tmp",
		"state.1234.0.tmp", "state.123.0", "other.123.tmp.keep",
	};
	char path[256];
	size_t i;
	FILE *fp;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((fp = fopen(path, "w")) != NULL)
			fclose(fp);
	}
	is_int(atomicfile_forget(dir, 123), 2, "forget: writer 123's two go");
	is_int(count(dir), 3, "forget: pid 1234's, a non-temporary and a "
	       "name merely containing .123. stay");
	is_int(atomicfile_forget(dir, 123), 0, "forget again: nothing");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
}

int main(void)
{
	char dir[] = "/tmp/sluice-atomicfile-ut.XXXXXX", path[256], buf[64];
	struct stat st;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! no temporary directory\n");
		return 1;
	}
	umask(022);
	snprintf(path, sizeof(path), "%s/state", dir);
	is_int(atomicfile_write(path, 0666, put_str, "one\n"), 0, "created");
	is_str(slurp(path, buf, sizeof(buf)), "one\n", "first contents");
	if (stat(path, &st) < 0)
		st.st_mode = 0;
	is_uint(st.st_mode & 0777, 0644, "mode 0666 less umask 022");
	is_int(atomicfile_write(path, 0666, put_str, "two\n"), 0, "replaced");
	is_str(slurp(path, buf, sizeof(buf)), "two\n", "new contents");
	errno = 0;
	is_int(atomicfile_write(path, 0666, put_fail, NULL), -1,
	       "a failing writer fails");
	is_int(errno, EIO, "with the writer's errno");
	is_str(slurp(path, buf, sizeof(buf)), "two\n", "old contents kept");
	is_int(count(dir), 1, "no temporary file left");
	snprintf(path, sizeof(path), "%s/sample", dir);
	is_int(atomicfile_write(path, 0600, put_str, "mail"), 0, "private");
	if (stat(path, &st) < 0)
		st.st_mode = 0;
	is_uint(st.st_mode & 0777, 0600, "mode 0600");
	errno = 0;
	is_int(atomicfile_write("/nonexistent/dir/x", 0666, put_str, "x"), -1,
	       "a missing directory fails");
	is_int(errno, ENOENT, "with ENOENT");
	unlink(path);
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	test_load(dir);
	test_forget(dir);
	rmdir(dir);
	return done_testing();
}
