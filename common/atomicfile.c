/*
 * NAME
 *	atomicfile - replace a file all at once
 * DESCRIPTION
 *	See atomicfile.h. The temporary name carries the process id and
 *	a per-process counter; a name left over by a crashed process of
 *	the same id is skipped (O_EXCL), not reused.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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
