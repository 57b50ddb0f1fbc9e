/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluice-milter - the mail throttle and honeytoken capture as a milter
 * SYNOPSIS
 *	sluice-milter [-c FILE] [-f] [-n] [-V] [-h]
 * DESCRIPTION
 *	Start-up, threads and signals; the filter itself is mfilter(3),
 *	the shared state mstate(3). Threads:
 *
 *	main	waits for SIGHUP (reload) and for libmilter to stop.
 *	milter	runs smfi_main(); libmilter adds its own signal thread
 *		and one thread per SMTP session.
 *	ticker	releases delay-queue entries when they are due, and
 *		starts the periodic snapshot.
 *
 *	The periodic snapshot is written by a forked child from its
 *	copy-on-write image of the state (sluice-policyd's and sluiced's
 *	way): the shards are locked only for the fork, so no session
 *	waits while a big table is written and the ticker goes on
 *	releasing (written in place, a 34 MB state held each shard's
 *	sessions for its part and every release for the whole). One child
 *	at a time; a period is skipped while one runs. The child has only
 *	the forking thread: it reads the state, writes the files, never
 *	logs (syslog's lock may be another thread's) nor calls Redis, and
 *	leaves by _exit with errno as its status, which the ticker logs;
 *	it closes every inherited descriptor first (a child outliving a
 *	killed parent held the milter's port, and the restart failed).
 *	An alarm ends a child stuck for SNAP_CHILD_MAX seconds. The
 *	snapshot at stop waits for a running child (SNAP_STOP_WAIT at
 *	most, then kills it), then writes in the process.
 *
 *	libmilter's signal thread takes SIGHUP, SIGTERM and SIGINT with
 *	sigwait() and stops on any of them, which would turn a reload
 *	into a stop. So the main thread keeps SIGHUP unblocked, with a
 *	handler, while every other thread blocks it: Linux hands a
 *	process-directed signal to the thread-group leader when that
 *	thread does not block it, so SIGHUP reaches our handler, and
 *	SIGTERM and SIGINT reach libmilter, which stops cleanly.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include <glib.h>

#include "atomicfile.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "mailev.h"
#include "mailpriv.h"
#include "mailrelease.h"
#include "mailshare.h"
#include "mconf.h"
#include "mfilter.h"
#include "msnap.h"
#include "mctl.h"
#include "mstate.h"
#include "privdrop.h"

#define PROG "sluice-milter"
#define SNAP_CHILD_MAX 600		/* s: a snapshot child's alarm */
#define SNAP_STOP_WAIT 10		/* s: for a running child at stop */

static struct {
	const char *config;
	struct mstate *state;
	struct mconf *conf;		/* the running configuration */
	int pipe[2];			/* 'H' reload, 'S'/'F' libmilter ended */
	pthread_mutex_t mu;		/* ticker wake-up */
	pthread_cond_t cv;
	int kicked, stopping;
	struct mailrelease *release;	/* postsuper -H for hold mode */
	struct mailpriv *priv;		/* root's release helper, or NULL */
	struct privdrop_id id;		/* [milter] user */
	int drop;			/* root now, to become id */
	uint64_t next_snapshot;		/* ticker: when to save the state */
	char *snap_dir;			/* [core] state_dir at start */
	uint64_t snap_every;		/* snapshot_interval at start */
	pid_t snap_child;		/* writing the snapshot, or 0 */
	int snap_skip_said, snap_fail_said;
	pthread_t ticker;		/* joined at stop */
	struct mctl *ctl;		/* operator socket, or NULL */
	struct mailev *events;		/* the event log */
	struct mailshare *share;	/* [core] redis, or NULL */
} m = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* kick - a new wait started: let the ticker recompute its deadline */
static void kick(void)
{
	pthread_mutex_lock(&m.mu);
	m.kicked = 1;
	pthread_cond_signal(&m.cv);
	pthread_mutex_unlock(&m.mu);
}

/* due - one held message may leave the hold queue */
static void due(void *ctx, const char *qid)
{
	(void)ctx;
	if (mailpriv_queue(m.priv, m.release, qid) < 0)
		daemon_log(LOG_WARNING, "cannot release %s: not a queue id "
			   "or postsuper: %m", qid);
}

/* snap_done - the snapshot's child ended with wait status st */
static void snap_done(int st)
{
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;

	m.snap_child = 0;
	if (code == 0) {
		m.snap_fail_said = 0;
		return;
	}
	if (!m.snap_fail_said)
		daemon_log(LOG_WARNING, "state snapshot in %s: %s (said once "
			   "until one succeeds)", m.snap_dir, code > 0 ?
			   strerror(code) : "the child was killed");
	m.snap_fail_said = 1;
}

/* snap_claim - mailrelease_claim_fn: the snapshot's child is ours,
   the release helper mailpriv's */
static int snap_claim(void *ctx, pid_t pid, int st)
{
	(void)ctx;
	if (m.snap_child <= 0 || pid != m.snap_child)
		return mailpriv_reap(m.priv, pid, st);
	snap_done(st);
	return 1;
}

/* release - hand the due queue ids to postsuper (through the release
   helper once root is given up), collect the outcomes; a dead helper
   is said at once */
static void release(void)
{
	size_t n = mstate_due(m.state, due, NULL);
	char why[128];
	int failed;

	mfilter_released((unsigned)n);
	if (n > 0 && mailpriv_release(m.priv, m.release) < 0 &&
	    errno != EAGAIN)
		daemon_log(LOG_ERR, "postsuper: %m");
	failed = mailrelease_reap_with(m.release, snap_claim, NULL);
	if (m.priv)
		failed += mailpriv_replies(m.priv);
	if (failed > 0)
		daemon_log(LOG_WARNING, "postsuper failed to release a "
			   "message");
	if (mailpriv_lost(m.priv, why, sizeof(why)))
		daemon_log(LOG_ERR, "the privileged release helper died (%s): "
			   "held mail is not released until sluice-milter "
			   "restarts", why);
}

/* snapshot - save the throttle state to [core] state_dir (the ticker,
   or the main thread once the ticker is gone) */
static void snapshot(void)
{
	if (m.snap_dir && msnap_save(m.state, m.snap_dir) < 0)
		daemon_log(LOG_WARNING, "state snapshot in %s: %m", m.snap_dir);
}

/* snapshot_periodic - the snapshot written by a child (in the process
   if fork fails); skipped while the last one is still written */
static void snapshot_periodic(void)
{
	pid_t pid;

	if (m.snap_dir == NULL)
		return;
	if (m.snap_child > 0) {
		if (!m.snap_skip_said)
			daemon_log(LOG_WARNING, "snapshot skipped: the last "
				   "one is still being written (said once; "
				   "snapshot_interval may be too short)");
		m.snap_skip_said = 1;
		return;
	}
	if ((pid = mstate_fork(m.state)) == 0) {
		/* the listeners and sessions are not the child's: a child
		   outliving a killed parent must not hold the port */
		close_range(3, ~0U, 0);
		alarm(SNAP_CHILD_MAX);
		_exit(msnap_save(m.state, m.snap_dir) < 0 ?
		      (errno > 0 && errno < 256 ? errno : EIO) : 0);
	}
	if (pid < 0)
		snapshot();
	else
		m.snap_child = pid;
}

/* snapshot_stop - the snapshot at stop, after a running child's (its
   older files must not land after ours); a child not done within
   SNAP_STOP_WAIT is killed (a fork of a threaded process can leave
   it stuck on a lock; the stop must not wait for its alarm) */
static void snapshot_stop(void)
{
	int st = 0, r;

	if (m.snap_child > 0) {
		r = daemon_child_end(m.snap_child, SNAP_STOP_WAIT, &st);
		if (r == 1) {
			daemon_log(LOG_WARNING, "snapshot child %d still "
				   "running after %d s at stop: killed",
				   (int)m.snap_child, SNAP_STOP_WAIT);
			(void)atomicfile_forget(m.snap_dir, m.snap_child);
		}
		if (r >= 0)
			snap_done(st);
		m.snap_child = 0;
	}
	snapshot();
}

/* restore_seed - the seed of the last snapshot, if it fits; 1 or 0 */
static int restore_seed(const struct mconf *c, uint8_t seed[16])
{
	const char *dir = c->core.state_dir;

	if (dir && msnap_seed(dir, c->shards, seed) == 0)
		return 1;
	if (dir && errno == ESTALE)
		daemon_log(LOG_WARNING, "state in %s is for another shard "
			   "count: not restored", dir);
	else if (dir && errno != ENOENT)
		daemon_log(LOG_WARNING, "state in %s: %m: not restored", dir);
	return 0;
}

/* ticker - release what is due, sleep until the next release */
static void *ticker(void *arg)
{
	struct timespec ts;
	uint64_t now, next;

	(void)arg;
	pthread_mutex_lock(&m.mu);
	while (!m.stopping) {
		pthread_mutex_unlock(&m.mu);
		now = sl_monotonic_ns();
		mstate_tick(m.state, now);
		release();
		if (now >= m.next_snapshot) {
			snapshot_periodic();
			m.next_snapshot = now + m.snap_every;
		}
		next = mstate_next(m.state);
		if (next > m.next_snapshot)
			next = m.next_snapshot;
		if (next > now + NS_PER_SEC)
			next = now + NS_PER_SEC;
		pthread_mutex_lock(&m.mu);
		if (m.kicked) {
			m.kicked = 0;
			continue;
		}
		ts.tv_sec = (time_t)(next / NS_PER_SEC);
		ts.tv_nsec = (long)(next % NS_PER_SEC);
		pthread_cond_timedwait(&m.cv, &m.mu, &ts);
		m.kicked = 0;
	}
	pthread_mutex_unlock(&m.mu);
	return NULL;
}

/* milter - libmilter's main loop; tell the main thread when it ends */
static void *milter(void *arg)
{
	char c = smfi_main() == MI_SUCCESS ? 'S' : 'F';

	(void)arg;
	if (write(m.pipe[1], &c, 1) < 0)
		abort();
	return NULL;
}

/* on_hup - async-signal-safe: hand the reload to the main loop */
static void on_hup(int sig)
{
	int saved = errno;
	char c = 'H';

	(void)sig;
	if (write(m.pipe[1], &c, 1) < 0)
		errno = saved;
	errno = saved;
}

/* changed - keys a reload cannot change, reported */
static void changed(const struct mconf *o, const struct mconf *n)
{
	if (strcmp(o->conn, n->conn) != 0 || o->shards != n->shards ||
	    o->mail.snapshot_interval != n->mail.snapshot_interval ||
	    g_strcmp0(o->core.state_dir, n->core.state_dir) != 0 ||
	    g_strcmp0(o->mail.control_socket, n->mail.control_socket) != 0)
		daemon_log(LOG_WARNING, "reload: listen, shards, "
			   "snapshot_interval, control_listen and state_dir "
			   "need a restart");
	if (memcmp(&o->params.id, &n->params.id, sizeof(o->params.id)))
		daemon_log(LOG_WARNING, "reload: identity, client_v6_prefix "
			   "and extension settings need a restart");
}

/* reload - SIGHUP: new configuration, state kept; a bad file changes
   nothing */
static void reload(void)
{
	char err[CFG_ERRLEN];
	struct mconf *c = mconf_load(m.config, err, sizeof(err));

	if (c == NULL) {
		daemon_log(LOG_ERR, "reload: %s; keeping the running "
			   "configuration", err);
		return;
	}
	if (mstate_reconfigure(m.state, &c->params) < 0) {
		daemon_log(LOG_ERR, "reload: throttle parameters refused; "
			   "keeping the running configuration");
		mconf_unref(c);
		return;
	}
	changed(m.conf, c);
	mfilter_set_conf(c);
	if (mailev_reopen(m.events) < 0)
		daemon_log(LOG_WARNING, "reopen event log: %m");
	mailev_syslog(m.events, c->core.syslog_events);
	/* the lists the throttle borrows now live in c: drop the old one */
	mconf_unref(m.conf);
	m.conf = c;
	daemon_log(LOG_INFO, "reloaded %s", m.config);
}

/* open_milter - register and bind now, so a bad socket fails start-up */
static void open_milter(const struct mconf *c)
{
	if (smfi_setconn((char *)c->conn) != MI_SUCCESS ||
	    smfi_register(*mfilter_desc()) != MI_SUCCESS)
		daemon_die(1, "libmilter refused the filter or %s", c->conn);
	if (smfi_opensocket(1) != MI_SUCCESS)
		daemon_die(1, "cannot listen on %s (%s): %m", c->listen,
			   c->conn);
}

/* remove_files - the pidfile and a unix milter socket, at stop and
   when the start fails after writing them */
static void remove_files(const struct mconf *c)
{
	if (c->mail.pid_file)
		unlink(c->mail.pid_file);
	if (strncmp(c->conn, "unix:", 5) == 0)
		unlink(c->conn + 5);
}

/* unlocked - an identity's lockout ended: its event */
static void unlocked(void *ctx, const char *identity)
{
	(void)ctx;
	if (mailev_unlock(m.events, sl_monotonic_ns(), identity) < 0)
		daemon_log(LOG_WARNING, "event log: %m");
}

/* load_warn - a shard's file that was not loaded, and why */
static void load_warn(const char *why)
{
	daemon_log(LOG_WARNING, "state not loaded: %s", why);
}

/* start_state - the sharded throttle and the event log */
static void start_state(const struct mconf *c)
{
	char err[512];
	uint8_t seed[16];
	int saved = restore_seed(c, seed);

	if (!saved && getrandom(seed, sizeof(seed), 0) != sizeof(seed))
		daemon_die(1, "getrandom: %m");
	if ((m.state = mstate_create(&c->params, c->shards, seed)) == NULL)
		daemon_die(2, "throttle state (%u shards, mem_cap %llu): %m",
			   c->shards, (unsigned long long)c->mail.mem_cap);
	m.share = mailshare_open(&c->core, c->params.thr.release_ns, err,
				 sizeof(err));
	if (*err)
		daemon_die(2, "%s", err);
	if (m.share && mstate_share(m.state, m.share) < 0)
		daemon_die(1, "redis: %m");
	if (saved && msnap_load(m.state, c->core.state_dir,
				sl_monotonic_ns(), load_warn) < 0)
		daemon_log(LOG_WARNING, "state in %s: partly restored",
			   c->core.state_dir);
	else if (saved)
		daemon_log(LOG_INFO, "state restored from %s",
			   c->core.state_dir);
	/* reload does not move the state: these stay as started */
	m.snap_dir = c->core.state_dir ? strdup(c->core.state_dir) : NULL;
	m.snap_every = c->mail.snapshot_interval;
	m.next_snapshot = sl_monotonic_ns() + m.snap_every;
	if ((m.events = mailev_open(c->core.events,
				    c->core.syslog_events)) == NULL)
		daemon_die(1, "event log %s: %m", c->core.events);
	mstate_on_unlock(m.state, unlocked, NULL);
	m.release = mailrelease_create(c->mail.postsuper,
				       c->mail.postfix_config_directory);
	if (m.release == NULL)
		daemon_die(1, "postsuper: %m");
}

/* ids - [milter] user looked up (start and -n alike); 0 or -1 */
static int ids(const struct mconf *c, char *err, size_t len)
{
	m.drop = c->mail.user != NULL && geteuid() == 0;
	return m.drop ? privdrop_lookup(c->mail.user, &m.id, err, len) : 0;
}

/* privsep - keep root only in the release helper, forked while there
   is one thread and after the detach (so it stays our child); then
   become the user. libmilter's hold is smfi_quarantine, a message to
   the MTA: only releasing needs root. */
static void privsep(const struct mconf *c)
{
	char err[256];

	if (c->core.state_dir &&
	    privdrop_dir(c->core.state_dir, 0750, m.drop ? &m.id : NULL) < 0)
		daemon_log(LOG_WARNING, "state_dir %s: %m", c->core.state_dir);
	if (!m.drop) {
		if (geteuid() == 0)
			daemon_log(LOG_WARNING, "running as root: [milter] "
				   "user is empty");
		return;
	}
	if ((m.priv = mailpriv_start(c->mail.postsuper,
				     c->mail.postfix_config_directory)) == NULL)
		daemon_die(1, "release helper: %m");
	if (privdrop_become(&m.id, 0, err, sizeof(err)) < 0)
		daemon_die(1, "%s", err);
	daemon_log(LOG_INFO, "running as %s (uid %u); postsuper through "
		   "the release helper, pid %d", m.id.name,
		   (unsigned)m.id.uid, (int)mailpriv_pid(m.priv));
}

/* start_threads - HUP, TERM, INT blocked in every thread we start */
static void start_threads(void)
{
	struct sigaction sa = { .sa_handler = on_hup };
	pthread_condattr_t ca;
	pthread_t t;
	sigset_t set;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m.cv, &ca);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pipe(m.pipe) < 0 ||
	    pthread_create(&m.ticker, NULL, ticker, NULL) != 0 ||
	    pthread_create(&t, NULL, milter, NULL) != 0 ||
	    pthread_detach(t) != 0)
		daemon_die(1, "threads: %m");
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* wait_stop - serve reloads and the operator socket until libmilter
   ends; its exit status */
