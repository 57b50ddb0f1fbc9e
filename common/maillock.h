/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	maillock - timed lockouts of mail identities
 * SYNOPSIS
 *	#include "maillock.h"
 * DESCRIPTION
 *	The throttle's own lockout ends as soon as the delay queue drains
 *	below the low watermark, 26 s after it began with the defaults: a
 *	serial mass mailer would still get about 3,600 new recipients an
 *	hour. A maillock keeps an identity locked until a time of its own:
 *	lockout_min after a throttle lockout, honeytoken_ttl after a
 *	honeytoken. Only the time passing or an operator lifts it.
 *
 *	The table is bounded (cap_bytes; the least recently touched lock
 *	is forgotten first) and keyed with the caller's seed. Each entry
 *	remembers why it was set. maillock_save() writes the remaining
 *	times (time spent stopped does not count: a lock resumes where it
 *	was) and maillock_load() reads them back, refusing anything that
 *	does not make sense.
 */
#ifndef SLUICE_MAILLOCK_H
#define SLUICE_MAILLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mailaddr.h"

enum maillock_why { MAILLOCK_LOCKOUT = 1, MAILLOCK_HONEYTOKEN = 2 };

struct maillock;

/* maillock_create - NULL with errno */
struct maillock *maillock_create(size_t cap_bytes, const uint8_t seed[16]);
/* maillock_free - accepts NULL */
void maillock_free(struct maillock *l);
/* maillock_set - lock identity until (a later lock keeps its time);
   -1 with errno when the key is too long or there is no memory */
int maillock_set(struct maillock *l, const char *identity, uint64_t until,
		 enum maillock_why why);
/* maillock_live - 1 (and *why, if not NULL) while identity is locked
   at now; 0 once its time is over (maillock_expire forgets it) */
int maillock_live(const struct maillock *l, const char *identity, uint64_t now,
		  enum maillock_why *why);
/* maillock_del - operator: lift a lock; 0, or -1 if there was none */
int maillock_del(struct maillock *l, const char *identity);
/* maillock_expire - forget every lock over at now, each passed to fn
   first; returns how many */
size_t maillock_expire(struct maillock *l, uint64_t now,
		       void (*fn)(void *ctx, const char *identity), void *ctx);
/* maillock_walk - every lock; fn returns non-zero to stop */
void maillock_walk(const struct maillock *l,
		   int (*fn)(void *ctx, const char *identity, uint64_t until,
			     enum maillock_why why), void *ctx);
/* maillock_count - locks held (expired ones not yet forgotten included) */
size_t maillock_count(const struct maillock *l);
/* maillock_save - u64 count, then per lock the NUL-padded identity
   (MAILADDR_IDENT_MAX bytes), u8 why, 7 zero bytes, u64 ns remaining at
   now (little-endian); 0, or -1 with errno */
int maillock_save(const struct maillock *l, FILE *fp, uint64_t now);
/* maillock_load - read what maillock_save wrote from buf into an empty
   table, times rebased to now; the bytes used, or -1 EINVAL */
long maillock_load(struct maillock *l, const unsigned char *buf, size_t len,
		   uint64_t now);

#endif
