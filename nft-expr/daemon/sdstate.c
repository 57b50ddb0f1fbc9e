/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdstate - sluiced's throttle state across restarts
 * SYNOPSIS
 *	#include "daemon/sdstate.h"
 * DESCRIPTION
 *	At start the file is read whole and checked (vdsave_seed) before
 *	the engine is made: the engine gets the file's seed, so the saved
 *	tags and keys mean what they meant, and then the state. A file
 *	that is torn, damaged or not ours is refused with its name and the
 *	reason, moved aside to PATH.corrupt-STAMP for the operator
 *	(atomicfile_load, the rule of every snapshot), and the engine
 *	starts empty with a new seed. A snapshot while running is written by a forked
 *	child from its copy-on-write image of the state, so the loop only
 *	waits for the fork (writing a million hosts takes seconds, forking
 *	milliseconds: sluiced(8)); one child at a time, reaped by the tick,
 *	whose exit status says whether the file was written. The snapshot
 *	at stop waits for a running child first (its older file must not
 *	land after ours) and writes in the process itself. An empty
 *	state_dir turns this off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicfile.h"
#include "clock.h"
#include "daemon.h"
#include "capture/capture.h"
#include "daemon/sdconf.h"
#include "daemon/sdstate.h"
#include "daemon/sdqueues.h"
#include "daemon/sluiced.h"
#include "queue/nfqueue.h"
#include "verdict/vdsave.h"
#include "verdict/vdsetup.h"

#define PATHLEN 4096
#define ERRLEN 512

struct save_ctx {
	const struct sluiced *s;
	uint64_t now;
};

/* state_path - state_dir/sluiced.state in buf; NULL if turned off */
static const char *state_path(const struct sluiced *s, char *buf, size_t len)
{
	const char *dir = s->conf->core.state_dir;

	if (dir == NULL || *dir == '\0')
		return NULL;
	if ((size_t)snprintf(buf, len, "%s/%s", dir, SDSTATE_NAME) >= len)
		return NULL;
	return buf;
}

/* engine_new - the engine with seed, or a random one if seed is NULL */
static void engine_new(struct sluiced *s, const struct verdict_ops *ops,
		       const uint8_t *seed)
{
	uint8_t rnd[16];
	char err[ERRLEN];

	if (seed == NULL) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			daemon_die(1, "getrandom: %s", strerror(errno));
		seed = rnd;
	}
	if ((s->v = vdsetup_create(s->conf, ops, s, seed, err, sizeof(err)))
	    == NULL)
		daemon_die(1, "%s", err);
}

struct load_ctx {
	struct sluiced *s;
	const struct verdict_ops *ops;
	const char *why;		/* vdsave's reason for a refusal */
	struct vdsave_info in;
};

/* load_fn - atomicfile_load_fn: check the whole file, make the engine
   with its seed, load; -1 EINVAL (no engine left) if refused */
static int load_fn(FILE *fp, void *ctx)
{
	struct load_ctx *c = ctx;
	size_t len, limit = 4 * (size_t)c->s->conf->mem_cap + (1 << 20);
	unsigned char *b = atomicfile_read(fp, limit, &len);
	uint8_t seed[16];
	int r = -1;

	if (b == NULL)
		return -1;
	if (vdsave_seed(b, len, seed, &c->why) == 0) {
		engine_new(c->s, c->ops, seed);
		r = vdsave_load(c->s->v, b, len, sl_monotonic_ns(), &c->in,
				&c->why);
		if (r < 0) {
			vdsetup_free(c->s->v);	/* its stand-ins answer nothing */
			c->s->v = NULL;
		}
	}
	free(b);
	errno = r < 0 ? EINVAL : 0;
	return r;
}