static int wait_stop(void)
{
	struct pollfd pf[2] = { { .fd = m.pipe[0], .events = POLLIN },
				{ .fd = m.ctl ? mctl_fd(m.ctl) : -1,
				  .events = POLLIN } };
	char c;
	ssize_t r;

	for (;;) {
		if (poll(pf, 2, 1000) < 0 && errno != EINTR)
			return 1;
		if (m.ctl)
			mctl_run(m.ctl, sl_monotonic_ns());
		if (!(pf[0].revents & POLLIN))
			continue;
		r = read(m.pipe[0], &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 1;
		if (c == 'H')
			reload();
		else
			return c == 'S' ? 0 : 1;
	}
}

int main(int argc, char **argv)
{
	struct daemon_opts o;
	char err[CFG_ERRLEN];
	int status;

	daemon_args(argc, argv, PROG, NULL, NULL, NULL, &o);
	m.config = o.config;
	if ((m.conf = mconf_load(o.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", PROG, err);	/* as the others */
		return 2;
	}
	if (ids(m.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, o.config, err);
		return 2;
	}
	if (o.check_only) {
		if (m.conf->mail.warnings)
			fprintf(stderr, "%s: warning: %s: %s\n", PROG,
				o.config, m.conf->mail.warnings);
		printf("%s: configuration ok\n", o.config);
		return 0;
	}
	daemon_log_open(PROG, o.foreground, LOG_MAIL);
	if (m.conf->mail.warnings)
		daemon_log(LOG_WARNING, "%s: %s", o.config,
			   m.conf->mail.warnings);
	open_milter(m.conf);
	start_state(m.conf);
	if (!o.foreground && daemon(0, 0) < 0)
		daemon_die(1, "daemon: %m");
	if (daemon_pidfile(m.conf->mail.pid_file) < 0)
		daemon_die(1, "pid file %s: %m", m.conf->mail.pid_file);
	mfilter_start(m.state, m.conf, kick, m.events);
	if (m.conf->mail.control_socket &&
	    (m.ctl = mctl_open(m.conf->mail.control_socket,
			       &m.conf->core.access, m.state,
			       m.events, err, sizeof(err))) == NULL) {
		remove_files(m.conf);	/* a failed start leaves nothing */
		daemon_die(1, "%s", err);
	}
	privsep(m.conf);
	start_threads();
	daemon_log(LOG_INFO, "started: listening on %s, %s mode, %u shards, "
		   "control socket %s", m.conf->conn,
		   mailconf_mode_name(m.conf->mail.mode), m.conf->shards,
		   m.conf->mail.control_socket ? m.conf->mail.control_socket :
		   "none");
	status = wait_stop();
	pthread_mutex_lock(&m.mu);
	m.stopping = 1;
	pthread_cond_signal(&m.cv);
	pthread_mutex_unlock(&m.mu);
	pthread_join(m.ticker, NULL);
	snapshot_stop();
	mctl_close(m.ctl);
	remove_files(m.conf);
	daemon_log(LOG_INFO, "stopped");
	/*
	 * Sessions may still be asleep in a wait: the state stays
	 * allocated and the process ends; the MTA sees the connection
	 * close and applies its default action.
	 */
	return status;
}
