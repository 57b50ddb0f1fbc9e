/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	atomicfile - replace a file all at once
 * DESCRIPTION
 *	See atomicfile.h. The temporary name carries the process id and
 *	a per-process counter; a name left over by a crashed process of
 *	the same id is skipped (O_EXCL), not reused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"

#define ATOMICFILE_TRIES 16	/* names to try before giving up */

static unsigned tmp_counter;	/* per process, bumped atomically */

/* tmp_open - create a fresh PATH.PID.N.tmp; its descriptor, or -1 */
static int tmp_open(const char *path, mode_t mode, char *tmp, size_t len)
{
	unsigned n;
	int i, fd;

	for (i = 0; i < ATOMICFILE_TRIES; i++) {
		n = __atomic_fetch_add(&tmp_counter, 1, __ATOMIC_RELAXED);
		if ((size_t)snprintf(tmp, len, "%s.%ld.%u.tmp", path,
				     (long)getpid(), n) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* atomicfile_write - PATH through a temporary file and rename */
int atomicfile_write(const char *path, mode_t mode, atomicfile_fn *fn,
		     void *ctx)
{
	char tmp[PATH_MAX + 32];
	FILE *fp;
	int fd, r, e;

	if ((fd = tmp_open(path, mode, tmp, sizeof(tmp))) < 0)
		return -1;
	if ((fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	r = fn(fp, ctx);
	e = errno;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		r = -1;
		e = errno;
	}
	if (fclose(fp) != 0 && r == 0) {
		r = -1;
		e = errno;
	}
	if (r == 0 && rename(tmp, path) == 0)
		return 0;
	if (r == 0)
		e = errno;
	unlink(tmp);
	errno = e;
	return -1;
}

/* atomicfile_aside - rename path to PATH.corrupt-STAMP (or -STAMP.N if
   taken); 0 with the new name in to, or -1 */
int atomicfile_aside(const char *path, char *to, size_t len)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	for (i = 0; i < ATOMICFILE_TRIES; i++) {
		if ((size_t)(i ? snprintf(to, len, "%s.corrupt-%s.%d", path, stamp, i)
			     : snprintf(to, len, "%s.corrupt-%s", path, stamp)) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		/* never over an earlier one: it may be the operator's only copy */
		if (renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/* atomicfile_load - fn on path; a damaged file is moved aside */
int atomicfile_load(const char *path, atomicfile_load_fn *fn, void *ctx,
		    char *why, size_t whylen)
{
	char to[PATH_MAX + 64];
	FILE *fp;
	int r, e;

	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = fn(fp, ctx);
	e = errno;
	fclose(fp);
	if (r == 0)
		return 1;
	if (e != EINVAL && e != EBADMSG && e != EPROTO) {
		snprintf(why, whylen, "%s: %s", path, strerror(e));
		return -1;
	}
	if (atomicfile_aside(path, to, sizeof(to)) < 0)
		snprintf(why, whylen, "%s: %s; could not be moved aside (%s): "
			 "the next save replaces it", path, strerror(e),
			 strerror(errno));
	else
		snprintf(why, whylen, "%s: %s; moved aside to %s", path,
			 strerror(e), to);
	return -1;
}

/* atomicfile_read - all of fp, at most limit bytes */
unsigned char *atomicfile_read(FILE *fp, size_t limit, size_t *len)
{
	size_t size = 0, got;
	unsigned char *buf = NULL, *nb;

	*len = 0;
	do {
		if (*len == size) {
			size = size ? 2 * size : 64 * 1024;
			if (size > limit + 1)
				size = limit + 1;
			if ((nb = realloc(buf, size)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + *len, 1, size - *len, fp);
		*len += got;
	} while (got > 0 && *len <= limit);
	if (ferror(fp) || *len > limit) {
		errno = ferror(fp) ? EIO : EINVAL;
		free(buf);
		return NULL;
	}
	return buf;
}

/* atomicfile_forget - remove the temporary files (NAME.PID.N.tmp) that
   writer pid, killed, left in dir; how many */
int atomicfile_forget(const char *dir, pid_t pid)
{
	char mid[32], path[PATH_MAX];
	struct dirent *e;
	size_t ml, nl;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	ml = (size_t)snprintf(mid, sizeof(mid), ".%ld.", (long)pid);
	while ((e = readdir(d)) != NULL) {
		nl = strlen(e->d_name);
		if (nl < 4 || strcmp(e->d_name + nl - 4, ".tmp") != 0 ||
		    strstr(e->d_name, mid) == NULL || ml >= nl)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) < sizeof(path) &&
		    unlink(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}
