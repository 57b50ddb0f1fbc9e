/*
 * NAME
 *	msample - keep a honeytoken message as a sample, named by SHA-256
 * DESCRIPTION
 *	See msample.h. GLib's GChecksum does the hashing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "msample.h"

struct msample {
	GByteArray *buf;
	size_t max;
	uint64_t seen;
};

/* msample_create - an empty sample */
struct msample *msample_create(size_t max)
{
	struct msample *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->buf = g_byte_array_new();
	s->max = max;
	return s;
}

/* msample_free - accepts NULL */
void msample_free(struct msample *s)
{
	if (s == NULL)
		return;
	g_byte_array_unref(s->buf);
	free(s);
}

/* msample_reset - empty it */
void msample_reset(struct msample *s)
{
	g_byte_array_set_size(s->buf, 0);
	s->seen = 0;
}

/* msample_add - append what still fits under max, count the rest */
void msample_add(struct msample *s, const void *data, size_t len)
{
	size_t room = s->max - s->buf->len;

	s->seen += len;
	if (len > room)
		len = room;
	if (len)
		g_byte_array_append(s->buf, data, (guint)len);
}

/* msample_header - one header line */
void msample_header(struct msample *s, const char *name, const char *value)
{
	msample_add(s, name, strlen(name));
	msample_add(s, ": ", 2);
	msample_add(s, value, strlen(value));
	msample_add(s, "\r\n", 2);
}

/* msample_size - bytes seen */
uint64_t msample_size(const struct msample *s)
{
	return s->seen;
}

/* msample_truncated - more seen than kept */
int msample_truncated(const struct msample *s)
{
	return s->seen > s->buf->len;
}

/* write_all - the whole buffer to fd; 0 or -1 */
static int write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* sample_hash - hex SHA-256 of the kept bytes */
static void sample_hash(const struct msample *s, char hex[MSAMPLE_HEX])
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
					       s->buf->data, s->buf->len);

	g_strlcpy(hex, h ? h : "", MSAMPLE_HEX);
	g_free(h);
}

/* msample_write - DIR/<sha256>.eml through a temporary file */
int msample_write(const struct msample *s, const char *dir,
		  char hex[MSAMPLE_HEX])
{
	char tmp[4096], path[4096];
	int fd, e, rc;

	sample_hash(s, hex);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.eml", dir, hex) >=
	    sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-XXXXXX", dir, hex) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	rc = write_all(fd, s->buf->data, s->buf->len) < 0 || fsync(fd) < 0;
	e = errno;
	if (close(fd) < 0 && rc == 0) {
		rc = 1;
		e = errno;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		rc = 1;
		e = errno;
	}
	if (rc) {
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}
