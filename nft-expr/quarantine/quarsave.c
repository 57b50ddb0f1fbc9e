/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quarsave - sluiced's quarantines across restarts (quarfile on disk)
 * SYNOPSIS
 *	#include "quarantine/quarsave.h"
 * DESCRIPTION
 *	At start the quarantines saved in [core] state_dir are put back
 *	with the time they had left; while running, the file is written
 *	again within a second of any quarantine starting, ending or being
 *	lifted, so even a killed sluiced (whose table the next start
 *	replaces) loses at most a second of them; and once more at stop.
 *	An empty state_dir turns this off. A file that cannot be written
 *	is logged once until it can be again.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "clock.h"
#include "daemon.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "quarantine/quar.h"
#include "quarantine/quarbatch.h"
#include "quarantine/quarfile.h"
#include "quarantine/quarsave.h"
#include "verdict/verdict.h"

#define PATHLEN 4096
#define QUAR_EVENTS 1000	/* restored quarantines with an event each */

struct restore_ctx {
	struct sluiced *s;
	const char *path;
	uint64_t now;
	size_t restored, skipped;
	size_t damaged;		/* lines skipped as wrong */
};

struct collect_ctx {
	struct quarfile_entry *e;
	size_t n, max;
};

/* quar_path - state_dir/sluiced.quarantine in buf; NULL if turned off */
static const char *quar_path(const struct sluiced *s, char *buf, size_t len)
{
	const char *dir = s->conf->core.state_dir;

	if (dir == NULL || *dir == '\0')
		return NULL;
	if ((size_t)snprintf(buf, len, "%s/%s", dir, QUARFILE_NAME) >= len)
		return NULL;
	return buf;
}

/* quar_gen - changes whenever a quarantine starts, ends or is lifted;
   *n (may be NULL) gets the number running */
static uint64_t quar_gen(const struct sluiced *s, size_t *n)
{
	struct verdict_stats st;

	verdict_stats(s->v, &st);
	if (n != NULL)
		*n = st.quarantined;
	return st.quarantines + st.expired + st.releases;
}

/* restore_one - quarfile_fn: put one quarantine back */
static void restore_one(void *ctx, const struct sl_addr *a, uint64_t left_ns)
{
	struct restore_ctx *r = ctx;
	char buf[ADDR_STRLEN];

	/* an event each for the first QUAR_EVENTS: 100,000 events (a line
	   each in the file and syslog) took a second of the restart */
	if (quar_addr_for(r->s->v, a, left_ns, r->restored < QUAR_EVENTS
			  ? "restored" : NULL, r->now) < 0) {
		r->skipped++;
		daemon_log(LOG_WARNING, "%s: %s is whitelisted now: not "
			   "quarantined again", r->path, addr_format(a, buf));
	} else
		r->restored++;
}

/* restore_warn - quarfile_warn_fn: a line that was skipped */
static void restore_warn(void *ctx, size_t line, const char *why)
{
	struct restore_ctx *r = ctx;

	r->damaged++;
	daemon_log(LOG_WARNING, "%s:%zu: %s: line skipped", r->path, line, why);
}

/* state_dir_make - the state directory, made if missing (0700, owned by
   [sluiced] user, who writes it once sluiced has dropped root) */
static void state_dir_make(const struct sluiced *s)
{
	const char *dir = s->conf->core.state_dir;
	struct passwd *pw;

	if (mkdir(dir, 0700) < 0)
		return;		/* there already, or logged when saving */
	if (s->conf->user != NULL && (pw = getpwnam(s->conf->user)) != NULL
	    && chown(dir, pw->pw_uid, pw->pw_gid) < 0)
		daemon_log(LOG_WARNING, "state_dir %s: chown to %s: %s", dir,
			   s->conf->user, strerror(errno));
}

