/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_store - payload samples, stored once each under their SHA-256
 * SYNOPSIS
 *	#include "capture/cap_store.h"
 * DESCRIPTION
 *	A sample is the first bytes a client sent to a dark address. It is
 *	written to DIR/<sha256 hex> (mode 0600: it may hold a worm, or a
 *	victim's data) through a temporary file and rename(2), so a reader
 *	never sees half a sample, and the same bytes sent a thousand times
 *	are stored once. The store counts the bytes it holds against a cap
 *	(counted at open from what is there, so a restart keeps the cap);
 *	past the cap nothing more is written, and cap_store_put says so.
 *	cap_store_sweep() removes samples older than the maximum age by
 *	their modification time and recounts. GLib's GChecksum hashes.
 */
#ifndef SLUICE_CAP_STORE_H
#define SLUICE_CAP_STORE_H

#include <stddef.h>
#include <stdint.h>

#define CAP_STORE_HEX 65	/* SHA-256 in hex with its NUL */

enum cap_store_result {
	CAP_STORE_NEW,		/* written now */
	CAP_STORE_KNOWN,	/* already there */
	CAP_STORE_FULL,		/* not written: the cap is reached */
	CAP_STORE_ERROR,	/* not written: errno says why */
};

struct cap_store_stats {
	uint64_t samples, bytes;	/* held now */
	uint64_t written, known, refused, errors;	/* since open */
};

struct cap_store;

/* cap_store_open - dir must exist (it is not created); NULL with errno */
struct cap_store *cap_store_open(const char *dir, uint64_t cap_bytes,
				 uint64_t max_age_s);
/* cap_store_close - accepts NULL */
void cap_store_close(struct cap_store *st);
/* cap_store_hash - hex SHA-256 of len bytes at p */
void cap_store_hash(const void *p, size_t len, char hex[CAP_STORE_HEX]);
/* cap_store_put - store len bytes at p; hex gets their hash */
enum cap_store_result cap_store_put(struct cap_store *st, const void *p,
				    size_t len, char hex[CAP_STORE_HEX]);
/* cap_store_sweep - remove samples older than max_age at wall time now
   (seconds); returns how many went */
unsigned cap_store_sweep(struct cap_store *st, int64_t now_s);
/* cap_store_stats - counters */
void cap_store_stats(const struct cap_store *st, struct cap_store_stats *out);

#endif
