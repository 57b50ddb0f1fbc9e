/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_ctl - unit test of the control socket server (common/ctl_server.c)
 * DESCRIPTION
 *	A client thread talks to the server through ctl_call() (the
 *	client every program uses) and a raw socket, while the main thread
 *	runs the server: words reach the handler, --json is seen, ERR and
 *	its reason come back, over-long and empty lines are refused, an
 *	"events" follower gets what is published and only that (the server
 *	publishes once it has subscribed the follower; a follower still
 *	waiting after FOLLOW_MS fails and says what it got, rather than
 *	hanging the test), and a client that never finishes its line is
 *	dropped at the deadline.
 *
 *	Who: the socket is born 0660 and of the control group; a child
 *	that became uid 65534 in that group is a control peer, a uid in no
 *	group is no peer at all (the file mode widened on purpose, so the
 *	credentials alone decide), root is admin. 64 idle connections do
 *	not keep a new request out: it takes the longest-idle slot.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "ctl_server.h"
#include "../tap.h"

static char sock_path[108];
static volatile int client_done;
static struct ctl_server *srv;

struct result {
	int rc;
	char reply[256];
};
static struct result r_echo, r_json, r_fail, r_long, r_empty;
static char follow_got[256];
static volatile int follower_in;	/* the handler saw "follow" */

#define FOLLOW_MS 3000	/* the follower waits this long for the events */

#define CTL_GID 65534	/* the control group of the test's server */

/* handler - echo, fail, follow, who (the peer's level and uid) */
static int handler(void *ctx, const struct ctl_peer *peer, int json, int argc,
		   char **argv, GString *out)
{
	int i;

	(void)ctx;
	if (strcmp(argv[0], "who") == 0) {
		g_string_append_printf(out, "level=%d uid=%ld\n", (int)peer->level,
				       (long)(int)peer->uid);
		return 0;
	}
	if (strcmp(argv[0], "echo") == 0) {
		g_string_append(out, json ? "json:" : "");
		for (i = 1; i < argc; i++)
			g_string_append_printf(out, "%s%s", i > 1 ? " " : "", argv[i]);
		g_string_append_c(out, '\n');
		return 0;
	}
	if (strcmp(argv[0], "follow") == 0) {
		follower_in = 1;
		return 1;
	}
	g_string_assign(out, "nope");
	return -1;
}

/* raw_connect - a plain connected socket to the server */
static int raw_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return -1;
	return fd;
}

/* follow - subscribe, then read until two events came or FOLLOW_MS
   passed (then follow_got says so: a late subscription fails, not hangs) */
