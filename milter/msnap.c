/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	msnap - sluice-milter's throttle state across restarts
 * DESCRIPTION
 *	See msnap.h. The seed file is mailseed(3)'s, shared with
 *	sluice-policyd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "mailseed.h"
#include "msnap.h"

#define SEED_FILE "milter.seed"

struct io {				/* one shard's file */
	struct mstate *s;
	unsigned shard;
	FILE *fp;
	uint64_t now;
};

/* shard_path - DIR/milter-shard-NNN.state */
static int shard_path(char *buf, size_t len, const char *dir, unsigned i)
{
	return (size_t)snprintf(buf, len, "%s/milter-shard-%03u.state", dir,
				i) < len ? 0 : -1;
}

/* save_shard - mstate_with_shard callback */
static int save_shard(struct mailthr *m, void *ctx)
{
	return mailthr_save(m, ((struct io *)ctx)->fp);
}

/* write_shard - atomicfile_write callback: one shard */
static int write_shard(FILE *fp, void *ctx)
{
	struct io *io = ctx;

	io->fp = fp;
	return mstate_with_shard(io->s, io->shard, save_shard, io);
}

/* msnap_save - shards first, the seed last */
int msnap_save(struct mstate *s, const char *dir)
{
	struct io io = { .s = s };
	char path[4096];
	uint8_t seed[16];

	for (io.shard = 0; io.shard < mstate_shards(s); io.shard++)
		if (shard_path(path, sizeof(path), dir, io.shard) < 0 ||
		    atomicfile_write(path, 0600, write_shard, &io) < 0)
			return -1;
	mstate_seed(s, seed);
	return mailseed_save(dir, SEED_FILE, mstate_shards(s), seed);
}

/* msnap_seed - the saved seed, if it is for this shard count */
int msnap_seed(const char *dir, unsigned shards, uint8_t seed[16])
{
	return mailseed_load(dir, SEED_FILE, shards, seed);
}

/* load_shard - mstate_with_shard callback */
static int load_shard(struct mailthr *m, void *ctx)
{
	struct io *io = ctx;

	return mailthr_load(m, io->fp, io->now);
}

/* load_file - atomicfile_load_fn: one shard's file into its shard */
static int load_file(FILE *fp, void *ctx)
{
	struct io *io = ctx;

	io->fp = fp;
	return mstate_with_shard(io->s, io->shard, load_shard, io);
}

/* msnap_load - every shard file on its own (atomicfile_load: a damaged
   one is moved aside and named through warn); a missing one is an
   empty shard */
int msnap_load(struct mstate *s, const char *dir, uint64_t now,
	       void (*warn)(const char *why))
{
	char path[4096], why[4096 + 256];
	struct io io = { .s = s, .now = now };
	int bad = 0;

	for (io.shard = 0; io.shard < mstate_shards(s); io.shard++) {
		if (shard_path(path, sizeof(path), dir, io.shard) < 0)
			return -1;
		if (atomicfile_load(path, load_file, &io, why, sizeof(why)) < 0) {
			warn(why);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}
