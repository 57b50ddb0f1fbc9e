/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_goat - goat files: bait in shared folders, watched for change
 * SYNOPSIS
 *	#include "capture/cap_goat.h"
 * DESCRIPTION
 *	A worm that spreads through file shares (Samba, NFS) writes to
 *	what it finds there; nobody legitimate touches a bait file.
 *	cap_goat_open() places CAP_GOAT_BAITS bait files with plausible
 *	names and contents in each folder, never over a file that is
 *	there, and records their SHA-256 in a state file (one line each,
 *	"HASH PATH", "-" for a file that is gone), so a change while
 *	sluiced was down is found too. Any change, rename or deletion is
 *	seen by inotify at once (cap_goat_read), and by a sweep that
 *	hashes every bait at open and every sweep interval
 *	(cap_goat_tick), which also catches what inotify misses: writes
 *	through mmap, events lost to a queue overflow. Each change writes
 *	an event "goat" with the path, the old and the new SHA-256 ("" for
 *	a file that is gone) and what saw it (inotify, sweep, start).
 */
#ifndef SLUICE_CAP_GOAT_H
#define SLUICE_CAP_GOAT_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"

#define CAP_GOAT_DIRS 16	/* folders watched */
#define CAP_GOAT_BAITS 3	/* bait files per folder */

typedef void cap_goat_event_fn(void *ctx, const struct event *ev);

struct cap_goat;

/* cap_goat_open - bait in each of dirs (NULL-terminated, each must
   exist), state in state_file (NULL: none kept), the start sweep
   done; NULL with the reason in err */
struct cap_goat *cap_goat_open(char *const *dirs, const char *state_file,
			       uint64_t sweep_ns, uint64_t now_ns,
			       cap_goat_event_fn *fn, void *ctx, char *err,
			       size_t errlen);
/* cap_goat_close - accepts NULL; the bait files stay */
void cap_goat_close(struct cap_goat *g);
/* cap_goat_fd - the inotify descriptor, for epoll */
int cap_goat_fd(const struct cap_goat *g);
/* cap_goat_read - the inotify events waiting */
void cap_goat_read(struct cap_goat *g);
/* cap_goat_tick - the sweep, when due */
void cap_goat_tick(struct cap_goat *g, uint64_t now_ns);
/* cap_goat_changes - changes reported since open */
uint64_t cap_goat_changes(const struct cap_goat *g);

#endif
