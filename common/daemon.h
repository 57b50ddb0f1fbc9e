/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	daemon - what every sluice program does at start-up: options, logs, signals
 * SYNOPSIS
 *	#include "daemon.h"
 * DESCRIPTION
 *	The shared command line: -c FILE (config), -f (foreground, log to
 *	stderr), -n (check the configuration and exit), -V (version), -h
 *	(help); a program may add its own letters. Logging goes to syslog
 *	(LOG_MAIL for the mail filters, LOG_DAEMON otherwise) or, with -f,
 *	to stderr. Signals arrive through a signalfd so the event loops
 *	handle SIGHUP (reload) and SIGTERM/SIGINT (stop) like any other fd.
 *	This is the only module allowed to exit: at start-up, with 2 for a
 *	bad command line or configuration (DESIGN.md, exit status).
 */
#ifndef SLUICE_DAEMON_H
#define SLUICE_DAEMON_H

#include <sys/types.h>

#include <syslog.h>

#define SLUICE_DEFAULT_CONFIG "/etc/sluice/sluice.conf"

struct daemon_opts {
	const char *config;	/* -c, default SLUICE_DEFAULT_CONFIG */
	int foreground;		/* -f */
	int check_only;		/* -n */
};

/* daemon_args - parse the shared options; extra is getopt letters the
   program handles itself in fn (may be NULL); prints help for -h and
   the version for -V and exits 0; exits 2 on a bad command line */
void daemon_args(int argc, char **argv, const char *prog, const char *usage,
		 const char *extra, int (*fn)(int opt, const char *arg),
		 struct daemon_opts *o);
/* daemon_log_open - log as prog, to stderr when foreground, else to
   syslog with facility */
void daemon_log_open(const char *prog, int foreground, int facility);
/* daemon_log - one log line; prio is a syslog priority */
void daemon_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* daemon_die - log and exit with status (1 runtime, 2 config) */
void daemon_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* daemon_signalfd - block HUP, TERM, INT, CHLD (and ignore PIPE); a
   non-blocking signalfd for them, or -1 with errno */
int daemon_signalfd(void);
/* daemon_pidfile - write our pid to path (NULL = none); -1 with errno */
int daemon_pidfile(const char *path);
/* daemon_child_end - wait up to secs for child pid (a snapshot writer)
   and its wait status in *st: 0 it exited, 1 it was still running and
   was killed (SIGKILL; a fork of a threaded process can leave the
   child stuck on a lock), -1 with errno if there is no such child */
int daemon_child_end(pid_t pid, unsigned secs, int *st);

#endif
