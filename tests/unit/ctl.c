/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctl.t - the control client against a scripted server in a child process
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "endpoint.h"
#include "../tap.h"

/* serve_one - read one request line and answer it from the script */
static void serve_one(int fd)
{
	char req[CTL_LINE_MAX + 1], big[9000];
	ssize_t n = 0, r;

	while (n < CTL_LINE_MAX && (r = read(fd, req + n, sizeof(req) - 1 - (size_t)n)) > 0) {
		n += r;
		if (memchr(req, '\n', (size_t)n))
			break;
	}
	req[n > 0 ? n : 0] = 0;
	if (strcmp(req, "status\n") == 0) {
		dprintf(fd, "OK\nhosts 3\nquarantined 1\n");
	} else if (strcmp(req, "--json hosts\n") == 0) {
		dprintf(fd, "OK\n{\"host\":\"192.0.2.1\"}\n");
	} else if (strcmp(req, "release 1.2.3.4\n") == 0) {
		dprintf(fd, "ERR no such host\n");
	} else if (strcmp(req, "big\n") == 0) {
		memset(big, 'b', sizeof(big));
		dprintf(fd, "OK\n");
		(void)!write(fd, big, sizeof(big));
	} else if (strcmp(req, "hang\n") == 0) {
		sleep(5);
	} else if (strcmp(req, "empty\n") == 0) {
		dprintf(fd, "OK\n");
	} else {
		dprintf(fd, "WHAT\n");
	}
	close(fd);
}

/* server - accept and serve until killed */
static void server(int l)
{
	int fd;

	for (;;) {
		fd = accept(l, NULL, NULL);
		if (fd < 0)
			continue;
		if (fork() == 0) {
			serve_one(fd);
			_exit(0);
		}
		close(fd);
	}
}

int main(void)
{
	char path[64], spec[80], err[256], reply[256], small[8];
	struct endpoint ep;
	pid_t pid;
	int l, r;

	snprintf(path, sizeof(path), "/tmp/sluice-ctl-%ld.sock", (long)getpid());
	snprintf(spec, sizeof(spec), "unix:%s", path);
	unlink(path);
	signal(SIGCHLD, SIG_IGN);
	if (endpoint_parse(spec, &ep, err, sizeof(err)) < 0 ||
	    (l = endpoint_listen(&ep, 16)) < 0) {
		ok(0, "listen on %s: %s", path, strerror(errno));
		return done_testing();
	}
	if ((pid = fork()) == 0) {
		/* the listener is non-blocking: make accept wait */
		fcntl(l, F_SETFL, 0);
		server(l);
	}
	close(l);

	r = ctl_call(path, "status", reply, sizeof(reply), 2000);
	is_int(r, 0, "status answers OK");
	is_str(reply, "hosts 3\nquarantined 1\n", "body after the OK line");
	r = ctl_call(path, "--json hosts", reply, sizeof(reply), 2000);
	is_int(r, 0, "--json hosts answers OK");
	is_str(reply, "{\"host\":\"192.0.2.1\"}\n", "JSON body");
	r = ctl_call(path, "release 1.2.3.4", reply, sizeof(reply), 2000);
	is_int(r, 1, "ERR is 1");
	is_str(reply, "no such host", "the reason is the reply");
	r = ctl_call(path, "empty", reply, sizeof(reply), 2000);
	is_int(r, 0, "OK with no body");
	is_str(reply, "", "empty body");
	r = ctl_call(path, "big", small, sizeof(small), 2000);
	is_int(r, 0, "a long body is OK");
	is_str(small, "bbbbbbb", "and cut to the buffer, NUL-terminated");
	errno = 0;
	r = ctl_call(path, "nonsense", reply, sizeof(reply), 2000);
	ok(r == -1 && errno == EPROTO, "a status line neither OK nor ERR is a protocol error (r %d errno %d)", r, errno);
	errno = 0;
	r = ctl_call(path, "hang", reply, sizeof(reply), 150);
	ok(r == -1 && errno == ETIMEDOUT, "a silent server times out (r %d errno %d)", r, errno);
	{
		char longreq[CTL_LINE_MAX + 10];

		memset(longreq, 'x', sizeof(longreq) - 1);
		longreq[sizeof(longreq) - 1] = 0;
		errno = 0;
		r = ctl_call(path, longreq, reply, sizeof(reply), 2000);
		ok(r == -1 && errno == EMSGSIZE, "an over-long request is refused before sending");
		r = ctl_call(path, "status\nrelease 1.2.3.4", reply, sizeof(reply), 2000);
		ok(r == -1 && errno == EMSGSIZE, "a request with a newline inside is refused");
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(path);
	errno = 0;
	r = ctl_call(path, "status", reply, sizeof(reply), 2000);
	ok(r == -1 && errno == ENOENT, "no socket: -1 ENOENT (errno %d)", errno);
	return done_testing();
}
