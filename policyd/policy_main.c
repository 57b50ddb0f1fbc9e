/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluice-policyd - Postfix SMTPD policy server with the email virus throttle
 * SYNOPSIS
 *	sluice-policyd [-c FILE] [-f] [-n] [-s] [-V] [-h]
 * DESCRIPTION
 *	Start-up (options, configuration, state), the loop, and the
 *	signals: SIGHUP reloads the configuration keeping the state,
 *	SIGTERM and SIGINT stop after saving it, SIGCHLD reaps postsuper
 *	and the snapshot's child. The periodic snapshot is written by a
 *	forked child from its copy-on-write image of the state, so the
 *	loop only waits for the fork (sdstate.c's way): one child at a
 *	time, a period skipped while one runs; its exit status says
 *	whether the files were written (it logged why not). The child
 *	only writes files: it never calls Redis (mailshare), whose
 *	connection stays the parent's, and leaves by _exit. The snapshot
 *	at stop waits for a running child, then writes in the process.
 *	With -s one peer is served on standard input and output, as
 *	Postfix's spawn(8) runs a policy server, and the program exits
 *	when it hangs up. See sluice-policyd(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "clock.h"
#include "daemon.h"
#include "mailpriv.h"
#include "mailseed.h"
#include "policy_app.h"
#include "policy_conf.h"
#include "policy_ctl.h"
#include "policy_server.h"
#include "privdrop.h"

#define PROG "sluice-policyd"
#define CTL_ERRLEN 256
#define USAGE "[-c FILE] [-f] [-n] [-s] [-V] [-h]\n" \
	"  -s  serve one peer on stdin/stdout (Postfix spawn(8))"

struct policyd {
	const char *config;
	struct privdrop_id id;	/* [policyd] user */
	int drop;		/* root now, to become id after start-up */
	struct policy_app *app;
	struct policy_server *srv;
	struct policy_ctl *ctl;
	int stop, reload;
	uint64_t next_save;
	pid_t save_child;	/* the snapshot being written; 0 = none */
	int save_failing;	/* the last save failed (and said so) */
	int save_skip_said;	/* a skipped period was logged */
};

static int opt_spawn;

/* opt - the program's own option letters */
static int opt(int c, const char *arg)
{
	(void)arg;
	if (c != 's')
		return -1;
	opt_spawn = 1;
	return 0;
}

/* save - snapshot into the state directory, in this process; a
   failure is said once, until a save succeeds again */
static void save(struct policyd *d)
{
	const struct policy_conf *c = policy_app_conf(d->app);

	if (c->core.state_dir == NULL)
		return;
	if (policy_app_save(d->app, c->core.state_dir) < 0) {
		if (!d->save_failing)
			daemon_log(LOG_WARNING, "saving state in %s: %s; it "
				   "will not survive a restart",
				   c->core.state_dir, strerror(errno));
		d->save_failing = 1;
		return;
	}
	if (d->save_failing)
		daemon_log(LOG_INFO, "state saved in %s again",
			   c->core.state_dir);
	d->save_failing = 0;
}

/* save_done - the snapshot child ended with wait status st */
static void save_done(struct policyd *d, int st)
{
	d->save_child = 0;
	d->save_failing = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
}

/* save_claim - mailrelease_claim_fn: the snapshot's child is ours */
static int save_claim(void *ctx, pid_t pid, int st)
{
	struct policyd *d = ctx;

	if (d->save_child <= 0 || pid != d->save_child)
		return 0;
	save_done(d, st);
	return 1;
}

/* save_periodic - the snapshot written by a child (in the process
   itself if fork fails); skipped while the last one is still written */
static void save_periodic(struct policyd *d)
{
	pid_t pid;

	if (policy_app_conf(d->app)->core.state_dir == NULL)
		return;
	if (d->save_child > 0) {
		if (!d->save_skip_said)
			daemon_log(LOG_WARNING, "snapshot skipped: the last "
				   "one is still being written (said once; "
				   "snapshot_interval may be too short)");
		d->save_skip_said = 1;
		return;
	}
	if ((pid = fork()) == 0) {
		/* a killed parent's port and peers must not stay with us */
		policy_server_forget(d->srv);
		save(d);
		_exit(d->save_failing);
	}
	if (pid < 0)
		save(d);
	else
		d->save_child = pid;
}

/* save_stop - the snapshot at stop, after a running child's (its
   older files must not land after ours) */
static void save_stop(struct policyd *d)
{
	int st;

	while (d->save_child > 0 && waitpid(d->save_child, &st, 0) < 0)
		if (errno != EINTR) {
			d->save_child = 0;
			break;
		}
	if (d->save_child > 0)
		save_done(d, st);
	save(d);
}

/* on_signal - signalfd readable */
static void on_signal(void *ctx, int fd)
{
	struct policyd *d = ctx;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP: d->reload = 1; break;
		case SIGTERM: case SIGINT: d->stop = 1; break;
		case SIGCHLD: policy_app_reap(d->app, save_claim, d); break;
		default: break;
		}
	}
}

