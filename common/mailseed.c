/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailseed - the mail filters' hash seed, kept across restarts
 * DESCRIPTION
 *	See mailseed.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomicfile.h"
#include "mailseed.h"

struct line {
	unsigned shards;
	const uint8_t *seed;
};

/* path_of - dir/name; -1 if too long */
static int path_of(char *buf, size_t len, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) < len)
		return 0;
	errno = ENAMETOOLONG;
	return -1;
}

/* write_line - atomicfile_write callback */
static int write_line(FILE *fp, void *ctx)
{
	const struct line *l = ctx;
	unsigned i;

	fprintf(fp, "sluice-seed %u ", l->shards);
	for (i = 0; i < 16; i++)
		fprintf(fp, "%02x", l->seed[i]);
	return fprintf(fp, "\n") < 0 ? -1 : 0;
}

/* mailseed_save - one line, replaced atomically */
int mailseed_save(const char *dir, const char *name, unsigned shards,
		  const uint8_t seed[16])
{
	struct line l = { shards, seed };
	char path[4096];

	if (path_of(path, sizeof(path), dir, name) < 0)
		return -1;
	return atomicfile_write(path, 0600, write_line, &l);
}

/* hex16 - 32 hex digits into 16 bytes; 0 or -1 */
static int hex16(const char *hex, uint8_t out[16])
{
	unsigned i, b;

	if (strlen(hex) != 32 || strspn(hex, "0123456789abcdefABCDEF") != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return 0;
}

/* mailseed_load - the line, or the old raw form */
int mailseed_load(const char *dir, const char *name, unsigned shards,
		  uint8_t seed[16])
{
	char path[4096], buf[128], hex[40];
	unsigned n;
	size_t len;
	FILE *fp;

	if (path_of(path, sizeof(path), dir, name) < 0)
		return -1;
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	len = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[len] = 0;
	if (len == 16 && strncmp(buf, "sluice-seed ", 12) != 0 && shards == 1) {
		memcpy(seed, buf, 16);	/* sluice-policyd's raw bytes */
		return 0;
	}
	if (sscanf(buf, "sluice-seed %u %39s", &n, hex) != 2 ||
	    hex16(hex, seed) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (n != shards) {
		errno = ESTALE;
		return -1;
	}
	return 0;
}
