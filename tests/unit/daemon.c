/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	daemon.t - the shared command line, logging to stderr, signals, pid file
 * DESCRIPTION
 *	daemon_args() exits for -h, -V and bad command lines, so each case
 *	runs in a child whose stdout and stderr come back through pipes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "../tap.h"

struct run { int status; char out[4096], err[4096]; struct daemon_opts o; };

static int seen_x;
static const char *seen_arg;

/* extra - the program's own option -x ARG */
static int extra(int opt, const char *arg)
{
	if (opt != 'x' || strcmp(arg, "bad") == 0)
		return -1;
	seen_x = 1;
	seen_arg = arg;
	return 0;
}

/* slurp - read a pipe to EOF into buf */
static void slurp(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(fd);
}

/* run_args - daemon_args in a child; its exit status and output */
static void run_args(struct run *r, char **argv)
{
	int out[2], err[2], argc = 0;
	pid_t pid;

	while (argv[argc])
		argc++;
	memset(r, 0, sizeof(*r));
	if (pipe(out) < 0 || pipe(err) < 0)
		exit(99);
	if ((pid = fork()) == 0) {
		struct daemon_opts o;

		dup2(out[1], 1);
		dup2(err[1], 2);
		daemon_args(argc, argv, "sluice-test",
			    "[-c FILE] [-f] [-n] [-x ARG] [-V] [-h] [COMMAND]\n  -x ARG   an extra option",
			    "x:", extra, &o);
		/* report what was parsed, as the exit status and stdout */
		printf("config=%s fg=%d check=%d x=%d arg=%s optind=%d\n", o.config,
		       o.foreground, o.check_only, seen_x, seen_arg ? seen_arg : "-", optind);
		fflush(stdout);
		_exit(42);
	}
	close(out[1]);
	close(err[1]);
	slurp(out[0], r->out, sizeof(r->out));
	slurp(err[0], r->err, sizeof(r->err));
	waitpid(pid, &r->status, 0);
	r->status = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

/* has_usage - the usage text lists every shared option */
static int has_usage(const char *s)
{
	return strstr(s, "usage: sluice-test [-c FILE] [-f] [-n] [-x ARG] [-V] [-h] [COMMAND]\n"
		      "  -x ARG   an extra option\n") && strstr(s, "  -c FILE  configuration") &&
	       strstr(s, "  -f ") && strstr(s, "  -n ") && strstr(s, "  -V ") &&
	       strstr(s, "  -h ") && strstr(s, "-x ARG");
}

static void test_args(void)
{
	struct run r;

	run_args(&r, (char *[]){ "t", NULL });
	is_int(r.status, 42, "no options: returns");
	is_str(r.out, "config=/etc/sluice/sluice.conf fg=0 check=0 x=0 arg=- optind=1\n", "defaults");
	run_args(&r, (char *[]){ "t", "-c", "/tmp/a.conf", "-f", "-n", NULL });
	is_str(r.out, "config=/tmp/a.conf fg=1 check=1 x=0 arg=- optind=5\n", "-c -f -n");
	run_args(&r, (char *[]){ "t", "-fnc/tmp/b.conf", NULL });
	is_str(r.out, "config=/tmp/b.conf fg=1 check=1 x=0 arg=- optind=2\n", "bundled -fnc");
	run_args(&r, (char *[]){ "t", "-x", "val", "status", "-f", NULL });
	is_str(r.out, "config=/etc/sluice/sluice.conf fg=0 check=0 x=1 arg=val optind=3\n",
	       "program option, and parsing stops at the first operand");
	run_args(&r, (char *[]){ "t", "-h", NULL });
	is_int(r.status, 0, "-h exits 0");
	ok(has_usage(r.out), "-h prints usage listing -c -f -n -V -h to stdout");
	is_str(r.err, "", "-h: nothing on stderr");
	run_args(&r, (char *[]){ "t", "-V", NULL });
	is_int(r.status, 0, "-V exits 0");
	ok(strncmp(r.out, "sluice-test ", 12) == 0 && strlen(r.out) > 13, "-V prints the program and version");
	run_args(&r, (char *[]){ "t", "-q", NULL });
	is_int(r.status, 2, "unknown option exits 2");
	ok(strstr(r.err, "sluice-test: unknown option -q") != NULL, "and says which");
	ok(has_usage(r.err), "with the usage on stderr");
	is_str(r.out, "", "nothing on stdout");
	run_args(&r, (char *[]){ "t", "-c", NULL });
	is_int(r.status, 2, "-c without a file exits 2");
	ok(strstr(r.err, "option -c needs an argument") && has_usage(r.err), "and says so, with usage");
	run_args(&r, (char *[]){ "t", "-x", "bad", NULL });
	is_int(r.status, 2, "a program option its handler refuses exits 2");
}

static void test_log_and_signals(void)
{
	char path[64], buf[64];
	struct signalfd_siginfo si;
	int fd, sfd, err[2], saved;
	ssize_t n;

	/* daemon_log to stderr with a level tag */
	if (pipe(err) < 0)
		return;
	saved = dup(2);
	dup2(err[1], 2);
	close(err[1]);
	daemon_log_open("sluice-test", 1, LOG_DAEMON);
	errno = 1234;
	daemon_log(LOG_WARNING, "queue %d over", 101);
	ok(errno == 1234, "daemon_log keeps errno");
	daemon_log(LOG_INFO, "started");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = read(err[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	close(err[0]);
	is_str(buf, "sluice-test: warning: queue 101 over\nsluice-test: started\n",
	       "foreground log lines go to stderr");

	snprintf(path, sizeof(path), "/tmp/sluice-pid-%ld", (long)getpid());
	unlink(path);
	ok(daemon_pidfile(path) == 0, "pid file written");
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	ok(atol(buf) == (long)getpid() && buf[n - 1] == '\n', "it holds our pid");
	unlink(path);
	ok(daemon_pidfile(NULL) == 0, "no pid file: fine");
	ok(daemon_pidfile("/nonexistent/dir/pid") < 0, "an unwritable pid file fails");

	sfd = daemon_signalfd();
	ok(sfd >= 0, "signalfd");
	n = read(sfd, &si, sizeof(si));
	ok(n < 0 && errno == EAGAIN, "non-blocking: nothing yet");
	kill(getpid(), SIGHUP);
	n = read(sfd, &si, sizeof(si));
	ok(n == sizeof(si) && si.ssi_signo == SIGHUP, "SIGHUP arrives through the fd");
	kill(getpid(), SIGTERM);
	n = read(sfd, &si, sizeof(si));
	ok(n == sizeof(si) && si.ssi_signo == SIGTERM, "SIGTERM too");
	ok(signal(SIGPIPE, SIG_IGN) == SIG_IGN, "SIGPIPE is ignored");
	close(sfd);
}

int main(void)
{
	test_args();
	test_log_and_signals();
	return done_testing();
}