/* reload - SIGHUP: new configuration, same state and listeners */
static void reload(struct policyd *d)
{
	char err[CFG_ERRLEN];
	struct policy_conf *c = policy_conf_load(d->config, err, sizeof(err));

	if (c == NULL) {
		daemon_log(LOG_ERR, "reload refused, old configuration kept: "
			   "%s", err);
		return;
	}
	policy_server_set_params(d->srv, &c->srv);
	if (policy_app_reconfigure(d->app, c) < 0)
		daemon_log(LOG_ERR, "reload refused by the throttle, old "
			   "configuration kept");
	else
		daemon_log(LOG_INFO, "configuration reloaded from %s",
			   d->config);
}

/* serve - listeners from the configuration, or the spawn(8) peer */
static void serve(struct policyd *d, const struct policy_conf *c)
{
	size_t i;

	if (opt_spawn) {
		if (policy_server_adopt(d->srv, 0, 1) < 0)
			daemon_die(1, "serving stdin: %s", strerror(errno));
		return;
	}
	if (c->neps == 0)
		daemon_die(2, "[policyd] listen is empty");
	for (i = 0; i < c->neps; i++)
		if (policy_server_listen(d->srv, &c->eps[i]) < 0)
			daemon_die(1, "listen on %s: %s", c->listen[i],
				   strerror(errno));
}

/* seed_get - the hash seed kept in the state directory (mailseed),
   or a new one saved there at once */
static void seed_get(const char *dir, uint8_t seed[16])
{
	if (dir && mailseed_load(dir, "policyd.seed", 1, seed) == 0)
		return;
	if (dir && errno != ENOENT)
		daemon_log(LOG_WARNING, "%s/policyd.seed: %s: a new seed",
			   dir, strerror(errno));
	if (getrandom(seed, 16, 0) != 16)
		daemon_die(1, "getrandom: %s", strerror(errno));
	if (dir && mailseed_save(dir, "policyd.seed", 1, seed) < 0)
		daemon_log(LOG_WARNING, "%s/policyd.seed: %s: state will not "
			   "survive a restart", dir, strerror(errno));
}

/* has_unix - a unix socket among the listeners */
static int has_unix(const struct policy_conf *c)
{
	size_t i;

	for (i = 0; i < c->neps; i++)
		if (c->eps[i].family == AF_UNIX)
			return 1;
	return 0;
}

/* ids - [policyd] user and listen_group, looked up at start and by
   -n alike: the sockets' owner and group, and whom to become; 0, or
   -1 with err */
static int ids(struct policyd *d, struct policy_conf *c, char *err,
	       size_t len)
{
	gid_t gid;

	d->drop = c->mail.user != NULL && geteuid() == 0;
	if (d->drop && privdrop_lookup(c->mail.user, &d->id, err, len) < 0)
		return -1;
	if (d->drop)
		c->srv.sock_uid = d->id.uid;
	if (c->listen_group != NULL && has_unix(c)) {
		if (privdrop_group(c->listen_group, &gid, err, len) < 0)
			return -1;
		c->srv.sock_gid = gid;
	}
	return 0;
}

/* state_dir_make - made if missing, for the user we become */
static void state_dir_make(const struct policyd *d, const char *dir)
{
	if (dir && privdrop_dir(dir, 0750, d->drop ? &d->id : NULL) < 0)
		daemon_log(LOG_WARNING, "state_dir %s: %s", dir,
			   strerror(errno));
}

/* privsep - keep root only in the release helper (forked now, after
   the detach, so it stays our child), then become the user */
static void privsep(struct policyd *d, const struct policy_conf *c)
{
	char err[256];
	struct mailpriv *p;

	if (!d->drop) {
		if (geteuid() == 0)
			daemon_log(LOG_WARNING, "running as root: [policyd] "
				   "user is empty");
		return;
	}
	if ((p = mailpriv_start(c->mail.postsuper,
				c->mail.postfix_config_directory)) == NULL)
		daemon_die(1, "release helper: %s", strerror(errno));
	policy_app_privsep(d->app, p);
	if (privdrop_become(&d->id, 0, err, sizeof(err)) < 0)
		daemon_die(1, "%s", err);
	daemon_log(LOG_INFO, "running as %s (uid %u); postsuper through "
		   "the release helper, pid %d", d->id.name,
		   (unsigned)d->id.uid, (int)mailpriv_pid(p));
}

/* load_warn - a state file that was not loaded, and why */
static void load_warn(const char *why)
{
	daemon_log(LOG_WARNING, "state not loaded: %s", why);
}

