/* SPDX-License-Identifier: GPL-2.0-or-later */
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

#include "atomicfile.h"
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

/* sample_hash - hex SHA-256 of the kept bytes */
static void sample_hash(const struct msample *s, char hex[MSAMPLE_HEX])
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
					       s->buf->data, s->buf->len);

	g_strlcpy(hex, h ? h : "", MSAMPLE_HEX);
	g_free(h);
}

/* write_kept - atomicfile_write callback: the kept bytes */
static int write_kept(FILE *fp, void *ctx)
{
	const struct msample *s = ctx;

	return fwrite(s->buf->data, 1, s->buf->len, fp) == s->buf->len ? 0 : -1;
}

/* msample_write - DIR/<sha256>.eml through a temporary file (mode 0600,
   as a sample holds mail) */
int msample_write(const struct msample *s, const char *dir,
		  char hex[MSAMPLE_HEX])
{
	char path[4096];

	sample_hash(s, hex);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.eml", dir, hex) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return atomicfile_write(path, 0600, write_kept, (void *)s);
}
