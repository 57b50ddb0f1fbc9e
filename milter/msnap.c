/*
 * NAME
 *	msnap - sluice-milter's throttle state across restarts
 * DESCRIPTION
 *	See msnap.h. The seed file is one line: "sluice-milter SHARDS
 *	HEXSEED".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
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

/* write_seed - atomicfile_write callback: the seed line */
static int write_seed(FILE *fp, void *ctx)
{
	struct mstate *s = ctx;
	uint8_t seed[16];
	unsigned i;

	mstate_seed(s, seed);
	fprintf(fp, "sluice-milter %u ", mstate_shards(s));
	for (i = 0; i < sizeof(seed); i++)
		fprintf(fp, "%02x", seed[i]);
	return fprintf(fp, "\n") < 0 ? -1 : 0;
}

/* msnap_save - shards first, the seed last */
int msnap_save(struct mstate *s, const char *dir)
{
	struct io io = { .s = s };
	char path[4096];

	for (io.shard = 0; io.shard < mstate_shards(s); io.shard++)
		if (shard_path(path, sizeof(path), dir, io.shard) < 0 ||
		    atomicfile_write(path, 0666, write_shard, &io) < 0)
			return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, SEED_FILE);
	return atomicfile_write(path, 0666, write_seed, s);
}

/* hex_seed - 32 hex digits into 16 bytes; 0 or -1 */
static int hex_seed(const char *hex, uint8_t seed[16])
{
	unsigned i, b;

	if (strlen(hex) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		seed[i] = (uint8_t)b;
	}
	return 0;
}

/* msnap_seed - the saved seed, if it is for this shard count */
int msnap_seed(const char *dir, unsigned shards, uint8_t seed[16])
{
	char path[4096], hex[40];
	unsigned n;
	FILE *fp;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, SEED_FILE);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	r = fscanf(fp, "sluice-milter %u %39s", &n, hex);
	fclose(fp);
	if (r != 2 || hex_seed(hex, seed) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (n != shards) {
		errno = ESTALE;
		return -1;
	}
	return 0;
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