static void follow(void)
{
	struct pollfd p = { .events = POLLIN };
	uint64_t end = sl_monotonic_ns() + FOLLOW_MS * NS_PER_MS, now;
	size_t got = 0;
	ssize_t n;

	if ((p.fd = raw_connect()) < 0 || write(p.fd, "follow\n", 7) != 7) {
		snprintf(follow_got, sizeof(follow_got), "(cannot subscribe: %s)",
			 strerror(errno));
		return;
	}
	while (got < sizeof(follow_got) - 1 && strstr(follow_got, "two") == NULL) {
		if ((now = sl_monotonic_ns()) >= end || poll(&p, 1,
		    (int)((end - now) / NS_PER_MS) + 1) <= 0) {
			snprintf(follow_got + got, sizeof(follow_got) - got,
				 "(no more within %d ms)", FOLLOW_MS);
			break;
		}
		n = read(p.fd, follow_got + got, sizeof(follow_got) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		follow_got[got] = 0;
	}
	close(p.fd);
}

/* client - the requests, one after another */
static void *client(void *arg)
{
	char big[CTL_LINE_MAX + 10];
	int fd;

	(void)arg;
	r_echo.rc = ctl_call(sock_path, "echo a b", r_echo.reply, 256, 2000);
	r_json.rc = ctl_call(sock_path, "--json echo x", r_json.reply, 256, 2000);
	r_fail.rc = ctl_call(sock_path, "frobnicate", r_fail.reply, 256, 2000);
	r_empty.rc = ctl_call(sock_path, "   ", r_empty.reply, 256, 2000);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	if ((fd = raw_connect()) >= 0) {	/* ctl_call refuses it itself */
		ssize_t n;

		(void)!write(fd, big, sizeof(big));
		n = read(fd, r_long.reply, sizeof(r_long.reply) - 1);
		r_long.reply[n > 0 ? n : 0] = 0;
		close(fd);
	}
	follow();
	client_done = 1;
	return NULL;
}

/* serve - run the server until the client thread is done */
static void serve(uint64_t limit_ms, int publish)
{
	struct pollfd p = { .fd = ctl_server_fd(srv), .events = POLLIN };
	uint64_t start = sl_monotonic_ns();
	int sent = 0;

	while (!client_done && sl_monotonic_ns() - start < limit_ms * NS_PER_MS) {
		if (poll(&p, 1, 10) > 0)
			ctl_server_run(srv, sl_monotonic_ns());
		/* publish once the server has subscribed the follower */
		if (publish && !sent && follower_in) {
			ctl_server_publish(srv, "{\"e\":\"one\"}", "one");
			ctl_server_publish(srv, "{\"e\":\"two\"}", "two");
			sent = 1;
		}
	}
}

/* test_requests - the client's requests and answers */
static void test_requests(void)
{
	pthread_t t;

	pthread_create(&t, NULL, client, NULL);
	serve(5000, 1);
	pthread_join(t, NULL);
	is_int(r_echo.rc, 0, "echo a b: OK");
	is_str(r_echo.reply, "a b\n", "echo a b: the words reach the handler");
	is_str(r_json.reply, "json:x\n", "--json reaches the handler");
	ok(r_fail.rc == 1 && strcmp(r_fail.reply, "nope") == 0,
	   "a refusal: ERR and its reason (got %d \"%s\")", r_fail.rc, r_fail.reply);
	ok(r_empty.rc == 1 && strstr(r_empty.reply, "empty") != NULL,
	   "an empty request: ERR (got \"%s\")", r_empty.reply);
	is_str(r_long.reply, "ERR request line too long\n", "an over-long line: ERR");
	is_str(follow_got, "OK\none\ntwo\n",
	       "a follower gets OK and the published lines, nothing else");
}

/* test_deadline - a client that never ends its line is dropped */
static void test_deadline(void)
{
	int fd = raw_connect();
	char buf[16];
	ssize_t n;

	(void)!write(fd, "echo", 4);
	ctl_server_run(srv, sl_monotonic_ns());	/* accepts */
	usleep(20000);
	ctl_server_run(srv, sl_monotonic_ns());	/* reads "echo", no newline */
	ctl_server_expire(srv, sl_monotonic_ns() + (CTL_SERVER_LINE_MS + 1) * NS_PER_MS);
	n = read(fd, buf, sizeof(buf));
	is_int(n, 0, "past the line deadline the connection is closed");
	close(fd);
}

/* as_user - in a child that is uid/gid with no other groups, "who";
   its reply, or the errno text, in buf; the server runs meanwhile */
static void as_user(uid_t uid, gid_t gid, char *buf, size_t len)
{
	struct pollfd p = { .fd = ctl_server_fd(srv), .events = POLLIN };
	int fds[2], st;
	pid_t pid;
	ssize_t n;

	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		snprintf(buf, len, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		char r[128];
		int rc = -1;

		close(fds[0]);
		if (setgroups(0, NULL) == 0 && setgid(gid) == 0 && setuid(uid) == 0)
			rc = ctl_call(sock_path, "who", r, sizeof(r), 2000);
		if (rc < 0)
			snprintf(r, sizeof(r), "%s", strerror(errno));
		(void)!write(fds[1], r, strlen(r));
		_exit(0);
	}
	close(fds[1]);
	while (waitpid(pid, &st, WNOHANG) == 0)
		if (poll(&p, 1, 10) > 0)
			ctl_server_run(srv, sl_monotonic_ns());
	n = read(fds[0], buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fds[0]);
}

/* test_who - mode and group of the socket, and each peer's level */
static void test_who(void)
{
	struct stat st;
	char got[128];

	if (stat(sock_path, &st) < 0)
		memset(&st, 0, sizeof(st));
	is_int(st.st_mode & 07777, 0660, "the socket is 0660 from the start");
	is_int((int)st.st_gid, CTL_GID, "and of the control group");
	as_user(65534, CTL_GID, got, sizeof(got));
	is_str(got, "level=1 uid=65534\n", "uid 65534 in the control group: "
	       "a control peer");
	as_user(65533, 65533, got, sizeof(got));
	is_str(got, "Permission denied", "a uid in no group: the file mode "
	       "keeps it out");
	chmod(sock_path, 0666);
	as_user(65533, 65533, got, sizeof(got));
	is_str(got, "level=0 uid=65533\n", "with the mode widened: still no "
	       "peer, by its credentials");
	chmod(sock_path, 0660);
}

static struct result r_crowd;

/* crowd_client - one request while every slot is held */
static void *crowd_client(void *arg)
{
	(void)arg;
	r_crowd.rc = ctl_call(sock_path, "who", r_crowd.reply, 256, 2000);
	client_done = 1;
	return NULL;
}

/* test_crowd - CTL_SERVER_CONNS idle connections, then a request */
static void test_crowd(void)
{
	int fds[CTL_SERVER_CONNS + 8], i, closed = 0;
	pthread_t t;
	char c;

	for (i = 0; i < CTL_SERVER_CONNS + 8; i++) {
		fds[i] = raw_connect();
		ctl_server_run(srv, sl_monotonic_ns());
	}
	client_done = 0;
	pthread_create(&t, NULL, crowd_client, NULL);
	serve(3000, 0);
	pthread_join(t, NULL);
	ok(r_crowd.rc == 0 && strcmp(r_crowd.reply, "level=2 uid=0\n") == 0,
	   "%d idle connections: a request still gets in (got %d \"%s\")",
	   CTL_SERVER_CONNS + 8, r_crowd.rc, r_crowd.reply);
	/* the oldest idle ones made room: their reads see the end */
	for (i = 0; i < CTL_SERVER_CONNS + 8; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };

		if (poll(&p, 1, 0) > 0 && read(fds[i], &c, 1) <= 0)
			closed++;
		close(fds[i]);
	}
	ok(closed >= 9, "the longest-idle made room (got %d closed, want >= 9)",
	   closed);
}

int main(void)
{
	struct ctl_access acc = { .control_gid = CTL_GID, .admin_gid = (gid_t)-1 };
	char err[256];

	snprintf(sock_path, sizeof(sock_path), "/tmp/sluiced_ctl.%d.sock", (int)getpid());
	srv = ctl_server_open(sock_path, &acc, handler, NULL, err, sizeof(err));
	if (!ok(srv != NULL, "server listens: %s", srv ? sock_path : err))
		return done_testing();
	test_requests();
	test_deadline();
	test_who();
	test_crowd();
	ctl_server_close(srv);
	ok(access(sock_path, F_OK) != 0, "the socket is removed at close");
	ctl_server_close(NULL);
	return done_testing();
}