/* sdstate_engine - the engine, with the saved state if there is one */
void sdstate_engine(struct sluiced *s, const struct verdict_ops *ops)
{
	char buf[PATHLEN], why[PATHLEN + ERRLEN];
	const char *path = state_path(s, buf, sizeof(buf));
	struct load_ctx c = { s, ops, NULL, { 0 } };
	int r = 0;

	s->state_next = sl_monotonic_ns() + s->conf->snapshot_ns;
	if (path != NULL)
		r = atomicfile_load(path, load_fn, &c, why, sizeof(why));
	if (r > 0)
		daemon_log(LOG_INFO, "throttle state restored from %s: %zu "
			   "host(s), %zu queued (as stand-ins), %zu locked, "
			   "%zu credit host(s), %zu zone(s) skipped", path,
			   c.in.hosts, c.in.held, c.in.locked, c.in.credit_hosts,
			   c.in.zones_skipped);
	else if (r < 0)
		daemon_log(LOG_ERR, "%s: throttle state refused (%s), starting "
			   "empty", why, c.why ? c.why : "unreadable");
	if (s->v == NULL)
		engine_new(s, ops, NULL);
}

/* write_state - atomicfile_fn */
static int write_state(FILE *fp, void *ctx)
{
	struct save_ctx *c = ctx;

	return vdsave_write(c->s->v, fp, c->now);
}

/* sdstate_save - write the state now */
void sdstate_save(struct sluiced *s)
{
	char buf[PATHLEN];
	const char *path = state_path(s, buf, sizeof(buf));
	struct save_ctx c = { s, sl_monotonic_ns() };

	if (path == NULL || s->v == NULL)
		return;
	if (atomicfile_write(path, 0600, write_state, &c) < 0) {
		if (!s->state_failing)
			daemon_log(LOG_WARNING, "cannot save the throttle state "
				   "to %s: %s; it will not survive a restart",
				   path, strerror(errno));
		s->state_failing = 1;
		return;
	}
	if (s->state_failing)
		daemon_log(LOG_INFO, "throttle state saved to %s again", path);
	s->state_failing = 0;
}

/* reap - the snapshot child, if it has exited: its status says
   whether the save failed (it logged why) */
static void reap(struct sluiced *s)
{
	int st;

	if (s->state_child <= 0
	    || waitpid(s->state_child, &st, WNOHANG) != s->state_child)
		return;
	s->state_child = 0;
	s->state_failing = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
}

/* sdstate_stop - the snapshot at stop, after a running child's; one
   not done within 10 s is killed and its temporary file removed (with
   several queues sluiced has threads, and a fork of a threaded process
   can leave the child stuck on a lock) */
void sdstate_stop(struct sluiced *s)
{
	int st = 0, r;

	if (s->state_child > 0) {
		r = daemon_child_end(s->state_child, 10, &st);
		if (r == 0)
			s->state_failing = !WIFEXITED(st) || WEXITSTATUS(st);
		if (r == 1) {
			daemon_log(LOG_WARNING, "snapshot child %d still "
				   "running after 10 s at stop: killed",
				   (int)s->state_child);
			if (s->conf->core.state_dir)
				(void)atomicfile_forget(
					s->conf->core.state_dir,
					s->state_child);
		}
	}
	s->state_child = 0;
	sdstate_save(s);
}

/* sdstate_tick - once a second: a snapshot when it is due, written by
   a child (in the process itself if fork fails) */
void sdstate_tick(struct sluiced *s, uint64_t now)
{
	pid_t pid;

	reap(s);
	if (now < s->state_next || s->state_child > 0)
		return;
	s->state_next = now + s->conf->snapshot_ns;
	if ((pid = fork()) == 0) {
		/* a killed parent's queues must not stay bound to us */
		close(nfqueue_fd(s->q));
		sdqueues_close_fds(s->mq);
		if (s->cap != NULL)
			close(capture_fd(s->cap));
		sdstate_save(s);
		_exit(s->state_failing);
	}
	if (pid < 0)
		sdstate_save(s);
	else
		s->state_child = pid;
}
