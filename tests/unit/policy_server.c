/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_server - unit test of the policy server's connection handling
 * DESCRIPTION
 *	A real unix socket and clients in the same process; the server's
 *	clock for timeouts is passed in, so nothing sleeps. A pending
 *	request does not stop other connections; malformed peers and a
 *	peer that never finishes are disconnected while others are
 *	served; answers and deadlines reach the right connection; a
 *	timeout sweep never closes a connection just answered.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>

#include "../tap.h"
#include "clock.h"
#include "../../policyd/policy_server.h"

#define REQ(rcpt) "request=smtpd_access_policy\nprotocol_state=RCPT\n" \
	"recipient=" rcpt "\n\n"

static uint64_t last_id;
static unsigned handled;

/* handler - "wait@..." waits (fallback DEFER at now + 5 s), others DUNNO */
static enum policy_answer handler(void *ctx, uint64_t id,
				  const struct policy_req *req, uint64_t now,
				  char *reply, size_t *rlen, uint64_t *deadline)
{
	(void)ctx;
	handled++;
	if (strncmp(req->recipient, "wait@", 5) == 0) {
		last_id = id;
		*rlen = policy_reply(reply, POLICY_REPLY_MAX, "DEFER", "late");
		*deadline = now + 5 * NS_PER_SEC;
		return POLICY_PENDING;
	}
	*rlen = policy_reply(reply, POLICY_REPLY_MAX, "DUNNO", req->recipient);
	return POLICY_ANSWERED;
}

static struct endpoint ep;

/* client - a connected, non-blocking client */
static int client(void)
{
	int fd = endpoint_connect(&ep);

	if (fd >= 0)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* pump - let the server run a few rounds */
static void pump(struct policy_server *s)
{
	int i;

	for (i = 0; i < 5; i++)
		policy_server_poll(s, sl_monotonic_ns() + 20 * NS_PER_MS);
}

/* get - what the client has received ("" none, "EOF" closed) */
static const char *get(int fd)
{
	static char buf[1024];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n == 0)
		return "EOF";
	if (n < 0)
		return errno == EAGAIN ? "" : errno == ECONNRESET ? "EOF" : "ERR";
	buf[n] = 0;
	return buf;
}

static void put(int fd, const char *s, size_t len)
{
	if (write(fd, s, len ? len : strlen(s)) < 0)
		diag("write: %s", strerror(errno));
}

/* stderr_to - send stderr (where daemon_log writes here) to path; the old fd */
static int stderr_to(const char *path)
{
	int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fflush(stderr);
	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
	return saved;
}

/* stderr_back - stderr as it was */
static void stderr_back(int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
}

/* file_has - path's first 4 KiB contain text */
static int file_has(const char *path, const char *text)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, text) != NULL;
}

/* count_in - lines of path holding text */
static int count_in(const char *path, const char *text)
{
	char line[512];
	FILE *fp = fopen(path, "r");
	int n = 0;

	while (fp && fgets(line, sizeof(line), fp))
		n += strstr(line, text) != NULL;
	if (fp)
		fclose(fp);
	return n;
}

/* server_of - a listening server of slots connections, per_uid of
   one uid (0: the default), the socket's group gid ((gid_t)-1: ours) */
static struct policy_server *server_of(size_t slots, size_t per_uid, gid_t gid)
{
	struct policy_server_params p;
	struct policy_server *s;

	policy_server_defaults(&p);
	p.max_conns = slots;
	if (per_uid)
		p.max_per_uid = per_uid;
	p.sock_gid = gid;
	s = policy_server_create(&p, handler, NULL);
	if (s != NULL && policy_server_listen(s, &ep) < 0) {
		policy_server_free(s);
		s = NULL;
	}
	return s;
}

/* test_full - three slots: a newcomer takes the longest idle one's, a
   request under way is never closed for it, none idle is a refusal,
   and the log says so once in ten seconds */
static void test_full(const char *logf)
{
	struct policy_server *s = server_of(3, 0, (gid_t)-1);
	int w, x, y, z, v, saved;

	if (!ok(s != NULL, "a server of 3 slots"))
		return;
	saved = stderr_to(logf);
	w = client();
	put(w, "request=smtpd_access_policy\n", 0);	/* under way */
	pump(s);
	x = client();
	pump(s);
	usleep(2000);
	y = client();
	pump(s);
	z = client();
	put(z, REQ("z@example.org"), 0);
	pump(s);
	is_str(get(z), "action=DUNNO z@example.org\n\n", "full: a newcomer is served");
	is_str(get(x), "EOF", "in the slot of the longest idle one");
	is_str(get(y), "", "the other idle one stays");
	is_str(get(w), "", "and the request under way stays");
	v = client();
	pump(s);
	is_str(get(y), "EOF", "the next newcomer: the longest idle now (y) goes");
	put(z, "request=smtpd_access_policy\n", 0);
	put(v, "request=smtpd_access_policy\n", 0);
	pump(s);
	close(x);
	x = client();		/* none idle: refused */
	pump(s);
	is_str(get(x), "EOF", "none idle: the newcomer is refused");
	stderr_back(saved);
	is_int(count_in(logf, "all 3 connections taken"), 1,
	       "three such events in ten seconds: one log line");
	unlink(logf);
	close(w);
	close(x);
	close(y);
	close(z);
	close(v);
	policy_server_free(s);
}

