/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailseed.t - the mail filters' hash seed across restarts
 * DESCRIPTION
 *	One text line for both filters: saved and read back, refused for
 *	another shard count or when damaged, absent is ENOENT, and
 *	sluice-policyd's old file of 16 raw bytes still read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailseed.h"
#include "../tap.h"

/* put - write text as dir/name */
static void put(const char *dir, const char *name, const void *text,
		size_t len)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL || fwrite(text, 1, len, fp) != len)
		abort();
	fclose(fp);
}

int main(void)
{
	char dir[] = "/tmp/mailseed.XXXXXX", path[128], line[128] = "";
	const uint8_t seed[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xa, 0xb,
				   0xc, 0xd, 0xee, 0xff };
	uint8_t got[16];
	FILE *fp;
	int r;

	if (mkdtemp(dir) == NULL)
		abort();
	r = mailseed_load(dir, "x.seed", 1, got);
	ok(r < 0 && errno == ENOENT, "no file: ENOENT");
	is_int(mailseed_save(dir, "x.seed", 16, seed), 0, "saved");
	snprintf(path, sizeof(path), "%s/x.seed", dir);
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) == NULL)
			line[0] = 0;
		fclose(fp);
	}
	is_str(line, "sluice-seed 16 000102030405060708090a0b0c0deeff\n",
	       "one text line: shard count and the seed in hex");
	memset(got, 0, sizeof(got));
	is_int(mailseed_load(dir, "x.seed", 16, got), 0, "read back");
	ok(memcmp(got, seed, 16) == 0, "the same seed");
	r = mailseed_load(dir, "x.seed", 4, got);
	ok(r < 0 && errno == ESTALE, "another shard count: ESTALE (got %d)",
	   r < 0 ? errno : 0);
	put(dir, "bad.seed", "sluice-seed 1 00zz\n", 19);
	r = mailseed_load(dir, "bad.seed", 1, got);
	ok(r < 0 && errno == EINVAL, "a damaged line: EINVAL");
	put(dir, "policyd.seed", seed, 16);
	memset(got, 0, sizeof(got));
	is_int(mailseed_load(dir, "policyd.seed", 1, got), 0,
	       "the old 16 raw bytes are read");
	ok(memcmp(got, seed, 16) == 0, "... as the same seed");
	r = mailseed_load(dir, "policyd.seed", 16, got);
	ok(r < 0, "... but only for one shard");
	unlink(path);
	snprintf(path, sizeof(path), "%s/bad.seed", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/policyd.seed", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
