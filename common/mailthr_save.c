/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailthr_save - the mail throttle's state to and from a file
 * SYNOPSIS
 *	#include "mailthr.h"
 *
 *	int mailthr_save(const struct mailthr *m, FILE *fp);
 *	int mailthr_load(struct mailthr *m, FILE *fp, uint64_t now);
 * DESCRIPTION
 *	Version 2, little-endian:
 *
 *	    "SLMAILT\n", u32 version (2), u32 0, u64 length of the
 *	    throttle's part; the throttle's part (throttle_save); the
 *	    lockouts (maillock_save: lockout_min and honeytoken locks with
 *	    their remaining times); u64 SipHash-2-4 of everything before,
 *	    under a fixed key.
 *
 *	Version 1 was the throttle's part alone (it starts "SLTHRST\n"):
 *	it still loads, with no lockouts of ours. Honeytoken lockouts were
 *	lost on every restart before version 2.
 *
 *	The loader reads the whole file (bounded), checks the checksum and
 *	every length before touching the state, and leaves the state empty
 *	if any part is refused, so a damaged file is never half-loaded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "mailthr_int.h"
#include "siphash.h"

#define MS_MAGIC	"SLMAILT\n"
#define MS_V1_MAGIC	"SLTHRST\n"
#define MS_VERSION	2
#define MS_HEAD		(8 + 4 + 4 + 8)

static const uint8_t ms_key[16] = "sluice-mailthr-2";

/* ms_le - n bytes of v, little-endian, to fp */
static int ms_le(FILE *fp, uint64_t v, size_t n)
{
	unsigned char b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return fwrite(b, 1, n, fp) == n ? 0 : -1;
}

/* ms_get - n little-endian bytes */
static uint64_t ms_get(const unsigned char *b, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | b[n];
	return v;
}

/* ms_body - everything the checksum covers, into a memory stream */
static int ms_body(const struct mailthr *m, char **buf, size_t *len)
{
	char *thr = NULL;
	size_t tlen = 0;
	FILE *fp;
	int r = -1;

	if ((fp = open_memstream(&thr, &tlen)) == NULL)
		return -1;
	if (throttle_save(m->thr, fp) == 0 && fclose(fp) == 0)
		r = 0;
	else if (thr == NULL)
		return -1;
	if (r == 0 && (fp = open_memstream(buf, len)) != NULL) {
		if (fwrite(MS_MAGIC, 1, 8, fp) != 8 ||
		    ms_le(fp, MS_VERSION, 4) < 0 || ms_le(fp, 0, 4) < 0 ||
		    ms_le(fp, tlen, 8) < 0 || fwrite(thr, 1, tlen, fp) != tlen ||
		    maillock_save(m->locks, fp, m->now) < 0)
			r = -1;
		if (fclose(fp) != 0)
			r = -1;
	} else {
		r = -1;
	}
	free(thr);
	return r;
}

/* mailthr_save - state across restarts */
int mailthr_save(const struct mailthr *m, FILE *fp)
{
	char *buf = NULL;
	size_t len = 0;
	int r = -1;

	if (ms_body(m, &buf, &len) == 0 &&
	    fwrite(buf, 1, len, fp) == len &&
	    ms_le(fp, siphash_24(ms_key, buf, len), 8) == 0 &&
	    fflush(fp) == 0)
		r = 0;
	free(buf);
	if (r < 0 && errno == 0)
		errno = EIO;
	return r;
}

/* ms_throttle - load the throttle's part from memory */
static int ms_throttle(struct mailthr *m, const unsigned char *p, size_t n,
		       uint64_t now)
{
	FILE *fp = fmemopen((void *)p, n, "r");
	int r;

	if (fp == NULL)
		return -1;
	r = throttle_load(m->thr, fp, now);
	fclose(fp);
	return r;
}

/* ms_v2 - a version 2 file, checksum already checked; the lockouts
   first, since only the throttle's load undoes itself on failure */
static int ms_v2(struct mailthr *m, const unsigned char *b, size_t len,
		 uint64_t now)
{
	uint64_t tlen;
	long used;

	if (len < MS_HEAD || ms_get(b + 8, 4) != MS_VERSION ||
	    ms_get(b + 12, 4) != 0 || (tlen = ms_get(b + 16, 8)) >
	    len - MS_HEAD)
		goto bad;
	used = maillock_load(m->locks, b + MS_HEAD + tlen,
			     len - MS_HEAD - (size_t)tlen, now);
	if (used < 0 || (size_t)used != len - MS_HEAD - tlen ||
	    ms_throttle(m, b + MS_HEAD, (size_t)tlen, now) < 0) {
		maillock_expire(m->locks, UINT64_MAX, NULL, NULL);
		goto bad;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* mailthr_load - restore a saved state (version 1 or 2) */
int mailthr_load(struct mailthr *m, FILE *fp, uint64_t now)
{
	size_t limit = 4 * m->p.thr.mem_cap + 2 * LOCK_TAB_BYTES + 4096, len;
	unsigned char *b = atomicfile_read(fp, limit, &len);
	int r = -1;

	if (b == NULL)
		return -1;
	if (now > m->now)
		m->now = now;
	if (len >= 8 && memcmp(b, MS_V1_MAGIC, 8) == 0) {
		r = ms_throttle(m, b, len, now);
	} else if (len >= MS_HEAD + 8 && memcmp(b, MS_MAGIC, 8) == 0 &&
		   siphash_24(ms_key, b, len - 8) == ms_get(b + len - 8, 8)) {
		r = ms_v2(m, b, len - 8, now);
	} else {
		errno = EINVAL;
	}
	free(b);
	return r;
}