/* quarsave_restore - the saved quarantines back in force */
void quarsave_restore(struct sluiced *s)
{
	char buf[PATHLEN];
	struct restore_ctx r = { s, quar_path(s, buf, sizeof(buf)),
				 sl_monotonic_ns(), 0, 0, 0 };
	uint64_t t0 = r.now;
	char to[PATHLEN + 64];
	long n;

	if (r.path == NULL)
		return;
	state_dir_make(s);
	/* what was put back counts, not what was read */
	if ((n = quarfile_read(r.path, time(NULL), restore_one, restore_warn,
			       &r)) < 0)
		daemon_log(LOG_WARNING, "%s: %s: no quarantine restored",
			   r.path, strerror(errno));
	if (n >= 0 && r.skipped > 0)
		daemon_log(LOG_INFO, "quarantines from %s: %zu restored, %zu "
			   "skipped (whitelisted)", r.path, r.restored, r.skipped);
	/* into the kernel now, in one transaction, not at the loop's turn */
	quarsave_flush(s);
	if (n >= 0 && r.skipped == 0 && r.restored > 0)
		daemon_log(LOG_INFO, "%zu quarantine(s) restored from %s in %llu ms "
			   "(read, engine and kernel set; an event each for the "
			   "first %d)", r.restored, r.path,
			   (unsigned long long)((sl_monotonic_ns() - t0) / 1000000),
			   QUAR_EVENTS);
	/* kept for the operator: the next save would overwrite it */
	if (r.damaged > 0 && atomicfile_aside(r.path, to, sizeof(to)) == 0)
		daemon_log(LOG_WARNING, "%s: damaged (%zu line(s) skipped, the "
			   "rest restored): moved aside to %s", r.path, r.damaged,
			   to);
	else if (r.damaged > 0)
		daemon_log(LOG_WARNING, "%s: damaged, and could not be moved "
			   "aside: %s", r.path, strerror(errno));
	s->quar_gen = quar_gen(s, NULL);
}

/* collect_one - quar_fn: one running quarantine */
static void collect_one(void *ctx, const struct sl_addr *a, uint64_t left_ns)
{
	struct collect_ctx *c = ctx;

	if (c->n < c->max) {
		c->e[c->n].addr = *a;
		c->e[c->n].left_ns = left_ns;
		c->n++;
	}
}

/* quarsave_save - write the running quarantines now */
void quarsave_save(struct sluiced *s)
{
	struct collect_ctx c = { NULL, 0, 0 };
	char buf[PATHLEN];
	const char *path = quar_path(s, buf, sizeof(buf));
	uint64_t gen = quar_gen(s, &c.max);

	if (path == NULL)
		return;
	if (c.max > 0 && (c.e = calloc(c.max, sizeof(*c.e))) == NULL)
		c.max = 0;
	quar_each(s->v, sl_monotonic_ns(), collect_one, &c);
	if (quarfile_write(path, c.e, c.n, time(NULL)) < 0) {
		if (!s->quar_failing)
			daemon_log(LOG_WARNING, "cannot save the quarantines "
				   "to %s: %s; they will not survive a restart",
				   path, strerror(errno));
		s->quar_failing = 1;
	} else {
		if (s->quar_failing)
			daemon_log(LOG_INFO, "quarantines saved to %s again",
				   path);
		s->quar_failing = 0;
		s->quar_gen = gen;
	}
	free(c.e);
}

/* quarsave_tick - once a second: save if a quarantine changed, or if the
   last save failed */
void quarsave_tick(struct sluiced *s)
{
	if (s->quar_failing || quar_gen(s, NULL) != s->quar_gen)
		quarsave_save(s);
}

/* quarsave_flush - the quarantine set additions noted since the last
   flush (quarbatch), in one transaction */
void quarsave_flush(struct sluiced *s)
{
	char err[512];
	size_t failed;

	if (s->nft == NULL || s->qb == NULL || quarbatch_pending(s->qb) == 0)
		return;
	if ((failed = quarbatch_flush(s->qb, s->nft, err, sizeof(err))) > 0) {
		s->set_errors += failed;
		daemon_log(LOG_ERR, "%zu quarantine element(s) not written: %s",
			   failed, err);
	}
}
