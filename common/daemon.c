/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	daemon - what every sluice program does at start-up: options, logs, signals
 * SYNOPSIS
 *	#include "daemon.h"
 * DESCRIPTION
 *	daemon_args() parses the shared options with getopt in POSIX mode
 *	("+"): option parsing stops at the first operand, and the global
 *	optind points at it, so a client such as sluicectl can take a
 *	command and its arguments after the options. The usage argument
 *	is the program's synopsis, the text after its name on the first
 *	line (it may go on with lines of its own, e.g. its extra letters);
 *	NULL for the shared one. What the shared options do follows.
 *
 *	daemon_log() writes to stderr until daemon_log_open() says
 *	otherwise, so a configuration error found before logging is set
 *	up is still seen.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif

#define DAEMON_OPTS "c:fnVh"
#define DAEMON_SYNOPSIS "[-c FILE] [-f] [-n] [-V] [-h]"

static const char *daemon_prog = "sluice";
static int daemon_syslog;

/* daemon_usage - the synopsis, then what the shared options do */
static void daemon_usage(FILE *fp, const char *prog, const char *usage)
{
	const char *syn = usage && *usage ? usage : DAEMON_SYNOPSIS;

	fprintf(fp, "usage: %s %s%s", prog, syn,
		syn[strlen(syn) - 1] == '\n' ? "" : "\n");
	fprintf(fp, "  -c FILE  configuration file (default %s)\n"
		"  -f       stay in the foreground and log to stderr\n"
		"  -n       check the configuration and exit (0 valid, 2 not)\n"
		"  -V       print the version and exit\n"
		"  -h       print this help and exit\n", SLUICE_DEFAULT_CONFIG);
}

/* daemon_bad - complain about the command line and exit 2 */
static void __attribute__((noreturn))
daemon_bad(const char *prog, const char *usage, const char *fmt, int opt)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, opt);
	fputc('\n', stderr);
	daemon_usage(stderr, prog, usage);
	exit(2);
}

/* daemon_optstring - "+" (POSIX mode), ":" (we report), shared, extra */
static void daemon_optstring(char *buf, size_t len, const char *extra)
{
	snprintf(buf, len, "+:%s%s", DAEMON_OPTS, extra ? extra : "");
}

/* daemon_args - parse the shared options and the program's own */
void daemon_args(int argc, char **argv, const char *prog, const char *usage,
		 const char *extra, int (*fn)(int opt, const char *arg),
		 struct daemon_opts *o)
{
	char optstring[128];
	int c;

	daemon_prog = prog;	/* errors before daemon_log_open name it */
	o->config = SLUICE_DEFAULT_CONFIG;
	o->foreground = 0;
	o->check_only = 0;
	daemon_optstring(optstring, sizeof(optstring), extra);
	opterr = 0;
	optind = 1;
	while ((c = getopt(argc, argv, optstring)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'n': o->check_only = 1; break;
		case 'V':
			printf("%s %s\n", prog, SLUICE_VERSION);
			exit(0);
		case 'h':
			daemon_usage(stdout, prog, usage);
			exit(0);
		case ':':
			daemon_bad(prog, usage, "option -%c needs an argument", optopt);
		case '?':
			daemon_bad(prog, usage, "unknown option -%c", optopt);
		default:
			if (fn == NULL || fn(c, optarg) != 0)
				daemon_bad(prog, usage, "bad use of option -%c", c);
		}
	}
}

/* daemon_log_open - log as prog, to stderr when foreground, else to syslog */
void daemon_log_open(const char *prog, int foreground, int facility)
{
	daemon_prog = prog;
	daemon_syslog = !foreground;
	if (daemon_syslog)
		openlog(prog, LOG_PID | LOG_NDELAY, facility);
}

/* daemon_level - the Postfix-style tag for stderr lines */
static const char *daemon_level(int prio)
{
	switch (LOG_PRI(prio)) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "fatal: ";
	case LOG_ERR: return "error: ";
	case LOG_WARNING: return "warning: ";
	case LOG_DEBUG: return "debug: ";
	default: return "";
	}
}

/* daemon_logv - one line to syslog or stderr */
static void daemon_logv(int prio, const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (daemon_syslog)
		syslog(prio, "%s", line);
	else
		fprintf(stderr, "%s: %s%s\n", daemon_prog, daemon_level(prio),
			line);
}

/* daemon_log - one log line; prio is a syslog priority */
void daemon_log(int prio, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	daemon_logv(prio, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* daemon_die - log and exit with status (1 runtime, 2 config) */
void daemon_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	daemon_logv(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(status);
}

/* daemon_signalfd - block HUP, TERM, INT, CHLD, ignore PIPE; a signalfd */
int daemon_signalfd(void)
{
	sigset_t set;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* daemon_pidfile - write our pid to path (NULL = none); -1 with errno */
int daemon_pidfile(const char *path)
{
	char buf[32];
	int fd, n, saved;

	if (path == NULL)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		saved = errno ? errno : EIO;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

/* daemon_child_end - the child's end within secs, or its kill */
int daemon_child_end(pid_t pid, unsigned secs, int *st)
{
	unsigned ticks = secs * 100;
	pid_t r;

	for (;;) {
		if ((r = waitpid(pid, st, WNOHANG)) == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0 && ticks-- == 0)
			break;
		poll(NULL, 0, 10);
	}
	kill(pid, SIGKILL);
	while ((r = waitpid(pid, st, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? 1 : -1;
}
