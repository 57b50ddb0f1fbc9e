/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_store - payload samples, stored once each under their SHA-256
 * DESCRIPTION
 *	See cap_store.h. Only names of 64 lower-case hex digits count as
 *	samples: the store never touches, counts or removes anything else
 *	an operator keeps in the directory.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>

#include "atomicfile.h"
#include "capture/cap_store.h"

struct cap_store {
	char *dir;
	uint64_t cap, max_age;
	struct cap_store_stats st;
};

/* is_sample_name - 64 lower-case hex digits */
static int is_sample_name(const char *n)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return 0;
	return n[64] == '\0';
}

/* walk - every sample; those older than cutoff (if > 0) removed;
   the counts recomputed; returns how many were removed */
static unsigned walk(struct cap_store *st, int64_t cutoff)
{
	char path[4096];
	struct dirent *d;
	struct stat sb;
	unsigned gone = 0;
	DIR *dp = opendir(st->dir);

	if (dp == NULL)
		return 0;
	st->st.samples = st->st.bytes = 0;
	while ((d = readdir(dp)) != NULL) {
		if (!is_sample_name(d->d_name)
		    || (size_t)snprintf(path, sizeof(path), "%s/%s", st->dir,
					d->d_name) >= sizeof(path)
		    || lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
			continue;
		if (cutoff > 0 && sb.st_mtime < cutoff && unlink(path) == 0) {
			gone++;
			continue;
		}
		st->st.samples++;
		st->st.bytes += (uint64_t)sb.st_size;
	}
	closedir(dp);
	return gone;
}

/* cap_store_open - dir must exist; NULL with errno */
struct cap_store *cap_store_open(const char *dir, uint64_t cap_bytes,
				 uint64_t max_age_s)
{
	struct cap_store *st;
	struct stat sb;

	if (stat(dir, &sb) < 0)
		return NULL;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL
	    || (st->dir = strdup(dir)) == NULL) {
		free(st);
		errno = ENOMEM;
		return NULL;
	}
	st->cap = cap_bytes;
	st->max_age = max_age_s;
	(void)walk(st, 0);
	return st;
}

/* cap_store_close - accepts NULL */
void cap_store_close(struct cap_store *st)
{
	if (st == NULL)
		return;
	free(st->dir);
	free(st);
}

/* cap_store_hash - hex SHA-256 of len bytes at p */
void cap_store_hash(const void *p, size_t len, char hex[CAP_STORE_HEX])
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, p, len);

	g_strlcpy(hex, h ? h : "", CAP_STORE_HEX);
	g_free(h);
}

struct bytes {
	const void *p;
	size_t len;
};

/* write_bytes - atomicfile_write callback */
static int write_bytes(FILE *fp, void *ctx)
{
	const struct bytes *b = ctx;

	return fwrite(b->p, 1, b->len, fp) == b->len ? 0 : -1;
}

/* cap_store_put - store len bytes at p unless known or over the cap */
enum cap_store_result cap_store_put(struct cap_store *st, const void *p,
				    size_t len, char hex[CAP_STORE_HEX])
{
	struct bytes b = { p, len };
	char path[4096];

	cap_store_hash(p, len, hex);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", st->dir, hex)
	    >= sizeof(path)) {
		st->st.errors++;
		errno = ENAMETOOLONG;
		return CAP_STORE_ERROR;
	}
	if (access(path, F_OK) == 0) {
		st->st.known++;
		return CAP_STORE_KNOWN;
	}
	if (st->st.bytes + len > st->cap) {
		st->st.refused++;
		return CAP_STORE_FULL;
	}
	if (atomicfile_write(path, 0600, write_bytes, &b) < 0) {
		st->st.errors++;
		return CAP_STORE_ERROR;
	}
	st->st.written++;
	st->st.samples++;
	st->st.bytes += len;
	return CAP_STORE_NEW;
}

/* cap_store_sweep - remove samples past the maximum age */
unsigned cap_store_sweep(struct cap_store *st, int64_t now_s)
{
	int64_t cutoff = now_s - (int64_t)st->max_age;

	return walk(st, cutoff > 0 ? cutoff : 1);
}

/* cap_store_stats - counters */
void cap_store_stats(const struct cap_store *st, struct cap_store_stats *out)
{
	*out = st->st;
}
