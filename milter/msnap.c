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
		    atomicfile_write(path, 0666, write_shard, &io) < 0)
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

/* msnap_load - every shard file; a missing one is an empty shard */
int msnap_load(struct mstate *s, const char *dir, uint64_t now)
{
	char path[4096];
	struct io io = { .now = now };
	unsigned i;
	int r;

	for (i = 0; i < mstate_shards(s); i++) {
		if (shard_path(path, sizeof(path), dir, i) < 0)
			return -1;
		if ((io.fp = fopen(path, "r")) == NULL) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		r = mstate_with_shard(s, i, load_shard, &io);
		fclose(io.fp);
		if (r < 0)
			return -1;
	}
	return 0;
}
