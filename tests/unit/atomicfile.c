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
	rmdir(dir);
	return done_testing();
}