/* other_uid - in a child as uid/gid 65534: one request answered on
   a fresh connection; the child's exit status (0: served) */
static int other_uid(struct policy_server *s)
{
	char buf[256];
	pid_t pid;
	int st = -1, i, fd;
	pid_t r = 0;
	ssize_t n;

	if ((pid = fork()) == 0) {
		if (setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0 ||
		    (fd = endpoint_connect(&ep)) < 0)
			_exit(2);
		put(fd, REQ("nobody@example.org"), 0);
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		_exit(strcmp(buf, "action=DUNNO nobody@example.org\n\n") ? 1 : 0);
	}
	/* up to 10 s: the child may be slow to run on a loaded machine */
	for (i = 0; i < 500 && (r = waitpid(pid, &st, WNOHANG)) == 0; i++) {
		pump(s);
		usleep(20000);
	}
	if (r <= 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		diag("the child as uid 65534 got no answer in 10 s");
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* test_uid - two connections per uid on a unix socket, ten slots: a
   third of the same uid closes that uid's own longest idle one (never
   one under way), none idle refuses it, and another uid is served
   untouched beside them; one log line for it all */
static void test_uid(const char *logf)
{
	/* the other uid's group may connect */
	struct policy_server *s = server_of(10, 2, 65534);
	int w, x, y, z, v, saved;

	if (!ok(s != NULL, "a server of 10 slots, 2 per uid"))
		return;
	saved = stderr_to(logf);
	w = client();
	put(w, "request=smtpd_access_policy\n", 0);	/* under way */
	pump(s);
	x = client();
	pump(s);
	y = client();
	put(y, REQ("y@example.org"), 0);
	pump(s);
	is_str(get(y), "action=DUNNO y@example.org\n\n",
	       "uid 0's third connection is served");
	is_str(get(x), "EOF", "in place of uid 0's idle one");
	is_str(get(w), "", "uid 0's request under way stays");
	is_int(other_uid(s), 0, "uid 65534 is served beside uid 0 at its limit");
	is_str(get(y), "", "and closes none of uid 0's");
	put(y, "request=smtpd_access_policy\n", 0);
	pump(s);
	z = client();
	pump(s);
	is_str(get(z), "EOF", "none of uid 0's idle: its newcomer is refused");
	v = client();
	pump(s);
	stderr_back(saved);
	is_int(count_in(logf, "uid 0 holds 2 connections (max_connections_per_uid)"),
	       1, "three such events in ten seconds: one log line");
	unlink(logf);
	close(w);
	close(x);
	close(y);
	close(z);
	close(v);
	policy_server_free(s);
}

/* test_not_ours - a socket file another daemon bound on the path since
   stays at close */
static void test_not_ours(void)
{
	struct policy_server_params p;
	struct policy_server *s;
	struct endpoint_file f;
	int fd;

	policy_server_defaults(&p);
	s = policy_server_create(&p, handler, NULL);
	if (!ok(s != NULL && policy_server_listen(s, &ep) == 0, "listening again"))
		return;
	unlink(ep.path);
	fd = endpoint_listen(&ep, 8);	/* the newer daemon's */
	endpoint_file_get(&ep, &f);
	policy_server_free(s);
	ok(access(ep.path, F_OK) == 0, "a newer socket on the path is left alone");
	close(fd);
	endpoint_file_remove(&f);
	ok(access(ep.path, F_OK) < 0, "... and goes with its own owner");
}

int main(void)
{
	struct policy_server_params p;
	struct policy_server_stats st;
	struct policy_server *s;
	char path[108], err[128], logf[64], *junk;
	int a, b, c, d, saved;
	uint64_t now;

	snprintf(path, sizeof(path), "unix:/tmp/policy_server_t.%d", getpid());
	snprintf(logf, sizeof(logf), "/tmp/policy_server_t.%d.log", getpid());
	if (endpoint_parse(path, &ep, err, sizeof(err)) < 0) {
		ok(0, "endpoint: %s", err);
		return done_testing();
	}
	policy_server_defaults(&p);
	s = policy_server_create(&p, handler, NULL);
	ok(s != NULL, "server created");
	is_int(policy_server_listen(s, &ep), 0, "listening on %s", path);

	a = client();
	b = client();
	ok(a >= 0 && b >= 0, "two clients connected");
	put(a, REQ("one@example.org") REQ("two@example.org"), 0);
	pump(s);
	is_str(get(a), "action=DUNNO one@example.org\n\n"
	       "action=DUNNO two@example.org\n\n",
	       "two requests in one write, two replies in order");

	put(a, REQ("wait@example.org"), 0);
	pump(s);
	is_str(get(a), "", "pending request: no reply yet");
	put(b, "request=smtpd_access_policy\nrecipient=", 0);
	pump(s);
	put(b, "b@example.org\n\n", 0);
	pump(s);
	is_str(get(b), "action=DUNNO b@example.org\n\n",
	       "other connection served while one waits (request in pieces)");
	is_int(policy_server_answer(s, last_id + (1ULL << 24), "x", 1), -1,
	       "answer with a wrong id refused");
	/* The daemon's loop reads its clock once, then answers released
	   requests (which note the time afresh) and sweeps idle
	   connections with that earlier time: a sweep must not take the
	   just-answered connection for one idle since long ago. */
	now = sl_monotonic_ns();
	is_int(policy_server_answer(s, last_id, "action=DUNNO\n\n", 14), 0,
	       "answer the pending request");
	policy_server_expire(s, now);
	pump(s);
	is_str(get(a), "action=DUNNO\n\n", "the waiting client gets the answer");
	policy_server_stats(s, &st);
	is_uint(st.open, 2, "a sweep with the loop's earlier clock keeps the "
		"answered connection open");
	put(a, REQ("next@example.org"), 0);
	pump(s);
	is_str(get(a), "action=DUNNO next@example.org\n\n",
	       "and its next request is answered");
	is_int(policy_server_answer(s, last_id, "action=DUNNO\n\n", 14), -1,
	       "a second answer to the same id refused");

	put(a, REQ("wait@example.org"), 0);
	pump(s);
	now = sl_monotonic_ns();
	policy_server_expire(s, now + 6 * NS_PER_SEC);
	pump(s);
	is_str(get(a), "action=DEFER late\n\n", "deadline sends the fallback");

	c = client();
	put(c, "\x01\x02\xff junk\n\n", 0);
	pump(s);
	is_str(get(c), "EOF", "binary junk: disconnected");
	close(c);
	c = client();
	put(c, "protocol_state=RCPT\nrecipient=x@y\n\n", 0);
	pump(s);
	is_str(get(c), "EOF", "no request= attribute: disconnected");
	close(c);
	c = client();
	junk = malloc(10000 * 4 + 2);
	for (int i = 0; i < 10000; i++)
		memcpy(junk + 4 * i, "a=b\n", 4);
	put(c, junk, 40000);
	pump(s);
	is_str(get(c), "EOF", "10,000 attributes: disconnected");
	close(c);
	free(junk);

	d = client();
	put(d, "request=smtpd_access_policy\nsender=slow", 0);
	pump(s);
	policy_server_expire(s, sl_monotonic_ns() + 11 * NS_PER_SEC);
	pump(s);
	is_str(get(d), "EOF", "a peer that never finishes: disconnected");
	close(d);

	put(b, REQ("still@example.org"), 0);
	pump(s);
	is_str(get(b), "action=DUNNO still@example.org\n\n",
	       "the well-behaved connection is still served");
	policy_server_stats(s, &st);
	is_uint(st.malformed, 3, "three malformed peers counted");
	is_uint(st.timeouts, 1, "one timeout counted");
	is_uint(st.open, 2, "two connections open");

	put(a, REQ("wait@example.org"), 0);
	pump(s);
	close(a);
	saved = stderr_to(logf);
	pump(s);
	stderr_back(saved);
	policy_server_stats(s, &st);
	is_uint(st.open, 1, "a waiting peer that hangs up is closed");
	ok(file_has(logf, "hung up while its reply waited; disconnecting"),
	   "and a warning says so");
	unlink(logf);
	is_uint(st.pending, 0, "and no longer pending");

	saved = stderr_to(logf);
	policy_server_expire(s, sl_monotonic_ns() + 599 * NS_PER_SEC);
	stderr_back(saved);
	pump(s);
	is_str(get(b), "", "idle for 599 s: still open");
	saved = stderr_to(logf);
	policy_server_expire(s, sl_monotonic_ns() + 601 * NS_PER_SEC);
	stderr_back(saved);
	pump(s);
	is_str(get(b), "EOF", "idle past idle_timeout (600 s): disconnected");
	ok(file_has(logf, "unix uid 0: idle for 601 s; disconnecting"),
	   "and the log says so");
	unlink(logf);
	close(b);
	policy_server_free(s);
	ok(access(ep.path, F_OK) < 0 && errno == ENOENT,
	   "at close the unix socket file is removed");
	test_full(logf);
	test_uid(logf);
	test_not_ours();
	unlink(ep.path);
	return done_testing();
}