/* start - everything up to the loop; dies on any failure */
static void start(struct policyd *d, struct policy_conf *c, int foreground)
{
	uint8_t seed[16];
	char err[CTL_ERRLEN];
	int sfd;

	if (ids(d, c, err, sizeof(err)) < 0)
		daemon_die(2, "%s", err);
	state_dir_make(d, c->core.state_dir);
	seed_get(c->core.state_dir, seed);
	if ((d->app = policy_app_create(c, seed)) == NULL)
		daemon_die(1, "cannot start: %s", strerror(errno));
	if (policy_app_share(d->app, err, sizeof(err)) < 0)
		daemon_die(2, "%s", err);
	if (c->core.state_dir) {
		(void)policy_app_load(d->app, c->core.state_dir,
				      sl_monotonic_ns(), load_warn);
	}
	if ((d->srv = policy_server_create(&c->srv, policy_app_handler,
					   d->app)) == NULL)
		daemon_die(1, "server: %s", strerror(errno));
	policy_app_attach(d->app, d->srv);
	serve(d, c);
	/* detach once the listeners are bound, so a port in use fails the
	   start where the operator sees it; spawn(8) keeps us attached */
	if (!foreground && !opt_spawn && daemon(0, 0) < 0)
		daemon_die(1, "daemon: %s", strerror(errno));
	if ((sfd = daemon_signalfd()) < 0 ||
	    policy_server_watch(d->srv, sfd, on_signal, d) < 0)
		daemon_die(1, "signals: %s", strerror(errno));
	if (c->mail.control_socket && !opt_spawn &&
	    (d->ctl = policy_ctl_open(c->mail.control_socket,
				      &c->core.access, d->app, d->srv, err,
				      sizeof(err))) == NULL)
		daemon_die(1, "%s", err);
	if (c->mail.pid_file && !opt_spawn &&
	    daemon_pidfile(c->mail.pid_file) < 0)
		daemon_die(1, "pid file %s: %s", c->mail.pid_file,
			   strerror(errno));
	privsep(d, c);
}

/* loop - until a stop signal (or the spawn peer leaves) */
static int loop(struct policyd *d)
{
	uint64_t now, next;

	d->next_save = sl_monotonic_ns() +
		       policy_app_conf(d->app)->mail.snapshot_interval;
	while (!d->stop) {
		next = policy_app_next(d->app);
		if (d->next_save < next)
			next = d->next_save;
		if (policy_server_poll(d->srv, next) < 0) {
			daemon_log(LOG_ERR, "event loop: %s", strerror(errno));
			return 1;
		}
		now = sl_monotonic_ns();
		policy_app_tick(d->app, now);
		policy_server_expire(d->srv, now);
		policy_ctl_expire(d->ctl, now);
		if (d->reload) {
			d->reload = 0;
			reload(d);
		}
		if (now >= d->next_save) {
			save_periodic(d);
			d->next_save = now +
				policy_app_conf(d->app)->mail.snapshot_interval;
		}
		if (opt_spawn && policy_server_adopted_done(d->srv))
			break;
	}
	return 0;
}

/* main - start, serve until stopped, save the state */
int main(int argc, char **argv)
{
	struct daemon_opts o;
	struct policyd d = { 0 };
	struct policy_conf *c;
	char err[CFG_ERRLEN], *pidfile;
	int status;

	daemon_args(argc, argv, PROG, USAGE, "s", opt, &o);
	d.config = o.config;
	if ((c = policy_conf_load(o.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		return 2;
	}
	if (o.check_only) {
		if (ids(&d, c, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s: %s\n", PROG, o.config, err);
			policy_conf_free(c);
			return 2;
		}
		if (c->mail.warnings)
			fprintf(stderr, "%s: warning: %s: %s\n", PROG,
				o.config, c->mail.warnings);
		printf("%s: configuration ok\n", o.config);
		policy_conf_free(c);
		return 0;
	}
	daemon_log_open(PROG, o.foreground, LOG_MAIL);
	if (c->mail.warnings)
		daemon_log(LOG_WARNING, "%s: %s", o.config, c->mail.warnings);
	/* a reload frees c: keep the pid file's name for the stop */
	pidfile = c->mail.pid_file && !opt_spawn ? strdup(c->mail.pid_file)
						 : NULL;
	start(&d, c, o.foreground);
	daemon_log(LOG_INFO, "started: listening on %s, %s mode, control "
		   "socket %s", opt_spawn ? "standard input" : c->listen[0],
		   mailconf_mode_name(c->mail.mode),
		   c->mail.control_socket && !opt_spawn ?
		   c->mail.control_socket : "none");
	status = loop(&d);
	save_stop(&d);
	policy_ctl_close(d.ctl);
	if (pidfile)
		unlink(pidfile);
	free(pidfile);
	daemon_log(LOG_INFO, "stopped");
	policy_server_free(d.srv);
	policy_app_free(d.app);
	return status;
}
